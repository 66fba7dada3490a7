"""Reported numbers as printed: parsing, decimal places, rounding intervals, exact integers.

Everything here is private to :mod:`trialkit.checks`. A reported number is kept as the text
it was printed with, because its last digit says how precisely it was reported ("5.10" has
two decimals, "5.1" one). Parsing turns each text into an exact integer ``X`` and a number of
decimals ``d`` (the value is ``X / 10**d``) without going through floating point, so that
the consistency tests run in exact integer arithmetic. The parser is vectorized: it walks the
characters column by column over a numpy unicode array, never row by row.

Rounding intervals are expressed in *half units* of the last reported digit: with
``M = 2 * 10**d``, a true value ``v`` rounds to the reported ``X`` under a scheme iff
``lo <= M * v <= hi`` (each end closed or open as the scheme says), where ``lo`` and ``hi``
are integers ``2 X + a``.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
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

_DIGITS_MAX = 17  # digits a reported number may have (exact in int64 with headroom)


def check_rounding(rounding: Any) -> str:
    """The canonical name of a rounding scheme (accepting scrutiny's aliases)."""
    if isinstance(rounding, str):
        name = ROUNDING_ALIASES.get(rounding, rounding)
        if name in ROUNDING_SCHEMES:
            return name
    known = ", ".join(repr(k) for k in [*ROUNDING_SCHEMES, *ROUNDING_ALIASES])
    raise TrialDataError(f"unknown rounding scheme {rounding!r}; expected one of {known}",
                         field="rounding")


@dataclass(frozen=True)
class Reported:
    """Parsed reported numbers: ``value = X / 10**d``; ``text`` as given (for output)."""

    X: np.ndarray  # int64 (or object for huge values)
    d: np.ndarray  # int64 decimals
    text: Any  # the input strings, for the output frame (list, array or Series)
    scalar: bool

    @property
    def value(self) -> np.ndarray:
        return self.X.astype(float) / 10.0 ** self.d.astype(float)

    def __len__(self) -> int:
        return len(self.X)


def _number_to_text(x: Any) -> str:
    if isinstance(x, bool | np.bool_):
        raise TypeError("a boolean is not a reported number")
    if isinstance(x, int | np.integer):
        return str(int(x))
    value = float(x)
    if not np.isfinite(value):
        raise ValueError("not finite")
    return np.format_float_positional(value, unique=True, trim="-")


def _to_unicode(values: Any, name: str) -> tuple[np.ndarray, Any, bool]:
    """Input -> (numpy unicode array, text for output, scalar?)."""
    scalar = False
    if isinstance(values, pd.DataFrame):
        raise TrialDataError("expected a string, list, array or Series, got a DataFrame",
                             field=name)
    if values is None:
        raise TrialDataError("a value is required, got None", field=name)
    if isinstance(values, str | bytes | int | float | np.number | np.str_ | bool):
        values, scalar = [values], True
    if isinstance(values, np.ndarray) and values.ndim == 0:
        values, scalar = [values.item()], True
    if isinstance(values, np.ndarray) and values.dtype.kind == "U":
        return values.ravel(), values.ravel(), scalar
    if isinstance(values, pd.Series | pd.Index):
        text = values
        seq: Sequence[Any] = values.to_numpy(dtype=object)
    else:
        seq = list(values) if not isinstance(values, np.ndarray) else values.ravel()
        text = seq
    numeric = False
    texts: list[str] = []
    obj = np.asarray(seq, dtype=object)
    is_str = np.fromiter((isinstance(v, str) for v in obj), bool, len(obj))
    if is_str.all():
        try:
            arr = obj.astype("U")
        except (UnicodeError, ValueError) as exc:  # pragma: no cover - defensive
            raise TrialDataError(f"could not read the texts ({exc})", field=name) from None
        return arr, text, scalar
    for i, v in enumerate(obj):
        if isinstance(v, str):
            texts.append(v)
            continue
        if isinstance(v, bytes):
            texts.append(v.decode("ascii", errors="replace"))
            continue
        try:
            texts.append(_number_to_text(v))
            numeric = True
        except (TypeError, ValueError):
            raise TrialDataError(f"expected a reported number such as '5.10', got {v!r}",
                                 field=name, row=None if scalar else i) from None
    if numeric:
        warnings.warn(f"{name}: numbers given instead of text; trailing zeros are lost "
                      f"(5.10 becomes '5.1'), so decimals are counted from the shortest "
                      f"representation. Pass the numbers as printed, as strings.",
                      UserWarning, stacklevel=4)
    arr = np.array(texts, dtype="U") if texts else np.array([], dtype="U1")
    return arr, texts, scalar


def parse_reported(values: Any, name: str, *, percent: bool = False) -> Reported:
    """Parse reported numbers (strings preferred) into exact integers and decimals.

    Accepts one value or a sequence (list, numpy array, pandas Series). Leading and trailing
    blanks are ignored; a sign, digits and at most one decimal point are allowed ("5.10",
    "-0.3", ".45", "12."). With ``percent=True`` the number is a percentage: the decimals
    count two more (71 -> 0.71).
    """
    arr, text, scalar = _to_unicode(values, name)
    n = arr.shape[0]
    if n == 0:
        raise TrialDataError("no values given", field=name)
    width = max(arr.dtype.itemsize // 4, 1)
    codes = arr.view(np.uint32).reshape(n, width) if arr.dtype.itemsize else np.zeros(
        (n, 1), np.uint32)
    if np.any(codes > 127):
        _raise_bad(arr, np.any(codes > 127, axis=1), name, scalar)
    cols = np.ascontiguousarray(codes.T).astype(np.uint8)
    X = np.zeros(n, np.int64)
    d = np.zeros(n, np.int64)
    ndig = np.zeros(n, np.int64)
    seen_dot = np.zeros(n, bool)
    started = np.zeros(n, bool)
    ended = np.zeros(n, bool)
    neg = np.zeros(n, bool)
    bad = np.zeros(n, bool)
    for c in cols:
        dig = c - np.uint8(48)
        isd = dig < 10
        np.multiply(X, np.where(isd, 10, 1), out=X)
        X += np.where(isd, dig, 0)
        ndig += isd
        d += isd & seen_dot
        isdot = c == 46
        bad |= isdot & seen_dot
        seen_dot |= isdot
        sign = (c == 45) | (c == 43)
        bad |= sign & started
        neg |= c == 45
        blank = (c == 32) | (c == 9) | (c == 0)
        bad |= ~(isd | isdot | sign | blank)
        bad |= ended & ~blank
        ended |= started & blank
        started |= ~blank
    bad |= ndig == 0
    bad |= ndig > _DIGITS_MAX
    if bad.any():
        _raise_bad(arr, bad, name, scalar)
    X = np.where(neg, -X, X)
    if percent:
        d = d + 2
    return Reported(X=X, d=d, text=text, scalar=scalar)


def _raise_bad(arr: np.ndarray, bad: np.ndarray, name: str, scalar: bool) -> None:
    i = int(np.flatnonzero(bad)[0])
    raise TrialDataError(
        f"expected a reported number such as '5.10' (digits, one optional decimal point, "
        f"optional sign; at most {_DIGITS_MAX} digits), got {str(arr[i])!r}",
        field=name, row=None if scalar else i)


def as_int_array(values: Any, name: str, minimum: int = 1, *, allow_none: bool = False,
                 why: str = "") -> tuple[np.ndarray, bool]:
    """Whole numbers >= ``minimum`` (sample sizes, items) as int64; scalar flag."""
    if values is None:
        raise TrialDataError("a value is required, got None", field=name)
    if isinstance(values, str):
        raise TrialDataError(f"expected a whole number, got the string {values!r}",
                             field=name)
    if isinstance(values, pd.Series | pd.Index):
        values = values.to_numpy()
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


def broadcast(named: dict[str, np.ndarray]) -> tuple[dict[str, np.ndarray], int]:
    """Broadcast 1-D arrays to a common length (1 or n), naming the arguments that clash."""
    sizes = {k: v.shape[0] for k, v in named.items()}
    longer = {k: s for k, s in sizes.items() if s != 1}
    if len(set(longer.values())) > 1:
        detail = ", ".join(f"{k} has {s}" for k, s in longer.items())
        raise TrialDataError(f"lengths do not broadcast ({detail} elements); give one value "
                             f"or the same number of values for each argument",
                             field=", ".join(longer))
    n = next(iter(longer.values())) if longer else 1
    return {k: (np.repeat(v, n) if v.shape[0] == 1 and n != 1 else v)
            for k, v in named.items()}, n


def take(rep: Reported, n: int) -> Reported:
    """Broadcast a parsed reported array to length n."""
    if len(rep) == n:
        return rep
    text = list(rep.text) * n if not isinstance(rep.text, np.ndarray) else np.repeat(
        rep.text, n)
    return Reported(X=np.repeat(rep.X, n), d=np.repeat(rep.d, n), text=text,
                    scalar=rep.scalar)


def text_column(rep: Reported, n: int) -> Any:
    """The reported texts as an output column of length n."""
    text = rep.text
    if isinstance(text, pd.Series | pd.Index):
        text = text.to_numpy(dtype=object)
    if len(text) == n:
        return text
    return np.repeat(np.asarray(text, dtype=object), n)


def bounds(X: np.ndarray, d: np.ndarray, rounding: str) -> tuple[
        np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Rounding interval of each reported ``X / 10**d`` in half units (see module doc).

    Returns ``lo, hi, lo_closed, hi_closed``: the true value v satisfies
    ``lo <= 2 * 10**d * v <= hi`` (strict where not closed).
    """
    two_x = 2 * X
    n = X.shape[0]
    t, f = np.ones(n, bool), np.zeros(n, bool)
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


def pow10(d: np.ndarray) -> np.ndarray:
    """10**d as int64 (d <= 18)."""
    return (10 ** np.minimum(d, 18)).astype(np.int64)


def needs_objects(*magnitudes: Any) -> bool:
    """True when any of these (float) magnitude bounds could overflow int64 arithmetic."""
    limit = 2.0**61
    return any(float(np.max(np.abs(np.asarray(m, dtype=float)))) >= limit
               for m in magnitudes)


def max_abs(a: np.ndarray) -> float:
    """Largest absolute value as a float (0 for an empty array)."""
    return float(np.max(np.abs(a))) if a.size else 0.0


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
    shift = np.asarray(closed, dtype=np.int64)
    if num.dtype == object:
        shift = shift.astype(object)
    return (num - shift) // den + 1


def last_at_most(num: np.ndarray, den: np.ndarray, closed: np.ndarray) -> np.ndarray:
    """Largest integer k with k * den <= num (closed) or < num (open); den > 0.

    floor(num / den) and, for the open end, ceil(num / den) - 1 = (num - 1) // den.
    """
    shift = 1 - np.asarray(closed, dtype=np.int64)
    if num.dtype == object:
        shift = shift.astype(object)
    return (num - shift) // den


def constant(value: str, n: int) -> pd.Categorical:
    """A column holding one label n times (categorical: no n Python strings are built)."""
    return pd.Categorical.from_codes(np.zeros(n, np.int8), categories=[value])


def fmt_decimals(value: float, d: int) -> str:
    """A value printed with d decimals (for sentences)."""
    return f"{value:.{max(int(d), 0)}f}"
