"""from_table: the steps of reading a published table, put together."""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from trialkit.cells import SPREADS
from trialkit.errors import ErrorCollector, TrialDataError
from trialkit.tables import columns as _columns
from trialkit.tables import declarations as _decl
from trialkit.tables.layout import finish_arm_sizes, read_arms, read_timepoints
from trialkit.tables.reading import read_table, slug
from trialkit.tables.records import percent_units, read_cells, stat_records
from trialkit.tables.signs import BASELINE_MINUS_FOLLOWUP, parse_change, reverse_changes
from trialkit.trial_toml import parse_meta

if TYPE_CHECKING:

    from trialkit.meta import TrialMeta
    from trialkit.trial import Trial

__all__ = ["from_table", "table_outcomes"]


def table_outcomes(table: Any, sheet_name: str | int = 0) -> list[str]:
    """The outcome labels of a table, in order (to describe them before :func:`from_table`).

    Examples
    --------
    >>> table_outcomes("outcome\\ttimepoint\\tA (n=5)\\nPain\\tBaseline\\t5 (1)\\n")
    ['Pain']
    """
    frame, name = read_table(table, sheet_name)
    cols = _columns.classify(frame, name)
    return list(dict.fromkeys(str(v).strip() for v in frame[cols.keys["outcome"]]
                              if str(v).strip()))


def _text(value: Any, default: str, field: str) -> str:
    if value is None:
        return default
    if not isinstance(value, str):
        raise TrialDataError(f"expected text, got {value!r}", field=field)
    return value


def from_table(
    table: Any,
    *,
    spread: str | None = None,
    n: Mapping[str, int] | None = None,
    outcomes: Mapping[str, Mapping[str, Any]] | None = None,
    baseline: str | bool | None = None,
    change: str | None = None,
    reference_arm: str | None = None,
    trial_id: str = "pasted",
    title: str | None = None,
    citation: str | None = None,
    source: str | None = None,
    design: str = "parallel",
    sheet_name: str | int = 0,
    reported: Any = None,
) -> Trial:
    """Build a Trial from a published table of summary statistics, as printed.

    Two layouts are understood. *Wide*, as papers print it: columns ``outcome`` and
    ``timepoint``, then one column per arm whose cells hold "mean (spread)"; the arm's size
    may be written in its header (``"TrPDN (n=9)"``), in each cell (``"5.2 (1.3) [9]"``), in
    an ``n`` column (the n of every cell of that row), or passed as ``n``. *Long*: columns
    ``outcome, arm, timepoint, n, value``. Either may add a ``source`` column; without one,
    every row gets ``source``. Without a ``timepoint`` column all rows are the baseline (or,
with ``baseline=False``, one follow-up, "Follow-up").
    Cells are read as printed: footnote marks (kept in the ``footnote`` column), trailing
    punctuation, "+" for a lost "±", thousands separators, percent signs (the outcome's
    unit becomes "%" unless one is declared) and a range after the spread ("41.5% (15.7%),
    19–75%": kept as ``min`` and ``max``) (see :mod:`trialkit.cells`).
    Every unreadable cell is reported at once, in one :class:`TrialDataError`.

    *Change rows*: a row whose timepoint says change ("Change", "Δ", "Difference", "Mean
    change", "Change from baseline", "Change at 6 weeks", "Change (0-6 wk)", any case) holds
    each arm's mean change and SD of change; it goes to ``trial.changes``, not to the
    timepoints. Its follow-up is the timepoint the label names if the table has it, else
    the table's last non-baseline timepoint; a table without follow-up rows gets one (the
    label's, e.g. "6 weeks", or "Follow-up" with id ``follow_up``). A change is stored as
    follow-up minus baseline. A table that prints it the other way round (a fall in pain as
    a positive number: "4.9 - 2.0 = 2.9") declares ``change = "baseline_minus_followup"``
    (for the whole table, or per outcome); those change rows are negated at load (mean or
    median negated, a CI or quartiles ``[a, b]`` become ``[-b, -a]``, SD and SE kept), their
    ``printed`` column keeps the cell as printed, their ``source`` and ``trial.meta.data``
    notes say so. Undeclared, nothing is flipped: :func:`trialkit.checks.change_vs_levels`
    reports a change that agrees with its levels only reversed, and names the declaration.

    *Statistic columns*: a column headed p, P value, p-value, p (between groups), p (group x
    time), t or F holds statistics, not an arm. Each cell becomes a reported statement for
    its row's outcome and timepoint (statistic p, t or f; relation "<" for "<0.001", else
    "="; the value as printed; comparison ``arm-reference`` for two arms, ``*`` for more;
    ``test`` from the header, "p (Mann-Whitney)" -> mann_whitney, "p (ANOVA)" -> anova,
    "p (group x time)" -> mixed; ``analysis`` "change" on a change row). "NS" gives no
    statement (with a warning); a footnote mark ("0.03*") is kept in the statement's text.

    *Declarations*: columns ``unit``, ``direction`` ("lower" or "higher" suffice), ``scale``
    ("0-10"), ``integer``, ``primary``, ``change`` describe each row's outcome (its rows
    must agree). A table file may have a TOML file beside it (same stem, ``.toml``) with
    ``[outcomes.<label or id>]`` tables (unit, direction, lower, upper, integer, mcid,
    mcid_source, primary, change) and optionally ``reported = "file.csv"``, ``spread``, ``title``,
    ``citation``, ``source``, ``baseline`` (a timepoint's label, or ``false``), ``change``.
    The TOML file is read first, the columns next, the ``outcomes=`` argument last: explicit
    arguments override the file, key by key (and ``spread``, ``title``, ``citation``,
    ``source``, ``reported``, ``baseline``, ``change`` given as arguments win). An outcome's
    own ``change`` (TOML, column or ``outcomes=``) wins over the table-wide one.

    *No baseline*: many tables print only follow-up values (post-treatment only) or a derived
    pre-to-post measure ("proportion of recovery, pre-test to post-test"). Declare
    ``baseline=False`` (``baseline = false`` in the TOML file): every timepoint is then a
    follow-up, ``trial.baseline`` is None and ``trial.no_baseline`` True; the arms are
    compared at each timepoint, and nothing "from baseline" is computed (within-arm change,
    percent change and baseline balance say why). Not declaring it keeps the rule above (the
    first timepoint is the baseline), with a warning when a table's only timepoint does not
    read as one ("Post-treatment"); nothing is changed silently.

    *Spreads* other than SD (SE, 95% CI, IQR, range) are converted to SDs at load, recorded
    in each row's ``source`` and ``method`` (see :func:`trialkit.io.build_tables`).

    Parameters
    ----------
    table : DataFrame, str or Path
        The table itself, pasted text (cells separated by tabs, '|', two or more spaces, or
        commas), or the path of a text, markdown, CSV, TSV or Excel file (text files are
        read by content, whatever their extension).
    spread : {"sd", "se", "ci95", "iqr", "range"}, optional
        What the brackets hold (default "sd"). For "iqr" and "range" the centre is a median.
    n : mapping, optional
        Patients per arm, keyed by the arm's column header, label or id.
    outcomes : mapping, optional
        Per outcome (keyed by label or id): ``unit``, ``direction`` ("higher_is_better" or
        "lower_is_better", or "higher"/"lower"), ``lower``, ``upper``, ``scale`` ("0-10"),
        ``integer``, ``mcid``, ``mcid_source``, ``primary``, ``change``. Means outside the
        scale are rejected.
    baseline : str or False, optional
        The baseline timepoint's label, or False when the table prints no baseline (every
        timepoint a follow-up); default the first timepoint in the table.
    change : {"followup_minus_baseline", "baseline_minus_followup"}, optional
        How the table's change rows are printed, for every outcome that declares none of its
        own (default: the TOML file's ``change``, else follow-up minus baseline).
    reference_arm : str, optional
        The comparator arm (label or id); default the last arm.
    trial_id, title, citation, source, design : str
        Metadata; ``source`` (default "pasted table") is recorded on every row.
    sheet_name : str or int
        Excel sheet to read.
    reported : str, Path, DataFrame or list of dicts, optional
        Statements the paper makes, in the reported.csv format (columns of
        :data:`~trialkit.schema.REPORTED_COLUMNS`, optionally ``test`` and ``analysis``),
        using the ids of the built trial (``slug`` of the labels: "Neck pain" -> neck_pain).

    Returns
    -------
    Trial
        Its summary keeps each number as printed (``mean_text``, ``sd_text``).

    Raises
    ------
    TrialDataError
        Naming the table, row and column of every cell that cannot be read or is impossible.

    Examples
    --------
    >>> import trialkit
    >>> pasted = '''
    ... outcome\\ttimepoint\\tNeedling (n=9)\\tWaiting list (n=8)\\tp
    ... Pain\\tBaseline\\t6.10 (1.20)\\t5.90 (1.30)\\t0.74
    ... Pain\\t1 week\\t2.10 (1.50)\\t5.40 (1.40)\\t<0.001
    ... '''
    >>> trial = trialkit.from_table(pasted, outcomes={"Pain": {
    ...     "unit": "points", "scale": "0-10", "direction": "lower"}})
    >>> trial.summary[["arm", "timepoint", "n", "mean_text", "sd"]]
                arm timepoint  n mean_text   sd
    0      needling  baseline  9      6.10  1.2
    1      needling    1_week  9      2.10  1.5
    2  waiting_list  baseline  8      5.90  1.3
    3  waiting_list    1_week  8      5.40  1.4
    >>> trial.reported[["statistic", "timepoint", "comparison", "relation", "value"]]
      statistic timepoint             comparison relation  value
    0         p  baseline  needling-waiting_list        =   0.74
    1         p    1_week  needling-waiting_list        <  0.001
    """
    from trialkit.io import build_tables, reported_records
    from trialkit.trial import Trial

    frame, name = read_table(table, sheet_name)
    side, side_name = _decl.side_file(table)
    spread = spread if spread is not None else side.get("spread", "sd")
    if not isinstance(spread, str) or spread not in SPREADS:
        raise TrialDataError(f"spread must be one of {', '.join(SPREADS)}, got {spread!r}",
                             file=side_name if "spread" in side else None, field="spread")
    source = _text(source, side.get("source", "pasted table"), "source")
    cols = _columns.classify(frame, name)
    long = "arm" in cols.keys
    arms = read_arms(frame[cols.keys["arm"]].tolist() if long else cols.arms, n)
    tp_col = cols.keys.get("timepoint")
    if baseline is None and "baseline" in side:
        baseline = side["baseline"]
    tps = read_timepoints([str(t).strip() for t in frame[tp_col]] if tp_col else
                          ["Follow-up" if baseline is False else "Baseline"] * len(frame),
                          baseline, name, tp_col)
    out_labels = _decl.outcome_labels([str(v).strip() for v in frame[cols.keys["outcome"]]],
                                      name, cols.keys["outcome"])
    declared = _decl.column_declarations(frame, cols.declarations, cols.keys["outcome"], name)
    entries = _decl.merge_outcomes(out_labels, (side.get("outcomes"), "outcomes", side_name),
                                   (declared, name), (outcomes, "outcomes"))
    table_wide = (parse_change(change, field="change") if change is not None
                  else side.get("change"))
    conventions = _decl.change_conventions(entries, table_wide)
    errors = ErrorCollector()
    cells = read_cells(frame, cols, arms, tps, spread, source, name, errors)
    reference = _reference(reference_arm, arms)
    auto = stat_records(frame, cols, tps, list(arms.labels), reference, source, name, errors)
    percent_units(entries, cells, name, errors)
    errors.raise_any()
    finish_arm_sizes(arms, cells.seen_n, name, grow=long)
    declared = {o: c for o, c in conventions.items() if c == BASELINE_MINUS_FOLLOWUP}
    negated = reverse_changes(cells.records, declared)
    if declared and not negated:  # a declaration that describes nothing in the table
        warnings.warn(f"{name}: change = \"{BASELINE_MINUS_FOLLOWUP}\" is declared, but the "
                      f"table has no change rows: nothing was negated", UserWarning,
                      stacklevel=2)
    for rec in cells.records:
        rec.setdefault("n", str(arms.n[rec["arm"]]))
        rec.setdefault("mean", "")
        rec.setdefault("sd", "")
    meta = _meta(arms, tps, entries, reference, trial_id, design,
                 _text(title, side.get("title", "Trial typed in from a published table"),
                       "title"),
                 _text(citation, side.get("citation", "not given"), "citation"), source,
                 _negated_note(negated, out_labels))
    if cells.skipped:
        warnings.warn(f"{name}: cells marked as not reported were left out: "
                      f"{', '.join(cells.skipped)}", UserWarning, stacklevel=2)
    if not cells.records:
        raise TrialDataError("the table has no reported values", file=name)
    summary, changes = build_tables(cells.records, meta, name)
    given = reported if reported is not None else side.get("reported")
    statements = reported_records(given, meta, auto)
    return Trial(meta, summary, changes=changes, reported=statements)


def _reference(reference_arm: Any, arms: Any) -> str:
    """The comparator arm's id: the one named (label or id), default the last arm."""
    if reference_arm is not None and not isinstance(reference_arm, str):
        raise TrialDataError(f"expected the reference arm's label (text), got "
                             f"{reference_arm!r}", field="reference_arm")
    reference = slug(reference_arm) if reference_arm else list(arms.labels)[-1]
    if reference not in arms.labels:
        raise TrialDataError(f"reference arm {reference_arm!r} is not an arm of the table; "
                             f"arms: {', '.join(arms.labels.values())}", field="reference_arm")
    return reference


def _negated_note(negated: list[str], labels: Mapping[str, str]) -> list[str]:
    """The provenance note of change rows negated at load (none when nothing was)."""
    if not negated:
        return []
    names = ", ".join(labels[o] for o in negated)
    return [f"Change rows of {names} are printed as baseline minus follow-up (declared change "
            f"= \"{BASELINE_MINUS_FOLLOWUP}\"); their means (and any CI or quantiles) were "
            f"negated at load to follow-up minus baseline, SDs kept. Each row's 'printed' "
            f"column keeps the cell as printed and its 'source' says it was negated."]


def _meta(arms: Any, tps: Any, entries: list[dict[str, Any]], reference: str,
          trial_id: Any, design: Any, title: str, citation: str, source: str,
          notes: list[str]) -> TrialMeta:
    for value, what in ((trial_id, "trial_id"), (design, "design")):
        if not isinstance(value, str) or not value.strip():
            raise TrialDataError(f"expected text, got {value!r}", field=what)
    raw = {
        "id": slug(trial_id), "title": title, "citation": citation, "design": design,
        "reference_arm": reference, **({"baseline": False} if tps.baseline is None else {}),
        "arms": [{"id": a, "label": lab, "n": arms.n[a]} for a, lab in arms.labels.items()],
        "timepoints": [{"id": t, "label": lab, "order": i, "baseline": t == tps.baseline}
                       for i, (t, lab) in enumerate(tps.labels.items())],
        "outcomes": entries,
        "data": {"level": "summary", "source": source, **({"notes": notes} if notes else {})},
    }
    return parse_meta(raw, file="from_table arguments", require_direction=False)


