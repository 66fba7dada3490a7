"""The null distribution of baseline p values computed from categorical summary data (counts
or percentages per arm), simulated trial by trial for :func:`pvalue_distribution`
(``which="calculated", kind="categorical"``).

Under randomisation these p values are not uniform (Bolland et al. 2019): the counts are
discrete, so a chi-squared or Fisher p takes few values, and Fisher's test is conservative.
Each variable's arms are drawn from one population: arm i's count is Binomial(n_i, P), with
its own n and P the pooled proportion (all arms' counts over all their patients), and the
simulated table is tested exactly as :func:`trialkit.screen.baseline.baseline_p` tests the
observed one (Pearson's chi-squared without continuity correction; Fisher's exact test for
two arms when an expected count is below 5). A simulated table where nobody (or everybody)
is in the category has identical arms and counts as p = 1 (as reappraised counts it).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from trialkit.screen._rows import trial_rng
from trialkit.screen.across._pieces import decile, piece, trial_blocks

__all__ = ["categorical_p_many", "fisher_2x2_many"]


def fisher_2x2_many(a: np.ndarray, t: np.ndarray, n1: int, n2: int) -> np.ndarray:
    """Two-sided Fisher exact p of many 2x2 tables with the same arm sizes: ``a`` patients
    in the category of arm 1's ``n1``, ``t`` in all (arm 2 has ``t - a`` of ``n2``). As
    :func:`trialkit.screen.baseline.fisher_2x2` (R's ``fisher.test``): the sum of the
    hypergeometric probabilities no greater than the observed table's times 1 + 1e-7.

    Examples
    --------
    >>> import numpy as np
    >>> fisher_2x2_many(np.array([0, 1, 2]), np.array([2, 2, 2]), 2, 2).tolist()
    [0.3333333333333333, 1.0, 0.3333333333333333]
    """
    from scipy import stats

    a = np.asarray(a, np.int64)
    t = np.asarray(t, np.int64)
    out = np.ones(a.shape, float)
    total = n1 + n2
    for tv in np.unique(t).tolist():
        sel = t == tv
        lo, hi = max(0, tv - n2), min(n1, tv)
        support = np.arange(lo, hi + 1)
        pmf = stats.hypergeom.pmf(support, total, tv, n1)
        srt = np.sort(pmf)
        cum = np.cumsum(srt)
        obs = pmf[a[sel] - lo]
        idx = np.searchsorted(srt, obs * (1 + 1e-7), side="right")
        out[sel] = np.minimum(1.0, cum[idx - 1])
    return out


def categorical_p_many(c: np.ndarray, n: np.ndarray, starts: np.ndarray,
                       sizes: np.ndarray) -> np.ndarray:
    """Baseline p of categorical variables for many sets of counts at once.

    ``c`` is (sims, arms): each row a set of counts in the category, arms grouped into
    variables by ``starts``/``sizes``; ``n`` the arms' patients. Returns (sims, variables):
    Pearson's chi-squared p on k - 1 df (no continuity correction), Fisher's exact p for two
    arms with an expected count below 5, and 1 where nobody or everybody is in the
    category (the arms are then identical).
    """
    from scipy import special

    g = np.repeat(np.arange(len(starts)), sizes)
    big_n = np.add.reduceat(n, starts)
    yes = np.add.reduceat(c, starts, axis=1)
    frac = yes / big_n
    e_yes = n * frac[:, g]
    e_no = n * (1.0 - frac[:, g])
    with np.errstate(all="ignore"):
        x2 = np.add.reduceat((c - e_yes) ** 2 / e_yes + ((n - c) - e_no) ** 2 / e_no,
                             starts, axis=1)
        p = special.chdtrc(sizes - 1.0, x2)
    degenerate = (yes <= 0) | (yes >= big_n)
    small = np.minimum.reduceat(np.minimum(e_yes, e_no), starts, axis=1) < 5
    for j in np.flatnonzero(sizes == 2):
        rows = small[:, j] & ~degenerate[:, j]
        if rows.any():
            s0 = starts[j]
            p[rows, j] = fisher_2x2_many(c[rows, s0], yes[rows, j], int(n[s0]),
                                         int(n[s0 + 1]))
    return np.where(degenerate, 1.0, p)


def null_sums_categorical(trial: str, n: np.ndarray, pooled: np.ndarray,
                          starts: np.ndarray, sizes: np.ndarray, keep: np.ndarray,
                          sims: int, seed: int) -> tuple[np.ndarray, float, np.ndarray]:
    """Expected decile counts, the sum of the variables' mean null p, and the per-replicate
    sums of one trial's categorical variables (arms in order; ``pooled`` per arm is its
    variable's pooled proportion; ``keep`` the variables with an observed p). Draws come
    from ``trial_rng(seed, trial, "pvalue_distribution", "categorical")``."""
    rng = trial_rng(seed, trial, "pvalue_distribution", "categorical")
    counts = rng.binomial(n.astype(np.int64)[None, :], pooled[None, :],
                          size=(sims, len(n))).astype(float)
    p = categorical_p_many(counts, n, starts, sizes)[:, keep]
    exp = np.bincount(decile(p).ravel(), minlength=10) / sims
    return exp, float(p.mean(axis=0).sum()), p.sum(axis=1)


def calculated_categorical(rows: pd.DataFrame, sims: int, seed: int) -> list[dict]:
    """:func:`partial_pvalue_distribution`'s pieces (one per trial) for categorical
    variables: the observed p of :func:`trialkit.screen.baseline.baseline_p` and the
    simulated null of :func:`null_sums_categorical`."""
    from trialkit.screen.baseline import _categorical, _counts, _group_index

    cat = rows[rows["kind"].astype(str) == "categorical"]
    s, starts, sizes = _group_index(cat)
    if not len(s):
        return []
    p_obs = _categorical(cat, 0, seed, "exact")["p"].to_numpy(float)
    n = s["n"].to_numpy(float)
    c, _ = _counts(s)
    g = np.repeat(np.arange(len(starts)), sizes)
    with np.errstate(all="ignore"):
        pooled = (np.add.reduceat(c, starts) / np.add.reduceat(n, starts))[g]
    out = []
    for trial, v, sl, keep in trial_blocks(s, starts, p_obs):
        pool = np.where(np.isfinite(pooled[sl]), pooled[sl], 0.0)
        exp, exp_sum, sim_sums = null_sums_categorical(
            trial, n[sl], np.clip(pool, 0.0, 1.0), starts[v] - sl.start, sizes[v], keep,
            sims, seed)
        out.append(piece("calculated", trial, p_obs[v][keep], exp, exp_sum, sim_sums,
                          "categorical"))
    return out
