"""Solve for the pre-post correlation that reproduces a reported statistic.

A change-score or ANCOVA test computed from baseline and follow-up means and SDs depends on
the within-arm pre-post correlation r, which papers rarely print. Rather than try a few
values, :func:`solve_r` scans r densely over [-1, 1] (one r for both arms), takes at each r
the range of the statistic over the rounding box of the printed inputs, and returns the
intervals of r on which that range meets the printed value's own rounding interval; the
ends of each interval are refined with Brent's method on the (continuous) margin.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable

import numpy as np

from trialkit.checks._reported import holds_margin

__all__ = ["R_GRID", "describe_ranges", "solve_r"]

#: Correlations scanned before refining (|r| = 1 leaves no residual variance in ANCOVA).
R_GRID = np.linspace(-0.999, 0.999, 101)

Evaluate = Callable[..., dict[str, np.ndarray]]


def _margin(evaluate: Evaluate, stat: str, relation: str, texts: tuple[str, ...],
            rounding: str, r: np.ndarray, flip: bool) -> np.ndarray:
    """Margin (>= 0 where the statistic's range over the box satisfies the statement)."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        if stat == "p" and getattr(evaluate, "skips_p", False):
            vals = evaluate(r, ci=False, p=False)
            shortcut = _p_range(vals)
            if shortcut is not None:
                out = holds_margin(relation, texts[0], *shortcut, rounding)
                return np.where(np.isfinite(out), out, -np.inf)
            vals["p"] = _p_of(vals["df"], vals["statistic"])
        else:
            vals = evaluate(r, ci=stat == "ci")
    if stat == "ci":
        low, high = vals["ci_low"], vals["ci_high"]
        if flip:
            low, high = -high, -low
        m1 = holds_margin("=", texts[0], np.nanmin(low, axis=0), np.nanmax(low, axis=0),
                          rounding)
        m2 = holds_margin("=", texts[1], np.nanmin(high, axis=0), np.nanmax(high, axis=0),
                          rounding)
        out = np.minimum(m1, m2)
    else:
        col = {"p": "p", "t": "statistic", "F": "statistic", "df": "df",
               "mean_difference": "estimate"}[stat]
        v = vals[col]
        if stat == "t":
            v = np.abs(v)
        elif stat == "mean_difference" and flip:
            v = -v
        out = holds_margin(relation, texts[0], np.nanmin(v, axis=0), np.nanmax(v, axis=0),
                           rounding)
    return np.where(np.isfinite(out), out, -np.inf)


def _p_of(df: np.ndarray, t: np.ndarray) -> np.ndarray:
    from scipy import special

    return 2 * special.stdtr(df, -np.abs(t))


def _p_range(vals: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray] | None:
    """Least and greatest two-sided p over the corners (axis 0) from the range of |t| alone,
    where every corner has the same df (Student's t, ANCOVA): p falls as |t| grows, so the
    extremes of p are at the extremes of |t|, and p is computed 2 times per r instead of
    once per corner. None where df differs between corners (Welch)."""
    t, df = np.abs(vals["statistic"]), np.broadcast_to(vals["df"], vals["statistic"].shape)
    if not np.all(df == df[:1]):
        return None
    d = df[0]
    return _p_of(d, np.nanmax(t, axis=0)), _p_of(d, np.nanmin(t, axis=0))


def solve_r(evaluate: Evaluate, stat: str, relation: str, texts: tuple[str, ...],
            rounding: str = "up_or_down", *, flip: bool = False,
            grid: np.ndarray = R_GRID) -> list[tuple[float, float]]:
    """Intervals of the pre-post correlation r that reproduce a reported statistic.

    Parameters
    ----------
    evaluate : callable
        ``evaluate(r)`` for a 1-D array of r returns a dict of arrays of shape
        ``(corners, len(r))``: the statistic at every corner of the rounding box of the
        printed inputs (columns ``estimate, ci_low, ci_high, statistic, df, p``).
    stat, relation : str
        The reported statistic (p, t, df, ci, mean_difference) and its relation.
    texts : tuple of str
        The printed value (two texts for an interval).
    rounding : str
        Rounding scheme of the printed value.
    flip : bool
        The statement is about the comparison the other way round (negate differences).
    grid : numpy.ndarray
        Correlations scanned (sorted); the ends of each run are refined with
        :func:`scipy.optimize.brentq` to 1e-4.

    Returns
    -------
    list of (float, float)
        Disjoint intervals ``(low, high)`` of r, in increasing order; empty when no r in the
        grid's span reproduces the statement.

    References
    ----------
    Brent, R. P. (1973). Algorithms for Minimization without Derivatives, ch. 4.

    Examples
    --------
    >>> import numpy as np
    >>> ev = lambda r, ci=False: {"p": np.vstack([r, r])}  # a "p value" equal to r
    >>> [(round(a, 3), round(b, 3)) for a, b in solve_r(ev, "p", "=", ("0.50",))]
    [(0.495, 0.505)]
    """
    from scipy.optimize import brentq

    def f(x: float) -> float:
        return float(_margin(evaluate, stat, relation, texts, rounding,
                             np.array([x]), flip)[0])

    m = _margin(evaluate, stat, relation, texts, rounding, grid, flip)
    return runs(m >= 0, grid, lambda a, b: _edge(f, a, b, brentq))


def runs(ok: np.ndarray, grid: np.ndarray,
         edge: Callable[[float, float], float]) -> list[tuple[float, float]]:
    """Intervals of the sorted ``grid`` where ``ok`` holds, each inner end refined by
    ``edge(a, b)`` between the last grid point in and the first one out (or the reverse)."""
    out: list[tuple[float, float]] = []
    i, n = 0, len(grid)
    while i < n:
        if not ok[i]:
            i += 1
            continue
        j = i
        while j + 1 < n and ok[j + 1]:
            j += 1
        lo, hi = float(grid[i]), float(grid[j])
        if i > 0:
            lo = edge(float(grid[i - 1]), lo)
        if j < n - 1:
            hi = edge(hi, float(grid[j + 1]))
        out.append((lo, hi))
        i = j + 1
    return out


def _edge(f: Callable[[float], float], a: float, b: float, brentq: Callable) -> float:
    """The point between a and b where the margin crosses zero (a fallback: the ok end)."""
    fa, fb = f(a), f(b)
    ok_end = a if fa >= 0 else b
    if not (math.isfinite(fa) and math.isfinite(fb)) or fa * fb > 0:
        return ok_end
    try:
        return float(brentq(f, a, b, xtol=1e-4, maxiter=60))
    except (ValueError, RuntimeError):
        return ok_end


def _fmt(x: float) -> str:
    if x <= -0.999:
        return "-1"
    if x >= 0.999:
        return "1"
    return f"{x:.2f}"


def describe_ranges(ranges: list[tuple[float, float]]) -> tuple[str, bool]:
    """Words for the correlations that reproduce a statement, and whether any is plausible.

    Pre-post correlations of the same measure are positive: negative within-group
    correlations are very uncommon in clinical studies (Balk et al. 2012), so an r < 0 is
    called implausible; when some r >= 0 reproduces the statement only those are described.

    Returns
    -------
    (str, bool)
        E.g. ("the pre-post correlation is between 0.55 and 0.71", True).

    References
    ----------
    Balk, E. M., Earley, A., Patel, K., Trikalinos, T. A., & Dahabreh, I. J. (2012).
    Empirical Assessment of Within-Arm Correlation Imputation in Trials of Continuous
    Outcomes. AHRQ Methods Research Report 12(13)-EHC141-EF (NBK115797).

    Examples
    --------
    >>> describe_ranges([(0.551, 0.712)])
    ('the pre-post correlation is between 0.55 and 0.71', True)
    >>> describe_ranges([(-0.6, -0.3)])
    ('the pre-post correlation is between -0.60 and -0.30', False)
    """
    plausible = any(hi >= 0 for _, hi in ranges)
    parts = []
    for lo, hi in ranges:
        if plausible:
            if hi < 0:
                continue
            lo = max(lo, 0.0)
        if lo <= (0.0 if plausible else -0.999) and hi >= 0.999:
            return ("whatever the pre-post correlation" + (" (r >= 0)" if plausible else ""),
                    plausible)
        if _fmt(lo) == _fmt(hi):
            parts.append(f"{_fmt(lo)}")
        elif hi >= 0.999:
            parts.append(f"at least {_fmt(lo)}")
        elif lo <= (0.0 if plausible else -0.999):
            parts.append(f"at most {_fmt(hi)}")
        else:
            parts.append(f"between {_fmt(lo)} and {_fmt(hi)}")
    return "the pre-post correlation is " + " or ".join(parts), plausible
