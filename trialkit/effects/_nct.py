"""Inverting the noncentral t in its noncentrality parameter, vectorized over rows (private).

:func:`_nct_solve` finds the ncp at which an observed t is a given quantile: a Cornish-Fisher
start that is usually within 1e-6 of the root, Newton steps on Boost's cdf with an analytic
derivative, and a bracketing solver for the rows Newton cannot take.
"""

from __future__ import annotations

import warnings

import numpy as np
from scipy import special, stats

from trialkit.effects._hedges_j import hedges_j

__all__: list[str] = []

#: A Newton step this small is the last: the error after it is about
#: |F''/(2F')| step^2 < 1e-14, as |F''/F'| <= 2 near the quantiles solved for (see
#: :func:`_nct_solve`), so the row is accepted without another cdf evaluation.
_LAST_STEP = 1e-7


def _nct_cdf_dncp(t: np.ndarray, df: np.ndarray, ncp: np.ndarray) -> np.ndarray:
    """Derivative of the noncentral-t cdf F(t; df, ncp) with respect to ncp (df > 1).

    With T = (Z + ncp) / S, S = sqrt(chi2_df / df): dF/dncp = -E[phi(t S - ncp)], which equals
    ``-f_{df-1}(t sqrt((df-1)/df); ncp) / E[U]`` where f_{df-1} is the noncentral-t density with
    df - 1 degrees of freedom and ``E[U] = sqrt(2/(df-1)) Gamma(df/2) / Gamma((df-1)/2)``.
    One density evaluation instead of two extra cdf evaluations.
    """
    k = np.sqrt((df - 1) / df)
    log_eu = 0.5 * np.log(2 / (df - 1)) + special.gammaln(df / 2) - special.gammaln((df - 1) / 2)
    return -stats.nct._pdf(t * k, df - 1, ncp) * np.exp(-log_eu)


def nct_start_terms(t: np.ndarray, df: np.ndarray) -> tuple[np.ndarray, ...]:
    """Cumulants of ``W = Z - t S`` for the Cornish-Fisher start of :func:`_nct_solve`.

    ``P(T <= t | ncp) = P(W <= -ncp)`` with Z standard normal and S = sqrt(chi2_df / df), so
    the ncp solving ``P(T <= t) = p`` is minus the p-quantile of W. The moments of S are
    exact: ``E[S] = c = sqrt(2/df) Gamma((df+1)/2) / Gamma(df/2)`` (through Hedges' J, as
    ``J(df + 1) sqrt((df + 1) / df)``), ``E[S^2] = 1``, ``E[S^3] = c (df+1)/df``,
    ``E[S^4] = (df+2)/df``; with ``v = 1 - c^2`` the cumulants of S are ``v``,
    ``c (1/df - 2 v)`` and ``4 v (1 + 1/df) - 6 v^2 - 2/df``. Returns ``(kappa_1, sigma,
    gamma_1, gamma_2)`` of W (mean, SD, skewness, excess kurtosis).
    """
    c = hedges_j(df + 1) * np.sqrt((df + 1) / df)
    v = 1 - c * c
    t2 = t * t
    k2 = 1 + t2 * v
    sigma = np.sqrt(k2)
    k3 = -t2 * t * c * (1 / df - 2 * v)
    k4 = t2 * t2 * (4 * v * (1 + 1 / df) - 6 * v * v - 2 / df)
    return -t * c, sigma, k3 / (k2 * sigma), k4 / (k2 * k2)


def _nct_start(t: np.ndarray, df: np.ndarray, p: float,
               terms: tuple[np.ndarray, ...] | None) -> np.ndarray:
    """Starting ncp: Cornish-Fisher (four cumulants) where df >= 3, else A&S 26.7.10.

    Cornish & Fisher (1937): ``w_p = k1 + sigma (z + (z^2-1) g1/6 + (z^3-3z) g2/24 -
    (2z^3-5z) g1^2/36)``. On the 100,000 rows of bench/bench_effects.py it is within 3e-7
    of the root for 90% of the rows and within 1e-5 for 99.7% (Abramowitz & Stegun's normal
    approximation: half the rows further than 1e-4), so most rows need one cdf evaluation.
    """
    z = special.ndtri(p)
    x = t * (1 - 1 / (4 * df)) - z * np.sqrt(1 + t**2 / (2 * df))  # A&S 26.7.10
    k1, sigma, g1, g2 = nct_start_terms(t, df) if terms is None else terms
    w = k1 + sigma * (z + (z * z - 1) * g1 / 6 + (z**3 - 3 * z) * g2 / 24
                      - (2 * z**3 - 5 * z) * g1 * g1 / 36)
    use = (df >= 3) & np.isfinite(w)
    return np.where(use, -w, x)


def _nct_solve(t: np.ndarray, df: np.ndarray, p: float,
               terms: tuple[np.ndarray, ...] | None = None) -> np.ndarray:
    """Solve P(T <= t | df, ncp) = p for ncp, vectorized over rows.

    Start from :func:`_nct_start` (``terms``: :func:`nct_start_terms` of ``t, df``, computed
    here when not given), then Newton steps on the Boost cdf ``scipy.special.nctdtr`` with
    the analytic derivative :func:`_nct_cdf_dncp`, on the rows not yet accepted. A row is
    accepted when its Newton step is below ``_LAST_STEP`` (after taking it: near the
    quantiles solved for F(ncp) behaves like the normal cdf of (-ncp - k1)/sigma, sigma >= 1,
    so |F''/F'| <= |z| + ... <= 2 and the error left is below 1e-14), or when the cdf
    *evaluated* at its current value is within 1e-9 of ``p``, after one last Newton step
    (taken only if it is tiny, so that a wrong derivative cannot spoil an accepted value).
    The derivative must lie in [-1/sqrt(2 pi), 0); rows where it does not, or that do not
    converge (df <= 1, extreme t), are solved by the vectorized bracketing root-finder of
    ``scipy.optimize.elementwise``. No Python loop over rows.
    """
    x = _nct_start(t, df, p, terms)
    failed = df <= 1
    todo = np.flatnonzero(~failed)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        for _ in range(8):
            if todo.size == 0:
                break
            tt, dd, xx = t[todo], df[todo], x[todo]
            resid = special.nctdtr(dd, xx, tt) - p
            try:
                slope = _nct_cdf_dncp(tt, dd, xx)
            except OverflowError:  # boost's tgamma; such rows go to the bracketing solver
                slope = np.full_like(xx, np.nan)
            step = resid / slope
            valid = np.isfinite(step) & (slope < 0) & (slope >= -0.39895)
            conv = np.abs(resid) < 1e-9
            polish = conv & valid & (np.abs(step) < 1e-6 * np.maximum(1.0, np.abs(xx)))
            limit = 2.0 * np.sqrt(1 + tt**2 / (2 * dd))
            moved = ~conv & valid
            last = moved & (np.abs(step) <= _LAST_STEP)
            x[todo] = np.where(polish | moved, xx - np.clip(step, -limit, limit), xx)
            failed[todo[~conv & ~valid]] = True
            todo = todo[moved & ~last]
        failed[todo] = True
        if np.any(failed):
            x[failed] = _bracketed(t[failed], df[failed], x[failed], p)
    return x


def _bracketed(tb: np.ndarray, db: np.ndarray, xb: np.ndarray, p: float) -> np.ndarray:
    """The rows Newton could not take: bracket and bisect-interpolate (scipy elementwise)."""
    from scipy.optimize import elementwise

    def resid_fn(v: np.ndarray, tt: np.ndarray, dd: np.ndarray) -> np.ndarray:
        # Boost's cdf can return NaN far in a tail, where the cdf is ~1 (ncp well below t)
        # or ~0 (ncp well above t); use those limits so that the search goes on.
        cdf = special.nctdtr(dd, v, tt)
        return np.where(np.isnan(cdf), np.where(v < tt, 1.0, 0.0), cdf) - p

    xb = np.where(np.isfinite(xb), xb, tb)
    width = 0.5 + 0.1 * np.abs(xb)
    br = elementwise.bracket_root(resid_fn, xb - width, xb + width, args=(tb, db), maxiter=200)
    root = elementwise.find_root(resid_fn, br.bracket, args=(tb, db),
                                 tolerances={"xatol": 1e-12, "xrtol": 1e-12}, maxiter=200)
    return np.where(br.success & root.success, root.x, np.nan)
