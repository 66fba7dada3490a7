"""What the ``trialkit`` commands share: the trial a command names (a bundled id, a trial
folder or a table file typed in from a paper), the arguments that name it, and how a frame
is printed (``--format table|csv|json``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from trialkit.cli_options import TABLE_SUFFIXES
from trialkit.errors import TrialDataError

if TYPE_CHECKING:
    import pandas as pd

    from trialkit.trial import Trial

__all__ = ["FORMATS", "TABLE_SUFFIXES", "add_trial_argument", "correlation", "emit",
           "outcome_id", "trial_of"]

#: ``--format`` values: a text table for people, CSV and JSON for programs.
FORMATS = ("table", "csv", "json")
#: ``--baseline`` values that say the table prints no baseline.
NO_BASELINE_WORDS = ("none", "false", "no")


def trial_of(args: argparse.Namespace) -> Trial:
    """The trial a command names: a bundled trial by id, a trial folder, or a table file
    typed in from a paper.

    The per-outcome options (``--direction``, ``--scale``, ``--integer``) describe a table's
    outcomes, and must agree with a trial folder's trial.toml; ``--reported`` adds the
    paper's statements.
    """
    from trialkit import cli_options
    from trialkit.bundled import load
    from trialkit.io import read_trial

    ref, spec = args.trial, cli_options.outcome_options(args)
    reported = getattr(args, "reported", None)
    baseline = getattr(args, "baseline", None)
    path = Path(ref)
    if path.suffix.lower() in TABLE_SUFFIXES and not path.is_dir():
        return _table(path, args.spread, cli_options.table_outcomes_spec(path, spec)
                      if path.is_file() else {}, reported, baseline)
    if baseline is not None:
        raise TrialDataError("--baseline describes a table file; a trial folder declares its "
                             "baseline in trial.toml", field="--baseline")
    trial = read_trial(path) if path.exists() or "/" in ref or "\\" in ref else load(ref)
    cli_options.check_against_toml(trial, spec)
    return cli_options.with_reported(trial, reported) if reported else trial


def _table(path: Path, spread: str | None, outcomes: dict[str, dict[str, Any]],
           reported: str | None, baseline: str | None = None) -> Trial:
    from trialkit.tables import from_table

    extra: dict[str, Any] = {}
    if baseline is not None:  # "none": the table prints no baseline
        extra["baseline"] = False if baseline.strip().lower() in NO_BASELINE_WORDS else baseline
    if reported:
        if not Path(reported).is_file():
            raise TrialDataError("no such file", file=reported, field="--reported")
        extra["reported"] = reported
    # what the table's TOML file declares (spread, title, source) is kept; the command
    # line only fills what it does not say
    from trialkit.tables.declarations import side_file

    side, _ = side_file(path) if path.is_file() else ({}, None)
    if spread is not None:
        extra["spread"] = spread
    if "title" not in side:
        extra["title"] = f"Table typed in from {path.name}"
    if "source" not in side:
        extra["source"] = path.name
    trial = from_table(path, trial_id=path.stem or "table", outcomes=outcomes, **extra)
    return trial


def outcome_id(trial: Trial, text: str | None) -> str | None:
    """The id of the outcome ``--outcome`` names: its id, or its label as printed (any case,
    or written as an id would be); an unknown name raises as :meth:`Trial.outcome` does."""
    if text is None:
        return None
    from trialkit.tables.reading import slug

    ids = {o.id for o in trial.outcomes}
    if text in ids:
        return text
    for o in trial.outcomes:
        if text.strip().lower() == o.label.lower() or slug(text) == o.id:
            return o.id
    trial.outcome(text)  # raises, listing the outcomes
    return text


def add_trial_argument(parser: argparse.ArgumentParser) -> None:
    from trialkit import cli_options

    parser.add_argument("trial", help="bundled trial id (see 'trialkit list'), a trial folder, "
                        "or a table file (.csv, .tsv, .txt, .md, .xlsx) typed in from a paper")
    parser.add_argument("--spread", choices=("sd", "se", "ci95", "iqr", "range"), default=None,
                        help="for a table file: what the brackets in its cells hold (default: "
                        "its TOML file's spread, else sd)")
    parser.add_argument("--baseline", default=None, metavar="LABEL|none",
                        help="for a table file: the baseline timepoint's label, or 'none' when "
                        "the table prints no baseline (default: its TOML file's, else the "
                        "first timepoint)")
    cli_options.add_arguments(parser)


def correlation(text: str) -> float:
    """``--r``: a pre-post correlation, strictly between -1 and 1."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number between -1 and 1, got {text!r}")\
            from None
    if not -1 < value < 1:
        raise argparse.ArgumentTypeError(f"expected a number between -1 and 1, got {text!r}")
    return value


def emit(frame: pd.DataFrame, fmt: str, *, header: str = "") -> None:
    """Print ``frame`` to standard output as a text table (after ``header``), CSV or JSON."""
    from trialkit.display import frame_to_text

    if fmt == "csv":
        sys.stdout.write(frame.to_csv(index=False, lineterminator="\n"))
    elif fmt == "json":
        sys.stdout.write(frame.to_json(orient="records", indent=2, force_ascii=False) + "\n")
    else:
        if header:
            sys.stdout.write(header + "\n\n")
        sys.stdout.write(frame_to_text(frame) + "\n")
