"""Shared helpers for the patient-level models: argument checks, data shaping, small formulas.

Nothing here is public; the functions in :mod:`trialkit.ipd` validate their arguments with these
helpers so that every bad argument raises :class:`trialkit.TrialDataError` naming it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from trialkit.errors import TrialDataError

if TYPE_CHECKING:
    from trialkit.meta import Outcome
    from trialkit.trial import Trial

#: Note written wherever a model's Wald tests use the normal distribution.
Z_NOTE = ("Wald z tests and intervals (normal reference distribution; no small-sample degrees "
          "of freedom such as Satterthwaite or Kenward-Roger)")


def data_error(trial: Trial, message: str, *, outcome: str | None = None,
               timepoint: str | None = None, arms: Sequence[str] | str | None = None,
               field: str | None = None, counts: pd.Series | None = None) -> TrialDataError:
    """A TrialDataError raised after loading that says which trial, outcome, timepoint, arms.

    ``counts`` (patients per arm in the analysed data) is added to the message when given;
    ``file`` is the trial's ipd.csv when the trial was read from a folder.
    """
    where = [f"trial {trial.id!r}"]
    if outcome is not None:
        where.append(f"outcome {outcome!r}")
    if timepoint is not None:
        where.append(f"timepoint {timepoint!r}")
    if arms is not None:
        names = [arms] if isinstance(arms, str) else list(arms)
        where.append("arm" + ("s " if len(names) > 1 else " ") + ", ".join(map(repr, names)))
    text = f"{', '.join(where)}: {message}"
    if counts is not None:
        per_arm = ", ".join(f"{k} {int(v)}" for k, v in counts.items()) or "none"
        text += f" (patients with data per arm: {per_arm})"
    path = getattr(trial, "path", None)
    file = str(path / "ipd.csv") if path is not None else None
    return TrialDataError(text, file=file, field=field)


def require_ipd(trial: Trial, what: str) -> pd.DataFrame:
    """The trial's patient data, or a TrialDataError saying ``what`` needs them."""
    ipd = trial.ipd
    if ipd is None:
        raise TrialDataError(f"{what} needs patient data; trial {trial.id!r} has summary "
                             f"statistics only", field="trial")
    return ipd


def check_outcome(trial: Trial, outcome: str) -> Outcome:
    if not isinstance(outcome, str):
        raise TrialDataError(f"expected an outcome id (text), got {outcome!r}", field="outcome")
    return trial.outcome(outcome)


def check_level(level: Any) -> float:
    try:
        value = float(level)
    except (TypeError, ValueError):
        raise TrialDataError(f"expected a number between 0 and 1, got {level!r}",
                             field="level") from None
    if not 0 < value < 1:
        raise TrialDataError(f"expected a number between 0 and 1, got {level!r}", field="level")
    return value


def check_int(value: Any, name: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise TrialDataError(f"expected a whole number >= {minimum}, got {value!r}", field=name)
    return int(value)


def check_choice(value: Any, name: str, choices: Sequence[str]) -> str:
    if value not in choices:
        raise TrialDataError(f"expected one of {', '.join(map(repr, choices))}, got {value!r}",
                             field=name)
    return str(value)


def check_seed(seed: Any) -> int:
    return check_int(seed, "seed", 0)


def followups(trial: Trial) -> list[str]:
    """Follow-up timepoints in time order (every timepoint but the baseline)."""
    return [t.id for t in trial.timepoints if t.id != trial.baseline]


def check_followup(trial: Trial, timepoint: str) -> str:
    if not isinstance(timepoint, str):
        raise TrialDataError(f"expected a timepoint id (text), got {timepoint!r}",
                             field="timepoint")
    trial.timepoint(timepoint)
    if trial.baseline is None:
        raise TrialDataError(f"trial {trial.id!r} has no baseline timepoint", field="timepoint")
    if timepoint == trial.baseline:
        raise TrialDataError("timepoint must be a follow-up, not the baseline",
                             field="timepoint")
    return timepoint


def _checked_arm(trial: Trial, arm: Any, field: str) -> str:
    """An arm id of the trial, or a TrialDataError naming the argument ``field``."""
    if not isinstance(arm, str):
        raise TrialDataError(f"expected an arm id (text), got {arm!r}", field=field)
    try:
        trial.arm(arm)
    except TrialDataError as exc:
        raise TrialDataError(exc.reason, field=field) from None
    return arm


def resolve_reference(trial: Trial, reference: str | None) -> str:
    if reference is None:
        return trial.reference_arm
    return _checked_arm(trial, reference, "reference")


def comparisons(trial: Trial, arm: str | Sequence[str] | None,
                reference: str | None) -> list[tuple[str, str]]:
    """(arm, reference) pairs: the named arm(s), or every other arm, against the reference."""
    ref = resolve_reference(trial, reference)
    if arm is None:
        return [(a.id, ref) for a in trial.arms if a.id != ref]
    arms = select_arms(trial, arm)
    for a in arms:
        if a == ref:
            raise TrialDataError(f"arm {a!r} is the reference arm; compare it with another "
                                 f"arm (or pass reference=...)", field="arm")
    return [(a, ref) for a in arms]


def arm_order(trial: Trial) -> dict[str, int]:
    return {a.id: i for i, a in enumerate(trial.arms)}


def sort_by_arm(frame: pd.DataFrame, trial: Trial) -> pd.DataFrame:
    order = arm_order(trial)
    return frame.sort_values(["arm", "patient"],
                             key=lambda c: c.map(order) if c.name == "arm" else c,
                             kind="stable").reset_index(drop=True)


def covariate_columns(trial: Trial, patients: pd.Series,
                      covariates: Sequence[str]) -> tuple[pd.DataFrame, list[str]]:
    """Design columns for ``covariates`` (from patients.csv), one row per entry of ``patients``.

    Numeric covariates enter as they are; text covariates as indicators of every level but the
    first in sorted order (R's treatment contrasts), named ``name[level]``. Missing values stay
    NaN so that the caller can drop those patients and say so.
    """
    if isinstance(covariates, str):
        covariates = (covariates,)
    covariates = list(covariates)
    out = pd.DataFrame(index=range(len(patients)))
    names: list[str] = []
    if not covariates:
        return out, names
    table = trial.patients
    if table is None:
        raise TrialDataError(f"trial {trial.id!r} has no covariates (patients.csv)",
                             field="covariates")
    known = [c for c in table.columns if c not in ("patient", "arm")]
    merged = pd.DataFrame({"patient": patients.to_numpy()}).merge(
        table.drop(columns="arm"), on="patient", how="left")
    for name in covariates:
        if name not in known:
            raise TrialDataError(f"unknown covariate {name!r}; known: {', '.join(known)}",
                                 field="covariates")
        column = merged[name]
        if pd.api.types.is_numeric_dtype(column):
            out[name] = column.astype(float).to_numpy()
            names.append(name)
        else:
            present = column.notna()
            levels = sorted(column[present].astype(str).unique())
            for lev in levels[1:]:
                key = f"{name}[{lev}]"
                values = (column.astype(str) == lev).to_numpy(dtype=float)
                out[key] = np.where(present.to_numpy(), values, np.nan)
                names.append(key)
    return out, names


def hedges_j(df: float) -> float:
    """Exact small-sample correction J(df) (Hedges 1981, eq. 6c), for one df.

    The one implementation lives in :mod:`trialkit.effects`; this is its scalar form.
    """
    from trialkit.effects._hedges_j import hedges_j as _hedges_j

    if not df > 1:
        return math.nan
    return float(_hedges_j(np.asarray([df], dtype=float))[0])


def nct_ci(t: float, df: float, level: float) -> tuple[float, float]:
    """Confidence interval of a noncentrality parameter by inverting the noncentral t
    (Steiger & Fouladi 1997), for one t; uses :mod:`trialkit.effects`' vectorized solver."""
    from trialkit.effects._intervals import nct_ci as _nct_ci

    if not (math.isfinite(t) and df > 0):
        return math.nan, math.nan
    lo, hi = _nct_ci(np.asarray([t], dtype=float), np.asarray([df], dtype=float), level)
    return float(lo[0]), float(hi[0])


def crossover_wide(trial: Trial, outcome: str, timepoint: str) -> pd.DataFrame:
    """Patient x arm values of one outcome at one timepoint (a crossover's conditions).

    Patients missing under an arm have NaN there; callers drop them per comparison.
    """
    ipd = require_ipd(trial, "a within-patient comparison")
    at = ipd[(ipd["outcome"] == outcome) & (ipd["timepoint"] == timepoint)]
    return at.pivot_table(index="patient", columns="arm", values="value", aggfunc="first")


def select_arms(trial: Trial, arm: str | Sequence[str] | None) -> list[str]:
    """The named arm(s), checked, or every arm of the trial."""
    if arm is None:
        return [a.id for a in trial.arms]
    arms = [arm] if isinstance(arm, str) else list(arm)
    return [_checked_arm(trial, a, "arm") for a in arms]


def finish(rows: list[dict[str, Any]], columns: Sequence[str]) -> pd.DataFrame:
    """A result frame with the given column order (columns missing from every row are NaN)."""
    frame = pd.DataFrame(rows, columns=list(columns))
    return frame.reset_index(drop=True)
