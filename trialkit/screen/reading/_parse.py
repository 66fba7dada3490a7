"""Column-at-a-time parsing of a table's cells, every bad cell recorded with its row and field.

The fast path is vectorized (pandas string methods over the whole column); only the cells it
cannot read go through :func:`trialkit.cells.parse_number`, which either reads them (a
typographic minus, a thin space) or says what is wrong.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from trialkit.cells import MAX_N, parse_number
from trialkit.errors import ErrorCollector, TrialDataError

#: Cells that mean "not given" (R writes NA; spreadsheets leave blanks).
MISSING = frozenset({"", "na", "n/a", "nan", "none", "null", "."})
_PLAIN = re.compile(r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$")
_PLAIN_PATTERN = r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)"


@dataclass
class Where:
    """Where a frame's rows came from: the file, each row's number, and the field names."""

    file: str
    rows: np.ndarray  # 1-based data row of each frame row
    field: Callable[[str, int], str] = lambda name, i: name

    def error(self, collector: ErrorCollector, i: int, name: str, message: str) -> None:
        collector.add(TrialDataError(message, file=self.file, row=int(self.rows[i]),
                                     field=self.field(name, i)))


def is_missing(values: pd.Series) -> np.ndarray:
    """True where a cell is empty: None, a float NaN, a blank or NA-like text."""
    obj = values.astype(object)
    text = obj.map(lambda v: v.strip().lower() if isinstance(v, str) else v)
    miss = text.map(lambda v: v is None or (isinstance(v, float) and np.isnan(v))
                    or (isinstance(v, str) and v in MISSING))
    return miss.to_numpy(bool)


def as_text(values: pd.Series) -> pd.Series:
    """Cells as stripped strings ("" when missing); whole floats are written without ".0"."""
    def one(v: object) -> str:
        if v is None or (isinstance(v, float) and np.isnan(v)):
            return ""
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        text = str(v).strip()
        return "" if text.lower() in MISSING else text

    return values.astype(object).map(one)


def numbers(values: pd.Series, name: str, where: Where, errors: ErrorCollector,
            *, required: np.ndarray | bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Read a column of numbers: ``(value, text, decimals)``.

    Text cells keep their text ("5.10") and its decimals; cells that were numbers (a pandas
    float column, an Excel number) have text "" and decimals -1 (their printed form is not
    known). Missing cells are NaN, and an error where ``required``.
    """
    obj = values.astype(object).reset_index(drop=True)
    n = len(obj)
    value = np.full(n, np.nan)
    text = np.full(n, "", dtype=object)
    decimals = np.full(n, -1, dtype=np.int64)
    missing = is_missing(obj)
    is_str = obj.map(lambda v: isinstance(v, str)).to_numpy(bool) & ~missing
    is_num = obj.map(lambda v: isinstance(v, int | float | np.integer | np.floating)
                     and not isinstance(v, bool)).to_numpy(bool) & ~missing
    if is_str.any():
        s = obj[is_str].str.strip()
        plain = s.str.fullmatch(_PLAIN_PATTERN).to_numpy(bool)
        idx = np.flatnonzero(is_str)
        good = idx[plain]
        value[good] = pd.to_numeric(s[plain]).to_numpy(float)
        text[good] = s[plain].to_numpy(object)
        frac = s[plain].str.extract(r"\.([0-9]*)$", expand=False)
        decimals[good] = frac.str.len().fillna(0).to_numpy(np.int64)
        for i in idx[~plain]:
            try:
                value[i] = parse_number(obj[i])
            except TrialDataError as exc:
                where.error(errors, int(i), name, exc.reason)
                continue
            t = str(obj[i]).strip()
            text[i] = t
            m = re.search(r"\.([0-9]*)(?:[eE]|$)", t)
            decimals[i] = len(m.group(1)) if m and "e" not in t.lower() else (
                0 if "." not in t and "e" not in t.lower() else -1)
    if is_num.any():
        idx = np.flatnonzero(is_num)
        vals = obj[is_num].astype(float).to_numpy()
        value[idx] = vals
        for i in idx[~np.isfinite(vals)]:
            where.error(errors, int(i), name, f"expected a finite number, got {obj[i]!r}")
    other = ~missing & ~is_str & ~is_num
    for i in np.flatnonzero(other):
        where.error(errors, int(i), name, f"expected a number, got {obj[i]!r}")
    need = np.broadcast_to(np.asarray(required, bool), (n,))
    for i in np.flatnonzero(need & missing):
        where.error(errors, int(i), name, "expected a number, got an empty cell")
    return value, text, decimals


def counts(values: pd.Series, name: str, where: Where, errors: ErrorCollector, *,
           required: np.ndarray | bool = False, minimum: int = 1) -> np.ndarray:
    """Whole numbers >= ``minimum`` (at most :data:`trialkit.cells.MAX_N`); NaN where missing."""
    value, _, _ = numbers(values, name, where, errors, required=required)
    ok = np.isfinite(value)
    bad = ok & ((value != np.round(value)) | (value < minimum) | (value > MAX_N))
    for i in np.flatnonzero(bad):
        what = (f"a whole number >= {minimum}" if value[i] <= MAX_N
                else f"at most {MAX_N:,}")
        where.error(errors, int(i), name, f"expected {what}, got {values.iloc[i]!r}")
    value[bad] = np.nan
    return value


def flags(values: pd.Series, name: str, where: Where, errors: ErrorCollector) -> np.ndarray:
    """Yes/no cells (true/false, yes/no, 1/0; empty is no)."""
    text = as_text(values).str.lower()
    yes = text.isin(["true", "yes", "y", "1", "t"]).to_numpy(bool)
    no = text.isin(["false", "no", "n", "0", "f", ""]).to_numpy(bool)
    for i in np.flatnonzero(~yes & ~no):
        where.error(errors, int(i), name,
                    f"expected yes or no (true/false, 1/0), got {values.iloc[i]!r}")
    return yes
