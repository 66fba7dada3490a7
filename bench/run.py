"""Run every bench/bench_*.py and write bench/RESULTS.md.

Each benchmark module exposes ``run() -> list[dict]`` with keys name, trialkit_s, peer,
peer_s, ratio (peer_s / trialkit_s: higher is better for trialkit), target and note. Timing
goals live here, measured side by side with the peer in the same run, never in the tests.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import os
import platform
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _load(path: Path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


def _machine() -> str:
    """The machine by its description (CPU model, cores, architecture, OS), never a path or
    a host name."""
    model = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    cpu = f"{model}, " if model else ""
    return f"{cpu}{os.cpu_count()} CPU cores, {platform.machine()}, {platform.system()}"


def _fmt_s(value) -> str:
    if value is None:
        return ""
    if value < 0.01:  # two decimals of a millisecond, so that a ratio can be read off
        return f"{value * 1000:.2f} ms"
    return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"


def _row_line(r: dict) -> str:
    # two decimals below 10x: a ratio of 0.46 against a target of 0.5 must not print "0.5x"
    ratio = (f"{r['ratio']:.2f}x" if r["ratio"] < 10 else f"{r['ratio']:.1f}x"
             ) if r.get("ratio") else ""
    return (f"| {r['name']} | {_fmt_s(r.get('trialkit_s'))} | {r.get('peer', '')} | "
            f"{_fmt_s(r.get('peer_s'))} | {ratio} | {r.get('target', '')} | "
            f"{r.get('note', '')} |")


def _run_scripts(paths: list[Path]) -> list[dict]:
    rows = []
    for path in paths:
        print(f"running {path.name} ...", flush=True)
        for row in _load(path).run():
            row.setdefault("file", path.name)
            rows.append(row)
            print(f"  {row['name']}: trialkit {_fmt_s(row.get('trialkit_s'))}, "
                  f"{row.get('peer', '')} {_fmt_s(row.get('peer_s'))}", flush=True)
    return rows


def _rerun(names: list[str]) -> int:
    """Re-run some scripts and replace their rows (matched by benchmark name, in order) in
    the existing RESULTS.md, saying so under its header."""
    import numpy

    results = HERE / "RESULTS.md"
    lines = results.read_text(encoding="utf-8").splitlines()
    paths = [HERE / (n if n.endswith(".py") else f"{n}.py") for n in names]
    rows = _run_scripts(paths)
    used: set[int] = set()  # one benchmark name can have several rows, replaced in order
    for r in rows:
        hits = [i for i, line in enumerate(lines)
                if line.startswith(f"| {r['name']} |") and i not in used]
        if not hits:
            raise SystemExit(f"no row named {r['name']!r} in RESULTS.md: run make bench")
        lines[hits[0]] = _row_line(r)
        used.add(hits[0])
    note = (f"Rows of {', '.join(p.name for p in paths)} re-run on {dt.date.today().isoformat()} "
            f"(`python bench/run.py {' '.join(names)}`, numpy {numpy.__version__}, "
            f"{_machine()}), the others from the whole run above.")
    lines.insert(3, note)
    results.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"updated {results}")
    return 0


def main() -> int:
    import numpy
    import pandas
    import scipy

    if len(sys.argv) > 1:
        return _rerun(sys.argv[1:])
    rows = _run_scripts(sorted(HERE.glob("bench_*.py")))
    lines = [
        "# Benchmark results",
        "",
        f"Written by `make bench` (bench/run.py) on {dt.date.today().isoformat()}: "
        f"Python {platform.python_version()}, numpy {numpy.__version__}, "
        f"pandas {pandas.__version__}, scipy {scipy.__version__}; {_machine()}.",
        "Each row times trialkit and its peer in the same run on the same inputs; ratio is "
        "peer time / trialkit time.",
        "",
        "| benchmark | trialkit | peer | peer time | ratio | target | note |",
        "|---|---|---|---|---|---|---|",
    ]
    lines.extend(_row_line(r) for r in rows)
    (HERE / "RESULTS.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {HERE / 'RESULTS.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
