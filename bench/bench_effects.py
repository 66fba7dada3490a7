"""Benchmark: vectorized ``trialkit.effects.smd(..., ci="nct")`` on 100,000 rows of summary
statistics against a row-by-row Python loop computing the same Hedges' g with its
noncentral-t interval one row at a time.

The loop is timed on a subset (2,000 rows) and scaled linearly to 100,000 rows; the rows say
so in ``note``. Run ``python bench/bench_effects.py`` to print the rows; ``run()`` returns them
for the script that aggregates benchmark results.
"""

from __future__ import annotations

import math
import time
import warnings

import numpy as np
from scipy import optimize, special, stats

N_ROWS = 100_000
LOOP_ROWS = 2_000
SEED = 20240611
LEVEL = 0.95


def _data(n: int, seed: int = SEED) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {
        "m1": rng.normal(10.0, 1.5, n),
        "sd1": rng.uniform(2.0, 5.0, n),
        "n1": rng.integers(5, 80, n).astype(float),
        "m2": rng.normal(9.5, 1.5, n),
        "sd2": rng.uniform(2.0, 5.0, n),
        "n2": rng.integers(5, 80, n).astype(float),
    }


def _loop_smd(data: dict[str, np.ndarray], rows: int, cdf: str) -> np.ndarray:
    """The peer: plain Python, one row at a time (Hedges' g, LS variance, noncentral-t interval
    by Brent's method on the noncentral-t cdf: ``scipy.stats.nct.cdf`` or the leaner
    ``scipy.special.nctdtr``)."""
    alpha = 1 - LEVEL
    out = np.empty((rows, 4))
    for i in range(rows):
        m1, sd1, n1 = data["m1"][i], data["sd1"][i], data["n1"][i]
        m2, sd2, n2 = data["m2"][i], data["sd2"][i], data["n2"][i]
        df = n1 + n2 - 2
        sp = math.sqrt(((n1 - 1) * sd1**2 + (n2 - 1) * sd2**2) / df)
        d = (m1 - m2) / sp
        j = math.exp(math.lgamma(df / 2) - 0.5 * math.log(df / 2) - math.lgamma((df - 1) / 2))
        g = j * d
        var = 1 / n1 + 1 / n2 + g**2 / (2 * (n1 + n2))
        scale = math.sqrt(1 / n1 + 1 / n2)
        t = d / scale
        width = 1 + 2.5 * math.sqrt(1 + t * t / (2 * df))

        if cdf == "stats":
            def f(ncp: float, p: float, t: float = t, df: float = df) -> float:
                return float(stats.nct.cdf(t, df, ncp)) - p
        else:
            def f(ncp: float, p: float, t: float = t, df: float = df) -> float:
                return float(special.nctdtr(df, ncp, t)) - p

        lo = optimize.brentq(f, t - width, t + width, args=(1 - alpha / 2,), xtol=1e-12)
        hi = optimize.brentq(f, t - width, t + width, args=(alpha / 2,), xtol=1e-12)
        out[i] = (g, var, lo * scale * j, hi * scale * j)
    return out


def run() -> list[dict]:
    """Time the vectorized smd against the row-by-row loops; return one dict per comparison."""
    from trialkit.effects import smd

    data = _data(N_ROWS)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        smd(**{k: v[:100] for k, v in data.items()})  # warm-up (imports, caches)
        times = []
        for _ in range(3):
            t0 = time.perf_counter()
            res = smd(**data, kind="hedges", ci="nct")
            times.append(time.perf_counter() - t0)
    vec_s = min(times)
    cols = ["estimate", "var", "ci_low", "ci_high"]
    ours = res[cols].to_numpy()

    rows = []
    for cdf, label, n_loop in (
        ("stats", "row-by-row Python loop: scipy.optimize.brentq on scipy.stats.nct.cdf", 500),
        ("special", "row-by-row Python loop: scipy.optimize.brentq on scipy.special.nctdtr",
         LOOP_ROWS),
    ):
        t0 = time.perf_counter()
        loop = _loop_smd(data, n_loop, cdf)
        loop_s = (time.perf_counter() - t0) * (N_ROWS / n_loop)
        max_diff = float(np.max(np.abs(ours[:n_loop] - loop)))
        rows.append({
            "name": f"smd(kind='hedges', ci='nct'), {N_ROWS:,} rows",
            "trialkit_s": vec_s,
            "peer": label,
            "peer_s": loop_s,
            "ratio": loop_s / vec_s,
            "target": ">= 20x",
            "note": (f"loop timed on the first {n_loop:,} rows and scaled linearly "
                     f"x{N_ROWS // n_loop}; trialkit: best of 3 full runs; max |difference| "
                     f"of g, var and CI limits on those rows {max_diff:.1e}; seed {SEED}"),
        })

    rows += _vs_statsmodels(data)
    subset = 500
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        t0 = time.perf_counter()
        for i in range(subset):
            smd(**{k: v[i] for k, v in data.items()}, kind="hedges", ci="nct")
        per_row_s = (time.perf_counter() - t0) * (N_ROWS / subset)
    rows.append({
        "name": f"smd(kind='hedges', ci='nct'), {N_ROWS:,} rows",
        "trialkit_s": vec_s,
        "peer": "trialkit.effects.smd called once per row",
        "peer_s": per_row_s,
        "ratio": per_row_s / vec_s,
        "target": ">= 20x",
        "note": (f"per-row calls timed on {subset} rows and scaled linearly x{N_ROWS // subset};"
                 " the cost of not broadcasting"),
    })
    return rows


def _vs_statsmodels(data: dict[str, np.ndarray], repeat: int = 30) -> list[dict]:
    """Hedges' g with normal intervals, with the numpy engine and (where numba is installed)
    the numba engine, against statsmodels' ``effectsize_smd`` (which returns the estimate
    and variance only, with the approximate J = 1 - 3/(4 N - 9)); best of ``repeat`` each,
    interleaved."""
    import importlib.util

    from trialkit.effects import smd

    name = f"smd(kind='hedges', ci='normal'), {N_ROWS:,} rows"
    target = "<= 2x the peer's time (ratio >= 0.5x)"
    try:
        import statsmodels
        from statsmodels.stats.meta_analysis import effectsize_smd
    except ImportError:
        return [{"name": name, "trialkit_s": None, "peer": "statsmodels effectsize_smd",
                 "peer_s": None, "ratio": None, "target": target,
                 "note": "peer not installed (pip install statsmodels)"}]
    engines = ["numpy"] + (["numba"] if importlib.util.find_spec("numba") else [])
    args = [data[k] for k in ("m1", "sd1", "n1", "m2", "sd2", "n2")]
    best = dict.fromkeys([*engines, "peer"], float("inf"))
    res = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        smd(**{k: v[:1000] for k, v in data.items()}, kind="hedges", ci="normal",
            engine=engines[-1])  # numba compiles or loads its cache before timing
        for _ in range(repeat):
            for engine in engines:
                t0 = time.perf_counter()
                res[engine] = smd(**data, kind="hedges", ci="normal", engine=engine)
                best[engine] = min(best[engine], time.perf_counter() - t0)
            t0 = time.perf_counter()
            g_sm, _ = effectsize_smd(*args)
            best["peer"] = min(best["peer"], time.perf_counter() - t0)
    gap = float(np.max(np.abs(res["numpy"]["estimate"].to_numpy() - g_sm)))
    same = all(res[e].equals(res["numpy"]) for e in engines)
    rows = []
    for engine in engines:
        rows.append({
            "name": name + (", engine='numba'" if engine == "numba" else ""),
            "trialkit_s": best[engine], "peer": f"statsmodels {statsmodels.__version__} "
            "effectsize_smd", "peer_s": best["peer"], "ratio": best["peer"] / best[engine],
            "target": target,
            "note": (f"best of {repeat} each, interleaved; statsmodels returns g and its "
                     "variance as two arrays, with the approximate J = 1 - 3/(4N - 9) and "
                     "var = N/(n1 n2) + g^2/(2(N - 3.94)), no validation and no interval; "
                     "trialkit validates every input and returns the 7-column frame (exact "
                     f"J, LS variance, se, interval, df, method); max |g difference| {gap:.1e} "
                     "(the approximate J)" + (
                         f"; the compiled loop (trialkit[fast]), the numpy engine's frame "
                         f"{'bit for bit' if same else 'NOT bit for bit'}"
                         if engine == "numba" else ""))})
    return rows


if __name__ == "__main__":
    for row in run():
        print(f"{row['name']}: trialkit {row['trialkit_s']:.3f} s | {row['peer']}: "
              f"{row['peer_s']:.1f} s | ratio {row['ratio']:.0f}x | {row['note']}")
