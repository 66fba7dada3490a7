"""Pooling effect estimates across trials: fixed and random effects, heterogeneity, prediction
interval."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize, stats

from trialkit.effects import _intervals, _validate
from trialkit.effects._validate import ArrayLike
from trialkit.errors import TrialDataError

__all__ = ["TAU2_METHODS", "pool", "pool_trials"]

#: Estimators of the between-trial variance tau^2.
TAU2_METHODS = ("DL", "PM", "REML", "FE")


def _tau2_reml(y: np.ndarray, v: np.ndarray) -> float:
    """Restricted maximum-likelihood tau^2 (Viechtbauer 2005, eq. 11), bounded below by 0."""
    def neg_restricted_loglik(tau2: float) -> float:
        w = 1.0 / (v + tau2)
        mu = np.sum(w * y) / np.sum(w)
        return 0.5 * (np.sum(np.log(v + tau2)) + math.log(np.sum(w))
                      + np.sum(w * (y - mu) ** 2))

    upper = 10.0 * (float(np.var(y)) + float(np.max(v))) + 1e-12
    res = optimize.minimize_scalar(neg_restricted_loglik, bounds=(0.0, upper), method="bounded",
                                   options={"xatol": 1e-12 * max(upper, 1.0), "maxiter": 500})
    tau2 = float(res.x)
    # The bounded search may stop just above 0 when the maximum is at the boundary.
    if neg_restricted_loglik(0.0) <= neg_restricted_loglik(tau2):
        return 0.0
    return tau2


def _tau2(y: np.ndarray, v: np.ndarray, method: str) -> float:
    from statsmodels.stats.meta_analysis import combine_effects

    if method == "FE" or len(y) < 2:
        return 0.0
    if method == "REML":
        return _tau2_reml(y, v)
    if method == "DL":
        res = combine_effects(y, v, method_re="dl")
    else:  # Paule-Mandel, iterated to a tolerance tighter than statsmodels' default 1e-5
        res = combine_effects(y, v, method_re="pm", atol=1e-13, maxiter=1000)
    # statsmodels leaves a negative DerSimonian-Laird moment estimate as it is; tau^2 is a
    # variance, truncated at 0 as DerSimonian & Laird (1986) and metafor do.
    return max(float(res.tau2), 0.0)


def pool(estimates: ArrayLike, variances: ArrayLike, *, method: str = "REML",
         hksj: bool = False, labels: Sequence[str] | None = None,
         level: float = 0.95) -> pd.DataFrame:
    """Fixed- and random-effects pooling of independent estimates.

    Inverse-variance weights ``w_i = 1 / (v_i + tau^2)``; the pooled estimate is
    ``sum(w y) / sum(w)`` with standard error ``1 / sqrt(sum(w))``. ``tau^2`` is estimated
    by DerSimonian-Laird ("DL") or Paule-Mandel ("PM"), both with statsmodels'
    ``combine_effects``, or by restricted maximum likelihood ("REML", Viechtbauer 2005), or
    fixed at 0 ("FE"). With ``hksj=True`` the random-effects interval uses the
    Hartung-Knapp-Sidik-Jonkman variance and a t distribution with k - 1 df (Knapp & Hartung
    2003). ``I^2 = tau^2 / (tau^2 + s^2)`` with the "typical" within-trial variance
    ``s^2 = (k - 1) sum(w) / (sum(w)^2 - sum(w^2))`` for fixed-effect weights (Higgins &
    Thompson 2002), as R metafor's ``rma`` prints it for every estimator. The prediction
    interval for a new trial's true effect is ``mu +- crit sqrt(tau^2 + se^2)``, with the
    normal quantile, or t(k - 1) under HKSJ (as metafor's ``predict``).

    Parameters
    ----------
    estimates, variances : array_like
        One estimate per trial and its sampling variance (> 0).
    method : {"REML", "DL", "PM", "FE"}
    hksj : bool, default False
    labels : sequence of str, optional
        Trial names (default "1", "2", ...).
    level : float, default 0.95

    Returns
    -------
    pandas.DataFrame
        One row per trial (``kind = "trial"``, with its ``weight`` in the random-effects
        model, in %), then the ``fixed`` and ``random`` pooled rows: ``label, kind, estimate,
        se, ci_low, ci_high, weight, tau2, i2, q, q_df, q_p, pi_low, pi_high, k, method``.

    References
    ----------
    DerSimonian, R., & Laird, N. (1986). Meta-analysis in clinical trials. Controlled
    Clinical Trials, 7, 177-188. Paule, R. C., & Mandel, J. (1982). Consensus values and
    weighting factors. J Res Natl Bur Stand, 87, 377-385. Viechtbauer, W. (2005). Bias and
    efficiency of meta-analytic variance estimators in the random-effects model. J Educ Behav
    Stat, 30, 261-293. Knapp, G., & Hartung, J. (2003). Improved tests for a random effects
    meta-regression with a single covariate. Stat Med, 22, 2693-2710. Higgins, J. P. T., &
    Thompson, S. G. (2002). Quantifying heterogeneity in a meta-analysis. Stat Med, 21,
    1539-1558.

    Examples
    --------
    >>> from trialkit.reanalysis import pool
    >>> res = pool([0.1, 0.3, 0.5], [0.01, 0.02, 0.04], method="FE")
    >>> round(float(res.query("kind == 'fixed'").estimate.iloc[0]), 4)   # (10+15+12.5)/(175)
    0.2143
    """
    method = _validate.check_choice(method, "method", TAU2_METHODS)
    level = _validate.check_level(level)
    raw, a, k = _validate.prepare(estimate=estimates, variance=variances)
    _validate.check_positive(raw["variance"], "variances")
    y, v = a["estimate"], a["variance"]
    if labels is None:
        names = [str(i + 1) for i in range(k)]
    else:
        names = [str(x) for x in labels]
        if len(names) != k:
            raise TrialDataError(f"{len(names)} labels for {k} estimates", field="labels")
    w_fe = 1.0 / v
    mu_fe = float(np.sum(w_fe * y) / np.sum(w_fe))
    q = float(np.sum(w_fe * (y - mu_fe) ** 2))
    q_df = k - 1
    q_p = float(stats.chi2.sf(q, q_df)) if q_df > 0 else math.nan
    tau2 = _tau2(y, v, method)
    typical = ((k - 1) * np.sum(w_fe) / (np.sum(w_fe) ** 2 - np.sum(w_fe**2))
               if k > 1 else math.nan)
    if k < 2:
        i2 = math.nan
    elif method == "FE":  # no tau^2: Higgins & Thompson's (Q - df) / Q, as metafor prints
        i2 = 100.0 * max(0.0, (q - q_df) / q) if q > 0 else 0.0
    else:
        i2 = 100.0 * tau2 / (tau2 + typical)
    rows: list[dict[str, Any]] = []
    w_re = 1.0 / (v + tau2)
    z = _intervals.z_quantile(level)
    for name, yi, vi, wi in zip(names, y, v, w_re, strict=True):
        se = math.sqrt(vi)
        rows.append({"label": name, "kind": "trial", "estimate": yi, "se": se,
                     "ci_low": yi - z * se, "ci_high": yi + z * se,
                     "weight": 100.0 * wi / np.sum(w_re)})
    se_fe = math.sqrt(1.0 / np.sum(w_fe))
    rows.append({"label": "Fixed effect", "kind": "fixed", "estimate": mu_fe, "se": se_fe,
                 "ci_low": mu_fe - z * se_fe, "ci_high": mu_fe + z * se_fe, "weight": 100.0})
    mu = float(np.sum(w_re * y) / np.sum(w_re))
    se_re = math.sqrt(1.0 / np.sum(w_re))
    crit = z
    ci_note = "normal_ci"
    if hksj and k > 1:
        se_re = math.sqrt(float(np.sum(w_re * (y - mu) ** 2) / ((k - 1) * np.sum(w_re))))
        crit = float(stats.t.isf((1 - level) / 2, k - 1))
        ci_note = f"hksj/t_ci(df={k - 1})"
    half = crit * math.sqrt(tau2 + se_re**2)
    rows.append({"label": "Random effects", "kind": "random", "estimate": mu, "se": se_re,
                 "ci_low": mu - crit * se_re, "ci_high": mu + crit * se_re, "weight": 100.0,
                 "pi_low": mu - half, "pi_high": mu + half})
    frame = pd.DataFrame(rows)
    for col in ("pi_low", "pi_high"):
        if col not in frame:
            frame[col] = math.nan
    pooled = frame["kind"] != "trial"
    frame["tau2"] = np.where(pooled, tau2, math.nan)
    frame["i2"] = np.where(pooled, i2, math.nan)
    frame["q"] = np.where(pooled, q, math.nan)
    frame["q_df"] = np.where(pooled, q_df, math.nan)
    frame["q_p"] = np.where(pooled, q_p, math.nan)
    frame["k"] = k
    tau = {"DL": "dersimonian_laird(statsmodels)", "PM": "paule_mandel(statsmodels)",
           "REML": "reml", "FE": "none"}[method]
    frame["method"] = [f"pool/{kd}/tau2={tau}/{ci_note if kd == 'random' else 'normal_ci'}"
                       for kd in frame["kind"]]
    cols = ["label", "kind", "estimate", "se", "ci_low", "ci_high", "weight", "tau2", "i2",
            "q", "q_df", "q_p", "pi_low", "pi_high", "k", "method"]
    return frame[cols]


def pool_trials(trials: Sequence[Any], outcome: str | Mapping[str, str],
                timepoint: str | Mapping[str, str], *,
                comparison: str | Mapping[str, str] | None = None, measure: str = "hedges_g",
                r: float | None = None, method: str = "REML", hksj: bool = False,
                level: float = 0.95) -> pd.DataFrame:
    """Pool one outcome at one follow-up across several trials.

    Each trial contributes one arm-versus-reference effect from
    :func:`trialkit.analysis.between`, with variance ``se^2``; then :func:`pool`. A trial
    with several comparisons (3+ arms) needs ``comparison`` to say which one.

    Parameters
    ----------
    trials : sequence of Trial
    outcome, timepoint : str or mapping of trial id to str
        The outcome and follow-up to pool, one id for all trials or one per trial.
    comparison : str or mapping of trial id to str, optional
        Such as ``"cbt-control"``; needed for trials with more than one.
    measure : str, default "hedges_g"
        A ``measure`` of :func:`trialkit.analysis.between` ("hedges_g" makes different
        scales poolable; "mean_difference", "ancova", "diff_in_change" need one scale).
    r : float, optional
        Pre-post correlation for the change and ANCOVA measures of summary-only trials.
    method, hksj, level
        As for :func:`pool`.

    Returns
    -------
    pandas.DataFrame
        :func:`pool`'s frame, labelled by trial id, with ``illustrative`` (True where any
        trial's numbers are illustrative).

    Examples
    --------
    >>> import trialkit
    >>> from trialkit.reanalysis import pool_trials
    >>> res = pool_trials([trialkit.load("anorexia")], "weight", "post",
    ...                   comparison="ft-control", method="FE")
    >>> res["label"].tolist()
    ['anorexia', 'Fixed effect', 'Random effects']
    """
    import warnings

    from trialkit.analysis import between

    if not trials:
        raise TrialDataError("give at least one trial", field="trials")
    ys, vs, labels, flags = [], [], [], []
    for trial in trials:
        o = outcome[trial.id] if isinstance(outcome, Mapping) else outcome
        t = timepoint[trial.id] if isinstance(timepoint, Mapping) else timepoint
        trial.outcome(o)
        trial.timepoint(t)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            b = between(trial, r=r, outcome=o)
        for w in caught:
            warnings.warn(f"{trial.id}: {w.message}", w.category, stacklevel=2)
        rows = b[(b["timepoint"] == t) & (b["measure"] == measure)]
        c = comparison.get(trial.id) if isinstance(comparison, Mapping) else comparison
        if c is not None:
            rows = rows[rows["comparison"] == c]
        if rows.empty:
            raise TrialDataError(f"trial {trial.id!r} has no {measure} for {o}/{t}"
                                 + (f"/{c}" if c else ""), field="measure")
        if rows["comparison"].nunique() > 1:
            raise TrialDataError(f"trial {trial.id!r} has several comparisons "
                                 f"({', '.join(rows['comparison'])}): pass comparison=",
                                 field="comparison")
        row = rows.iloc[0]
        ys.append(float(row["estimate"]))
        vs.append(float(row["se"]) ** 2)
        labels.append(trial.id)
        flags.append(bool(row["illustrative"]))
    out = pool(ys, vs, method=method, hksj=hksj, labels=labels, level=level)
    out["illustrative"] = [*flags, any(flags), any(flags)]
    return out
