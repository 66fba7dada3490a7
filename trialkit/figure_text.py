"""What the figures say about a trial: whose data, which outcome, and footnotes that hold.

Wording only (no statistic, no drawing): :mod:`trialkit.figures` puts these sentences in the
subtitles and footers, so that a figure of a user's table names the user's file, and a
footnote such as "the paper does not report the correlation" appears only where it is true.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from trialkit.errors import TrialDataError

if TYPE_CHECKING:
    from trialkit.trial import Trial

__all__ = ["changes_negated_note", "changes_printed", "chosen_outcome", "data_name",
           "source_note", "who"]


def who(trial: Trial, data: str | None = None) -> str:
    """Who the figure is about: "Mejuto-Vázquez 2014 (n = 17)", or the user's data."""
    from trialkit.meta import short_ref

    author = short_ref(trial.citation)
    if author != trial.citation:
        return f"{author} (n = {trial.n})"
    if trial.path is None:
        return f"{data or data_name(trial)} (n = {trial.n})"
    return trial.id


def data_name(trial: Trial) -> str:
    """What the footer names as the data: a bundled trial, a folder, a file or a pasted table.

    Examples
    --------
    >>> import trialkit
    >>> data_name(trialkit.load("mejuto2014"))
    'trialkit data/mejuto2014'
    """
    from trialkit.bundled import data_dir

    if trial.path is not None:
        folder = Path(trial.path)
        try:
            if folder.resolve().parent == data_dir().resolve():
                return f"trialkit data/{folder.name}"
        except TrialDataError:  # pragma: no cover - an installation without bundled data
            pass
        return f"trial folder {folder.name}"
    source = str(trial.meta.data.get("source", "") or "")
    if not source or source == "pasted table":
        return "pasted table"
    return source


def source_note(trial: Trial, extra: str = "", data: str | None = None) -> str:
    from trialkit.meta import short_ref

    parts = [extra] if extra else []
    if trial.illustrative:
        parts.append("Per-arm numbers are ILLUSTRATIVE: chosen to match the published "
                     "statements, not the article's table.")
    doi = f", doi:{trial.meta.doi}" if trial.meta.doi else ""
    cited = trial.citation.strip() and trial.citation.strip() != "not given"
    where = f"Source: {short_ref(trial.citation)}{doi}; data: " if cited else "Data: "
    parts.append(f"{where}{data or data_name(trial)}.")
    return " ".join(p for p in parts if p)


def changes_printed(trial: Trial, outcome: str | None = None) -> bool:
    """Whether the table prints SDs of change (for ``outcome``, or for any outcome)."""
    changes = trial.changes
    if outcome is not None and not changes.empty:
        changes = changes[changes["outcome"] == outcome]
    return not changes.empty


def changes_negated_note(trial: Trial, outcome: str) -> str:
    """The footnote of a figure using change rows that were negated at load, else "".

    A table declaring ``change = "baseline_minus_followup"`` prints its changes as baseline
    minus follow-up; the figure shows them as follow-up minus baseline and must say so.

    Examples
    --------
    >>> import trialkit
    >>> changes_negated_note(trialkit.load("mejuto2014"), "pain")
    ''
    """
    from trialkit.tables.signs import NEGATED_METHOD

    ch = trial.changes
    if ch.empty or "method" not in ch.columns:
        return ""
    rows = ch[(ch["outcome"] == outcome) & ch["method"].fillna("").str.contains(
        NEGATED_METHOD, regex=False)]
    if rows.empty:
        return ""
    return ("The table prints these changes as baseline minus follow-up (declared "
            "change = \"baseline_minus_followup\"); they are shown negated, as follow-up "
            "minus baseline.")


def chosen_outcome(trial: Trial, outcome: str | None) -> tuple[str, str]:
    """The outcome of the one-outcome figures and, when it was not chosen, a note why."""
    if outcome is not None:
        for o in trial.outcomes:
            if outcome in (o.id, o.label) or outcome.strip().lower() == o.label.lower():
                return o.id, ""
        raise TrialDataError(f"unknown outcome {outcome!r}; the trial has "
                             f"{', '.join(o.id for o in trial.outcomes)}", field="outcome")
    if trial.meta.primary is not None:
        return trial.meta.primary, ""
    first = trial.outcomes[0]
    if len(trial.outcomes) == 1:
        return first.id, ""
    return first.id, (f"Shown for {first.short}, the first outcome of the table: no primary "
                      "outcome is declared (choose one with --outcome).")
