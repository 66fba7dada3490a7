"""Validate a parsed ``trial.toml`` into a :class:`~trialkit.meta.TrialMeta`, in one pass.

Every key is checked before anything is raised: one
:class:`~trialkit.errors.TrialDataError` names every bad key of the file (``arms[1].n``,
``outcomes[0].direction``, ...), each with what was expected; its ``errors`` lists them.
Checks that need a whole section (duplicate ids, one baseline, the reference arm among the
arms) run once that section's entries are readable, so that one typo is not reported twice.

The baseline: a parallel trial marks exactly one timepoint ``baseline = true``, unless the
top level says ``baseline = false``: the publication prints no baseline (post-treatment
values only, or a derived pre-to-post measure), every timepoint is a follow-up and no
timepoint may be marked. ``meta.baseline`` is then None. Leaving both out is an error for a
parallel trial (a forgotten flag is not read as "no baseline"); a crossover may have none.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from trialkit.directions import DIRECTIONS
from trialkit.errors import ErrorCollector, TrialDataError
from trialkit.meta import MAX_ARM_N, Arm, Outcome, Timepoint, TrialMeta, _freeze

__all__ = ["parse_meta"]

T = TypeVar("T")
DESIGNS: tuple[str, ...] = ("parallel", "crossover")
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_]*$")
#: Largest magnitude of a scale bound, MCID, MDC or order (beyond it nothing is a score).
_MAX_ABS = 1e15


class _Reader:
    """Typed access to one TOML table, with errors that name the key."""

    def __init__(self, table: Any, where: str, file: str) -> None:
        if not isinstance(table, Mapping):
            raise TrialDataError(f"expected a table, got {table!r}", file=file, field=where)
        self.table, self.where, self.file = table, where, file
        self.used: set[str] = set()
        self.suggested: set[str] = set()  # misspelt keys already named by a missing one

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
                self.suggested.update(close)
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

    def finite(self, key: str, *, required: bool = False) -> float | None:
        """A number that is finite and at most 1e15 in magnitude (nan, inf, 1e300 refused)."""
        value = self.get(key, (int, float), required=required)
        if value is None:
            return None
        if not (abs(value) <= _MAX_ABS):  # also False for nan
            raise self._err(key, f"expected a finite number up to 1e15 in magnitude, got "
                                 f"{value!r}")
        return float(value)

    def done(self) -> None:
        """Refuse every key no one asked for (a misspelt key is never ignored)."""
        extra = sorted(set(map(str, self.table)) - self.used - self.suggested)
        if extra:
            raise TrialDataError.combine(
                self._err(k, "unknown key (check the spelling; data/README.md lists the keys)")
                for k in extra)


def _kind_name(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    names = {str: "text", int: "a whole number", float: "a number", bool: "true or false",
             list: "a list", dict: "a table"}
    return " or ".join(names.get(k, k.__name__) for k in kinds)


def _section(top: _Reader, key: str, parse: Callable[[Any, int], T],
             errors: ErrorCollector) -> list[T] | None:
    """Every entry of the list ``key`` parsed (each bad entry's errors recorded), or None
    when any is bad, the list is missing or empty, or two entries share an id."""
    tables = errors.call(top.get, key, list)
    if tables is None:
        return None
    before = len(errors.errors)
    items = [errors.call(parse, table, i) for i, table in enumerate(tables)]
    if len(errors.errors) > before:
        return None
    if not items:
        errors.add(TrialDataError(f"at least one {key[:-1]} is required", file=top.file,
                                  field=key))
        return None
    seen: dict[str, int] = {}
    for i, item in enumerate(items):
        if item.id in seen:  # type: ignore[attr-defined]
            errors.add(TrialDataError(f"duplicate id {item.id!r} (also {key}[{seen[item.id]}])",  # type: ignore[attr-defined]
                                      file=top.file, field=f"{key}[{i}].id"))
        seen.setdefault(item.id, i)  # type: ignore[attr-defined]
    return None if len(errors.errors) > before else items  # type: ignore[return-value]


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
        One error naming every bad key (e.g. ``arms[1].n``) and what was expected.

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
    errors = ErrorCollector()
    top = _Reader(raw, "", file)
    trial_id = errors.call(top.ident, "id")
    if trial_id is not None and expected_id is not None and trial_id != expected_id:
        errors.add(TrialDataError(f"id {trial_id!r} does not match its folder name "
                                  f"{expected_id!r}", file=file, field="id"))
    title = errors.call(top.get, "title", str)
    citation = errors.call(top.get, "citation", str)
    doi = errors.call(top.get, "doi", str, required=False, default="")
    design = errors.call(top.get, "design", str)
    if design is not None and design not in DESIGNS:
        errors.add(TrialDataError(f"expected one of {', '.join(DESIGNS)}, got {design!r}",
                                  file=file, field="design"))
    arms = _section(top, "arms", lambda t, i: _parse_arm(t, i, file), errors)
    timepoints = _section(top, "timepoints", lambda t, i: _parse_timepoint(t, i, file),
                          errors)
    no_baseline = errors.call(_no_baseline, top, file)
    if timepoints is not None and no_baseline is not None:
        timepoints.sort(key=lambda t: (not t.baseline, t.order))
        errors.call(_check_baseline, timepoints, design, file, no_baseline)
    outcomes = _section(top, "outcomes",
                        lambda t, i: _parse_outcome(t, i, file, require_direction), errors)
    if outcomes is not None and sum(o.primary for o in outcomes) > 1:
        errors.add(TrialDataError("more than one outcome has primary = true", file=file,
                                  field="outcomes"))
    reference = errors.call(top.get, "reference_arm", str, required=False,
                            default=arms[-1].id if arms else "")
    if arms is not None and reference is not None and reference not in {a.id for a in arms}:
        errors.add(TrialDataError(f"unknown arm {reference!r}; known: "
                                  f"{', '.join(a.id for a in arms)}", file=file,
                                  field="reference_arm"))
    data = errors.call(_parse_data, top, file)
    patients = errors.call(_parse_patients, top, file)
    errors.call(top.done)
    errors.raise_any()
    return TrialMeta(
        id=trial_id, title=title, citation=citation, design=design,  # type: ignore[arg-type]
        arms=tuple(arms or ()), timepoints=tuple(timepoints or ()),
        outcomes=tuple(outcomes or ()), reference_arm=reference,  # type: ignore[arg-type]
        doi=doi, data=_freeze(data), patients=_freeze(patients),  # type: ignore[arg-type]
        raw=_freeze(dict(raw)),
    )


def _parse_arm(table: Any, i: int, file: str) -> Arm:
    r = _Reader(table, f"arms[{i}]", file)
    errors = ErrorCollector()
    arm_id = errors.call(r.ident, "id")
    label = errors.call(r.get, "label", str)
    n = errors.call(r.get, "n", int)
    if n is not None and not 1 <= n <= MAX_ARM_N:
        errors.add(TrialDataError(f"expected a whole number >= 1 and <= {MAX_ARM_N:,} (no "
                                  f"trial arm is larger), got {n}", file=file,
                                  field=f"arms[{i}].n"))
    description = errors.call(r.get, "description", str, required=False, default="")
    errors.call(r.done)
    errors.raise_any()
    return Arm(arm_id, label, n, description)  # type: ignore[arg-type]


def _parse_timepoint(table: Any, i: int, file: str) -> Timepoint:
    r = _Reader(table, f"timepoints[{i}]", file)
    errors = ErrorCollector()
    values = [errors.call(r.ident, "id"), errors.call(r.get, "label", str),
              errors.call(r.finite, "order", required=True),
              errors.call(r.get, "baseline", bool, required=False, default=False),
              errors.call(r.get, "short_label", str, required=False, default="")]
    errors.call(r.done)
    errors.raise_any()
    return Timepoint(*values)  # type: ignore[arg-type]


def _no_baseline(top: _Reader, file: str) -> bool:
    """True for a top-level ``baseline = false`` (the publication prints no baseline)."""
    value = top.get("baseline", bool, required=False, default=None)
    if value is True:
        raise TrialDataError("baseline = true is not a top-level key: mark the baseline "
                             "timepoint with baseline = true, or write baseline = false when "
                             "the publication prints no baseline", file=file, field="baseline")
    return value is False


def _check_baseline(timepoints: list[Timepoint], design: str | None, file: str,
                    no_baseline: bool = False) -> None:
    n_base = sum(t.baseline for t in timepoints)
    if no_baseline:
        if n_base:
            marked = next(t.id for t in timepoints if t.baseline)
            raise TrialDataError(f"baseline = false says the trial prints no baseline, but "
                                 f"timepoint {marked!r} has baseline = true; keep one of the "
                                 f"two", file=file, field="baseline")
        return
    if n_base > 1:
        raise TrialDataError("more than one timepoint has baseline = true", file=file,
                             field="timepoints")
    if n_base == 0 and design == "parallel":
        raise TrialDataError("missing baseline: a parallel trial needs one timepoint with "
                             "baseline = true (or baseline = false at the top level when the "
                             "publication prints no baseline)", file=file, field="timepoints")


def _parse_data(top: _Reader, file: str) -> dict[str, Any]:
    data = top.get("data", dict, required=False, default={})
    dr = _Reader(data, "data", file)
    errors = ErrorCollector()
    level = errors.call(dr.get, "level", str, required=False, default="summary")
    if level is not None and level not in ("summary", "ipd"):
        errors.add(TrialDataError(f"expected 'summary' or 'ipd', got {level!r}", file=file,
                                  field="data.level"))
    errors.call(dr.get, "source", str, required=False)
    errors.call(dr.get, "licence", str, required=False)
    notes = errors.call(dr.get, "notes", list, required=False, default=[]) or []
    for j, note in enumerate(notes):
        if not isinstance(note, str):
            errors.add(TrialDataError(f"expected text, got {note!r}", file=file,
                                      field=f"data.notes[{j}]"))
    errors.call(dr.done)
    errors.raise_any()
    return data


def _parse_patients(top: _Reader, file: str) -> dict[str, Any]:
    patients = top.get("patients", dict, required=False, default={})
    bad = [TrialDataError(f"expected a description (text), got {value!r}", file=file,
                          field=f"patients.{key}")
           for key, value in patients.items() if not isinstance(value, str)]
    if bad:
        raise TrialDataError.combine(bad)
    return patients


def _parse_outcome(table: Any, i: int, file: str, require_direction: bool) -> Outcome:
    r = _Reader(table, f"outcomes[{i}]", file)
    errors = ErrorCollector()

    def bad(key: str, message: str) -> None:
        errors.add(TrialDataError(message, file=file, field=f"outcomes[{i}].{key}"))

    oid, label = errors.call(r.ident, "id"), errors.call(r.get, "label", str)
    unit = errors.call(r.get, "unit", str)
    direction = errors.call(r.get, "direction", str, required=require_direction)
    if direction is not None and direction not in DIRECTIONS:
        bad("direction", f"expected one of {', '.join(DIRECTIONS)}, got {direction!r}")
    lower, upper = errors.call(r.finite, "lower"), errors.call(r.finite, "upper")
    if lower is not None and upper is not None and not lower < upper:
        bad("upper", f"lower bound {lower} must be below upper bound {upper}")
    items = errors.call(r.get, "items", int, required=False, default=1)
    if items is not None and items < 1:
        bad("items", f"expected a whole number >= 1, got {items}")
    mcid = errors.call(r.finite, "mcid")
    mcid_source = errors.call(r.get, "mcid_source", str, required=False, default="")
    if mcid is not None and mcid_source is not None and not mcid_source.strip():
        bad("mcid_source", "an MCID needs its source (mcid_source)")
    if mcid is not None and mcid <= 0:
        bad("mcid", f"expected a positive number, got {mcid}")
    mdc = errors.call(r.finite, "mdc")
    mdc_source = errors.call(r.get, "mdc_source", str, required=False, default="")
    if mdc is not None and mdc_source is not None and not mdc_source.strip():
        bad("mdc_source", "an MDC needs its source (mdc_source)")
    flags = {key: errors.call(r.get, key, kind, required=False, default=default)
             for key, kind, default in (("integer", bool, False), ("domain", str, ""),
                                        ("short_label", str, ""), ("primary", bool, False))}
    errors.call(r.done)
    errors.raise_any()
    return Outcome(
        id=oid, label=label, unit=unit, direction=direction,  # type: ignore[arg-type]
        lower=lower, upper=upper, items=items, mcid=mcid,  # type: ignore[arg-type]
        mcid_source=mcid_source, mdc=mdc, mdc_source=mdc_source, **flags,  # type: ignore[arg-type]
    )
