"""Claims about counts: patients randomized or measured, arm sizes, and percentages of whole
counts (GRIM for percentages)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from trialkit.checks._claims_common import (
    _REL_WORDS,
    CANNOT,
    CONSISTENT,
    INCONSISTENT,
    _label,
    _result,
    _row_stats,
)
from trialkit.checks._reported import holds, text_interval

if TYPE_CHECKING:
    from trialkit.trial import Trial


def _claim_n(trial: Trial, row: pd.Series, rounding: str, **_: Any) -> dict[str, Any]:
    arm, outcome, tp = row["arm"], row["outcome"], row["timepoint"]
    value_text = str(row["value"])
    try:
        value = float(value_text)
    except ValueError:
        return _result(CANNOT, f"The reported sample size {value_text!r} is not a number.")
    if arm not in ("", "*"):
        if tp not in ("", "*") and outcome not in ("", "*"):
            stats = _row_stats(trial, outcome, arm, tp, rounding)
            n = stats["n"] if stats else trial.arm(arm).n
            where = (f"measured in the {trial.arm(arm).label} arm at "
                     f"{_label(trial, 'timepoint', tp)}")
        else:
            n = trial.arm(arm).n
            where = f"randomized to the {trial.arm(arm).label} arm"
    elif tp not in ("", "*") and outcome not in ("", "*"):
        if trial.ipd is not None:
            ipd = trial.ipd
            n = int(ipd[(ipd["outcome"] == outcome) & (ipd["timepoint"] == tp)]["patient"]
                    .nunique())
        else:
            s = trial.summary
            ns = s[(s["outcome"] == outcome) & (s["timepoint"] == tp)]["n"]
            n = int(ns.max() if trial.design == "crossover" else ns.sum())
        where = f"measured at {_label(trial, 'timepoint', tp)}"
    else:
        n = trial.n
        parts = " + ".join(f"{a.n}" for a in trial.arms)
        where = ("randomized" + (f" ({parts} in {len(trial.arms)} arms)" if
                                 trial.design == "parallel" and len(trial.arms) > 1 else ""))
    ok = _compare_exact(row["relation"], n, value)
    verdict = CONSISTENT if ok else INCONSISTENT
    return _result(verdict, f"The data have {n} patients {where}; the paper says "
                   f"{_REL_WORDS.get(row['relation'], row['relation'])} {value_text}.",
                   float(n), "count")


def _compare_exact(relation: str, computed: float, value: float) -> bool:
    return {"=": computed == value, "~": abs(computed - value) < 0.5 + 1e-12,
            "<": computed < value, ">": computed > value, "<=": computed <= value,
            ">=": computed >= value}[relation]


def _claim_n_arm(trial: Trial, row: pd.Series, rounding: str, **_: Any) -> dict[str, Any]:
    arms = [a for a in trial.arms if row["arm"] in ("", "*", a.id)]
    value = float(row["value"])
    sizes = [a.n for a in arms]
    if row["relation"] == "~":
        allowed = {math.floor(value), math.ceil(value)}
        ok = all(n in allowed for n in sizes)
        listing = " and ".join(f"{a.n} ({a.label})" for a in arms)
        if ok and len(allowed) == 2:
            detail = (f"Arms of {listing}: {value:g} patients per arm is not a whole number, "
                      f"and these are the nearest whole numbers.")
        else:
            detail = f"Arms of {listing}; the paper says about {value:g} per arm."
    else:
        ok = all(_compare_exact(row["relation"], n, value) for n in sizes)
        detail = (f"Arms of {', '.join(str(n) for n in sizes)} patients; the paper says "
                  f"{row['relation']} {value:g}.")
    return _result(CONSISTENT if ok else INCONSISTENT, detail, float(np.mean(sizes)), "count")


def _claim_percent_female(trial: Trial, row: pd.Series, rounding: str,
                          **_: Any) -> dict[str, Any]:
    text = str(row["value"]).rstrip("%").strip()
    arm = row["arm"]
    n = trial.arm(arm).n if arm not in ("", "*") else trial.n
    patients = trial.patients
    if patients is not None and "sex" in patients.columns:
        pts = patients if arm in ("", "*") else patients[patients["arm"] == arm]
        sex = pts["sex"].astype(str).str.lower().str.strip()
        women = int(sex.isin(["female", "f", "woman", "women"]).sum())
        pct = 100.0 * women / len(pts)
        possible, _ = holds(row["relation"], text, pct, pct, rounding)
        return _result(CONSISTENT if possible else INCONSISTENT,
                       f"The data record {women} women among {len(pts)} patients "
                       f"({pct:.1f}%); the paper says {text}%.", pct, "count/patients.sex")
    lo, hi, _ = text_interval(text, rounding)
    k_lo, k_hi = math.ceil(lo * n / 100 - 1e-12), math.floor(hi * n / 100 + 1e-12)
    # Only the ends of [k_lo, k_hi] need testing (every count between them rounds to the
    # printed percentage), so an arm of 10^12 costs no more than one of 10.
    first, last = max(k_lo, 0), min(k_hi, n)
    candidates = sorted({k for k in (first, first + 1, last - 1, last) if first <= k <= last})
    counts = [k for k in candidates
              if holds(row["relation"], text, 100 * k / n, 100 * k / n, rounding)[0]]
    if counts:
        k = counts[0]
        return _result(CONSISTENT, f"{text}% of {n} patients is possible: {k} of {n} is "
                       f"{100 * k / n:.1f}%, which rounds to {text}% (the data do not record "
                       f"each patient's sex, so only this arithmetic can be checked).",
                       100 * k / n, "grim/percent")
    below = math.floor(lo * n / 100)
    return _result(INCONSISTENT, f"No whole number of women among {n} patients gives {text}%: "
                   f"{below} of {n} is {100 * below / n:.1f}% and {below + 1} of {n} is "
                   f"{100 * (below + 1) / n:.1f}%.", math.nan, "grim/percent")



def _count_for(text: str, n: int, relation: str, rounding: str) -> int | None:
    """A whole count k of n whose percentage 100 k / n rounds to the printed ``text``."""
    lo, hi, _ = text_interval(text, rounding)
    first = max(math.ceil(lo * n / 100 - 1e-12), 0)
    last = min(math.floor(hi * n / 100 + 1e-12), n)
    for k in sorted({k for k in (first, first + 1, last - 1, last) if first <= k <= last}):
        if holds(relation, text, 100 * k / n, 100 * k / n, rounding)[0]:
            return k
    return None


def _claim_percent_of_arm(trial: Trial, row: pd.Series, rounding: str,
                          **_: Any) -> dict[str, Any]:
    """A percentage of one arm's patients (e.g. "88% had soreness"): GRIM for a percentage.

    The verdict uses the arm's size in the data under ``rounding``; the sentence also says
    which of the trial's other plausible arm sizes (every arm's n, and one either side)
    would make the percentage possible, under conventional rounding and under truncation.
    """
    arm = str(row["arm"])
    if arm in ("", "*"):
        return _result(CANNOT, "A percentage of an arm must name its arm.")
    text = str(row["value"]).rstrip("%").strip()
    label, n = trial.arm(arm).label, trial.arm(arm).n
    k = _count_for(text, n, row["relation"], rounding)
    sizes = sorted({m for a in trial.arms for m in (a.n - 1, a.n, a.n + 1) if m >= 1})

    def works(scheme: str) -> list[int]:
        return [m for m in sizes if _count_for(text, m, row["relation"], scheme) is not None]

    conventional, truncated = works("up_or_down"), works("trunc")
    also = (f" Of arm sizes {', '.join(map(str, sizes))}, {text}% is possible with "
            f"{_sizes(conventional)} under conventional rounding and with "
            f"{_sizes(truncated)} if truncated.")
    if k is not None:
        return _result(CONSISTENT, f"{text}% of the {n} patients in {label} is possible: "
                       f"{k} of {n} is {100 * k / n:.1f}%.{also}", 100 * k / n,
                       "grim/percent_of_arm")
    below = math.floor(text_interval(text, rounding)[0] * n / 100)
    return _result(INCONSISTENT, f"No whole number of the {n} patients in {label} gives "
                   f"{text}%: {below} of {n} is {100 * below / n:.1f}% and {below + 1} is "
                   f"{100 * (below + 1) / n:.1f}%.{also}", math.nan, "grim/percent_of_arm")


def _sizes(values: list[int]) -> str:
    return ", ".join(map(str, values)) if values else "none of them"
