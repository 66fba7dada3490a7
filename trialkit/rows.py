"""Summary and change rows, validated once: from summary.csv or from a published table.

:func:`build_tables` turns text records (one per outcome x arm x timepoint) into the summary
and change frames. It reads every row before raising, so that one
:class:`~trialkit.errors.TrialDataError` names every bad row (file, row, field each). It
refuses what no later statistic can use: an SD (or SE) of 0 and a row of one patient (no
SD-based statistic is defined for them), numbers that are not finite or out of range, and
spreads it cannot convert. A spread printed as an SE, a 95% CI, or quartiles/range around a
median is converted to an SD here (:mod:`trialkit.spreads`), so that nothing past the
boundary is NaN that the user did not type; each conversion is named in the row's
``source`` and ``method``.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from trialkit.cells import parse_count, parse_number
from trialkit.errors import ErrorCollector, TrialDataError
from trialkit.schema import CHANGE, MEASURES, SUMMARY_OPTIONAL, SUMMARY_REQUIRED, SUMMARY_TEXT
from trialkit.spreads import convert_spread

if TYPE_CHECKING:
    import pandas as pd

    from trialkit.meta import TrialMeta

__all__ = ["build_summary", "build_tables", "sort_frame"]

#: Values a summary row may hold that must lie inside the outcome's scale.
_ON_SCALE = ("mean", "median", "q1", "q3", "min", "max")


def _check_id(value: str, known: Iterable[str], what: str, name: str, row: int) -> None:
    known = list(known)
    if value not in known:
        shown = repr(value) if value else "an empty cell"
        raise TrialDataError(f"unknown {what} {shown}; expected one of {', '.join(known)}",
                             file=name, row=row, field=what)


def _check_scale(value: float, meta: TrialMeta, outcome: str, name: str, row: int,
                 field: str) -> None:
    out = meta.outcome(outcome)
    below = out.lower is not None and value < out.lower
    above = out.upper is not None and value > out.upper
    if below or above:
        raise TrialDataError(f"{value:g} lies outside the scale of {outcome!r} "
                             f"({out.scale})", file=name, row=row, field=field)


def build_summary(records: Sequence[Mapping[str, str]], meta: TrialMeta,
                  name: str) -> pd.DataFrame:
    """Validate text records of summary statistics and return the summary frame.

    Columns: outcome, arm, timepoint, n, mean, sd, the optional statistics present, source,
    mean_text and sd_text (the numbers as written, with the stored sign), then ``footnote``,
    ``printed`` (the cell as printed, where a change was negated at load) and ``method``
    where some row has one. Sorted by outcome, arm and timepoint order. Records whose ``measure``
    is "change" are refused here; use :func:`build_tables`.
    """
    summary, changes = build_tables(records, meta, name)
    if not changes.empty:
        raise TrialDataError("change rows are not summary rows here", file=name,
                             field="measure")
    return summary


def build_tables(records: Sequence[Mapping[str, str]], meta: TrialMeta,
                 name: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Validate text records and return the summary frame and the change frame.

    A record whose ``measure`` is "change" holds an arm's mean change from baseline to its
    ``timepoint`` (a follow-up) and the SD of that change; every other record holds the
    level at its timepoint. Both frames have the same columns (see :func:`build_summary`);
    a change's mean may be negative and may span at most the width of the outcome's scale.
    Rows giving an SE, a CI or quartiles/range instead of an SD get an SD converted with
    :func:`trialkit.spreads.convert_spread` and a ``method`` naming the conversion.

    Raises
    ------
    TrialDataError
        One error naming every bad row (its ``errors`` lists them).
    """
    import pandas as pd

    seen: dict[tuple[str, str, str], int] = {}
    seen_change: dict[tuple[str, str, str], int] = {}
    rows, change_rows = [], []
    errors = ErrorCollector()
    optional_present = [c for c in SUMMARY_OPTIONAL if any(r.get(c) for r in records)]
    text_present = [c for c in SUMMARY_TEXT if c != "measure" and any(r.get(c) for r in records)]
    for rec in records:
        row = int(rec["_row"])
        measure = rec.get("measure", "") or "value"
        if measure not in MEASURES:
            errors.add(TrialDataError(f"expected one of {', '.join(MEASURES)}, got "
                                      f"{measure!r}", file=name, row=row, field="measure"))
            continue
        change = measure == CHANGE
        out = errors.call(_summary_row, rec, meta, name, optional_present, change=change)
        if out is None:
            continue
        key = (out["outcome"], out["arm"], out["timepoint"])
        book = seen_change if change else seen
        if key in book:
            what = "change row" if change else "row"
            errors.add(TrialDataError(f"duplicate {what}: {'/'.join(key)} already given in row "
                                      f"{book[key]}", file=name, row=row, field="timepoint"))
            continue
        book[key] = row
        for col in text_present:
            out[col] = rec.get(col, "")
        (change_rows if change else rows).append(out)
    if not errors.errors:  # a bad baseline row would also be reported as a missing one
        errors.call(_check_baseline, seen, meta, name)
    errors.raise_any()
    assumed = [str(r["_row"]) for r in (*rows, *change_rows)
               if "normal(assumed)" in r.get("method", "")]
    if assumed:
        warnings.warn(f"{name}: means and SDs estimated from medians assume normally "
                      f"distributed data (rows {', '.join(assumed)}); the method column "
                      f"says normal(assumed)", UserWarning, stacklevel=3)
    converted = any(r.get("method") for r in (*rows, *change_rows))
    columns = ["outcome", "arm", "timepoint", "n", "mean", "sd", *optional_present, "source",
               "mean_text", "sd_text", *text_present, *(["method"] if converted else [])]

    def frame_of(items: list[dict[str, Any]]) -> pd.DataFrame:
        frame = pd.DataFrame(items, columns=columns)
        for col in ("mean_text", "sd_text", *text_present, *(["method"] if converted else [])):
            frame[col] = frame[col].astype("string").fillna("") if col == "method" else (
                frame[col].astype("string"))
        return sort_frame(frame, meta)

    return frame_of(rows), frame_of(change_rows)


def _summary_row(rec: Mapping[str, str], meta: TrialMeta, name: str,
                 optional_present: Sequence[str], *, change: bool) -> dict[str, Any]:
    """One validated summary (or change) row from its text record."""
    arm_n = {a.id: a.n for a in meta.arms}
    row = int(rec["_row"])
    outcome, arm, tp = rec["outcome"], rec["arm"], rec["timepoint"]
    _check_id(outcome, [o.id for o in meta.outcomes], "outcome", name, row)
    _check_id(arm, arm_n, "arm", name, row)
    _check_id(tp, [t.id for t in meta.timepoints], "timepoint", name, row)
    if change and tp == meta.baseline:
        raise TrialDataError("a change row names the follow-up its change runs to, not the "
                             "baseline", file=name, row=row, field="timepoint")
    n_field = rec.get("_n_column", "n")
    n = parse_count(rec["n"], file=name, row=row, field=n_field)
    if n > arm_n[arm]:
        raise TrialDataError(f"n = {n} exceeds the {arm_n[arm]} patients randomized to "
                             f"{arm!r}", file=name, row=row, field=n_field)
    if n < 2:
        raise TrialDataError("n = 1: a row of one patient has no SD, so no SD-based statistic "
                             "(effect size, test, interval) is defined for it", file=name,
                             row=row, field=n_field)
    out: dict[str, Any] = {"outcome": outcome, "arm": arm, "timepoint": tp, "n": n,
                           "_row": row}
    has = {c for c in (*SUMMARY_REQUIRED, *SUMMARY_OPTIONAL) if rec.get(c)}
    has_median = "median" in has and bool({"q1", "q3", "min", "max"} & has)
    may_omit = {
        "mean": has_median,
        "sd": has_median or "se" in has or bool({"ci_low", "ci_high"} & has),
    }
    for col in ("mean", "sd", *optional_present):
        text = rec.get(col, "")
        if not text and (col in SUMMARY_OPTIONAL or may_omit[col]):
            out[col] = math.nan  # not reported: explicit, the row says what it has
            continue
        out[col] = parse_number(text, file=name, row=row, field=rec.get("_column", col))
    for col in ("sd", "se"):
        # An SD of 0 is a real value (every patient scored the same, e.g. no pain at all)
        # and is kept as printed; the statistics that divide by it say so where they are
        # computed. A negative spread, or an SE of 0 with patients, cannot be.
        if col in out and (out[col] < 0 or (col == "se" and out[col] == 0)):
            why = ("cannot be negative" if out[col] < 0 else
                   "of 0 is impossible for a sample of patients")
            raise TrialDataError(f"an {col.upper()} {why}, got {rec[col]!r}", file=name,
                                 row=row, field=rec.get("_column", col))
    if change:
        _check_change_scale(out, meta, name, row, rec.get("_column", "mean"))
    else:
        for col in _ON_SCALE:
            if col in out and not math.isnan(out[col]):
                _check_scale(out[col], meta, outcome, name, row, rec.get("_column", col))
    if "ci_low" in out and out["ci_low"] > out.get("ci_high", math.inf):
        raise TrialDataError("ci_low exceeds ci_high", file=name, row=row, field="ci_low")
    source = rec.get("source", "")
    if not source:
        raise TrialDataError("every row needs its source ('Table 2, p.256', 'abstract', "
                             "'illustrative', ...)", file=name, row=row, field="source")
    out["source"] = source
    out["mean_text"] = rec.get("mean") or None
    out["sd_text"] = rec.get("sd") or None
    if math.isnan(out["sd"]) or math.isnan(out["mean"]):
        out.update(convert_spread(out, file=name, row_number=row, field=rec.get("_column")))
    if rec.get("_negated"):  # a change printed baseline minus follow-up (trialkit.tables.signs)
        out["method"] = "/".join(m for m in (out.get("method", ""), rec["_negated"]) if m)
    return out


def _check_change_scale(out: Mapping[str, Any], meta: TrialMeta, name: str, row: int,
                        field: str) -> None:
    """A mean change cannot move further than the width of a bounded scale."""
    o = meta.outcome(out["outcome"])
    value = out.get("mean", math.nan)
    if o.lower is None or o.upper is None or math.isnan(value):
        return
    width = o.upper - o.lower
    if abs(value) > width:
        raise TrialDataError(f"a mean change of {value:g} is larger than the whole scale of "
                             f"{out['outcome']!r} ({o.scale})", file=name, row=row, field=field)


def _check_baseline(seen: Mapping[tuple[str, str, str], int], meta: TrialMeta,
                    name: str) -> None:
    base = meta.baseline
    if base is None:
        return
    for (outcome, arm, tp), row in seen.items():
        if tp != base and (outcome, arm, base) not in seen:
            raise TrialDataError(f"missing baseline: {outcome}/{arm} has a {tp!r} row but no "
                                 f"{base!r} row", file=name, row=row, field="timepoint")


def sort_frame(frame: pd.DataFrame, meta: TrialMeta) -> pd.DataFrame:
    """Sort rows by the declared order of outcomes, arms and timepoints (stable)."""
    order = {
        "outcome": {o.id: i for i, o in enumerate(meta.outcomes)},
        "arm": {a.id: i for i, a in enumerate(meta.arms)},
        "timepoint": {t.id: i for i, t in enumerate(meta.timepoints)},
    }
    keys = [k for k in ("outcome", "arm", "timepoint") if k in frame.columns]
    if frame.empty or not keys:
        return frame.reset_index(drop=True)

    def _key(col: Any) -> Any:
        return col.map(order[col.name]) if col.name in order else col

    extra = ["patient"] if "patient" in frame.columns else []
    by = ["outcome", "arm", *extra, "timepoint"] if "outcome" in keys else keys
    by = [k for k in by if k in frame.columns]
    return frame.sort_values(by, key=_key, kind="stable").reset_index(drop=True)
