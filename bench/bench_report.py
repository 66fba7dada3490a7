"""Wall time of the whole ``trialkit report`` command from a cold process (goal: < 10 s).

Two inputs: the bundled flagship (mejuto2014) and a table typed in from a paper
(tests/report/data/typed_table.csv). Each run starts a fresh Python process (imports,
loading, analysis, drawing every figure once, writing HTML, PPTX and tables), so the time is
what a user waits for. Prints one line per input (best and median of ``--repeat`` runs).

    python bench/bench_report.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Until cli.py wires the command in, the same parser is assembled from trialkit.report.command.
SHIM = """
import sys
from trialkit import cli
argv = sys.argv[1:]
if 'report' in cli.build_parser()._subparsers._group_actions[0].choices:
    sys.exit(cli.main(argv))
from trialkit.report import command
parser = cli._Parser(prog='trialkit')
sub = parser.add_subparsers(dest='command', required=True, parser_class=cli._Parser)
command.add_parser(sub)
sys.exit(command.run(parser.parse_args(argv)))
"""


def once(trial: str, out: Path) -> float:
    cmd = [sys.executable, "-c", SHIM, "report", trial, "--html", str(out / "r.html"),
           "--pptx", str(out / "r.pptx"), "--tables", str(out / "t")]
    start = time.perf_counter()
    subprocess.run(cmd, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    inputs = {"mejuto2014 (bundled, 10 outcomes, 8 figures)": "mejuto2014",
              "typed-in table (2 outcomes)": str(ROOT / "tests/report/data/typed_table.csv")}
    print(f"trialkit report, whole command from a cold process, {args.repeat} runs each "
          f"(goal < 10 s)")
    for label, trial in inputs.items():
        with tempfile.TemporaryDirectory() as tmp:
            times = [once(trial, Path(tmp)) for _ in range(args.repeat)]
        print(f"  {label}: best {min(times):.1f} s, median {statistics.median(times):.1f} s")


if __name__ == "__main__":
    main()
