"""Recovering standard deviations (and means) that papers did not report.

Each function returns a DataFrame with the recovered ``sd`` (and ``mean`` where estimated) and
a ``method`` column naming the formula; the Cochrane Handbook section or paper is cited in
the docstring.
"""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pandas as pd
from scipy import stats

from trialkit.effects import _intervals, _results, _validate
from trialkit.effects._validate import ArrayLike
from trialkit.errors import TrialDataError

__all__ = ["mean_sd_from_quantiles", "sd_from_ci", "sd_from_p", "sd_from_se", "sd_from_t"]


def sd_from_se(se: ArrayLike, n: ArrayLike) -> pd.DataFrame:
    """SD of a group from the standard error of its mean: ``SD = SE sqrt(n)``.

    Only for the SE of one group's mean, not of a difference between groups (for that see
    :func:`sd_from_t`).

    Parameters
    ----------
    se : array_like
        Standard error of the group mean (> 0).
    n : array_like
        Group size (>= 2).

    Returns
    -------
    pandas.DataFrame
        ``sd`` and ``method`` (``"sd_from_se/cochrane_6.5.2.2"``).

    References
    ----------
    Cochrane Handbook for Systematic Reviews of Interventions, version 6.4, section 6.5.2.2
    (Higgins, Li & Deeks 2023).

    Examples
    --------
    >>> from trialkit.effects import sd_from_se
    >>> float(sd_from_se(1.5, 25).sd.iloc[0])
    7.5
    """
    raw, a, n_rows = _validate.prepare(se=se, n=n)
    _validate.check_positive(raw["se"], "se")
    _validate.check_n(raw["n"], "n", 2, "a standard deviation needs at least two values")
    return _results.frame({"sd": a["se"] * np.sqrt(a["n"])}, "sd_from_se/cochrane_6.5.2.2", n_rows)


def sd_from_ci(
    ci_low: ArrayLike,
    ci_high: ArrayLike,
    n: ArrayLike,
    level: float = 0.95,
    dist: str = "t",
) -> pd.DataFrame:
    """SD of a group from the confidence interval of its mean.

    ``SD = sqrt(n) (ci_high - ci_low) / (2 q)``. For small samples the Cochrane Handbook asks
    for the t quantile with ``n - 1`` df instead of 1.96 (so 3.92 becomes 4.128 for n = 25);
    ``dist="normal"`` gives the large-sample ``3.92`` form.

    Parameters
    ----------
    ci_low, ci_high : array_like
        Limits of the confidence interval for the group mean (ci_low < ci_high).
    n : array_like
        Group size (>= 2).
    level : float, default 0.95
        Confidence level of the reported interval.
    dist : {"t", "normal"}, default "t"
        Which quantile the interval was built with.

    Returns
    -------
    pandas.DataFrame
        ``sd``, ``critical_value`` (the quantile q used) and ``method``.

    References
    ----------
    Cochrane Handbook for Systematic Reviews of Interventions, version 6.4, section 6.5.2.2
    (version 5.1, section 7.7.3.2: "the divisor, 3.92, ... would be replaced by
    2 x 2.0639 = 4.128" for a sample size of 25).

    Examples
    --------
    >>> from trialkit.effects import sd_from_ci
    >>> res = sd_from_ci(10.0, 14.128, 25)
    >>> round(float(res.sd.iloc[0]), 3)
    5.0
    """
    level = _validate.check_level(level)
    dist = _validate.check_choice(dist, "dist", ("t", "normal"))
    raw, a, n_rows = _validate.prepare(ci_low=ci_low, ci_high=ci_high, n=n)
    _validate.check_n(raw["n"], "n", 2, "a standard deviation needs at least two values")
    width = a["ci_high"] - a["ci_low"]
    if np.any(width <= 0):
        i = int(np.flatnonzero(width <= 0)[0])
        raise TrialDataError(f"must be above ci_low, got ci_low = {float(a['ci_low'][i])!r} and "
                             f"ci_high = {float(a['ci_high'][i])!r}", field="ci_high",
                             row=i if n_rows > 1 else None)
    if dist == "t":
        q = _intervals.t_quantile(level, a["n"] - 1)
    else:
        q = np.full(n_rows, _intervals.z_quantile(level))
    sd = np.sqrt(a["n"]) * width / (2 * q)
    return _results.frame({"sd": sd, "critical_value": q},
                          f"sd_from_ci/{dist}_quantile/cochrane_6.5.2.2",
                          n_rows)


def _pooled_sd_from_t(t: np.ndarray, a: dict, n_rows: int, raw_t: np.ndarray,
                      label: str) -> pd.DataFrame:
    md = a["m1"] - a["m2"]
    if np.any(md == 0):
        i = int(np.flatnonzero(md == 0)[0])
        raise TrialDataError("m1 equals m2: the SD cannot be recovered from a zero difference",
                             field="m1, m2", row=i if n_rows > 1 else None)
    if np.any(t == 0):
        i = int(np.flatnonzero(t == 0)[0])
        raise TrialDataError("t = 0 carries no information about the SD", field="t",
                             row=None if raw_t.ndim == 0 else i)
    se = np.abs(md) / np.abs(t)
    sd = se / np.sqrt(1 / a["n1"] + 1 / a["n2"])
    cols = {"sd": sd, "se": se, "t": np.abs(t), "df": a["n1"] + a["n2"] - 2}
    return _results.frame(cols, label, n_rows)


def sd_from_t(
    t: ArrayLike,
    n1: ArrayLike,
    n2: ArrayLike,
    m1: ArrayLike,
    m2: ArrayLike,
) -> pd.DataFrame:
    """Pooled within-group SD from the two-sample t statistic of a difference in means.

    ``SE = |m1 - m2| / |t|`` and ``SD = SE / sqrt(1/n1 + 1/n2)``: the SD common to both
    groups under the equal-variance (Student) t-test (Cochrane Handbook 6.5.2.3). Use the same
    SD for both arms. Not valid for Welch or paired t statistics.

    Parameters
    ----------
    t : array_like
        The reported t statistic (sign ignored).
    n1, n2 : array_like
        Group sizes (>= 2).
    m1, m2 : array_like
        Group means (the SD cannot be recovered from t without the difference in means).

    Returns
    -------
    pandas.DataFrame
        ``sd``, ``se`` (of the difference), ``t``, ``df``, ``method``.

    References
    ----------
    Cochrane Handbook for Systematic Reviews of Interventions, version 6.4, section 6.5.2.3
    (version 5.1, section 7.7.3.3).

    Examples
    --------
    >>> from trialkit.effects import sd_from_t
    >>> round(float(sd_from_t(2.0, 10, 10, 5.0, 3.0).sd.iloc[0]), 4)
    2.2361
    """
    raw, a, n_rows = _validate.prepare(t=t, n1=n1, n2=n2, m1=m1, m2=m2)
    for name in ("n1", "n2"):
        _validate.check_n(raw[name], name, 2, "a standard deviation needs at least two values")
    return _pooled_sd_from_t(a["t"], a, n_rows, raw["t"],
                             "sd_from_t/student_pooled/cochrane_6.5.2.3")


def sd_from_p(
    p: ArrayLike,
    n1: ArrayLike,
    n2: ArrayLike,
    m1: ArrayLike,
    m2: ArrayLike,
) -> pd.DataFrame:
    """Pooled within-group SD from the two-sided P value of a two-sample t-test.

    The P value is turned into ``|t|`` with ``n1 + n2 - 2`` df (Excel's ``tinv(p, df)``), then
    :func:`sd_from_t`'s formula applies (Cochrane Handbook 6.5.2.3). An exact P is needed: for
    "P < 0.05" the Handbook suggests using 0.05, which is conservative (gives a larger SD).

    Parameters
    ----------
    p : array_like
        Two-sided P value, 0 < p < 1.
    n1, n2 : array_like
        Group sizes (>= 2).
    m1, m2 : array_like
        Group means.

    Returns
    -------
    pandas.DataFrame
        ``sd``, ``se``, ``t``, ``df``, ``method``.

    References
    ----------
    Cochrane Handbook for Systematic Reviews of Interventions, version 6.4, section 6.5.2.3
    (version 5.1, section 7.7.3.3: P = 0.008 with 25 and 22 participants gives t = 2.78 and,
    for a mean difference of 3.8, SE = 1.37).

    Examples
    --------
    >>> from trialkit.effects import sd_from_p
    >>> res = sd_from_p(0.008, 25, 22, 3.8, 0.0)
    >>> round(float(res.t.iloc[0]), 2), round(float(res.se.iloc[0]), 2)
    (2.78, 1.37)
    """
    raw, a, n_rows = _validate.prepare(p=p, n1=n1, n2=n2, m1=m1, m2=m2)
    _validate.raise_at(raw["p"], (raw["p"] <= 0) | (raw["p"] >= 1), "p",
                       "must be a P value strictly between 0 and 1")
    for name in ("n1", "n2"):
        _validate.check_n(raw[name], name, 2, "a standard deviation needs at least two values")
    t = stats.t.isf(a["p"] / 2, a["n1"] + a["n2"] - 2)
    return _pooled_sd_from_t(t, a, n_rows, raw["p"], "sd_from_p/student_pooled/cochrane_6.5.2.3")


def mean_sd_from_quantiles(
    n: ArrayLike,
    q1: ArrayLike | None = None,
    median: ArrayLike | None = None,
    q3: ArrayLike | None = None,
    min: ArrayLike | None = None,
    max: ArrayLike | None = None,
    sd_method: str = "shi",
    assume_normal: bool | None = None,
) -> pd.DataFrame:
    """Estimate a sample mean and SD from the median with the range and/or quartiles.

    Three scenarios, chosen by which arguments are given (the same for all rows):

    S1: ``min, median, max``
        mean: Luo et al. (2018) eq. 7, weight ``w = 4 / (4 + n^0.75)``;
        SD: Wan et al. (2014) eq. 9, ``(max - min) / xi(n)``, ``xi = 2 Phi^-1((n - 0.375) /
        (n + 0.25))``.
    S2: ``q1, median, q3``
        mean: Luo et al. (2018) eq. 11, ``w = 0.7 + 0.39 / n``;
        SD: Wan et al. (2014) eq. 16, ``(q3 - q1) / eta(n)``, ``eta = 2 Phi^-1((0.75 n -
        0.125) / (n + 0.25))``.
    S3: all five
        mean: Luo et al. (2018) eq. 15, ``w1 = 2.2 / (2.2 + n^0.75)``,
        ``w2 = 0.7 - 0.72 / n^0.55``;
        SD: Shi et al. (2020) eq. 10, ``w (max - min)/xi + (1 - w)(q3 - q1)/eta`` with
        ``w = 1 / (1 + 0.07 n^0.6)`` (``sd_method="shi"``, default), or Wan et al. (2014)
        eq. 13, the average of the two (``sd_method="wan"``).

    All of these assume the data are normally distributed; skewed data (a median far from the
    middle of the quartiles) make them unreliable.

    Parameters
    ----------
    n : array_like
        Sample size (>= 3).
    q1, median, q3, min, max : array_like, optional
        The reported quantiles; ``min <= q1 <= median <= q3 <= max``.
    sd_method : {"shi", "wan"}, default "shi"
        SD estimator for the five-number scenario.
    assume_normal : bool, optional
        Confirms the normality assumption. If omitted, normality is assumed with a
        UserWarning and ``method`` records ``normal(assumed)``. ``False`` is refused (no
        skewed-data estimator is implemented).

    Returns
    -------
    pandas.DataFrame
        ``mean``, ``sd`` and ``method`` (e.g. ``"S2:mean=luo2018/sd=wan2014/normal(assumed)"``).

    References
    ----------
    Luo, D., Wan, X., Liu, J., & Tong, T. (2018). Optimally estimating the sample mean from the
    sample size, median, mid-range, and/or mid-quartile range. Statistical Methods in Medical
    Research, 27, 1785-1805.

    Wan, X., Wang, W., Liu, J., & Tong, T. (2014). Estimating the sample mean and standard
    deviation from the sample size, median, range and/or interquartile range. BMC Medical
    Research Methodology, 14, 135.

    Shi, J., Luo, D., Weng, H., et al. (2020). Optimally estimating the sample standard
    deviation from the five-number summary. Research Synthesis Methods, 11, 641-654.

    Examples
    --------
    The R package metaBLUE's examples (min 1, median 4, max 10, n = 30) print
    ``Luo.mean`` 4.356748 and ``Wan.std`` 2.205578:

    >>> from trialkit.effects import mean_sd_from_quantiles
    >>> res = mean_sd_from_quantiles(30, median=4, min=1, max=10, assume_normal=True)
    >>> round(float(res["mean"].iloc[0]), 6), round(float(res.sd.iloc[0]), 6)
    (4.356748, 2.205578)
    """
    sd_method = _validate.check_choice(sd_method, "sd_method", ("shi", "wan"))
    if assume_normal is False:
        raise TrialDataError("only normal-theory estimators are implemented; the quantiles "
                             "cannot be converted without assuming normality",
                             field="assume_normal")
    given = {k: v for k, v in {"min": min, "q1": q1, "median": median, "q3": q3,
                               "max": max}.items() if v is not None}
    keys = set(given)
    if keys == {"min", "median", "max"}:
        scenario = "S1"
    elif keys == {"q1", "median", "q3"}:
        scenario = "S2"
    elif keys == {"min", "q1", "median", "q3", "max"}:
        scenario = "S3"
    else:
        got = ", ".join(sorted(keys)) or "nothing"
        raise TrialDataError(
            "give min/median/max, q1/median/q3, or all five; got " + got,
            field="q1, median, q3, min, max")
    if assume_normal is None:
        warnings.warn("estimating the mean and SD from quantiles assumes normally distributed "
                      "data (assumed); pass assume_normal=True to confirm", UserWarning,
                      stacklevel=2)
        normal_label = "normal(assumed)"
    else:
        normal_label = "normal(given)"
    raw, a, n_rows = _validate.prepare(n=n, **given)
    _validate.check_n(raw["n"], "n", 3, "the estimators need n >= 3")
    order = [k for k in ("min", "q1", "median", "q3", "max") if k in a]
    for lo_name, hi_name in itertools.pairwise(order):
        bad = a[lo_name] > a[hi_name]
        if np.any(bad):
            i = int(np.flatnonzero(bad)[0])
            raise TrialDataError(f"must be >= {lo_name} ({float(a[lo_name][i])!r}), got "
                                 f"{float(a[hi_name][i])!r}", field=hi_name,
                                 row=i if n_rows > 1 else None)
    outer, inner = ("min", "max"), ("q1", "q3")
    for lo_name, hi_name in (outer, inner):
        if lo_name in a and np.any(a[lo_name] >= a[hi_name]):
            i = int(np.flatnonzero(a[lo_name] >= a[hi_name])[0])
            raise TrialDataError(f"must be above {lo_name} (a zero spread gives no SD)",
                                 field=hi_name, row=i if n_rows > 1 else None)
    nn = a["n"]
    xi = 2 * stats.norm.ppf((nn - 0.375) / (nn + 0.25))
    eta = 2 * stats.norm.ppf((0.75 * nn - 0.125) / (nn + 0.25))
    if scenario == "S1":
        w = 4 / (4 + nn**0.75)
        mean = w * (a["min"] + a["max"]) / 2 + (1 - w) * a["median"]
        sd = (a["max"] - a["min"]) / xi
        label = "S1:mean=luo2018/sd=wan2014"
    elif scenario == "S2":
        w = 0.7 + 0.39 / nn
        mean = w * (a["q1"] + a["q3"]) / 2 + (1 - w) * a["median"]
        sd = (a["q3"] - a["q1"]) / eta
        label = "S2:mean=luo2018/sd=wan2014"
    else:
        w1 = 2.2 / (2.2 + nn**0.75)
        w2 = 0.7 - 0.72 / nn**0.55
        mean = (w1 * (a["min"] + a["max"]) / 2 + w2 * (a["q1"] + a["q3"]) / 2
                + (1 - w1 - w2) * a["median"])
        if sd_method == "shi":
            w = 1 / (1 + 0.07 * nn**0.6)
            sd = w * (a["max"] - a["min"]) / xi + (1 - w) * (a["q3"] - a["q1"]) / eta
            label = "S3:mean=luo2018/sd=shi2020"
        else:
            sd = 0.5 * ((a["max"] - a["min"]) / xi + (a["q3"] - a["q1"]) / eta)
            label = "S3:mean=luo2018/sd=wan2014"
    return _results.frame({"mean": mean, "sd": sd}, f"{label}/{normal_label}", n_rows)
