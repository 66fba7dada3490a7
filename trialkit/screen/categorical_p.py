"""Monte Carlo baseline p of categorical variables, the way simdistr computes it.

simdistr's ``sim_distr`` (Sousa-Pinto et al.; the Carlisle-Stouffer method of Carlisle &
Loadsman 2017) tests a categorical variable with the same statistic and tie rule as a
continuous one, so that identical proportions in every arm give a p that is small but not
degenerate (a closed-form chi-squared or Fisher p is then exactly 1, and Stouffer's z
infinite):

- statistic: ``D = sum_i (p_i - P)^2``, the (unweighted) sum of squared differences of the
  arms' proportions ``p_i`` from their n-weighted mean ``P``;
- null: all arms sampled from one population. Each simulation draws a population
  proportion ``pi = Binomial(N, P) / N`` (N the patients in all arms), then each arm's
  count ``Binomial(n_i, pi)``; the simulated proportion is rounded to the decimals the
  proportion was printed with (nothing is rounded when the count itself was given);
- tie rule: ties count half (a Monte Carlo mid-p). In simdistr's convention (small when the
  arms are too alike) ``[P(D* < D) + P(D* <= D)] / 2``; here, in :func:`baseline_p`'s
  convention (near 1 when alike), ``p = 1 - [P(D* < D) + P(D* <= D)] / 2``. With identical
  proportions ``D = 0`` and ``p = 1 - P(D* = 0) / 2``.

When no simulation ties an observed ``D = 0`` (many large arms), the mid-p would be exactly
1; it is then set to ``1 - 1 / (2 sims)`` (as if half of one simulation had tied, the
smallest value the tie rule can give) and ``method`` says so, so the variable still enters
the combination with a finite z (simdistr would return a combined p of 0).

Every random draw comes from :func:`trialkit.screen._rows.trial_rng` keyed by the trial and
the variable, so a table split into chunks or Dask partitions gives the same p values.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from trialkit.screen._rows import trial_rng

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["CATEGORICAL_OPTIONS", "categorical_frame_p", "simdistr_categorical_p"]

#: ``categorical=`` of :func:`trialkit.screen.baseline.baseline_p`: ``"simdistr"`` (with
#: ``sims > 0``, ``p_carlisle`` is the Monte Carlo mid-p of this module, ties in exact
#: arithmetic), ``"simdistr_r"`` (the same with R's floating-point comparison of the
#: statistic, ``ties="simdistr"``: reproduces simdistr's numbers) or ``"exact"`` (only the
#: chi-squared / Fisher p; ``p_carlisle`` stays NaN, the combination then uses ``p``, which
#: is exactly 1 for identical counts).
CATEGORICAL_OPTIONS = ("simdistr", "simdistr_r", "exact")
#: what ``method`` gains when ``p_carlisle`` is this module's p
METHOD_SUFFIX = "+p_carlisle:simdistr_monte_carlo_midp"


def check_categorical_option(categorical: str) -> None:
    """Raise ``ValueError`` unless ``categorical`` is one of :data:`CATEGORICAL_OPTIONS`."""
    if categorical not in CATEGORICAL_OPTIONS:
        raise ValueError(f"categorical={categorical!r}; expected one of "
                         f"{', '.join(map(repr, CATEGORICAL_OPTIONS))}")


def categorical_frame_p(s: pd.DataFrame, starts: np.ndarray, sizes: np.ndarray,
                        frame: pd.DataFrame, sims: int, seed: int,
                        ties: str = "exact") -> tuple[np.ndarray, np.ndarray]:
    """``p_carlisle`` and ``method`` of :func:`baseline_p`'s categorical rows.

    ``s`` is the categorical rows sorted by trial, variable, timepoint, arm (arms of a
    variable at ``starts``/``sizes``), ``frame`` the variables' frame. An arm's proportion
    is ``count / n`` when the count is given (exact: simulated proportions are not
    rounded), else ``percent / 100`` rounded in simulation to the percentage's printed
    decimals (``percent_decimals``, else counted from ``percent_text``, else from the
    number, as for means).
    """
    n = s["n"].to_numpy(float)
    count = s["count"].to_numpy(float)
    pct = s["percent"].to_numpy(float)
    given = np.isfinite(count)
    prop = np.where(given, count / n, pct / 100.0)
    dec = np.where(given, -1, _percent_decimals(s) + 2)
    keys = (frame["variable"].astype(str) + "\x1f" + frame["timepoint"].astype(str)).to_numpy()
    p, floored = simdistr_categorical_p(frame["trial"].astype(str).to_numpy(), keys, n, prop,
                                        dec, starts, sizes, sims, seed, ties)
    method = frame["method"].to_numpy(object).copy()
    ok = np.isfinite(p)
    base = METHOD_SUFFIX + ("(float_ties_as_R)" if ties == "simdistr" else "")
    suffix = np.where(floored, base + "(no_tie_in_sims:1-1/(2sims))", base)
    method[ok] = (method[ok].astype(str) + suffix[ok]).astype(object)
    return p, method


def _percent_decimals(s: pd.DataFrame) -> np.ndarray:
    """Printed decimals of each row's percentage (a whole percent when nothing says)."""
    from trialkit.screen.across._common import decimals_of, decimals_of_text

    dec = (s["percent_decimals"].to_numpy(np.int64).copy() if "percent_decimals" in s
           else np.full(len(s), -1, np.int64))
    texts = (s["percent_text"].astype(str).to_numpy() if "percent_text" in s
             else np.full(len(s), "", object))
    values = s["percent"].to_numpy(float)
    for i in np.flatnonzero(dec < 0):
        d = decimals_of_text(texts[i]) if texts[i] else -1
        dec[i] = d if d >= 0 else max(decimals_of(values[i]), 0)
    return dec


def simdistr_categorical_p(trials: np.ndarray, keys: np.ndarray, n: np.ndarray,
                           prop: np.ndarray, dec: np.ndarray, starts: np.ndarray,
                           sizes: np.ndarray, sims: int, seed: int,
                           ties: str = "exact") -> tuple[np.ndarray, np.ndarray]:
    """simdistr's Monte Carlo p of each categorical variable (module documentation).

    Parameters
    ----------
    trials, keys : ndarray of str
        Per variable: the trial's name and the variable's key (variable and timepoint),
        which seed its draws (``trial_rng(seed, trial, "baseline_p", "categorical", key)``).
    n, prop : ndarray of float
        Per arm (rows grouped by ``starts``/``sizes``): patients and the proportion in the
        category as printed (a fraction, not a percentage).
    dec : ndarray of int
        Per arm: the decimals the proportion (as a fraction) was printed with; -1 when the
        count was given, so simulated proportions are not rounded.
    starts, sizes : ndarray of int
        Offset and number of arms of each variable.
    sims, seed : int
        Simulations per variable and the seed.
    ties : {"exact", "simdistr"}
        What counts as a tie ``D* = D``. ``"exact"``: equal in exact arithmetic (the
        proportions are rounded decimals or fractions of whole counts, so equal statistics
        must count as ties whatever the order of the floating-point sums; relative
        tolerance 1e-9). ``"simdistr"``: R's floating-point comparison as ``sim_distr``
        does it (sums accumulated in extended precision like R's ``sum``, then compared
        with ``<`` and ``<=``), so that some exact ties count as below or above; only for
        reproducing simdistr's numbers (it needs an 80-bit ``numpy.longdouble``, as on
        x86-64 Linux).

    Returns
    -------
    (p, floored) : tuple of ndarray
        ``p`` per variable, in the convention near 1 when the arms are alike (NaN for fewer
        than two arms or a missing number), and whether it was set to ``1 - 1 / (2 sims)``
        because no simulation tied an observed ``D = 0``.

    References
    ----------
    Carlisle, J. B., & Loadsman, J. A. (2017). Evidence for non-random sampling in
    randomised, controlled trials by Yuhji Saitoh. Anaesthesia, 72, 17-27.
    Sousa-Pinto, B., et al. simdistr 1.0.1 (CRAN), ``sim_distr``.

    Examples
    --------
    >>> import numpy as np
    >>> p, _ = simdistr_categorical_p(np.array(["T"]), np.array(["sex"]),
    ...     np.array([15.0, 15.0]), np.array([0.47, 0.47]), np.array([2, 2]),
    ...     np.array([0]), np.array([2]), 20000, 1)
    >>> bool(0.90 < p[0] < 0.96)   # simdistr: 1 - 0.0688 = 0.931
    True
    """
    if ties not in ("exact", "simdistr"):
        raise ValueError(f"ties={ties!r}; expected 'exact' or 'simdistr'")
    p = np.full(len(starts), np.nan)
    floored = np.zeros(len(starts), bool)
    for j, (s0, k) in enumerate(zip(starts.tolist(), sizes.tolist(), strict=True)):
        nj, pj, dj = n[s0:s0 + k], prop[s0:s0 + k], dec[s0:s0 + k]
        if k < 2 or not (np.isfinite(nj).all() and np.isfinite(pj).all()) or (nj <= 0).any():
            continue
        p[j], floored[j] = _one(nj, pj, dj, sims,
                                trial_rng(seed, str(trials[j]), "baseline_p", "categorical",
                                          str(keys[j])), ties)
    return p, floored


def _one(n: np.ndarray, prop: np.ndarray, dec: np.ndarray, sims: int,
         rng: np.random.Generator, ties: str) -> tuple[float, bool]:
    """The mid-p of one variable (its arms' n, printed proportions and decimals)."""
    big_n = n.sum()
    pooled = float(np.clip((n * prop).sum() / big_n, 0.0, 1.0))
    pop = rng.binomial(int(big_n), pooled, size=sims) / big_n
    counts = rng.binomial(n.astype(np.int64)[None, :], pop[:, None])
    sim = counts / n
    rounded = dec >= 0
    if rounded.any():
        scale = 10.0 ** np.where(rounded, dec, 0)
        sim = np.where(rounded, np.round(sim * scale) / scale, sim)
    if ties == "simdistr":
        observed = _spread_r(prop[None, :], n)[0]
        d = _spread_r(sim, n)
        below, at_or_below = float((d < observed).mean()), float((d <= observed).mean())
        return 1.0 - (below + at_or_below) / 2.0, False
    observed = _spread(prop[None, :], n)[0]
    d = _spread(sim, n)
    # equal in exact arithmetic, whatever the rounding of the floating-point sums
    tol = 1e-9 * max(observed, 1e-12)
    below = float((d < observed - tol).mean())
    at_or_below = float((d <= observed + tol).mean())
    if at_or_below == 0.0 and observed <= tol:
        return 1.0 - 0.5 / sims, True
    return 1.0 - (below + at_or_below) / 2.0, False


def _spread(props: np.ndarray, n: np.ndarray) -> np.ndarray:
    """``sum_i (p_i - P)^2`` per row, P the n-weighted mean of the row's proportions."""
    mean = (props * n).sum(axis=-1, keepdims=True) / n.sum()
    return ((props - mean) ** 2).sum(axis=-1)


def _spread_r(props: np.ndarray, n: np.ndarray) -> np.ndarray:
    """:func:`_spread` as simdistr's R code rounds it: ``sum()`` accumulates in long
    double and returns a double; products, quotients and squares are doubles."""
    ld = np.longdouble
    mean = (props * n).astype(ld).sum(axis=-1).astype(float) / float(n.sum())
    return ((props - mean[:, None]) ** 2).astype(ld).sum(axis=-1).astype(float)
