"""Helpers the across-trial techniques share: decimals, significant digits, ordering of
pieces, and reappraised's merging of sparse bins before a chi-squared test."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import pandas as pd

from trialkit.errors import TrialDataError

KEYS = ("trial", "variable", "timepoint")


def require(rows: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    """Raise TrialDataError naming the missing columns of a rows frame."""
    if not isinstance(rows, pd.DataFrame):
        raise TrialDataError(f"{what}: expected a rows frame (pandas DataFrame), got "
                             f"{type(rows).__name__}")
    missing = [c for c in columns if c not in rows.columns]
    if missing:
        raise TrialDataError(f"{what}: the rows frame has no column(s) {', '.join(missing)} "
                             "(see trialkit.screen._rows.ROWS_COLUMNS)")


def decimals_of(value: float) -> int:
    """Decimals shown by a number stored without its text (trailing zeros are lost, as in
    reappraised's ``dp``: the shortest repr of the float)."""
    if not math.isfinite(value):
        return -1
    text = repr(abs(float(value)))
    if "e" in text or "E" in text:
        text = np.format_float_positional(abs(float(value)), trim="-")
    if "." not in text:
        return 0
    frac = text.split(".", 1)[1].rstrip("0")
    return len(frac)


def decimals_of_text(text: str) -> int:
    """Decimals of a printed number ("4.50" -> 2); -1 when it is not a plain number."""
    t = str(text).strip().lstrip("+-")
    if not t or not all(ch.isdigit() or ch == "." for ch in t) or t.count(".") > 1:
        return -1
    return len(t.split(".", 1)[1]) if "." in t else 0


def per_unique(fn: Callable[..., Any], *columns: np.ndarray, dtype: Any = np.int64
               ) -> np.ndarray:
    """``[fn(*row) for row in zip(*columns)]`` as an array, calling ``fn`` once per distinct
    row (``fn`` must be a pure function of its arguments; NaN is one value, and 0.0 and
    -0.0 are one value, so ``fn`` must not tell them apart, as none of the decimals and
    digits functions here do, all taking ``abs``)."""
    if not len(columns) or not len(columns[0]):
        return np.zeros(0, dtype)
    code = np.zeros(len(columns[0]), np.int64)
    uniques = []
    for col in columns:
        c, u = pd.factorize(np.asarray(col), use_na_sentinel=False)
        code = code * len(u) + c
        uniques.append((c, u.tolist()))
    _, first, inverse = np.unique(code, return_index=True, return_inverse=True)
    values = np.array([fn(*(u[c[i]] for c, u in uniques)) for i in first.tolist()],
                      dtype=dtype)
    return values[inverse.ravel()]


#: A plain printed number (after stripping spaces and signs) that the vectorized paths read
#: directly: ASCII digits, at most one point, ending in a digit. Anything else goes through
#: the per-value functions, so both give the same answer on every text.
PLAIN = r"[0-9]*\.?[0-9]+"


def plain_texts(texts: np.ndarray) -> tuple[pd.Series, np.ndarray]:
    """The texts stripped of spaces and leading signs (as :func:`decimals_of_text` strips
    them), and which of them are :data:`PLAIN` numbers."""
    t = pd.Series(np.asarray(texts, dtype=object), dtype=object).str.strip().str.lstrip("+-")
    return t, t.str.fullmatch(PLAIN).to_numpy(bool)


def decimals_of_texts(texts: np.ndarray) -> np.ndarray:
    """:func:`decimals_of_text` of many texts ("" gives -1)."""
    texts = np.asarray(texts, dtype=object)
    t, plain = plain_texts(texts)
    point = t.str.find(".").to_numpy(np.int64)
    size = t.str.len().to_numpy(np.int64)
    out = np.where(point >= 0, size - point - 1, 0).astype(np.int64)
    rest = ~plain
    out[rest] = per_unique(lambda x: decimals_of_text(x) if x else -1, texts[rest])
    return out


def column_decimals(rows: pd.DataFrame, stat: str) -> tuple[np.ndarray, np.ndarray]:
    """Decimals of ``stat`` ("mean" or "sd") per row: the ``<stat>_decimals`` column where
    known, else counted from ``<stat>_text``, else from the stored number. Also returns
    which rows had to be inferred from the number."""
    dec = rows[f"{stat}_decimals"].to_numpy(np.int64).copy()
    texts = rows[f"{stat}_text"].astype(str).to_numpy()
    values = rows[stat].to_numpy(float)
    inferred = np.zeros(len(rows), bool)
    todo = np.flatnonzero(dec < 0)
    if len(todo):
        d = decimals_of_texts(texts[todo])
        from_number = d < 0
        d[from_number] = per_unique(decimals_of, values[todo[from_number]])
        inferred[todo[from_number]] = d[from_number] >= 0
        dec[todo] = d
    return dec, inferred


def sig_digits(value: float, text: str = "") -> int:
    """Significant digits as reappraised's ``match_fn`` counts them: the number without its
    point, leading and trailing zeros removed ("65.6" -> 3, "0.070" -> 1, "150" -> 2)."""
    t = str(text).strip().lstrip("+-") if text else ""
    if not t or decimals_of_text(t) < 0:
        t = np.format_float_positional(abs(float(value)), trim="-")
    digits = t.replace(".", "").strip("0")
    return len(digits)


def _sig_digits_one(v: float, t: str) -> int:
    if t:
        return sig_digits(v, t)
    r = repr(abs(v))
    if "e" in r or "n" in r:
        return sig_digits(v) if math.isfinite(v) else 0
    if r.endswith(".0"):
        r = r[:-2]
    return len(r.replace(".", "").strip("0"))


def sig_digits_many(values: np.ndarray, texts: np.ndarray) -> np.ndarray:
    """:func:`sig_digits` of many numbers (the text where it is a plain number)."""
    values = np.asarray(values, float)
    texts = np.asarray(texts, dtype=object)
    t, plain = plain_texts(texts)
    out = t.str.replace(".", "", regex=False).str.strip("0").str.len().to_numpy()
    out = np.where(plain, out, 0).astype(np.int64)
    rest = ~plain
    out[rest] = per_unique(_sig_digits_one, values[rest], texts[rest])
    return out


def sort_keys(frame: pd.DataFrame, keys: Iterable[str]) -> pd.DataFrame:
    """Rows in a fixed order (by ``keys``, stable), index reset: pieces from any split of
    whole trials then combine to the same frame."""
    keys = [k for k in keys if k in frame.columns]
    return frame.sort_values(keys, kind="mergesort").reset_index(drop=True)


def compress(observed: np.ndarray, expected: np.ndarray,
             size: float = 5.0) -> list[tuple[int, int, float, float]]:
    """reappraised's ``compress``: walk the bins in order, closing a group as soon as its
    expected count exceeds ``size - 0.05``; what is left at the end joins the last group,
    except that when only one group has been closed the remainder stands alone. Returns
    ``(first_bin, last_bin, observed, expected)`` per group."""
    groups: list[tuple[int, int, float, float]] = []
    ob = ex = 0.0
    start = 0
    m = len(observed)
    for i in range(m):
        closed = False
        if ex + expected[i] > size - 0.05:
            groups.append((start, i, ob + observed[i], ex + expected[i]))
            start, ob, ex, closed = i + 1, 0.0, 0.0, True
        if not closed:
            ex += expected[i]
            ob += observed[i]
        if i == m - 1 and start <= i:
            if len(groups) == 1:
                groups.append((start, i, ob, ex))
            elif groups:
                a, _, o, e = groups[-1]
                groups[-1] = (a, i, o + ob, e + ex)
    if groups and groups[-1][1] < m - 1:
        a, _, o, e = groups[-1]
        groups[-1] = (a, m - 1, o, e)
    return groups


def binned_chisq(observed: np.ndarray, expected: np.ndarray) -> tuple[
        list[tuple[int, int, float, float]], float, int]:
    """reappraised's choice of bins and its chi-squared test (``sr_fn``, ``cat_all_fn``,
    ``cohort_fn``): merge bins with :func:`compress` at size 5, then 10, 15, ... until
    fewer than 22 groups remain; test the observed group counts against the expected
    proportions (Pearson's X^2 on groups - 1 df, as R's ``chisq.test(x, p=)``).
    Returns (groups, p, size)."""
    from scipy import stats

    observed = np.asarray(observed, float)
    expected = np.asarray(expected, float)
    size = 5
    groups = compress(observed, expected, size)
    while len(groups) >= 22:
        size += 5
        groups = compress(observed, expected, size)
    obs = np.array([g[2] for g in groups])
    exp = np.array([g[3] for g in groups])
    if len(groups) < 2 or obs.sum() <= 0:
        return groups, math.nan, size
    e = obs.sum() * exp / exp.sum()
    x2 = float(((obs - e) ** 2 / e).sum())
    return groups, float(stats.chi2.sf(x2, len(groups) - 1)), size


def bin_label(first: int, last: int, final: bool) -> str:
    """"3", "4-5" or "9+" (the last group is open-ended), as reappraised labels bins."""
    if first == last:
        return str(first)
    return f"{first}+" if final else f"{first}-{last}"
