"""Evidence ratios and minimal-effect tests from summary statistics: the JZS Bayes factor and
two one-sided tests against a margin."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from scipy import integrate, stats

from trialkit.effects import _results, _validate
from trialkit.effects._validate import ArrayLike
from trialkit.errors import TrialDataError
from trialkit.reanalysis._common import positive_scalar

__all__ = ["bayes_factor", "minimal_effect"]


def _jzs_bf10(t: float, n_eff: float, nu: float, r: float) -> float:
    """BF10 of Rouder et al. (2009, eq. 1), with a Cauchy(0, r) prior on the effect size.

    The prior on delta is N(0, g) with g ~ inverse-gamma(1/2, r^2/2); integrated over g on the
    log scale (g = exp(u)) with the integrand scaled by the null likelihood for stability.
    """
    log_null = -(nu + 1) / 2 * math.log1p(t * t / nu)
    log_norm = math.log(r) - 0.5 * math.log(2 * math.pi)

    def log_integrand(u: float) -> float:
        g = math.exp(u)
        a = 1 + n_eff * g
        return (-0.5 * math.log(a) - (nu + 1) / 2 * math.log1p(t * t / (a * nu))
                + log_norm - 1.5 * u - r * r / (2 * g) + u - log_null)

    # Locate the peak of the integrand, then integrate around it.
    grid = np.linspace(-30, 30, 601)
    values = np.array([log_integrand(u) for u in grid])
    peak = float(grid[int(np.argmax(values))])
    top = float(values.max())

    def f(u: float) -> float:
        return math.exp(log_integrand(u) - top)

    total, _ = integrate.quad(f, peak - 40, peak + 40, points=[peak], limit=400,
                              epsabs=0, epsrel=1e-10)
    return math.exp(top) * total


def bayes_factor(t: ArrayLike, n1: ArrayLike, n2: ArrayLike | None = None, *,
                 paired: bool = False, r: float = 0.7071067811865476) -> pd.DataFrame:
    """JZS Bayes factor for a t statistic (Rouder, Speckman, Sun, Morey & Iverson 2009).

    The alternative puts a Cauchy prior with scale ``r`` on the standardized effect size
    delta; the null is delta = 0. With ``N`` the effective sample size (``n1`` for one
    sample or paired data, ``n1 n2 / (n1 + n2)`` for two independent groups) and ``nu`` the
    t test's degrees of freedom::

        BF10 = int (1 + N g)^(-1/2) (1 + t^2 / ((1 + N g) nu))^(-(nu + 1)/2)
                   r (2 pi)^(-1/2) g^(-3/2) exp(-r^2 / (2 g)) dg
               / (1 + t^2 / nu)^(-(nu + 1)/2)

    The default ``r = sqrt(2)/2`` is the "medium" scale of R BayesFactor's ``ttest.tstat``.

    Parameters
    ----------
    t : array_like
        t statistics.
    n1 : array_like
        Size of the (first) sample, or the number of pairs.
    n2 : array_like, optional
        Size of the second independent sample (two-sample test).
    paired : bool, default False
        One-sample or paired test (``n2`` must then be None).
    r : float, default sqrt(2)/2
        Scale of the Cauchy prior on delta.

    Returns
    -------
    pandas.DataFrame
        ``t, n1, n2, bf10, bf01, log_bf10, method``.

    References
    ----------
    Rouder, J. N., Speckman, P. L., Sun, D., Morey, R. D., & Iverson, G. (2009). Bayesian t
    tests for accepting and rejecting the null hypothesis. Psychonomic Bulletin & Review, 16,
    225-237 (equation 1; the two-sample form in their appendix).

    Examples
    --------
    >>> from trialkit.reanalysis import bayes_factor
    >>> round(float(bayes_factor(2.5, 20).bf10.iloc[0]), 3)   # R BayesFactor: 2.702145
    2.702
    """
    scale = positive_scalar(r, "r")
    assert scale is not None
    if n2 is not None and paired:
        raise TrialDataError("a paired test has one sample: give n1 (pairs) and no n2",
                             field="n2")
    values: dict[str, Any] = {"t": t, "n1": n1}
    if n2 is not None:
        values["n2"] = n2
    raw, a, n = _validate.prepare(**values)
    minimum = 1 if n2 is not None else 2
    _validate.check_n(raw["n1"], "n1", minimum=minimum)
    if n2 is not None:
        _validate.check_n(raw["n2"], "n2", minimum=1)
        n_eff = a["n1"] * a["n2"] / (a["n1"] + a["n2"])
        nu = a["n1"] + a["n2"] - 2
        if np.any(nu < 1):
            raise TrialDataError("two samples need n1 + n2 >= 3", field="n2")
        kind = "two_sample"
    else:
        n_eff, nu = a["n1"], a["n1"] - 1
        kind = "paired" if paired else "one_sample"
    bf = np.array([_jzs_bf10(float(a["t"][i]), float(n_eff[i]), float(nu[i]), scale)
                   for i in range(n)])
    cols = {"t": a["t"], "n1": a["n1"], "n2": a["n2"] if n2 is not None else np.nan,
            "bf10": bf, "bf01": 1 / bf, "log_bf10": np.log(bf)}
    return _results.frame(cols, f"bayes_factor/jzs(Rouder2009)/{kind}/cauchy_r={scale:.4g}", n,
                          extra_first=("t", "n1", "n2"))


def _margins(margin: Any) -> tuple[float, float]:
    if isinstance(margin, tuple | list):
        if len(margin) != 2:
            raise TrialDataError(f"a margin is one number or a (low, high) pair, got {margin!r}",
                                 field="margin")
        low, high = (float(m) for m in margin)
    else:
        m = positive_scalar(margin, "margin")
        assert m is not None
        low, high = -m, m
    if not (math.isfinite(low) and math.isfinite(high) and low < high):
        raise TrialDataError(f"the margin's low end must be below its high end, got {margin!r}",
                             field="margin")
    return low, high


def minimal_effect(m1: ArrayLike, sd1: ArrayLike, n1: ArrayLike, m2: ArrayLike, sd2: ArrayLike,
                   n2: ArrayLike, margin: Any, *, kind: str = "equivalence", welch: bool = True,
                   alpha: float = 0.05) -> pd.DataFrame:
    """Two one-sided t tests of ``m1 - m2`` against a margin (TOST; Lakens 2017).

    ``kind="equivalence"``: H0 is that the difference lies outside ``[low, high]``; it is
    rejected (equivalence shown) when both ``t_low = (d - low)/se`` is significantly above 0
    and ``t_high = (d - high)/se`` significantly below 0, each one-sided at ``alpha``; the
    p value is the larger of the two (Schuirmann 1987). ``kind="minimal_effect"``: H0 is
    that the difference lies *inside* the margin; it is rejected (an effect beyond the margin
    shown) when either one-sided test beyond a bound is significant at ``alpha``, and the p
    value is the smaller of the two. The interval is the ``1 - 2 alpha`` confidence interval
    that goes with the TOST (90% for alpha 0.05).

    Parameters
    ----------
    m1, sd1, n1, m2, sd2, n2 : array_like
        Summary statistics of the two groups (metafor's names).
    margin : float or (low, high)
        The smallest effect of interest, on the raw scale; one number means ``(-m, m)``.
    kind : {"equivalence", "minimal_effect"}
    welch : bool, default True
        Welch's unequal-variance t (Satterthwaite df); False for Student's pooled t.
    alpha : float, default 0.05

    Returns
    -------
    pandas.DataFrame
        ``estimate, se, ci_low, ci_high, df, t_low, p_low, t_high, p_high, p, significant,
        verdict, method``.

    References
    ----------
    Lakens, D. (2017). Equivalence tests: a practical primer for t tests, correlations, and
    meta-analyses. Social Psychological and Personality Science, 8, 355-362.

    Schuirmann, D. J. (1987). A comparison of the two one-sided tests procedure and the power
    approach for assessing the equivalence of average bioavailability. Journal of
    Pharmacokinetics and Biopharmaceutics, 15, 657-680.

    Examples
    --------
    >>> from trialkit.reanalysis import minimal_effect
    >>> res = minimal_effect(5.25, 0.95, 95, 5.22, 0.83, 89, margin=0.3836)
    >>> res[["t_low", "t_high", "p"]].round(3).to_dict("records")
    [{'t_low': 3.15, 't_high': -2.693, 'p': 0.004}]
    """
    from trialkit.effects import mean_difference

    kind = _validate.check_choice(kind, "kind", ("equivalence", "minimal_effect"))
    low, high = _margins(margin)
    alpha_value = positive_scalar(alpha, "alpha")
    if alpha_value is None or alpha_value >= 0.5:
        raise TrialDataError(f"alpha must be between 0 and 0.5, got {alpha!r}", field="alpha")
    base = mean_difference(m1, sd1, n1, m2, sd2, n2, pooled=not welch,
                           level=1 - 2 * alpha_value)
    d, se, df = (base[c].to_numpy(float) for c in ("estimate", "se", "df"))
    t_low, t_high = (d - low) / se, (d - high) / se
    p_low, p_high = stats.t.sf(t_low, df), stats.t.cdf(t_high, df)
    if kind == "equivalence":
        p = np.maximum(p_low, p_high)
    else:
        p = np.minimum(stats.t.sf((d - high) / se, df), stats.t.cdf((d - low) / se, df))
    significant = p < alpha_value
    verdict = [_verdict(kind, bool(s), low, high, float(pi), alpha_value)
               for s, pi in zip(significant, p, strict=True)]
    test = "welch" if welch else "student_pooled"
    cols = {"estimate": d, "se": se, "ci_low": base["ci_low"].to_numpy(float),
            "ci_high": base["ci_high"].to_numpy(float), "df": df, "t_low": t_low,
            "p_low": p_low, "t_high": t_high, "p_high": p_high, "p": p,
            "significant": significant, "verdict": verdict, "margin_low": low,
            "margin_high": high}
    ci_pct = round(100 * (1 - 2 * alpha_value), 6)
    return _results.frame(cols, f"tost/{kind}/{test}/ci={ci_pct:g}%", len(d))


def _verdict(kind: str, significant: bool, low: float, high: float, p: float,
             alpha: float) -> str:
    bounds = f"[{low:g}, {high:g}]"
    if kind == "equivalence":
        if significant:
            return (f"Equivalent within {bounds}: both one-sided tests reject a difference "
                    f"beyond the margin (p = {p:.3g} < {alpha:g}).")
        return (f"Equivalence within {bounds} not shown (p = {p:.3g}): a difference as large "
                f"as the margin cannot be ruled out; this is not evidence of a difference.")
    if significant:
        return (f"A difference beyond the margin {bounds} is shown (p = {p:.3g} < {alpha:g}).")
    return (f"A difference beyond the margin {bounds} is not shown (p = {p:.3g}).")
