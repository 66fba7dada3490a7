"""The ``trialkit`` command: load, call the library, print or write. It computes nothing."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NoReturn

from trialkit.cli_shared import (
    FORMATS,
    add_trial_argument,
    correlation,
    emit,
    outcome_id,
    trial_of,
)
from trialkit.errors import TrialDataError

if TYPE_CHECKING:
    pass




class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error on one line (exit 2)."""

    def error(self, message: str) -> NoReturn:
        message = " ".join(message.split())
        self.exit(2, f"trialkit: error: {message} (see 'trialkit --help')\n")


def _cmd_list(args: argparse.Namespace) -> None:
    from trialkit.bundled import datasets

    frame = datasets()
    if args.format == "table":
        frame = frame[["id", "design", "n", "level", "arms", "illustrative", "title"]].copy()
        frame["illustrative"] = frame["illustrative"].map({True: "yes", False: ""})
        frame["title"] = [t if len(t) <= 60 else t[:59].rstrip() + "…" for t in frame["title"]]
    emit(frame, args.format)


def _cmd_show(args: argparse.Namespace) -> None:
    from trialkit.display import (
        frame_to_text,
        meta_record,
        reported_for_display,
        summary_for_display,
    )

    trial = trial_of(args)
    if args.format == "json":
        payload: dict[str, Any] = meta_record(trial)
        for key in ("summary", "changes", "reported"):
            payload[key] = json.loads(getattr(trial, key).to_json(orient="records"))
        sys.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
    elif args.format == "csv":
        emit(trial.summary, "csv")
    else:
        emit(summary_for_display(trial), "table", header=trial.describe())
        if not trial.changes.empty:
            sys.stdout.write("\nChanges from baseline, as printed:\n\n"
                             + frame_to_text(summary_for_display(trial, changes=True)) + "\n")
        if not trial.reported.empty:
            sys.stdout.write(f"\nPublished statements ({len(trial.reported)}; "
                             f"'trialkit check' tests each):\n\n"
                             + frame_to_text(reported_for_display(trial)) + "\n")


def _cmd_effects(args: argparse.Namespace) -> None:
    import warnings

    from trialkit.analysis import between, within
    from trialkit.display import results_for_display

    trial = trial_of(args)
    outcome = outcome_id(trial, args.outcome)
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

        emit(pd.concat([w, b], ignore_index=True), "csv")
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
        emit(results_for_display(w, ["outcome", "arm", "timepoint", "measure"]), "table",
              header="Within arms: change from baseline")
    sys.stdout.write("\n")
    emit(results_for_display(b, ["outcome", "timepoint", "comparison", "measure"]), "table",
          header="Between arms: arm minus reference")


def _cmd_analyse(args: argparse.Namespace) -> None:
    from trialkit.display import frame_to_text, readable
    from trialkit.ipd import analyse

    trial = trial_of(args)
    outcome = outcome_id(trial, args.outcome) or trial.outcomes[0].id
    tables = analyse(trial, outcome)
    if args.format == "json":
        payload = {name: json.loads(t.to_json(orient="records")) for name, t in tables.items()}
        sys.stdout.write(json.dumps({"trial": trial.id, "outcome": outcome, **payload},
                                    indent=2, ensure_ascii=False) + "\n")
        return
    if args.format == "csv":
        import pandas as pd

        frames = [t.assign(table=name) for name, t in tables.items()]
        emit(pd.concat(frames, ignore_index=True), "csv")
        return
    sys.stdout.write(f"{trial.id}: {trial.title}\noutcome: {trial.outcome(outcome).label}\n")
    for name, table in tables.items():
        sys.stdout.write(f"\n{name}\n\n{frame_to_text(readable(table))}\n")


def _cmd_check(args: argparse.Namespace) -> int:
    from trialkit.checks import check
    from trialkit.display import frame_to_text, readable

    trial = trial_of(args)
    table = check(trial, r=args.r)
    inconsistent = int((table["verdict"] == "inconsistent").sum())
    if args.format == "json":
        sys.stdout.write(table.to_json(orient="records", indent=2, force_ascii=False) + "\n")
    elif args.format == "csv":
        emit(table, "csv")
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

    trial = trial_of(args)
    files = write_figures(trial, args.out, formats=args.format, style=args.style, r=args.r,
                          dpi=args.dpi, outcome=outcome_id(trial, args.outcome))
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
    add_trial_argument(p)
    p.add_argument("--format", choices=FORMATS, default="table")
    p.set_defaults(func=_cmd_show)

    p = sub.add_parser("effects", help="within- and between-arm effects with intervals")
    add_trial_argument(p)
    p.add_argument("--outcome", help="one outcome id (default: all)")
    p.add_argument("--r", type=correlation, default=None,
                   help="pre-post correlation for summary-only trials (default 0.5, stated)")
    p.add_argument("--format", choices=FORMATS, default="table")
    p.set_defaults(func=_cmd_effects)

    p = sub.add_parser("check", help="do the paper's numbers add up? GRIM, GRIMMER, bounds, "
                       "recomputed p values, published claims")
    add_trial_argument(p)
    p.add_argument("--r", type=correlation, default=None,
                   help="pre-post correlation for change-score checks (default: a range)")
    p.add_argument("--strict", action="store_true",
                   help="exit with status 1 when anything is inconsistent")
    p.add_argument("--format", choices=FORMATS, default="table")
    p.set_defaults(func=_cmd_check)

    p = sub.add_parser("analyse", help="patient-level models: ANCOVA, mixed model, "
                       "permutation, bootstrap, count models")
    add_trial_argument(p)
    p.add_argument("--outcome", help="outcome id (default: the first)")
    p.add_argument("--format", choices=FORMATS, default="table")
    p.set_defaults(func=_cmd_analyse)

    p = sub.add_parser("figures", help="write every figure that fits the trial's data")
    add_trial_argument(p)
    p.add_argument("--out", default="figures", help="output folder (default: figures)")
    p.add_argument("--format", type=_formats, default=["png"],
                   help="png, svg, pdf or a comma-separated list (default: png)")
    p.add_argument("--style", choices=("slide", "paper"), default="slide")
    p.add_argument("--r", type=correlation, default=None,
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
