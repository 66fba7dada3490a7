"""The ``trialkit`` command: load, call the library, print or write. It computes nothing."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from trialkit.errors import TrialDataError

if TYPE_CHECKING:
    import pandas as pd

    from trialkit.trial import Trial

FORMATS = ("table", "csv", "json")


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error on one line (exit 2)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"trialkit: error: {message} (see 'trialkit --help')\n")


def _trial(ref: str) -> Trial:
    """A bundled trial by id, or a trial folder by path."""
    from trialkit.bundled import load
    from trialkit.io import read_trial

    path = Path(ref)
    if path.exists() or "/" in ref or "\\" in ref:
        return read_trial(path)
    return load(ref)


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
        frame = frame[["id", "design", "n", "level", "arms", "illustrative", "title"]]
    _emit(frame, args.format)


def _cmd_show(args: argparse.Namespace) -> None:
    from trialkit.display import meta_record, summary_for_display

    trial = _trial(args.trial)
    if args.format == "json":
        payload: dict[str, Any] = meta_record(trial)
        payload["summary"] = json.loads(trial.summary.to_json(orient="records"))
        sys.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
    elif args.format == "csv":
        _emit(trial.summary, "csv")
    else:
        _emit(summary_for_display(trial), "table", header=trial.describe())


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
    p.add_argument("trial", help="bundled trial id (see 'trialkit list') or a trial folder")
    p.add_argument("--format", choices=FORMATS, default="table")
    p.set_defaults(func=_cmd_show)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 ok, 2 bad input)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        args.func(args)
    except TrialDataError as exc:
        message = " ".join(str(exc).split())
        sys.stderr.write(f"trialkit: error: {message}\n")
        return 2
    except BrokenPipeError:  # e.g. `trialkit show x | head`
        return 0
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
