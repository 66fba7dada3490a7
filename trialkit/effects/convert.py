"""Conversions: d from test statistics, and d to r, log odds ratio, common-language effect
size and number needed to treat. Intervals are carried through (the maps from d are
monotone, so limits map to limits).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy import stats

from trialkit.effects import _intervals, _results, _validate
from trialkit.effects._validate import ArrayLike
from trialkit.errors import TrialDataError

__all__ = ["d_from_f", "d_from_t", "d_to_cles", "d_to_log_or", "d_to_r", "nnt_from_d"]


def _d_and_ci(d: ArrayLike, ci_low: ArrayLike | None, ci_high: ArrayLike | None,
              extra: dict | None = None) -> tuple[dict, dict, int, bool]:
    if (ci_low is None) != (ci_high is None):
        missing = "ci_high" if ci_high is None else "ci_low"
        raise TrialDataError("give both interval limits or neither", field=missing)
    values = {"d": d, **(extra or {})}
    has_ci = ci_low is not None
    if has_ci:
        values.update(ci_low=ci_low, ci_high=ci_high)
    raw, a, n = _validate.prepare(**values)
    if has_ci:
        bad = (a["ci_low"] > a["d"]) | (a["d"] > a["ci_high"])
        if np.any(bad):
            i = int(np.flatnonzero(bad)[0])
            raise TrialDataError(
                "the interval must contain d (ci_low <= d <= ci_high), got "
                f"{float(a['ci_low'][i])!r} <= {float(a['d'][i])!r} <= {float(a['ci_high'][i])!r}",
                field="ci_low, ci_high",
                row=i if n > 1 else None)
    return raw, a, n, has_ci


def d_from_t(t: ArrayLike, n1: ArrayLike, n2: ArrayLike | None = None,
             level: float = 0.95) -> pd.DataFrame:
    """Standardized mean difference from a t statistic, with a noncentral-t interval.

    Two independent groups (Student's pooled t): ``d = t sqrt(1/n1 + 1/n2)``, ``df = n1 + n2
    - 2``. One sample or paired (``n2`` omitted): ``d = t / sqrt(n1)`` (d_z), ``df = n1 - 1``.
    The interval inverts the noncentral t (Steiger & Fouladi 1997); ``se``/``var`` are the
    large-sample ones (Hedges & Olkin 1985).

    Parameters
    ----------
    t : array_like
        The t statistic (its sign gives the direction).
    n1 : array_like
        Size of group 1, or of the single/paired sample when ``n2`` is None.
    n2 : array_like, optional
        Size of group 2.
    level : float, default 0.95
        Confidence level.

    Returns
    -------
    pandas.DataFrame
        ``estimate, se, var, ci_low, ci_high, df, statistic, p, method``.

    References
    ----------
    Rosenthal, R. (1994). Parametric measures of effect size. In The Handbook of Research
    Synthesis (ch. 16), d from t for two independent groups.

    Steiger, J. H., & Fouladi, R. T. (1997). Noncentrality interval estimation and the
    evaluation of statistical models.

    Examples
    --------
    R's ``t.test(mpg ~ am, data = mtcars, var.equal = TRUE)`` gives t = -4.1061, and
    effectsize's ``cohens_d(mpg ~ am, data = mtcars)`` d = -1.48 [-2.27, -0.67]:

    >>> from trialkit.effects import d_from_t
    >>> res = d_from_t(-4.1061, 19, 13)
    >>> round(float(res.estimate.iloc[0]), 2), round(float(res.ci_low.iloc[0]), 2)
    (-1.48, -2.27)
    """
    level = _validate.check_level(level)
    values = {"t": t, "n1": n1} if n2 is None else {"t": t, "n1": n1, "n2": n2}
    raw, a, n = _validate.prepare(**values)
    if n2 is None:
        _validate.check_n(raw["n1"], "n1", 2, "a standard deviation needs at least two values")
        df = a["n1"] - 1
        factor = 1 / np.sqrt(a["n1"])
        var_base = 1 / a["n1"]
        denom = 2 * a["n1"]
        label = "d_from_t/one_sample_dz/nct_ci"
    else:
        _validate.check_n(raw["n1"], "n1", 2, "a standard deviation needs at least two values")
        _validate.check_n(raw["n2"], "n2", 2, "a standard deviation needs at least two values")
        df = a["n1"] + a["n2"] - 2
        factor = np.sqrt(1 / a["n1"] + 1 / a["n2"])
        var_base = factor**2
        denom = 2 * (a["n1"] + a["n2"])
        label = "d_from_t/two_sample_pooled/nct_ci"
    with np.errstate(over="ignore"):
        estimate = a["t"] * factor
        var = var_base + estimate**2 / denom
    se = np.sqrt(var)
    _results.check_finite_result({"estimate": estimate, "se": se}, ("estimate", "se"),
                                 "|t| is beyond ~1e150")
    lo, hi, note = _intervals.nct_or_normal(a["t"], df, level, factor, estimate, se, "d_from_t")
    cols = {"estimate": estimate, "se": se, "var": var, "ci_low": lo,
            "ci_high": hi, "df": df, "statistic": a["t"],
            "p": 2 * stats.t.sf(np.abs(a["t"]), df)}
    _results.check_no_nan(cols, ("estimate", "se", "ci_low", "ci_high", "p"))
    return _results.frame(cols, _intervals.with_note(label, note), n)


def d_from_f(f: ArrayLike, n1: ArrayLike, n2: ArrayLike, level: float = 0.95) -> pd.DataFrame:
    """Standardized mean difference from a one-df F statistic comparing two groups.

    With one numerator df, ``F = t^2`` (Rosenthal 1994), so ``|d| = sqrt(F (1/n1 + 1/n2))``.
    F carries no sign: the estimate is returned as positive with a UserWarning; take the sign
    from the direction of the means.

    Parameters
    ----------
    f : array_like
        F statistic with 1 numerator df (>= 0).
    n1, n2 : array_like
        Group sizes.
    level : float, default 0.95
        Confidence level.

    Returns
    -------
    pandas.DataFrame
        As :func:`d_from_t`, with method ``"d_from_f/sign_unknown(positive)/..."``.

    References
    ----------
    Rosenthal, R. (1994). Parametric measures of effect size. In The Handbook of Research
    Synthesis (ch. 16): t = sqrt(F) for F with one numerator df.

    Examples
    --------
    >>> import warnings
    >>> from trialkit.effects import d_from_f
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     res = d_from_f(16.0, 10, 10)
    >>> round(float(res.estimate.iloc[0]), 4)
    1.7889
    """
    raw_f = _validate.as_float_array(f, "f")
    _validate.check_finite(raw_f, "f")
    _validate.raise_at(raw_f, raw_f < 0, "f", "must be >= 0 (an F statistic)")
    warnings.warn("an F statistic has no sign: d is returned as positive; take the direction "
                  "from the means", UserWarning, stacklevel=2)
    out = d_from_t(np.sqrt(raw_f), n1, n2, level=level)
    out["method"] = out["method"].str.replace("d_from_t/", "d_from_f/sign_unknown(positive)/",
                                              regex=False)
    return out


def d_to_r(d: ArrayLike, n1: ArrayLike | None = None, n2: ArrayLike | None = None,
           ci_low: ArrayLike | None = None, ci_high: ArrayLike | None = None) -> pd.DataFrame:
    """Point-biserial correlation from d: ``r = d / sqrt(d^2 + a)``.

    ``a = (n1 + n2)^2 / (n1 n2)``; with equal groups a = 4. If ``n1``/``n2`` are omitted,
    equal group sizes are assumed (a = 4) with a UserWarning, recorded in ``method``.

    Parameters
    ----------
    d : array_like
        Standardized mean difference.
    n1, n2 : array_like, optional
        Group sizes.
    ci_low, ci_high : array_like, optional
        Interval for d, converted limit by limit.

    Returns
    -------
    pandas.DataFrame
        ``estimate`` (r), ``ci_low``, ``ci_high`` (if given) and ``method``.

    References
    ----------
    Borenstein, M., Hedges, L. V., Higgins, J. P. T., & Rothstein, H. R. (2009). Introduction
    to Meta-Analysis, ch. 7, eq. 7.5.

    Examples
    --------
    >>> from trialkit.effects import d_to_r
    >>> round(float(d_to_r(1.1547, 50, 50).estimate.iloc[0]), 3)
    0.5
    """
    if (n1 is None) != (n2 is None):
        raise TrialDataError("give both group sizes or neither", field="n2" if n2 is None else "n1")
    extra = {} if n1 is None else {"n1": n1, "n2": n2}
    raw, a, n, has_ci = _d_and_ci(d, ci_low, ci_high, extra)
    if n1 is None:
        warnings.warn("no group sizes given: assumed equal groups (a = 4)", UserWarning,
                      stacklevel=2)
        aa = np.full(n, 4.0)
        label = "d_to_r/a=4(equal_n_assumed)"
    else:
        _validate.check_n(raw["n1"], "n1", 1)
        _validate.check_n(raw["n2"], "n2", 1)
        aa = (a["n1"] + a["n2"]) ** 2 / (a["n1"] * a["n2"])
        label = "d_to_r/a=(n1+n2)^2/(n1*n2)"
    cols = {"estimate": a["d"] / np.sqrt(a["d"] ** 2 + aa)}
    if has_ci:
        cols["ci_low"] = a["ci_low"] / np.sqrt(a["ci_low"] ** 2 + aa)
        cols["ci_high"] = a["ci_high"] / np.sqrt(a["ci_high"] ** 2 + aa)
    return _results.frame(cols, label, n)


def d_to_log_or(d: ArrayLike, ci_low: ArrayLike | None = None,
                ci_high: ArrayLike | None = None) -> pd.DataFrame:
    """Log odds ratio from d by the logistic approximation: ``log OR = pi d / sqrt(3)``.

    Parameters
    ----------
    d : array_like
        Standardized mean difference.
    ci_low, ci_high : array_like, optional
        Interval for d, converted limit by limit.

    Returns
    -------
    pandas.DataFrame
        ``estimate`` (log odds ratio), ``ci_low``, ``ci_high`` (if given), ``odds_ratio``
        and ``method``.

    References
    ----------
    Hasselblad, V., & Hedges, L. V. (1995). Meta-analysis of screening and diagnostic tests.
    Psychological Bulletin, 117, 167-178.

    Chinn, S. (2000). A simple method for converting an odds ratio to effect size for use in
    meta-analysis. Statistics in Medicine, 19, 3127-3131.

    Examples
    --------
    >>> from trialkit.effects import d_to_log_or
    >>> round(float(d_to_log_or(0.5).estimate.iloc[0]), 4)
    0.9069
    """
    _, a, n, has_ci = _d_and_ci(d, ci_low, ci_high)
    k = np.pi / np.sqrt(3)
    cols = {"estimate": k * a["d"]}
    if has_ci:
        cols["ci_low"], cols["ci_high"] = k * a["ci_low"], k * a["ci_high"]
    cols["odds_ratio"] = np.exp(cols["estimate"])
    return _results.frame(cols, "d_to_log_or/logistic_pi_over_sqrt3", n)


def d_to_cles(d: ArrayLike, ci_low: ArrayLike | None = None,
              ci_high: ArrayLike | None = None) -> pd.DataFrame:
    """Common-language effect size: P(a random arm-1 patient scores above a random arm-2
    patient) = ``Phi(d / sqrt(2))``, assuming normal outcomes with equal variances.

    Parameters
    ----------
    d : array_like
        Standardized mean difference.
    ci_low, ci_high : array_like, optional
        Interval for d, converted limit by limit.

    Returns
    -------
    pandas.DataFrame
        ``estimate`` (probability), ``ci_low``, ``ci_high`` (if given), ``method``.

    References
    ----------
    McGraw, K. O., & Wong, S. P. (1992). A common language effect size statistic.
    Psychological Bulletin, 111, 361-365.

    Examples
    --------
    >>> from trialkit.effects import d_to_cles
    >>> round(float(d_to_cles(0.0).estimate.iloc[0]), 2)
    0.5
    """
    _, a, n, has_ci = _d_and_ci(d, ci_low, ci_high)
    cols = {"estimate": stats.norm.cdf(a["d"] / np.sqrt(2))}
    if has_ci:
        cols["ci_low"] = stats.norm.cdf(a["ci_low"] / np.sqrt(2))
        cols["ci_high"] = stats.norm.cdf(a["ci_high"] / np.sqrt(2))
    return _results.frame(cols, "d_to_cles/mcgraw_wong1992/normal_equal_var", n)


def _fmt(x: np.ndarray) -> np.ndarray:
    """Display text for NNT limits (rounding happens here, in text only, never in a number)."""
    finite = np.isfinite(x)
    text = np.char.mod("%.1f", np.where(finite, x, 0.0))
    return np.where(finite, text, "infinity").astype(object)


def _altman_text(ard_low: np.ndarray, ard_high: np.ndarray) -> np.ndarray:
    """Altman (1998) wording of NNT intervals from the intervals of the risk difference."""
    with np.errstate(divide="ignore"):
        inv_hi = np.where(ard_high != 0, 1 / np.where(ard_high != 0, ard_high, 1.0), np.inf)
        inv_lo = np.where(ard_low != 0, 1 / np.where(ard_low != 0, ard_low, 1.0), np.inf)
    benefit = "NNTB " + _fmt(inv_hi) + " to NNTB " + _fmt(inv_lo)
    harm = "NNTH " + _fmt(-inv_lo) + " to NNTH " + _fmt(-inv_hi)
    nntb = np.where(ard_high > 0, _fmt(inv_hi), "infinity").astype(object)
    nnth = np.where(ard_low < 0, _fmt(-inv_lo), "infinity").astype(object)
    crossing = "NNTB " + nntb + " to infinity to NNTH " + nnth
    return np.where(ard_low > 0, benefit, np.where(ard_high < 0, harm, crossing)).astype(object)


def nnt_from_d(
    d: ArrayLike,
    ci_low: ArrayLike | None = None,
    ci_high: ArrayLike | None = None,
    method: str = "kraemer",
    cer: ArrayLike | None = None,
) -> pd.DataFrame:
    """Number needed to treat from a standardized mean difference.

    ``method="kraemer"`` (Kraemer & Kupfer 2006): the risk difference is
    ``2 Phi(d / sqrt(2)) - 1`` (twice the common-language effect size minus one), which does
    not depend on any event rate. ``method="furukawa"`` (Furukawa 1999): given the control
    event (response) rate ``cer``, the experimental rate is ``Phi(d + Phi^-1(cer))`` and the risk
    difference is ``EER - cer`` (positive d = more responders).

    The number needed to treat is 1 / risk difference. Positive values are NNTB (benefit),
    negative ones NNTH (harm); d = 0 gives infinity. When the interval of d crosses 0, the
    NNT interval passes through infinity: it is reported in Altman's (1998) words, e.g.
    ``"NNTB 3.2 to infinity to NNTH 12.5"``.

    Parameters
    ----------
    d : array_like
        Standardized mean difference; positive = favours treatment.
    ci_low, ci_high : array_like, optional
        Interval for d.
    method : {"kraemer", "furukawa"}, default "kraemer"
        Conversion.
    cer : array_like, optional
        Control event (response) rate, 0 < cer < 1; required for "furukawa".

    Returns
    -------
    pandas.DataFrame
        ``estimate`` and ``nnt`` (the same signed NNT), ``ard`` (risk difference), and with an
        interval
        ``ard_low, ard_high, nnt_low, nnt_high, interval, crosses_null``; then ``method``.
        ``nnt_low = 1 / ard_high`` and ``nnt_high = 1 / ard_low`` (signed). When the interval
        crosses no effect, ``nnt_low`` > 0 > ``nnt_high``: the NNT interval is everything
        *outside* (nnt_high, nnt_low), through infinity; read ``interval``.

    References
    ----------
    Kraemer, H. C., & Kupfer, D. J. (2006). Size of treatment effects and their importance to
    clinical research and practice. Biological Psychiatry, 59, 990-996.

    Furukawa, T. A. (1999). From effect size into number needed to treat. The Lancet, 353,
    1680.

    Altman, D. G. (1998). Confidence intervals for the number needed to treat. BMJ, 317,
    1309-1312.

    Examples
    --------
    >>> from trialkit.effects import nnt_from_d
    >>> round(float(nnt_from_d(0.5).estimate.iloc[0]), 1)
    3.6
    >>> nnt_from_d(0.2, ci_low=-0.1, ci_high=0.5).interval.iloc[0]
    'NNTB 3.6 to infinity to NNTH 17.7'
    """
    method = _validate.check_choice(method, "method", ("kraemer", "furukawa"))
    if method == "furukawa" and cer is None:
        raise TrialDataError("method='furukawa' needs the control event rate cer", field="cer")
    if method == "kraemer" and cer is not None:
        raise TrialDataError("cer is only used with method='furukawa'", field="cer")
    extra = {} if cer is None else {"cer": cer}
    raw, a, n, has_ci = _d_and_ci(d, ci_low, ci_high, extra)
    if cer is not None:
        _validate.raise_at(raw["cer"], (raw["cer"] <= 0) | (raw["cer"] >= 1), "cer",
                           "must be a proportion strictly between 0 and 1")

        z_cer = stats.norm.ppf(a["cer"])

        def ard(x: np.ndarray) -> np.ndarray:
            # Phi(x + z) - Phi(z) rather than ... - cer: exactly 0 at d = 0, where
            # Phi(Phi^-1(cer)) - cer is a rounding error whose inverse is a huge bogus NNT.
            return stats.norm.cdf(x + z_cer) - stats.norm.cdf(z_cer)

        label = "nnt_from_d/furukawa1999"
    else:
        def ard(x: np.ndarray) -> np.ndarray:
            return 2 * stats.norm.cdf(x / np.sqrt(2)) - 1

        label = "nnt_from_d/kraemer_kupfer2006"

    def inv(x: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore", over="ignore"):
            out = np.where(x == 0, np.inf, 1 / np.where(x == 0, 1.0, x))
        if np.any(np.isinf(out) & (x != 0)):
            warnings.warn("a risk difference is so close to 0 (below 1e-308) that its NNT is "
                          "beyond floating point: given as infinite", UserWarning, stacklevel=3)
        return out

    est_ard = ard(a["d"])
    cols: dict = {"estimate": inv(est_ard), "nnt": inv(est_ard), "ard": est_ard}
    if has_ci:
        lo, hi = ard(a["ci_low"]), ard(a["ci_high"])
        cols.update(ard_low=lo, ard_high=hi, nnt_low=inv(hi), nnt_high=inv(lo))
        cols["interval"] = _altman_text(lo, hi)
        cols["crosses_null"] = (lo <= 0) & (hi >= 0)
        label += "/altman1998_interval"
    # NNT = 1 / ARD is infinite where the risk difference is 0 (by definition, see Altman).
    return _results.frame(cols, label, n, finite=())
