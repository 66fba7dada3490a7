"""Shared pieces of the claim checks: verdicts, the words for relations and analyses, and
the summary statistics of one cell with the rounding box of its printed numbers."""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Any

import pandas as pd

from trialkit.checks._reported import text_interval
from trialkit.errors import TrialDataError

if TYPE_CHECKING:
    from trialkit.trial import Trial

VERDICTS = ("consistent", "inconsistent", "cannot check")


_ANALYSIS_NAMES = {
    "student_followup": "Student's t test at follow-up",
    "welch_followup": "Welch's t test at follow-up",
    "student_change": "Student's t test on change scores",
    "welch_change": "Welch's t test on change scores",
    "ancova": "ANCOVA on baseline",
    "paired_t": "the paired t test",
    "anova_followup": "one-way ANOVA at follow-up",
    "welch_anova_followup": "Welch's ANOVA at follow-up",
    "anova_change": "one-way ANOVA on change scores",
    "welch_anova_change": "Welch's ANOVA on change scores",
}


_REL_WORDS = {"=": "=", "~": "about", "<": "<", ">": ">", "<=": "<=", ">=": ">="}

CONSISTENT, INCONSISTENT, CANNOT = VERDICTS


_NOT_A_NUMBER = re.compile(r"(?<![A-Za-z])(nan|-?inf)(?![A-Za-z])", re.IGNORECASE)


def no_nan_sentence(res: dict[str, Any]) -> dict[str, Any]:
    """A sentence showing NaN or inf means the check computed nothing: say so."""
    if _NOT_A_NUMBER.search(str(res["detail"])):
        return {**res, "verdict": CANNOT, "computed": math.nan,
                "detail": "Cannot check: the recomputation gave no finite number from the "
                          "data given (a value is missing, zero where it must not be, or too "
                          "large to compute with)."}
    return res


def _result(verdict: str, detail: str, computed: float = math.nan,
            method: str = "") -> dict[str, Any]:
    return {"verdict": verdict, "detail": detail, "computed": computed, "method": method}


def _g(x: float, d: int = 2) -> str:
    return f"{x:.{d}f}"


def _label(trial: Trial, kind: str, key: str) -> str:
    try:
        return getattr(trial, kind)(key).label
    except TrialDataError:
        return key


def _ids(items: list[str], key: str) -> list[str]:
    return items if key in ("", "*") else [key]


def _followups(trial: Trial) -> list[str]:
    return [t.id for t in trial.timepoints if t.id != trial.baseline]


def _row_stats(trial: Trial, outcome: str, arm: str, timepoint: str,
               rounding: str) -> dict[str, Any] | None:
    """Summary statistics of one cell, with the box of values its printed numbers allow."""
    s = trial.summary
    cell = s[(s["outcome"] == outcome) & (s["arm"] == arm) & (s["timepoint"] == timepoint)]
    if cell.empty:
        return None
    row = cell.iloc[0]
    out = {"n": int(row["n"]), "mean": float(row["mean"]), "sd": float(row["sd"]),
           "source": row["source"]}
    for col in ("mean", "sd"):
        text = row.get(f"{col}_text")
        if text is not None and not pd.isna(text):
            lo, hi, d = text_interval(str(text), rounding)
            out[f"{col}_box"] = (lo, hi)
            out[f"{col}_text"] = str(text)
            out[f"{col}_decimals"] = d
        else:
            out[f"{col}_box"] = (out[col], out[col])
            out[f"{col}_text"] = None
            out[f"{col}_decimals"] = 2
    for col in ("min", "max", "median"):
        if col in row.index and not pd.isna(row[col]):
            out[col] = float(row[col])
    return out


def _fmt_value(stats: dict[str, Any], col: str) -> str:
    """A summary value as printed, or with four decimals when computed from patient data."""
    text = stats.get(f"{col}_text")
    return text if text else f"{stats[col]:.4f}"


def _unit(trial: Trial, outcome: str) -> str:
    unit = trial.outcome(outcome).unit
    return f" {unit}" if unit else ""


def _favoured_sign(trial: Trial, outcome: str) -> float | None:
    direction = trial.outcome(outcome).direction
    if direction is None:
        return None
    return 1.0 if direction == "higher_is_better" else -1.0


def _within_change(trial: Trial, outcome: str, arm: str, tp: str,
                   rounding: str) -> dict[str, Any] | None:
    pre = _row_stats(trial, outcome, arm, trial.baseline, rounding) if trial.baseline else None
    post = _row_stats(trial, outcome, arm, tp, rounding)
    if pre is None or post is None:
        return None
    out = {"pre": pre, "post": post, "change": post["mean"] - pre["mean"],
           "change_box": (post["mean_box"][0] - pre["mean_box"][1],
                          post["mean_box"][1] - pre["mean_box"][0])}
    if trial.ipd is not None:
        from trialkit.ipd import baseline_followup

        wide = baseline_followup(trial, outcome, tp)
        ch = wide.loc[wide["arm"] == arm, "change"].to_numpy(float)
        if ch.size:
            out["change"] = float(ch.mean())
            out["change_box"] = (out["change"], out["change"])
            out["change_sd"] = float(ch.std(ddof=1)) if ch.size > 1 else math.nan
    return out

