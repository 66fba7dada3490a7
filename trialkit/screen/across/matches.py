"""Identical summary statistics: between the two arms of a trial (reappraised's
``match_fn``) and between cohorts of the same population in different trials
(``cohort_fn``), against their expected frequency (Bolland et al. 2021)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from trialkit.screen.across._common import require, sig_digits_many

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


def partial_matches(rows: pd.DataFrame) -> pd.DataFrame:
    """Counts per trial x statistic x significant digits: two-arm continuous variables and
    how many had identical arms; :func:`combine_matches` adds them up."""
    from trialkit.screen.baseline import _group_index

    require(rows, NEEDED, "matches")
    s, starts, sizes = _group_index(rows[rows["kind"].astype(str) == "continuous"])
    i0 = starts[sizes == 2]
    i1 = i0 + 1
    trial = s["trial"].astype(str).to_numpy()[i0]
    parts, res = [], {}
    for stat in ("mean", "sd"):
        v = s[stat].to_numpy(float)
        t = s[f"{stat}_text"].astype(str).str.strip().to_numpy()
        both_text = (t[i0] != "") & (t[i1] != "")
        same = np.where(both_text, t[i0] == t[i1], v[i0] == v[i1])
        ok = np.isfinite(v[i0]) & np.isfinite(v[i1])
        dig = np.minimum(5, np.maximum(sig_digits_many(v[i0], t[i0]),
                                       sig_digits_many(v[i1], t[i1])))
        res[stat] = (ok, same, dig)
    (okm, samem, digm), (oks, sames, digs) = res["mean"], res["sd"]
    res["both"] = (okm & oks, samem & sames, np.minimum(digm, digs))
    for stat in STATS:
        ok, same, dig = res[stat]
        parts.append(pd.DataFrame({"trial": trial[ok], "statistic": stat,
                                   "sig_digits": dig[ok], "same": same[ok].astype(np.int64)}))
    allp = pd.concat(parts, ignore_index=True)
    out = allp.groupby(["trial", "statistic", "sig_digits"], sort=True)["same"].agg(
        ["size", "sum"]).reset_index().rename(columns={"size": "n_variables",
                                                       "sum": "matches"})
    return out[PIECE].astype({"sig_digits": "int64", "n_variables": "int64",
                              "matches": "int64"})


def convolve_nonnegative(a: np.ndarray, v: np.ndarray, *, align: int = 64) -> np.ndarray:
    """``np.convolve(a, v)`` of two nonnegative vectors, bit for bit, computing only the
    dot products that can be nonzero.

    A binomial pmf of a large n is exactly 0.0 (underflow) outside a few hundred values
    around its mean, so most of ``np.convolve``'s O(len(a) len(v)) products are 0.0.
    ``np.convolve`` computes each output as one ``dot`` (BLAS ``ddot``) of two overlapping
    slices; here the same ``np.dot`` is called on the same slices, for the outputs that
    have a nonzero product only (the others are exactly 0.0, as a sum of +0.0 products),
    and each slice is shortened by whole blocks of ``align`` leading products that are all
    zero, and by trailing zero products inside ``ddot``'s unrolled part. Adding an exact
    +0.0 changes no partial sum, and a cut by whole blocks leaves every other product in
    the same accumulator of the unrolled loop (16 products per step in OpenBLAS's x86
    kernels; 64 covers every unrolling up to it), so the sums are the same numbers.
    Small inputs go to ``np.convolve`` itself. (With several OpenBLAS threads a long
    ``ddot`` is split between threads, so ``np.convolve``'s last bits then depend on the
    thread count; this function gives the single-threaded values.)

    Examples
    --------
    >>> import numpy as np
    >>> from scipy import stats
    >>> b = stats.binom.pmf(np.arange(3001), 3000, 0.2)
    >>> bool((convolve_nonnegative(b, b) == np.convolve(b, b)).all())
    True
    """
    if len(v) > len(a):
        a, v = v, a
    n1, n2 = len(a), len(v)
    if n2 <= 16 or n1 * n2 <= 1 << 20:
        return np.convolve(a, v)
    a = np.ascontiguousarray(a, float)
    out = np.zeros(n1 + n2 - 1)
    nza, nzv = np.flatnonzero(a), np.flatnonzero(v)
    if not len(nza) or not len(nzv):
        return out
    vr = np.ascontiguousarray(v[::-1], float)
    a_lo, a_hi, v_lo, v_hi = int(nza[0]), int(nza[-1]), int(nzv[0]), int(nzv[-1])
    dot = np.dot
    for k in range(a_lo + v_lo, a_hi + v_hi + 1):
        j_lo, j_hi = max(0, k - n2 + 1), min(k, n1 - 1)  # np.convolve's slice of a
        o = n2 - 1 - k
        n = j_hi + 1 - j_lo
        first = max(a_lo, k - v_hi) - j_lo  # the nonzero products within the slice
        last = min(a_hi, k - v_lo) - j_lo
        start = first - first % align
        unrolled = n - n % 16
        stop = min(start - (start - last - 1) // align * align, unrolled) \
            if last < unrolled else n
        out[k] = dot(a[j_lo + start:j_lo + stop], vr[o + j_lo + start:o + j_lo + stop])
    return out


def _poisson_binomial_p(observed: int, sizes: list[int], probs: list[float]) -> float:
    """Two-sided p of ``observed`` successes, the sum of independent Binomial(n_d, q_d):
    the total probability of counts no more likely than it (relative tolerance 1e-7, as R's
    ``binom.test``, which this is for a single group)."""
    from scipy import stats

    pmf = np.array([1.0])
    for n, q in zip(sizes, probs, strict=True):
        pmf = convolve_nonnegative(pmf, stats.binom.pmf(np.arange(n + 1), n, q))
    if observed >= len(pmf):
        return 0.0
    return float(min(1.0, pmf[pmf <= pmf[observed] * (1 + 1e-7)].sum()))


def combine_matches(pieces: pd.DataFrame) -> pd.DataFrame:
    """Add up pieces of :func:`partial_matches` into :func:`matches`' frame.

    Examples
    --------
    >>> import pandas as pd
    >>> from trialkit.screen import example_rows
    >>> rows = example_rows()
    >>> import trialkit.screen.across as A
    >>> a = A.partial_matches(rows[rows.trial == "T1"])
    >>> b = A.partial_matches(rows[rows.trial == "T2"])
    >>> whole = A.matches(rows)
    >>> whole.equals(A.combine_matches(pd.concat([b, a], ignore_index=True)))
    True
    """
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
