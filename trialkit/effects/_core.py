"""Shared machinery for :mod:`trialkit.effects`: argument conversion, validation, broadcasting,
bias-correction factors, interval helpers and the result frame.

Everything here is private. Public functions in the sibling modules call these helpers so that
every statistic validates its input the same way and returns the same shape of result.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from trialkit.effects._hedges_j import (  # noqa: F401 (re-exported: _core.hedges_j)
    hedges_j,
    hedges_j_lookup,
    hedges_j_table,
    hedges_j_whole,
)
from trialkit.effects._nct import _nct_solve, nct_start_terms
from trialkit.errors import TrialDataError

__all__: list[str] = []

ArrayLike = Any  # scalar, list, tuple, numpy array or pandas Series

# Order in which the standard columns appear in every result frame.
_STANDARD = ("estimate", "se", "var", "ci_low", "ci_high", "df", "statistic", "p")


# --------------------------------------------------------------------------------------------
# conversion and validation
# --------------------------------------------------------------------------------------------


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


def _first_bad(mask: np.ndarray) -> int | None:
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


def _raise_at(arr: np.ndarray, mask: np.ndarray, name: str, expected: str) -> None:
    """Raise TrialDataError for the first element where ``mask`` is true."""
    if not np.any(mask):
        return
    i = _first_bad(np.atleast_1d(mask))
    if i is None:
        return
    flat = np.atleast_1d(arr)
    row = None if arr.ndim == 0 else i
    raise TrialDataError(f"{expected}, got {float(flat[i])!r}", field=name, row=row)


def check_finite(arr: np.ndarray, name: str) -> None:
    if all_finite(arr):
        return
    _raise_at(arr, ~np.isfinite(arr), name, "must be a finite number (no NaN or infinity)")


def check_positive(arr: np.ndarray, name: str, finite_checked: bool = False) -> None:
    """Finite and > 0 (``finite_checked=True``: the caller has already checked finiteness)."""
    if not finite_checked:
        check_finite(arr, name)
    if arr.size and arr.min() > 0:
        return
    _raise_at(arr, arr <= 0, name, "must be > 0")


def check_n(arr: np.ndarray, name: str, minimum: int = 2, why: str = "",
            finite_checked: bool = False) -> None:
    """Sample sizes: finite, whole numbers, at least ``minimum`` (``finite_checked=True``: the
    caller has already checked finiteness)."""
    if not finite_checked:
        check_finite(arr, name)
    _raise_at(arr, arr != np.rint(arr), name, "must be a whole number (a count of participants)")
    if arr.size and arr.min() >= minimum:
        return
    reason = f" ({why})" if why else ""
    _raise_at(arr, arr < minimum, name, f"must be >= {minimum}{reason}")


def check_correlation(arr: np.ndarray, name: str) -> None:
    check_finite(arr, name)
    _raise_at(arr, np.abs(arr) > 1, name, "must be a correlation between -1 and 1")


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


# --------------------------------------------------------------------------------------------
# small-sample correction and intervals
# --------------------------------------------------------------------------------------------


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
        i = _first_bad(~ok)
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


def check_finite_result(columns: Mapping[str, np.ndarray], names: tuple[str, ...],
                        why: str) -> bool:
    """Guard: a statistic that overflowed to +/-inf is refused, naming the row, not shown.

    Returns True when every named column is entirely finite (no NaN either), which lets the
    caller skip its later NaN and infinity checks of these columns.
    """
    finite = True
    for name in names:
        value = np.asarray(columns[name], dtype=float)
        if all_finite(value):
            continue
        finite = False
        bad = np.isinf(value)
        if np.any(bad):
            i = _first_bad(bad)
            raise TrialDataError(f"the computation overflows for {name} ({why})", field=name,
                                 row=i if value.size > 1 else None)
    return finite


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


def t_frame(estimate: np.ndarray, var: np.ndarray, df: np.ndarray, level: float, method: str,
            n: int, extra: Mapping[str, np.ndarray] | None = None) -> pd.DataFrame:
    """The result frame of a t-based statistic: ``estimate, se = sqrt(var), var``, the
    :func:`t_test_columns`, then ``extra`` columns, guarded against NaN (:func:`check_no_nan`)
    and built by :func:`frame`."""
    se = np.sqrt(var)
    cols = {"estimate": estimate, "se": se, "var": var}
    cols.update(t_test_columns(estimate, se, df, level))
    cols.update(extra or {})
    check_no_nan(cols, ("estimate", "se", "ci_low", "ci_high", "p"))
    return frame(cols, method, n)


def normal_ci(estimate: np.ndarray, se: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    z = z_quantile(level)
    half = z * se
    low = estimate - half
    if isinstance(half, np.ndarray) and half.shape == np.shape(low) and half.dtype == low.dtype:
        return low, np.add(estimate, half, out=half)  # reuse the buffer: same arithmetic
    return low, estimate + half


# --------------------------------------------------------------------------------------------
# result frame
# --------------------------------------------------------------------------------------------


#: Result columns that may never be +/-inf: an overflow is refused rather than shown.
FINITE = ("estimate", "se", "var", "ci_low", "ci_high", "sd", "mean")


def _refuse_infinite(columns: Mapping[str, Any], names: tuple[str, ...], n: int) -> None:
    for key in names:
        if key not in columns:
            continue
        value = columns[key]
        if isinstance(value, str) or np.asarray(value).dtype.kind != "f":
            continue
        if all_finite(value):
            continue
        bad = np.isinf(np.asarray(value, dtype=float))
        if np.any(bad):
            i = _first_bad(np.atleast_1d(bad))
            raise TrialDataError(
                f"the computation overflows for {key} (the inputs are too extreme for double "
                "precision: a product or ratio of them exceeds ~1e308); check the units and "
                "that no SE or tiny value was typed as an SD", field=key,
                row=i if n > 1 else None)


@functools.lru_cache(maxsize=256)
def _label_dtype(text: str) -> pd.CategoricalDtype:
    return pd.CategoricalDtype([text])


def const_label(text: str, n: int) -> Any:
    """The ``method`` column for ``n`` rows that all carry ``text``.

    A Categorical with the one category ``text`` and all-zero codes, at every size (as the
    checks' ``method`` columns), so a column's dtype never depends on how many rows a call
    had: its values compare, print, ``.str``-match and ``astype(str)`` as the strings do,
    and it costs n bytes instead of a 33-byte string per row (4 MB and most of the frame's
    build time at 100,000 rows).
    """
    return pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), dtype=_label_dtype(text),
                                     validate=False)


def frame(columns: Mapping[str, Any], method: str | np.ndarray, n: int,
          extra_first: tuple[str, ...] = (), finite: tuple[str, ...] = FINITE,
          copy: bool = True) -> pd.DataFrame:
    """Build the result DataFrame: standard columns first, then the others, ``method`` last.

    Columns named in ``finite`` holding +/-inf (an overflow) raise TrialDataError.
    ``copy=False`` lets the frame keep the given arrays (one block per column, no copy): for
    callers whose arrays are all freshly computed and never touched again. A ``method`` given
    as one string becomes a one-category Categorical (see :func:`const_label`).
    """
    _refuse_infinite(columns, finite, n)
    data: dict[str, Any] = {}
    for key in extra_first:
        if key in columns:
            data[key] = columns[key]
    for key in _STANDARD:
        if key in columns:
            data[key] = columns[key]
    for key, value in columns.items():
        if key not in data:
            data[key] = value
    exotic = False  # a column other than a 1-d ndarray, a Python number or a string
    for k, v in data.items():
        if isinstance(v, np.ndarray):
            if v.ndim == 0:
                v = data[k] = np.broadcast_to(v, (n,))
            if v.dtype.kind == "f" and v.dtype != np.float64:
                data[k] = v.astype(float)
        elif isinstance(v, (float, int)):
            data[k] = np.broadcast_to(np.asarray(v), (n,))
        elif not isinstance(v, str):
            exotic = True
            if np.ndim(v) == 0:
                data[k] = np.broadcast_to(v, (n,))
    data["method"] = const_label(method, n) if isinstance(method, str) else method
    out = pd.DataFrame(data, index=pd.RangeIndex(n), copy=copy)
    if exotic:
        for key, dtype in out.dtypes.items():
            if key != "method" and dtype.kind == "f" and dtype != np.float64:
                out[key] = out[key].astype(float)
    return out


def check_no_nan(columns: Mapping[str, np.ndarray], names: tuple[str, ...]) -> None:
    """Guard: a statistic must never come out NaN silently."""
    for name in names:
        value = np.asarray(columns[name], dtype=float)
        if no_nan(value):
            continue
        if np.any(np.isnan(value)):  # pragma: no cover - every reachable case is validated
            i = _first_bad(np.isnan(value))
            raise TrialDataError(f"the computation gave NaN for {name}; check the inputs",
                                 field=name, row=i)
