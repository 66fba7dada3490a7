"""Read a trial folder and validate every row once, at the boundary.

Files are read as text (the ``csv`` module, never ``eval`` or pickle), each cell is parsed
explicitly, and any problem raises :class:`~trialkit.errors.TrialDataError` naming the file,
the data row (1-based, header not counted) and the field. Past this module the rest of
trialkit trusts the :class:`~trialkit.trial.Trial` it is given.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from trialkit.errors import ErrorCollector, TrialDataError
from trialkit.meta import TrialMeta, read_toml
from trialkit.patient_rows import build_ipd, build_patients, summarise_ipd
from trialkit.rows import _check_id, build_summary, build_tables
from trialkit.schema import (
    ANALYSES,
    IPD_COLUMNS,
    RELATIONS,
    REPORTED_COLUMNS,
    REPORTED_OPTIONAL,
    SUMMARY_OPTIONAL,
    SUMMARY_REQUIRED,
    SUMMARY_TEXT,
    TESTS,
)
from trialkit.trial import Trial
from trialkit.trial_toml import parse_meta

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["build_summary", "build_tables", "read_reported", "read_trial", "reported_records"]


def read_csv_records(path: Path, required: Sequence[str], optional: Sequence[str] = (),
                     *, exact: bool = False) -> list[dict[str, str]]:
    """Read a CSV file as text records, checking its header.

    Returns one dict per data row (values stripped of surrounding white space). Fully blank
    lines are skipped. Raises TrialDataError for a missing or unknown column, a row with too
    many or too few cells, or bytes that are not UTF-8.
    """
    name = path.name
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            rows = list(csv.reader(fh))
    except FileNotFoundError:
        raise TrialDataError("file not found", file=str(path)) from None
    except UnicodeDecodeError as exc:
        raise TrialDataError(f"not UTF-8 text ({exc.reason})", file=name) from None
    except csv.Error as exc:
        raise TrialDataError(f"malformed CSV ({exc})", file=name) from None
    if not rows:
        raise TrialDataError(f"empty file; expected a header with {', '.join(required)}",
                             file=name)
    header = [h.strip() for h in rows[0]]
    return records_from_rows(header, rows[1:], name, required, optional, exact=exact)


def records_from_rows(header: Sequence[str], rows: Iterable[Sequence[Any]], name: str,
                      required: Sequence[str], optional: Sequence[str] = (),
                      *, exact: bool = False) -> list[dict[str, str]]:
    """Check a header and turn rows into text records (see :func:`read_csv_records`)."""
    for col in required:
        if col not in header:
            raise TrialDataError(f"missing column; the header must include "
                                 f"{', '.join(required)}", file=name, field=col)
    allowed = set(required) | set(optional)
    for col in header:
        if col not in allowed:
            expected = ", ".join(required if exact else (*required, *optional))
            raise TrialDataError(f"unknown column; expected {expected}", file=name, field=col)
    if len(set(header)) != len(header):
        dup = next(h for h in header if header.count(h) > 1)
        raise TrialDataError("column appears twice in the header", file=name, field=dup)
    records = []
    errors = ErrorCollector()
    for i, row in enumerate(rows, start=1):
        cells = ["" if c is None else str(c).strip() for c in row]
        if not any(cells):
            continue
        if len(cells) != len(header):
            errors.add(TrialDataError(f"has {len(cells)} cells but the header has "
                                      f"{len(header)}", file=name, row=i))
            continue
        record = dict(zip(header, cells, strict=True))
        record["_row"] = str(i)
        records.append(record)
    errors.raise_any()
    return records


def build_reported(records: Sequence[Mapping[str, str]], meta: TrialMeta,
                   name: str) -> pd.DataFrame:
    """Validate reported.csv: each statement the publication makes about its results.

    Every row is read before raising: one :class:`TrialDataError` names each bad field of
    each bad row.
    """
    import pandas as pd

    seen: dict[str, int] = {}
    errors = ErrorCollector()
    for rec in records:
        row = int(rec["_row"])
        if rec["id"] and rec["id"] in seen:
            errors.add(TrialDataError(f"duplicate id {rec['id']!r} (also row {seen[rec['id']]})",
                                      file=name, row=row, field="id"))
        seen.setdefault(rec["id"], row)
        errors.call(_reported_row, rec, meta, name)
    errors.raise_any()
    columns = [*REPORTED_COLUMNS, *REPORTED_OPTIONAL]
    frame = pd.DataFrame([{c: r.get(c, "") for c in columns} for r in records],
                         columns=columns, dtype="string")
    return frame


def _reported_row(rec: Mapping[str, str], meta: TrialMeta, name: str) -> None:
    """Check one reported.csv row, naming each bad field."""
    row = int(rec["_row"])
    errors = ErrorCollector()
    if not rec["id"]:
        errors.add(TrialDataError("every statement needs an id", file=name, row=row, field="id"))
    known = {
        "outcome": [o.id for o in meta.outcomes],
        "arm": [a.id for a in meta.arms],
        "timepoint": [t.id for t in meta.timepoints],
    }
    for col, ids in known.items():
        if rec[col] not in ("", "*"):
            errors.call(_check_id, rec[col], [*ids, "*"], col, name, row)
    if rec["relation"] not in RELATIONS:
        errors.add(TrialDataError(f"expected one of {' '.join(RELATIONS)}, got "
                                  f"{rec['relation']!r}", file=name, row=row, field="relation"))
    for col in ("statistic", "value", "source"):
        if not rec[col]:
            errors.add(TrialDataError("required", file=name, row=row, field=col))
    for col, allowed in (("test", TESTS), ("analysis", ANALYSES)):
        if rec.get(col, "") not in ("", *allowed):
            errors.add(TrialDataError(f"expected one of {', '.join(allowed)} (or empty), got "
                                      f"{rec[col]!r}", file=name, row=row, field=col))
    errors.raise_any()


def reported_records(given: Any, meta: TrialMeta,
                     extra: Sequence[Mapping[str, str]] = ()) -> pd.DataFrame:
    """Validated reported statements from a reported.csv path, a DataFrame or a list of
    dicts in that format (missing columns of a dict count as empty), plus ``extra`` records
    (those a table's p / t / F columns gave); ids must be unique across both.

    Examples
    --------
    >>> from trialkit.bundled import load
    >>> meta = load("mejuto2014").meta
    >>> reported_records([{"id": "p1", "statistic": "p", "outcome": "pain",
    ...     "timepoint": "1wk", "comparison": "trpdn-waiting_list", "relation": "<",
    ...     "value": "0.001", "source": "Table 2"}], meta)["value"].tolist()
    ['0.001']
    """
    import pandas as pd

    columns = (*REPORTED_COLUMNS, *REPORTED_OPTIONAL)
    if given is None:
        records: list[dict[str, str]] = []
        name = "reported"
    elif isinstance(given, str | Path):
        path = Path(given)
        if not path.is_file():
            raise TrialDataError("no such file", file=str(path), field="reported")
        records, name = read_csv_records(path, REPORTED_COLUMNS, REPORTED_OPTIONAL), path.name
    elif isinstance(given, pd.DataFrame):
        name = "reported"
        frame = given.astype("string").fillna("").astype(str)
        records = records_from_rows([str(c) for c in frame.columns], frame.values.tolist(),
                                    name, REPORTED_COLUMNS, REPORTED_OPTIONAL)
    elif isinstance(given, list | tuple) and all(isinstance(d, Mapping) for d in given):
        name = "reported"
        unknown = [TrialDataError(f"unknown key; expected {', '.join(columns)}", file=name,
                                  row=i, field=str(k))
                   for i, d in enumerate(given, start=1) for k in d if k not in columns]
        if unknown:
            raise TrialDataError.combine(unknown)
        rows = [["" if d.get(c) is None else str(d.get(c, "")) for c in columns] for d in given]
        records = records_from_rows(list(columns), rows, name, REPORTED_COLUMNS,
                                    REPORTED_OPTIONAL)
    else:
        raise TrialDataError(f"expected a path to a reported.csv, a DataFrame or a list of "
                             f"dicts, got {type(given).__name__}", field="reported")
    own = build_reported(records, meta, name)
    table = build_reported(list(extra), meta, "table statistics")
    clash = sorted(set(own["id"]) & set(table["id"]))
    if clash:
        raise TrialDataError(f"id {clash[0]!r} is also the id of a statement read from the "
                             f"table's statistic columns; choose another", file=name,
                             field="id")
    return pd.concat([table, own], ignore_index=True)


def read_reported(path: str | Path, meta: TrialMeta) -> pd.DataFrame:
    """Read and validate a reported.csv file against a trial's metadata.

    The columns are those of :data:`~trialkit.schema.REPORTED_COLUMNS`, plus the optional
    ``test`` and ``analysis`` (:data:`~trialkit.schema.TESTS`,
    :data:`~trialkit.schema.ANALYSES`).
    """
    path = Path(path)
    return build_reported(read_csv_records(path, REPORTED_COLUMNS, REPORTED_OPTIONAL), meta,
                          path.name)


def read_trial(path: str | Path) -> Trial:
    """Read and validate a trial folder.

    Parameters
    ----------
    path : str or Path
        A folder holding ``trial.toml`` and ``summary.csv`` or ``ipd.csv`` (see the format in
        ``data/README.md``), or the path of its ``trial.toml``.

    Returns
    -------
    Trial

    Raises
    ------
    TrialDataError
        Naming the file, row and field of every problem of the first file that has one
        (trial.toml first, then ipd.csv or summary.csv, patients.csv, reported.csv); its
        ``errors`` lists them.

    Examples
    --------
    >>> import trialkit
    >>> from trialkit.bundled import data_dir
    >>> trial = trialkit.read_trial(data_dir() / "anorexia")
    >>> trial.id, [a.n for a in trial.arms]
    ('anorexia', [26, 29, 17])
    """
    folder = Path(path)
    if folder.name == "trial.toml":
        folder = folder.parent
    if not folder.is_dir():
        raise TrialDataError("no such trial folder", file=str(folder))
    raw = read_toml(folder / "trial.toml")
    meta = parse_meta(raw, file="trial.toml", expected_id=folder.name)
    ipd_path, summary_path = folder / "ipd.csv", folder / "summary.csv"
    ipd = patients = changes = None
    if ipd_path.exists():
        if summary_path.exists():
            raise TrialDataError("both ipd.csv and summary.csv exist; the summary is derived "
                                 "from ipd.csv (put published numbers in reported.csv)",
                                 file="summary.csv")
        ipd_records = read_csv_records(ipd_path, IPD_COLUMNS, exact=True)
        if not ipd_records:
            raise TrialDataError("no rows after the header", file="ipd.csv")
        ipd = build_ipd(ipd_records, meta, "ipd.csv")
        summary = summarise_ipd(ipd, meta)
        patients_path = folder / "patients.csv"
        if patients_path.exists():
            patients = build_patients(
                read_csv_records(patients_path, ("patient", "arm"), tuple(meta.patients)),
                meta, ipd, "patients.csv")
    elif summary_path.exists():
        records = read_csv_records(summary_path, SUMMARY_REQUIRED,
                                   (*SUMMARY_OPTIONAL, *SUMMARY_TEXT))
        if not records:
            raise TrialDataError("no rows after the header", file="summary.csv")
        summary, changes = build_tables(records, meta, "summary.csv")
    else:
        raise TrialDataError("a trial needs summary.csv or ipd.csv", file=str(folder))
    reported_path = folder / "reported.csv"
    reported = read_reported(reported_path, meta) if reported_path.exists() else (
        build_reported([], meta, "reported.csv"))
    return Trial(meta, summary, ipd=ipd, patients=patients, reported=reported, changes=changes,
                 path=folder)
