"""The result frame of :mod:`trialkit.effects` (standard columns first, ``method`` last)
and the guards that refuse a result that overflowed or came out NaN.

Everything here is private; the sibling modules call it.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from trialkit.effects._intervals import t_test_columns
from trialkit.effects._validate import all_finite, first_bad, no_nan
from trialkit.errors import TrialDataError

__all__: list[str] = []

# Order in which the standard columns appear in every result frame.
_STANDARD = ("estimate", "se", "var", "ci_low", "ci_high", "df", "statistic", "p")


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
            i = first_bad(bad)
            raise TrialDataError(f"the computation overflows for {name} ({why})", field=name,
                                 row=i if value.size > 1 else None)
    return finite


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
            i = first_bad(np.atleast_1d(bad))
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
            i = first_bad(np.isnan(value))
            raise TrialDataError(f"the computation gave NaN for {name}; check the inputs",
                                 field=name, row=i)
