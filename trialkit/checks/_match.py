"""Matching one reported statement (p, t, df, F, CI, mean difference) to the analyses
recomputed by :func:`trialkit.checks.recompute_p`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from trialkit.checks._reported import holds, parse_ci
from trialkit.checks.anova import anova_rows
from trialkit.checks.rsolve import describe_ranges, solve_r
from trialkit.checks.rsolve_arms import describe_arm_ranges, solve_r_arms
from trialkit.checks.summary_tests import CANNOT_TEST, allowed_analyses
from trialkit.errors import TrialDataError

if TYPE_CHECKING:
    from trialkit.trial import Trial

_STAT_COLUMN = {"p": "p", "t": "statistic_value", "F": "statistic_value", "df": "df",
                "mean_difference": "estimate"}


def _flip(sel: pd.DataFrame) -> pd.DataFrame:
    sel = sel.copy()
    sel["estimate"], sel["estimate_low"], sel["estimate_high"] = (
        -sel["estimate"], -sel["estimate_high"], -sel["estimate_low"])
    lo, hi = -sel["ci_high"], -sel["ci_low"]
    lo_l, lo_h = -sel["ci_high_high"], -sel["ci_high_low"]
    hi_l, hi_h = -sel["ci_low_high"], -sel["ci_low_low"]
    sel["ci_low"], sel["ci_high"] = lo, hi
    sel["ci_low_low"], sel["ci_low_high"] = lo_l, lo_h
    sel["ci_high_low"], sel["ci_high_high"] = hi_l, hi_h
    sel["flip"] = True
    return sel


def select(table: pd.DataFrame, row: pd.Series) -> tuple[pd.DataFrame, str]:
    """The computed comparisons a reported statement is about, or a reason it cannot be
    checked."""
    outcome, timepoint, comparison = (str(row.get(k) or "") for k in
                                      ("outcome", "timepoint", "comparison"))
    if not comparison:
        return table.iloc[0:0], "the statement names no between-arm comparison"
    if table.empty:
        return table, "the trial has no between-arm comparison that trialkit can recompute"
    sel = table[table["comparison"] == comparison].assign(flip=False)
    if sel.empty:
        parts = comparison.split("-")
        if len(parts) == 2:
            sel = table[(table["arm"] == parts[1]) & (table["reference"] == parts[0])]
            if not sel.empty:
                sel = _flip(sel)
        if sel.empty:
            return sel, f"no comparison {comparison!r} can be recomputed from the data"
    if outcome and outcome != "*":
        sel = sel[sel["outcome"] == outcome]
    if "at_baseline" in sel.columns and timepoint in ("", "*"):
        # "P < .01 for all comparisons" is about the treatment's effect, not the baseline.
        sel = sel[~sel["at_baseline"].astype(bool)]
    if timepoint and timepoint != "*":
        sel = sel[sel["timepoint"] == timepoint]
    elif not timepoint:
        times = sorted(set(sel["timepoint"]))
        if len(times) > 1:
            return sel.iloc[0:0], (f"the statement names no timepoint and the data have "
                                   f"{len(times)} follow-ups ({', '.join(times)})")
    if sel.empty:
        return sel, "the data hold no matching comparison"
    return sel, ""


def _texts(stat: str, text: str) -> tuple[str, ...]:
    if stat == "ci":
        return parse_ci(text)
    # A t's sign only says which arm is first; an F cannot be negative, so a printed minus
    # on an F is kept (and then matches nothing, as it should).
    return (text.lstrip("+-\u2212") if stat == "t" else text.lstrip("+"),)


def _match_fixed(sel: pd.DataFrame, row: pd.Series, rounding: str) -> pd.DataFrame:
    stat, rel = str(row["statistic"]), str(row["relation"])
    texts = _texts(stat, str(row["value"]))
    out = sel.copy()
    if stat == "ci":
        res = [(holds("=", texts[0], a, b, rounding), holds("=", texts[1], c, d, rounding))
               for a, b, c, d in zip(out["ci_low_low"], out["ci_low_high"],
                                     out["ci_high_low"], out["ci_high_high"], strict=True)]
        out["reproduces"] = [x[0][0] and x[1][0] for x in res]
        out["robust"] = [x[0][1] and x[1][1] for x in res]
        out["value_low"], out["value_high"] = out["ci_low_low"], out["ci_high_high"]
        return out
    col = _STAT_COLUMN[stat]
    res = [holds(rel, texts[0], lo, hi, rounding)
           for lo, hi in zip(out[f"{col}_low"], out[f"{col}_high"], strict=True)]
    out["reproduces"] = [x[0] for x in res]
    out["robust"] = [x[1] for x in res]
    out["value_low"], out["value_high"] = out[f"{col}_low"], out[f"{col}_high"]
    return out


def _match_solved(sel: pd.DataFrame, row: pd.Series, rounding: str) -> pd.DataFrame:
    """Rows whose analysis needs the pre-post correlation: solve for the r that reproduces
    the statement (one r for both arms)."""
    stat, rel = str(row["statistic"]), str(row["relation"])
    texts = _texts(stat, str(row["value"]))
    out = sel.copy()
    ranges_txt, reproduces, implausible, rep_r, r_lo, r_hi = [], [], [], [], [], []
    arms: list[dict[str, Any]] = []
    for idx, r in out.iterrows():
        ev = r["evaluate"]
        ranges = solve_r(ev, stat, rel, texts, rounding, flip=bool(r["flip"]))
        words, plausible = describe_ranges(ranges) if ranges else ("", False)
        ranges_txt.append(words)
        arms.append(_per_arm(r, stat, rel, texts, rounding, ranges))
        reproduces.append(bool(ranges) and plausible)
        implausible.append(bool(ranges) and not plausible)
        good = [(max(lo, 0.0), hi) for lo, hi in ranges if hi >= 0] or ranges
        mid = float(np.clip((good[0][0] + good[0][1]) / 2, -0.999, 0.999)) if good else np.nan
        rep_r.append(mid)
        r_lo.append(min(g[0] for g in good) if good else np.nan)
        r_hi.append(max(g[1] for g in good) if good else np.nan)
        if good:
            with np.errstate(all="ignore"):
                vals = ev(np.array([mid]))
            sign = -1.0 if r["flip"] else 1.0
            out.loc[idx, "estimate"] = sign * vals["estimate"][-1, 0]
            lo, hi = vals["ci_low"][-1, 0], vals["ci_high"][-1, 0]
            out.loc[idx, "ci_low"], out.loc[idx, "ci_high"] = ((-hi, -lo) if r["flip"]
                                                               else (lo, hi))
            out.loc[idx, "statistic_value"] = abs(vals["statistic"][-1, 0])
            out.loc[idx, "df"], out.loc[idx, "p"] = vals["df"][-1, 0], vals["p"][-1, 0]
    col = "ci_low" if stat == "ci" else _STAT_COLUMN[stat]
    out["value_low"], out["value_high"] = out[f"{col}_low"], out[f"{col}_high"]
    if stat == "ci":
        out["value_high"] = out["ci_high_high"]
    out["r"] = rep_r
    out["r_ranges"] = ranges_txt
    for key in ("r_arms", "r1_low", "r1_high", "r2_low", "r2_high"):
        out[key] = [a[key] for a in arms]
    out["r_low"], out["r_high"] = r_lo, r_hi
    out["reproduces"] = reproduces
    out["implausible_only"] = implausible
    out["robust"] = False
    return out


def _per_arm(r: pd.Series, stat: str, rel: str, texts: tuple[str, ...], rounding: str,
             joint: list[tuple[float, float]]) -> dict[str, Any]:
    """Per-arm correlations of one r-solved row: the words and each arm's span.

    The change-score tests solve over (r1, r2) (:func:`solve_r_arms`), holding an arm whose
    printed change SD implies its r at that value; the ANCOVA takes one pooled r, so it
    gets only the correlations the printed SDs imply, where they do.
    """
    empty = {"r_arms": "", "r1_low": np.nan, "r1_high": np.nan, "r2_low": np.nan,
             "r2_high": np.nan}
    known = r.get("known_r") if isinstance(r.get("known_r"), dict) else {}
    names = (str(r["arm"]), str(r["reference"]))
    ev = r.get("evaluate_arms")
    if not callable(ev):
        if len(known) == 2:
            spans = [_span(known[k]) for k in (1, 2)]
            return {**empty, "r_arms": (f"the printed change SDs imply r({names[0]}) "
                                        f"{spans[0]} and r({names[1]}) {spans[1]}; the "
                                        f"aggregate ANCOVA takes one pooled r")}
        return empty
    fixed = {k: v for k, v in known.items() if len(known) == 1}
    res = solve_r_arms(ev, stat, rel, texts, rounding, flip=bool(r["flip"]),
                       fixed=fixed or None, joint=joint)
    out = {"r_arms": describe_arm_ranges(res, names)}
    for k in (1, 2):
        spans = res[f"arm{k}"]
        out[f"r{k}_low"] = min(a for a, _ in spans) if spans else np.nan
        out[f"r{k}_high"] = max(b for _, b in spans) if spans else np.nan
    return out


def _span(interval: tuple[float, float]) -> str:
    lo, hi = (f"{v:.2f}" for v in interval)
    return f"= {lo}" if lo == hi else f"{lo} to {hi}"


def match(sel: pd.DataFrame, row: pd.Series, rounding: str) -> pd.DataFrame:
    """Match a statement against its selected analyses (fixed and r-solved rows)."""
    if "evaluate" not in sel.columns:
        return _match_fixed(sel, row, rounding)
    solved = sel["evaluate"].notna()
    parts = []
    if (~solved).any():
        parts.append(_match_fixed(sel[~solved], row, rounding))
    if solved.any():
        parts.append(_match_solved(sel[solved], row, rounding))
    return pd.concat(parts).sort_index()


def match_statement(trial: Trial, table: pd.DataFrame, row: pd.Series,
                    rounding: str) -> tuple[pd.DataFrame | None, str]:
    """The matched rows of one statement, or None and the reason it cannot be checked."""
    test, kind = str(row.get("test") or ""), str(row.get("analysis") or "")
    stat = str(row["statistic"])
    if test in CANNOT_TEST:
        if trial.ipd is not None and test not in ("chi2", "fisher"):
            return None, (f"trialkit does not recompute a {test.replace('_', '-')} test, even "
                          f"from patient data")
        return None, f"summary data cannot reproduce this test: {CANNOT_TEST[test]}"
    n_arms = len(trial.arms)
    comparison = str(row.get("comparison") or "")
    anova = test in ("anova", "welch_anova") or (
        test in ("", "unknown") and stat in ("p", "F") and comparison in ("", "*")
        and n_arms >= 3)
    if stat == "F" and not anova:
        return None, "an F statistic needs a test across arms (anova or welch_anova)"
    if anova and (comparison in ("", "*") or stat == "F"):
        if trial.ipd is not None and trial.design != "parallel":
            return None, "an ANOVA across arms applies to parallel-group trials"
        if stat not in ("p", "F", "df"):
            return None, f"an ANOVA gives no {stat}"
        tests = ((test,) if test in ("anova", "welch_anova") else ("anova", "welch_anova"))
        sel, why = anova_rows(trial, row, rounding, tests, kind)
        if why:
            return None, why
        return match(sel, row, rounding), ""
    sel, why = select(table, row)
    if why:
        return None, why
    allowed = allowed_analyses(test, kind)
    if allowed is not None:
        sel = sel[sel["analysis"].isin(allowed)]
        if sel.empty:
            if test == "paired_t":
                return None, ("a paired t test between arms needs each patient in both arms "
                              "(a crossover trial with patient data)")
            named = " on ".join(x.replace("_", "-") for x in (test, kind)
                                if x and x != "unknown")
            return None, (f"the statement names {named}, and none of the analyses that fit "
                          f"it ({', '.join(sorted(allowed))}) can be recomputed from these "
                          f"data")
    try:
        return match(sel, row, rounding), ""
    except TrialDataError as exc:
        return None, f"the printed value cannot be read ({exc})"


#: Spellings of a statistic's name in reported.csv and the one the checks use.
_STATISTIC_ALIASES = {"f": "F", "T": "t", "P": "p"}


def canonical_statistics(reported: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``reported`` with statistic names in the checks' spelling ("f" -> "F")."""
    out = reported.copy()
    out["statistic"] = out["statistic"].map(lambda s: _STATISTIC_ALIASES.get(str(s), s))
    return out
