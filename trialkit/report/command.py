"""``trialkit report TRIAL --html FILE --pptx FILE --tables DIR --pdf FILE`` (wired by cli.py).

Orchestration only: load the trial with the CLI's own helpers, :func:`trialkit.report.build`,
write the files asked for. ``--pdf`` prints the HTML with headless Chromium.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from trialkit.errors import TrialDataError

__all__ = ["BROWSERS", "add_parser", "print_pdf", "run"]

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "chrome")


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register the ``report`` command on the CLI's subparsers; returns its parser."""
    from trialkit.cli_shared import add_trial_argument, correlation

    p = subparsers.add_parser("report", help="an HTML report, a PowerPoint deck, tables and "
                              "a PDF for a trial")
    add_trial_argument(p)
    p.add_argument("--html", metavar="FILE", help="self-contained HTML report")
    p.add_argument("--pptx", metavar="FILE", help="16:9 deck with speaker notes")
    p.add_argument("--tables", metavar="DIR", help="result tables as CSV and Markdown")
    p.add_argument("--pdf", metavar="FILE", help="the HTML printed by headless Chromium")
    p.add_argument("--r", type=correlation, default=None,
                   help="pre-post correlation for summary-only trials (default 0.5, stated)")
    p.add_argument("--style", choices=("slide", "paper"), default="slide",
                   help="figure style (default slide)")
    p.add_argument("--date", default=None, help="date shown on the deck's title slide")
    p.set_defaults(func=run)
    return p


def find_browser() -> str | None:
    """The first Chromium-family executable on PATH, or None."""
    return next((path for name in BROWSERS if (path := shutil.which(name))), None)


def print_pdf(html: Path, pdf: Path) -> Path:
    """Print an HTML file to PDF with headless Chromium (no network, fresh profile)."""
    browser = find_browser()
    if browser is None:
        raise TrialDataError("--pdf needs headless Chromium, which is not installed (none of "
                             f"{', '.join(BROWSERS)} on PATH); install it, e.g. 'apt-get "
                             "install chromium'", field="pdf")
    pdf.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="trialkit-chromium-") as profile:
        cmd = [browser, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
               "--disable-background-networking", "--disable-component-update",
               "--disable-sync", f"--user-data-dir={profile}", "--no-pdf-header-footer",
               f"--print-to-pdf={pdf.resolve()}", html.resolve().as_uri()]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    if done.returncode != 0 or not pdf.exists():
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise TrialDataError(f"Chromium could not print the PDF: {last}", file=str(html))
    return pdf


def run(args: argparse.Namespace) -> int:
    """Build the report and write what was asked; 0 on success (errors raise TrialDataError)."""
    from trialkit.cli_shared import TABLE_SUFFIXES, trial_of
    from trialkit.report import build

    if not any((args.html, args.pptx, args.tables, args.pdf)):
        raise TrialDataError("report: nothing to write; give --html, --pptx, --tables or "
                             "--pdf", field="report")
    if args.pdf and find_browser() is None:
        print_pdf(Path("-"), Path(args.pdf))  # raises the one-line error before any work
    trial = trial_of(args)
    ref = Path(args.trial)
    extra = [ref] if ref.suffix.lower() in TABLE_SUFFIXES and ref.is_file() else []
    words = ["trialkit report", Path(args.trial).name if extra else args.trial]
    if args.r is not None:
        words += ["--r", f"{args.r:g}"]
    if args.style != "slide":
        words += ["--style", args.style]
    rep = build(trial, r=args.r, style=args.style, figures=bool(args.html or args.pptx
                                                                or args.pdf),
                data_files=extra, command=" ".join(words), parallel=True,
                png_now=bool(args.pptx))
    written: list[Path] = []
    if args.html:
        written.append(rep.save_html(args.html))
    if args.pptx:
        written.append(rep.save_pptx(args.pptx, date=args.date))
    if args.tables:
        written += rep.save_tables(args.tables)
    if args.pdf:
        with tempfile.TemporaryDirectory(prefix="trialkit-report-") as tmp:
            html = Path(args.html) if args.html else rep.save_html(Path(tmp) / "report.html")
            written.append(print_pdf(html, Path(args.pdf)))
    for path in written:
        sys.stdout.write(f"{path}\n")
    return 0
