"""Argument conversion and validation for :mod:`trialkit.effects`: every statistic converts
and checks its inputs the same way, and names the first bad row of an argument.

Everything here is private; the sibling modules call it.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from trialkit.errors import TrialDataError

__all__: list[str] = []

ArrayLike = Any  # scalar, list, tuple, numpy array or pandas Series


def as_float_array(value: ArrayLike, name: str, copy: bool = True) -> np.ndarray:
    """Return ``value`` as a new (never shared) flat float array.

    Scalars give a 0-d array, so that error messages can leave out the element index.
    Raises TrialDataError naming ``name`` for anything that is not numeric. ``copy=False``
    returns a float64 array as it is (for callers that never write into their inputs).
    """
    if value is None:
        raise TrialDataError("a value is required, got None", field=name)
    if isinstance(value, pd.DataFrame):
        raise TrialDataError("expected a scalar, list, array or Series, got a DataFrame",
                             field=name)
    if isinstance(value, (str, bytes)):
        raise TrialDataError(f"expected a number, got the string {value!r}", field=name)
    if isinstance(value, pd.Series | pd.Index):
        value = value.to_numpy()
    try:
        arr = np.array(value, dtype=float, copy=True if copy else None)
    except (TypeError, ValueError) as exc:
        raise TrialDataError(f"expected numbers, got {value!r}", field=name) from exc
    if arr.dtype.kind == "c":  # pragma: no cover - numpy refuses complex -> float already
        raise TrialDataError("expected real numbers", field=name)
    if arr.ndim > 1:
        arr = arr.ravel()
    return arr


def first_bad(mask: np.ndarray) -> int | None:
    idx = np.flatnonzero(mask)
    return int(idx[0]) if idx.size else None


def _self_dot(arr: np.ndarray) -> Any:
    """``sum(arr**2)`` by BLAS for a float64 vector (a quarter of ``np.sum``'s time, and no
    temporary), else by ``np.sum``: NaN and infinity propagate through either (an infinite
    square never meets a negative one, so the squares give no inf - inf)."""
    arr = np.asarray(arr)  # also a Python number, a list or a Series
    if arr.dtype == np.float64 and arr.ndim == 1:
        return np.dot(arr, arr)
    return np.sum(arr)


def all_finite(arr: np.ndarray) -> bool:
    """True when no element is NaN or +/-inf, by one dot product and no temporary array.

    NaN and infinity propagate through the sum of squares, so a finite sum proves every
    element finite; a non-finite sum (a bad element, or finite values whose squares
    overflow) returns False and the caller falls back to its elementwise check, which finds
    the row.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        return bool(np.isfinite(_self_dot(arr)))


def no_nan(arr: np.ndarray) -> bool:
    """True when no element is NaN, by one dot product (the squares of infinite elements
    add up to inf, not NaN; a sum, the fallback for other arrays, can return False for
    inf - inf: the caller then checks element by element)."""
    with np.errstate(over="ignore", invalid="ignore"):
        return not bool(np.isnan(_self_dot(arr)))


def raise_at(arr: np.ndarray, mask: np.ndarray, name: str, expected: str) -> None:
    """Raise TrialDataError for the first element where ``mask`` is true."""
    if not np.any(mask):
        return
    i = first_bad(np.atleast_1d(mask))
    if i is None:
        return
    flat = np.atleast_1d(arr)
    row = None if arr.ndim == 0 else i
    raise TrialDataError(f"{expected}, got {float(flat[i])!r}", field=name, row=row)


def check_finite(arr: np.ndarray, name: str) -> None:
    if all_finite(arr):
        return
    raise_at(arr, ~np.isfinite(arr), name, "must be a finite number (no NaN or infinity)")


def check_positive(arr: np.ndarray, name: str, finite_checked: bool = False) -> None:
    """Finite and > 0 (``finite_checked=True``: the caller has already checked finiteness)."""
    if not finite_checked:
        check_finite(arr, name)
    if arr.size and arr.min() > 0:
        return
    raise_at(arr, arr <= 0, name, "must be > 0")


def check_n(arr: np.ndarray, name: str, minimum: int = 2, why: str = "",
            finite_checked: bool = False) -> None:
    """Sample sizes: finite, whole numbers, at least ``minimum`` (``finite_checked=True``: the
    caller has already checked finiteness)."""
    if not finite_checked:
        check_finite(arr, name)
    raise_at(arr, arr != np.rint(arr), name, "must be a whole number (a count of participants)")
    if arr.size and arr.min() >= minimum:
        return
    reason = f" ({why})" if why else ""
    raise_at(arr, arr < minimum, name, f"must be >= {minimum}{reason}")


def check_correlation(arr: np.ndarray, name: str) -> None:
    check_finite(arr, name)
    raise_at(arr, np.abs(arr) > 1, name, "must be a correlation between -1 and 1")


def check_level(level: Any) -> float:
    """Confidence level: one number strictly between 0 and 1."""
    try:
        value = float(level)
    except (TypeError, ValueError) as exc:
        raise TrialDataError(f"expected a number between 0 and 1, got {level!r}",
                             field="level") from exc
    if not (0.0 < value < 1.0) or not np.isfinite(value):
        raise TrialDataError(f"must be strictly between 0 and 1 (e.g. 0.95), got {level!r}",
                             field="level")
    return value


def check_choice(value: Any, name: str, choices: tuple[str, ...]) -> str:
    if not isinstance(value, str) or value not in choices:
        raise TrialDataError(f"must be one of {', '.join(map(repr, choices))}, got {value!r}",
                             field=name)
    return value


def broadcast(arrays: Mapping[str, np.ndarray],
              copy: bool = True) -> tuple[dict[str, np.ndarray], int]:
    """Broadcast named flat arrays to a common length, like a numpy ufunc.

    Returns the broadcast 1-D arrays (copies; with ``copy=False`` a float array that already
    has the full length is passed through) and the number of rows. Shapes that do not
    broadcast raise TrialDataError whose field names every argument involved.
    """
    sizes = {name: (1 if a.ndim == 0 else a.shape[0]) for name, a in arrays.items()}
    longer = {name: s for name, s in sizes.items() if s != 1}
    lengths = set(longer.values())
    if len(lengths) > 1:
        detail = ", ".join(f"{name} has {s}" for name, s in longer.items())
        raise TrialDataError(
            f"lengths do not broadcast ({detail} elements); give one value or the same number "
            "of values for each argument",
            field=", ".join(longer),
        )
    n = lengths.pop() if lengths else 1
    out = {name: (a if not copy and a.shape == (n,) and a.dtype == np.float64
                  else np.array(np.broadcast_to(np.atleast_1d(a), (n,)), dtype=float))
           for name, a in arrays.items()}
    return out, n


def prepare(*, copy: bool = True,
            **values: ArrayLike) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray], int]:
    """Convert every named argument; return (original-shaped arrays, broadcast arrays, rows).

    A full-length argument's broadcast array is its converted copy itself (the copy is private
    to the call, and nothing writes into either): one allocation fewer per argument.
    ``copy=False`` (for callers that never write into the arrays) does not copy float64 input
    at all: the arrays may then be the caller's own, and must be treated as read-only.
    """
    raw = {name: as_float_array(v, name, copy) for name, v in values.items()}
    for name, arr in raw.items():
        check_finite(arr, name)
    flat, n = broadcast(raw, copy=False)
    return raw, flat, n


def default_r(r: ArrayLike | None, assumed: float = 0.5) -> tuple[ArrayLike, str]:
    """Pre-post correlation: the caller's value, or ``assumed`` with a UserWarning.

    Returns the value to use and the text for the ``method`` column.
    """
    if r is None:
        warnings.warn(
            f"no pre-post correlation given: assumed r = {assumed} (record it and vary it in a "
            "sensitivity analysis; pass r= explicitly to silence this warning)",
            UserWarning,
            stacklevel=3,
        )
        return assumed, f"r={assumed}(assumed)"
    return r, "r=given"
