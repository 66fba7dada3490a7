"""The distribution of baseline p values across trials against the distribution expected
under randomisation (Carlisle 2017; Bolland et al. 2019, 2020; reappraised's
``pval_cont_fn`` and ``pval_cat_fn``; the categorical null is in :mod:`.pvalues_cat`)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from trialkit.screen._rows import trial_rng
from trialkit.screen.across._common import column_decimals, require, sort_keys
from trialkit.screen.across._pieces import PIECE, decile, piece, trial_blocks
from trialkit.screen.across.pvalues_cat import calculated_categorical

__all__ = ["CARLISLE_DECILES", "combine_pvalue_distribution", "partial_pvalue_distribution",
           "pvalue_distribution"]

#: Proportions of baseline p values (from rounded summary statistics) in each decile among
#: Carlisle's 2017 trials, as reappraised uses them (Bolland et al. 2020, Anaesthesia 75:1685).
CARLISLE_DECILES = (0.116, 0.097, 0.091, 0.096, 0.093, 0.095, 0.091, 0.086, 0.072, 0.163)
WHICH = ("calculated", "reported")
_AUC = "/auc_mc_two_sided_ties_extreme"
METHODS = {("calculated", "continuous"): "deciles_chi2_vs_simulated_rounding_null" + _AUC,
           ("calculated", "categorical"):
           "deciles_chi2_vs_simulated_binomial_null(chi2_pearson_or_fisher)" + _AUC,
           ("reported", "continuous"): "deciles_chi2_vs_uniform" + _AUC,
           ("reported", "categorical"): "deciles_chi2_vs_uniform" + _AUC}
KINDS = ("continuous", "categorical")


def _null_sums(trial: str, n: np.ndarray, mu: np.ndarray, sigma: np.ndarray,
               dm: np.ndarray, ds: np.ndarray, starts: np.ndarray, sizes: np.ndarray,
               keep: np.ndarray, sims: int, seed: int) -> tuple[np.ndarray, float,
                                                                np.ndarray]:
    """Null p values of one trial's continuous variables, from their printed rounding:
    every arm drawn from one normal population (the n-weighted mean, the pooled SD) with
    its own n; the arm's sample mean N(mu, sigma^2/n) and SD sigma sqrt(chi2_(n-1)/(n-1)),
    each rounded to the decimals the variable prints, then the t / ANOVA p recomputed.
    Identical rounded means with no spread (F = 0/0) count as p = 1. Arrays are the
    trial's rows (arms) in order; ``starts``/``sizes`` its variables, ``keep`` those with
    an observed p. Returns (expected decile counts, sum of mean p, per-replicate sums)."""
    from trialkit.screen.baseline import anova_p

    g = np.repeat(np.arange(len(starts)), sizes)
    rng = trial_rng(seed, trial, "pvalue_distribution")
    z = rng.standard_normal((sims, len(n)))
    c = rng.chisquare(np.maximum(n - 1, 1), (sims, len(n)))
    sm = _round(mu + sigma / np.sqrt(n) * z, dm)
    ss = _round(sigma * np.sqrt(c / np.maximum(n - 1, 1)), ds)
    big_n = np.add.reduceat(n, starts)
    grand = np.add.reduceat(n * sm, starts, axis=1) / big_n
    ssb = np.add.reduceat(n * (sm - grand[:, g]) ** 2, starts, axis=1)
    ssw = np.add.reduceat((n - 1) * ss**2, starts, axis=1)
    p = anova_p(ssb, ssw, sizes.astype(float), big_n)
    p = np.where(np.isnan(p) & (ssb == 0), 1.0, p)[:, keep]
    p = np.where(np.isnan(p), 1.0, p)
    exp = np.bincount(decile(p).ravel(), minlength=10) / sims
    return exp, float(p.mean(axis=0).sum()), p.sum(axis=1)


def _round(x: np.ndarray, d: np.ndarray) -> np.ndarray:
    scale = 10.0 ** d
    return np.round(x * scale) / scale


def _calculated(rows: pd.DataFrame, sims: int, seed: int) -> list[dict]:
    from trialkit.screen.baseline import _group_index, anova_p

    s, starts, sizes = _group_index(rows[rows["kind"].astype(str) == "continuous"])
    if not len(s):
        return []
    g = np.repeat(np.arange(len(starts)), sizes)
    n = s["n"].to_numpy(float)
    m = s["mean"].to_numpy(float)
    sd = s["sd"].to_numpy(float)
    dm = np.maximum.reduceat(column_decimals(s, "mean")[0], starts)[g]
    ds = np.maximum.reduceat(column_decimals(s, "sd")[0], starts)[g]
    big_n = np.add.reduceat(n, starts)
    grand = np.add.reduceat(n * m, starts) / big_n
    ssb = np.add.reduceat(n * (m - grand[g]) ** 2, starts)
    ssw = np.add.reduceat((n - 1) * sd**2, starts)
    p_obs = anova_p(ssb, ssw, sizes.astype(float), big_n)
    mu = grand[g]
    with np.errstate(all="ignore"):
        sigma = np.sqrt(ssw / (big_n - sizes))[g]
    out = []
    for trial, v, sl, keep in trial_blocks(s, starts, p_obs):
        exp, exp_sum, sim_sums = _null_sums(
            trial, n[sl], mu[sl], sigma[sl], dm[sl], ds[sl], starts[v] - sl.start,
            sizes[v], keep, sims, seed)
        out.append(piece("calculated", trial, p_obs[v][keep], exp, exp_sum, sim_sums))
    return out


def partial_pvalue_distribution(rows: pd.DataFrame, *, which: str = "calculated",
                                sims: int = 1000, seed: int = 1,
                                kind: str = "continuous") -> pd.DataFrame:
    """One row per trial: its p values (of the variables of ``kind``), their deciles, the
    expected deciles and the sums of its simulated p per replicate;
    :func:`combine_pvalue_distribution` adds trials up."""
    from trialkit.screen.baseline import NEEDED, baseline_p

    require(rows, NEEDED, "pvalue_distribution")
    if which not in WHICH:
        from trialkit.errors import TrialDataError
        raise TrialDataError(f"pvalue_distribution: which={which!r}; expected one of "
                             f"{', '.join(WHICH)}")
    if kind not in KINDS:
        from trialkit.errors import TrialDataError
        raise TrialDataError(f"pvalue_distribution: kind={kind!r}; expected one of "
                             f"{', '.join(KINDS)}")
    if which == "calculated" and kind == "categorical":
        out = calculated_categorical(rows, sims, seed)
    elif which == "calculated":
        out = _calculated(rows, sims, seed)
    else:
        bp = baseline_p(rows)
        bp = bp[(bp["kind"] == kind) & np.isfinite(bp["reported_p"].to_numpy(float))]
        out = []
        for trial, grp in bp.groupby("trial", sort=True):
            p = grp["reported_p"].to_numpy(float)
            u = trial_rng(seed, str(trial), "pvalue_distribution", "reported").random(
                (sims, len(p)))
            out.append(piece("reported", str(trial), p, np.full(10, 0.1 * len(p)),
                              0.5 * len(p), u.sum(axis=1), kind))
    pieces = pd.DataFrame(out, columns=PIECE)
    pieces.attrs.update(which=which, sims=sims, seed=seed, kind=kind)
    return pieces


def auc_trapezoid(p: np.ndarray) -> float:
    """reappraised's AUC of the ECDF: points (p_(i), rank_i / N) with tied p given their
    highest rank, preceded by (0, 0), joined by straight lines up to the largest p."""
    p = np.sort(np.asarray(p, float))
    if not len(p):
        return math.nan
    y = np.searchsorted(p, p, side="right") / len(p)
    x = np.r_[0.0, p]
    y = np.r_[0.0, y]
    return float(((x[1:] - x[:-1]) * (y[1:] + y[:-1]) / 2).sum())


def combine_pvalue_distribution(pieces: pd.DataFrame) -> pd.DataFrame:
    """Add up pieces of :func:`partial_pvalue_distribution` (concatenated, from any split of
    whole trials) into :func:`pvalue_distribution`'s frame.

    Examples
    --------
    >>> import pandas as pd
    >>> from trialkit.screen import example_rows
    >>> rows = example_rows()
    >>> import trialkit.screen.across as A
    >>> a = A.partial_pvalue_distribution(rows[rows.trial == "T1"], sims=50)
    >>> b = A.partial_pvalue_distribution(rows[rows.trial == "T2"], sims=50)
    >>> whole = A.pvalue_distribution(rows, sims=50)
    >>> whole.equals(A.combine_pvalue_distribution(pd.concat([b, a], ignore_index=True)))
    True
    """
    from scipy import stats

    which = str(pieces["which"].iloc[0]) if len(pieces) else pieces.attrs.get(
        "which", "calculated")
    kind = str(pieces["kind"].iloc[0]) if len(pieces) else pieces.attrs.get(
        "kind", "continuous")
    sims = int(pieces.attrs.get("sims", 0))
    pc = sort_keys(pieces, ["trial"])
    k = int(pc["k"].sum())
    p = np.array([x for t in pc["p_values"] for x in t], float)
    obs = np.array(pc["obs_bins"].tolist(), float).reshape(-1, 10).sum(axis=0)
    exp = np.array(pc["exp_bins"].tolist(), float).reshape(-1, 10).sum(axis=0)
    if k:
        auc = 1.0 - float(p.sum()) / k
        auc_exp = 1.0 - float(pc["exp_sum"].sum()) / k
        sim = np.array(pc["sim_sums"].tolist(), float).reshape(len(pc), -1).sum(axis=0)
        sims = sim.size
        dev = np.abs((1.0 - sim / k) - auc_exp)
        p_auc = float((1 + np.sum(dev >= abs(auc - auc_exp) - 1e-12)) / (1 + sims))
        e = k * exp / exp.sum()
        with np.errstate(all="ignore"):
            p_dec = float(stats.chi2.sf(((obs - e) ** 2 / e).sum(), 9))
            r = k * np.array(CARLISLE_DECILES)
            p_ref = float(stats.chi2.sf(((obs - r) ** 2 / r).sum(), 9))
    else:
        auc = auc_exp = p_auc = p_dec = p_ref = math.nan
    method = METHODS[which, kind]
    lo = np.arange(10) / 10
    return pd.DataFrame({
        "which": which, "kind": kind, "bin": np.arange(1, 11), "low": lo, "high": lo + 0.1,
        "observed": obs.astype(np.int64), "expected": exp if k else np.full(10, 0.0),
        "n_variables": k, "n_trials": int((pc["k"] > 0).sum()), "auc": auc,
        "auc_expected": auc_exp, "auc_trapezoid": auc_trapezoid(p), "p": p_dec,
        "p_auc": p_auc,
        "p_reference": p_ref if (which, kind) == ("calculated", "continuous") else math.nan,
        "sims": sims, "method": method})


def pvalue_distribution(table: pd.DataFrame, *, which: str = "calculated", sims: int = 1000,
                        seed: int = 1, kind: str = "continuous") -> pd.DataFrame:
    """Baseline p values across trials against the distribution randomisation gives them.

    ``which="reported"``: the papers' own p values, computed from the raw data, are uniform
    on (0, 1) under randomisation (Bolland et al. 2019). ``which="calculated"``: p values
    recomputed from rounded summary statistics are not (rounding piles them up near 1 and
    0), so their expected distribution is simulated trial by trial (Bolland et al. 2019,
    2020; reappraised's reference proportions came from such a simulation of Carlisle's
    trials): each variable's arms are drawn from one normal population (its n-weighted mean
    and pooled SD) with their own n, the simulated means and SDs are rounded to the
    decimals the variable prints, and the t / ANOVA p is recomputed (``sims`` times).

    ``kind="categorical"`` (counts or percentages per arm): with ``which="reported"`` as
    above; with ``which="calculated"`` the observed p is
    :func:`trialkit.screen.baseline.baseline_p`'s (Pearson's chi-squared without continuity
    correction, Fisher's exact test for two arms when an expected count is below 5; a
    percentage becomes the count ``round(percent n / 100)``). These p are not uniform under
    randomisation (Bolland et al. 2019: the counts are discrete and Fisher's test is
    conservative, so too few small p and too many near 1), so their null is simulated too
    (:mod:`trialkit.screen.across.pvalues_cat`): each arm's count drawn from
    Binomial(n_i, P), the arm's own n and the variable's pooled proportion P, and the same
    test applied to each simulated table (one with nobody or everybody in the category
    counts as p = 1). Variables with no observed p (nobody or everybody in the category)
    are left out. ``p_reference`` is then NaN (Carlisle's proportions are for continuous
    variables).

    Two comparisons: ``p`` is Pearson's chi-squared test of the counts in the ten deciles
    (right-closed bins (a, b], as R's ``cut``) against the expected proportions, on 9 df
    (reappraised's test); ``auc`` is the area under the ECDF over [0, 1], ``1 - mean(p)``
    (0.5 when uniform), against ``auc_expected`` from the simulation, and ``p_auc`` its
    two-sided Monte Carlo p: the share of simulated sets of p values whose AUC is at least
    as far from ``auc_expected`` as the observed one, ties counted as at least as far
    (within 1e-12), ``(1 + #) / (1 + sims)`` (Phipson & Smyth 2010); the same rule for both
    kinds. ``auc_trapezoid`` is reappraised's AUC
    (straight lines between the ECDF's points up to the largest p), to compare with its
    output; ``p_reference`` (calculated only) tests the deciles against Carlisle's empirical
    proportions :data:`CARLISLE_DECILES`, as reappraised does.

    Parameters
    ----------
    table : DataFrame
        A rows frame.
    which : {"calculated", "reported"}
    sims : int
        Simulated sets (per variable for "calculated").
    seed : int
        Draws come from :func:`trialkit.screen._rows.trial_rng` per trial.
    kind : {"continuous", "categorical"}
        Which variables; both kinds with either ``which``.

    Returns
    -------
    DataFrame
        One row per decile: ``which, kind, bin, low, high, observed, expected``, and the
        summary repeated on each row: ``n_variables, n_trials, auc, auc_expected,
        auc_trapezoid, p, p_auc, p_reference, sims, method``.

    References
    ----------
    Bolland, M. J., Gamble, G. D., Avenell, A., Grey, A., & Lumley, T. (2019). Baseline P
    value distributions in randomized trials were uniform for continuous but not
    categorical variables. J Clin Epidemiol, 112, 67-76. Bolland, M. J., et al. (2020).
    Empirically generated reference proportions for baseline p values from rounded summary
    statistics. Anaesthesia, 75, 1685-1687. Carlisle, J. B. (2017). Anaesthesia, 72,
    944-952. Phipson, B., & Smyth, G. K. (2010). Permutation p-values should never be zero.
    Stat Appl Genet Mol Biol, 9, 39.

    Examples
    --------
    >>> import pandas as pd
    >>> from trialkit.screen.across.pvalues import pvalue_distribution
    >>> rows = pd.DataFrame({"trial": "T", "variable": "age", "arm": ["a", "b"],
    ...     "timepoint": "", "kind": "continuous", "n": [54, 54], "mean": [65.6, 66.3],
    ...     "sd": [7.3, 6.0], "mean_text": "", "sd_text": "", "mean_decimals": -1,
    ...     "sd_decimals": -1, "count": float("nan"), "percent": float("nan"),
    ...     "reported_p": [0.59, 0.59], "file": "", "row": [1, 2]})
    >>> int(pvalue_distribution(rows, which="reported", sims=99).observed.sum())
    1
    >>> cat = rows.assign(kind="categorical", variable="women", n=8, count=[3.0, 4.0])
    >>> res = pvalue_distribution(cat, kind="categorical", sims=2000)
    >>> res.expected.round(2).tolist()   # Fisher's p of 8 v 8: far from uniform
    [0.03, 0.06, 0.04, 0.09, 0.0, 0.03, 0.2, 0.0, 0.0, 0.55]
    """
    return combine_pvalue_distribution(partial_pvalue_distribution(
        table, which=which, sims=sims, seed=seed, kind=kind))
