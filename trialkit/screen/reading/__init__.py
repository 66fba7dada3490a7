"""Read a long table of many trials' summary rows into the rows frame.

:func:`read_rows` takes a path (CSV/TSV, Parquet, Excel), a pandas DataFrame or a Dask
DataFrame, in any of three layouts (see :mod:`trialkit.screen.reading.long` and
:mod:`trialkit.screen.reading.layouts`), and returns the rows frame of
:mod:`trialkit.screen._rows`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from trialkit.errors import TrialDataError
from trialkit.screen.reading import _parse as P
from trialkit.screen.reading import layouts
from trialkit.screen.reading.long import KNOWN, normalise_header, parse_long

__all__ = ["LAYOUTS", "detect_layout", "is_dask", "load_table", "read_rows", "read_rows_dask",
           "rows_from_frame"]

LAYOUTS = ("auto", "long", "simdistr", "reappraised")
CSV_SUFFIXES = (".csv", ".tsv", ".tab", ".txt")
EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls")
PARQUET_SUFFIXES = (".parquet", ".pq")


def load_table(path: str | Path, *, sheet: str | int | None = None) -> pd.DataFrame:
    """A table file as a DataFrame of cells, without interpreting any of them.

    CSV and TSV cells are read as text, so "5.10" keeps its trailing zero. Excel cells keep
    their type: a cell stored as text keeps its digits, a cell stored as a number has lost
    its trailing zeros (give a ``mean_decimals`` column, or store the numbers as text).
    Parquet columns keep their types likewise.

    Raises
    ------
    TrialDataError
        The file does not exist, has an unknown suffix or cannot be read.
    """
    path = Path(path)
    name = str(path)
    if not path.is_file():
        raise TrialDataError("no such file", file=name)
    suffix = path.suffix.lower()
    try:
        if suffix in CSV_SUFFIXES:
            sep = {".tsv": "\t", ".tab": "\t", ".csv": ","}.get(suffix)  # .txt: sniffed
            return pd.read_csv(path, dtype=str, keep_default_na=False, sep=sep,
                               engine="python" if sep is None else "c", encoding="utf-8-sig")
        if suffix in EXCEL_SUFFIXES:
            return pd.read_excel(path, sheet_name=0 if sheet is None else sheet, dtype=object)
        if suffix in PARQUET_SUFFIXES:
            return pd.read_parquet(path)
    except (ValueError, OSError, KeyError, UnicodeDecodeError) as exc:
        raise TrialDataError(f"cannot read the table: {exc}", file=name) from None
    raise TrialDataError(f"unknown table type {suffix!r}; expected "
                         f"{', '.join(CSV_SUFFIXES + EXCEL_SUFFIXES + PARQUET_SUFFIXES)}",
                         file=name)


def detect_layout(columns: list[str]) -> str:
    """``"simdistr"``, ``"reappraised"`` (wide) or ``"long"`` from normalised headers."""
    if layouts.is_simdistr(columns):
        return "simdistr"
    if layouts.wide_groups(columns) and "mean" not in columns and "n" not in columns:
        return "reappraised"
    return "long"


def read_rows(table: Any, *, layout: str = "auto", sheet: str | int | None = None,
              file: str | None = None, first_row: int = 1) -> Any:
    """Read a table of many trials into the rows frame.

    Parameters
    ----------
    table : path, pandas.DataFrame or dask.dataframe.DataFrame
        The table. A Dask DataFrame is read partition by partition and returned as a Dask
        DataFrame of rows (see :func:`read_rows_dask`).
    layout : {"auto", "long", "simdistr", "reappraised"}
        ``"long"``: one row per trial x variable x arm (x timepoint) with columns
        ``trial, variable, arm, n`` and ``mean, sd`` (or one printed ``mean_sd`` cell such
        as "5.2 (1.3)", or the cell in ``mean``) for continuous rows, ``count`` and/or
        ``percent`` for categorical ones; optional ``kind`` (continuous/categorical; by
        default categorical where only count/percent are given), ``reported_p`` (a number,
        "<0.001" or "ns"), ``timepoint``, ``integer`` (yes/no: the values are whole
        numbers, so GRIM and GRIMMER apply), ``items`` (whole-number items averaged),
        ``scale_min``/``scale_max`` (the scale's bounds), ``mean_decimals``/``sd_decimals``
        (decimals printed, where the text lost trailing zeros; -1, as the rows frame writes it,
        for not known). Headers are matched
        without case; ``study``, ``var``, ``group`` and ``p`` are read as trial,
        variable, arm and reported_p. ``"simdistr"``: simdistr's nine columns.
        ``"reappraised"``: reappraised's wide sheet (study, var, n1.., m1.., s1.., p) or its
        long form (study, var, group, n, m, s, p). ``"auto"`` tells them apart by their
        headers.
    sheet : str or int, optional
        The Excel sheet (default the first).
    file : str, optional
        The name errors give for a DataFrame (default "table").
    first_row : int, default 1
        The data row number of the frame's first row (for chunks of a larger file).

    Returns
    -------
    pandas.DataFrame
        The rows frame: the columns of :data:`trialkit.screen._rows.ROWS_COLUMNS` and then
        :data:`trialkit.screen._rows.EXTRA_COLUMNS`, in the table's order.

    Raises
    ------
    TrialDataError
        One error naming the file, row and field of every bad cell.

    References
    ----------
    Sousa-Pinto, B., et al. (2019). simdistr: Assessment of Data Trial Distributions
    According to the Carlisle-Stouffer Method (R package 1.0.1), ``sim_distr`` Details.
    Bolland, M. J., & Gamble, G. D. reappraised (R package), ``load_clean``.

    Examples
    --------
    >>> import pandas as pd
    >>> from trialkit.screen import read_rows
    >>> table = pd.DataFrame({"trial": ["T1", "T1"], "variable": ["age", "age"],
    ...                       "arm": ["A", "B"], "n": ["20", "21"],
    ...                       "mean_sd": ["45.10 (7.2)", "44.9 (6.8)"]})
    >>> rows = read_rows(table)
    >>> rows[["mean_text", "mean_decimals", "sd"]].values.tolist()
    [['45.10', 2, 7.2], ['44.9', 1, 6.8]]
    """
    if layout not in LAYOUTS:
        raise TrialDataError(f"layout must be one of {', '.join(LAYOUTS)}, got {layout!r}",
                             field="layout")
    if is_dask(table):
        return read_rows_dask(table, layout=layout)
    if isinstance(table, pd.DataFrame):
        frame, name = table, file or "table"
    elif isinstance(table, str | Path):
        frame, name = load_table(table, sheet=sheet), file or str(table)
    else:
        raise TrialDataError(f"expected a path, a pandas DataFrame or a Dask DataFrame, got "
                             f"{type(table).__name__}", field="table")
    return rows_from_frame(frame, name, layout=layout, first_row=first_row)


def rows_from_frame(frame: pd.DataFrame, name: str, *, layout: str = "auto",
                    first_row: int = 1) -> pd.DataFrame:
    """:func:`read_rows` on a DataFrame of cells already loaded (one chunk or partition)."""
    frame = frame.copy(deep=False)
    raw = [normalise_header(c, aliases=False) for c in frame.columns]
    if layout == "simdistr" or (layout == "auto" and layouts.is_simdistr(raw)):
        layout = "simdistr"
        frame.columns = raw
    else:
        frame.columns = [normalise_header(c) for c in frame.columns]
    dupes = sorted({c for c in frame.columns if list(frame.columns).count(c) > 1})
    if dupes:
        raise TrialDataError(f"columns {', '.join(dupes)} appear more than once (after "
                             f"reading headers without case)", file=name)
    columns = list(frame.columns)
    if layout == "auto":
        layout = detect_layout(columns)
    where = P.Where(name, np.arange(first_row, first_row + len(frame), dtype=np.int64))
    if layout == "simdistr":
        missing = [c for c in layouts.SIMDISTR if c not in columns]
        if missing:
            raise TrialDataError(f"simdistr's layout needs the columns "
                                 f"{', '.join(layouts.SIMDISTR)}; missing {', '.join(missing)}",
                                 file=name)
        frame, where = layouts.from_simdistr(frame, where)
    elif layout == "reappraised":
        if "m" in columns or "s" in columns:
            frame = frame.rename(columns={"m": "mean", "s": "sd"})
        else:
            frame, where = layouts.from_reappraised_wide(frame, where)
    unknown = [c for c in frame.columns if c not in KNOWN]
    if unknown and layout == "long":
        frame = frame.drop(columns=unknown)  # extra columns (notes, sources) are not data
    return parse_long(frame, where)


def is_dask(table: Any) -> bool:
    """Whether ``table`` is a Dask DataFrame (told without importing Dask)."""
    module = type(table).__module__
    return module.startswith("dask") and hasattr(table, "map_partitions")


def _partition_rows(frame: pd.DataFrame, layout: str, name: str, offsets: list[int],
                    partition_info: dict[str, Any] | None = None) -> pd.DataFrame:
    number = partition_info["number"] if partition_info else 0
    return rows_from_frame(frame, name, layout=layout, first_row=offsets[number] + 1)


def _rows_meta() -> pd.DataFrame:
    return rows_from_frame(pd.DataFrame({"trial": ["t"], "variable": ["v"], "arm": ["a"],
                                         "n": ["2"], "mean": ["1"], "sd": ["1"]}),
                           "meta").iloc[:0]


def read_rows_dask(ddf: Any, *, layout: str = "auto", file: str = "table") -> Any:
    """A Dask DataFrame of cells as a Dask DataFrame of rows, read partition by partition.

    Rows are numbered through the whole table (one pass counts each partition's rows
    first), so errors and the ``row`` column are those of the same table read at once.
    """
    sizes = ddf.map_partitions(len).compute()
    offsets = [0, *np.cumsum(np.asarray(sizes, dtype=np.int64)).tolist()]
    return ddf.map_partitions(_partition_rows, layout, file, offsets, meta=_rows_meta())
