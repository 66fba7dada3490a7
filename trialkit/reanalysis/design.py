"""Design analysis: power, type S (sign) and type M (magnitude) errors, and sample size."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

from trialkit.effects import _results, _validate
from trialkit.effects._validate import ArrayLike
from trialkit.errors import TrialDataError
from trialkit.reanalysis._common import positive_scalar

__all__ = ["design", "design_curve", "sample_size"]


def _alpha(alpha: float) -> float:
    value = positive_scalar(alpha, "alpha")
    if value is None or value >= 1:
        raise TrialDataError(f"alpha must be between 0 and 1, got {alpha!r}", field="alpha")
    return value


def design(true_effect: ArrayLike, se: ArrayLike, *, alpha: float = 0.05,
           df: ArrayLike | None = None) -> pd.DataFrame:
    """Power, type S and type M error of a two-sided test, for a hypothesised true effect.

    With an estimate distributed N(D, s^2), ``lam = |D| / s`` and ``z`` the two-sided
    critical value, the closed forms are (Lu, Qiu & Deng 2019, eqs. 2-4):

    - power ``= 1 - Phi(z - lam) + Phi(-z - lam)``;
    - type S ``= Phi(-z - lam) / power``: the probability that a significant estimate has
      the wrong sign;
    - type M (the exaggeration ratio) ``= E(|estimate| | significant) / |D|
      = [lam (1 - Phi(z - lam) - Phi(-z - lam)) + phi(z - lam) + phi(z + lam)] /
      (lam * power)``.

    Gelman & Carlin (2014) define the same quantities and estimate them by simulation; with
    ``df`` the estimate is taken as D + s T, T ~ t(df), the critical value is t's, and the
    same integrals are evaluated numerically (their ``retrodesign`` does this by simulation).
    The R package retrodesign 0.2.2 takes a noncentral t for power and type S instead, a
    different model; trialkit follows Gelman & Carlin's published function.

    Parameters
    ----------
    true_effect : array_like
        Plausible true effects (not the trial's own estimate: that would make the analysis
        circular, Gelman & Carlin 2014, p. 642). Must not be 0.
    se : array_like
        Standard error of the estimate (> 0).
    alpha : float, default 0.05
        Two-sided significance level.
    df : array_like, optional
        Degrees of freedom for a t-distributed estimate.

    Returns
    -------
    pandas.DataFrame
        ``true_effect, se, power, type_s, type_m, method``.

    References
    ----------
    Gelman, A., & Carlin, J. (2014). Beyond power calculations: assessing type S (sign) and
    type M (magnitude) errors. Perspectives on Psychological Science, 9, 641-651.

    Lu, J., Qiu, Y., & Deng, A. (2019). A note on type S/M errors in hypothesis testing.
    British Journal of Mathematical and Statistical Psychology, 72, 1-17.

    Examples
    --------
    >>> from trialkit.reanalysis import design
    >>> design(2.8, 1.0)[["power", "type_s", "type_m"]].round(3)   # lam = 2.8: power 0.80
       power  type_s  type_m
    0    0.8     0.0   1.125
    """
    alpha = _alpha(alpha)
    raw, a, n = _validate.prepare(true_effect=true_effect, se=se)
    _validate.check_positive(raw["se"], "se")
    if np.any(a["true_effect"] == 0):
        i = int(np.flatnonzero(a["true_effect"] == 0)[0])
        raise TrialDataError("a true effect of 0 has no sign or magnitude to get wrong; "
                             "give plausible non-zero effects", field="true_effect",
                             row=None if raw["true_effect"].ndim == 0 else i)
    lam = np.abs(a["true_effect"]) / a["se"]
    if df is None:
        z = float(stats.norm.isf(alpha / 2))
        upper = stats.norm.sf(z - lam)         # P(estimate/s > z)
        lower = stats.norm.cdf(-z - lam)       # P(estimate/s < -z), the wrong sign
        power = upper + lower
        type_s = lower / power
        # E(|X| ; |X| > z) for X ~ N(lam, 1): partial expectations of the normal.
        partial = (lam * (upper - lower) + stats.norm.pdf(z - lam) + stats.norm.pdf(z + lam))
        type_m = partial / (lam * power)
        method = f"design/normal/closed_form(Lu2019)/alpha={alpha:g}"
    else:
        raw_df = _validate.as_float_array(df, "df")
        _validate.check_finite(raw_df, "df")
        _validate.check_positive(raw_df, "df")
        d = _validate.broadcast({"df": raw_df, "lam": lam})[0]["df"]
        power, type_s, type_m = (np.empty(n) for _ in range(3))
        for i in range(n):
            power[i], type_s[i], type_m[i] = _t_design(float(lam[i]), float(d[i]), alpha)
        method = f"design/student_t/numerical_integration/alpha={alpha:g}"
    cols = {"true_effect": a["true_effect"], "se": a["se"], "power": power, "type_s": type_s,
            "type_m": type_m}
    return _results.frame(cols, method, n, extra_first=("true_effect",))


def _t_design(lam: float, df: float, alpha: float) -> tuple[float, float, float]:
    """Power, type S and type M when estimate/s = lam + T, T ~ t(df)."""
    from scipy import integrate

    c = float(stats.t.isf(alpha / 2, df))
    dist = stats.t(df, loc=lam)
    upper, lower = float(dist.sf(c)), float(dist.cdf(-c))
    power = upper + lower

    def part(lo: float, hi: float) -> float:
        return integrate.quad(lambda x: abs(x) * dist.pdf(x), lo, hi, limit=200)[0]

    partial = part(c, np.inf) + part(-np.inf, -c)
    return power, lower / power, partial / (lam * power)


def design_curve(se: float, *, effects: ArrayLike | None = None, alpha: float = 0.05,
                 df: float | None = None, points: int = 60) -> pd.DataFrame:
    """:func:`design` over a range of plausible true effects, for one standard error.

    Without ``effects``, the range runs from 0.1 to 4 standard errors (where power goes from
    about 5% to 98% at alpha 0.05).

    Examples
    --------
    >>> from trialkit.reanalysis import design_curve
    >>> curve = design_curve(1.0, points=5)
    >>> curve["true_effect"].round(3).tolist()
    [0.1, 1.075, 2.05, 3.025, 4.0]
    """
    s = positive_scalar(se, "se")
    if effects is None:
        if not isinstance(points, int) or points < 2 or points > 10_000:
            raise TrialDataError(f"points must be a whole number from 2 to 10000, got "
                                 f"{points!r}", field="points")
        effects = np.linspace(0.1, 4.0, points) * s
    return design(effects, s, alpha=alpha, df=df)


def sample_size(mcid: float, sd: float, *, power: float = 0.9, alpha: float = 0.05,
                ratio: float = 1.0) -> pd.DataFrame:
    """Patients a two-arm trial needs to detect the MCID with a two-sided t test.

    Solves the noncentral-t power equation with statsmodels' ``TTestIndPower`` for the
    standardized effect ``d = mcid / sd``, then rounds each arm up to a whole patient.

    Parameters
    ----------
    mcid : float
        The difference to detect (> 0), on the outcome's scale.
    sd : float
        The outcome's standard deviation (> 0).
    power : float, default 0.9
    alpha : float, default 0.05
        Two-sided.
    ratio : float, default 1
        Patients in the second arm per patient in the first.

    Returns
    -------
    pandas.DataFrame
        One row: ``d, power, alpha, ratio, n1_exact, n1, n2, n_total, method``.

    References
    ----------
    Cohen, J. (1988). Statistical Power Analysis for the Behavioral Sciences (2nd ed.),
    Table 2.4.1: d = 0.5, power 0.80, alpha 0.05 two-sided needs 64 per group.

    Examples
    --------
    >>> from trialkit.reanalysis import sample_size
    >>> sample_size(0.5, 1.0, power=0.8)[["n1", "n2", "n_total"]].to_dict("records")
    [{'n1': 64, 'n2': 64, 'n_total': 128}]
    """
    from statsmodels.stats.power import TTestIndPower

    m, s = positive_scalar(mcid, "mcid"), positive_scalar(sd, "sd")
    r = positive_scalar(ratio, "ratio")
    alpha = _alpha(alpha)
    pw = positive_scalar(power, "power")
    if pw is None or not alpha < pw < 1:
        raise TrialDataError(f"power must be between alpha and 1, got {power!r}", field="power")
    assert m is not None and s is not None and r is not None
    d = m / s
    n1 = float(TTestIndPower().solve_power(effect_size=d, alpha=alpha, power=pw, ratio=r,
                                           alternative="two-sided"))
    n1_whole = math.ceil(n1 - 1e-9)
    n2_whole = math.ceil(n1 * r - 1e-9)
    return pd.DataFrame([{"d": d, "power": pw, "alpha": alpha, "ratio": r, "n1_exact": n1,
                          "n1": n1_whole, "n2": n2_whole, "n_total": n1_whole + n2_whole,
                          "method": "sample_size/two_sample_t/noncentral_t"
                                    "(statsmodels TTestIndPower)"}])
