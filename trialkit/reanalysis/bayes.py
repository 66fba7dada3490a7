"""Bayesian reanalysis of an effect estimate against the MCID (normal prior, normal or Student-t
likelihood)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import integrate, stats

from trialkit.effects import _intervals, _validate
from trialkit.effects._validate import ArrayLike
from trialkit.errors import TrialDataError
from trialkit.reanalysis._common import benefit_sign

__all__ = ["NAMED_PRIORS", "bayes", "posterior_curves", "prior_parameters"]

#: Named priors, each anchored at the MCID (see :func:`prior_parameters`).
NAMED_PRIORS = ("skeptical", "neutral", "enthusiastic", "flat")
#: z such that P(Z > z) = 0.05: the skeptical and enthusiastic priors put 5% beyond the MCID.
_Z95 = float(stats.norm.isf(0.05))
#: Points of each integration grid (one around the prior, one around the estimate).
_GRID = 20001


def prior_parameters(name: str, mcid: float | None, sign: float = 1.0) -> tuple[float, float]:
    """Mean and SD (on the effect's scale) of a named prior anchored at the MCID.

    ``sign`` is +1 when a positive effect is a benefit, -1 when a negative one is; the priors
    are mirrored accordingly, so that each statement below is about *benefit*:

    skeptical
        Centred on no effect; a 5% prior probability of a benefit of at least the MCID:
        mean 0, SD = MCID / 1.645 (Spiegelhalter, Freedman & Parmar 1994, section 3.1.2).
    enthusiastic
        Centred on a benefit of exactly the MCID, with a 5% prior probability of harm:
        mean = MCID, SD = MCID / 1.645 (same source, section 3.1.3).
    neutral
        Weakly informative, centred on no effect: benefit or harm of twice the MCID each
        have a prior probability of 2.5%, mean 0, SD = 2 MCID / 1.96 (trialkit's convention,
        in the spirit of the "reference" priors of Spiegelhalter et al. 2004, section 5.5).
    flat
        Improper uniform prior: the posterior is the likelihood. Mean and SD are NaN.

    Examples
    --------
    >>> [round(v, 4) for v in prior_parameters("skeptical", 1.3)]
    [0.0, 0.7903]
    >>> [round(v, 4) for v in prior_parameters("enthusiastic", 1.3, sign=-1)]
    [-1.3, 0.7903]
    """
    if name == "flat":
        return float("nan"), float("nan")
    if name not in NAMED_PRIORS:
        raise TrialDataError(f"unknown prior {name!r}; named priors are "
                             f"{', '.join(NAMED_PRIORS)}, or give (mean, sd)", field="prior")
    if mcid is None:
        raise TrialDataError(f"the {name} prior is anchored at the MCID: give mcid= (or a "
                             f"(mean, sd) prior, or prior='flat')", field="mcid")
    if name == "skeptical":
        return 0.0, mcid / _Z95
    if name == "enthusiastic":
        return sign * mcid, mcid / _Z95
    return 0.0, 2.0 * mcid / 1.959963984540054


def _priors(prior: Any) -> list[str | tuple[float, float]]:
    """Normalise ``prior`` to a list of names and (mean, sd) pairs."""
    def is_pair(value: Any) -> bool:
        return (isinstance(value, tuple | list) and len(value) == 2
                and all(isinstance(v, int | float) and not isinstance(v, bool) for v in value))

    if isinstance(prior, str) or is_pair(prior):
        items: Sequence[Any] = [prior]
    elif isinstance(prior, tuple | list) and prior:
        items = prior
    else:
        raise TrialDataError(f"expected a prior name, a (mean, sd) pair or a list of them, got "
                             f"{prior!r}", field="prior")
    out: list[str | tuple[float, float]] = []
    for item in items:
        if isinstance(item, str):
            if item not in NAMED_PRIORS:
                raise TrialDataError(f"unknown prior {item!r}; named priors are "
                                     f"{', '.join(NAMED_PRIORS)}", field="prior")
            out.append(item)
        elif is_pair(item):
            mean, sd = float(item[0]), float(item[1])
            if not (np.isfinite(mean) and np.isfinite(sd) and sd > 0):
                raise TrialDataError(f"a (mean, sd) prior needs a finite mean and an SD > 0, "
                                     f"got {item!r}", field="prior")
            out.append((mean, sd))
        else:
            raise TrialDataError(f"expected a prior name or a (mean, sd) pair, got {item!r}",
                                 field="prior")
    return out


def _normal_posterior(est: float, se: float, m0: float, s0: float) -> tuple[float, float]:
    if np.isnan(m0):
        return est, se
    w0, w = 1.0 / s0**2, 1.0 / se**2
    var = 1.0 / (w0 + w)
    return var * (w0 * m0 + w * est), float(np.sqrt(var))


def _grid_posterior(est: float, se: float, df: float, m0: float, s0: float, level: float,
                    points: Sequence[float]) -> dict[str, Any]:
    """Normal prior x Student-t likelihood, integrated on a grid (trapezoid rule).

    The grid joins one span of +-12 prior SDs around the prior mean (outside it the prior
    density is below exp(-72) of its peak) and one of +-40 SEs around the estimate, clipped
    to the first, so that a likelihood much narrower than the prior is resolved too.
    """
    lo, hi = m0 - 12 * s0, m0 + 12 * s0
    near = np.linspace(max(lo, est - 40 * se), min(hi, est + 40 * se), _GRID)
    theta = np.unique(np.concatenate([np.linspace(lo, hi, _GRID), near, points]))
    logp = (stats.norm.logpdf(theta, m0, s0) + stats.t.logpdf((est - theta) / se, df))
    dens = np.exp(logp - logp.max())
    steps = np.diff(theta)
    cells = 0.5 * (dens[1:] + dens[:-1]) * steps
    cdf = np.concatenate([[0.0], np.cumsum(cells)])
    total = cdf[-1]
    cdf /= total
    dens /= total
    mean = float(np.sum(0.5 * (theta[1:] * dens[1:] + theta[:-1] * dens[:-1]) * steps))
    second = float(np.sum(0.5 * (theta[1:] ** 2 * dens[1:] + theta[:-1] ** 2 * dens[:-1])
                          * steps))
    tail = (1 - level) / 2
    return {"estimate": mean, "se": float(np.sqrt(max(second - mean**2, 0.0))),
            "ci_low": float(np.interp(tail, cdf, theta)),
            "ci_high": float(np.interp(1 - tail, cdf, theta)),
            "cdf": lambda x: float(np.interp(x, theta, cdf))}


def _row(est: float, se: float, m0: float, s0: float, df: float | None, mcid: float | None,
         sign: float, level: float) -> dict[str, Any]:
    """Posterior summaries for one estimate, one prior and one likelihood."""
    z = _intervals.z_quantile(level)
    flat = np.isnan(m0)
    cut = None if mcid is None else sign * mcid
    if df is None:
        mean, sd = _normal_posterior(est, se, m0, s0)
        cdf = stats.norm(mean, sd).cdf
        out = {"estimate": mean, "se": sd, "ci_low": mean - z * sd, "ci_high": mean + z * sd}
    elif flat:
        # Flat prior: theta = est - se * T with T ~ t(df): a scaled, shifted t posterior.
        post = stats.t(df, loc=est, scale=se)
        cdf = post.cdf
        q = float(stats.t.isf((1 - level) / 2, df))
        out = {"estimate": est, "se": se * np.sqrt(df / (df - 2)) if df > 2 else np.nan,
               "ci_low": est - q * se, "ci_high": est + q * se}
    else:
        pts = [0.0] if cut is None else [0.0, cut]
        out = _grid_posterior(est, se, df, m0, s0, level, pts)
        cdf = out.pop("cdf")
    below0 = float(cdf(0.0))
    p_benefit = 1.0 - below0 if sign > 0 else below0
    if cut is None:
        p_mcid = np.nan
    else:
        below = float(cdf(cut))
        p_mcid = 1.0 - below if sign > 0 else below
    out.update(p_benefit=p_benefit, p_mcid=p_mcid, p_harm=1.0 - p_benefit)
    return out


def bayes(estimate: ArrayLike, se: ArrayLike, *, prior: Any = "skeptical",
          mcid: float | None = None, df: ArrayLike | None = None, level: float = 0.95,
          direction: str = "higher_is_better") -> pd.DataFrame:
    """Posterior probability of benefit, and of a benefit of at least the MCID.

    A normal-normal reanalysis on the scale of the effect (Spiegelhalter, Abrams & Myles 2004,
    section 3.6): with prior N(m0, s0^2) and an estimate y with standard error s, the posterior
    is N(m1, s1^2), ``1/s1^2 = 1/s0^2 + 1/s^2``, ``m1 = s1^2 (m0/s0^2 + y/s^2)``. With a
    small trial the normal likelihood is optimistic: when ``df`` is given, each prior also gets
    a row with a Student-t likelihood, ``t_df((y - theta)/s)``, integrated numerically (a flat
    prior then gives a shifted, scaled t posterior in closed form).

    "Benefit" always means improvement for patients: a positive effect when
    ``direction="higher_is_better"``, a negative one when ``"lower_is_better"``; the named
    priors are mirrored with it, so mirroring the data and the direction together gives the
    same probabilities.

    Parameters
    ----------
    estimate, se : array_like
        The effect (e.g. a mean difference, arm minus reference) and its standard error.
    prior : str, (mean, sd) or list of them, default "skeptical"
        Named priors (:data:`NAMED_PRIORS`, defined in :func:`prior_parameters`) are anchored
        at the MCID; a (mean, sd) pair is taken as given, on the effect's scale.
    mcid : float, optional
        Minimal clinically important difference (> 0, on the effect's scale). Needed by the
        named priors other than "flat", and for ``p_mcid`` (NaN without it, said in
        ``method``).
    df : array_like, optional
        Degrees of freedom of the estimate's t distribution: adds Student-t likelihood rows.
    level : float, default 0.95
        Probability of the equal-tailed credible interval.
    direction : {"higher_is_better", "lower_is_better"}
        Which sign of the effect is a benefit.

    Returns
    -------
    pandas.DataFrame
        One row per estimate x prior x likelihood: ``row`` (the estimate's index), ``prior``,
        ``prior_mean``, ``prior_sd``, ``likelihood``, the posterior ``estimate, se, ci_low,
        ci_high`` (credible interval), ``p_benefit`` (P(any benefit)), ``p_mcid`` (P(benefit
        >= MCID)), ``p_harm`` (P(any harm) = 1 - p_benefit), ``mcid``, ``data_estimate``,
        ``data_se`` and ``method``.

    References
    ----------
    Spiegelhalter, D. J., Freedman, L. S., & Parmar, M. K. B. (1994). Bayesian approaches to
    randomized trials. Journal of the Royal Statistical Society A, 157, 357-416.

    Spiegelhalter, D. J., Abrams, K. R., & Myles, J. P. (2004). Bayesian Approaches to Clinical
    Trials and Health-Care Evaluation. Wiley (normal-normal update, section 3.6; GREAT trial,
    example 3.6).

    Examples
    --------
    >>> from trialkit.reanalysis import bayes
    >>> res = bayes(-0.74, 0.36, prior=(-0.26, 0.13))   # GREAT trial, log odds ratio
    >>> res[["estimate", "se"]].round(3).to_dict("records")
    [{'estimate': -0.315, 'se': 0.122}]
    >>> res = bayes(-2.0, 0.8, prior=["skeptical", "flat"], mcid=1.3,
    ...             direction="lower_is_better")
    >>> res[["prior", "p_benefit", "p_mcid"]].round(3)
           prior  p_benefit  p_mcid
    0  skeptical      0.961   0.289
    1       flat      0.994   0.809
    """
    level = _validate.check_level(level)
    sign = benefit_sign(direction)
    raw, a, n = _validate.prepare(estimate=estimate, se=se)
    _validate.check_positive(raw["se"], "se")
    if mcid is not None:
        mcid_value = float(_validate.as_float_array(mcid, "mcid"))
        if not np.isfinite(mcid_value) or mcid_value <= 0:
            raise TrialDataError(f"expected a finite number > 0, got {mcid!r}", field="mcid")
    else:
        mcid_value = None
    dfs: np.ndarray | None = None
    if df is not None:
        raw_df = _validate.as_float_array(df, "df")
        _validate.check_finite(raw_df, "df")
        _validate.check_positive(raw_df, "df")
        dfs, _ = _validate.broadcast({"df": raw_df, "estimate": a["estimate"]})
        dfs = dfs["df"]
    priors = _priors(prior)
    rows = []
    for i in range(n):
        est, s = float(a["estimate"][i]), float(a["se"][i])
        for p in priors:
            name, (m0, s0) = ((p, prior_parameters(p, mcid_value, sign)) if isinstance(p, str)
                              else ("custom", p))
            likelihoods: list[float | None] = [None]
            if dfs is not None:
                likelihoods.append(float(dfs[i]))
            for d in likelihoods:
                res = _row(est, s, m0, s0, d, mcid_value, sign, level)
                rows.append({"row": i, "prior": name, "prior_mean": m0, "prior_sd": s0,
                             "likelihood": "normal" if d is None else f"student_t(df={d:g})",
                             "likelihood_df": np.nan if d is None else d,
                             **res, "mcid": np.nan if mcid_value is None else mcid_value,
                             "data_estimate": est, "data_se": s,
                             "method": _method(name, m0, s0, d, mcid_value, direction, res)})
    frame = pd.DataFrame(rows)
    return frame


def _method(name: str, m0: float, s0: float, df: float | None, mcid: float | None,
            direction: str, res: dict[str, Any]) -> str:
    prior = "flat(improper)" if np.isnan(m0) else f"{name}(N({m0:.4g},{s0:.4g}^2))"
    if df is None:
        like = "normal_normal/closed_form"
    elif np.isnan(m0):
        like = f"student_t_likelihood(df={df:g})/closed_form"
    else:
        like = f"student_t_likelihood(df={df:g})/grid_integration"
    parts = [f"bayes/{like}", f"prior={prior}", f"benefit={direction}"]
    if mcid is None:
        parts.append("p_mcid=NaN(no MCID given)")
    if np.isnan(res["se"]):
        parts.append("se=NaN(posterior SD infinite for df <= 2)")
    return "/".join(parts)


def posterior_curves(frame: pd.DataFrame, *, points: int = 401, width: float = 4.5
                     ) -> pd.DataFrame:
    """Posterior densities of :func:`bayes` rows, on a grid, for plotting.

    Normal-likelihood rows are N(estimate, se^2); Student-t rows are recomputed from the
    row's prior, data and df (normal prior x t likelihood, normalised on the grid; a flat
    prior gives the scaled t density). The grid spans ``estimate +- width * se`` of each row.

    Returns
    -------
    pandas.DataFrame
        ``row, prior, likelihood, theta, density`` (long form), one block per input row.

    Examples
    --------
    >>> from trialkit.reanalysis import bayes, posterior_curves
    >>> curves = posterior_curves(bayes(-2.0, 0.8, prior="flat"), points=5)
    >>> curves["theta"].round(2).tolist()
    [-5.6, -3.8, -2.0, -0.2, 1.6]
    """
    need = {"prior_mean", "prior_sd", "likelihood_df", "data_estimate", "data_se",
            "estimate", "se"}
    missing = need - set(frame.columns)
    if missing:
        raise TrialDataError(f"posterior_curves needs a frame from bayes(); missing "
                             f"{', '.join(sorted(missing))}", field="frame")
    if not isinstance(points, int) or not 3 <= points <= 100_000:
        raise TrialDataError(f"points must be a whole number from 3 to 100000, got {points!r}",
                             field="points")
    blocks = []
    for idx, row in frame.iterrows():
        spread = row["se"] if np.isfinite(row["se"]) else row["data_se"] * 3
        theta = np.linspace(row["estimate"] - width * spread, row["estimate"] + width * spread,
                            points)
        df = row["likelihood_df"]
        if np.isnan(df):
            dens = stats.norm.pdf(theta, row["estimate"], row["se"])
        elif np.isnan(row["prior_mean"]):
            dens = stats.t.pdf(theta, df, loc=row["data_estimate"], scale=row["data_se"])
        else:
            logp = (stats.norm.logpdf(theta, row["prior_mean"], row["prior_sd"])
                    + stats.t.logpdf((row["data_estimate"] - theta) / row["data_se"], df))
            dens = np.exp(logp - logp.max())
            dens /= integrate.trapezoid(dens, theta)
        blocks.append(pd.DataFrame({"row": idx, "prior": row["prior"],
                                    "likelihood": row["likelihood"], "theta": theta,
                                    "density": dens}))
    return pd.concat(blocks, ignore_index=True)
