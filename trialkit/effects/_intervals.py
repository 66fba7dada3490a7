"""Quantiles and confidence intervals for :mod:`trialkit.effects`: normal, t and
noncentral-t (with its normal fallback), and the t-test columns.

Everything here is private; the sibling modules call it.
"""

from __future__ import annotations

import functools
import warnings

import numpy as np
from scipy import stats

from trialkit.effects._nct import _nct_solve, nct_start_terms
from trialkit.effects._validate import first_bad
from trialkit.errors import TrialDataError

__all__: list[str] = []


@functools.lru_cache(maxsize=64)
def z_quantile(level: float) -> float:
    """``z`` with ``P(|Z| > z) = 1 - level`` (cached: scipy's frozen-free call costs ~50 us)."""
    return float(stats.norm.isf((1 - level) / 2))


def t_quantile(level: float, df: np.ndarray) -> np.ndarray:
    return stats.t.isf((1 - level) / 2, df)


#: Largest |t| (the observed noncentrality) for which the noncentral t is inverted. Measured
#: with scipy 1.15 (Boost): the density scipy.stats.nct._pdf returns 0 instead of ~7e-4 at
#: df = 2, ncp = 1000, and takes ~2 ms per value at |ncp| = 1000, ~0.19 s at 1e4 (time grows
#: like ncp^2; a solver's many evaluations at 1e5 never return); up to 200 it is below 0.3 ms
#: and agrees with the cdf's derivative for df from 2 to 1e8. Beyond, a normal interval.
NCT_MAX_T = 200.0
#: Largest df for which the noncentral t is inverted: Boost's tgamma overflows in the density
#: (OverflowError) at df = 1e10 with ncp = 10 and at df = 1e8 with ncp = 5000 (measured).
NCT_MAX_DF = 1e8


def nct_limits(t: np.ndarray, df: np.ndarray,
               level: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Noncentral-t interval limits where they can be computed reliably.

    Returns ``(lo, hi, ok)``: the limits of the noncentrality parameter (NaN where not
    computed) and a mask of rows where they were (``|t| <= NCT_MAX_T``, ``df <= NCT_MAX_DF``
    and the solver converged). Never loops for long: the solver's iterations are bounded.
    """
    alpha = 1 - level
    t = np.asarray(t, dtype=float)
    # scipy's nctdtr returns NaN for df = 1 and 1e-161 < |t| < 1e-103; the cdf is continuous
    # in t, so |t| < 1e-50 is evaluated at t = 0 (the change in probability is < 1e-50).
    t = np.where(np.abs(t) < 1e-50, 0.0, t)
    df = np.asarray(df, dtype=float)
    ok = np.isfinite(t) & (np.abs(t) <= NCT_MAX_T) & (df <= NCT_MAX_DF)
    lo = np.full(t.shape, np.nan)
    hi = np.full(t.shape, np.nan)
    if np.any(ok):
        t_ok, df_ok = t[ok], df[ok]
        with np.errstate(all="ignore"):
            terms = nct_start_terms(t_ok, df_ok)  # shared by both limits
        lo[ok] = _nct_solve(t_ok, df_ok, 1 - alpha / 2, terms)
        hi[ok] = _nct_solve(t_ok, df_ok, alpha / 2, terms)
    ok &= np.isfinite(lo) & np.isfinite(hi)
    return lo, hi, ok


def nct_ci(t: np.ndarray, df: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Confidence interval for the noncentrality parameter of a noncentral t.

    Inverts the noncentral t cdf in its noncentrality parameter (Steiger & Fouladi 1997; the
    method used by R's MBESS and effectsize): the lower limit is the ncp at which the observed t
    is the ``(1+level)/2`` quantile, the upper limit the one at which it is the ``(1-level)/2``
    quantile. Vectorized over rows. Raises TrialDataError (quickly) where the limits cannot be
    computed reliably (``|t| > NCT_MAX_T``, ``df > NCT_MAX_DF``); see :func:`nct_or_normal`
    for the version that falls back to a normal interval.
    """
    lo, hi, ok = nct_limits(t, df, level)
    if not np.all(ok):
        i = first_bad(~ok)
        tt, dd = float(np.atleast_1d(t)[i]), float(np.atleast_1d(df)[i])
        raise TrialDataError(
            f"the noncentral-t interval cannot be computed reliably for t = {tt!r}, df = "
            f"{dd!r} (computed only for |t| <= {NCT_MAX_T:g} and df <= {NCT_MAX_DF:g}); "
            "use ci='normal'", field="ci", row=i)
    return lo, hi


def nct_or_normal(t: np.ndarray, df: np.ndarray, level: float, scale: np.ndarray,
                  estimate: np.ndarray, se: np.ndarray, what: str = "effect size",
                  stacklevel: int = 3) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Noncentral-t limits times ``scale``, or ``estimate +/- z se`` where they are unreliable.

    Returns ``(ci_low, ci_high, note)``: ``note`` is "" for rows with the noncentral-t
    interval and ``nct_ci->normal_ci(fallback: ...)`` with the reason for the others, which
    are also named in one UserWarning; it is empty when every row has the noncentral-t
    interval (:func:`with_note` then gives the one label).
    """
    lo, hi, ok = nct_limits(t, df, level)
    if np.all(ok):
        return lo * scale, hi * scale, np.array([], dtype=object)
    n_lo, n_hi = normal_ci(estimate, se, level)
    t = np.broadcast_to(np.asarray(t, dtype=float), ok.shape)
    df = np.broadcast_to(np.asarray(df, dtype=float), ok.shape)
    reason = np.select(
        [~np.isfinite(t) | (np.abs(t) > NCT_MAX_T), df > NCT_MAX_DF],
        [f"|ncp| > {NCT_MAX_T:g}", f"df > {NCT_MAX_DF:g}"], "nct solver did not converge")
    note = np.where(ok, "", np.char.add("nct_ci->normal_ci(fallback: ", np.char.add(
        reason.astype(str), ")"))).astype(object)
    bad = np.flatnonzero(~ok)
    rows = ", ".join(str(i) for i in bad[:5]) + (" ..." if bad.size > 5 else "")
    warnings.warn(
        f"{what}: the noncentral-t interval is not reliable at row(s) {rows} ({reason[bad[0]]}; "
        f"t = {float(t[bad[0]]):.4g}, df = {float(df[bad[0]]):.4g}): used the normal interval "
        "estimate +/- z*se instead (recorded in method)", UserWarning,
        stacklevel=stacklevel + 1)
    with np.errstate(invalid="ignore", over="ignore"):
        return (np.where(ok, lo * scale, n_lo), np.where(ok, hi * scale, n_hi), note)


def with_note(label: str, note: np.ndarray, old: str = "nct_ci") -> str | np.ndarray:
    """``label`` per row with ``old`` replaced by each row's non-empty ``note``."""
    if not np.any(note != ""):
        return label
    return np.array([label if not x else label.replace(old, x) for x in note], dtype=object)


def t_test_columns(estimate: np.ndarray, se: np.ndarray, df: np.ndarray,
                   level: float) -> dict[str, np.ndarray]:
    """t-based interval, statistic and two-sided p for ``estimate`` with standard error ``se``."""
    q = t_quantile(level, df)
    stat = estimate / se
    return {
        "ci_low": estimate - q * se,
        "ci_high": estimate + q * se,
        "df": df,
        "statistic": stat,
        "p": 2 * stats.t.sf(np.abs(stat), df),
    }


def normal_ci(estimate: np.ndarray, se: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    z = z_quantile(level)
    half = z * se
    low = estimate - half
    if isinstance(half, np.ndarray) and half.shape == np.shape(low) and half.dtype == low.dtype:
        return low, np.add(estimate, half, out=half)  # reuse the buffer: same arithmetic
    return low, estimate + half
