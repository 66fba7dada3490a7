"""The one exception trialkit raises for bad input, and a collector for one-pass reports."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

__all__ = ["ErrorCollector", "NothingToDraw", "TrialDataError"]

T = TypeVar("T")


class TrialDataError(ValueError):
    """Bad input: a data file, a pasted table, or an argument that cannot be used.

    The message names where the problem is (file, row and field, or the argument and the
    element index) and what was expected, so that one line is enough to fix it. When one
    pass over a table found several problems, they are raised together as one error whose
    message names them all, one per line after the first, and whose ``errors`` lists them.

    Parameters
    ----------
    message : str
        What is wrong and what was expected.
    file : str, optional
        The file (or table) the bad value comes from.
    row : int, optional
        1-based data row (the header is not counted), or the 0-based element index for an
        array argument.
    field : str, optional
        The column, key or argument name.
    errors : iterable of TrialDataError, optional
        The individual problems this error stands for; default ``[self]``.

    Examples
    --------
    >>> err = TrialDataError("expected a number >= 0, got '-1.3'", file="summary.csv",
    ...                      row=4, field="sd")
    >>> str(err)
    "summary.csv, row 4, field 'sd': expected a number >= 0, got '-1.3'"
    >>> err.errors == [err]
    True
    >>> both = TrialDataError.combine([err, TrialDataError("empty", file="summary.csv",
    ...                                                     row=5, field="n")])
    >>> print(both)
    2 problems:
      summary.csv, row 4, field 'sd': expected a number >= 0, got '-1.3'
      summary.csv, row 5, field 'n': empty
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | None = None,
        field: str | None = None,
        errors: Iterable[TrialDataError] | None = None,
    ) -> None:
        self.file = file
        self.row = row
        self.field = field
        self.reason = message
        self.errors: list[TrialDataError] = list(errors) if errors is not None else [self]
        where = []
        if file is not None:
            where.append(str(file))
        if row is not None:
            where.append(f"row {row}")
        if field is not None:
            where.append(f"field '{field}'")
        text = f"{', '.join(where)}: {message}" if where else message
        super().__init__(text)

    @classmethod
    def combine(cls, errors: Iterable[TrialDataError]) -> TrialDataError:
        """One error standing for several: the error itself when there is only one.

        The message's first line counts the problems; each further line is one problem's
        full message (file, row, field, what was wrong).
        """
        flat = [e for err in errors for e in err.errors]
        if not flat:
            raise ValueError("combine needs at least one error")
        if len(flat) == 1:
            return flat[0]
        lines = "\n".join(f"  {e}" for e in flat)
        files = {e.file for e in flat}
        combined = cls(f"{len(flat)} problems:\n{lines}", errors=flat)
        combined.file = files.pop() if len(files) == 1 else None
        return combined


class NothingToDraw(TrialDataError):
    """A plot asked to draw a frame that holds nothing to draw (no variable with a p value,
    no printed digit): the plot functions raise it, and a caller drawing every figure that
    applies (``trialkit screen``) skips that figure."""


class ErrorCollector:
    """Run checks one after another, keeping every TrialDataError instead of the first.

    Examples
    --------
    >>> from trialkit.cells import parse_number
    >>> errors = ErrorCollector()
    >>> errors.call(parse_number, "1.5")
    1.5
    >>> errors.call(parse_number, "x", row=2) is None
    True
    >>> len(errors.errors)
    1
    """

    def __init__(self) -> None:
        self.errors: list[TrialDataError] = []

    def call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
        """``fn(*args, **kwargs)``, or None after recording the TrialDataError it raised."""
        try:
            return fn(*args, **kwargs)
        except TrialDataError as exc:
            self.errors.extend(exc.errors)
            return None

    def add(self, error: TrialDataError) -> None:
        """Record an error found without calling a function."""
        self.errors.extend(error.errors)

    def raise_any(self) -> None:
        """Raise all recorded errors as one :class:`TrialDataError` (nothing if none)."""
        if self.errors:
            raise TrialDataError.combine(self.errors)
