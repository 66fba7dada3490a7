"""Re-randomization (permutation) tests on patient data: every split of the patients enumerated
where there are few enough, else seeded random re-randomizations."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from trialkit.errors import TrialDataError
from trialkit.ipd._ancova import baseline_followup
from trialkit.ipd._common import (
    check_choice,
    check_followup,
    check_int,
    check_outcome,
    check_seed,
    comparisons,
    data_error,
    finish,
    require_ipd,
)

if TYPE_CHECKING:
    from trialkit.trial import Trial

__all__ = ["enumerate_splits", "permutation_test"]

PERMUTATION_STATISTICS = ("mean_difference", "change_difference", "ancova")
ALTERNATIVES = ("two-sided", "greater", "less")
PERMUTATION_COLUMNS = ["outcome", "timepoint", "comparison", "arm", "reference", "measure",
                       "estimate", "p", "n_extreme", "n_arrangements", "n_resamples", "exact",
                       "alternative", "n1", "n2", "seed", "method", "note"]
_CHUNK = 65_536


# ------------------------------------------------------------------------------------------
# exact enumeration
# ------------------------------------------------------------------------------------------

def enumerate_splits(n: int, k: int) -> np.ndarray:
    """Every way to choose ``k`` of ``n`` patients, as a boolean matrix (one row per split).

    Built with numpy by the recursion C(i, j) = C(i-1, j-1) + C(i-1, j), one vectorized
    block per (i, j) pair: the Python loop runs over patients, never over the
    ``math.comb(n, k)`` splits. Rows are in lexicographic order of the chosen indices.

    Parameters
    ----------
    n : int
        Number of patients.
    k : int
        Number assigned to the first group.

    Returns
    -------
    ndarray of bool, shape (math.comb(n, k), n)

    Examples
    --------
    >>> from trialkit.ipd import enumerate_splits
    >>> enumerate_splits(4, 2).astype(int)
    array([[1, 1, 0, 0],
           [1, 0, 1, 0],
           [1, 0, 0, 1],
           [0, 1, 1, 0],
           [0, 1, 0, 1],
           [0, 0, 1, 1]])
    >>> enumerate_splits(17, 8).shape
    (24310, 17)
    """
    n = check_int(n, "n", 0)
    k = check_int(k, "k", 0)
    if k > n:
        raise TrialDataError(f"cannot choose {k} of {n}", field="k")
    # level i holds, for each reachable j, the splits of the last i patients with j chosen
    prev: dict[int, np.ndarray] = {0: np.zeros((1, 0), dtype=bool)}
    for i in range(1, n + 1):
        cur: dict[int, np.ndarray] = {}
        for j in range(max(0, k - (n - i)), min(i, k) + 1):
            parts = []
            if j - 1 in prev:
                block = prev[j - 1]
                parts.append(np.hstack([np.ones((len(block), 1), dtype=bool), block]))
            if j in prev and j <= i - 1:
                block = prev[j]
                parts.append(np.hstack([np.zeros((len(block), 1), dtype=bool), block]))
            cur[j] = parts[0] if len(parts) == 1 else np.vstack(parts)
        prev = cur
    return prev[k]


# ------------------------------------------------------------------------------------------
# permutation test
# ------------------------------------------------------------------------------------------

def _two_arm_data(trial: Trial, outcome: str, timepoint: str, arm: str,
                  ref: str) -> pd.DataFrame:
    wide = baseline_followup(trial, outcome, timepoint)
    return wide[wide["arm"].isin([arm, ref])].reset_index(drop=True)


def _stat_on_splits(statistic: str, wide: pd.DataFrame) -> Callable[[np.ndarray], np.ndarray]:
    """A function of a (m, n) 0/1 float matrix of group-1 indicators -> m statistics."""
    if statistic in ("mean_difference", "change_difference"):
        y = wide["post" if statistic == "mean_difference" else "change"].to_numpy(float)
        total = y.sum()

        def stat(g: np.ndarray) -> np.ndarray:
            n1 = g.sum(axis=1)
            s1 = g @ y
            return s1 / n1 - (total - s1) / (len(y) - n1)

        return stat
    # ANCOVA coefficient of the group indicator g in post ~ 1 + pre + g, by Frisch-Waugh:
    # b = g'My / g'Mg with M = I - H the residual-maker of [1, pre].
    pre = wide["pre"].to_numpy(float)
    y = wide["post"].to_numpy(float)
    z = np.column_stack([np.ones_like(pre), pre])
    m = np.eye(len(y)) - z @ np.linalg.pinv(z)
    my = m @ y

    def stat(g: np.ndarray) -> np.ndarray:
        return (g @ my) / np.einsum("ij,ij->i", g @ m, g)

    return stat


def _count(values: np.ndarray, observed: float, alternative: str) -> int:
    tol = 1e-9 * max(1.0, abs(observed))
    if alternative == "two-sided":
        return int((np.abs(values) >= abs(observed) - tol).sum())
    if alternative == "greater":
        return int((values >= observed - tol).sum())
    return int((values <= observed + tol).sum())


def permutation_test(trial: Trial, outcome: str, timepoint: str,
                     statistic: str = "mean_difference", *,
                     arm: str | Sequence[str] | None = None, reference: str | None = None,
                     alternative: str = "two-sided", n_resamples: int = 9_999,
                     max_exact: int = 250_000, seed: int = 0) -> pd.DataFrame:
    """Re-randomization test of arm vs reference: exact when the splits can be enumerated.

    The p value is the share of re-randomizations (all ways of dealing the same patients
    into groups of the same sizes) whose statistic is at least as extreme as the one
    observed. When there are at most ``max_exact`` such splits (C(17, 8) = 24,310 for a 9/8
    trial) all of them are enumerated (:func:`enumerate_splits`; vectorized numpy) and the p
    value is an exact count: ``n_extreme / n_arrangements``. Otherwise ``n_resamples`` random
    re-randomizations are drawn with ``seed`` by :func:`scipy.stats.permutation_test`, and
    p = (b + 1) / (m + 1) (the observed split counted once; Phipson & Smyth 2010).

    Two-sided means ``|T*| >= |T|``. Only the patients of the two arms compared, measured at
    baseline and ``timepoint``, take part.

    Parameters
    ----------
    trial : Trial
        A parallel trial with patient data and a baseline.
    outcome, timepoint : str
    statistic : {"mean_difference", "change_difference", "ancova"}
        Difference (arm - reference) in follow-up means, in mean change from baseline, or the
        ANCOVA arm coefficient adjusted for baseline (all vectorized over the splits).
    arm : str or sequence of str, optional
        The arm(s) compared with the reference (default: every other arm).
    reference : str, optional
        The comparator arm (default: the trial's reference arm).
    alternative : {"two-sided", "greater", "less"}
    n_resamples : int
        Random re-randomizations when the test cannot be exact.
    max_exact : int
        Enumerate all splits when there are at most this many.
    seed : int
        Seed of the random re-randomizations (the same seed gives the same p value).

    Returns
    -------
    DataFrame
        Columns outcome, timepoint, comparison, arm, reference, measure (the statistic),
        estimate (its observed value), p, n_extreme, n_arrangements (all splits),
        n_resamples (splits used: all of them when exact), exact, alternative, n1, n2, seed,
        method, note.

    References
    ----------
    Fisher RA. The Design of Experiments. 1935. Ernst MD. Permutation methods: a basis for
    exact inference. Stat Sci 2004;19:676-685. Phipson B, Smyth GK. Permutation p-values
    should never be zero. Stat Appl Genet Mol Biol 2010;9:39.

    Examples
    --------
    >>> import trialkit
    >>> from trialkit.ipd import permutation_test
    >>> res = permutation_test(trialkit.load("anorexia"), "weight", "post", arm="ft",
    ...                        statistic="change_difference")
    >>> bool(res["exact"].iloc[0]), int(res["n_arrangements"].iloc[0])
    (False, 421171648758)
    """
    from scipy import stats

    require_ipd(trial, "permutation_test")
    check_outcome(trial, outcome)
    check_followup(trial, timepoint)
    check_choice(statistic, "statistic", PERMUTATION_STATISTICS)
    check_choice(alternative, "alternative", ALTERNATIVES)
    n_resamples = check_int(n_resamples, "n_resamples", 1)
    max_exact = check_int(max_exact, "max_exact", 0)
    seed = check_seed(seed)
    rows: list[dict[str, Any]] = []
    for a, ref in comparisons(trial, arm, reference):
        wide = _two_arm_data(trial, outcome, timepoint, a, ref)
        g_obs = (wide["arm"] == a).to_numpy(float)
        n1, n = int(g_obs.sum()), len(g_obs)
        n2 = n - n1
        keys = {"outcome": outcome, "timepoint": timepoint, "comparison": f"{a}-{ref}",
                "arm": a, "reference": ref, "measure": statistic}
        if n1 < 1 or n2 < 1 or (statistic == "ancova" and n < 4):
            raise data_error(trial, f"{a}-{ref}: too few patients measured at baseline and "
                             f"{timepoint} ({n1} and {n2})", outcome=outcome,
                             timepoint=timepoint, arms=[a, ref], field="arm")
        stat = _stat_on_splits(statistic, wide)
        observed = float(stat(g_obs[None, :])[0])
        total = math.comb(n, n1)
        note = None
        if total <= max(max_exact, n_resamples):
            splits = enumerate_splits(n, n1)
            extreme = 0
            for start in range(0, total, _CHUNK):
                block = splits[start:start + _CHUNK].astype(float)
                extreme += _count(stat(block), observed, alternative)
            p = extreme / total
            exact, used = True, total
            method = (f"permutation/exact/all_{total}_splits/{statistic}/"
                      f"{'|T*|>=|T|' if alternative == 'two-sided' else alternative}")
        else:
            y_idx = (np.flatnonzero(g_obs == 1), np.flatnonzero(g_obs == 0))

            def vstat(x: np.ndarray, z: np.ndarray, axis: int = -1, n: int = n,
                      stat: Callable[[np.ndarray], np.ndarray] = stat) -> np.ndarray:
                g = np.zeros((*x.shape[:-1], n))
                np.put_along_axis(g, x.astype(int), 1.0, axis=-1)
                flat = g.reshape(-1, n)
                val = stat(flat).reshape(x.shape[:-1])
                return np.abs(val) if alternative == "two-sided" else val

            res = stats.permutation_test(
                y_idx, vstat, permutation_type="independent", vectorized=True,
                n_resamples=n_resamples, rng=np.random.default_rng(seed),
                alternative="greater" if alternative == "two-sided" else alternative)
            p = float(res.pvalue)
            extreme = round(p * (n_resamples + 1)) - 1
            exact, used = False, n_resamples
            method = (f"permutation/monte_carlo/scipy.stats.permutation_test/"
                      f"n_resamples={n_resamples}/seed={seed}/{statistic}/p=(b+1)/(m+1)/"
                      f"{'|T*|>=|T|' if alternative == 'two-sided' else alternative}")
            note = (f"{total:,} possible splits > max_exact = {max_exact:,}: Monte Carlo p "
                    f"(Monte Carlo SE about {math.sqrt(p * (1 - p) / n_resamples):.2g})")
        rows.append({**keys, "estimate": observed, "p": p, "n_extreme": int(extreme),
                     "n_arrangements": total, "n_resamples": used, "exact": exact,
                     "alternative": alternative, "n1": n1, "n2": n2, "seed": seed,
                     "method": method, "note": note})
    return finish(rows, PERMUTATION_COLUMNS)
