"""Benchmark: screening a body of trials with ``trialkit.screen.screen`` against the R
packages ``simdistr`` and ``reappraised``, and its throughput in chunks and on Dask.

1. End to end on one core: the seeded Carlisle-shaped corpus of bench/carlisle_corpus.py
   (5,000 trials, about 30 variables each), read from its long table, screened with
   ``screen(table, sims=SIMS, seed=...)``. The peers are timed, in R, on the first few
   trials of the same corpus in their own layouts and scaled linearly to 5,000 trials (the
   note says how many); only the call is timed (``system.time`` inside R), not R's start
   nor loading the package.
2. Throughput (rows per second): the corpus (DASK_TRIALS trials) written to CSV and
   screened chunk by chunk in one process (``stream=True``), and as a Dask DataFrame on a
   local ``dask.distributed`` cluster of 1 and 2 worker processes (one thread each).

The peers are found through ``TRIALKIT_R_LIB`` (the R library they were installed into;
bench/README.md says how) or R's default library; a peer that is not installed, or a
trialkit.screen that cannot be imported yet, gives a row saying so.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
N_TRIALS = 5_000
SIMS = 1_000
SEED = 20171017
SIMDISTR_TRIALS = 5  # simdistr simulates every participant: ~6 s a trial at 1,000 sims
REAPPRAISED_TRIALS = 20
DASK_TRIALS = 5_000  # a run has a fixed cost of seconds on Dask: the whole corpus dwarfs it


def _corpus():
    spec = importlib.util.spec_from_file_location("carlisle_corpus", HERE / "carlisle_corpus.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    sys.modules.setdefault("carlisle_corpus", module)
    spec.loader.exec_module(module)
    return module


# --------------------------------------------------------------------------------------
# R peers
# --------------------------------------------------------------------------------------

def _r_env() -> dict[str, str]:
    env = dict(os.environ)
    lib = os.environ.get("TRIALKIT_R_LIB")
    if lib:
        env["R_LIBS"] = lib + (os.pathsep + env["R_LIBS"] if env.get("R_LIBS") else "")
    return env


def r_peer_missing(package: str) -> str | None:
    """None when R and ``package`` are installed, else why not (for the row's note)."""
    if shutil.which("Rscript") is None:
        return "peer not installed: Rscript not found (R is installable from Debian)"
    probe = subprocess.run(
        ["Rscript", "-e", f"quit(status = if (requireNamespace('{package}', quietly = TRUE)) "
                          "0 else 1)"], env=_r_env(), capture_output=True, text=True, timeout=120)
    if probe.returncode != 0:
        where = "TRIALKIT_R_LIB" if os.environ.get("TRIALKIT_R_LIB") else "R's libraries"
        return (f"peer not installed: R package {package} not found in {where} (set "
                "TRIALKIT_R_LIB to the library it was installed into; see bench/README.md)")
    return None


def _run_r(script: str) -> dict[str, str]:
    """Run an R script; return its ``key=value`` output lines."""
    with tempfile.NamedTemporaryFile("w", suffix=".R", delete=False) as fh:
        fh.write(script)
    try:
        done = subprocess.run(["Rscript", fh.name], env=_r_env(), capture_output=True,
                              text=True, timeout=3600)
    finally:
        os.unlink(fh.name)
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip().splitlines()[-1] if done.stderr else "R failed")
    return dict(line.split("=", 1) for line in done.stdout.splitlines() if "=" in line)


_SIMDISTR = """
suppressMessages(library(simdistr))
d <- read.csv("{csv}", stringsAsFactors = FALSE)
set.seed({seed})
sink(tempfile())
t <- system.time(r <- sim_distr({sims}, d, FALSE))
sink()
cat("seconds=", t[["elapsed"]], "\\n", sep = "")
"""

_REAPPRAISED = """
suppressMessages(library(reappraised))
cont <- read.csv("{csv}", stringsAsFactors = FALSE)
an <- load_clean(import = "no", file.cont = "cont", anova = "yes", format.cont = "wide",
                 verbose = FALSE)$anova_data
pv <- load_clean(import = "no", file.cont = "cont", pval_cont = "yes", format.cont = "wide",
                 verbose = FALSE)$pval_cont_data
t1 <- system.time(a <- anova_fn(an, seed = {seed}, sims = {sims}, verbose = FALSE))
t2 <- system.time(p <- pval_cont_fn(pv, verbose = FALSE))
cat("anova_seconds=", t1[["elapsed"]], "\\n", sep = "")
cat("pval_seconds=", t2[["elapsed"]], "\\n", sep = "")
cat("variables=", nrow(an), "\\n", sep = "")
"""


def time_simdistr(cc, corpus, trials: int = SIMDISTR_TRIALS) -> tuple[float | None, str]:
    """simdistr's sim_distr on the first ``trials`` trials: (seconds, note)."""
    missing = r_peer_missing("simdistr")
    if missing:
        return None, missing
    with tempfile.TemporaryDirectory() as tmp:
        csv = Path(tmp) / "simdistr.csv"
        cc.simdistr_frame(corpus, trials).to_csv(csv, index=False, na_rep="NA")
        out = _run_r(_SIMDISTR.format(csv=csv.as_posix(), seed=SEED, sims=SIMS))
    return float(out["seconds"]), (f"simdistr 1.0.1 sim_distr({SIMS} sims) timed on the "
                                   f"first {trials} trials (best of 1) and scaled x"
                                   f"{N_TRIALS // trials}")


def time_reappraised(cc, corpus, trials: int = REAPPRAISED_TRIALS) -> tuple[float | None, str]:
    """reappraised's anova_fn (Carlisle's Monte Carlo ANOVA) + pval_cont_fn: (seconds, note)."""
    missing = r_peer_missing("reappraised")
    if missing:
        return None, missing
    with tempfile.TemporaryDirectory() as tmp:
        csv = Path(tmp) / "reappraised.csv"
        cc.reappraised_wide(corpus, trials).to_csv(csv, index=False, na_rep="NA")
        out = _run_r(_REAPPRAISED.format(csv=csv.as_posix(), seed=SEED, sims=SIMS))
    seconds = float(out["anova_seconds"]) + float(out["pval_seconds"])
    return seconds, (f"reappraised 0.1.1 anova_fn(sims = {SIMS}) + pval_cont_fn, defaults "
                     f"otherwise (500 bootstrap AUC intervals each), continuous variables "
                     f"only ({out['variables']} in the first {trials} trials: anova "
                     f"{float(out['anova_seconds']):.1f} s, p values "
                     f"{float(out['pval_seconds']):.1f} s), timed once and scaled x"
                     f"{N_TRIALS // trials}")


# --------------------------------------------------------------------------------------
# trialkit
# --------------------------------------------------------------------------------------

def _no_paths(text: str) -> str:
    """A message without local paths (RESULTS.md names no paths)."""
    return re.sub(r"(?:[A-Za-z]:)?(?:[/\\][^\s:'\"()]+)+", "<path>", text)


def _screen():
    try:
        from trialkit.screen import screen
    except ImportError as exc:
        return None, f"trialkit.screen not available ({_no_paths(str(exc))})"
    return screen, ""


def _peer(timer, cc, corpus) -> tuple[float | None, str]:
    try:
        return timer(cc, corpus)
    except (RuntimeError, OSError, subprocess.SubprocessError, KeyError, ValueError) as exc:
        return None, f"peer failed: {type(exc).__name__}: {_no_paths(str(exc))}"


def _row(name: str, t: float | None, peer: str, peer_s: float | None, target: str,
         note: str) -> dict:
    return {"name": name, "trialkit_s": t, "peer": peer, "peer_s": peer_s,
            "ratio": peer_s / t if (t and peer_s) else None, "target": target, "note": note}


def _dask_rate(screen, csv: Path, rows: int, workers: int) -> tuple[float | None, str]:
    try:
        import dask.dataframe as dd
        from dask.distributed import Client, LocalCluster
    except ImportError as exc:
        return None, f"dask[distributed] not installed ({exc})"
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster, Client(cluster):
        import pandas as pd

        warm = pd.read_csv(csv, dtype=str, keep_default_na=False, nrows=2_000)
        screen(dd.from_pandas(warm, npartitions=workers), sims=SIMS, seed=SEED)  # imports
        t0 = time.perf_counter()  # then the same small run again: the fixed cost of a run
        screen(dd.from_pandas(warm, npartitions=workers), sims=SIMS, seed=SEED)
        warm_s = time.perf_counter() - t0
        table = dd.read_csv(csv, dtype=str, keep_default_na=False, blocksize=None)
        table = table.repartition(npartitions=max(2, 4 * workers))
        t0 = time.perf_counter()
        screen(table, sims=SIMS, seed=SEED)
        seconds = time.perf_counter() - t0
    return seconds, (f"{rows / seconds:,.0f} rows/s; local dask.distributed cluster of "
                     f"{workers} worker process{'es' if workers > 1 else ''} (1 thread "
                     f"each) on {rows:,} rows ({DASK_TRIALS:,} trials) from CSV, "
                     f"{max(2, 4 * workers)} partitions; best of 1 after a warm-up run "
                     f"(imports on the workers); the fixed cost of a run, measured on 2,000 "
                     f"rows after the warm-up, {warm_s:.1f} s")


def run() -> list[dict]:
    """Time screening end to end, the peers and the throughput; one dict per comparison."""
    cc = _corpus()
    corpus = cc.make_corpus(N_TRIALS, seed=SEED)
    table = cc.long_table(corpus)
    rows_total = len(table)
    name = (f"screen(): {N_TRIALS:,} Carlisle-shaped trials ({rows_total:,} rows, ~30 "
            f"variables, {SIMS:,} sims), one core")
    screen, why = _screen()
    ours = None
    if screen is not None:
        screen(table[table["trial"].isin(table["trial"].unique()[:20])], sims=SIMS, seed=SEED)
        t0 = time.perf_counter()
        screen(table, sims=SIMS, seed=SEED)
        ours = time.perf_counter() - t0
    base = (f"seeded corpus (bench/carlisle_corpus.py, seed {SEED}); trialkit: best of 1 "
            f"after a 20-trial warm-up, {rows_total / ours:,.0f} rows/s" if ours else why)
    out = []
    sim_s, sim_note = _peer(time_simdistr, cc, corpus)
    scaled = sim_s * N_TRIALS / SIMDISTR_TRIALS if sim_s else None
    out.append(_row(name, ours, "simdistr 1.0.1 (R)", scaled, "ratio recorded",
                    f"{sim_note}; {base}"))
    re_s, re_note = _peer(time_reappraised, cc, corpus)
    scaled = re_s * N_TRIALS / REAPPRAISED_TRIALS if re_s else None
    out.append(_row(name, ours, "reappraised 0.1.1 (R)", scaled, "ratio recorded",
                    f"{re_note}; {base}"))
    out.extend(_throughput(cc, screen, why))
    return out


def _throughput(cc, screen, why: str) -> list[dict]:
    table = cc.long_table(cc.make_corpus(DASK_TRIALS, seed=SEED))
    rows = len(table)
    label = f"{DASK_TRIALS:,} trials, {rows:,} rows from CSV"
    if screen is None:
        return [_row(f"screen() throughput, {what}: {label}", None, "", None,
                     "rows/s recorded", why)
                for what in ("chunked, one process", "Dask, 1 worker", "Dask, 2 workers")]
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        csv = Path(tmp) / "corpus.csv"
        table.to_csv(csv, index=False)
        t0 = time.perf_counter()
        screen(csv, sims=SIMS, seed=SEED, stream=True, chunk_rows=20_000)
        seconds = time.perf_counter() - t0
        out.append(_row(f"screen() throughput, chunked, one process: {label}", seconds, "",
                        None, "rows/s recorded", f"{rows / seconds:,.0f} rows/s; "
                        "stream=True, chunks of 20,000 rows (whole trials), best of 1"))
        for workers in (1, 2):
            try:
                seconds, note = _dask_rate(screen, csv, rows, workers)
            except Exception as exc:  # a bench row says what went wrong
                seconds, note = None, (f"Dask run failed: {type(exc).__name__}: "
                                       f"{_no_paths(str(exc))}")
            out.append(_row(f"screen() throughput, Dask, {workers} worker"
                            f"{'s' if workers > 1 else ''}: {label}", seconds, "", None,
                            "rows/s recorded", note))
    return out


def main() -> None:
    for row in run():
        t = f"{row['trialkit_s']:.2f} s" if row.get("trialkit_s") else "n/a"
        p = f"{row['peer_s']:.1f} s" if row.get("peer_s") else "n/a"
        ratio = f"{row['ratio']:.1f}x" if row.get("ratio") else "n/a"
        print(f"{row['name']}\n  trialkit {t} | {row['peer'] or '-'} {p} | ratio {ratio}\n"
              f"  {row['note']}", flush=True)


if __name__ == "__main__":
    main()
