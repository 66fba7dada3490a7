"""Responders from summary statistics: the distributional method (Peacock et al. 2012)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

from trialkit.effects import _intervals, _results, _validate
from trialkit.effects._validate import ArrayLike
from trialkit.effects.convert import _altman_text
from trialkit.reanalysis._common import benefit_sign

__all__ = ["responders", "responders_of_changes"]


def responders(m1: ArrayLike, sd1: ArrayLike, n1: ArrayLike, m2: ArrayLike, sd2: ArrayLike,
               n2: ArrayLike, threshold: ArrayLike, *, direction: str,
               level: float = 0.95) -> pd.DataFrame:
    """Proportion of each arm beyond a threshold, from means and SDs (distributional method).

    Assuming normal outcomes with a common SD ``s`` (the pooled SD), the proportion of arm
    ``i`` beyond the threshold ``c`` in the direction of benefit is ``p_i = Phi(-z_i)`` with
    ``z_i = (c - m_i)/s`` when higher is better, and ``Phi(z_i)`` when lower is better. The
    standard error of ``p1 - p2`` is ``sqrt(phi(z1)^2/n1 + phi(z2)^2/n2)``, and that of
    ``log(p1/p2)`` is ``sqrt(phi(z1)^2/(p1^2 n1) + phi(z2)^2/(p2^2 n2))`` (Peacock, Sauzet,
    Ewings & Kerry 2012): the difference in proportions then keeps the precision of the
    difference in means, instead of losing it as counting patients beyond the threshold would.
    The number needed to treat is ``1 / (p1 - p2)``, with Altman's (1998) interval (through
    infinity when the difference's interval includes 0).

    Use it on the outcome the threshold is defined on: a change from baseline with the MCID
    as the threshold (e.g. ``threshold=-1.3`` points of pain, lower is better), or a follow-up
    level with a cut-point ("pain of 3 or less").

    Parameters
    ----------
    m1, sd1, n1, m2, sd2, n2 : array_like
        Mean, SD and size of the treated arm (1) and the reference arm (2).
    threshold : array_like
        The cut-point, on the scale of the means.
    direction : {"higher_is_better", "lower_is_better"}
        A responder is beyond the threshold on the side of benefit.
    level : float, default 0.95

    Returns
    -------
    pandas.DataFrame
        ``p1, p2``; ``estimate`` (``p1 - p2``), ``se, ci_low, ci_high``; ``rr, rr_low,
        rr_high``; ``nnt, nnt_low, nnt_high, nnt_interval``; ``sd_pooled``; ``method``.

    References
    ----------
    Peacock, J. L., Sauzet, O., Ewings, S. M., & Kerry, S. M. (2012). Dichotomising continuous
    data while retaining statistical power using a distributional approach. Statistics in
    Medicine, 31, 3089-3103.

    Altman, D. G. (1998). Confidence intervals for the number needed to treat. BMJ, 317,
    1309-1312.

    Examples
    --------
    >>> from trialkit.reanalysis import responders
    >>> res = responders(-3.0, 2.0, 20, -1.0, 2.0, 20, threshold=-1.3,
    ...                  direction="lower_is_better")
    >>> res[["p1", "p2", "estimate"]].round(3).to_dict("records")
    [{'p1': 0.802, 'p2': 0.44, 'estimate': 0.362}]
    """
    sign = benefit_sign(direction)
    level = _validate.check_level(level)
    raw, a, n = _validate.prepare(m1=m1, sd1=sd1, n1=n1, m2=m2, sd2=sd2, n2=n2,
                                  threshold=threshold)
    for name in ("sd1", "sd2"):
        _validate.check_positive(raw[name], name)
    for name in ("n1", "n2"):
        _validate.check_n(raw[name], name)
    n1v, n2v = a["n1"], a["n2"]
    s = np.sqrt(((n1v - 1) * a["sd1"] ** 2 + (n2v - 1) * a["sd2"] ** 2) / (n1v + n2v - 2))
    z1, z2 = (a["threshold"] - a["m1"]) / s, (a["threshold"] - a["m2"]) / s
    # Responders lie above the threshold when higher is better, below it when lower is.
    p1 = stats.norm.sf(z1) if sign > 0 else stats.norm.cdf(z1)
    p2 = stats.norm.sf(z2) if sign > 0 else stats.norm.cdf(z2)
    d1, d2 = stats.norm.pdf(z1), stats.norm.pdf(z2)
    diff = p1 - p2
    se = np.sqrt(d1**2 / n1v + d2**2 / n2v)
    z = _intervals.z_quantile(level)
    lo, hi = diff - z * se, diff + z * se
    with np.errstate(divide="ignore", invalid="ignore"):
        rr = p1 / p2
        se_log_rr = np.sqrt(d1**2 / (p1**2 * n1v) + d2**2 / (p2**2 * n2v))
        nnt = np.where(diff == 0, np.inf, 1 / np.where(diff == 0, 1.0, diff))
        nnt_low = np.where(hi == 0, np.inf, 1 / np.where(hi == 0, 1.0, hi))
        nnt_high = np.where(lo == 0, np.inf, 1 / np.where(lo == 0, 1.0, lo))
    cols = {"p1": p1, "p2": p2, "estimate": diff, "se": se, "ci_low": lo, "ci_high": hi,
            "rr": rr, "rr_low": rr * np.exp(-z * se_log_rr),
            "rr_high": rr * np.exp(z * se_log_rr), "nnt": nnt, "nnt_low": nnt_low,
            "nnt_high": nnt_high, "nnt_interval": _altman_text(lo, hi), "sd_pooled": s}
    method = (f"responders/distributional(Peacock2012)/pooled_sd/normal_ci/"
              f"benefit={direction}/nnt=altman1998")
    return _results.frame(cols, method, n, extra_first=("p1", "p2"))


def responders_of_changes(within: pd.DataFrame, reanalysed: pd.DataFrame) -> pd.DataFrame:
    """Responders (improved by at least the MCID) per outcome, follow-up and comparison.

    Joins the within-arm ``mean_change`` rows of :func:`trialkit.analysis.within` with the
    comparisons of :func:`trialkit.reanalysis.reanalyse` that have an MCID and a declared
    direction (normal likelihood), and calls :func:`responders` on each arm's mean change.
    The SD of change is ``se * sqrt(n)`` (a ``mean_change`` row's standard error is
    ``sd / sqrt(n)``; for a summary-only trial it rests on the pre-post correlation the row
    names in ``r``). The threshold is the MCID on the side of benefit (``-MCID`` where lower
    is better). Comparisons whose arms have no change rows are left out.

    Parameters
    ----------
    within : DataFrame
        :func:`trialkit.analysis.within` (columns ``measure, outcome, timepoint, arm,
        estimate, se, n, r, r_source``).
    reanalysed : DataFrame
        :func:`trialkit.reanalysis.reanalyse` (columns ``outcome, timepoint, comparison``
        ("arm-reference"), ``likelihood, direction, mcid, mcid_source, illustrative``).

    Returns
    -------
    DataFrame
        One row per outcome x timepoint x comparison: ``outcome, timepoint, comparison, arm,
        reference, threshold, mcid, mcid_source, m1, sd1, n1, m2, sd2, n2``, the columns of
        :func:`responders`, ``r, r_source, direction, illustrative``; empty when nothing
        qualifies.

    References
    ----------
    Peacock, J. L., Sauzet, O., Ewings, S. M., & Kerry, S. M. (2012). Statistics in
    Medicine, 31, 3089-3103.

    Examples
    --------
    >>> import math, pandas as pd
    >>> within = pd.DataFrame({"measure": "mean_change", "outcome": "pain", "timepoint": "1wk",
    ...     "arm": ["a", "b"], "estimate": [-3.0, -1.0], "se": 2 / math.sqrt(20), "n": 20,
    ...     "r": 0.5, "r_source": "assumed"})
    >>> re = pd.DataFrame({"outcome": ["pain"], "timepoint": ["1wk"], "comparison": ["a-b"],
    ...     "likelihood": ["normal"], "direction": ["lower_is_better"], "mcid": [1.3],
    ...     "mcid_source": ["declared"], "illustrative": [False]})
    >>> responders_of_changes(within, re)[["p1", "p2"]].round(3).to_dict("records")
    [{'p1': 0.802, 'p2': 0.44}]
    """
    rows = []
    need = {"likelihood", "direction", "mcid"}
    if not need <= set(reanalysed.columns) or within is None or within.empty:
        return pd.DataFrame(rows)
    part = reanalysed[(reanalysed["likelihood"] == "normal") & reanalysed["direction"].notna()
                      & reanalysed["mcid"].notna()]
    w = within[within["measure"] == "mean_change"].set_index(["outcome", "timepoint", "arm"])
    for _, x in part.drop_duplicates(["outcome", "timepoint", "comparison"]).iterrows():
        arm, ref = str(x["comparison"]).split("-", 1)
        try:
            a = w.loc[(x["outcome"], x["timepoint"], arm)]
            b = w.loc[(x["outcome"], x["timepoint"], ref)]
        except KeyError:
            continue
        mcid = float(x["mcid"])
        threshold = -mcid if x["direction"] == "lower_is_better" else mcid
        sd1, sd2 = a["se"] * math.sqrt(a["n"]), b["se"] * math.sqrt(b["n"])
        res = responders(a["estimate"], sd1, a["n"], b["estimate"], sd2, b["n"], threshold,
                         direction=x["direction"]).iloc[0]
        rows.append({"outcome": x["outcome"], "timepoint": x["timepoint"],
                     "comparison": x["comparison"], "arm": arm, "reference": ref,
                     "threshold": threshold, "mcid": mcid, "mcid_source": x["mcid_source"],
                     "m1": a["estimate"], "sd1": sd1, "n1": a["n"], "m2": b["estimate"],
                     "sd2": sd2, "n2": b["n"], **res.to_dict(), "r": a["r"],
                     "r_source": a["r_source"], "direction": x["direction"],
                     "illustrative": bool(x["illustrative"])})
    return pd.DataFrame(rows)
