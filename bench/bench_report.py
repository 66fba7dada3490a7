"""Wall time of the whole ``trialkit report`` command from a cold process (goal: < 10 s).

Two inputs: the bundled flagship (mejuto2014) and a table typed in from a paper
(tests/report/data/typed_table.csv). Each run starts a fresh Python process and runs
``trialkit report TRIAL --html r.html --pptx r.pptx --tables t/`` (imports, loading,
analysis, checks, reanalysis, drawing every figure once, writing HTML, PPTX and tables), so
the time is what a user waits for. Reported: the best and the median wall time of
``--repeat`` runs, the median CPU time of the process and its children (user + system; the
command computes the checks and the reanalysis in a forked second process while it draws),
and the machine's 1-minute load average before the runs: on a shared machine wall time
grows with the load, CPU time much less.

    python bench/bench_report.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The command as the console script runs it (cli.py wires ``report`` in).
SHIM = "import sys\nfrom trialkit import cli\nsys.exit(cli.main(sys.argv[1:]))\n"
INPUTS = {"mejuto2014 (bundled, 10 outcomes, 11 figures)": "mejuto2014",
          "typed-in table (2 outcomes)": str(ROOT / "tests/report/data/typed_table.csv")}
GOAL_S = 10.0


def once(trial: str, out: Path) -> tuple[float, float]:
    """(wall, cpu) seconds of one cold-process run of the command."""
    cmd = [sys.executable, "-c", SHIM, "report", trial, "--html", str(out / "r.html"),
           "--pptx", str(out / "r.pptx"), "--tables", str(out / "t")]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, check=True, cwd=ROOT, stdout=subprocess.DEVNULL, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def measure(repeat: int = 3) -> list[dict]:
    """One row per input: best and median wall time, median CPU time, load average."""
    rows = []
    for label, trial in INPUTS.items():
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        with tempfile.TemporaryDirectory() as tmp:
            runs = [once(trial, Path(tmp)) for _ in range(repeat)]
        walls, cpus = [w for w, _ in runs], [c for _, c in runs]
        best, median = min(walls), statistics.median(walls)
        verdict = "met" if best < GOAL_S else "NOT met"
        rows.append({
            "name": f"trialkit report {label}: --html --pptx --tables, cold process",
            "trialkit_s": best, "peer": "none (no peer makes this report)", "peer_s": None,
            "ratio": None, "target": "< 10 s",
            "note": (f"goal {verdict} (best of {repeat}); median wall {median:.1f} s, median "
                     f"CPU {statistics.median(cpus):.1f} s (process + forked child), "
                     f"1-min load average {load:.1f} on {os.cpu_count()} cores before the "
                     "runs: a shared machine's load inflates wall time")})
    return rows


def run() -> list[dict]:
    """The rows for bench/run.py (``make bench``)."""
    return measure(repeat=3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"trialkit report, whole command from a cold process, {args.repeat} runs each "
          f"(goal < {GOAL_S:g} s)")
    for row in measure(args.repeat):
        print(f"  {row['name']}: best {row['trialkit_s']:.1f} s; {row['note']}")


if __name__ == "__main__":
    main()
