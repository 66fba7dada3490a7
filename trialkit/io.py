"""Read a trial folder and validate every row once, at the boundary.

Files are read as text (the ``csv`` module, never ``eval`` or pickle), each cell is parsed
explicitly, and any problem raises :class:`~trialkit.errors.TrialDataError` naming the file,
the data row (1-based, header not counted) and the field. Past this module the rest of
trialkit trusts the :class:`~trialkit.trial.Trial` it is given.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from trialkit.cells import parse_count, parse_number
from trialkit.errors import TrialDataError
from trialkit.meta import TrialMeta, parse_meta, read_toml
from trialkit.schema import (
    ANALYSES,
    CHANGE,
    DERIVED,
    IPD_COLUMNS,
    MEASURES,
    RELATIONS,
    REPORTED_COLUMNS,
    REPORTED_OPTIONAL,
    SUMMARY_OPTIONAL,
    SUMMARY_REQUIRED,
    SUMMARY_TEXT,
    TESTS,
)
from trialkit.trial import Trial

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["read_trial"]

#: Values a summary row may hold that must lie inside the outcome's scale.
_ON_SCALE = ("mean", "median", "q1", "q3", "min", "max")


def read_csv_records(path: Path, required: Sequence[str], optional: Sequence[str] = (),
                     *, exact: bool = False) -> list[dict[str, str]]:
    """Read a CSV file as text records, checking its header.

    Returns one dict per data row (values stripped of surrounding white space). Fully blank
    lines are skipped. Raises TrialDataError for a missing or unknown column, a row with too
    many or too few cells, or bytes that are not UTF-8.
    """
    name = path.name
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            rows = list(csv.reader(fh))
    except FileNotFoundError:
        raise TrialDataError("file not found", file=str(path)) from None
    except UnicodeDecodeError as exc:
        raise TrialDataError(f"not UTF-8 text ({exc.reason})", file=name) from None
    except csv.Error as exc:
        raise TrialDataError(f"malformed CSV ({exc})", file=name) from None
    if not rows:
        raise TrialDataError(f"empty file; expected a header with {', '.join(required)}",
                             file=name)
    header = [h.strip() for h in rows[0]]
    return records_from_rows(header, rows[1:], name, required, optional, exact=exact)


def records_from_rows(header: Sequence[str], rows: Iterable[Sequence[Any]], name: str,
                      required: Sequence[str], optional: Sequence[str] = (),
                      *, exact: bool = False) -> list[dict[str, str]]:
    """Check a header and turn rows into text records (see :func:`read_csv_records`)."""
    for col in required:
        if col not in header:
            raise TrialDataError(f"missing column; the header must include "
                                 f"{', '.join(required)}", file=name, field=col)
    allowed = set(required) | set(optional)
    for col in header:
        if col not in allowed:
            expected = ", ".join(required if exact else (*required, *optional))
            raise TrialDataError(f"unknown column; expected {expected}", file=name, field=col)
    if len(set(header)) != len(header):
        dup = next(h for h in header if header.count(h) > 1)
        raise TrialDataError("column appears twice in the header", file=name, field=dup)
    records = []
    for i, row in enumerate(rows, start=1):
        cells = ["" if c is None else str(c).strip() for c in row]
        if not any(cells):
            continue
        if len(cells) != len(header):
            raise TrialDataError(f"has {len(cells)} cells but the header has {len(header)}",
                                 file=name, row=i)
        record = dict(zip(header, cells, strict=True))
        record["_row"] = str(i)
        records.append(record)
    return records


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
    mean_text and sd_text (the numbers as written). Sorted by outcome, arm and timepoint order.
    Records whose ``measure`` is "change" are refused here; use :func:`build_tables`.
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
    """
    import pandas as pd

    seen: dict[tuple[str, str, str], int] = {}
    seen_change: dict[tuple[str, str, str], int] = {}
    rows, change_rows = [], []
    optional_present = [c for c in SUMMARY_OPTIONAL if any(r.get(c) for r in records)]
    text_present = [c for c in SUMMARY_TEXT if c != "measure" and any(r.get(c) for r in records)]
    for rec in records:
        row = int(rec["_row"])
        measure = rec.get("measure", "") or "value"
        if measure not in MEASURES:
            raise TrialDataError(f"expected one of {', '.join(MEASURES)}, got {measure!r}",
                                 file=name, row=row, field="measure")
        change = measure == CHANGE
        out = _summary_row(rec, meta, name, optional_present, change=change)
        key = (out["outcome"], out["arm"], out["timepoint"])
        book = seen_change if change else seen
        if key in book:
            what = "change row" if change else "row"
            raise TrialDataError(f"duplicate {what}: {'/'.join(key)} already given in row "
                                 f"{book[key]}", file=name, row=row, field="timepoint")
        book[key] = row
        for col in text_present:
            out[col] = rec.get(col, "")
        (change_rows if change else rows).append(out)
    _check_baseline(seen, meta, name)
    columns = ["outcome", "arm", "timepoint", "n", "mean", "sd", *optional_present, "source",
               "mean_text", "sd_text", *text_present]

    def frame_of(items: list[dict[str, Any]]) -> pd.DataFrame:
        frame = pd.DataFrame(items, columns=columns)
        for col in ("mean_text", "sd_text"):
            frame[col] = frame[col].astype("string")
        for col in text_present:
            frame[col] = frame[col].astype("string")
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
    out: dict[str, Any] = {"outcome": outcome, "arm": arm, "timepoint": tp, "n": n}
    has = {c for c in (*SUMMARY_REQUIRED, *SUMMARY_OPTIONAL) if rec.get(c)}
    has_median = "median" in has and ({"q1", "q3"} <= has or {"min", "max"} <= has)
    may_omit = {
        "mean": has_median,
        "sd": has_median or "se" in has or {"ci_low", "ci_high"} <= has,
    }
    for col in ("mean", "sd", *optional_present):
        text = rec.get(col, "")
        if not text and (col in SUMMARY_OPTIONAL or may_omit[col]):
            out[col] = math.nan  # not reported: explicit, the row says what it has
            continue
        out[col] = parse_number(text, file=name, row=row, field=rec.get("_column", col))
    for col in ("sd", "se"):
        if col in out and out[col] < 0:
            raise TrialDataError(f"{col.upper()} cannot be negative, got {rec[col]!r}",
                                 file=name, row=row, field=rec.get("_column", col))
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


def build_ipd(records: Sequence[Mapping[str, str]], meta: TrialMeta,
              name: str) -> pd.DataFrame:
    """Validate patient-level records and return the ipd frame."""
    import pandas as pd

    arms = [a.id for a in meta.arms]
    outcomes = {o.id: o for o in meta.outcomes}
    timepoints = [t.id for t in meta.timepoints]
    seen: dict[tuple[str, str, str, str], int] = {}
    patient_arm: dict[str, str] = {}
    rows = []
    for rec in records:
        row = int(rec["_row"])
        patient = rec["patient"]
        if not patient:
            raise TrialDataError("patient id is empty", file=name, row=row, field="patient")
        arm, tp, outcome = rec["arm"], rec["timepoint"], rec["outcome"]
        _check_id(arm, arms, "arm", name, row)
        _check_id(tp, timepoints, "timepoint", name, row)
        _check_id(outcome, outcomes, "outcome", name, row)
        value = parse_number(rec["value"], file=name, row=row, field="value")
        out = outcomes[outcome]
        if out.integer and value != int(value):
            raise TrialDataError(f"{outcome!r} takes whole numbers, got {rec['value']!r}",
                                 file=name, row=row, field="value")
        _check_scale(value, meta, outcome, name, row, "value")
        key = (patient, arm, tp, outcome)
        if key in seen:
            raise TrialDataError(f"duplicate row: patient {patient} {arm}/{tp}/{outcome} "
                                 f"already given in row {seen[key]}", file=name, row=row,
                                 field="patient")
        seen[key] = row
        if meta.design == "parallel":
            first = patient_arm.setdefault(patient, arm)
            if first != arm:
                raise TrialDataError(f"patient {patient} appears in arms {first!r} and {arm!r}"
                                     f" of a parallel trial", file=name, row=row, field="arm")
        rows.append({"patient": patient, "arm": arm, "timepoint": tp, "outcome": outcome,
                     "value": value})
    frame = pd.DataFrame(rows, columns=list(IPD_COLUMNS))
    frame["value"] = frame["value"].astype(float)
    counts = frame.groupby("arm")["patient"].nunique()
    for arm in meta.arms:
        if counts.get(arm.id, 0) > arm.n:
            raise TrialDataError(f"{counts[arm.id]} patients in arm {arm.id!r} but trial.toml "
                                 f"says n = {arm.n}", file=name, field="arm")
    base = meta.baseline
    if base is not None:
        with_base = {(o, a) for (_, a, t, o) in seen if t == base}
        for (_, a, t, o), row in seen.items():
            if t != base and (o, a) not in with_base:
                raise TrialDataError(f"missing baseline: {o}/{a} has {t!r} values but no "
                                     f"{base!r} values", file=name, row=row, field="timepoint")
    return sort_frame(frame, meta)


def summarise_ipd(ipd: pd.DataFrame, meta: TrialMeta) -> pd.DataFrame:
    """Summary statistics per outcome x arm x timepoint, derived from patient data."""
    grouped = ipd.groupby(["outcome", "arm", "timepoint"], sort=False)["value"]
    frame = grouped.agg(n="count", mean="mean", sd="std", median="median", min="min",
                        max="max").reset_index()
    frame["n"] = frame["n"].astype(int)
    frame["source"] = DERIVED
    frame["mean_text"] = frame["sd_text"] = None
    frame["mean_text"] = frame["mean_text"].astype("string")
    frame["sd_text"] = frame["sd_text"].astype("string")
    return sort_frame(frame, meta)


def build_patients(records: Sequence[Mapping[str, str]], meta: TrialMeta, ipd: pd.DataFrame,
                   name: str) -> pd.DataFrame:
    """Validate patients.csv (one row per patient, its arm and covariates)."""
    import pandas as pd

    arm_of = dict(zip(ipd["patient"], ipd["arm"], strict=False))
    seen: set[str] = set()
    for rec in records:
        row = int(rec["_row"])
        patient = rec["patient"]
        if patient in seen:
            raise TrialDataError(f"patient {patient} listed twice", file=name, row=row,
                                 field="patient")
        seen.add(patient)
        if patient not in arm_of:
            raise TrialDataError(f"patient {patient} has no rows in ipd.csv", file=name,
                                 row=row, field="patient")
        if meta.design == "parallel" and rec["arm"] != arm_of[patient]:
            raise TrialDataError(f"patient {patient} is in arm {arm_of[patient]!r} in ipd.csv",
                                 file=name, row=row, field="arm")
        for col in meta.patients:
            if col in rec and not rec[col]:
                raise TrialDataError("empty value (write the category or number explicitly)",
                                     file=name, row=row, field=col)
    missing = sorted(set(arm_of) - seen)
    if missing:
        raise TrialDataError(f"patients missing from patients.csv: {', '.join(missing[:5])}",
                             file=name, field="patient")
    frame = pd.DataFrame([{k: v for k, v in r.items() if k != "_row"} for r in records])
    for col in frame.columns:
        if col in ("patient", "arm"):
            continue
        numeric = pd.to_numeric(frame[col], errors="coerce")
        if numeric.notna().all():
            frame[col] = numeric
    return frame


def build_reported(records: Sequence[Mapping[str, str]], meta: TrialMeta,
                   name: str) -> pd.DataFrame:
    """Validate reported.csv: each statement the publication makes about its results."""
    import pandas as pd

    known = {
        "outcome": [o.id for o in meta.outcomes],
        "arm": [a.id for a in meta.arms],
        "timepoint": [t.id for t in meta.timepoints],
    }
    seen: set[str] = set()
    for rec in records:
        row = int(rec["_row"])
        if not rec["id"]:
            raise TrialDataError("every statement needs an id", file=name, row=row, field="id")
        if rec["id"] in seen:
            raise TrialDataError(f"duplicate id {rec['id']!r}", file=name, row=row, field="id")
        seen.add(rec["id"])
        for col, ids in known.items():
            if rec[col] not in ("", "*"):
                _check_id(rec[col], [*ids, "*"], col, name, row)
        if rec["relation"] not in RELATIONS:
            raise TrialDataError(f"expected one of {' '.join(RELATIONS)}, got "
                                 f"{rec['relation']!r}", file=name, row=row, field="relation")
        for col in ("statistic", "value", "source"):
            if not rec[col]:
                raise TrialDataError("required", file=name, row=row, field=col)
        for col, allowed in (("test", TESTS), ("analysis", ANALYSES)):
            if rec.get(col, "") not in ("", *allowed):
                raise TrialDataError(f"expected one of {', '.join(allowed)} (or empty), got "
                                     f"{rec[col]!r}", file=name, row=row, field=col)
    columns = [*REPORTED_COLUMNS, *REPORTED_OPTIONAL]
    frame = pd.DataFrame([{c: r.get(c, "") for c in columns} for r in records],
                         columns=columns, dtype="string")
    return frame


def read_reported(path: str | Path, meta: TrialMeta) -> pd.DataFrame:
    """Read and validate a reported.csv file against a trial's metadata.

    The columns are those of :data:`~trialkit.schema.REPORTED_COLUMNS`, plus the optional
    ``test`` and ``analysis`` (:data:`~trialkit.schema.TESTS`,
    :data:`~trialkit.schema.ANALYSES`).
    """
    path = Path(path)
    return build_reported(read_csv_records(path, REPORTED_COLUMNS, REPORTED_OPTIONAL), meta,
                          path.name)


def read_trial(path: str | Path) -> Trial:
    """Read and validate a trial folder.

    Parameters
    ----------
    path : str or Path
        A folder holding ``trial.toml`` and ``summary.csv`` or ``ipd.csv`` (see the format in
        ``data/README.md``), or the path of its ``trial.toml``.

    Returns
    -------
    Trial

    Raises
    ------
    TrialDataError
        Naming the file, row and field of the first problem found.

    Examples
    --------
    >>> import trialkit
    >>> from trialkit.bundled import data_dir
    >>> trial = trialkit.read_trial(data_dir() / "anorexia")
    >>> trial.id, [a.n for a in trial.arms]
    ('anorexia', [26, 29, 17])
    """
    folder = Path(path)
    if folder.name == "trial.toml":
        folder = folder.parent
    if not folder.is_dir():
        raise TrialDataError("no such trial folder", file=str(folder))
    raw = read_toml(folder / "trial.toml")
    meta = parse_meta(raw, file="trial.toml", expected_id=folder.name)
    ipd_path, summary_path = folder / "ipd.csv", folder / "summary.csv"
    ipd = patients = changes = None
    if ipd_path.exists():
        if summary_path.exists():
            raise TrialDataError("both ipd.csv and summary.csv exist; the summary is derived "
                                 "from ipd.csv (put published numbers in reported.csv)",
                                 file="summary.csv")
        ipd = build_ipd(read_csv_records(ipd_path, IPD_COLUMNS, exact=True), meta, "ipd.csv")
        summary = summarise_ipd(ipd, meta)
        patients_path = folder / "patients.csv"
        if patients_path.exists():
            patients = build_patients(
                read_csv_records(patients_path, ("patient", "arm"), tuple(meta.patients)),
                meta, ipd, "patients.csv")
    elif summary_path.exists():
        summary, changes = build_tables(
            read_csv_records(summary_path, SUMMARY_REQUIRED, (*SUMMARY_OPTIONAL, *SUMMARY_TEXT)),
            meta, "summary.csv")
    else:
        raise TrialDataError("a trial needs summary.csv or ipd.csv", file=str(folder))
    reported_path = folder / "reported.csv"
    reported = read_reported(reported_path, meta) if reported_path.exists() else (
        build_reported([], meta, "reported.csv"))
    return Trial(meta, summary, ipd=ipd, patients=patients, reported=reported, changes=changes,
                 path=folder)
