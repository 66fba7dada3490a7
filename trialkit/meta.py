"""Trial metadata: arms, timepoints and outcomes, parsed and validated from ``trial.toml``.

The dataclasses here are frozen: a loaded trial's description cannot be changed by accident.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from trialkit.directions import DIRECTIONS, Direction, parse_direction
from trialkit.errors import TrialDataError

__all__ = ["DIRECTIONS", "MAX_ARM_N", "Arm", "Outcome", "Timepoint", "TrialMeta", "parse_direction",
           "parse_meta", "read_toml"]

DESIGNS: tuple[str, ...] = ("parallel", "crossover")
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_]*$")
#: Largest arm size accepted: no randomized arm holds ten million patients, and checks that
#: loop over patients must finish (the same bound as :data:`trialkit.cells.MAX_N`).
MAX_ARM_N = 10**7
#: Largest magnitude of a scale bound, MCID, MDC or order (beyond it nothing is a score).
_MAX_ABS = 1e15
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
        """The baseline timepoint's id (None for a design without one)."""
        for tp in self.timepoints:
            if tp.baseline:
                return tp.id
        return None

    @property
    def primary(self) -> str | None:
        """The id of the outcome marked ``primary = true`` (None when none is)."""
        return next((o.id for o in self.outcomes if o.primary), None)

    def arm(self, arm_id: str) -> Arm:
        """The arm with this id."""
        return _lookup(self.arms, arm_id, "arm")

    def outcome(self, outcome_id: str) -> Outcome:
        """The outcome with this id."""
        return _lookup(self.outcomes, outcome_id, "outcome")

    def timepoint(self, timepoint_id: str) -> Timepoint:
        """The timepoint with this id."""
        return _lookup(self.timepoints, timepoint_id, "timepoint")


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


def _lookup(items: tuple[Any, ...], key: str, what: str) -> Any:
    for item in items:
        if item.id == key:
            return item
    known = ", ".join(i.id for i in items)
    raise TrialDataError(f"unknown {what} {key!r}; known: {known}", field=what)


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


class _Reader:
    """Typed access to one TOML table, with errors that name the key."""

    def __init__(self, table: Any, where: str, file: str) -> None:
        if not isinstance(table, Mapping):
            raise TrialDataError(f"expected a table, got {table!r}", file=file, field=where)
        self.table, self.where, self.file = table, where, file
        self.used: set[str] = set()

    def _err(self, key: str, message: str) -> TrialDataError:
        name = f"{self.where}.{key}" if self.where else key
        return TrialDataError(message, file=self.file, field=name)

    def get(self, key: str, kind: type | tuple[type, ...], *, required: bool = True,
            default: Any = None) -> Any:
        self.used.add(key)
        if key not in self.table:
            if required:
                close = difflib.get_close_matches(key, [str(k) for k in self.table], n=1)
                hint = f" (did you write {close[0]!r} for {key!r}?)" if close else ""
                raise self._err(key, f"required key is missing{hint}")
            return default
        value = self.table[key]
        if isinstance(value, bool) and bool not in (kind if isinstance(kind, tuple) else (kind,)):
            raise self._err(key, f"expected {_kind_name(kind)}, got {value!r}")
        if not isinstance(value, kind):
            raise self._err(key, f"expected {_kind_name(kind)}, got {value!r}")
        return value

    def ident(self, key: str) -> str:
        value = self.get(key, str)
        if not _ID_RE.match(value):
            raise self._err(key, f"ids are lower-case letters, digits and '_', got {value!r}")
        return value

    def done(self) -> None:
        extra = sorted(set(self.table) - self.used)
        if extra:
            raise self._err(extra[0], "unknown key (check the spelling; data/README.md lists "
                                      "the keys)")


def _kind_name(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    names = {str: "text", int: "a whole number", float: "a number", bool: "true or false",
             list: "a list", dict: "a table"}
    return " or ".join(names.get(k, k.__name__) for k in kinds)


def _unique(items: list[Any], what: str, file: str) -> None:
    seen: set[str] = set()
    for i, item in enumerate(items):
        if item.id in seen:
            raise TrialDataError(f"duplicate id {item.id!r}", file=file, field=f"{what}[{i}].id")
        seen.add(item.id)


def parse_meta(raw: Mapping[str, Any], *, file: str = "trial.toml",
               expected_id: str | None = None, require_direction: bool = True) -> TrialMeta:
    """Validate a parsed ``trial.toml`` and build a :class:`TrialMeta`.

    Parameters
    ----------
    raw : mapping
        The TOML document as parsed by :func:`tomllib.loads`.
    file : str
        Name used in error messages.
    expected_id : str, optional
        The folder name; the trial's ``id`` must equal it.
    require_direction : bool
        Whether every outcome must state its direction (True for trial.toml; a pasted table
        may leave it unstated, and results then say "direction not stated").

    Raises
    ------
    TrialDataError
        Naming the key (e.g. ``arms[1].n``) and what was expected.

    Examples
    --------
    >>> meta = parse_meta({"id": "t", "title": "T", "citation": "C", "design": "parallel",
    ...     "arms": [{"id": "a", "label": "A", "n": 5}, {"id": "b", "label": "B", "n": 5}],
    ...     "timepoints": [{"id": "pre", "label": "Pre", "order": 0, "baseline": True}],
    ...     "outcomes": [{"id": "y", "label": "Y", "unit": "points",
    ...                   "direction": "lower_is_better"}]})
    >>> meta.reference_arm, meta.baseline
    ('b', 'pre')
    """
    top = _Reader(raw, "", file)
    trial_id = top.ident("id")
    if expected_id is not None and trial_id != expected_id:
        raise TrialDataError(f"id {trial_id!r} does not match its folder name {expected_id!r}",
                             file=file, field="id")
    title = top.get("title", str)
    citation = top.get("citation", str)
    doi = top.get("doi", str, required=False, default="")
    design = top.get("design", str)
    if design not in DESIGNS:
        raise TrialDataError(f"expected one of {', '.join(DESIGNS)}, got {design!r}", file=file,
                             field="design")

    arms = []
    for i, table in enumerate(top.get("arms", list)):
        r = _Reader(table, f"arms[{i}]", file)
        n = r.get("n", int)
        if not 1 <= n <= MAX_ARM_N:
            raise TrialDataError(f"expected a whole number >= 1 and <= {MAX_ARM_N:,} (no "
                                 f"trial arm is larger), got {n}", file=file, field=f"arms[{i}].n")
        arms.append(Arm(r.ident("id"), r.get("label", str), n,
                        r.get("description", str, required=False, default="")))
        r.done()
    if not arms:
        raise TrialDataError("at least one arm is required", file=file, field="arms")
    _unique(arms, "arms", file)

    timepoints = []
    for i, table in enumerate(top.get("timepoints", list)):
        r = _Reader(table, f"timepoints[{i}]", file)
        timepoints.append(Timepoint(r.ident("id"), r.get("label", str),
                                    _finite(r, "order", required=True),
                                    r.get("baseline", bool, required=False, default=False),
                                    r.get("short_label", str, required=False, default="")))
        r.done()
    if not timepoints:
        raise TrialDataError("at least one timepoint is required", file=file, field="timepoints")
    _unique(timepoints, "timepoints", file)
    timepoints.sort(key=lambda t: (not t.baseline, t.order))
    n_base = sum(t.baseline for t in timepoints)
    if n_base > 1:
        raise TrialDataError("more than one timepoint has baseline = true", file=file,
                             field="timepoints")
    if n_base == 0 and design == "parallel":
        raise TrialDataError("missing baseline: a parallel trial needs one timepoint with "
                             "baseline = true", file=file, field="timepoints")

    outcomes = [_parse_outcome(t, i, file, require_direction)
                for i, t in enumerate(top.get("outcomes", list))]
    if not outcomes:
        raise TrialDataError("at least one outcome is required", file=file, field="outcomes")
    _unique(outcomes, "outcomes", file)
    if sum(o.primary for o in outcomes) > 1:
        raise TrialDataError("more than one outcome has primary = true", file=file,
                             field="outcomes")

    reference = top.get("reference_arm", str, required=False, default=arms[-1].id)
    if reference not in {a.id for a in arms}:
        raise TrialDataError(f"unknown arm {reference!r}; known: "
                             f"{', '.join(a.id for a in arms)}", file=file, field="reference_arm")

    data = top.get("data", dict, required=False, default={})
    dr = _Reader(data, "data", file)
    level = dr.get("level", str, required=False, default="summary")
    if level not in ("summary", "ipd"):
        raise TrialDataError(f"expected 'summary' or 'ipd', got {level!r}", file=file,
                             field="data.level")
    dr.get("source", str, required=False)
    dr.get("licence", str, required=False)
    notes = dr.get("notes", list, required=False, default=[])
    for j, note in enumerate(notes):
        if not isinstance(note, str):
            raise TrialDataError(f"expected text, got {note!r}", file=file,
                                 field=f"data.notes[{j}]")
    dr.done()

    patients = top.get("patients", dict, required=False, default={})
    for key, value in patients.items():
        if not isinstance(value, str):
            raise TrialDataError(f"expected a description (text), got {value!r}", file=file,
                                 field=f"patients.{key}")
    top.done()
    return TrialMeta(
        id=trial_id, title=title, citation=citation, design=design, arms=tuple(arms),
        timepoints=tuple(timepoints), outcomes=tuple(outcomes), reference_arm=reference,
        doi=doi, data=_freeze(data), patients=_freeze(patients), raw=_freeze(dict(raw)),
    )


def _finite(r: _Reader, key: str, *, required: bool = False) -> float | None:
    """A number that is finite and at most 1e15 in magnitude (nan, inf, 1e300 refused)."""
    value = r.get(key, (int, float), required=required)
    if value is None:
        return None
    if not (abs(value) <= _MAX_ABS):  # also False for nan
        raise r._err(key, f"expected a finite number up to 1e15 in magnitude, got {value!r}")
    return float(value)


def _parse_outcome(table: Any, i: int, file: str, require_direction: bool) -> Outcome:
    r = _Reader(table, f"outcomes[{i}]", file)
    oid, label, unit = r.ident("id"), r.get("label", str), r.get("unit", str)
    direction = r.get("direction", str, required=require_direction)
    if direction is not None and direction not in DIRECTIONS:
        raise TrialDataError(f"expected one of {', '.join(DIRECTIONS)}, got {direction!r}",
                             file=file, field=f"outcomes[{i}].direction")
    lower = _finite(r, "lower")
    upper = _finite(r, "upper")
    if lower is not None and upper is not None and not lower < upper:
        raise TrialDataError(f"lower bound {lower} must be below upper bound {upper}",
                             file=file, field=f"outcomes[{i}].upper")
    items = r.get("items", int, required=False, default=1)
    if items < 1:
        raise TrialDataError(f"expected a whole number >= 1, got {items}", file=file,
                             field=f"outcomes[{i}].items")
    mcid = _finite(r, "mcid")
    mcid_source = r.get("mcid_source", str, required=False, default="")
    if mcid is not None and not mcid_source.strip():
        raise TrialDataError("an MCID needs its source (mcid_source)", file=file,
                             field=f"outcomes[{i}].mcid_source")
    if mcid is not None and mcid <= 0:
        raise TrialDataError(f"expected a positive number, got {mcid}", file=file,
                             field=f"outcomes[{i}].mcid")
    mdc = _finite(r, "mdc")
    mdc_source = r.get("mdc_source", str, required=False, default="")
    if mdc is not None and not mdc_source.strip():
        raise TrialDataError("an MDC needs its source (mdc_source)", file=file,
                             field=f"outcomes[{i}].mdc_source")
    outcome = Outcome(
        id=oid, label=label, unit=unit, direction=direction,  # type: ignore[arg-type]
        lower=None if lower is None else float(lower),
        upper=None if upper is None else float(upper),
        integer=r.get("integer", bool, required=False, default=False), items=items,
        domain=r.get("domain", str, required=False, default=""),
        mcid=None if mcid is None else float(mcid), mcid_source=mcid_source,
        mdc=None if mdc is None else float(mdc), mdc_source=mdc_source,
        short_label=r.get("short_label", str, required=False, default=""),
        primary=r.get("primary", bool, required=False, default=False),
    )
    r.done()
    return outcome
