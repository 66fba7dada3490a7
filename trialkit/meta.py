"""Trial metadata: arms, timepoints and outcomes, parsed and validated from ``trial.toml``.

The dataclasses here are frozen: a loaded trial's description cannot be changed by accident.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from trialkit.directions import DIRECTIONS, Direction, parse_direction
from trialkit.errors import TrialDataError

__all__ = ["DIRECTIONS", "MAX_ARM_N", "NO_BASELINE", "Arm", "Outcome", "Timepoint", "TrialMeta",
           "parse_direction", "read_toml"]

#: Largest arm size accepted: no randomized arm holds ten million patients, and checks that
#: loop over patients must finish (the same bound as :data:`trialkit.cells.MAX_N`).
MAX_ARM_N = 10**7

#: Why nothing "from baseline" can be computed for a trial declared ``baseline = false``
#: (:attr:`TrialMeta.no_baseline`); checks and figures quote it.
NO_BASELINE = "the table prints no baseline"


@dataclass(frozen=True)
class Arm:
    """One randomized group: ``id``, display ``label`` and ``n`` randomized."""

    id: str
    label: str
    n: int
    description: str = ""


@dataclass(frozen=True)
class Timepoint:
    """One assessment time; ``order`` sorts them and one is the ``baseline``."""

    id: str
    label: str
    order: float
    baseline: bool = False
    short_label: str = ""

    @property
    def short(self) -> str:
        """The label to use where space is short (chart axes): ``short_label`` or ``label``."""
        return self.short_label or self.label


@dataclass(frozen=True)
class Outcome:
    """One outcome measure, with its scale and which direction is good for patients."""

    id: str
    label: str
    unit: str
    direction: Direction | None
    lower: float | None = None
    upper: float | None = None
    integer: bool = False
    items: int = 1
    domain: str = ""
    mcid: float | None = None
    mcid_source: str = ""
    mdc: float | None = None
    mdc_source: str = ""
    short_label: str = ""
    primary: bool = False

    @property
    def short(self) -> str:
        """The label to use where space is short (charts): ``short_label`` or ``label``."""
        return self.short_label or self.label

    @property
    def higher_is_better(self) -> bool | None:
        """True or False by ``direction``; None when the direction is not stated."""
        if self.direction is None:
            return None
        return self.direction == "higher_is_better"

    @property
    def scale(self) -> str:
        """The unit with its bounds, e.g. ``"points, 0-10"``."""
        if self.lower is None and self.upper is None:
            return self.unit
        if self.upper is None:
            return f"{self.unit}, >= {self.lower:g}"
        if self.lower is None:
            return f"{self.unit}, <= {self.upper:g}"
        return f"{self.unit}, {self.lower:g}-{self.upper:g}"


@dataclass(frozen=True)
class TrialMeta:
    """The parsed ``trial.toml``: identity, design, arms, timepoints and outcomes."""

    id: str
    title: str
    citation: str
    design: str
    arms: tuple[Arm, ...]
    timepoints: tuple[Timepoint, ...]
    outcomes: tuple[Outcome, ...]
    reference_arm: str
    doi: str = ""
    data: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    patients: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    raw: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def baseline(self) -> str | None:
        """The baseline timepoint's id (None for a design without one, or for a trial that
        declares ``baseline = false``: see :attr:`no_baseline`)."""
        for tp in self.timepoints:
            if tp.baseline:
                return tp.id
        return None

    @property
    def no_baseline(self) -> bool:
        """True when the trial declares that its publication prints no baseline
        (``baseline = false``): every timepoint is a follow-up, so nothing "from baseline"
        (within-arm change, percent change, baseline balance) can be computed.

        Examples
        --------
        >>> from trialkit.trial_toml import parse_meta
        >>> meta = parse_meta({"id": "t", "title": "T", "citation": "C", "design": "parallel",
        ...     "baseline": False, "arms": [{"id": "a", "label": "A", "n": 5},
        ...     {"id": "b", "label": "B", "n": 5}],
        ...     "timepoints": [{"id": "post", "label": "Post", "order": 1}],
        ...     "outcomes": [{"id": "y", "label": "Y", "unit": "points",
        ...                   "direction": "lower_is_better"}]})
        >>> meta.baseline is None, meta.no_baseline
        (True, True)
        """
        # (a crossover without baseline is analysed within patients: not this case)
        return (self.design == "parallel" and self.baseline is None
                and self.raw.get("baseline") is False)

    @property
    def primary(self) -> str | None:
        """The id of the outcome marked ``primary = true`` (None when none is)."""
        return next((o.id for o in self.outcomes if o.primary), None)

    def arm(self, arm_id: str) -> Arm:
        """The arm with this id."""
        return _lookup(self.arms, arm_id, "arm", self.id)

    def outcome(self, outcome_id: str) -> Outcome:
        """The outcome with this id."""
        return _lookup(self.outcomes, outcome_id, "outcome", self.id)

    def timepoint(self, timepoint_id: str) -> Timepoint:
        """The timepoint with this id."""
        return _lookup(self.timepoints, timepoint_id, "timepoint", self.id)


def short_ref(citation: str) -> str:
    """First author's surname and the year: ``"Cleland JA, Childs JD ... 2008;89"`` ->
    ``"Cleland 2008"`` (the citation itself when no year is found).

    Examples
    --------
    >>> short_ref("Fletcher JP, Bandy WD. Intrarater reliability ... 2008;38(10):640-645")
    'Fletcher 2008'
    """
    year = re.search(r"\b(1[89]\d\d|20\d\d)\b", citation)
    author = re.match(r"\s*([^\W\d_][\w'\-]*)", citation)
    if not year or not author:
        return citation
    return f"{author.group(1)} {year.group(1)}"


def _lookup(items: tuple[Any, ...], key: str, what: str, trial_id: str) -> Any:
    for item in items:
        if item.id == key:
            return item
    known = ", ".join(i.id for i in items)
    raise TrialDataError(f"unknown {what} {key!r} in trial {trial_id!r}; known: {known}",
                         field=what)


def _freeze(value: Any) -> Any:
    if isinstance(value, Mapping):
        return MappingProxyType({k: _freeze(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return tuple(_freeze(v) for v in value)
    return value


def read_toml(path: Path | str) -> dict[str, Any]:
    """Read a TOML file; a syntax error becomes a TrialDataError naming file and line."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise TrialDataError("file not found", file=str(path)) from None
    except UnicodeDecodeError as exc:
        raise TrialDataError(f"not UTF-8 text ({exc.reason})", file=str(path)) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        lineno = getattr(exc, "lineno", None)
        msg = getattr(exc, "msg", str(exc))
        where = f" at line {lineno}" if lineno else ""
        raise TrialDataError(f"TOML syntax error{where}: {msg}", file=str(path)) from None
