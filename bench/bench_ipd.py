"""Benchmark: patient-level resampling in trialkit.ipd against the obvious alternatives.

1. Exact permutation test over all C(17, 9) = 24,310 re-randomizations of a 17-patient trial
   split 9/8 (``trialkit.ipd.permutation_test``: vectorized enumeration) against a Python loop
   over ``itertools.combinations`` computing the same statistic split by split. Both must give
   the same p value.
2. A 10,000-resample BCa bootstrap of the difference in means (``trialkit.ipd.bootstrap``:
   scipy.stats.bootstrap, stratified by arm) against DABEST's bootstrap at equal resamples:
   the steps ``dabest``'s ``TwoGroupsEffectSize`` runs for its BCa interval (jackknife,
   acceleration, ``compute_bootstrapped_diff``, bias correction, ``compute_interval_limits``),
   without the permutation and classical tests it runs afterwards. DABEST pins old versions of
   numpy, pandas and scipy, so it may live in another environment: set
   ``TRIALKIT_DABEST_PYTHON`` to that environment's python and it is timed there, in a
   subprocess (only the computation is timed, after numba's compilation). Without DABEST the
   peer is a plain numpy loop computing the same BCa interval, and ``note`` says so.

Run ``python bench/bench_ipd.py`` to print the rows; ``run()`` returns them for bench/run.py.
"""

from __future__ import annotations

import importlib.util
import itertools
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PRE_9 = [5, 5, 6, 6, 6, 7, 7, 8, 8]
POST_9 = [2, 3, 4, 4, 4, 5, 5, 6, 6]
PRE_8 = [5, 5, 6, 6, 6, 7, 8, 8]
POST_8 = [5, 5, 6, 6, 6, 7, 7, 8]
RESAMPLES = 10_000
REPEATS = 5
TARGET = "< 1 s"

TOML = """id = "bench17"
title = "Benchmark trial: 17 patients split 9/8"
citation = "Synthetic whole-number pain scores written for the benchmark."
design = "parallel"
reference_arm = "ctl"

[data]
level = "ipd"
source = "illustrative benchmark data"

[[arms]]
id = "trt"
label = "Treatment"
n = 9

[[arms]]
id = "ctl"
label = "Control"
n = 8

[[timepoints]]
id = "pre"
label = "Baseline"
order = 0
baseline = true

[[timepoints]]
id = "post"
label = "Follow-up"
order = 1

[[outcomes]]
id = "pain"
label = "Pain"
unit = "points"
direction = "lower_is_better"
lower = 0
upper = 10
integer = true
"""


def _trial():
    import trialkit

    folder = Path(tempfile.mkdtemp(prefix="trialkit-bench-")) / "bench17"
    folder.mkdir()
    (folder / "trial.toml").write_text(TOML, encoding="utf-8")
    rows = ["patient,arm,timepoint,outcome,value"]
    pid = 0
    for arm, pre, post in (("trt", PRE_9, POST_9), ("ctl", PRE_8, POST_8)):
        for a, b in zip(pre, post, strict=True):
            pid += 1
            rows += [f"{pid},{arm},pre,pain,{a}", f"{pid},{arm},post,pain,{b}"]
    (folder / "ipd.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return trialkit.read_trial(folder)


def _best(fn, repeats: int = REPEATS) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


# -- 1. exact permutation ---------------------------------------------------------------------

def _loop_permutation() -> tuple[float, int]:
    """The peer: one split at a time, itertools.combinations and numpy means."""
    post = np.array(POST_9 + POST_8, dtype=float)
    n = len(post)
    observed = post[:9].mean() - post[9:].mean()
    tol = 1e-9 * max(1.0, abs(observed))
    extreme = total = 0
    for group in itertools.combinations(range(n), 9):
        mask = np.zeros(n, dtype=bool)
        mask[list(group)] = True
        if abs(post[mask].mean() - post[~mask].mean()) >= abs(observed) - tol:
            extreme += 1
        total += 1
    return extreme / total, total


def bench_permutation(trial) -> dict:
    from trialkit.ipd import permutation_test

    permutation_test(trial, "pain", "post")  # warm-up (imports)
    tk_s, res = _best(lambda: permutation_test(trial, "pain", "post", "mean_difference"))
    row = res.iloc[0]
    peer_s, (p_loop, total) = _best(_loop_permutation, repeats=2)
    same = abs(p_loop - row["p"]) < 1e-12 and total == row["n_arrangements"]
    return {"name": "exact permutation test, all 24,310 splits (17 patients, 9/8)",
            "trialkit_s": tk_s, "peer": "Python loop over itertools.combinations",
            "peer_s": peer_s, "ratio": peer_s / tk_s, "target": TARGET,
            "note": (f"p = {row['p']:.6f} ({row['n_extreme']}/{row['n_arrangements']}); "
                     f"{'same p from both' if same else 'P VALUES DIFFER'}; trialkit time "
                     f"includes shaping the trial's data")}


# -- 2. BCa bootstrap -------------------------------------------------------------------------

_DABEST_SCRIPT = r"""
import json, sys, time
import numpy as np
from dabest._stats_tools import confint_2group_diff as ci2g
from dabest._stats_tools import effsize as es
data = json.loads(sys.stdin.read())
control, test = np.array(data["control"]), np.array(data["test"])
resamples, repeats = data["resamples"], data["repeats"]

def bca():
    alpha = ci2g._compute_alpha_from_ci(95)
    diff = es.two_group_difference(control, test, None, "mean_diff")
    jack = ci2g.compute_meandiff_jackknife(control, test, None, "mean_diff")
    accel = ci2g._calc_accel(jack)
    boots = ci2g.compute_bootstrapped_diff(control, test, None, "mean_diff", resamples, 12345)
    srt = np.sort(boots)
    bias = ci2g.compute_meandiff_bias_correction(boots, diff)
    lo, hi = ci2g.compute_interval_limits(bias, accel, resamples, 95)
    return float(srt[lo]), float(srt[hi])

bca()  # warm-up: numba compilation
times = []
for _ in range(repeats):
    t0 = time.perf_counter(); ci = bca(); times.append(time.perf_counter() - t0)
import dabest, platform
print(json.dumps({"seconds": min(times), "ci": ci, "version": dabest.__version__,
                  "env": f"Python {platform.python_version()}, numpy {np.__version__}"}))
"""


def _dabest_python() -> str | None:
    env = os.environ.get("TRIALKIT_DABEST_PYTHON")
    if env:
        return env
    try:
        if importlib.util.find_spec("dabest") is not None:
            return sys.executable
    except (ImportError, ValueError):
        pass
    return None


def _which(python: str) -> str:
    """The DABEST python named without its path (RESULTS.md never shows local paths)."""
    if python == sys.executable:
        return "this Python"
    return "the Python of TRIALKIT_DABEST_PYTHON"


def _time_dabest(python: str) -> tuple[float, tuple[float, float], str, str] | str:
    payload = json.dumps({"control": POST_8, "test": POST_9, "resamples": RESAMPLES,
                          "repeats": REPEATS})
    try:
        proc = subprocess.run([python, "-c", _DABEST_SCRIPT], input=payload,
                              capture_output=True, text=True, timeout=600, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"DABEST could not be run with {_which(python)}: {exc}"
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        return f"DABEST could not be run with {_which(python)}: {last}"
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    return out["seconds"], tuple(out["ci"]), out["version"], out.get("env", "")


def _loop_bca() -> tuple[float, float]:
    """Fallback peer: a numpy loop over resamples, then the BCa interval (Efron 1987)."""
    from scipy import stats

    x, y = np.array(POST_9, float), np.array(POST_8, float)
    rng = np.random.default_rng(0)
    boots = np.empty(RESAMPLES)
    for i in range(RESAMPLES):
        boots[i] = rng.choice(x, x.size).mean() - rng.choice(y, y.size).mean()
    est = x.mean() - y.mean()
    z0 = stats.norm.ppf((boots < est).mean())
    jack = np.concatenate([[np.delete(x, i).mean() - y.mean() for i in range(x.size)],
                           [x.mean() - np.delete(y, j).mean() for j in range(y.size)]])
    d = jack.mean() - jack
    a = (d**3).sum() / (6 * ((d**2).sum()) ** 1.5)
    z = stats.norm.ppf([0.025, 0.975])
    q = stats.norm.cdf(z0 + (z0 + z) / (1 - a * (z0 + z)))
    lo, hi = np.quantile(boots, q)
    return float(lo), float(hi)


def bench_bootstrap(trial) -> dict:
    from trialkit.ipd import bootstrap

    bootstrap(trial, "pain", "post", n_resamples=100)  # warm-up
    tk_s, res = _best(lambda: bootstrap(trial, "pain", "post", "mean_difference",
                                        n_resamples=RESAMPLES, seed=0))
    row = res.iloc[0]
    ours = f"trialkit BCa [{row['ci_low']:.3f}, {row['ci_high']:.3f}] ({row['ci_method']})"
    python = _dabest_python()
    timed = _time_dabest(python) if python else "DABEST not installed"
    if isinstance(timed, tuple):
        peer_s, (lo, hi), version, env = timed
        peer = f"DABEST {version} bootstrap + BCa (numba)"
        where = ("in this environment" if python == sys.executable else
                 f"in its own environment ({env}; DABEST pins older numpy)")
        note = (f"{ours}; DABEST [{lo:.3f}, {hi:.3f}] (its own seed 12345); DABEST timed "
                f"{where} after numba compilation, without its permutation/classical tests")
    else:
        peer_s, (lo, hi) = _best(_loop_bca, repeats=2)
        peer = "numpy loop over resamples + BCa"
        note = (f"{timed}: set TRIALKIT_DABEST_PYTHON to a python with dabest installed to "
                f"compare with DABEST; {ours}; loop BCa [{lo:.3f}, {hi:.3f}]")
    return {"name": f"BCa bootstrap, {RESAMPLES:,} resamples, mean difference (9 vs 8)",
            "trialkit_s": tk_s, "peer": peer, "peer_s": peer_s, "ratio": peer_s / tk_s,
            "target": TARGET, "note": note}


def run() -> list[dict]:
    """Time trialkit's exact permutation and BCa bootstrap against their peers."""
    trial = _trial()
    return [bench_permutation(trial), bench_bootstrap(trial)]


if __name__ == "__main__":
    for r in run():
        print(f"{r['name']}\n  trialkit {r['trialkit_s'] * 1000:.1f} ms | {r['peer']} "
              f"{r['peer_s'] * 1000:.1f} ms | ratio {r['ratio']:.1f}x | target {r['target']}"
              f"\n  {r['note']}")
