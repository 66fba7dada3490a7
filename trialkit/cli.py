"""The ``trialkit`` command: load, call the library, print or write. It computes nothing."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from trialkit.cli_options import TABLE_SUFFIXES
from trialkit.errors import TrialDataError

if TYPE_CHECKING:
    import pandas as pd

    from trialkit.trial import Trial

FORMATS = ("table", "csv", "json")
#: ``--baseline`` values that say the table prints no baseline.
NO_BASELINE_WORDS = ("none", "false", "no")


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error on one line (exit 2)."""

    def error(self, message: str) -> NoReturn:
        message = " ".join(message.split())
        self.exit(2, f"trialkit: error: {message} (see 'trialkit --help')\n")


def _trial(args: argparse.Namespace) -> Trial:
    """A bundled trial by id, a trial folder, or a table file typed in from a paper.

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


def _outcome_id(trial: Trial, text: str | None) -> str | None:
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


def _add_trial_argument(parser: argparse.ArgumentParser) -> None:
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


def _emit(frame: pd.DataFrame, fmt: str, *, header: str = "") -> None:
    from trialkit.display import frame_to_text

    if fmt == "csv":
        sys.stdout.write(frame.to_csv(index=False, lineterminator="\n"))
    elif fmt == "json":
        sys.stdout.write(frame.to_json(orient="records", indent=2, force_ascii=False) + "\n")
    else:
        if header:
            sys.stdout.write(header + "\n\n")
        sys.stdout.write(frame_to_text(frame) + "\n")


def _cmd_list(args: argparse.Namespace) -> None:
    from trialkit.bundled import datasets

    frame = datasets()
    if args.format == "table":
        frame = frame[["id", "design", "n", "level", "arms", "illustrative", "title"]].copy()
        frame["illustrative"] = frame["illustrative"].map({True: "yes", False: ""})
        frame["title"] = [t if len(t) <= 60 else t[:59].rstrip() + "…" for t in frame["title"]]
    _emit(frame, args.format)


def _cmd_show(args: argparse.Namespace) -> None:
    from trialkit.display import meta_record, summary_for_display

    trial = _trial(args)
    if args.format == "json":
        payload: dict[str, Any] = meta_record(trial)
        payload["summary"] = json.loads(trial.summary.to_json(orient="records"))
        sys.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
    elif args.format == "csv":
        _emit(trial.summary, "csv")
    else:
        _emit(summary_for_display(trial), "table", header=trial.describe())


def _cmd_effects(args: argparse.Namespace) -> None:
    import warnings

    from trialkit.analysis import between, within
    from trialkit.display import results_for_display

    trial = _trial(args)
    outcome = _outcome_id(trial, args.outcome)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        w = within(trial, r=args.r, outcome=outcome)
        b = between(trial, r=args.r, outcome=outcome)
    notes = sorted({str(c.message) for c in caught})
    if args.format == "json":
        payload = {"trial": trial.id, "illustrative": trial.illustrative, "notes": notes,
                   "within": json.loads(w.to_json(orient="records")),
                   "between": json.loads(b.to_json(orient="records"))}
        sys.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
        return
    if args.format == "csv":
        w = w.assign(table="within")
        b = b.assign(table="between")
        import pandas as pd

        _emit(pd.concat([w, b], ignore_index=True), "csv")
        return
    head = [f"{trial.id}: {trial.title}"]
    if trial.illustrative:
        head.append("ILLUSTRATIVE numbers (not the article's table): see 'trialkit show "
                    f"{trial.id}'.")
    head += [f"note: {n}" for n in notes]
    sys.stdout.write("\n".join(head) + "\n\n")
    if w.empty and trial.no_baseline:
        from trialkit.meta import NO_BASELINE

        sys.stdout.write(f"Within arms: change from baseline: none ({NO_BASELINE})\n")
    else:
        _emit(results_for_display(w, ["outcome", "arm", "timepoint", "measure"]), "table",
              header="Within arms: change from baseline")
    sys.stdout.write("\n")
    _emit(results_for_display(b, ["outcome", "timepoint", "comparison", "measure"]), "table",
          header="Between arms: arm minus reference")


def _cmd_analyse(args: argparse.Namespace) -> None:
    from trialkit.display import frame_to_text, readable
    from trialkit.ipd import analyse

    trial = _trial(args)
    outcome = _outcome_id(trial, args.outcome) or trial.outcomes[0].id
    tables = analyse(trial, outcome)
    if args.format == "json":
        payload = {name: json.loads(t.to_json(orient="records")) for name, t in tables.items()}
        sys.stdout.write(json.dumps({"trial": trial.id, "outcome": outcome, **payload},
                                    indent=2, ensure_ascii=False) + "\n")
        return
    if args.format == "csv":
        import pandas as pd

        frames = [t.assign(table=name) for name, t in tables.items()]
        _emit(pd.concat(frames, ignore_index=True), "csv")
        return
    sys.stdout.write(f"{trial.id}: {trial.title}\noutcome: {trial.outcome(outcome).label}\n")
    for name, table in tables.items():
        sys.stdout.write(f"\n{name}\n\n{frame_to_text(readable(table))}\n")


def _cmd_check(args: argparse.Namespace) -> int:
    from trialkit.checks import check
    from trialkit.display import frame_to_text, readable

    trial = _trial(args)
    table = check(trial, r=args.r)
    inconsistent = int((table["verdict"] == "inconsistent").sum())
    if args.format == "json":
        sys.stdout.write(table.to_json(orient="records", indent=2, force_ascii=False) + "\n")
    elif args.format == "csv":
        _emit(table, "csv")
    else:
        counts = table["verdict"].value_counts()
        head = [f"{trial.id}: {trial.title}"]
        if trial.illustrative:
            head.append("Note: the summary numbers are ILLUSTRATIVE (not the article's table); "
                        "the checks test them against the published statements.")
        head.append(", ".join(f"{counts.get(v, 0)} {v}" for v in
                              ("consistent", "inconsistent", "cannot check")))
        sys.stdout.write("\n".join(head) + "\n\n")
        shown = readable(table[["check", "outcome", "arm", "timepoint", "reported", "verdict",
                                "detail"]])
        sys.stdout.write(frame_to_text(shown) + "\n")
    return 1 if args.strict and inconsistent else 0


def _formats(text: str) -> list[str]:
    formats = [f.strip().lower() for f in text.split(",") if f.strip()]
    bad = [f for f in formats if f not in ("png", "svg", "pdf")]
    if bad or not formats:
        raise argparse.ArgumentTypeError(f"formats are png, svg, pdf (comma-separated), got "
                                         f"{text!r}")
    return formats


def _cmd_figures(args: argparse.Namespace) -> None:
    from trialkit.figures import write_figures

    trial = _trial(args)
    files = write_figures(trial, args.out, formats=args.format, style=args.style, r=args.r,
                          dpi=args.dpi, outcome=_outcome_id(trial, args.outcome))
    for path in files:
        sys.stdout.write(f"{path}\n")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for documentation and tests)."""
    from trialkit import __version__

    parser = _Parser(prog="trialkit", description="Reanalyse small randomized clinical trials.")
    parser.add_argument("--version", action="version", version=f"trialkit {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("list", help="list the bundled trials")
    p.add_argument("--format", choices=FORMATS, default="table")
    p.set_defaults(func=_cmd_list)

    p = sub.add_parser("show", help="a trial's description and summary table")
    _add_trial_argument(p)
    p.add_argument("--format", choices=FORMATS, default="table")
    p.set_defaults(func=_cmd_show)

    p = sub.add_parser("effects", help="within- and between-arm effects with intervals")
    _add_trial_argument(p)
    p.add_argument("--outcome", help="one outcome id (default: all)")
    p.add_argument("--r", type=_correlation, default=None,
                   help="pre-post correlation for summary-only trials (default 0.5, stated)")
    p.add_argument("--format", choices=FORMATS, default="table")
    p.set_defaults(func=_cmd_effects)

    p = sub.add_parser("check", help="do the paper's numbers add up? GRIM, GRIMMER, bounds, "
                       "recomputed p values, published claims")
    _add_trial_argument(p)
    p.add_argument("--r", type=_correlation, default=None,
                   help="pre-post correlation for change-score checks (default: a range)")
    p.add_argument("--strict", action="store_true",
                   help="exit with status 1 when anything is inconsistent")
    p.add_argument("--format", choices=FORMATS, default="table")
    p.set_defaults(func=_cmd_check)

    p = sub.add_parser("analyse", help="patient-level models: ANCOVA, mixed model, "
                       "permutation, bootstrap, count models")
    _add_trial_argument(p)
    p.add_argument("--outcome", help="outcome id (default: the first)")
    p.add_argument("--format", choices=FORMATS, default="table")
    p.set_defaults(func=_cmd_analyse)

    p = sub.add_parser("figures", help="write every figure that fits the trial's data")
    _add_trial_argument(p)
    p.add_argument("--out", default="figures", help="output folder (default: figures)")
    p.add_argument("--format", type=_formats, default=["png"],
                   help="png, svg, pdf or a comma-separated list (default: png)")
    p.add_argument("--style", choices=("slide", "paper"), default="slide")
    p.add_argument("--r", type=_correlation, default=None,
                   help="pre-post correlation for summary-only trials (default 0.5, stated)")
    p.add_argument("--dpi", type=_dpi, default=None, help="PNG resolution (default: the "
                   "style's: 150 for slide, 300 for paper)")
    p.add_argument("--outcome", default=None, help="the outcome (id or label) of the "
                   "one-outcome figures, such as the sensitivity plot (default: the primary "
                   "outcome, else the first)")
    p.set_defaults(func=_cmd_figures)

    from trialkit import cli_reanalyse, cli_screen
    from trialkit.report import command as report_command

    cli_reanalyse.add_parser(sub)
    report_command.add_parser(sub)
    cli_screen.add_parser(sub)
    return parser


def _dpi(text: str) -> int:
    from trialkit.figures import MAX_DPI

    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= MAX_DPI:
        raise argparse.ArgumentTypeError(f"expected a whole number from 1 to {MAX_DPI}, got "
                                         f"{text!r}")
    return value


def _one_line(exc: TrialDataError) -> str:
    """The error on one line; several problems found in one pass are joined with "; "."""
    errors = getattr(exc, "errors", None) or [exc]
    parts = [" ".join(str(e).split()) for e in errors]
    if len(parts) > 1:
        return f"{len(parts)} problems: " + "; ".join(parts)
    return parts[0]


def _correlation(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number between -1 and 1, got {text!r}")\
            from None
    if not -1 < value < 1:
        raise argparse.ArgumentTypeError(f"expected a number between -1 and 1, got {text!r}")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 ok, 1 --strict found a problem, 2 bad
    input). Usage errors exit through ``SystemExit(2)``; every error is one line on stderr.
    """
    import warnings

    parser = build_parser()
    args = parser.parse_args(argv)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            status = args.func(args)
        except TrialDataError as exc:
            sys.stderr.write(f"trialkit: error: {_one_line(exc)}\n")
            return 2
        except BrokenPipeError:  # e.g. `trialkit show x | head`
            return 0
    for message in dict.fromkeys(" ".join(str(w.message).split()) for w in caught):
        sys.stderr.write(f"trialkit: warning: {message}\n")
    return int(status or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
