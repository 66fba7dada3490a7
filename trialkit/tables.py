"""Build a Trial from a table typed or pasted from a paper (or read from CSV / Excel)."""

from __future__ import annotations

import re
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from trialkit.cells import SPREADS, Spread, parse_cell, parse_count
from trialkit.errors import TrialDataError
from trialkit.io import build_summary
from trialkit.meta import parse_meta

if TYPE_CHECKING:
    import pandas as pd

    from trialkit.trial import Trial

__all__ = ["from_table", "table_outcomes"]

#: Cells that say "not reported"; such rows are left out, with a warning that lists them.
NOT_REPORTED = frozenset({"", "nr", "n/r", "na", "n/a", "-", "–", "—", "not reported"})
_N_IN_HEADER = re.compile(r"^(.*?)[\s,]*[(\[]\s*n\s*=\s*(\d+)\s*[)\]]\s*$", re.IGNORECASE)
_KEY_COLUMNS = ("outcome", "timepoint", "arm", "n", "value", "source")


def slug(label: str) -> str:
    """An id made from a label: ``"Neck pain (NPRS)"`` -> ``"neck_pain_nprs"``."""
    text = re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_")
    if not text:
        raise TrialDataError(f"cannot make an id from {label!r}", field="label")
    return text if text[0].isalnum() else f"x{text}"


def _read_table(table: Any, sheet_name: str | int) -> tuple[pd.DataFrame, str]:
    """The input as a text DataFrame and a name for error messages."""
    import pandas as pd

    if isinstance(table, pd.DataFrame):
        return table.astype("string").fillna("").astype(str), "table"
    if isinstance(table, str) and "\n" in table:
        return _parse_pasted(table), "pasted table"
    if isinstance(table, str | Path):
        path = Path(table)
        if not path.is_file():
            raise TrialDataError("no such file", file=str(path))
        suffix = path.suffix.lower()
        if suffix in (".xlsx", ".xlsm", ".xls"):
            try:
                import openpyxl  # noqa: F401
            except ImportError:  # pragma: no cover - depends on the environment
                raise ImportError("reading Excel needs openpyxl: pip install "
                                  "'trialkit[excel]'") from None
            frame = pd.read_excel(path, sheet_name=sheet_name, dtype=str, header=0)
            return frame.fillna("").astype(str), path.name
        sep = "\t" if suffix in (".tsv", ".tab") else ","
        try:
            frame = pd.read_csv(path, sep=sep, dtype=str, keep_default_na=False,
                                encoding="utf-8-sig")
        except (UnicodeDecodeError, pd.errors.ParserError) as exc:
            raise TrialDataError(f"cannot read as a table ({exc})", file=path.name) from None
        return frame, path.name
    raise TrialDataError(f"expected a DataFrame, a path or pasted text, got "
                         f"{type(table).__name__}", field="table")


def _parse_pasted(text: str) -> pd.DataFrame:
    """Split pasted text into cells: tabs, then '|' (markdown), then runs of 2+ spaces."""
    import pandas as pd

    lines = [ln for ln in text.splitlines() if ln.strip()]
    if any("\t" in ln for ln in lines):
        rows = [[c.strip() for c in ln.split("\t")] for ln in lines]
    elif all("|" in ln for ln in lines):
        rows = [[c.strip() for c in ln.strip().strip("|").split("|")] for ln in lines
                if not set(ln.strip()) <= set("|-: ")]
    else:
        rows = [re.split(r"\s{2,}", ln.strip()) for ln in lines]
    header = rows[0]
    for i, row in enumerate(rows[1:], start=1):
        if len(row) != len(header):
            raise TrialDataError(f"has {len(row)} cells but the header has {len(header)} "
                                 f"(separate cells with a tab or two or more spaces)",
                                 file="pasted table", row=i)
    return pd.DataFrame(rows[1:], columns=header, dtype=str)


def _columns(frame: pd.DataFrame) -> dict[str, str]:
    """Map lower-cased key column names to the table's own spelling."""
    return {str(c).strip().lower(): c for c in frame.columns
            if str(c).strip().lower() in _KEY_COLUMNS}


def table_outcomes(table: Any, sheet_name: str | int = 0) -> list[str]:
    """The outcome labels of a table, in order (to describe them before :func:`from_table`).

    Examples
    --------
    >>> table_outcomes("outcome\\ttimepoint\\tA (n=5)\\nPain\\tBaseline\\t5 (1)\\n")
    ['Pain']
    """
    frame, name = _read_table(table, sheet_name)
    cols = _columns(frame)
    if "outcome" not in cols:
        raise TrialDataError("missing column 'outcome'", file=name, field="outcome")
    return list(dict.fromkeys(str(v).strip() for v in frame[cols["outcome"]]
                              if str(v).strip()))


def from_table(
    table: Any,
    *,
    spread: Spread = "sd",
    n: Mapping[str, int] | None = None,
    outcomes: Mapping[str, Mapping[str, Any]] | None = None,
    baseline: str | None = None,
    reference_arm: str | None = None,
    trial_id: str = "pasted",
    title: str = "Trial typed in from a published table",
    citation: str = "not given",
    source: str = "pasted table",
    design: str = "parallel",
    sheet_name: str | int = 0,
) -> Trial:
    """Build a Trial from a published table of summary statistics.

    Two layouts are understood. *Wide*, as papers print it: columns ``outcome`` and
    ``timepoint``, then one column per arm whose cells hold "mean (spread)"; the arm's size
    may be written in its header (``"TrPDN (n=9)"``) or passed as ``n``. *Long*: columns
    ``outcome, arm, timepoint, n, value``. Either may add a ``source`` column; without one,
    every row gets ``source``. Without a ``timepoint`` column all rows are the baseline.

    Parameters
    ----------
    table : DataFrame, str or Path
        The table itself, pasted text (cells separated by tabs, '|' or two or more spaces),
        or the path of a CSV, TSV or Excel file.
    spread : {"sd", "se", "ci95", "iqr", "range"}
        What the brackets hold. For "iqr" and "range" the centre is a median.
    n : mapping, optional
        Patients per arm, keyed by the arm's column header, label or id.
    outcomes : mapping, optional
        Per outcome (keyed by label or id): ``unit``, ``direction`` ("higher_is_better" or
        "lower_is_better"), ``lower``, ``upper``, ``integer``, ``mcid``, ``mcid_source``.
        Means outside the given scale are rejected.
    baseline : str, optional
        The baseline timepoint's label; default the first timepoint in the table.
    reference_arm : str, optional
        The comparator arm (label or id); default the last arm.
    trial_id, title, citation, source, design : str
        Metadata; ``source`` is recorded on every row (e.g. "Table 2, p.256").
    sheet_name : str or int
        Excel sheet to read.

    Returns
    -------
    Trial
        Its summary keeps each number as printed (``mean_text``, ``sd_text``).

    Raises
    ------
    TrialDataError
        Naming the table, row and column of a cell that cannot be read or is impossible.

    Examples
    --------
    >>> import trialkit
    >>> pasted = '''
    ... outcome\\ttimepoint\\tNeedling (n=9)\\tWaiting list (n=8)
    ... Pain\\tBaseline\\t6.10 (1.20)\\t5.90 (1.30)
    ... Pain\\t1 week\\t2.10 (1.50)\\t5.40 (1.40)
    ... '''
    >>> trial = trialkit.from_table(pasted, outcomes={"Pain": {
    ...     "unit": "points", "lower": 0, "upper": 10, "direction": "lower_is_better"}})
    >>> trial.summary[["arm", "timepoint", "n", "mean_text", "sd"]]
                arm timepoint  n mean_text   sd
    0      needling  baseline  9      6.10  1.2
    1      needling    1_week  9      2.10  1.5
    2  waiting_list  baseline  8      5.90  1.3
    3  waiting_list    1_week  8      5.40  1.4
    """
    from trialkit.trial import Trial

    if spread not in SPREADS:
        raise TrialDataError(f"spread must be one of {', '.join(SPREADS)}, got {spread!r}",
                             field="spread")
    frame, name = _read_table(table, sheet_name)
    cols = _columns(frame)
    if "outcome" not in cols:
        raise TrialDataError("missing column 'outcome' (the first column should name the "
                             "outcome of each row)", file=name, field="outcome")
    long = "arm" in cols
    if long:
        for key in ("n", "value"):
            if key not in cols:
                raise TrialDataError(f"a long table (with an 'arm' column) needs '{key}'",
                                     file=name, field=key)
        arm_columns: list[str] = []
    else:
        arm_columns = [c for c in frame.columns if str(c).strip().lower() not in _KEY_COLUMNS]
        if not arm_columns:
            raise TrialDataError("no arm columns: after 'outcome' and 'timepoint' each column "
                                 "should be one arm", file=name)

    # Arms: label, id and n (from the header, the n argument, or a long table's n column).
    given_n = {str(k): v for k, v in (n or {}).items()}
    arm_labels: dict[str, str] = {}       # arm id -> label
    arm_n: dict[str, int] = {}
    arm_of_column: dict[str, str] = {}
    labels = (frame[cols["arm"]].tolist() if long else arm_columns)
    for header in labels:
        header = str(header).strip()
        m = _N_IN_HEADER.match(header)
        label = m.group(1).strip() if m else header
        arm_id = slug(label)
        arm_of_column[header] = arm_id
        arm_labels.setdefault(arm_id, label)
        n_value = m and int(m.group(2))
        for key in (header, label, arm_id):
            if key in given_n:
                n_value = parse_count(given_n[key], field=f"n[{key!r}]")
        if n_value:
            arm_n[arm_id] = max(arm_n.get(arm_id, 0), n_value)
    if long:
        for i, (arm, text) in enumerate(zip(frame[cols["arm"]], frame[cols["n"]],
                                            strict=True), start=1):
            count = parse_count(text, file=name, row=i, field=cols["n"])
            arm_id = slug(str(arm))
            arm_n[arm_id] = max(arm_n.get(arm_id, 0), count)
    for arm_id, label in arm_labels.items():
        if arm_id not in arm_n:
            raise TrialDataError(f"the number of patients in arm {label!r} is unknown: write "
                                 f"it in the header ('{label} (n=9)') or pass n={{'{label}': 9}}",
                                 file=name, field=label)

    # Outcomes and timepoints, in order of first appearance.
    out_labels: dict[str, str] = {}
    tp_labels: dict[str, str] = {}
    for i, text in enumerate(frame[cols["outcome"]].tolist(), start=1):
        if not str(text).strip():
            raise TrialDataError("empty outcome name", file=name, row=i, field=cols["outcome"])
        out_labels.setdefault(slug(str(text)), str(text).strip())
    tp_column = frame[cols["timepoint"]].tolist() if "timepoint" in cols else (
        ["Baseline"] * len(frame))
    for i, text in enumerate(tp_column, start=1):
        if not str(text).strip():
            raise TrialDataError("empty timepoint", file=name, row=i,
                                 field=cols.get("timepoint"))
        tp_labels.setdefault(slug(str(text)), str(text).strip())
    base_id = slug(baseline) if baseline else next(iter(tp_labels))
    if base_id not in tp_labels:
        raise TrialDataError(f"baseline {baseline!r} is not a timepoint of the table; "
                             f"timepoints: {', '.join(tp_labels.values())}", field="baseline")

    outcome_meta = []
    specs = {str(k): v for k, v in (outcomes or {}).items()}
    for oid, label in out_labels.items():
        spec = dict(specs.get(label) or specs.get(oid) or {})
        entry = {"id": oid, "label": label, "unit": spec.pop("unit", "")}
        entry.update(spec)
        outcome_meta.append(entry)
    unknown = set(specs) - set(out_labels) - set(out_labels.values())
    if unknown:
        raise TrialDataError(f"outcomes given for {sorted(unknown)} but the table has "
                             f"{', '.join(out_labels.values())}", field="outcomes")
    reference = slug(reference_arm) if reference_arm else list(arm_labels)[-1]
    raw = {
        "id": slug(trial_id), "title": title, "citation": citation, "design": design,
        "reference_arm": reference,
        "arms": [{"id": a, "label": lab, "n": arm_n[a]} for a, lab in arm_labels.items()],
        "timepoints": [{"id": t, "label": lab, "order": i, "baseline": t == base_id}
                       for i, (t, lab) in enumerate(tp_labels.items())],
        "outcomes": outcome_meta,
        "data": {"level": "summary", "source": source},
    }
    meta = parse_meta(raw, file="from_table arguments", require_direction=False)

    # Rows: one text record per outcome x arm x timepoint, then the shared validation.
    records: list[dict[str, str]] = []
    skipped: list[str] = []
    source_col = cols.get("source")
    for i in range(len(frame)):
        row = frame.iloc[i]
        outcome = slug(str(row[cols["outcome"]]))
        tp = slug(str(tp_column[i]))
        row_source = str(row[source_col]).strip() if source_col else source
        cells = ([(str(row[cols["arm"]]).strip(), cols["value"])] if long
                 else [(str(c).strip(), c) for c in arm_columns])
        for header, column in cells:
            text = str(row[column]).strip()
            arm = arm_of_column.get(header, slug(header))
            if text.lower() in NOT_REPORTED:
                skipped.append(f"row {i + 1} {column!r}")
                continue
            parsed = parse_cell(text, spread, file=name, row=i + 1, field=str(column))
            rec = {"outcome": outcome, "arm": arm, "timepoint": tp,
                   "n": str(row[cols["n"]]) if long else str(arm_n[arm]),
                   "source": row_source or source, "_row": str(i + 1), "_column": str(column)}
            if long:
                rec["_n_column"] = str(cols["n"])
            for key in SPREADS[spread]:
                rec[key] = str(parsed[f"{key}_text"])
            records.append(rec)
    if skipped:
        warnings.warn(f"{name}: cells marked as not reported were left out: "
                      f"{', '.join(skipped)}", UserWarning, stacklevel=2)
    if not records:
        raise TrialDataError("the table has no reported values", file=name)
    for rec in records:
        for key in ("mean", "sd"):
            rec.setdefault(key, "")
    summary = build_summary(records, meta, name)
    return Trial(meta, summary)
