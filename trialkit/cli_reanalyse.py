"""``trialkit reanalyse TRIAL``: how sure can a reader be? (wired by cli.py; orchestration only)."""

from __future__ import annotations

import argparse
import sys

__all__ = ["add_parser", "run"]


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register the ``reanalyse`` command on the CLI's subparsers."""
    from trialkit.cli_shared import FORMATS, add_trial_argument, correlation

    p = subparsers.add_parser("reanalyse", help="Bayesian reanalysis against the MCID, power "
                              "and exaggeration at the MCID")
    add_trial_argument(p)
    p.add_argument("--prior", default="skeptical,neutral,enthusiastic,flat",
                   help="named priors, comma-separated (skeptical, neutral, enthusiastic, "
                   "flat); the sentences use the first")
    p.add_argument("--mcid", type=float, default=None,
                   help="MCID for every outcome (default: each outcome's, from trial.toml)")
    p.add_argument("--r", type=correlation, default=None,
                   help="pre-post correlation for summary-only trials (default 0.5, stated)")
    p.add_argument("--outcome", default=None, help="one outcome id (default: all)")
    p.add_argument("--format", choices=FORMATS, default="table")
    p.set_defaults(func=run)
    return p


def run(args: argparse.Namespace) -> int:
    """Reanalyse, print one sentence per outcome and follow-up, then the table."""
    from trialkit.cli_shared import emit, trial_of
    from trialkit.errors import TrialDataError
    from trialkit.reanalysis import reanalyse, sentences

    priors = [p.strip() for p in args.prior.split(",") if p.strip()]
    if not priors:
        raise TrialDataError("give at least one prior", field="--prior")
    if args.mcid is not None and not (args.mcid > 0 and args.mcid < float("inf")):
        raise TrialDataError(f"the MCID must be a positive number, got {args.mcid}",
                             field="--mcid")
    trial = trial_of(args)
    frame = reanalyse(trial, r=args.r, priors=priors, mcid=args.mcid, outcome=args.outcome)
    if args.format == "json":
        sys.stdout.write(frame.to_json(orient="records", indent=2, force_ascii=False) + "\n")
        return 0
    if args.format == "csv":
        emit(frame, "csv")
        return 0
    lines = sentences(frame, trial, prior=priors[0])
    sys.stdout.write("\n".join(lines) + "\n\n")
    cols = [c for c in ("outcome", "timepoint", "comparison", "prior", "likelihood", "effect",
                        "estimate", "ci_low", "ci_high", "p_benefit", "p_mcid", "power_mcid",
                        "type_m_mcid", "mcid") if c in frame.columns]
    emit(frame[cols].round(3), "table")
    return 0
