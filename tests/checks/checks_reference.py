"""Independent reference machinery for the consistency-check tests (a plain module, not a
conftest, so that it cannot shadow tests/conftest.py for ``from conftest import``).

Everything here is written from the definitions, in exact rational arithmetic
(``fractions.Fraction``), and shares no code with ``trialkit.checks``: rounding a value to d
decimals under each named scheme, rounding a square root (an SD) exactly, and enumerating
every multiset of whole numbers. The tests compare trialkit with these brute-force answers.
"""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

HALF = Fraction(1, 2)


def _sign(x: Fraction) -> int:
    return (x > 0) - (x < 0)


def round_fraction(x: Fraction, d: int, scheme: str) -> set[int]:
    """Every integer X such that x rounds to X / 10**d under ``scheme`` (exact)."""
    s = x * 10**d
    half_up = math.floor(s + HALF)
    half_down = math.ceil(s - HALF)
    rules = {
        "up_or_down": {half_up, half_down},
        "half_up": {half_up},
        "half_down": {half_down},
        "half_even": {round(s)},  # Fraction.__round__ rounds half to even
        "half_away": {_sign(s) * math.floor(abs(s) + HALF)},
        "half_toward": {_sign(s) * math.ceil(abs(s) - HALF)},
        "ceiling": {math.ceil(s)},
        "floor": {math.floor(s)},
        "ceiling_or_floor": {math.ceil(s), math.floor(s)},
        "trunc": {math.trunc(s)},
        "anti_trunc": {math.floor(s) if s < 0 else math.ceil(s)},
    }
    return rules[scheme]


def round_sqrt(v: Fraction, d: int, scheme: str) -> set[int]:
    """Every X such that sqrt(v) (v >= 0, rational) rounds to X / 10**d under ``scheme``.

    Works on squares only: y = sqrt(w) with w = v * 100**d is compared with t +- 1/2 (or t)
    through (2t +- 1)**2 versus 4w, so no floating point is involved.
    """
    w = v * 100**d
    base = math.isqrt(math.floor(w))

    def le(t2: Fraction) -> bool:  # t2 <= y, i.e. t2**2 <= w (t2 >= 0)
        return t2 < 0 or t2 * t2 <= w

    def lt(t2: Fraction) -> bool:  # t2 < y
        return t2 < 0 or t2 * t2 < w

    out = set()
    for t in range(max(base - 2, 0), base + 3):
        lo, hi = Fraction(t) - HALF, Fraction(t) + HALF
        if scheme in ("up_or_down", "half_up", "half_even", "half_away") and le(lo) and \
                not le(hi):
            out.add(t)  # [t - 1/2, t + 1/2)
        if scheme in ("up_or_down", "half_down", "half_even", "half_toward") and lt(lo) and \
                not lt(hi):
            out.add(t)  # (t - 1/2, t + 1/2]
        if scheme in ("ceiling", "anti_trunc", "ceiling_or_floor") and lt(Fraction(t - 1)) and \
                not lt(Fraction(t)):
            out.add(t)  # (t - 1, t]
        if scheme in ("floor", "trunc", "ceiling_or_floor") and le(Fraction(t)) and \
                not le(Fraction(t + 1)):
            out.add(t)  # [t, t + 1)
    if scheme == "half_even":  # ties go to the even neighbour only
        out = {t for t in out if not ((2 * t - 1) ** 2 == 4 * w and t % 2)
               and not ((2 * t + 1) ** 2 == 4 * w and t % 2)}
    return out


def text(X: int, d: int) -> str:
    """X / 10**d printed with d decimals ("-0.05", "3.10")."""
    sign = "-" if X < 0 else ""
    digits = str(abs(X)).rjust(d + 1, "0")
    return sign + (digits[:-d] + "." + digits[-d:] if d else digits)


def achievable(n: int, values: range, items: int = 1, dm: int = 2, ds: int = 2,
               scheme: str = "up_or_down") -> set[tuple[int, int]]:
    """(mean X, SD X) pairs of every multiset of n scores from ``values`` (item sums)."""
    out = set()
    for ms in itertools.combinations_with_replacement(values, n):
        K = sum(ms)
        Q = sum(v * v for v in ms)
        mean = Fraction(K, n * items)
        var = Fraction(n * Q - K * K, n * (n - 1) * items * items)
        for xm in round_fraction(mean, dm, scheme):
            for xs in round_sqrt(var, ds, scheme):
                out.add((xm, xs))
    return out


def possible_means(n: int, items: int, d: int, lo_total: int, hi_total: int,
                   scheme: str = "up_or_down") -> set[int]:
    """Every X / 10**d that some total in [lo_total, hi_total] gives (GRIM by brute force)."""
    out = set()
    for K in range(lo_total, hi_total + 1):
        out |= round_fraction(Fraction(K, n * items), d, scheme)
    return out
