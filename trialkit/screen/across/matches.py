"""Identical summary statistics: between the two arms of a trial (reappraised's
``match_fn``) and between cohorts of the same population in different trials
(``cohort_fn``), against their expected frequency (Bolland et al. 2021)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from trialkit.screen.across._common import require, sig_digits, sort_keys

__all__ = ["REFERENCE_MATCH_PERCENT", "combine_matches", "matches", "partial_matches"]

#: Percent of two-arm variables whose means, SDs, or both, were identical in the two arms,
#: by significant digits (1-5, capped at 5), among 3,585 trials in Carlisle's database
#: (Bolland et al. 2021, J Clin Epidemiol 136:180, Table; reappraised's reference table).
#: A printed 0.0 means fewer than 0.05%; 0.05 is used for it (the bound), so that an
#: observed match is never treated as impossible.
REFERENCE_MATCH_PERCENT = {
    "mean": {1: 66.4, 2: 20.6, 3: 7.5, 4: 1.6, 5: 0.8},
    "sd": {1: 40.5, 2: 11.6, 3: 2.7, 4: 0.4, 5: 0.05},
    "both": {1: 16.9, 2: 2.7, 3: 0.2, 4: 0.05, 5: 0.05},
}
STATS = ("mean", "sd", "both")
NEEDED = ("trial", "variable", "arm", "timepoint", "kind", "n", "mean", "sd", "mean_text",
          "sd_text")
PIECE = ["trial", "statistic", "sig_digits", "n_variables", "matches"]


def _same(a: float, b: float, ta: str, tb: str) -> bool:
    if ta and tb:
        return ta.strip() == tb.strip()
    return bool(a == b)


def partial_matches(rows: pd.DataFrame) -> pd.DataFrame:
    """Counts per trial x statistic x significant digits: two-arm continuous variables and
    how many had identical arms; :func:`combine_matches` adds them up."""
    require(rows, NEEDED, "matches")
    c = rows[rows["kind"].astype(str) == "continuous"]
    c = sort_keys(c, ["trial", "variable", "timepoint", "arm"])
    counts: dict[tuple[str, str, int], list[int]] = {}
    for (trial, _, _), g in c.groupby(["trial", "variable", "timepoint"], sort=False):
        if len(g) != 2:
            continue
        r1, r2 = g.iloc[0], g.iloc[1]
        out = {}
        for stat in ("mean", "sd"):
            a, b = float(r1[stat]), float(r2[stat])
            if not (math.isfinite(a) and math.isfinite(b)):
                continue
            ta, tb = str(r1[f"{stat}_text"]), str(r2[f"{stat}_text"])
            sd_ = min(5, max(sig_digits(a, ta), sig_digits(b, tb)))
            out[stat] = (sd_, _same(a, b, ta, tb))
        if "mean" in out and "sd" in out:
            out["both"] = (min(out["mean"][0], out["sd"][0]), out["mean"][1] and out["sd"][1])
        for stat, (digits, same) in out.items():
            key = (str(trial), stat, int(digits))
            cell = counts.setdefault(key, [0, 0])
            cell[0] += 1
            cell[1] += int(same)
    recs = [{"trial": t, "statistic": s, "sig_digits": d, "n_variables": v[0], "matches": v[1]}
            for (t, s, d), v in counts.items()]
    return pd.DataFrame(recs, columns=PIECE).astype(
        {"sig_digits": "int64", "n_variables": "int64", "matches": "int64"})


def _poisson_binomial_p(observed: int, sizes: list[int], probs: list[float]) -> float:
    """Two-sided p of ``observed`` successes, the sum of independent Binomial(n_d, q_d):
    the total probability of counts no more likely than it (relative tolerance 1e-7, as R's
    ``binom.test``, which this is for a single group)."""
    from scipy import stats

    pmf = np.array([1.0])
    for n, q in zip(sizes, probs, strict=True):
        pmf = np.convolve(pmf, stats.binom.pmf(np.arange(n + 1), n, q))
    if observed >= len(pmf):
        return 0.0
    return float(min(1.0, pmf[pmf <= pmf[observed] * (1 + 1e-7)].sum()))


def combine_matches(pieces: pd.DataFrame) -> pd.DataFrame:
    """Add up pieces of :func:`partial_matches` into :func:`matches`' frame."""
    tot = pieces.groupby(["statistic", "sig_digits"], sort=True)[
        ["n_variables", "matches"]].sum()
    trials = pieces.groupby("statistic")["trial"].nunique()
    out = []
    for stat in STATS:
        sub = tot.loc[stat] if stat in tot.index.get_level_values(0) else tot.iloc[0:0]
        ref = REFERENCE_MATCH_PERCENT[stat]
        sizes, probs = [], []
        for d in range(1, 6):
            n = int(sub.loc[d, "n_variables"]) if d in sub.index else 0
            k = int(sub.loc[d, "matches"]) if d in sub.index else 0
            q = ref[d] / 100
            sizes.append(n)
            probs.append(q)
            out.append(_row(stat, str(d), n, k, n * q, _poisson_binomial_p(k, [n], [q])
                            if n else math.nan, int(trials.get(stat, 0))))
        n_all, k_all = sum(sizes), int(sub["matches"].sum()) if len(sub) else 0
        exp = float(sum(n * q for n, q in zip(sizes, probs, strict=True)))
        out.append(_row(stat, "all", n_all, k_all, exp,
                        _poisson_binomial_p(k_all, sizes, probs) if n_all else math.nan,
                        int(trials.get(stat, 0))))
    return pd.DataFrame(out)


def _row(stat: str, digits: str, n: int, k: int, exp: float, p: float,
         trials: int) -> dict:
    return {"statistic": stat, "sig_digits": digits, "n_trials": trials, "n_variables": n,
            "matches": k, "percent": 100 * k / n if n else math.nan,
            "expected": exp, "expected_percent": 100 * exp / n if n else math.nan, "p": p,
            "method": "reference_bolland2021/exact_binomial_two_sided" if digits != "all"
            else "reference_bolland2021/poisson_binomial_two_sided"}


def matches(table: pd.DataFrame) -> pd.DataFrame:
    """Identical means, SDs, or both, in the two arms of a trial, against how often they
    were identical in Carlisle's 3,585 trials.

    For each two-arm continuous variable, the mean (SD) matches when the two arms print
    the same number (the same text where both were read from text, else the same value);
    "both" when mean and SD match. Matches are common when few digits are printed, so
    variables are grouped by significant digits, counted as reappraised does (the number
    without its point, leading and trailing zeros dropped: 65.6 -> 3, 0.070 -> 1, 150 -> 2;
    the larger of the two arms', capped at 5; for "both", the smaller of the mean's and
    the SD's). The expected number is ``sum_d n_d q_d`` with ``q_d`` the reference percent
    :data:`REFERENCE_MATCH_PERCENT` (Bolland et al. 2021); ``p`` is the two-sided exact
    test of the observed count: binomial within a digits group (as R's ``binom.test``),
    the sum of independent binomials (Poisson-binomial) over all groups. Variables with
    three or more arms are left out, as in reappraised.

    Parameters
    ----------
    table : DataFrame
        A rows frame.

    Returns
    -------
    DataFrame
        One row per statistic (mean, sd, both) x ``sig_digits`` ("1" to "5", "all"):
        ``statistic, sig_digits, n_trials, n_variables, matches, percent, expected,
        expected_percent, p, method``.

    References
    ----------
    Bolland, M. J., Gamble, G. D., Avenell, A., & Grey, A. (2021). Identical summary
    statistics were uncommon in randomized trials and cohort studies. J Clin Epidemiol,
    136, 180-188 (reappraised's ``match_fn``).

    Examples
    --------
    >>> import pandas as pd
    >>> from trialkit.screen.across.matches import matches
    >>> rows = pd.DataFrame({"trial": "T", "variable": "age", "arm": ["a", "b"],
    ...     "timepoint": "", "kind": "continuous", "n": [54, 54], "mean": [65.6, 65.6],
    ...     "sd": [7.3, 6.0], "mean_text": "", "sd_text": ""})
    >>> m = matches(rows)
    >>> int(m[(m.statistic == "mean") & (m.sig_digits == "all")].matches.iloc[0])
    1
    """
    return combine_matches(partial_matches(table))
