"""Carlisle's Monte Carlo ANOVA p for baseline means printed to a few decimals (Carlisle &
Loadsman 2017, appendix; reappraised's ``anova_fn``), per trial from :func:`trial_rng`."""

from __future__ import annotations

import numpy as np

from trialkit.screen._rows import trial_rng


def carlisle_p(trials: np.ndarray, n: np.ndarray, m: np.ndarray, sd: np.ndarray,
               dec: np.ndarray, starts: np.ndarray, sizes: np.ndarray, sims: int,
               seed: int) -> np.ndarray:
    """Monte Carlo p of each variable (rows are arms, grouped by ``starts``/``sizes``;
    ``trials`` and ``dec`` per variable).

    The statistic is ``D = sum_i (m_i - M)^2`` with M the n-weighted mean of the printed
    means. Under randomisation a population mean is drawn from N(M, S^2 / nbar) (S^2 the
    n-weighted mean of the SD^2, nbar the mean n), each arm's mean from N(mu, S^2 / n_i),
    rounded to the decimals the means are printed with, and D recomputed; ``p = 1 - [P(D*
    < D) + P(D* <= D)] / 2``, so ties (frequent with rounded means) count half (a mid-p).
    """
    g = np.repeat(np.arange(len(starts)), sizes)
    big_n = np.add.reduceat(n, starts)
    grand = np.add.reduceat(n * m, starts) / big_n
    s_pop = np.sqrt(np.add.reduceat(sd**2 * n, starts) / big_n)
    sem = s_pop / np.sqrt(big_n / sizes)
    obs = np.add.reduceat((m - grand[g]) ** 2, starts)
    scale = 10.0 ** dec
    p = np.full(len(starts), np.nan)
    t_starts = np.flatnonzero(np.r_[True, trials[1:] != trials[:-1]])
    t_ends = np.r_[t_starts[1:], len(starts)]
    for v0, v1 in zip(t_starts, t_ends, strict=True):
        r0 = starts[v0]
        r1 = starts[v1] if v1 < len(starts) else len(n)
        loc_starts, gg = starts[v0:v1] - r0, g[r0:r1] - v0
        rng = trial_rng(seed, str(trials[v0]), "baseline_p", "carlisle")
        pop = grand[v0:v1] + sem[v0:v1] * rng.standard_normal((sims, v1 - v0))
        arm = pop[:, gg] + (s_pop[g[r0:r1]] / np.sqrt(n[r0:r1])) * rng.standard_normal(
            (sims, r1 - r0))
        sc = scale[v0:v1][gg]
        arm = np.round(arm * sc) / sc
        nn = n[r0:r1]
        mean_s = np.add.reduceat(arm * nn, loc_starts, axis=1) / big_n[v0:v1]
        d = np.add.reduceat((arm - mean_s[:, gg]) ** 2, loc_starts, axis=1)
        o = obs[v0:v1]
        p[v0:v1] = 1 - ((d < o).mean(axis=0) + (d <= o).mean(axis=0)) / 2
    ok = np.isfinite(s_pop) & (sizes >= 2)
    return np.where(ok, p, np.nan)
