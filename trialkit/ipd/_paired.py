"""Within-patient comparisons: crossover conditions, or follow-up against baseline in one arm."""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from trialkit.errors import TrialDataError
from trialkit.ipd._ancova import baseline_followup
from trialkit.ipd._common import (
    check_level,
    check_outcome,
    comparisons,
    crossover_wide,
    data_error,
    finish,
    followups,
    hedges_j,
    nct_ci,
    require_ipd,
    select_arms,
)

if TYPE_CHECKING:
    from trialkit.trial import Trial

__all__ = ["paired"]

PAIRED_COLUMNS = ["outcome", "timepoint", "comparison", "arm", "reference", "measure",
                  "estimate", "se", "ci_low", "ci_high", "df", "statistic", "p", "n",
                  "mean1", "mean2", "sd1", "sd2", "sd_diff", "r", "unit", "method"]


def _timepoints(trial: Trial, timepoint: str | Sequence[str] | None,
                allowed: list[str]) -> list[str]:
    if timepoint is None:
        return allowed
    tps = [timepoint] if isinstance(timepoint, str) else list(timepoint)
    for tp in tps:
        if not isinstance(tp, str):
            raise TrialDataError(f"expected a timepoint id (text), got {tp!r}",
                                 field="timepoint")
        try:
            trial.timepoint(tp)
        except TrialDataError as exc:
            raise TrialDataError(exc.reason, field="timepoint") from None
        if tp not in allowed:
            raise TrialDataError(f"timepoint {tp!r} is the baseline; give a follow-up "
                                 f"({', '.join(allowed)})", field="timepoint")
    return tps


def _skip(what: str, n: int) -> None:
    warnings.warn(f"paired: {what} left out ({n} patient(s) measured under both conditions; "
                  f"a paired comparison needs 2)", UserWarning, stacklevel=3)


def _rows(x1: np.ndarray, x2: np.ndarray, keys: dict[str, Any], unit: str,
          level: float) -> list[dict[str, Any]]:
    """Five rows for one within-patient comparison x1 - x2 (paired by position)."""
    from scipy import stats

    n = len(x1)
    diff = x1 - x2
    df = n - 1
    mean = float(diff.mean())
    sd_d = float(diff.std(ddof=1))
    sd1, sd2 = float(x1.std(ddof=1)), float(x2.std(ddof=1))
    se = sd_d / math.sqrt(n)
    q = float(stats.t.isf((1 - level) / 2, df))
    t = mean / se if se > 0 else math.nan
    p = float(2 * stats.t.sf(abs(t), df)) if se > 0 else math.nan
    r = float(np.corrcoef(x1, x2)[0, 1]) if sd1 > 0 and sd2 > 0 else math.nan
    common = {**keys, "n": n, "mean1": float(x1.mean()), "mean2": float(x2.mean()),
              "sd1": sd1, "sd2": sd2, "sd_diff": sd_d, "r": r}
    rows = [{**common, "measure": "mean_difference", "estimate": mean, "se": se,
             "ci_low": mean - q * se, "ci_high": mean + q * se, "df": df, "statistic": t,
             "p": p, "unit": unit, "method": "paired_t/t_ci"}]

    j = hedges_j(df)
    # d_z: standardized by the SD of the differences; exact CI by inverting the noncentral t
    # of the paired t statistic (t = d_z sqrt(n), df = n - 1).
    dz = mean / sd_d if sd_d > 0 else math.nan
    lo, hi = nct_ci(t, df, level) if math.isfinite(t) else (math.nan, math.nan)
    dz_se = math.sqrt(1 / n + dz**2 / (2 * n)) if math.isfinite(dz) else math.nan
    for measure, factor, label in (("cohens_dz", 1.0, "d_z"), ("hedges_gz", j, "g_z")):
        rows.append({**common, "measure": measure, "estimate": factor * dz,
                     "se": factor * dz_se, "ci_low": factor * lo / math.sqrt(n),
                     "ci_high": factor * hi / math.sqrt(n), "df": df, "statistic": t, "p": p,
                     "unit": "SD of differences",
                     "method": f"{label}/mean_diff/sd_diff" + ("/J(n-1)" if factor != 1 else "")
                               + "/nct_ci"})
    # d_av: standardized by the average of the two SDs, sqrt((sd1^2 + sd2^2) / 2), so it is
    # on the scale of a between-patient d (Cumming 2012; Lakens 2013 eq. 10). Bias
    # correction J(n - 1) as Cumming does for the paired design; variance from Borenstein
    # et al. 2009, eq. 4.28 ((1/n + d^2/(2n)) 2(1 - r)), normal interval.
    sd_av = math.sqrt((sd1**2 + sd2**2) / 2)
    dav = mean / sd_av if sd_av > 0 else math.nan
    var_av = (1 / n + dav**2 / (2 * n)) * 2 * (1 - r) if math.isfinite(r) else math.nan
    z = float(stats.norm.isf((1 - level) / 2))
    for measure, factor, label in (("cohens_dav", 1.0, "d_av"), ("hedges_gav", j, "g_av")):
        est = factor * dav
        se_av = factor * math.sqrt(var_av) if var_av >= 0 else math.nan
        rows.append({**common, "measure": measure, "estimate": est, "se": se_av,
                     "ci_low": est - z * se_av, "ci_high": est + z * se_av, "df": df,
                     "statistic": np.nan, "p": np.nan, "unit": "average SD",
                     "method": f"{label}/mean_diff/sqrt((sd1^2+sd2^2)/2)"
                               + ("/J(n-1)" if factor != 1 else "")
                               + "/var_borenstein2009_eq4.28/normal_ci"})
    return rows


def paired(trial: Trial, outcome: str, *, timepoint: str | Sequence[str] | None = None,
           arm: str | Sequence[str] | None = None, reference: str | None = None,
           level: float = 0.95) -> pd.DataFrame:
    """Within-patient comparisons: paired t test, CI, and standardized effects d_z and d_av.

    Two designs are handled:

    - **crossover** (``trial.design == "crossover"``): each arm (treatment condition) against
      the reference condition, in the patients measured under both, at each timepoint;
      ``comparison`` is ``"arm-reference"`` and the difference is arm minus reference;
    - **parallel with a baseline**: within each arm, each follow-up against the baseline
      (``comparison`` ``"m3-pre"``, difference follow-up minus baseline), in the patients
      measured at both.

    Each comparison gives five rows (``measure``): ``mean_difference`` (paired t test, with
    t, df = n - 1, p and the t interval), ``cohens_dz`` and ``hedges_gz`` (the mean
    difference over the SD of the differences; exact interval from the noncentral t of the
    paired t statistic; Hedges' exact J with df = n - 1), ``cohens_dav`` and ``hedges_gav``
    (the mean difference over the average SD ``sqrt((sd1^2 + sd2^2) / 2)``; J(n - 1) as
    Cumming does for the paired design; approximate normal interval from Borenstein et al.'s
    variance, which uses the observed correlation ``r``). d_z describes the within-patient
    effect (it grows with the correlation); d_av is comparable with a between-patient d.

    Parameters
    ----------
    trial : Trial
        A trial with patient data.
    outcome : str
    timepoint : str or sequence of str, optional
        For a crossover: the timepoint(s) (default all). For a parallel trial: the
        follow-up(s) compared with baseline (default all).
    arm : str or sequence of str, optional
        Restrict to these arms (crossover: the conditions compared with the reference).
    reference : str, optional
        Crossover only: the reference condition (default the trial's reference arm).
    level : float
        Confidence level.

    Returns
    -------
    DataFrame
        Columns outcome, timepoint, comparison, arm, reference, measure, estimate, se,
        ci_low, ci_high, df, statistic, p, n, mean1, mean2 (means of the two conditions:
        arm and reference, or follow-up and baseline), sd1, sd2, sd_diff, r, unit, method.

    References
    ----------
    Student (1908). The probable error of a mean. Biometrika 6:1-25. Cumming G.
    Understanding the New Statistics. Routledge 2012, ch. 11. Lakens D. Calculating and
    reporting effect sizes to facilitate cumulative science. Front Psychol 2013;4:863.
    Hedges LV. J Educ Stat 1981;6:107-128 (exact J). Borenstein M et al. Introduction to
    Meta-Analysis. Wiley 2009, eq. 4.28. Steiger JH, Fouladi RT (1997), noncentral-t
    intervals.

    Examples
    --------
    >>> import trialkit
    >>> from trialkit.ipd import paired
    >>> res = paired(trialkit.load("sleep"), "extra_sleep")
    >>> res[["comparison", "measure", "estimate", "ci_low", "ci_high"]].round(4)
        comparison          measure  estimate  ci_low  ci_high
    0  drug2-drug1  mean_difference    1.5800  0.7001   2.4599
    1  drug2-drug1        cohens_dz    1.2846  0.4146   2.1180
    2  drug2-drug1        hedges_gz    1.1739  0.3789   1.9356
    3  drug2-drug1       cohens_dav    0.8322  0.3719   1.2925
    4  drug2-drug1       hedges_gav    0.7605  0.3399   1.1812
    """
    level = check_level(level)
    require_ipd(trial, "paired")
    out = check_outcome(trial, outcome)
    rows: list[dict[str, Any]] = []
    if trial.design == "crossover":
        tps = _timepoints(trial, timepoint, [t.id for t in trial.timepoints])
        for tp in tps:
            wide = crossover_wide(trial, outcome, tp)
            for a, ref in comparisons(trial, arm, reference):
                pair = (wide[[a, ref]].dropna() if a in wide.columns and ref in wide.columns
                        else wide.iloc[:0])
                if len(pair) < 2:
                    _skip(f"{a}-{ref} at {tp}", len(pair))
                    continue
                keys = {"outcome": outcome, "timepoint": tp, "comparison": f"{a}-{ref}",
                        "arm": a, "reference": ref}
                rows += _rows(pair[a].to_numpy(float), pair[ref].to_numpy(float), keys,
                              out.unit, level)
    else:
        if reference is not None:
            raise TrialDataError("reference is for crossover trials; a parallel trial's "
                                 "paired comparison is follow-up minus baseline within an arm",
                                 field="reference")
        if trial.baseline is None:
            raise TrialDataError(f"trial {trial.id!r} has no baseline timepoint",
                                 field="timepoint")
        tps = _timepoints(trial, timepoint, followups(trial))
        arms = select_arms(trial, arm)
        base = trial.baseline
        for tp in tps:
            wide = baseline_followup(trial, outcome, tp)
            for a in arms:
                pair = wide[wide["arm"] == a]
                if len(pair) < 2:
                    _skip(f"arm {a}, {tp}-{base}", len(pair))
                    continue
                keys = {"outcome": outcome, "timepoint": tp, "comparison": f"{tp}-{base}",
                        "arm": a, "reference": None}
                rows += _rows(pair["post"].to_numpy(float), pair["pre"].to_numpy(float), keys,
                              out.unit, level)
    if not rows:
        raise data_error(trial, "no patient was measured under both conditions compared",
                         outcome=outcome, field="outcome")
    return finish(rows, PAIRED_COLUMNS)
