"""Reading a table's input: a DataFrame, pasted text, or a file read by its content.

A table saved or pasted from a paper may be tab-, pipe- (markdown) or space-separated, or a
CSV; the separator is found from the text itself, whatever the file's extension (``.txt``,
``.md``, ``.tsv``, ``.csv``). Only Excel workbooks (``.xlsx``, ``.xlsm``, ``.xls``) are
recognised by extension, and a file that claims to be one but is not is refused.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from trialkit.errors import TrialDataError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["read_table", "slug", "split_text"]

_EXCEL = (".xlsx", ".xlsm", ".xls")
_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")


def slug(label: str) -> str:
    """An id made from a label: ``"Neck pain (NPRS)"`` -> ``"neck_pain_nprs"``.

    Examples
    --------
    >>> slug("Neck pain (NPRS)")
    'neck_pain_nprs'
    """
    text = re.sub(r"[^a-z0-9]+", "_", str(label).lower()).strip("_")
    if not text:
        raise TrialDataError(f"cannot make an id from {label!r}", field="label")
    return text if text[0].isalnum() else f"x{text}"


def read_table(table: Any, sheet_name: str | int = 0) -> tuple[pd.DataFrame, str]:
    """The input as a DataFrame of text cells and a name for error messages.

    Raises TrialDataError for an empty or header-only table, a file that cannot be read,
    and any other kind of input.
    """
    import pandas as pd

    if isinstance(table, pd.DataFrame):
        frame, name = table.astype("string").fillna("").astype(str), "table"
        frame.columns = [str(c) for c in frame.columns]
    elif isinstance(table, str) and ("\n" in table or not table.strip()):
        frame, name = split_text(table, "pasted table"), "pasted table"
    elif isinstance(table, str | Path):
        path = Path(table)
        if not path.is_file():
            raise TrialDataError("no such file", file=str(path))
        name = path.name
        frame = _read_excel(path, sheet_name) if path.suffix.lower() in _EXCEL else (
            split_text(_read_text(path), name))
    else:
        raise TrialDataError(f"expected a DataFrame, a path or pasted text, got "
                             f"{type(table).__name__}", field="table")
    if len(frame.columns) == 0:
        raise TrialDataError("the table is empty", file=name)
    if frame.empty:
        raise TrialDataError("the table has a header but no rows", file=name)
    return frame, name


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise TrialDataError(f"not UTF-8 text ({exc.reason}); save the table as UTF-8 text, "
                             f"CSV or Excel", file=path.name) from None
    except OSError as exc:
        raise TrialDataError(f"cannot read the file ({exc.strerror})", file=path.name) from None


def _read_excel(path: Path, sheet_name: str | int) -> pd.DataFrame:
    import pandas as pd

    if not isinstance(sheet_name, str | int) or isinstance(sheet_name, bool):
        raise TrialDataError(f"expected a sheet name or index, got {sheet_name!r}",
                             field="sheet_name")
    try:
        import openpyxl  # noqa: F401
    except ImportError:  # pragma: no cover - depends on the environment
        raise ImportError("reading Excel needs openpyxl: pip install 'trialkit[excel]'") from None
    try:
        frame = pd.read_excel(path, sheet_name=sheet_name, dtype=str, header=0)
    except Exception as exc:
        raise TrialDataError(f"cannot read as an Excel workbook ({type(exc).__name__}: "
                             f"{exc}); save it as .xlsx, or as CSV or text", file=path.name
                             ) from None
    frame.columns = [str(c) for c in frame.columns]
    return frame.fillna("").astype(str)


def split_text(text: str, name: str) -> pd.DataFrame:
    """Split a table's text into cells: tabs, else '|' (markdown), else runs of two or more
    spaces, else commas (CSV), whichever gives every line the header's number of cells.

    Examples
    --------
    >>> split_text("| a | b |\\n|---|---|\\n| 1 | 2 |\\n", "t").to_dict("records")
    [{'a': '1', 'b': '2'}]
    """
    import pandas as pd

    lines = [ln for ln in text.splitlines() if ln.strip()]
    if not lines:
        raise TrialDataError("the table is empty", file=name)
    if any("\t" in ln for ln in lines):
        rows = [[c.strip() for c in ln.split("\t")] for ln in lines]
    elif sum("|" in ln for ln in lines) > len(lines) / 2:
        rows = [[c.strip() for c in ln.strip().strip("|").split("|")] for ln in lines
                if "|" in ln and not _RULE.match(ln)]
    else:
        rows = [re.split(r"\s{2,}", ln.strip()) for ln in lines]
        if len(rows[0]) < 2 or any(len(r) != len(rows[0]) for r in rows):
            comma = _csv_rows(lines)
            if comma is not None:
                rows = comma
    if not rows:
        raise TrialDataError("the table is empty", file=name)
    header = rows[0]
    for i, row in enumerate(rows[1:], start=1):
        if len(row) != len(header):
            raise TrialDataError(f"has {len(row)} cells but the header has {len(header)} "
                                 f"(separate cells with a tab, '|', two or more spaces, or "
                                 f"commas as in CSV)", file=name, row=i)
    if len(set(header)) != len(header):
        dup = next(h for h in header if header.count(h) > 1)
        raise TrialDataError("column appears twice in the header", file=name, field=dup)
    return pd.DataFrame(rows[1:], columns=header, dtype=str)


def _csv_rows(lines: list[str]) -> list[list[str]] | None:
    """Rows of CSV text, or None when the lines are not CSV with one shape."""
    try:
        rows = [[c.strip() for c in r] for r in csv.reader(io.StringIO("\n".join(lines)))]
    except csv.Error:
        return None
    if not rows or len(rows[0]) < 2 or any(len(r) != len(rows[0]) for r in rows):
        return None
    return rows
