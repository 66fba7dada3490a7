"""Reported numbers as printed: reading texts into exact integers and decimals, and the
columns that show them.

Everything here is private to :mod:`trialkit.checks`. A reported number is kept as the text
it was printed with, because its last digit says how precisely it was reported ("5.10" has
two decimals, "5.1" one). Parsing turns each text into an exact integer ``X`` and a number of
decimals ``d`` (the value is ``X / 10**d``) without going through floating point, so that
the consistency tests run in exact integer arithmetic (:mod:`trialkit.checks._numbers`). The
parser is vectorized: it walks the characters column by column over a numpy unicode array,
or looks short texts up by key, never row by row.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from trialkit.checks._numbers import by_blocks
from trialkit.errors import TrialDataError

__all__: list[str] = []

_DIGITS_MAX = 17  # digits a reported number may have (exact in int64 with headroom)


@dataclass(frozen=True)
class Reported:
    """Parsed reported numbers: ``value = X / 10**d``; ``text`` as given (for output)."""

    X: np.ndarray  # int64 (or object for huge values)
    d: np.ndarray  # int64 decimals
    text: np.ndarray  # the input strings as a numpy unicode array, for the output frame

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


def _to_unicode(values: Any, name: str) -> tuple[np.ndarray, bool]:
    """Input -> (numpy unicode array, scalar?)."""
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
        return values.ravel(), scalar
    if isinstance(values, pd.Series | pd.Index):
        seq: Sequence[Any] = values.to_numpy(dtype=object)
    else:
        seq = list(values) if not isinstance(values, np.ndarray) else values.ravel()
    numeric = False
    texts: list[str] = []
    obj = np.asarray(seq, dtype=object)
    is_str = np.fromiter((isinstance(v, str) for v in obj), bool, len(obj))
    if is_str.all():
        try:
            arr = obj.astype("U")
        except (UnicodeError, ValueError) as exc:  # pragma: no cover - defensive
            raise TrialDataError(f"could not read the texts ({exc})", field=name) from None
        return arr, scalar
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
    return arr, scalar


def as_unicode(values: Any, name: str) -> tuple[np.ndarray, bool]:
    """Reported numbers as a 1-D numpy unicode array (texts as given), and a scalar flag."""
    arr, scalar = _to_unicode(values, name)
    if arr.shape[0] == 0:
        raise TrialDataError("no values given", field=name)
    return arr, scalar


def parse_reported(values: Any, name: str, *, percent: bool = False) -> Reported:
    """Parse reported numbers (strings preferred) into exact integers and decimals.

    Accepts one value or a sequence (list, numpy array, pandas Series). Leading and trailing
    blanks are ignored; a sign, digits and at most one decimal point are allowed ("5.10",
    "-0.3", ".45", "12."). With ``percent=True`` the number is a percentage: the decimals
    count two more (71 -> 0.71).
    """
    arr, scalar = as_unicode(values, name)
    n = arr.shape[0]
    plain = by_blocks(parse_plain, arr)
    if plain is not None:
        X, d = plain
        return Reported(X=X, d=d + 2 if percent else d, text=arr)
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
    return Reported(X=X, d=d, text=arr)


_PLAIN_WIDTH = 15  # characters the fast path reads (15 digits are exact in int64)
KEY4_WIDTH = 5  # texts of up to 5 characters have 4-bit keys below 2**20
TABLE5_ROWS = 8192  # rows from which 5-character texts are read by table


def parse_plain(arr: np.ndarray, *, key: bool = False) -> tuple[np.ndarray, ...] | None:
    """Fast path for the usual case: an optional leading sign, digits and one optional point.

    No blanks, at most 15 characters. Returns ``(X, d)``, or None when any row needs the
    general parser (blanks, longer numbers) or is not a number (the general parser then
    names the row). With ``key=True`` also the texts' 4-bit keys for :func:`text_column`
    (an empty array when the texts are longer than 5 characters).

    Texts of up to 5 characters (most printed means and SDs) are read by table: each
    character becomes a 4-bit code, the codes of a text are packed into one key (below
    2**20, :func:`_keys4`), and ``X``, ``d`` and the verdict are looked up in a table of
    every key, built once per width by the general loop below (:func:`plain_table`). Longer
    texts go through that loop: the character codes as a 2-D array (one row per character
    position), one position at a time over all rows, accumulating the digits in the
    narrowest unsigned integer type that holds them.
    """
    n = arr.shape[0]
    width = arr.dtype.itemsize // 4
    if width == 0 or width > _PLAIN_WIDTH:
        return None
    codes = arr.view(np.uint32).reshape(n, width)
    if codes.max() > 127:
        return None
    # the 5-character table (a million keys) only pays off for long arrays
    if width <= 4 or (width == KEY4_WIDTH and n >= TABLE5_ROWS):
        packed = _keys4(np.array(codes.T, dtype=np.uint16, order="C"))
        if packed is None:  # a character no plain number has
            return None
        X_table, d_table = plain_table(width)
        d = d_table.take(packed)  # keys < 16**width by construction
        if d.min() < 0:  # some text is not a plain number
            return None
        X = X_table.take(packed)
        d = d.astype(np.int64)
        return (X, d, packed) if key else (X, d)
    # the narrowest integer that holds `width` digits: narrow arrays are fast to update;
    # the characters are read in the same type (no conversions in the loop) up to 9 digits
    acc = np.uint32 if width <= 9 else np.int64
    cols = np.array(codes.T, dtype=np.uint8 if acc is np.int64 else acc, order="C")
    X, d, bad = _plain_loop(cols, acc)
    if bad.any():
        return None
    return (X, d, np.zeros(0, np.uint32)) if key else (X, d)


def _plain_loop(cols: np.ndarray, acc: type) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``X``, ``d`` and a bad-text flag of each column of character codes ``cols``."""
    n = cols.shape[1]
    first = cols[0]
    sign = (first == 45) | (first == 43)
    X = np.zeros(n, acc)
    ndig = np.zeros(n, np.uint8)  # digits so far
    ndot = np.zeros(n, np.uint8)  # points so far
    before = np.zeros(n, np.uint8)  # digits before the point (when there is one)
    bad = np.zeros(n, bool)
    live = np.ones(n, bool)  # not yet past the end of the text (numpy pads with NUL)
    nine, one, zero = cols.dtype.type(9), cols.dtype.type(1), cols.dtype.type(48)
    for j, c in enumerate(cols):
        dig = c - zero
        isd = dig < 10
        isdot = c == 46
        used = c != 0
        ok = isd | isdot | sign if j == 0 else isd | isdot
        ok &= live
        bad |= ok < used  # not a digit, the point or a leading sign, or after the end
        live &= used
        X *= isd * nine + one  # x10 at a digit, x1 elsewhere
        X += dig * isd
        before += isdot * ndig  # the digits so far, at the point
        ndig += isd
        ndot += isdot
    bad |= (ndot > 1) | (ndig == 0)
    Xi = X.astype(np.int64)
    np.negative(Xi, out=Xi, where=first == 45)
    d = ((ndig - before) * ndot).astype(np.int64)  # no point (ndot = 0): no decimals
    return Xi, d, bad


def _keys4(chars: np.ndarray) -> np.ndarray | None:
    """Packed 4-bit keys of texts of up to 5 characters, or None if one is not plain.

    ``chars`` holds the character codes, one row per position (uint16, modified in place).
    Each character NUL (the padding of numpy strings) or "+" .. "9" becomes 0 or 1-15 (its
    code minus 42); the first character is the most significant, so the keys' order is the
    texts' order (uint16 for up to 4 characters, else uint32). Any other character: None.
    """
    kind = np.uint16 if chars.shape[0] <= 4 else np.uint32
    one, low, high = chars.dtype.type(1), chars.dtype.type(42), chars.dtype.type(57)
    if chars.max() > high or np.any(chars - one < low):  # 1-42 (NUL wraps round)
        return None
    np.maximum(chars, low, out=chars)
    chars -= low
    packed = chars[0].astype(kind)
    for row in chars[1:]:
        packed <<= kind(4)
        packed |= row
    return packed


@functools.cache
def plain_table(width: int) -> tuple[np.ndarray, np.ndarray]:
    """``X`` and ``d`` (-1 where the text is not a plain number) of every 4-bit key.

    For :func:`parse_plain`: 16**width entries (a million for 5 characters, built in about
    0.1 s once per process); each key's text is parsed by :func:`_plain_loop`.
    """
    keys = np.arange(16**width, dtype=np.uint32)
    chars = np.empty((width, keys.shape[0]), np.uint32)
    for j in range(width - 1, -1, -1):
        code = keys & np.uint32(15)
        chars[j] = np.where(code == 0, code, code + np.uint32(42))
        keys >>= np.uint32(4)
    X, d, bad = _plain_loop(chars, np.uint32)
    d_table = np.where(bad, -1, d).astype(np.int8)
    for table in (X, d_table):
        table.flags.writeable = False
    return X, d_table


def _raise_bad(arr: np.ndarray, bad: np.ndarray, name: str, scalar: bool) -> None:
    i = int(np.flatnonzero(bad)[0])
    raise TrialDataError(
        f"expected a reported number such as '5.10' (digits, one optional decimal point, "
        f"optional sign; at most {_DIGITS_MAX} digits), got {str(arr[i])!r}",
        field=name, row=None if scalar else i)


def take(rep: Reported, n: int) -> Reported:
    """Broadcast a parsed reported array to length n."""
    if len(rep) == n:
        return rep
    return Reported(X=np.repeat(rep.X, n), d=np.repeat(rep.d, n),
                    text=np.repeat(rep.text, n))



def text_column(text: np.ndarray, n: int, key: np.ndarray | None = None, *,
                ranked: tuple[np.ndarray, np.ndarray] | None = None) -> pd.Categorical:
    """Reported texts (a numpy unicode array), as printed, as a categorical column of length n.

    Categorical because a table of reported numbers repeats a limited set of printed values
    (the codes take a byte or two a row, where a column of Python strings takes ~60), and
    because building it never creates a Python string per row. Each text is packed into one
    integer key whose numeric order is the texts' alphabetical order: 4 bits a character
    for texts of digits, signs and points up to 5 characters (keys below 2**20, numbered
    through a lookup table; ``key`` may give them, from :func:`parse_plain`), else 7 bits a
    character up to 9 (keys factorized). Only the distinct keys are turned back into text.
    Categories are sorted. ``ranked`` may give the 4-bit keys already numbered: each row's
    rank among the distinct keys, and the distinct keys in order (as a compiled engine
    computes them).
    """
    text = text if len(text) == n else np.repeat(text, n)
    width = text.dtype.itemsize // 4
    if ranked is not None and ranked[0].size == n:
        return _categorical(*ranked, 4, width, text.dtype)
    if key is not None and key.size == n:
        return _from_keys(key, 4, width, text.dtype)
    codes = text.view(np.uint32).reshape(n, width) if width else None
    if codes is None or width > 9 or codes.max() > 127:
        return pd.Categorical(text.astype(object))
    chars = np.ascontiguousarray(codes.astype(np.uint8).T)
    packed4 = _keys4(chars.astype(np.uint16)) if width <= KEY4_WIDTH else None
    if packed4 is not None:
        return _from_keys(packed4, 4, width, text.dtype)
    kind = np.uint32 if width <= 4 else np.uint64
    packed = np.zeros(n, kind)
    for col in chars:
        packed <<= kind(7)
        packed |= col.astype(kind)
    return _from_keys(packed, 7, width, text.dtype)


def _from_keys(key: np.ndarray, bits: int, width: int, dtype: np.dtype) -> pd.Categorical:
    """Categorical from packed text keys (see :func:`text_column`)."""
    kind = key.dtype.type
    if bits == 4:
        size = 2 ** (4 * width)
        distinct = np.flatnonzero(np.bincount(key, minlength=size)).astype(kind)
        rank = np.zeros(size, np.int16 if len(distinct) < 2**15 else np.int32)
        rank[distinct] = np.arange(len(distinct))
        inverse = rank.take(key)  # keys < size by construction
    else:
        inverse, distinct = pd.factorize(key, sort=True)
    return _categorical(inverse, distinct, bits, width, dtype)


def _categorical(inverse: np.ndarray, distinct: np.ndarray, bits: int, width: int,
                 dtype: np.dtype) -> pd.Categorical:
    """Categorical from each row's rank among the distinct packed keys, and those keys."""
    kind = distinct.dtype.type
    chars = np.empty((len(distinct), width), np.uint32)
    for j in range(width - 1, -1, -1):
        c = distinct & kind(2**bits - 1)
        chars[:, j] = np.where(c == 0, c, c + 42) if bits == 4 else c
        distinct = distinct >> kind(bits)
    categories = chars.view(dtype).ravel().astype(object)
    # codes are ranks among the distinct keys, valid by construction: no second scan
    return pd.Categorical.from_codes(inverse, dtype=pd.CategoricalDtype(categories),
                                     validate=False)


def constant(value: str, n: int) -> pd.Categorical:
    """A column holding one label n times (categorical: no n Python strings are built)."""
    return pd.Categorical.from_codes(np.zeros(n, np.int8), dtype=pd.CategoricalDtype([value]),
                                     validate=False)  # code 0 is valid
