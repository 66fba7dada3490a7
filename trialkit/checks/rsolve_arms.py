"""The pre-post correlation of each arm, where a statistic depends on two of them.

A change-score t test from baseline and follow-up means and SDs uses each arm's SD of
change, ``sqrt(sd_pre^2 + sd_post^2 - 2 r_i sd_pre sd_post)``, so it depends on two unknown
correlations, ``r1`` (the arm) and ``r2`` (the reference arm). :func:`solve_r` answers for
``r1 = r2``; :func:`solve_r_arms` maps the region of ``(r1, r2)`` that reproduces the printed
value (allowing for the rounding of every input and of the value itself) and reports:

- each arm's range: the values of that arm's r for which some r of the other arm
  reproduces the statement (the region's shadow on that arm's axis);
- whether the joint range extends to a square: "whenever both lie between a and b", not
  only when they are equal;
- where one arm's r is known from its printed change SD (Cochrane Handbook 6.5.2.8), the
  range of the other arm's r with the known one held within its own rounding interval.

Correlations are searched in [0, 1) first (pre-post correlations of the same measure are
positive; Balk et al. 2012); only when no pair there reproduces the statement is [-1, 1]
searched, and the answer is marked implausible.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from trialkit.checks.rsolve import _fmt, _margin, runs

__all__ = ["describe_arm_ranges", "solve_r_arms"]

#: Points per arm of the (r1, r2) grid (step 0.025); ends of each range are then refined to
#: 1e-3, and a band thinner than a step is found by the golden-section search.
GRID_POINTS = 41
#: Golden-section steps between a grid point's neighbours: 0.05 x 0.618^18 < 1e-5.
GOLDEN_STEPS = 18
#: Points taken across the rounding interval of a known (implied) correlation.
FIXED_POINTS = 9

Intervals = list[tuple[float, float]]


def _bisect(h: Callable[[float], float], a: float, b: float, tol: float = 1e-3) -> float:
    """Point between a and b where ``h`` changes sign; returns the end where h >= 0."""
    a_ok = h(a) >= 0
    for _ in range(12):
        if abs(b - a) <= tol:
            break
        mid = (a + b) / 2
        if (h(mid) >= 0) == a_ok:
            a = mid
        else:
            b = mid
    return a if a_ok else b


def _pair(evaluate: Callable[..., dict[str, np.ndarray]], args: tuple, r1: np.ndarray,
          r2: np.ndarray) -> np.ndarray:
    """Margin (>= 0: reproduced) at the pairs ``(r1[k], r2[k])``."""
    def ev(r: np.ndarray, ci: bool = False, **kw: bool) -> dict[str, np.ndarray]:
        return evaluate(r[0], ci=ci, r2=r[1], **kw)

    ev.skips_p = getattr(evaluate, "skips_p", False)  # type: ignore[attr-defined]

    stat, relation, texts, rounding, flip = args
    return _margin(ev, stat, relation, texts, rounding, np.vstack([r1, r2]), flip)


def _region(evaluate: Callable[..., dict[str, np.ndarray]], args: tuple,
            g1: np.ndarray, g2: np.ndarray) -> np.ndarray:
    """Margin on the grid ``g1 x g2`` (arm r down, reference r across)."""
    r1, r2 = np.meshgrid(g1, g2, indexing="ij")
    return _pair(evaluate, args, r1.ravel(), r2.ravel()).reshape(r1.shape)


def _best(evaluate: Callable[..., dict[str, np.ndarray]], args: tuple, arm: int,
          xs: np.ndarray, other: np.ndarray) -> np.ndarray:
    """For each value x of one arm's r, the best margin over the other arm's r.

    The grid's best point, then a golden-section search between its neighbours (all x at
    once), so that a band of solutions thinner than the grid's step is not missed.
    """
    m = _region(evaluate, args, *((xs, other) if arm == 1 else (other, xs)))
    if arm == 2:
        m = m.T
    best = m.max(axis=1)
    if len(other) < 3:
        return best
    j = np.argmax(np.where(np.isfinite(m), m, -np.inf), axis=1)
    lo, hi = other[np.maximum(j - 1, 0)], other[np.minimum(j + 1, len(other) - 1)]
    phi = (np.sqrt(5) - 1) / 2

    def at(o: np.ndarray) -> np.ndarray:
        return _pair(evaluate, args, *((xs, o) if arm == 1 else (o, xs)))

    c, d = hi - phi * (hi - lo), lo + phi * (hi - lo)
    fc, fd = at(c), at(d)
    for _ in range(GOLDEN_STEPS):
        left = fc >= fd
        hi, lo = np.where(left, d, hi), np.where(left, lo, c)
        d_new, c_new = np.where(left, c, lo + phi * (hi - lo)), np.where(
            left, hi - phi * (hi - lo), d)
        f_new = at(np.where(left, c_new, d_new))
        fd, fc = np.where(left, fc, f_new), np.where(left, f_new, fd)
        c, d = c_new, d_new
    return np.maximum(best, np.maximum(fc, fd))


def solve_r_arms(evaluate: Callable[..., dict[str, np.ndarray]], stat: str, relation: str,
                 texts: tuple[str, ...], rounding: str = "up_or_down", *, flip: bool = False,
                 fixed: dict[int, tuple[float, float]] | None = None,
                 joint: Intervals | None = None) -> dict[str, Any]:
    """Ranges of each arm's pre-post correlation that reproduce a reported statistic.

    Parameters
    ----------
    evaluate : callable
        ``evaluate(r, ci=False, r2=None)``: the statistics at every corner of the rounding
        box for arm correlations ``r`` and reference correlations ``r2`` (1-D arrays of the
        same length), as :func:`trialkit.checks.summary_tests.r_evaluator` returns.
    stat, relation, texts, rounding, flip
        As for :func:`trialkit.checks.rsolve.solve_r`.
    fixed : dict, optional
        ``{1: (low, high)}`` or ``{2: (low, high)}``: that arm's correlation is known (from
        its printed change SD) to lie in ``[low, high]``.
    joint : list of (float, float), optional
        The joint solution (``solve_r``'s answer for r1 = r2), tested for the square.

    Returns
    -------
    dict
        ``arm1``, ``arm2``: lists of ``(low, high)`` intervals of each arm's r (the range of
        the known arm's r is its given interval, or empty); ``square``: ``(a, b)`` when every
        pair with both correlations in ``[a, b]`` reproduces the statement (the joint range
        ``r1 = r2`` stretched to a square), else None; ``plausible``: the ranges are within
        [0, 1) (False: only negative correlations reproduce it; None: nothing does);
        ``fixed``: the ``fixed`` argument.

    References
    ----------
    Higgins, Li & Deeks (2023), Cochrane Handbook v6.4, 6.5.2.8 (SD of change from r).

    Examples
    --------
    >>> import numpy as np
    >>> # a "statistic" equal to r1 + r2: 1.00 is reproduced on a line, each r from 0 to 1
    >>> ev = lambda r, ci=False, r2=None: {"statistic": np.vstack([r + r2, r + r2])}
    >>> res = solve_r_arms(ev, "t", "=", ("1.00",))
    >>> [(round(a, 2), round(b, 2)) for a, b in res["arm1"]], res["plausible"]
    ([(0.0, 1.0)], True)
    >>> res = solve_r_arms(ev, "t", "=", ("1.00",), fixed={2: (0.6, 0.62)})
    >>> [(round(a, 2), round(b, 2)) for a, b in res["arm1"]]
    [(0.38, 0.4)]
    """
    args = (stat, relation, texts, rounding, flip)
    for low in (0.0, -0.999):
        grid = np.linspace(low, 0.999, GRID_POINTS if low == 0 else 2 * GRID_POINTS - 1)
        g = {1: grid, 2: grid}
        for arm, (lo, hi) in (fixed or {}).items():
            g[arm] = np.linspace(max(lo, -0.999), min(hi, 0.999), FIXED_POINTS)
        ok = {arm: _best(evaluate, args, arm, g[arm], g[3 - arm]) >= 0 for arm in (1, 2)}
        if ok[1].any() or ok[2].any():
            break
    else:
        return {"arm1": [], "arm2": [], "square": None, "plausible": None, "fixed": fixed}
    res: dict[str, Any] = {"plausible": low == 0.0, "fixed": fixed, "square": None}
    for arm in (1, 2):
        if fixed and arm in fixed:
            res[f"arm{arm}"] = [(float(g[arm][0]), float(g[arm][-1]))]
            continue
        other = g[3 - arm]

        def h(x: float, arm: int = arm, other: np.ndarray = other) -> float:
            return float(_best(evaluate, args, arm, np.array([x]), other)[0])

        res[f"arm{arm}"] = runs(ok[arm], g[arm], lambda a, b, h=h: _bisect(h, a, b))
    if not fixed and joint and res["plausible"]:
        res["square"] = _square(evaluate, args, joint)
    return res


def _square(evaluate: Callable[..., dict[str, np.ndarray]], args: tuple,
            joint: Intervals) -> tuple[float, float] | None:
    """The widest interval of the joint solution (r1 = r2) whose whole square reproduces:
    checked on a 21 x 21 grid over it (ends pulled in by the refinement tolerance)."""
    best: tuple[float, float] | None = None
    for lo, hi in joint:
        lo, hi = max(lo, 0.0) + 2e-4, hi - 2e-4
        if hi <= lo or (best is not None and hi - lo <= best[1] - best[0]):
            continue
        g = np.linspace(lo, hi, 21)
        if (_region(evaluate, args, g, g) >= 0).all():
            best = (lo - 2e-4, hi + 2e-4)
    return best


def _words(intervals: Intervals) -> str:
    parts = []
    for lo, hi in intervals:
        if _fmt(lo) == _fmt(hi):
            parts.append(_fmt(lo))
        elif hi >= 0.999 and lo <= 0.0:
            parts.append(f"anywhere from {_fmt(lo)} to 1")
        elif hi >= 0.999:
            parts.append(f"at least {_fmt(lo)}")
        else:
            parts.append(f"between {_fmt(lo)} and {_fmt(hi)}")
    return " or ".join(parts)


def describe_arm_ranges(res: dict[str, Any], arms: tuple[str, str]) -> str:
    """Words for :func:`solve_r_arms`' answer, naming the arms.

    Examples
    --------
    >>> words = describe_arm_ranges({"arm1": [(0.2, 0.9)], "arm2": [(0.3, 0.95)],
    ...                              "square": (0.5, 0.7), "plausible": True, "fixed": None},
    ...                             ("cbt", "ctl"))
    >>> for part in words.split("; "):
    ...     print(part)
    per arm: whenever both correlations lie between 0.50 and 0.70
    any pair that reproduces it has r(cbt) between 0.20 and 0.90 and r(ctl) between 0.30 and 0.95
    >>> describe_arm_ranges({"arm1": [(0.38, 0.4)], "arm2": [(0.6, 0.6)], "square": None,
    ...                      "plausible": True, "fixed": {2: (0.6, 0.6)}}, ("a", "b"))
    'per arm: with r(b) = 0.60 (implied by its printed SDs), r(a) between 0.38 and 0.40'
    """
    a, b = arms
    fixed = res.get("fixed") or {}
    if fixed:
        known, free = (2, 1) if 2 in fixed else (1, 2)
        lo, hi = fixed[known]
        name_k, name_f = (b, a) if known == 2 else (a, b)
        span = (f"= {_fmt(lo)}" if _fmt(lo) == _fmt(hi) else
                f"between {_fmt(lo)} and {_fmt(hi)}")
        head = f"per arm: with r({name_k}) {span} (implied by its printed SDs), "
        if res.get("plausible") is None or not res[f"arm{free}"]:
            return head + f"no correlation in {name_f} reproduces it"
        tail = "" if res["plausible"] else " (implausible: negative)"
        return head + f"r({name_f}) {_words(res[f'arm{free}'])}{tail}"
    if res.get("plausible") is None:
        return "per arm: no pair of correlations reproduces it"
    parts = []
    if res.get("square"):
        s_lo, s_hi = res["square"]
        parts.append(f"whenever both correlations lie between {_fmt(s_lo)} and {_fmt(s_hi)}")
    each = f"r({a}) {_words(res['arm1'])} and r({b}) {_words(res['arm2'])}"
    parts.append(("any pair that reproduces it has " if parts else "") + each)
    tail = "" if res["plausible"] else " (only with negative correlations: implausible)"
    return "per arm: " + "; ".join(parts) + tail
