"""``trialkit screen TABLE``: screen a body of trials (wired by cli.py; orchestration only)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

__all__ = ["add_parser", "run"]


def _whole(minimum: int) -> Any:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = minimum - 1
        if value < minimum:
            raise argparse.ArgumentTypeError(f"expected a whole number >= {minimum}, got "
                                             f"{text!r}")
        return value

    return parse


def _alpha(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"expected a number between 0 and 1, got {text!r}")
    return value


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register the ``screen`` command on the CLI's subparsers."""
    from trialkit.cli_shared import FORMATS

    p = subparsers.add_parser(
        "screen", help="screen many trials at once: impossible numbers, baseline balance "
        "(Carlisle), and the across-trial techniques; most anomalous first")
    p.add_argument("table", help="a long table of summary rows (.csv, .tsv, .parquet, "
                   ".xlsx): trial, variable, arm, n, mean, sd ...; simdistr's and "
                   "reappraised's layouts are recognised")
    p.add_argument("--out", default=None, help="write every frame as CSV (and the figures, "
                   "where available) into this folder")
    p.add_argument("--format", choices=FORMATS, default="table")
    p.add_argument("--sims", type=_whole(1), default=1000,
                   help="simulations for the Monte Carlo techniques (default 1000)")
    p.add_argument("--seed", type=_whole(0), default=0, help="random seed (default 0)")
    p.add_argument("--alpha", type=_alpha, default=0.001,
                   help="flag a combined baseline p below this (default 0.001)")
    p.add_argument("--layout", choices=("auto", "long", "simdistr", "reappraised"),
                   default="auto", help="the table's layout (default: from its headers)")
    p.add_argument("--sheet", default=None, help="Excel sheet name (default: the first)")
    p.add_argument("--stream", action="store_true", help="read a CSV/Parquet file chunk by "
                   "chunk (bounded memory; a trial's rows must be together)")
    p.add_argument("--chunk-rows", type=_whole(1), default=50_000,
                   help="rows per chunk (default 50000)")
    p.set_defaults(func=run)
    return p


def run(args: argparse.Namespace) -> int:
    """Screen, then print the ranked trials (and write every frame with --out)."""
    from trialkit.cli_shared import emit
    from trialkit.screen import screen

    result = screen(args.table, sims=args.sims, seed=args.seed, alpha=args.alpha,
                    layout=args.layout, sheet=args.sheet, stream=args.stream,
                    chunk_rows=args.chunk_rows, progress=sys.stderr.isatty())
    if args.out:
        _write(result, Path(args.out))
    trials = result.trials
    if args.format != "table":
        emit(trials, args.format)
        return 0
    shown = trials[["trial", "n_variables", "p_combined", "n_inconsistent", "flags",
                    "reason"]].copy()
    shown["p_combined"] = shown["p_combined"].map(_fmt_p)
    header, _ = result._summary()
    emit(shown, "table", header=header)
    missing = [f"{name}: {why}" for name, why in result.notes.items()]
    if missing:
        sys.stdout.write("\n" + "\n".join(missing) + "\n")
    return 0


def _fmt_p(p: float) -> str:
    if p != p:  # NaN: no p to combine
        return ""
    return f"{p:.1e}" if p < 0.001 else f"{p:.3f}"


def _write(result: Any, out: Path) -> None:
    """Every frame as CSV; figures from trialkit.plots.screen (``plot_<technique>``)."""
    from trialkit.errors import TrialDataError

    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise TrialDataError(f"cannot create the folder: {exc.strerror}", field="--out",
                             file=str(out)) from None
    written = []
    for name, frame in result.frames().items():
        path = out / f"{name}.csv"
        frame.to_csv(path, index=False, lineterminator="\n")
        written.append(path.name)
    written += _figures(result, out)
    sys.stderr.write(f"trialkit: wrote {', '.join(written)} to {out}\n")


#: technique -> the trialkit.plots.screen function that draws its frame
FIGURES = {"pvalue_distribution": "pvalue_cdf", "matches": "match_bars",
           "cohort_matches": "observed_expected", "final_digits": "final_digit_bars",
           "categorical": "observed_expected", "group_sizes": "observed_expected"}
#: Axis labels of the observed-against-expected figures, by technique and measure.
AXES = {("cohort_matches", "mean"): ("cohorts whose mean another cohort shares", "variables"),
        ("cohort_matches", "sd"): ("cohorts whose SD another cohort shares", "variables"),
        ("cohort_matches", "both"): ("cohorts whose mean and SD another cohort shares",
                                     "variables"),
        ("categorical", "count"): ("patients in the category, per arm", "arms x variables"),
        ("categorical", "difference"): ("difference between the two arms' counts (patients)",
                                        "variables"),
        ("group_sizes", "difference"): ("difference between the arm sizes (participants)",
                                        "trials")}


def _figures(result: Any, out: Path) -> list[str]:
    """The technique figures (trialkit.plots.screen), where the technique ran."""
    try:
        from trialkit.plots import screen as plots
    except ImportError:
        return []
    import matplotlib
    import pandas as pd

    from trialkit.errors import NothingToDraw

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = []
    for name, frame in result.techniques.items():
        draw = getattr(plots, FIGURES.get(name, ""), None)
        if frame is None or draw is None or len(frame) == 0:
            continue
        extra = ((result.variables,) if name == "pvalue_distribution" and len(result.variables)
                 else ())
        key = next((c for c in ("measure", "statistic") if c in frame.columns), None)
        several = (FIGURES[name] == "observed_expected" and key is not None
                   and frame[key].nunique() > 1)
        for value in (pd.unique(frame[key]) if several else [None]):
            axes = AXES.get((name, value if several else _only(frame, key)))
            labels = {"xlabel": axes[0], "ylabel": axes[1]} if axes else {}
            try:
                drawn = (draw(frame, measure=value, **labels) if several
                         else draw(frame, *extra, **labels))
            except NothingToDraw:  # the plot's own refusal: e.g. no variable with a p value
                continue
            fig = drawn if hasattr(drawn, "savefig") else drawn.figure
            file = f"{name}_{value}.png" if several else f"{name}.png"
            fig.savefig(out / file, dpi=150, bbox_inches="tight")
            plt.close(fig)
            names.append(file)
    return names


def _only(frame: Any, key: str | None) -> str | None:
    """The one measure (or statistic) of a frame that holds one, else None."""
    if key is None or frame[key].nunique() != 1:
        return None
    return str(frame[key].iloc[0])
