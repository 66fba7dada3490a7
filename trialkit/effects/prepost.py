"""Pre-post (baseline to follow-up) statistics within one arm (between two arms:
:mod:`trialkit.effects.prepost_between`).

Within an arm the two measurements are correlated, so every variance needs the pre-post
correlation ``r``. Papers rarely report it: pass it explicitly (from the paper, from patient
data, or from similar trials). When it is left out, r = 0.5 is assumed with a UserWarning and
the ``method`` column says so, e.g. ``".../r=0.5(assumed)"``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from trialkit.effects import _hedges_j, _intervals, _results, _validate
from trialkit.effects._validate import ArrayLike
from trialkit.errors import TrialDataError

__all__ = ["mean_change", "r_from_sds", "sd_change", "smcc", "smcr"]


def _sd_change_arrays(sd_pre: np.ndarray, sd_post: np.ndarray, r: np.ndarray) -> np.ndarray:
    return np.sqrt(np.maximum(sd_pre**2 + sd_post**2 - 2 * r * sd_pre * sd_post, 0.0))


def _paired_inputs(m_pre: ArrayLike, sd_pre: ArrayLike, m_post: ArrayLike,
                   sd_post: ArrayLike, n: ArrayLike, r: ArrayLike, min_n: int,
                   why: str) -> tuple[dict[str, np.ndarray], int, np.ndarray]:
    """Validated, broadcast pre/post arguments of one arm, their row count and the SD of the
    changes (refused where it is not positive); ``min_n`` and ``why`` for the check of n."""
    raw, a, n_rows = _validate.prepare(m_pre=m_pre, sd_pre=sd_pre, m_post=m_post,
                                       sd_post=sd_post, n=n, r=r)
    _validate.check_positive(raw["sd_pre"], "sd_pre")
    _validate.check_positive(raw["sd_post"], "sd_post")
    _validate.check_n(raw["n"], "n", min_n, why)
    _validate.check_correlation(raw["r"], "r")
    sd_d = _sd_change_arrays(a["sd_pre"], a["sd_post"], a["r"])
    _require_positive_change_sd(sd_d, raw["r"])
    return a, n_rows, sd_d


def _require_positive_change_sd(sd_d: np.ndarray, raw_r: np.ndarray) -> None:
    bad = ~(sd_d > 0)
    if np.any(bad):
        i = int(np.flatnonzero(bad)[0])
        raise TrialDataError(
            "the SD of the change is 0 (r = 1 with equal pre and post SDs): no variance can be "
            "computed; use a correlation below 1",
            field="r", row=None if raw_r.ndim == 0 else min(i, raw_r.size - 1))


def sd_change(sd_pre: ArrayLike, sd_post: ArrayLike, r: ArrayLike) -> np.ndarray:
    """SD of the change from baseline, from the baseline and follow-up SDs and their correlation.

    ``SD_change = sqrt(sd_pre^2 + sd_post^2 - 2 r sd_pre sd_post)`` (Cochrane Handbook,
    section 6.5.2.8, "Imputing standard deviations for changes from baseline").

    Parameters
    ----------
    sd_pre, sd_post : array_like
        Baseline and follow-up standard deviations (> 0).
    r : array_like
        Correlation between baseline and follow-up measurements, in [-1, 1]. Required: this
        function assumes nothing.

    Returns
    -------
    numpy.ndarray
        A 1-D float array (one element per broadcast row), not a DataFrame.

    References
    ----------
    Higgins, J. P. T., Li, T., & Deeks, J. J. (eds.) (2023). Chapter 6: Choosing effect
    measures and computing estimates of effect. Cochrane Handbook for Systematic Reviews of
    Interventions, version 6.4, section 6.5.2.8.

    Examples
    --------
    Cochrane Handbook 5.1, section 16.4.6.4 (SDs 2.38 and 2.21, imputed correlation 0.68):

    >>> from trialkit.effects import sd_change
    >>> float(sd_change(2.21, 2.38, 0.68)[0]).__round__(4)
    1.8426
    """
    raw, a, _ = _validate.prepare(sd_pre=sd_pre, sd_post=sd_post, r=r)
    _validate.check_positive(raw["sd_pre"], "sd_pre")
    _validate.check_positive(raw["sd_post"], "sd_post")
    _validate.check_correlation(raw["r"], "r")
    return _sd_change_arrays(a["sd_pre"], a["sd_post"], a["r"])


def r_from_sds(sd_pre: ArrayLike, sd_post: ArrayLike, sd_change: ArrayLike, *,
               impossible: str = "raise") -> np.ndarray:
    """Pre-post correlation implied by the baseline, follow-up and change SDs.

    ``r = (sd_pre^2 + sd_post^2 - sd_change^2) / (2 sd_pre sd_post)`` (Cochrane Handbook,
    section 6.5.2.8): use it on a study that reports all three SDs, then impute the
    correlation into studies that do not.

    Parameters
    ----------
    sd_pre, sd_post, sd_change : array_like
        Baseline, follow-up and change-from-baseline standard deviations (> 0).
    impossible : {"raise", "return"}
        What to do when the SDs imply a correlation outside [-1, 1], which no data can have:
        raise (the default), or return the implied value unclipped so that a consistency
        check can report it (an implied ``|r| > 1`` means the printed SDs cannot all be true,
        up to their rounding).

    Returns
    -------
    numpy.ndarray
        A 1-D float array of correlations, not a DataFrame.

    Raises
    ------
    TrialDataError
        If the three SDs are inconsistent (the implied correlation is outside [-1, 1]) and
        ``impossible="raise"``.

    References
    ----------
    Cochrane Handbook for Systematic Reviews of Interventions, version 6.4, section 6.5.2.8
    (Higgins, Li & Deeks 2023), formula for Corr_E.

    Examples
    --------
    >>> from trialkit.effects import r_from_sds
    >>> round(float(r_from_sds(4.0, 5.0, 3.0)[0]), 12)
    0.8
    >>> round(float(r_from_sds(1.0, 1.0, 3.0, impossible="return")[0]), 12)  # (1 + 1 - 9) / 2
    -3.5
    """
    if impossible not in ("raise", "return"):
        raise TrialDataError(f"impossible must be 'raise' or 'return', got {impossible!r}",
                             field="impossible")
    raw, a, _ = _validate.prepare(sd_pre=sd_pre, sd_post=sd_post, sd_change=sd_change)
    for name in ("sd_pre", "sd_post", "sd_change"):
        _validate.check_positive(raw[name], name)
    # Scaled by the largest SD so that squares of huge SDs cannot overflow (the ratio is
    # scale-free); the implied r itself can still be beyond double precision when one SD is
    # ~1e150 times another: refused, it is no number.
    scale = np.maximum(np.maximum(a["sd_pre"], a["sd_post"]), a["sd_change"])
    pre, post, chg = a["sd_pre"] / scale, a["sd_post"] / scale, a["sd_change"] / scale
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        r = (pre**2 + post**2 - chg**2) / (2 * pre * post)
    _validate.raise_at(r, ~np.isfinite(r), "sd_change",
                       "the three SDs imply a correlation beyond double precision (one SD is "
                       "~1e150 times another)")
    if impossible == "return":
        return r
    bad = np.abs(r) > 1 + 1e-12
    if np.any(bad):
        i = int(np.flatnonzero(bad)[0])
        raise TrialDataError(
            f"the three SDs are inconsistent: implied correlation {r[i]:.4g} is outside [-1, 1]",
            field="sd_change", row=None if raw["sd_change"].ndim == 0 else i)
    return np.clip(r, -1.0, 1.0)


def mean_change(
    m_pre: ArrayLike,
    sd_pre: ArrayLike,
    m_post: ArrayLike,
    sd_post: ArrayLike,
    n: ArrayLike,
    r: ArrayLike | None = None,
    level: float = 0.95,
) -> pd.DataFrame:
    """Mean change from baseline within one arm, ``m_post - m_pre``, with a paired-t interval.

    The SD of the change comes from the two SDs and the pre-post correlation ``r``
    (Cochrane Handbook 6.5.2.8); the standard error is ``SD_change / sqrt(n)`` with
    ``n - 1`` degrees of freedom (metafor's ``measure="MC"`` variance).

    Parameters
    ----------
    m_pre, sd_pre : array_like
        Baseline mean and SD.
    m_post, sd_post : array_like
        Follow-up mean and SD.
    n : array_like
        Number of participants measured at both times (>= 2).
    r : array_like, optional
        Pre-post correlation. If omitted, r = 0.5 is assumed with a UserWarning and recorded
        in ``method``.
    level : float, default 0.95
        Confidence level.

    Returns
    -------
    pandas.DataFrame
        ``estimate, se, var, ci_low, ci_high, df, statistic, p, sd_change, method``, e.g.
        method ``"mean_change/paired_t/r=given"``.

    References
    ----------
    Cochrane Handbook for Systematic Reviews of Interventions, version 6.4, section 6.5.2.8.

    Viechtbauer, W. (2010). metafor, ``escalc(measure="MC")``: vi = (sd1^2 + sd2^2 -
    2 r sd1 sd2) / n.

    Examples
    --------
    >>> from trialkit.effects import mean_change
    >>> res = mean_change(22, 20 ** 0.5, 26, 30 ** 0.5, 60, r=0.7)
    >>> float(res.estimate.iloc[0]), round(float(res["var"].iloc[0]), 4)
    (4.0, 0.2618)
    """
    level = _validate.check_level(level)
    r, r_label = _validate.default_r(r)
    a, n_rows, sd_d = _paired_inputs(m_pre, sd_pre, m_post, sd_post, n, r, 2,
                                     "a standard deviation needs at least two values")
    estimate = a["m_post"] - a["m_pre"]
    var = sd_d**2 / a["n"]
    return _results.t_frame(estimate, var, a["n"] - 1, level, f"mean_change/paired_t/{r_label}",
                            n_rows, {"sd_change": sd_d})


def smcr(
    m_pre: ArrayLike,
    sd_pre: ArrayLike,
    m_post: ArrayLike,
    n: ArrayLike,
    r: ArrayLike | None = None,
    level: float = 0.95,
) -> pd.DataFrame:
    """Standardized mean change with raw-score (baseline SD) standardization.

    ``d = J(n - 1) (m_post - m_pre) / sd_pre`` with the exact correction J, and the
    large-sample variance ``2 (1 - r) / n + d^2 / (2 n)``: Becker (1988); metafor's
    ``measure="SMCR"`` (default ``vtype="LS"``). The interval is normal-theory.

    Parameters
    ----------
    m_pre, sd_pre : array_like
        Baseline mean and SD (the SD is the standardizer).
    m_post : array_like
        Follow-up mean.
    n : array_like
        Number of participants (>= 2).
    r : array_like, optional
        Pre-post correlation (needed by the variance). If omitted, r = 0.5 is assumed with a
        UserWarning and recorded in ``method``.
    level : float, default 0.95
        Confidence level.

    Returns
    -------
    pandas.DataFrame
        ``estimate, se, var, ci_low, ci_high, df, method`` (method
        ``"smcr/baseline_sd/exact_J/normal_ci/r=given"``).

    References
    ----------
    Becker, B. J. (1988). Synthesizing standardized mean-change measures. British Journal of
    Mathematical and Statistical Psychology, 41, 257-278.

    Morris, S. B. (2000). Distribution of the standardized mean change effect size for
    meta-analysis on repeated measures. British Journal of Mathematical and Statistical
    Psychology, 53, 17-29.

    Examples
    --------
    Treatment group of study 1 in Morris (2008), as in metafor's morris2008 analysis
    (yi = 0.5056, vi = 0.0594):

    >>> from trialkit.effects import smcr
    >>> res = smcr(30.6, 15.0, 38.5, 20, r=0.47)
    >>> round(float(res.estimate.iloc[0]), 4), round(float(res["var"].iloc[0]), 4)
    (0.5056, 0.0594)
    """
    level = _validate.check_level(level)
    r, r_label = _validate.default_r(r)
    raw, a, n_rows = _validate.prepare(m_pre=m_pre, sd_pre=sd_pre, m_post=m_post, n=n, r=r)
    _validate.check_positive(raw["sd_pre"], "sd_pre")
    _validate.check_n(raw["n"], "n", 3, "the bias correction J(n - 1) needs n >= 3")
    _validate.check_correlation(raw["r"], "r")
    df = a["n"] - 1
    estimate = _hedges_j.hedges_j(df) * (a["m_post"] - a["m_pre"]) / a["sd_pre"]
    var = 2 * (1 - a["r"]) / a["n"] + estimate**2 / (2 * a["n"])
    se = np.sqrt(var)
    lo, hi = _intervals.normal_ci(estimate, se, level)
    cols = {"estimate": estimate, "se": se, "var": var, "ci_low": lo, "ci_high": hi, "df": df}
    _results.check_no_nan(cols, ("estimate", "se", "ci_low", "ci_high"))
    return _results.frame(cols, f"smcr/baseline_sd/exact_J/normal_ci/{r_label}", n_rows)


def smcc(
    m_pre: ArrayLike,
    sd_pre: ArrayLike,
    m_post: ArrayLike,
    sd_post: ArrayLike,
    n: ArrayLike,
    r: ArrayLike | None = None,
    ci: str = "nct",
    level: float = 0.95,
) -> pd.DataFrame:
    """Standardized mean change with change-score standardization (d_z, corrected).

    ``d = J(n - 1) (m_post - m_pre) / SD_change`` with
    ``SD_change = sqrt(sd_pre^2 + sd_post^2 - 2 r sd_pre sd_post)`` and variance
    ``1/n + d^2 / (2 n)``: Gibbons, Hedeker & Davis (1993); metafor's ``measure="SMCC"``.
    Given r, ``(m_post - m_pre) / (SD_change / sqrt(n))`` is a paired t statistic, so the
    default interval inverts the noncentral t with ``n - 1`` df (limits times J).

    Parameters
    ----------
    m_pre, sd_pre, m_post, sd_post : array_like
        Baseline and follow-up means and SDs.
    n : array_like
        Number of participants (>= 3).
    r : array_like, optional
        Pre-post correlation. If omitted, r = 0.5 is assumed with a UserWarning.
    ci : {"nct", "normal"}, default "nct"
        Interval method.
    level : float, default 0.95
        Confidence level.

    Returns
    -------
    pandas.DataFrame
        ``estimate, se, var, ci_low, ci_high, df, sd_change, method``.

    References
    ----------
    Gibbons, R. D., Hedeker, D. R., & Davis, J. M. (1993). Estimation of effect size from a
    series of experiments involving paired comparisons. Journal of Educational Statistics,
    18, 271-279.

    Morris, S. B., & DeShon, R. P. (2002). Combining effect size estimates in meta-analysis
    with repeated measures and independent-groups designs. Psychological Methods, 7, 105-125.

    Examples
    --------
    >>> from trialkit.effects import smcc
    >>> res = smcc(30.6, 15.0, 38.5, 11.6, 20, r=0.47, ci="normal")
    >>> round(float(res.estimate.iloc[0]), 4)
    0.5417
    """
    ci = _validate.check_choice(ci, "ci", ("nct", "normal"))
    level = _validate.check_level(level)
    r, r_label = _validate.default_r(r)
    a, n_rows, sd_d = _paired_inputs(m_pre, sd_pre, m_post, sd_post, n, r, 3,
                                     "the bias correction J(n - 1) needs n >= 3")
    df = a["n"] - 1
    j = _hedges_j.hedges_j(df)
    with np.errstate(over="ignore", invalid="ignore"):
        dz = (a["m_post"] - a["m_pre"]) / sd_d
        estimate = j * dz
        var = 1 / a["n"] + estimate**2 / (2 * a["n"])
        se = np.sqrt(var)
    _results.check_finite_result({"estimate": estimate, "se": se}, ("estimate", "se"),
                                 "the mean change is more than ~1e150 change SDs")
    note = np.full(n_rows, "", dtype=object)
    if ci == "nct":
        root_n = np.sqrt(a["n"])
        lo, hi, note = _intervals.nct_or_normal(dz * root_n, df, level, j / root_n, estimate,
                                                se, "smcc")
    else:
        lo, hi = _intervals.normal_ci(estimate, se, level)
    cols = {"estimate": estimate, "se": se, "var": var, "ci_low": lo, "ci_high": hi, "df": df,
            "sd_change": sd_d}
    _results.check_no_nan(cols, ("estimate", "se", "ci_low", "ci_high"))
    label = _intervals.with_note(f"smcc/change_sd/exact_J/{ci}_ci/{r_label}", note)
    return _results.frame(cols, label, n_rows)
