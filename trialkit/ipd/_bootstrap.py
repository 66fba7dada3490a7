"""Bootstrap intervals on patient data (percentile, basic and BCa, seeded), and the bootstrap
distribution they come from."""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from trialkit.errors import TrialDataError
from trialkit.ipd._ancova import baseline_followup
from trialkit.ipd._common import (
    check_choice,
    check_followup,
    check_int,
    check_level,
    check_outcome,
    check_seed,
    comparisons,
    crossover_wide,
    finish,
    hedges_j,
    require_ipd,
    select_arms,
)

if TYPE_CHECKING:
    from trialkit.trial import Trial

__all__ = ["bootstrap", "bootstrap_distribution"]

BOOTSTRAP_STATISTICS = ("mean_difference", "change_difference", "median_difference",
                        "hedges_g", "mean_change", "paired_difference")
BOOTSTRAP_COLUMNS = ["outcome", "timepoint", "comparison", "arm", "reference", "measure",
                     "estimate", "se", "ci_low", "ci_high", "bias", "n1", "n2", "n_resamples",
                     "seed", "ci_method", "method", "note", "distribution"]


def _mean(x: np.ndarray, axis: int = -1) -> np.ndarray:
    return np.mean(x, axis=axis)


def _two_sample(statistic: str) -> Callable[..., np.ndarray]:
    if statistic in ("mean_difference", "change_difference"):
        def f(x: np.ndarray, y: np.ndarray, axis: int = -1) -> np.ndarray:
            return np.mean(x, axis=axis) - np.mean(y, axis=axis)
        return f
    if statistic == "median_difference":
        def f(x: np.ndarray, y: np.ndarray, axis: int = -1) -> np.ndarray:
            return np.median(x, axis=axis) - np.median(y, axis=axis)
        return f

    def g(x: np.ndarray, y: np.ndarray, axis: int = -1) -> np.ndarray:
        n1, n2 = x.shape[axis], y.shape[axis]
        df = n1 + n2 - 2
        sp = np.sqrt(((n1 - 1) * np.var(x, axis=axis, ddof=1)
                      + (n2 - 1) * np.var(y, axis=axis, ddof=1)) / df)
        with np.errstate(divide="ignore", invalid="ignore"):
            d = (np.mean(x, axis=axis) - np.mean(y, axis=axis)) / sp
        return hedges_j(df) * d
    return g


def _samples(trial: Trial, outcome: str, timepoint: str, statistic: str,
             arm: str | Sequence[str] | None,
             reference: str | None) -> list[tuple[dict[str, Any], tuple[np.ndarray, ...]]]:
    """(keys, samples) for each comparison the statistic defines."""
    ipd = require_ipd(trial, "bootstrap")
    out = []
    if statistic == "paired_difference":
        if trial.design != "crossover":
            raise TrialDataError("statistic 'paired_difference' is for crossover trials; use "
                                 "'mean_change' for change from baseline within an arm",
                                 field="statistic")
        trial.timepoint(timepoint)
        wide = crossover_wide(trial, outcome, timepoint)
        for a, ref in comparisons(trial, arm, reference):
            if a not in wide.columns or ref not in wide.columns:
                continue
            pair = wide[[a, ref]].dropna()
            diff = (pair[a] - pair[ref]).to_numpy(float)
            out.append(({"comparison": f"{a}-{ref}", "arm": a, "reference": ref,
                         "n1": len(diff), "n2": pd.NA}, (diff,)))
        return out
    if trial.design == "crossover":
        raise TrialDataError(f"statistic {statistic!r} compares independent groups; a "
                             f"crossover trial needs 'paired_difference'", field="statistic")
    check_followup(trial, timepoint)
    if statistic == "mean_change":
        wide = baseline_followup(trial, outcome, timepoint)
        arms = select_arms(trial, arm)
        for a in arms:
            x = wide.loc[wide["arm"] == a, "change"].to_numpy(float)
            if len(x):
                out.append(({"comparison": f"{timepoint}-{trial.baseline}", "arm": a,
                             "reference": None, "n1": len(x), "n2": pd.NA}, (x,)))
        return out
    column = "change" if statistic == "change_difference" else "post"
    wide = baseline_followup(trial, outcome, timepoint)
    if statistic in ("mean_difference", "median_difference", "hedges_g"):
        # follow-up statistics use every patient measured at follow-up, baseline or not
        data = ipd[(ipd["outcome"] == outcome) & (ipd["timepoint"] == timepoint)]
        wide = data.rename(columns={"value": "post"})
    for a, ref in comparisons(trial, arm, reference):
        x = wide.loc[wide["arm"] == a, column].to_numpy(float)
        y = wide.loc[wide["arm"] == ref, column].to_numpy(float)
        out.append(({"comparison": f"{a}-{ref}", "arm": a, "reference": ref, "n1": len(x),
                     "n2": len(y)}, (x, y)))
    return out


def bootstrap(trial: Trial, outcome: str, timepoint: str, statistic: str | None = None, *,
              arm: str | Sequence[str] | None = None, reference: str | None = None,
              n_resamples: int = 10_000, seed: int = 0, method: str = "BCa",
              level: float = 0.95) -> pd.DataFrame:
    """Bootstrap confidence interval (BCa by default), resampling patients within each arm.

    Two-arm statistics resample each arm separately (stratified by arm, the randomization's
    group sizes kept; :func:`scipy.stats.bootstrap` with two samples); within-patient
    statistics resample patients. The interval is BCa (bias-corrected and accelerated,
    Efron 1987), percentile or basic. A BCa interval can be undefined in tiny samples (the
    jackknife acceleration is 0/0 when the jackknife values are all equal, or the bias
    correction is infinite when every resample lies on one side of the estimate): then the
    percentile interval of the same resamples is given, ``ci_method`` says "percentile" and
    ``note`` says why. The resampled statistics are returned in ``distribution`` (for an
    estimation plot; see :func:`bootstrap_distribution` for a long table).

    Parameters
    ----------
    trial : Trial
        A trial with patient data.
    outcome, timepoint : str
        For a parallel trial, a follow-up timepoint; for a crossover, the timepoint at which
        the conditions are compared.
    statistic : str, optional
        Two arms, arm minus reference: "mean_difference" (follow-up means; default for a
        parallel trial), "change_difference" (mean change from baseline),
        "median_difference", "hedges_g" (follow-up, pooled SD, exact J); the follow-up
        statistics use every patient measured at ``timepoint``, the change statistics those
        measured at baseline too. Within one arm:
        "mean_change" (follow-up minus baseline). Crossover: "paired_difference" (mean
        within-patient difference arm - reference; the default for a crossover).
    arm : str or sequence of str, optional
        The arm(s) analysed (default: every non-reference arm; every arm for mean_change).
    reference : str, optional
        The comparator arm (default: the trial's reference arm).
    n_resamples : int
        Bootstrap resamples (default 10,000).
    seed : int
        Seed (the same seed gives the same interval and distribution; each comparison
        starts from it).
    method : {"BCa", "percentile", "basic"}
    level : float
        Confidence level.

    Returns
    -------
    DataFrame
        Columns outcome, timepoint, comparison, arm, reference, measure, estimate (on the
        data), se (SD of the bootstrap distribution), ci_low, ci_high, bias (mean of the
        distribution - estimate), n1, n2, n_resamples, seed, ci_method (the interval
        actually given), method, note, distribution (numpy array of the resampled
        statistics).

    References
    ----------
    Efron B. Better bootstrap confidence intervals. J Am Stat Assoc 1987;82:171-185. Efron B,
    Tibshirani RJ. An Introduction to the Bootstrap. Chapman & Hall 1993, ch. 14. Ho J et al.
    Moving beyond P values: data analysis with estimation graphics. Nat Methods
    2019;16:565-566 (DABEST).

    Examples
    --------
    >>> import trialkit
    >>> from trialkit.ipd import bootstrap
    >>> res = bootstrap(trialkit.load("anorexia"), "weight", "post", arm="ft")
    >>> res[["comparison", "estimate", "ci_method"]].round(3)
       comparison  estimate ci_method
    0  ft-control     9.386       BCa
    >>> len(res["distribution"].iloc[0])
    10000
    """
    from scipy import stats

    check_outcome(trial, outcome)
    if statistic is None:
        statistic = "paired_difference" if trial.design == "crossover" else "mean_difference"
    check_choice(statistic, "statistic", BOOTSTRAP_STATISTICS)
    check_choice(method, "method", ("BCa", "percentile", "basic"))
    n_resamples = check_int(n_resamples, "n_resamples", 2)
    seed = check_seed(seed)
    level = check_level(level)
    one_sample = statistic in ("mean_change", "paired_difference")
    fn = _mean if one_sample else _two_sample(statistic)
    rows: list[dict[str, Any]] = []
    for keys, samples in _samples(trial, outcome, timepoint, statistic, arm, reference):
        sizes = [len(s) for s in samples]
        if min(sizes) < 2:
            raise TrialDataError(f"{keys['comparison']} ({keys['arm']}): bootstrap needs at "
                                 f"least 2 patients per group, got {min(sizes)}", field="arm")
        estimate = float(fn(*samples))
        notes: list[str] = []
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            with np.errstate(divide="ignore", invalid="ignore"):
                res = stats.bootstrap(samples, fn, n_resamples=n_resamples, vectorized=True,
                                      method=method, confidence_level=level,
                                      rng=np.random.default_rng(seed))
        dist = np.asarray(res.bootstrap_distribution, dtype=float)
        lo, hi = float(res.confidence_interval.low), float(res.confidence_interval.high)
        used = method
        finite = np.isfinite(dist)
        if not finite.all():
            notes.append(f"{int((~finite).sum())} resample(s) gave an undefined statistic "
                         f"(zero SD) and were left out of the percentile interval")
        if not (math.isfinite(lo) and math.isfinite(hi)):
            why = "; ".join(sorted({str(w.message).split(".")[0] for w in caught})) or \
                "not finite"
            alpha = (1 - level) / 2
            if finite.any():
                lo, hi = (float(v) for v in np.quantile(dist[finite], [alpha, 1 - alpha]))
            used = "percentile"
            notes.append(f"{method} interval undefined ({why}); percentile interval of the "
                         f"same {n_resamples} resamples given instead")
        if not finite.any() or np.ptp(dist[finite]) == 0:
            notes.append("every resample gave the same value: the interval has zero width")
        se = float(np.std(dist[finite], ddof=1)) if finite.sum() > 1 else math.nan
        bias = float(np.mean(dist[finite]) - estimate) if finite.any() else math.nan
        strat = "one_sample" if one_sample else "stratified_by_arm"
        rows.append({"outcome": outcome, "timepoint": timepoint, **keys, "measure": statistic,
                     "estimate": estimate, "se": se, "ci_low": lo, "ci_high": hi,
                     "bias": bias, "n_resamples": n_resamples, "seed": seed,
                     "ci_method": used,
                     "method": f"bootstrap/{strat}/{statistic}/{method}/"
                               f"n_resamples={n_resamples}/seed={seed}/scipy.stats.bootstrap",
                     "note": "; ".join(notes) or None, "distribution": dist})
    if not rows:
        raise TrialDataError("nothing to bootstrap: no patients in the arms compared",
                             field="arm")
    frame = finish(rows, BOOTSTRAP_COLUMNS)
    frame["n2"] = frame["n2"].astype("Int64")
    return frame


def bootstrap_distribution(trial: Trial, outcome: str, timepoint: str,
                           statistic: str | None = None, **kwargs: Any) -> pd.DataFrame:
    """The resampled statistics of :func:`bootstrap` as a long table, for estimation plots.

    Takes the same arguments as :func:`bootstrap` (and gives the same numbers for the same
    seed). A Gardner-Altman or Cumming plot draws ``value`` per ``comparison`` as a density
    or half-violin next to the point estimate and interval from :func:`bootstrap`.

    Returns
    -------
    DataFrame
        Columns outcome, timepoint, comparison, arm, reference, measure, resample (0-based),
        value.

    Examples
    --------
    >>> import trialkit
    >>> from trialkit.ipd import bootstrap_distribution
    >>> d = bootstrap_distribution(trialkit.load("anorexia"), "weight", "post", arm="ft",
    ...                            n_resamples=1000)
    >>> d.shape, list(d.columns[-2:])
    ((1000, 8), ['resample', 'value'])
    """
    res = bootstrap(trial, outcome, timepoint, statistic, **kwargs)
    parts = []
    for _, row in res.iterrows():
        dist = row["distribution"]
        parts.append(pd.DataFrame({
            "outcome": row["outcome"], "timepoint": row["timepoint"],
            "comparison": row["comparison"], "arm": row["arm"], "reference": row["reference"],
            "measure": row["measure"], "resample": np.arange(len(dist)), "value": dist}))
    return pd.concat(parts, ignore_index=True)
