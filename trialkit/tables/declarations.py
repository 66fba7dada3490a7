"""What a table declares about its outcomes: columns, a TOML file beside it, arguments.

Three places can describe an outcome (unit, direction, scale bounds, integer, MCID,
primary), merged key by key, later ones winning:

1. a TOML file beside the table file (same stem, ``.toml``) with ``[outcomes.<label or id>]``
   tables, and optionally ``reported``, ``spread``, ``title``, ``citation``, ``source``,
   ``baseline`` (the baseline timepoint's label, or ``false``: the table prints none),
   ``change`` (how every change row is printed, see :mod:`~trialkit.tables.signs`);
2. columns of the table itself: ``unit``, ``direction``, ``scale`` ("0-10"), ``integer``,
   ``primary``, ``change`` (an outcome's rows must agree);
3. the ``outcomes=`` argument of :func:`~trialkit.tables.from_table`.

An outcome's own ``change`` wins over the table-wide one (the ``change=`` argument, else the
TOML file's top-level ``change``), which wins over the default, follow-up minus baseline.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from trialkit.cells import parse_number
from trialkit.errors import ErrorCollector, TrialDataError
from trialkit.meta import parse_direction, read_toml
from trialkit.tables.reading import slug
from trialkit.tables.signs import parse_change

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["change_conventions", "column_declarations", "merge_outcomes", "side_file"]

_OUTCOME_KEYS = ("unit", "direction", "lower", "upper", "integer", "mcid", "mcid_source",
                 "primary", "mdc", "mdc_source", "short_label", "items", "domain", "scale",
                 "change")
_FILE_KEYS = ("outcomes", "reported", "spread", "title", "citation", "source", "baseline",
              "change")
_TRUE = {"yes": True, "y": True, "true": True, "1": True, "x": True, "✓": True,
         "no": False, "n": False, "false": False, "0": False}
_SCALE = re.compile(r"^\s*(\S+?)\s*(?:-|–|—|to|\.\.)\s*(\S+)\s*$")


def side_file(table: Any) -> tuple[dict[str, Any], str | None]:
    """The TOML file beside a table file (``pain.tsv`` -> ``pain.toml``), or ``{}``."""
    if not isinstance(table, str | Path) or (isinstance(table, str) and "\n" in table):
        return {}, None
    path = Path(table).with_suffix(".toml")
    if not path.is_file() or path == Path(table):
        return {}, None
    raw = read_toml(path)
    for key in raw:
        if key not in _FILE_KEYS:
            raise TrialDataError(f"unknown key; expected {', '.join(_FILE_KEYS)}",
                                 file=path.name, field=key)
    if "outcomes" in raw and not isinstance(raw["outcomes"], Mapping):
        raise TrialDataError("expected tables [outcomes.<label>]", file=path.name,
                             field="outcomes")
    for key in ("reported", "spread", "title", "citation", "source"):
        if key in raw and not isinstance(raw[key], str):
            raise TrialDataError(f"expected text, got {raw[key]!r}", file=path.name, field=key)
    if "baseline" in raw and not (raw["baseline"] is False or (
            isinstance(raw["baseline"], str) and raw["baseline"].strip())):
        raise TrialDataError(f"expected the baseline timepoint's label (text), or false when "
                             f"the table prints no baseline, got {raw['baseline']!r}",
                             file=path.name, field="baseline")
    if "change" in raw:
        raw = {**raw, "change": parse_change(raw["change"], file=path.name, field="change")}
    if "reported" in raw:
        raw = {**raw, "reported": str(path.parent / raw["reported"])}
    return raw, path.name


def _flag(text: str, name: str, row: int, column: str) -> bool:
    value = _TRUE.get(text.strip().lower())
    if value is None:
        raise TrialDataError(f"expected yes or no, got {text!r}", file=name, row=row,
                             field=column)
    return value


def parse_scale(text: str, *, file: str | None = None, row: int | None = None,
                field: str | None = "scale") -> dict[str, float]:
    """Scale bounds written "0-10", "0 to 100" or "0–10".

    Examples
    --------
    >>> parse_scale("0-10")
    {'lower': 0.0, 'upper': 10.0}
    """
    m = _SCALE.match(text)
    if not m:
        raise TrialDataError(f"expected scale bounds like '0-10', got {text!r}", file=file,
                             row=row, field=field)
    lower = parse_number(m.group(1), file=file, row=row, field=field)
    upper = parse_number(m.group(2), file=file, row=row, field=field)
    return {"lower": lower, "upper": upper}


def column_declarations(frame: pd.DataFrame, columns: Mapping[str, str], outcome_column: str,
                        name: str) -> dict[str, dict[str, Any]]:
    """Per outcome label, what its rows declare in ``unit``/``direction``/... columns."""
    found: dict[str, dict[str, Any]] = {}
    first_row: dict[tuple[str, str], int] = {}
    errors = ErrorCollector()
    for i, label in enumerate(frame[outcome_column].tolist(), start=1):
        label = str(label).strip()
        for key, column in columns.items():
            text = str(frame[column].iloc[i - 1]).strip()
            if not text or text.lower() in ("-", "na", "n/a"):
                continue
            if key == "direction":
                value: dict[str, Any] = {"direction": errors.call(
                    parse_direction, text, file=name, row=i, field=column)}
            elif key == "scale":
                value = errors.call(parse_scale, text, file=name, row=i, field=column) or {}
            elif key in ("integer", "primary"):
                value = {key: errors.call(_flag, text, name, i, column)}
            elif key == "change":
                value = {key: errors.call(parse_change, text, file=name, row=i, field=column)}
            else:
                value = {key: text}
            spec = found.setdefault(label, {})
            for k, v in value.items():
                if v is None:
                    continue
                if k in spec and spec[k] != v:
                    errors.add(TrialDataError(
                        f"{label!r} is declared {spec[k]!r} in row {first_row[(label, k)]} but "
                        f"{v!r} here; an outcome's rows must agree", file=name, row=i,
                        field=column))
                    continue
                spec[k] = v
                first_row.setdefault((label, k), i)
    errors.raise_any()
    return found


def merge_outcomes(out_labels: Mapping[str, str], *specs: Any) -> list[dict[str, Any]]:
    """Outcome entries for the metadata: each spec (mapping of label or id -> keys) in turn,
    later ones winning key by key. Refuses specs for outcomes the table does not have."""
    merged: dict[str, dict[str, Any]] = {oid: {} for oid in out_labels}
    by_label = {label: oid for oid, label in out_labels.items()}
    for spec_set, where, *file_of in specs:
        if spec_set is None:
            continue
        file = file_of[0] if file_of else None
        if not isinstance(spec_set, Mapping):
            raise TrialDataError(f"expected a mapping of outcome label to its description, "
                                 f"e.g. {{'Pain': {{'unit': 'points'}}}}, got "
                                 f"{type(spec_set).__name__}", file=file, field=where)
        unknown = [k for k in spec_set if str(k) not in by_label and str(k) not in merged]
        if unknown:
            raise TrialDataError(f"outcomes given for {sorted(map(str, unknown))} but the table "
                                 f"has {', '.join(out_labels.values())}", file=file,
                                 field=where)
        for key, spec in spec_set.items():
            oid = by_label.get(str(key), str(key))
            if not isinstance(spec, Mapping):
                raise TrialDataError(f"expected a mapping of keys ({', '.join(_OUTCOME_KEYS)})"
                                     f", got {spec!r}", file=file, field=f"{where}[{key!r}]")
            for k, v in spec.items():
                if k not in _OUTCOME_KEYS:
                    raise TrialDataError(f"unknown key; expected {', '.join(_OUTCOME_KEYS)}",
                                         file=file, field=f"{where}[{key!r}].{k}")
                if k == "direction":
                    v = parse_direction(v, file=file, field=f"{where}[{key!r}].direction")
                if k == "change":
                    v = parse_change(v, file=file, field=f"{where}[{key!r}].change")
                if k == "scale":
                    if not isinstance(v, str):
                        raise TrialDataError(f"expected bounds like '0-10', got {v!r}",
                                             file=file, field=f"{where}[{key!r}].scale")
                    merged[oid].update(parse_scale(v, file=file,
                                                   field=f"{where}[{key!r}].scale"))
                    continue
                merged[oid][k] = v
    entries = []
    for oid, label in out_labels.items():
        spec = {k: v for k, v in merged[oid].items() if v is not None}
        entries.append({"id": oid, "label": label, "unit": spec.pop("unit", ""), **spec})
    return entries


def change_conventions(entries: list[dict[str, Any]], table_wide: str | None) -> dict[str, str]:
    """Per outcome id, how its change rows are printed; pops ``change`` from the entries.

    An outcome's own declaration wins; else the table-wide one; else the default,
    follow-up minus baseline (:mod:`trialkit.tables.signs`).
    """
    from trialkit.tables.signs import FOLLOWUP_MINUS_BASELINE

    return {str(e["id"]): e.pop("change", None) or table_wide or FOLLOWUP_MINUS_BASELINE
            for e in entries}


def outcome_labels(texts: list[str], name: str, column: str) -> dict[str, str]:
    """Outcome ids and labels in order of first appearance."""
    labels: dict[str, str] = {}
    for i, text in enumerate(texts, start=1):
        if not text:
            raise TrialDataError("empty outcome name", file=name, row=i, field=column)
        labels.setdefault(slug(text), text)
    return labels
