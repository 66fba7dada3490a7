"""Pre-post (baseline to follow-up) statistics between two arms: the standardized
difference in change (Morris's d_ppc2), the difference in mean change and the ANCOVA-adjusted
difference from summary statistics.

Each arm's change has a variance that needs the pre-post correlation ``r`` (see
:mod:`trialkit.effects.prepost`, which computes the SD of a change): pass it explicitly; when
it is left out, r = 0.5 is assumed with a UserWarning and the ``method`` column says so.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from trialkit.effects import _hedges_j, _intervals, _results, _validate
from trialkit.effects._validate import ArrayLike
from trialkit.effects.prepost import _require_positive_change_sd, _sd_change_arrays
from trialkit.errors import TrialDataError

__all__ = ["ancova_from_summary", "diff_in_change", "smd_change"]


def _var_dppc2(delta: np.ndarray, n1: np.ndarray, n2: np.ndarray, rho: np.ndarray) -> np.ndarray:
    """Morris (2008) eq. 25: sampling variance of d_ppc2 given effect ``delta`` and ``rho``."""
    n_sum = n1 + n2
    k = n_sum / (n1 * n2)
    cp = _hedges_j.hedges_j(n_sum - 2)
    return (2 * cp**2 * (1 - rho) * k * (n_sum - 2) / (n_sum - 4)
            * (1 + delta**2 / (2 * (1 - rho) * k)) - delta**2)


def smd_change(
    m1_pre: ArrayLike,
    sd1_pre: ArrayLike,
    m1_post: ArrayLike,
    m2_pre: ArrayLike,
    sd2_pre: ArrayLike,
    m2_post: ArrayLike,
    n1: ArrayLike,
    n2: ArrayLike,
    r: ArrayLike | None = None,
    level: float = 0.95,
) -> pd.DataFrame:
    """Between-arm standardized difference in mean change: Morris's (2008) d_ppc2.

    ``d_ppc2 = c_p [(m1_post - m1_pre) - (m2_post - m2_pre)] / sd_pre_pooled`` with the pooled
    pretest SD ``sqrt(((n1-1) sd1_pre^2 + (n2-1) sd2_pre^2) / (n1 + n2 - 2))`` (Morris 2008,
    eq. 8) and variance eq. 25 with d_ppc2 plugged in for the population effect and r for rho:

    ``2 c_p^2 (1 - r) k (N - 2)/(N - 4) [1 + d^2 / (2 (1 - r) k)] - d^2``,
    ``k = (n1 + n2)/(n1 n2)``, ``N = n1 + n2``.

    The correction c_p is the exact J(n1 + n2 - 2); Morris writes its approximation
    ``1 - 3/(4 (n1 + n2 - 2) - 1)``, which differs by less than 2e-4 for n1 + n2 >= 10.
    The interval is normal-theory.

    Parameters
    ----------
    m1_pre, sd1_pre, m1_post : array_like
        Intervention arm: baseline mean and SD, follow-up mean.
    m2_pre, sd2_pre, m2_post : array_like
        Control arm: the same.
    n1, n2 : array_like
        Arm sizes (n1 + n2 >= 5 so that eq. 25 is defined).
    r : array_like, optional
        Pre-post correlation (assumed common to both arms). If omitted, r = 0.5 is assumed
        with a UserWarning.
    level : float, default 0.95
        Confidence level.

    Returns
    -------
    pandas.DataFrame
        ``estimate, se, var, ci_low, ci_high, df, sd_pre_pooled, method``.

    References
    ----------
    Morris, S. B. (2008). Estimating effect sizes from pretest-posttest-control group designs.
    Organizational Research Methods, 11, 364-386 (eq. 8 estimator, eq. 10 c_p, eq. 25
    variance; worked example p. 369: d_ppc2 = 0.77 with pooled pretest SD 14.4).

    Examples
    --------
    >>> from trialkit.effects import smd_change
    >>> res = smd_change(30.6, 15.0, 38.5, 23.1, 13.8, 19.7, 20, 20, r=0.47)
    >>> round(float(res.estimate.iloc[0]), 2), round(float(res.sd_pre_pooled.iloc[0]), 1)
    (0.77, 14.4)
    """
    level = _validate.check_level(level)
    r, r_label = _validate.default_r(r)
    raw, a, n_rows = _validate.prepare(m1_pre=m1_pre, sd1_pre=sd1_pre, m1_post=m1_post,
                                       m2_pre=m2_pre, sd2_pre=sd2_pre, m2_post=m2_post,
                                       n1=n1, n2=n2, r=r)
    _validate.check_positive(raw["sd1_pre"], "sd1_pre")
    _validate.check_positive(raw["sd2_pre"], "sd2_pre")
    _validate.check_n(raw["n1"], "n1", 2, "a standard deviation needs at least two values")
    _validate.check_n(raw["n2"], "n2", 2, "a standard deviation needs at least two values")
    _validate.check_correlation(raw["r"], "r")
    small = a["n1"] + a["n2"] < 5
    if np.any(small):
        i = int(np.flatnonzero(small)[0])
        raise TrialDataError("n1 + n2 must be >= 5 for Morris's variance (eq. 25)",
                             field="n1, n2", row=i if n_rows > 1 else None)
    if np.any(a["r"] >= 1):
        i = int(np.flatnonzero(a["r"] >= 1)[0])
        raise TrialDataError("r = 1 leaves no variance in the change; use r < 1",
                             field="r", row=None if raw["r"].ndim == 0 else i)
    df = a["n1"] + a["n2"] - 2
    sp_pre = np.sqrt(((a["n1"] - 1) * a["sd1_pre"] ** 2 + (a["n2"] - 1) * a["sd2_pre"] ** 2) / df)
    diff = (a["m1_post"] - a["m1_pre"]) - (a["m2_post"] - a["m2_pre"])
    estimate = _hedges_j.hedges_j(df) * diff / sp_pre
    var = _var_dppc2(estimate, a["n1"], a["n2"], a["r"])
    se = np.sqrt(var)
    lo, hi = _intervals.normal_ci(estimate, se, level)
    cols = {"estimate": estimate, "se": se, "var": var, "ci_low": lo, "ci_high": hi, "df": df,
            "sd_pre_pooled": sp_pre}
    _results.check_no_nan(cols, ("estimate", "se", "ci_low", "ci_high"))
    return _results.frame(cols, f"d_ppc2/morris2008/exact_cp/eq25_var/normal_ci/{r_label}", n_rows)


def _change_args(level, r, **values):
    level = _validate.check_level(level)
    r, r_label = _validate.default_r(r, assumed=0.5)
    raw, a, n_rows = _validate.prepare(r=r, **values)
    for name in ("sd1_pre", "sd1_post", "sd2_pre", "sd2_post"):
        _validate.check_positive(raw[name], name)
    for name in ("n1", "n2"):
        _validate.check_n(raw[name], name, 2, "a standard deviation needs at least two values")
    _validate.check_correlation(raw["r"], "r")
    return level, r_label, raw, a, n_rows


def diff_in_change(
    m1_pre: ArrayLike,
    sd1_pre: ArrayLike,
    m1_post: ArrayLike,
    sd1_post: ArrayLike,
    m2_pre: ArrayLike,
    sd2_pre: ArrayLike,
    m2_post: ArrayLike,
    sd2_post: ArrayLike,
    n1: ArrayLike,
    n2: ArrayLike,
    r: ArrayLike | None = None,
    level: float = 0.95,
) -> pd.DataFrame:
    """Difference between arms in mean change from baseline, with a Welch t interval.

    Each arm's change SD is ``sqrt(sd_pre^2 + sd_post^2 - 2 r sd_pre sd_post)`` (Cochrane
    Handbook 6.5.2.8); the difference ``(m1_post - m1_pre) - (m2_post - m2_pre)`` then has
    ``se = sqrt(sd_change1^2 / n1 + sd_change2^2 / n2)`` and Welch-Satterthwaite df, exactly as
    :func:`mean_difference` on the change scores.

    Parameters
    ----------
    m1_pre, sd1_pre, m1_post, sd1_post : array_like
        Intervention arm baseline and follow-up means and SDs.
    m2_pre, sd2_pre, m2_post, sd2_post : array_like
        Control arm, the same.
    n1, n2 : array_like
        Arm sizes (>= 2).
    r : array_like, optional
        Pre-post correlation, used in both arms. If omitted, r = 0.5 is assumed with a
        UserWarning.
    level : float, default 0.95
        Confidence level.

    Returns
    -------
    pandas.DataFrame
        ``estimate, se, var, ci_low, ci_high, df, statistic, p, sd1_change, sd2_change,
        method``.

    References
    ----------
    Cochrane Handbook for Systematic Reviews of Interventions, version 6.4, sections 6.5.2.8
    and 10.5.2 (change scores in meta-analysis).

    Examples
    --------
    >>> from trialkit.effects import diff_in_change
    >>> res = diff_in_change(30.6, 15.0, 38.5, 11.6, 23.1, 13.8, 19.7, 14.8, 20, 20, r=0.47)
    >>> round(float(res.estimate.iloc[0]), 1)
    11.3
    """
    level, r_label, raw, a, n_rows = _change_args(
        level, r, m1_pre=m1_pre, sd1_pre=sd1_pre, m1_post=m1_post, sd1_post=sd1_post,
        m2_pre=m2_pre, sd2_pre=sd2_pre, m2_post=m2_post, sd2_post=sd2_post, n1=n1, n2=n2)
    s1 = _sd_change_arrays(a["sd1_pre"], a["sd1_post"], a["r"])
    s2 = _sd_change_arrays(a["sd2_pre"], a["sd2_post"], a["r"])
    _require_positive_change_sd(np.minimum(s1, s2), raw["r"])
    v1, v2 = s1**2 / a["n1"], s2**2 / a["n2"]
    estimate = (a["m1_post"] - a["m1_pre"]) - (a["m2_post"] - a["m2_pre"])
    var = v1 + v2
    df = var**2 / (v1**2 / (a["n1"] - 1) + v2**2 / (a["n2"] - 1))
    return _results.t_frame(estimate, var, df, level, f"diff_in_change/welch/t_ci/{r_label}",
                            n_rows, {"sd1_change": s1, "sd2_change": s2})


def ancova_from_summary(
    m1_pre: ArrayLike,
    sd1_pre: ArrayLike,
    m1_post: ArrayLike,
    sd1_post: ArrayLike,
    m2_pre: ArrayLike,
    sd2_pre: ArrayLike,
    m2_post: ArrayLike,
    sd2_post: ArrayLike,
    n1: ArrayLike,
    n2: ArrayLike,
    r: ArrayLike | None = None,
    level: float = 0.95,
) -> pd.DataFrame:
    """Baseline-adjusted (ANCOVA) difference in follow-up means, from summary statistics.

    With pooled within-arm SDs ``s_pre`` and ``s_post`` and the within-arm pre-post
    correlation r (assumed common to both arms), the within-arm regression slope of follow-up
    on baseline is ``b = r s_post / s_pre`` and the ANCOVA estimate is

    ``(m1_post - m2_post) - b (m1_pre - m2_pre)``

    (Riley et al. 2013, eq. for the aggregate-data ANCOVA estimate; McKenzie et al. 2016). Its
    variance is the one ordinary least squares gives from the patient data those summaries
    describe (the pseudo-IPD equivalence of Papadimitropoulou et al. 2019):

    ``s_res^2 [1/n1 + 1/n2 + (m1_pre - m2_pre)^2 / SSx]``, with
    ``SSx = (n1 - 1) sd1_pre^2 + (n2 - 1) sd2_pre^2``,
    ``s_res^2 = s_post^2 (1 - r^2) (N - 2) / (N - 3)``, ``df = N - 3``.

    Without baseline imbalance this is Borm et al.'s (2007) ``(1 - r^2)`` variance reduction
    relative to comparing follow-up means.

    Parameters
    ----------
    m1_pre, sd1_pre, m1_post, sd1_post : array_like
        Intervention arm baseline and follow-up means and SDs.
    m2_pre, sd2_pre, m2_post, sd2_post : array_like
        Control arm, the same.
    n1, n2 : array_like
        Arm sizes (>= 2, n1 + n2 >= 4).
    r : array_like, optional
        Pooled within-arm pre-post correlation. If omitted, r = 0.5 is assumed with a
        UserWarning.
    level : float, default 0.95
        Confidence level.

    Returns
    -------
    pandas.DataFrame
        ``estimate, se, var, ci_low, ci_high, df, statistic, p, slope, method``.

    References
    ----------
    Riley, R. D., Kauser, I., Bland, M., et al. (2013). Meta-analysis of randomised trials with
    a continuous outcome according to baseline imbalance and availability of individual
    participant data. Statistics in Medicine, 32, 2747-2766.

    McKenzie, J. E., Herbison, G. P., & Deeks, J. J. (2016). Impact of analysing continuous
    outcomes using final values, change scores and analysis of covariance on the performance
    of meta-analytic methods: a simulation study. Research Synthesis Methods, 7, 371-386.

    Borm, G. F., Fransen, J., & Lemmens, W. A. (2007). A simple sample size formula for
    analysis of covariance in randomized clinical trials. Journal of Clinical Epidemiology,
    60, 1234-1238.

    Papadimitropoulou, K., Stijnen, T., Dekkers, O. M., & le Cessie, S. (2019). One-stage
    random effects meta-analysis using linear mixed models for aggregate continuous outcome
    data. Research Synthesis Methods, 10, 360-375.

    Examples
    --------
    >>> from trialkit.effects import ancova_from_summary
    >>> res = ancova_from_summary(10, 2, 8, 2, 10, 2, 10, 2, 20, 20, r=0.6)
    >>> float(res.estimate.iloc[0])
    -2.0
    """
    level, r_label, raw, a, n_rows = _change_args(
        level, r, m1_pre=m1_pre, sd1_pre=sd1_pre, m1_post=m1_post, sd1_post=sd1_post,
        m2_pre=m2_pre, sd2_pre=sd2_pre, m2_post=m2_post, sd2_post=sd2_post, n1=n1, n2=n2)
    if np.any(np.abs(a["r"]) >= 1):
        i = int(np.flatnonzero(np.abs(a["r"]) >= 1)[0])
        raise TrialDataError("|r| = 1 leaves no residual variance; use |r| < 1",
                             field="r", row=None if raw["r"].ndim == 0 else i)
    n1_, n2_ = a["n1"], a["n2"]
    n_tot = n1_ + n2_
    ss_x = (n1_ - 1) * a["sd1_pre"] ** 2 + (n2_ - 1) * a["sd2_pre"] ** 2
    s_pre = np.sqrt(ss_x / (n_tot - 2))
    s_post = np.sqrt(((n1_ - 1) * a["sd1_post"] ** 2 + (n2_ - 1) * a["sd2_post"] ** 2)
                     / (n_tot - 2))
    slope = a["r"] * s_post / s_pre
    pre_diff = a["m1_pre"] - a["m2_pre"]
    estimate = (a["m1_post"] - a["m2_post"]) - slope * pre_diff
    s_res2 = s_post**2 * (1 - a["r"] ** 2) * (n_tot - 2) / (n_tot - 3)
    var = s_res2 * (1 / n1_ + 1 / n2_ + pre_diff**2 / ss_x)
    return _results.t_frame(estimate, var, n_tot - 3, level,
                            f"ancova_from_summary/pooled_slope/ols_var/t_ci/{r_label}", n_rows,
                            {"slope": slope})
