"""Reported numbers in exact arithmetic: rounding schemes and intervals, exact integers,
broadcasting and blocks of rows.

Everything here is private to :mod:`trialkit.checks`; the texts are read into exact
integers ``X`` and decimals ``d`` (value ``X / 10**d``) by :mod:`trialkit.checks._texts`.

Rounding intervals are expressed in *half units* of the last reported digit: with
``M = 2 * 10**d``, a true value ``v`` rounds to the reported ``X`` under a scheme iff
``lo <= M * v <= hi`` (each end closed or open as the scheme says), where ``lo`` and ``hi``
are integers ``2 X + a``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from trialkit.errors import TrialDataError

__all__: list[str] = []

#: Rounding schemes, with the interval of true values (in units of the last reported digit,
#: around the reported value X) that each one maps to X.
ROUNDING_SCHEMES: dict[str, str] = {
    "up_or_down": "round half up or half down (either accepted): [X - 0.5, X + 0.5]",
    "half_up": "round half up, ties towards +infinity: [X - 0.5, X + 0.5)",
    "half_down": "round half down, ties towards -infinity: (X - 0.5, X + 0.5]",
    "half_even": "round half to even (banker's rounding): closed if X is even, open if odd",
    "half_away": "round half away from zero (Python's Decimal ROUND_HALF_UP, SPSS, Excel)",
    "half_toward": "round half towards zero",
    "ceiling": "always round up (towards +infinity): (X - 1, X]",
    "floor": "always round down (towards -infinity): [X, X + 1)",
    "ceiling_or_floor": "round up or down (either accepted): (X - 1, X + 1)",
    "trunc": "truncate (towards zero): [X, X + 1) for X > 0, (X - 1, X] for X < 0",
    "anti_trunc": "round away from zero: (X - 1, X] for X > 0, [X, X + 1) for X < 0",
}
#: scrutiny's names for the same schemes (R package scrutiny, argument ``rounding``).
ROUNDING_ALIASES: dict[str, str] = {"up": "half_up", "down": "half_down", "even": "half_even"}

def check_rounding(rounding: Any) -> str:
    """The canonical name of a rounding scheme (accepting scrutiny's aliases)."""
    if isinstance(rounding, str):
        name = ROUNDING_ALIASES.get(rounding, rounding)
        if name in ROUNDING_SCHEMES:
            return name
    known = ", ".join(repr(k) for k in [*ROUNDING_SCHEMES, *ROUNDING_ALIASES])
    raise TrialDataError(f"unknown rounding scheme {rounding!r}; expected one of {known}",
                         field="rounding")


def as_int_array(values: Any, name: str, minimum: int = 1, *, allow_none: bool = False,
                 why: str = "", copy: bool = True) -> tuple[np.ndarray, bool]:
    """Whole numbers >= ``minimum`` (sample sizes, items) as int64; scalar flag.

    With ``copy=False`` an int64 input array may be returned as it is (for computing only:
    never put it in an output that a user could modify).
    """
    if values is None:
        raise TrialDataError("a value is required, got None", field=name)
    if isinstance(values, str):
        raise TrialDataError(f"expected a whole number, got the string {values!r}",
                             field=name)
    if isinstance(values, pd.Series | pd.Index):
        values = values.to_numpy()
    if isinstance(values, np.ndarray) and values.dtype.kind in "iu" and values.size:
        # fast path for integer arrays: only the range needs checking (no copy)
        flat = values.ravel()
        if flat.min() >= minimum and flat.max() <= 2**40:
            return flat.astype(np.int64, copy=copy), values.ndim == 0
    scalar = np.ndim(values) == 0
    try:
        arr = np.array(values, dtype=float, copy=True).ravel()
    except (TypeError, ValueError):
        raise TrialDataError(f"expected whole numbers, got {values!r}", field=name) from None
    bad = ~np.isfinite(arr) | (arr != np.round(arr)) | (arr < minimum)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        reason = f" ({why})" if why else ""
        raise TrialDataError(f"must be a whole number >= {minimum}{reason}, got "
                             f"{arr[i]!r}", field=name, row=None if scalar else i)
    if np.any(arr > 2**40):
        i = int(np.flatnonzero(arr > 2**40)[0])
        raise TrialDataError(f"implausibly large, got {arr[i]!r}", field=name,
                             row=None if scalar else i)
    return arr.astype(np.int64), bool(scalar)


def times(n: np.ndarray, items: np.ndarray) -> np.ndarray:
    """``n * items`` (the number of item responses), without a copy when every item is 1."""
    return n if items.max() == 1 else n * items


def common_length(sizes: dict[str, int]) -> int:
    """The length arguments of these sizes broadcast to (1 or n), naming any that clash."""
    longer = {k: s for k, s in sizes.items() if s != 1}
    if len(set(longer.values())) > 1:
        detail = ", ".join(f"{k} has {s}" for k, s in longer.items())
        raise TrialDataError(f"lengths do not broadcast ({detail} elements); give one value "
                             f"or the same number of values for each argument",
                             field=", ".join(longer))
    return next(iter(longer.values())) if longer else 1


def stretch(a: np.ndarray, n: int) -> np.ndarray:
    """A read-only view of a length-1 or length-n array as length n (no copy)."""
    return a if a.shape[0] == n else np.broadcast_to(a, (n,))


def own_copy(a: np.ndarray, n: int) -> np.ndarray:
    """A new length-n array of a length-1 or length-n array's values (a result column: the
    caller's array is never handed back); one value is filled, not copied from a view."""
    if a.shape[0] == n and (n <= 1 or a.strides[0] != 0):
        return np.array(a)
    return np.full(n, a[0], dtype=a.dtype)


def broadcast(named: dict[str, np.ndarray]) -> tuple[dict[str, np.ndarray], int]:
    """Broadcast 1-D arrays to a common length (1 or n), naming the arguments that clash."""
    n = common_length({k: v.shape[0] for k, v in named.items()})
    return {k: (np.repeat(v, n) if v.shape[0] == 1 and n != 1 else v)
            for k, v in named.items()}, n


#: Rows per block in :func:`by_blocks`: the block's temporaries stay in the CPU cache.
BLOCK = 65536


def by_blocks(func: Any, *arrays: np.ndarray) -> Any:
    """Apply ``func`` to consecutive blocks of rows of ``arrays`` and join the results.

    Vectorized work over a million rows makes a dozen temporary arrays of 8 MB each, which
    live in main memory; over blocks of 65,536 rows they stay in the CPU cache, and the
    whole runs about 1.5 times faster. ``func`` returns a tuple or dict of arrays (joined
    block by block) or None (then the result is None).
    """
    n = arrays[0].shape[0]
    if n <= BLOCK:
        return func(*arrays)
    out: Any = None
    for start in range(0, n, BLOCK):
        try:
            part = func(*(a[start:start + BLOCK] for a in arrays))
        except TrialDataError as err:  # name the row in all rows, not in the block
            if err.row is None or start == 0:
                raise
            raise TrialDataError(err.reason, file=err.file, row=err.row + start,
                                 field=err.field) from None
        if part is None:
            return None
        named = part if isinstance(part, dict) else dict(enumerate(part))
        if out is None:
            out = {k: np.empty(n, dtype=v.dtype) for k, v in named.items()}
        for k, v in named.items():
            if v.dtype != out[k].dtype:  # a block needed a wider type (Python integers)
                out[k] = out[k].astype(np.result_type(out[k].dtype, v.dtype))
            out[k][start:start + BLOCK] = v
    return out if isinstance(part, dict) else tuple(out.values())


def bounds(X: np.ndarray, d: np.ndarray, rounding: str, *, arrays: bool = True) -> tuple[
        np.ndarray, np.ndarray, Any, Any]:
    """Rounding interval of each reported ``X / 10**d`` in half units (see module doc).

    Returns ``lo, hi, lo_closed, hi_closed``: the true value v satisfies
    ``lo <= 2 * 10**d * v <= hi`` (strict where not closed). ``X`` may be int64 or float64
    holding integers (then ``lo`` and ``hi`` are too). With ``arrays=False`` the closed flags
    of schemes that do not depend on X are numpy booleans rather than arrays.
    """
    two_x = 2 * X
    n = X.shape[0]
    if arrays:
        t, f = np.ones(n, bool), np.zeros(n, bool)
    else:
        t, f = np.True_, np.False_
    if rounding == "up_or_down":
        return two_x - 1, two_x + 1, t, t
    if rounding == "half_up":
        return two_x - 1, two_x + 1, t, f
    if rounding == "half_down":
        return two_x - 1, two_x + 1, f, t
    if rounding == "half_even":
        even = (X % 2) == 0
        return two_x - 1, two_x + 1, even, even.copy()
    if rounding == "ceiling":
        return two_x - 2, two_x, f, t
    if rounding == "floor":
        return two_x, two_x + 2, t, f
    if rounding == "ceiling_or_floor":
        return two_x - 2, two_x + 2, f, f
    pos, zero = X > 0, X == 0
    if rounding == "half_away":
        return two_x - 1, two_x + 1, pos.copy(), ~pos & ~zero
    if rounding == "half_toward":
        return two_x - 1, two_x + 1, ~pos, pos | zero
    if rounding == "trunc":
        lo = np.where(pos, two_x, np.where(zero, -2, two_x - 2))
        hi = np.where(pos, two_x + 2, np.where(zero, 2, two_x))
        return lo, hi, pos.copy(), ~pos & ~zero
    if rounding == "anti_trunc":
        lo = np.where(pos, two_x - 2, two_x)
        hi = np.where(pos, two_x, np.where(zero, two_x, two_x + 2))
        return lo, hi, ~pos, pos | zero
    raise AssertionError(rounding)  # pragma: no cover - check_rounding guards


_POW10_INT = 10 ** np.arange(19, dtype=np.int64)
_POW10_FLOAT = 10.0 ** np.arange(23)  # exact in float64 up to 10**22


def pow10(d: np.ndarray, dtype: type = np.int64) -> np.ndarray:
    """10**d as int64 (d <= 18) or, with ``dtype=float``, as float64 (exact for d <= 22)."""
    if dtype is float:
        return _POW10_FLOAT[np.clip(d, 0, 22)]
    return _POW10_INT[np.clip(d, 0, 18)]


def needs_objects(*magnitudes: Any) -> bool:
    """True when any of these (float) magnitude bounds could overflow int64 arithmetic."""
    limit = 2.0**61
    return any(float(np.max(np.abs(np.asarray(m, dtype=float)))) >= limit
               for m in magnitudes)


def max_abs(a: np.ndarray) -> float:
    """Largest absolute value as a float (0 for an empty array)."""
    return float(np.max(np.abs(a))) if a.size else 0.0


def as_mode(arr: np.ndarray, mode: str) -> np.ndarray:
    """Integers for exact arithmetic: float64 (``mode="float"``: every value and result
    below 2**52), int64 (``"int"``) or Python integers (``"object"``)."""
    if mode == "float":
        return arr.astype(float)
    if arr.dtype.kind == "f":  # integers below 2**53 held as floats
        arr = arr.astype(np.int64)
    return arr.astype(object) if mode == "object" else arr


def as_integers(arr: np.ndarray) -> np.ndarray:
    """Integer-valued float64 as int64 (exact below 2**53); int64 and object unchanged."""
    return arr.astype(np.int64) if arr.dtype.kind == "f" else arr


def is_odd(a: np.ndarray) -> np.ndarray:
    """True where the integer a (float64 below 2**53, int64 or Python int) is odd."""
    if a.dtype.kind == "f":
        return (a.astype(np.int64) & 1).astype(bool)
    if a.dtype == object:
        return np.asarray(a % 2 != 0, dtype=bool)
    return (a & 1).astype(bool)


def floor_div(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Exact floor(a / b) for integers: as float64 below 2**52, else with ``//``."""
    if a.dtype.kind == "f":
        return np.floor(a / b)
    return a // b


def as_exact(arr: np.ndarray, objects: bool) -> np.ndarray:
    """int64 array, or Python-int object array when int64 could overflow."""
    return arr.astype(object) if objects else arr


def ceil_div(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Exact ceiling of a / b for integers (b > 0)."""
    return -((-a) // b)


def first_at_least(num: np.ndarray, den: np.ndarray, closed: np.ndarray) -> np.ndarray:
    """Smallest integer k with k * den >= num (closed) or > num (open); den > 0.

    ceil(num / den) = (num - 1) // den + 1 and, for the open end, num // den + 1.
    """
    if num.dtype.kind == "f":  # exact below 2**52 (see grim_core)
        return np.floor((num - closed) / den) + 1.0
    shift = np.asarray(closed, dtype=np.int64)
    if num.dtype == object:
        shift = shift.astype(object)
    return floor_div(num - shift, den) + 1


def last_at_most(num: np.ndarray, den: np.ndarray, closed: np.ndarray) -> np.ndarray:
    """Largest integer k with k * den <= num (closed) or < num (open); den > 0.

    floor(num / den) and, for the open end, ceil(num / den) - 1 = (num - 1) // den.
    """
    if num.dtype.kind == "f":
        return np.floor((num - ~np.asarray(closed, dtype=bool)) / den)
    shift = 1 - np.asarray(closed, dtype=np.int64)
    if num.dtype == object:
        shift = shift.astype(object)
    return floor_div(num - shift, den)


