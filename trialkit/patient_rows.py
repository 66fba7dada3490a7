"""Patient rows, validated once: ipd.csv (one value per patient x timepoint x outcome) and
patients.csv (one row per patient, its arm and covariates).

Like :mod:`trialkit.rows` for summary rows, every row is read before raising, so that one
:class:`~trialkit.errors.TrialDataError` names every bad row (file, row, field each).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from trialkit.cells import parse_number
from trialkit.errors import ErrorCollector, TrialDataError
from trialkit.rows import _check_id, _check_scale, sort_frame
from trialkit.schema import DERIVED, IPD_COLUMNS

if TYPE_CHECKING:
    import pandas as pd

    from trialkit.meta import TrialMeta

__all__ = ["build_ipd", "build_patients", "summarise_ipd"]


def build_ipd(records: Sequence[Mapping[str, str]], meta: TrialMeta,
              name: str) -> pd.DataFrame:
    """Validate patient-level records and return the ipd frame.

    Every row is read before raising: one :class:`TrialDataError` names each bad row (file,
    row, field). Checks across rows (arm sizes, a baseline for every follow-up) run once the
    rows themselves are readable.
    """
    import pandas as pd

    seen: dict[tuple[str, str, str, str], int] = {}
    patient_arm: dict[str, str] = {}
    rows = []
    errors = ErrorCollector()
    for rec in records:
        row = errors.call(_ipd_row, rec, meta, name)
        if row is None:
            continue
        number = int(rec["_row"])
        key = (row["patient"], row["arm"], row["timepoint"], row["outcome"])
        if key in seen:
            errors.add(TrialDataError(f"duplicate row: patient {key[0]} {'/'.join(key[1:])} "
                                      f"already given in row {seen[key]}", file=name,
                                      row=number, field="patient"))
            continue
        seen[key] = number
        if meta.design == "parallel":
            first = patient_arm.setdefault(row["patient"], row["arm"])
            if first != row["arm"]:
                errors.add(TrialDataError(f"patient {row['patient']} appears in arms "
                                          f"{first!r} and {row['arm']!r} of a parallel trial",
                                          file=name, row=number, field="arm"))
                continue
        rows.append(row)
    errors.raise_any()
    frame = pd.DataFrame(rows, columns=list(IPD_COLUMNS))
    frame["value"] = frame["value"].astype(float)
    _check_ipd_totals(frame, seen, meta, name)
    return sort_frame(frame, meta)


def _ipd_row(rec: Mapping[str, str], meta: TrialMeta, name: str) -> dict[str, Any]:
    """One validated ipd.csv row; every bad field of the row is named."""
    row = int(rec["_row"])
    errors = ErrorCollector()
    if not rec["patient"]:
        errors.add(TrialDataError("patient id is empty", file=name, row=row, field="patient"))
    outcomes = {o.id: o for o in meta.outcomes}
    for what, known in (("arm", [a.id for a in meta.arms]),
                        ("timepoint", [t.id for t in meta.timepoints]),
                        ("outcome", outcomes)):
        errors.call(_check_id, rec[what], known, what, name, row)
    value = errors.call(parse_number, rec["value"], file=name, row=row, field="value")
    out = outcomes.get(rec["outcome"])
    if value is not None and out is not None:
        if out.integer and value != int(value):
            errors.add(TrialDataError(f"{out.id!r} takes whole numbers, got {rec['value']!r}",
                                      file=name, row=row, field="value"))
        errors.call(_check_scale, value, meta, out.id, name, row, "value")
    errors.raise_any()
    return {"patient": rec["patient"], "arm": rec["arm"], "timepoint": rec["timepoint"],
            "outcome": rec["outcome"], "value": value}


def _check_ipd_totals(frame: pd.DataFrame, seen: Mapping[tuple[str, str, str, str], int],
                      meta: TrialMeta, name: str) -> None:
    """Patients per arm within the arm's n; a baseline value for every follow-up value."""
    errors = ErrorCollector()
    counts = frame.groupby("arm")["patient"].nunique()
    for arm in meta.arms:
        if counts.get(arm.id, 0) > arm.n:
            errors.add(TrialDataError(f"{counts[arm.id]} patients in arm {arm.id!r} but "
                                      f"trial.toml says n = {arm.n}", file=name, field="arm"))
    base = meta.baseline
    if base is not None:
        with_base = {(o, a) for (_, a, t, o) in seen if t == base}
        reported: set[tuple[str, str]] = set()
        for (_, a, t, o), row in seen.items():
            if t != base and (o, a) not in with_base and (o, a) not in reported:
                reported.add((o, a))
                errors.add(TrialDataError(f"missing baseline: {o}/{a} has {t!r} values but "
                                          f"no {base!r} values", file=name, row=row,
                                          field="timepoint"))
    errors.raise_any()


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
    """Validate patients.csv (one row per patient, its arm and covariates); every bad row is
    named in one :class:`TrialDataError`."""
    import pandas as pd

    arm_of = dict(zip(ipd["patient"], ipd["arm"], strict=False))
    seen: set[str] = set()
    errors = ErrorCollector()
    for rec in records:
        row = int(rec["_row"])
        patient = rec["patient"]
        if patient in seen:
            errors.add(TrialDataError(f"patient {patient} listed twice", file=name, row=row,
                                      field="patient"))
        elif patient not in arm_of:
            errors.add(TrialDataError(f"patient {patient} has no rows in ipd.csv", file=name,
                                      row=row, field="patient"))
        elif meta.design == "parallel" and rec["arm"] != arm_of[patient]:
            errors.add(TrialDataError(f"patient {patient} is in arm {arm_of[patient]!r} in "
                                      f"ipd.csv", file=name, row=row, field="arm"))
        seen.add(patient)
        for col in meta.patients:
            if col in rec and not rec[col]:
                errors.add(TrialDataError("empty value (write the category or number "
                                          "explicitly)", file=name, row=row, field=col))
    missing = sorted(set(arm_of) - seen)
    if missing:
        errors.add(TrialDataError(f"patients missing from patients.csv: "
                                  f"{', '.join(missing[:5])}", file=name, field="patient"))
    errors.raise_any()
    frame = pd.DataFrame([{k: v for k, v in r.items() if k != "_row"} for r in records])
    for col in frame.columns:
        if col in ("patient", "arm"):
            continue
        numeric = pd.to_numeric(frame[col], errors="coerce")
        if numeric.notna().all():
            frame[col] = numeric
    return frame
