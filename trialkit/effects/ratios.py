"""Ratios of means: within-arm percent change from baseline, and between-arm ratio of means.

Both are built on the log scale (where the delta-method normal approximation is good) and
back-transformed. Both say which way is better: a 33% *decrease* is an improvement for
``direction="lower_is_better"`` (pain) and a deterioration for ``"higher_is_better"``
(range of motion).

In both result frames, ``se`` and ``var`` are on the log scale (the scale of the interval);
the ``log_ratio`` column holds the log-scale estimate.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from trialkit.effects import _intervals, _results, _validate
from trialkit.effects._validate import ArrayLike
from trialkit.errors import TrialDataError

__all__ = ["percent_change", "ratio_of_means"]

_DIRECTIONS = ("higher_is_better", "lower_is_better")


def _direction(direction: object, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Direction labels broadcast to ``n`` rows, and a mask of rows where one is given."""
    if direction is None or isinstance(direction, str):
        values = pd.Series([direction], dtype=object).repeat(n).reset_index(drop=True)
    else:
        values = pd.Series(list(direction), dtype=object)
        if values.size == 1:
            values = values.repeat(n).reset_index(drop=True)
        elif values.size != n:
            raise TrialDataError(f"lengths do not broadcast (direction has {values.size} "
                                 f"elements, the means have {n})", field="direction")
    known = values.notna().to_numpy()
    bad = known & ~values.isin(_DIRECTIONS).to_numpy()
    if np.any(bad):
        i = int(np.flatnonzero(bad)[0])
        raise TrialDataError(
            f"must be 'higher_is_better', 'lower_is_better' or None, got {values.iloc[i]!r}",
            field="direction", row=None if direction is None or isinstance(direction, str)
            or n == 1 else i)
    labels = np.where(known, values.to_numpy(dtype=object), None).astype(object)
    return labels, known


def _improved(change_sign: np.ndarray, labels: np.ndarray, known: np.ndarray) -> pd.array:
    """Boolean (nullable) column: did the change go the better way?"""
    lower = labels == "lower_is_better"
    better = np.where(lower, change_sign < 0, change_sign > 0)
    return pd.arrays.BooleanArray(better.astype(bool), ~known)


def percent_change(
    m_pre: ArrayLike,
    m_post: ArrayLike,
    sd_pre: ArrayLike | None = None,
    sd_post: ArrayLike | None = None,
    n: ArrayLike | None = None,
    r: ArrayLike | None = None,
    direction: str | ArrayLike | None = None,
    level: float = 0.95,
) -> pd.DataFrame:
    """Within-arm percent change from baseline, ``100 (m_post - m_pre) / m_pre``.

    This is change relative to the arm's own baseline mean (not a between-arm ratio; see
    :func:`ratio_of_means`). Means must be on a ratio scale (> 0).

    With ``sd_pre``, ``sd_post`` and ``n`` the interval is built on the log ratio of the
    paired means, ``log(m_post / m_pre)``, with the delta-method variance for dependent
    (paired) means

    ``sd_post^2 / (n m_post^2) + sd_pre^2 / (n m_pre^2) - 2 r sd_pre sd_post / (n m_pre m_post)``

    (Lajeunesse 2011, eq. 6; metafor ``measure="ROMC"``), a normal interval, and
    back-transformation ``100 (exp(limit) - 1)``. Without them only the point estimate is
    returned: ``se``, ``var``, ``ci_low`` and ``ci_high`` are NaN *by design* and ``method``
    says ``no_ci``.

    Parameters
    ----------
    m_pre, m_post : array_like
        Baseline and follow-up means (> 0).
    sd_pre, sd_post, n : array_like, optional
        Baseline and follow-up SDs and the number of participants; give all three (or none).
    r : array_like, optional
        Pre-post correlation. Used only with the SDs; if omitted then, r = 0.5 is assumed with
        a UserWarning and recorded in ``method``.
    direction : {"higher_is_better", "lower_is_better", None} or array of these
        Which way is an improvement for this outcome; echoed in the ``direction`` column.
    level : float, default 0.95
        Confidence level.

    Returns
    -------
    pandas.DataFrame
        ``estimate`` (percent), ``se``, ``var`` (log scale), ``ci_low``, ``ci_high`` (percent),
        ``ratio`` (m_post / m_pre), ``log_ratio``, ``direction``, ``improved`` (pandas boolean;
        NA when direction is None; a decrease is an improvement for lower_is_better) and
        ``method``.

    References
    ----------
    Lajeunesse, M. J. (2011). On the meta-analysis of response ratios for studies with
    correlated and multi-group designs. Ecology, 92, 2049-2055 (eq. 6, dependent means).

    Hedges, L. V., Gurevitch, J., & Curtis, P. S. (1999). The meta-analysis of response ratios
    in experimental ecology. Ecology, 80, 1150-1156.

    Examples
    --------
    >>> from trialkit.effects import percent_change
    >>> res = percent_change(8.0, 6.0, direction="lower_is_better")
    >>> float(res.estimate.iloc[0]), bool(res.improved.iloc[0])
    (-25.0, True)
    """
    level = _validate.check_level(level)
    given = {"sd_pre": sd_pre, "sd_post": sd_post, "n": n}
    with_ci = [k for k, v in given.items() if v is not None]
    if with_ci and len(with_ci) < 3:
        missing = [k for k, v in given.items() if v is None]
        raise TrialDataError(
            f"an interval needs sd_pre, sd_post and n together; missing {', '.join(missing)}",
            field=", ".join(missing))
    values: dict[str, ArrayLike] = {"m_pre": m_pre, "m_post": m_post}
    r_label = ""
    if with_ci:
        r, r_label = _validate.default_r(r)
        values.update(sd_pre=sd_pre, sd_post=sd_post, n=n, r=r)
    elif r is not None:
        raise TrialDataError("r is only used with sd_pre, sd_post and n", field="r")
    raw, a, n_rows = _validate.prepare(**values)
    _validate.check_positive(raw["m_pre"], "m_pre")
    _validate.check_positive(raw["m_post"], "m_post")
    ratio = a["m_post"] / a["m_pre"]
    log_ratio = np.log(ratio)
    estimate = 100 * (a["m_post"] - a["m_pre"]) / a["m_pre"]
    if with_ci:
        _validate.check_positive(raw["sd_pre"], "sd_pre")
        _validate.check_positive(raw["sd_post"], "sd_post")
        _validate.check_n(raw["n"], "n", 2, "a standard deviation needs at least two values")
        _validate.check_correlation(raw["r"], "r")
        cv_pre = a["sd_pre"] / a["m_pre"]
        cv_post = a["sd_post"] / a["m_post"]
        var = (cv_post**2 + cv_pre**2 - 2 * a["r"] * cv_pre * cv_post) / a["n"]
        if np.any(~(var > 0)):
            i = int(np.flatnonzero(~(var > 0))[0])
            raise TrialDataError("the log ratio has zero variance (r = 1 with equal coefficients "
                                 "of variation); use r < 1", field="r",
                                 row=None if raw["r"].ndim == 0 else i)
        se = np.sqrt(var)
        lo, hi = _intervals.normal_ci(log_ratio, se, level)
        ci_low, ci_high = 100 * np.expm1(lo), 100 * np.expm1(hi)
        method = f"percent_change/within_arm/log_ratio_paired_delta/normal_ci/{r_label}"
    else:
        se = var = ci_low = ci_high = np.full(n_rows, np.nan)
        method = "percent_change/within_arm/no_ci(sd_pre, sd_post, n not given)"
    labels, known = _direction(direction, n_rows)
    cols = {"estimate": estimate, "se": se, "var": var, "ci_low": ci_low, "ci_high": ci_high,
            "ratio": ratio, "log_ratio": log_ratio, "direction": labels,
            "improved": _improved(np.sign(estimate), labels, known)}
    _results.check_no_nan(cols, ("estimate",) + (("se", "ci_low", "ci_high") if with_ci else ()))
    return _results.frame(cols, method, n_rows)


def ratio_of_means(
    m1: ArrayLike,
    sd1: ArrayLike,
    n1: ArrayLike,
    m2: ArrayLike,
    sd2: ArrayLike,
    n2: ArrayLike,
    direction: str | ArrayLike | None = None,
    bias_correction: bool = True,
    level: float = 0.95,
) -> pd.DataFrame:
    """Between-arm ratio of means ``m1 / m2`` (response ratio), with a log-scale interval.

    The log ratio ``log(m1/m2)`` has large-sample variance
    ``sd1^2 / (n1 m1^2) + sd2^2 / (n2 m2^2)`` (Hedges, Gurevitch & Curtis 1999, eq. 1; metafor
    ``measure="ROM"``). With ``bias_correction=True`` (default) Lajeunesse's (2015) second-order
    corrections are added:

    ``log RR + (sd1^2/(n1 m1^2) - sd2^2/(n2 m2^2)) / 2`` and
    ``var + (sd1^4/(n1^2 m1^4) + sd2^4/(n2^2 m2^4)) / 2``.

    The interval is normal on the log scale, back-transformed; ``percent = 100 (ratio - 1)``.

    Geary's condition is checked in each arm: ``geary = m sqrt(n) / sd >= 3`` (Hedges,
    Gurevitch & Curtis 1999, p. 1152; Lajeunesse 2015). Where an arm fails it, the mean is
    too close to zero for the log ratio to be near normal, and the second-order correction
    (which grows like ``1 / geary^2``) can move the estimate arbitrarily far: for such rows the
    correction is *not* applied, a UserWarning names the rows, and ``method`` ends in
    ``geary=fail``. The ratio of such rows is unreliable whichever way it is computed.

    Parameters
    ----------
    m1, sd1, n1 : array_like
        Intervention arm mean (> 0), SD and size.
    m2, sd2, n2 : array_like
        Control arm, the same.
    direction : {"higher_is_better", "lower_is_better", None} or array of these
        Which way is an improvement; ``improved`` says whether the ratio favours arm 1.
    bias_correction : bool, default True
        Apply Lajeunesse's (2015) small-sample correction (only to rows that meet Geary's
        condition).
    level : float, default 0.95
        Confidence level.

    Returns
    -------
    pandas.DataFrame
        ``estimate`` (ratio), ``se``, ``var`` (log scale), ``ci_low``, ``ci_high`` (ratio),
        ``log_ratio``, ``percent``, ``pct_low``, ``pct_high``, ``geary1``, ``geary2`` (each
        arm's ``m sqrt(n) / sd``), ``geary_ok`` (both >= 3), ``direction``, ``improved``,
        ``method``.

    Warns
    -----
    UserWarning
        Where Geary's condition fails in either arm.

    Notes
    -----
    Lajeunesse (2015) also proposes a slightly stricter form of the condition,
    ``(m / sd) 4 n^(3/2) / (1 + 4 n) >= 3``; the classical form above is the one used here.

    R's effectsize (``means_ratio(adjust=TRUE)``, version 1.0) adds the variance correction
    with a *minus* sign between the two groups' terms; the second-order delta method gives a
    sum of two non-negative terms (independent groups), which is what is used here, so
    intervals differ from effectsize's in the fourth significant digit.

    References
    ----------
    Hedges, L. V., Gurevitch, J., & Curtis, P. S. (1999). The meta-analysis of response ratios
    in experimental ecology. Ecology, 80, 1150-1156 (Geary's condition).

    Lajeunesse, M. J. (2015). Bias and correction for the log response ratio in ecological
    meta-analysis. Ecology, 96, 2056-2063 (eqs. 8 and 9 for lnRR^Delta and its variance).

    Examples
    --------
    Study 1 of metafor's ``dat.normand1999`` (escalc ROM: yi = -0.3102, vi = 0.0094):

    >>> from trialkit.effects import ratio_of_means
    >>> res = ratio_of_means(55, 47, 155, 75, 64, 156, bias_correction=False)
    >>> round(float(res.log_ratio.iloc[0]), 4), round(float(res["var"].iloc[0]), 4)
    (-0.3102, 0.0094)
    """
    level = _validate.check_level(level)
    if not isinstance(bias_correction, bool | np.bool_):
        raise TrialDataError(f"must be True or False, got {bias_correction!r}",
                             field="bias_correction")
    raw, a, n_rows = _validate.prepare(m1=m1, sd1=sd1, n1=n1, m2=m2, sd2=sd2, n2=n2)
    for name in ("m1", "m2", "sd1", "sd2"):
        _validate.check_positive(raw[name], name)
    for name in ("n1", "n2"):
        _validate.check_n(raw[name], name, 2, "a standard deviation needs at least two values")
    with np.errstate(over="ignore", under="ignore"):
        # cv^2 / n per arm; computed as (sd/m)^2/n so that m^2 cannot overflow on its own.
        c1 = (a["sd1"] / a["m1"]) ** 2 / a["n1"]
        c2 = (a["sd2"] / a["m2"]) ** 2 / a["n2"]
        g1, g2 = geary(a["m1"], a["sd1"], a["n1"]), geary(a["m2"], a["sd2"], a["n2"])
    geary_ok = (g1 >= GEARY_MIN) & (g2 >= GEARY_MIN)
    log_ratio = np.log(a["m1"]) - np.log(a["m2"])
    var = c1 + c2
    if bias_correction:
        corr = geary_ok  # Lajeunesse's correction only where the approximation holds
        log_ratio = np.where(corr, log_ratio + (c1 - c2) / 2, log_ratio)
        var = np.where(corr, var + (c1**2 + c2**2) / 2, var)
        ok_label = "ratio_of_means/log_ratio_lajeunesse2015_corrected/normal_ci"
        fail_label = ("ratio_of_means/log_ratio/normal_ci/"
                      "geary=fail(bias correction not applied)")
    else:
        ok_label = "ratio_of_means/log_ratio/normal_ci"
        fail_label = "ratio_of_means/log_ratio/normal_ci/geary=fail"
    _warn_geary(geary_ok, g1, g2, bias_correction)
    _refuse_infinite_var(var, n_rows)
    label = ok_label if geary_ok.all() else np.where(geary_ok, ok_label, fail_label)
    se = np.sqrt(var)
    lo, hi = _intervals.normal_ci(log_ratio, se, level)
    with np.errstate(over="ignore"):
        ratio, ci_low, ci_high = np.exp(log_ratio), np.exp(lo), np.exp(hi)
    labels, known = _direction(direction, n_rows)
    cols = {"estimate": ratio, "se": se, "var": var, "ci_low": ci_low, "ci_high": ci_high,
            "log_ratio": log_ratio, "percent": 100 * (ratio - 1),
            "pct_low": 100 * np.expm1(lo), "pct_high": 100 * np.expm1(hi),
            "geary1": g1, "geary2": g2, "geary_ok": geary_ok,
            "direction": labels, "improved": _improved(np.sign(log_ratio), labels, known)}
    _results.check_no_nan(cols, ("estimate", "se", "ci_low", "ci_high"))
    return _results.frame(cols, label, n_rows)


#: Geary's condition: the log ratio is trustworthy where each arm's mean x sqrt(n) / SD >= 3.
GEARY_MIN = 3.0


def geary(m: np.ndarray, sd: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Geary's statistic of one arm, ``m sqrt(n) / sd`` (Hedges, Gurevitch & Curtis 1999).

    Below 3 the mean is not far enough from zero, relative to its standard error, for the log
    ratio to be approximately normal (the denominator may come close to zero).
    """
    return (m / sd) * np.sqrt(n)


def _rows_text(mask: np.ndarray) -> str:
    idx = np.flatnonzero(mask)
    return ", ".join(str(i) for i in idx[:5]) + (" ..." if idx.size > 5 else "")


def _warn_geary(geary_ok: np.ndarray, g1: np.ndarray, g2: np.ndarray,
                bias_correction: bool) -> None:
    if geary_ok.all():
        return
    import warnings

    bad = ~geary_ok
    i = int(np.flatnonzero(bad)[0])
    what = ("Lajeunesse's bias correction was not applied there and the ratio is unreliable"
            if bias_correction else "the ratio is unreliable")
    warnings.warn(
        f"ratio of means: Geary's condition (mean x sqrt(n) / SD >= 3 in each arm) fails at "
        f"row(s) {_rows_text(bad)} (first: arm 1 {g1[i]:.3g}, arm 2 {g2[i]:.3g}): a mean is "
        f"too close to zero for the log ratio to be near normal; {what} (method says "
        f"geary=fail)", UserWarning, stacklevel=3)


def _refuse_infinite_var(var: np.ndarray, n_rows: int) -> None:
    bad = ~np.isfinite(var)
    if np.any(bad):
        i = int(np.flatnonzero(bad)[0])
        raise TrialDataError(
            "the log ratio's variance overflows (an SD is more than ~1e150 times its mean); "
            "a ratio of means is meaningless here", field="sd1, sd2",
            row=i if n_rows > 1 else None)
