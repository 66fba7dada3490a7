"""Shared batteries and adapters for comparing trialkit.checks with PyPI peers.

Used by tests/checks/test_peers.py and bench/bench_checks.py. The peers are optional:
``grim`` (0.1.x, Peter Houghton) and ``statcheck`` (0.0.7, Hubert Plisiecki, a port of the
R package). Nothing here is imported by trialkit itself.
"""

from __future__ import annotations

import contextlib
import decimal
import io
import math
import warnings
from typing import Any

import numpy as np
from scipy import stats

#: trialkit's name for each rounding mode of Python's decimal module (the grim package).
DECIMAL_TO_TRIALKIT = {
    decimal.ROUND_HALF_UP: "half_away",  # ties away from zero, despite the name
    decimal.ROUND_HALF_DOWN: "half_toward",
    decimal.ROUND_HALF_EVEN: "half_even",
    decimal.ROUND_CEILING: "ceiling",
    decimal.ROUND_FLOOR: "floor",
    decimal.ROUND_DOWN: "trunc",
    decimal.ROUND_UP: "anti_trunc",
}


def grim_battery(size: int = 240, seed: int = 20240611) -> list[tuple[str, int, str]]:
    """Seeded GRIM cases: (mean as printed, n, decimal rounding mode)."""
    rng = np.random.default_rng(seed)
    modes = list(DECIMAL_TO_TRIALKIT)
    cases = []
    for _ in range(size):
        d = int(rng.integers(0, 4))
        n = int(rng.integers(1, 250))
        X = int(rng.integers(-3 * 10 ** (d + 1), 10 ** (d + 1) * 7))
        if rng.random() < 0.5:  # half of the means are real means of n integers
            X = round(int(rng.integers(-3 * n, 7 * n)) * 10**d / n)
        sign = "-" if X < 0 else ""
        digits = str(abs(X)).rjust(d + 1, "0")
        mean = sign + (digits[:-d] + "." + digits[-d:] if d else digits)
        mode = modes[int(rng.integers(len(modes)))] if rng.random() < 0.5 else \
            decimal.ROUND_HALF_UP
        cases.append((mean, n, mode))
    return cases


def peer_grim(mean: str, n: int, mode: str) -> bool:
    from grim import mean_tester

    return bool(mean_tester.consistency_check(mean, str(n), rounding_method=mode))


def _fmt(value: float, d: int) -> str:
    return f"{value:.{d}f}"


def _p_text(p: float, style: int, d: int) -> str:
    txt = _fmt(p, d)
    if style == 1:  # "p=.036": no spaces
        return "p=" + txt.lstrip("0")
    if style == 2:  # "p = 0.036": leading zero
        return "p = " + txt
    return "p = " + txt.lstrip("0")


def statcheck_battery(size: int = 240, seed: int = 20240612) -> list[str]:
    """Seeded APA-style results: t, F, r, chi2 and z tests, correct and wrong p values,
    negative statistics, Welch-style decimal df, "ns", and several ways of printing p."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(size):
        kind = rng.choice(["t", "t", "F", "r", "chi2", "z"])
        dec = int(rng.integers(1, 4))
        if kind == "t":
            df = int(rng.integers(5, 120))
            df_text = str(df) if rng.random() < 0.8 else f"{df + rng.random():.2f}"
            value = float(rng.uniform(0, 4.5)) * (-1 if rng.random() < 0.3 else 1)
            v_text = _fmt(value, dec)
            p = 2 * stats.t.sf(abs(float(v_text)), float(df_text))
            head = f"t({df_text}) = {v_text}"
        elif kind == "F":
            df1, df2 = int(rng.integers(1, 5)), int(rng.integers(10, 150))
            v_text = _fmt(float(rng.uniform(0.1, 12)), dec)
            p = stats.f.sf(float(v_text), df1, df2)
            head = f"F({df1}, {df2}) = {v_text}"
        elif kind == "r":
            df = int(rng.integers(10, 200))
            value = float(rng.uniform(0, 0.6)) * (-1 if rng.random() < 0.3 else 1)
            v_text = _fmt(value, max(dec, 2))
            rv = float(v_text)
            t = rv / math.sqrt((1 - rv * rv) / df)
            p = 2 * stats.t.sf(abs(t), df)
            head = f"r({df}) = {v_text.replace('0.', '.', 1)}"
        elif kind == "chi2":
            df = int(rng.integers(1, 6))
            v_text = _fmt(float(rng.uniform(0.5, 20)), dec)
            p = stats.chi2.sf(float(v_text), df)
            n_part = f", N = {int(rng.integers(30, 400))}" if rng.random() < 0.5 else ""
            head = f"chi2({df}{n_part}) = {v_text}"
        else:
            value = float(rng.uniform(0, 4)) * (-1 if rng.random() < 0.3 else 1)
            v_text = _fmt(value, dec)
            p = 2 * stats.norm.sf(abs(float(v_text)))
            head = f" z = {v_text}"
        mode = rng.random()
        pd_ = int(rng.integers(2, 4))
        style = int(rng.integers(0, 3))
        if mode < 0.45:
            tail = _p_text(p, style, pd_)  # printed correctly
        elif mode < 0.6:
            tail = _p_text(min(max(p + float(rng.choice([-1, 1])) * 10.0**-pd_, 0.001),
                               0.999), style, pd_)  # off by one unit
        elif mode < 0.75:
            thr = float(rng.choice([0.05, 0.01, 0.001]))
            tail = f"p < {_fmt(thr, 3 if thr == 0.001 else 2).lstrip('0')}"
        elif mode < 0.85:
            tail = "ns" if rng.random() < 0.5 else "p > .05"
        else:
            tail = _p_text(float(rng.uniform(0.001, 0.9)), style, pd_)  # anything
        if float(np.nan_to_num(p)) < 1e-4 and tail.startswith("p = "):
            tail = "p < .001"
        out.append(f"{head}, {tail}")
    return out


def peer_statcheck(text: str) -> list[dict[str, Any]]:
    """Run the statcheck package (0.0.7) on one text: its own extraction and checks.

    Its top-level ``statcheck()`` crashes under pandas >= 3: ``extract_stats`` converts the
    degrees of freedom with a chained assignment (``dfs[col][0] = float(...)``), which
    copy-on-write turns into a no-op, so df stays a string and scipy fails. This adapter
    calls the package's ``extract_stats`` and ``process_stats`` exactly as its
    ``statcheck()`` does, doing only that intended float conversion itself.
    """
    with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the package sets a pandas option pandas 3 deprecates
        from statcheck.extract_1tail import extract_1tail
        from statcheck.extract_stats import extract_stats
        from statcheck.process_stats import process_stats

        res = extract_stats(text, ["t", "F", "r", "Chi2", "Z", "Q"], 0)
        rows = []
        for _, row in res.iterrows():
            df1 = float(row.df1) if row.df1 is not None and row.df1 == row.df1 else None
            df2 = float(row.df2) if row.df2 is not None and row.df2 == row.df2 else None
            r = process_stats(row.Statistic, float(row.Value), df1, df2,
                              row.Reported_P_Value, row.Reported_Comparison,
                              row.Test_Comparison, row.dec, row.test_dec, extract_1tail(text),
                              True, 0.05, True, True, False, False)
            rows.append({"statistic": row.Statistic, "value": float(row.Value),
                         "error": bool(r.error.iloc[0]),
                         "decision_error": bool(r.decision_error.iloc[0]),
                         "p_dec": row.dec})
    return rows


def brute_force_consistent(kind: str, value_text: str, df1: float, df2: float, rel: str,
                           p_text: str | None, alpha: float = 0.05) -> bool:
    """Is some test value that rounds to ``value_text`` compatible with the printed p?

    Scans the value's rounding interval on a fine grid (plus its ends) and computes each p
    with scipy: no interval arithmetic, no shortcut. ``=`` needs a p that rounds (half up
    or half down) to the printed one; ``<`` a p below it; ``>`` (and ``ns``) a p above it.
    """
    d = len(value_text.split(".")[1]) if "." in value_text else 0
    v = abs(float(value_text.replace(",", "")))
    half = 0.5 * 10.0**-d
    grid = np.linspace(max(v - half, 0.0), v + half, 4001)
    if kind == "t":
        ps = 2 * stats.t.sf(grid, df2)
    elif kind == "z":
        ps = 2 * stats.norm.sf(grid)
    elif kind == "r":
        g = np.minimum(grid, 1 - 1e-12)
        ps = 2 * stats.t.sf(g / np.sqrt((1 - g * g) / df2), df2)
    elif kind == "F":
        ps = stats.f.sf(grid, df1, df2)
    else:
        ps = stats.chi2.sf(grid, df1)
    if p_text is None:  # ns
        return bool(np.any(ps > alpha))
    pd_ = len(p_text.split(".")[1])
    p = float(p_text)
    if p <= 0:
        return False  # statcheck's pZeroError convention: a printed p of 0 is an error
    if rel == "=":
        scaled = ps * 10**pd_
        up = np.floor(scaled + 0.5)
        down = np.ceil(scaled - 0.5)
        target = round(p * 10**pd_)
        return bool(np.any((up == target) | (down == target)))
    if rel == "<":
        return bool(np.any(ps < p))
    return bool(np.any(ps > p))
