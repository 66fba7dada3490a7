"""Raw (unstandardized) difference between two independent group means."""

from __future__ import annotations

import pandas as pd

from trialkit.effects import _results, _validate
from trialkit.effects._validate import ArrayLike

__all__ = ["mean_difference"]


def mean_difference(
    m1: ArrayLike,
    sd1: ArrayLike,
    n1: ArrayLike,
    m2: ArrayLike,
    sd2: ArrayLike,
    n2: ArrayLike,
    pooled: bool = False,
    level: float = 0.95,
) -> pd.DataFrame:
    """Difference between two independent means, ``m1 - m2``, with a t-based interval.

    By default the standard error does not assume equal variances (Welch 1947) and the degrees
    of freedom are Welch-Satterthwaite's; ``pooled=True`` gives Student's pooled-variance
    t-test instead. These are the intervals R's ``t.test`` prints from the raw data.

    Parameters
    ----------
    m1, sd1, n1 : array_like
        Mean, standard deviation and size of group 1 (usually the intervention arm).
    m2, sd2, n2 : array_like
        The same for group 2 (usually the control arm).
    pooled : bool, default False
        Assume equal population variances (Student) instead of Welch's unequal-variance form.
    level : float, default 0.95
        Confidence level of the interval.

    Returns
    -------
    pandas.DataFrame
        One row per broadcast element with ``estimate`` (m1 - m2), ``se``, ``var``,
        ``ci_low``, ``ci_high``, ``df``, ``statistic`` (t), ``p`` (two-sided) and ``method``
        (``"mean_difference/welch/t_ci"`` or ``"mean_difference/student_pooled/t_ci"``).

    Raises
    ------
    TrialDataError
        If a value is not finite, an SD is not > 0, an n is not a whole number >= 2, or the
        argument lengths do not broadcast.

    References
    ----------
    Welch, B. L. (1947). The generalization of "Student's" problem when several different
    population variances are involved. Biometrika, 34, 28-35 (the t statistic and its
    approximate degrees of freedom, eq. 28 after Satterthwaite 1946).

    Satterthwaite, F. E. (1946). An approximate distribution of estimates of variance
    components. Biometrics Bulletin, 2, 110-114.

    Examples
    --------
    R's ``t.test(extra ~ group, data = sleep)`` from summary statistics:

    >>> from trialkit.effects import mean_difference
    >>> res = mean_difference(0.75, 1.78901, 10, 2.33, 2.002249, 10)
    >>> round(float(res.df.iloc[0]), 3), round(float(res.statistic.iloc[0]), 4)
    (17.776, -1.8608)
    """
    level = _validate.check_level(level)
    raw, a, n = _validate.prepare(m1=m1, sd1=sd1, n1=n1, m2=m2, sd2=sd2, n2=n2)
    for name in ("sd1", "sd2"):
        _validate.check_positive(raw[name], name)
    for name in ("n1", "n2"):
        _validate.check_n(raw[name], name, 2, "a standard deviation needs at least two values")

    v1 = a["sd1"] ** 2 / a["n1"]
    v2 = a["sd2"] ** 2 / a["n2"]
    estimate = a["m1"] - a["m2"]
    if pooled:
        df = a["n1"] + a["n2"] - 2
        sp2 = ((a["n1"] - 1) * a["sd1"] ** 2 + (a["n2"] - 1) * a["sd2"] ** 2) / df
        var = sp2 * (1 / a["n1"] + 1 / a["n2"])
        method = "mean_difference/student_pooled/t_ci"
    else:
        var = v1 + v2
        df = var**2 / (v1**2 / (a["n1"] - 1) + v2**2 / (a["n2"] - 1))
        method = "mean_difference/welch/t_ci"
    return _results.t_frame(estimate, var, df, level, method, n)
