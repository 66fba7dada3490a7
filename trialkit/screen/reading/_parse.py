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


def _split(values: pd.Series | None, length: int) -> tuple[pd.Series, np.ndarray, np.ndarray]:
    """A column as ``(text, number, is_number)``: the stripped text of text cells ("" where
    missing or a number), and the value of cells that were numbers (NaN elsewhere).

    String columns (a CSV read as text) take the vectorized path; only object columns that
    mix types (an Excel sheet) are looked at cell by cell.
    """
    if values is None:
        return (pd.Series([""] * length, dtype=str), np.full(length, np.nan),
                np.zeros(length, bool))
    values = values.reset_index(drop=True)
    if pd.api.types.is_bool_dtype(values.dtype):
        values = values.astype(object)
    if pd.api.types.is_numeric_dtype(values.dtype):
        number = values.to_numpy(float, na_value=np.nan)
        return pd.Series([""] * length, dtype=str), number, ~np.isnan(number)
    if values.dtype == object:
        kind = values.map(lambda v: "s" if isinstance(v, str) else "b" if isinstance(v, bool)
                          else "n" if isinstance(v, int | float | np.integer | np.floating)
                          else "m" if v is None else "o")
        is_num = (kind == "n").to_numpy().copy()
        number = np.full(length, np.nan)
        if is_num.any():
            number[is_num] = values[is_num].astype(float).to_numpy()
        is_num &= ~np.isnan(number)
        text = values.where(kind == "s", "")
        other = (kind.isin(["b", "o"])).to_numpy()
        if other.any():  # not text, not a number: kept as its repr, so the error shows it
            text = text.where(~other, values[other].map(repr) if other.any() else "")
        values = text.astype(str)
    else:
        number, is_num = np.full(length, np.nan), np.zeros(length, bool)
    text = values.fillna("").astype(str).str.strip()
    missing = text.str.lower().isin(MISSING)
    return text.where(~missing, ""), number, is_num


def is_missing(values: pd.Series | None, length: int | None = None) -> np.ndarray:
    """True where a cell is empty: None, a float NaN, a blank or NA-like text."""
    n = len(values) if values is not None else int(length or 0)
    text, _, is_num = _split(values, n)
    return (text == "").to_numpy() & ~is_num


def as_text(values: pd.Series | None, length: int | None = None) -> pd.Series:
    """Cells as stripped strings ("" when missing); whole floats are written without ".0"."""
    n = len(values) if values is not None else int(length or 0)
    text, number, is_num = _split(values, n)
    if is_num.any():
        written = [str(int(x)) if float(x).is_integer() else repr(float(x))
                   for x in number[is_num]]
        text = text.copy()
        text[is_num] = written
    return text


def numbers(values: pd.Series | None, name: str, where: Where, errors: ErrorCollector,
            *, required: np.ndarray | bool = False,
            length: int | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Read a column of numbers: ``(value, text, decimals)``.

    Text cells keep their text ("5.10") and its decimals; cells that were numbers (a pandas
    float column, an Excel number) have text "" and decimals -1 (their printed form is not
    known). Missing cells are NaN, and an error where ``required``.
    """
    n = len(values) if values is not None else int(length or 0)
    text, value, is_num = _split(values, n)
    value = value.copy()
    decimals = np.full(n, -1, dtype=np.int64)
    has_text = (text != "").to_numpy()
    for i in np.flatnonzero(is_num & ~np.isfinite(value)):
        where.error(errors, int(i), name, f"expected a finite number, got {value[i]!r}")
    if has_text.any():
        plain = text.str.fullmatch(_PLAIN_PATTERN).to_numpy(bool) & has_text
        if plain.any():
            t = text[plain]
            value[plain] = t.to_numpy(dtype=object).astype(float)
            dot = t.str.find(".").to_numpy()
            decimals[plain] = np.where(dot >= 0, t.str.len().to_numpy() - dot - 1, 0)
        for i in np.flatnonzero(has_text & ~plain):
            cell = text.iloc[i]
            try:
                value[i] = parse_number(cell)
            except TrialDataError as exc:
                where.error(errors, int(i), name, exc.reason)
                continue
            m = re.search(r"\.([0-9]*)$", cell)
            decimals[i] = (-1 if "e" in cell.lower() else len(m.group(1)) if m else 0)
    out_text = text.to_numpy(object)
    need = np.broadcast_to(np.asarray(required, bool), (n,))
    for i in np.flatnonzero(need & ~has_text & ~is_num):
        where.error(errors, int(i), name, "expected a number, got an empty cell")
    return value, out_text, decimals


def counts(values: pd.Series | None, name: str, where: Where, errors: ErrorCollector, *,
           required: np.ndarray | bool = False, minimum: int = 1,
           length: int | None = None) -> np.ndarray:
    """Whole numbers >= ``minimum`` (at most :data:`trialkit.cells.MAX_N`); NaN where missing."""
    value, text, _ = numbers(values, name, where, errors, required=required, length=length)
    ok = np.isfinite(value)
    bad = ok & ((value != np.round(value)) | (value < minimum) | (value > MAX_N))
    for i in np.flatnonzero(bad):
        what = (f"a whole number >= {minimum}" if value[i] <= MAX_N
                else f"at most {MAX_N:,}")
        shown = text[i] if text[i] else f"{value[i]:g}"
        where.error(errors, int(i), name, f"expected {what}, got {shown!r}")
    value[bad] = np.nan
    return value


def flags(values: pd.Series | None, name: str, where: Where, errors: ErrorCollector, *,
          length: int | None = None) -> np.ndarray:
    """Yes/no cells (true/false, yes/no, 1/0; empty is no)."""
    n = len(values) if values is not None else int(length or 0)
    if values is not None and pd.api.types.is_bool_dtype(values.dtype):
        return values.to_numpy(bool)
    if values is not None and values.dtype == object:
        values = values.map(lambda v: str(v) if isinstance(v, bool) else v)
    text = as_text(values, n).str.lower()
    yes = text.isin(["true", "yes", "y", "1", "t"]).to_numpy(bool)
    no = text.isin(["false", "no", "n", "0", "f", ""]).to_numpy(bool)
    for i in np.flatnonzero(~yes & ~no):
        where.error(errors, int(i), name,
                    f"expected yes or no (true/false, 1/0), got {text.iloc[i]!r}")
    return yes
