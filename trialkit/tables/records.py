"""Cells to text records: one pass that keeps every unreadable cell for one report.

Summary cells become the text records :func:`trialkit.io.build_tables` validates (one per
outcome x arm x timepoint, or per change row with ``measure = change``); cells of p / t / F
columns become reported.csv records.
"""

from __future__ import annotations

import re
import warnings
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from trialkit.cells import SPREADS, parse_cell, parse_count, parse_number, split_footnote
from trialkit.errors import ErrorCollector, TrialDataError
from trialkit.schema import CHANGE
from trialkit.tables.columns import Columns, StatColumn
from trialkit.tables.layout import Arms, Timepoints
from trialkit.tables.reading import slug

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["NOT_REPORTED", "Cells", "percent_units", "read_cells", "stat_records"]

#: Cells that say "not reported"; such rows are left out, with a warning that lists them.
NOT_REPORTED = frozenset({"", "nr", "n/r", "na", "n/a", "-", "–", "—", "not reported"})
_NOT_SIGNIFICANT = frozenset({"ns", "n.s.", "n.s", "not significant"})
_RELATION = re.compile(r"^(?:[pPtTfF]\s*)?(<=|>=|≤|≥|<|>|=)?\s*(.*)$")
_RELATIONS = {"≤": "<=", "≥": ">=", None: "="}


@dataclass
class Cells:
    """The records read from a table's cells, and the n each arm's cells showed."""

    records: list[dict[str, str]] = field(default_factory=list)
    seen_n: dict[str, int] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    plus: dict[str, list[str]] = field(default_factory=dict)
    #: Per outcome id, where its numbers were printed with "%" ("row 2 'Arm A'").
    percent: dict[str, list[tuple[int, str]]] = field(default_factory=dict)


def _notation(texts: list[str]) -> str | None:
    """The notation most cells of a column use: "±", "+/-", "(" or "["."""
    kinds = Counter(next((k for k in ("±", "+/-", "(", "[") if k in t), None) for t in texts)
    kinds.pop(None, None)
    return kinds.most_common(1)[0][0] if kinds else None


def read_cells(frame: pd.DataFrame, cols: Columns, arms: Arms, tps: Timepoints, spread: str,
               source: str, name: str, errors: ErrorCollector) -> Cells:
    """Parse every summary cell, recording each problem in ``errors``."""
    out = Cells()
    long = "arm" in cols.keys
    value_columns = [cols.keys["value"]] if long else cols.arms
    notation = {c: _notation([str(v) for v in frame[c]]) for c in value_columns}
    n_col = cols.keys.get("n")
    src_col = cols.keys.get("source")
    for i in range(len(frame)):
        row = frame.iloc[i]
        outcome = slug(str(row[cols.keys["outcome"]]).strip())
        row_source = (str(row[src_col]).strip() if src_col else "") or source
        row_n = str(row[n_col]).strip() if n_col else ""
        cells = ([(str(row[cols.keys["arm"]]).strip(), cols.keys["value"])] if long
                 else [(str(c).strip(), c) for c in cols.arms])
        for header, column in cells:
            text = str(row[column]).strip()
            if text.lower() in NOT_REPORTED:
                out.skipped.append(f"row {i + 1} {column!r}")
                continue
            parsed = errors.call(parse_cell, text, spread, file=name, row=i + 1,
                                 field=str(column), notation=notation[column])
            if parsed is None:
                continue
            arm = arms.of_header.get(header, slug(header))
            rec = {"outcome": outcome, "arm": arm, "timepoint": tps.of_row[i],
                   "source": row_source, "_row": str(i + 1), "_column": str(column),
                   "_cell": text, "footnote": str(parsed.get("footnote", ""))}
            if tps.change[i]:
                rec["measure"] = CHANGE
            if "n" in parsed:
                rec["n"], rec["_n_column"] = str(parsed["n"]), str(column)
            elif row_n:
                rec["n"], rec["_n_column"] = row_n, str(n_col)
                if long and errors.call(parse_count, row_n, file=name, row=i + 1,
                                        field=str(n_col)) is None:
                    continue
            rec.setdefault("_n_column", str(column))
            for key in (*SPREADS[spread], *(k for k in ("min", "max")
                                             if k in parsed and k not in SPREADS[spread])):
                rec[key] = str(parsed[f"{key}_text"])
            if parsed.get("percent"):
                out.percent.setdefault(outcome, []).append((i + 1, str(column)))
            if parsed.get("plus"):
                out.plus.setdefault(str(column), []).append(f"row {i + 1}")
            if "n" in rec:
                count = _count(rec["n"])
                if count is not None:
                    out.seen_n[arm] = max(out.seen_n.get(arm, 0), count)
            out.records.append(rec)
    _check_plus(frame, out, name, errors)
    return out


def percent_units(entries: list[dict[str, object]], cells: Cells, name: str,
                  errors: ErrorCollector) -> None:
    """Take "%" as the unit of outcomes whose cells print it and that declare no unit.

    A declared unit that is not a percentage ("points") contradicts the cells: each such
    outcome's first percent cell is reported.
    """
    for entry in entries:
        where = cells.percent.get(str(entry["id"]))
        if not where:
            continue
        unit = str(entry.get("unit") or "")
        if not unit:
            entry["unit"] = "%"
        elif "%" not in unit and "percent" not in unit.lower():
            row, column = where[0]
            errors.add(TrialDataError(
                f"the cell prints its numbers in %, but the unit of {entry['label']!r} is "
                f"declared {unit!r}; declare unit '%' (or leave it out)", file=name, row=row,
                field=column))


def _count(text: str) -> int | None:
    try:
        return parse_count(text)
    except TrialDataError:
        return None


def _check_plus(frame: pd.DataFrame, cells: Cells, name: str, errors: ErrorCollector) -> None:
    """A bare '+' is read as ± only where the rest of its column does not use brackets."""
    ok = []
    for column, rows in cells.plus.items():
        bracketed = [i + 1 for i, t in enumerate(frame[column].astype(str))
                     if re.search(r"[0-9]\s*[(\[]", t)]
        if bracketed:
            for where in rows:
                errors.add(TrialDataError(
                    f"'+' between two numbers is read as ± only where the rest of the column "
                    f"uses ±; row {bracketed[0]} of this column uses brackets. Write '±' (or "
                    f"'+/-')", file=name, row=int(where.split()[1]), field=column))
        else:
            ok.append(f"{column!r} {', '.join(rows)}")
    if ok:
        warnings.warn(f"{name}: '+' read as ± (a PDF often loses the ± sign) in {'; '.join(ok)}",
                      UserWarning, stacklevel=4)


def stat_records(frame: pd.DataFrame, cols: Columns, tps: Timepoints, arm_ids: list[str],
                 reference: str, source: str, name: str,
                 errors: ErrorCollector) -> list[dict[str, str]]:
    """reported.csv records for the cells of p / t / F columns (one per outcome and row)."""
    others = [a for a in arm_ids if a != reference]
    comparison = f"{others[0]}-{reference}" if len(arm_ids) == 2 else "*"
    records: list[dict[str, str]] = []
    seen: dict[tuple[str, str, bool, str], str] = {}
    not_significant = []
    src_col = cols.keys.get("source")
    for i in range(len(frame)):
        outcome = slug(str(frame[cols.keys["outcome"]].iloc[i]).strip())
        tp = tps.of_row[i]
        for stat in cols.stats:
            text = str(frame[stat.header].iloc[i]).strip()
            if text.lower() in NOT_REPORTED:
                continue
            if text.lower() in _NOT_SIGNIFICANT:
                not_significant.append(f"row {i + 1} {stat.header!r}")
                continue
            key = (outcome, tp, tps.change[i], stat.header)
            if key in seen:  # a long table repeats the statistic on each arm's row
                if seen[key] != text:
                    errors.add(TrialDataError(f"{text!r} differs from {seen[key]!r} given for "
                                              f"the same outcome and timepoint", file=name,
                                              row=i + 1, field=stat.header))
                continue
            seen[key] = text
            rec = errors.call(_stat_record, text, stat, outcome, tp, comparison, name, i + 1,
                              tps.change[i])
            if rec is not None:
                row_source = (str(frame[src_col].iloc[i]).strip() if src_col else "") or source
                rec["source"] = row_source
                rec["_row"] = str(len(records) + 1)
                records.append(rec)
    if not_significant:
        warnings.warn(f"{name}: 'NS' gives no number to check, so no statement was recorded "
                      f"for {', '.join(not_significant)}", UserWarning, stacklevel=3)
    return records


def _stat_record(text: str, stat: StatColumn, outcome: str, tp: str, comparison: str,
                 name: str, row: int, change: bool) -> dict[str, str]:
    body, footnote = split_footnote(" ".join(text.split()))
    m = _RELATION.match(body)
    relation = _RELATIONS.get(m.group(1), m.group(1)) if m else "="
    value = m.group(2).strip() if m else body
    number = parse_number(value, file=name, row=row, field=stat.header)
    if stat.statistic == "p" and not 0 <= number <= 1:
        raise TrialDataError(f"a p value lies between 0 and 1, got {text!r}", file=name,
                             row=row, field=stat.header)
    note = f" (footnote {footnote})" if footnote else ""
    kind = "_change" if change else ""
    return {
        "id": f"{outcome}_{tp}{kind}_{slug(stat.header)}", "statistic": stat.statistic,
        "outcome": outcome, "arm": "", "timepoint": tp, "comparison": comparison,
        "relation": relation, "value": value, "text": f"{stat.header}: {text}{note}",
        "test": stat.test, "analysis": stat.analysis or ("change" if change else ""),
    }
