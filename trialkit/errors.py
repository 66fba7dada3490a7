"""The one exception trialkit raises for bad input."""

from __future__ import annotations

__all__ = ["TrialDataError"]


class TrialDataError(ValueError):
    """Bad input: a data file, a pasted table, or an argument that cannot be used.

    The message names where the problem is (file, row and field, or the argument and the
    element index) and what was expected, so that one line is enough to fix it.

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

    Examples
    --------
    >>> err = TrialDataError("expected a number >= 0, got '-1.3'", file="summary.csv",
    ...                      row=4, field="sd")
    >>> str(err)
    "summary.csv, row 4, field 'sd': expected a number >= 0, got '-1.3'"
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | None = None,
        field: str | None = None,
    ) -> None:
        self.file = file
        self.row = row
        self.field = field
        self.reason = message
        where = []
        if file is not None:
            where.append(str(file))
        if row is not None:
            where.append(f"row {row}")
        if field is not None:
            where.append(f"field '{field}'")
        text = f"{', '.join(where)}: {message}" if where else message
        super().__init__(text)
