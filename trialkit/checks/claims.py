"""Check each statement in a trial's ``reported.csv`` against numbers recomputed from the
trial's own data."""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from trialkit.checks import _numbers as num
from trialkit.checks.pvalues import P_STATISTICS, holds, recompute_p, text_interval
from trialkit.errors import TrialDataError

if TYPE_CHECKING:
    from trialkit.trial import Trial

__all__ = ["VERDICTS", "claims"]

VERDICTS = ("consistent", "inconsistent", "cannot check")
CONSISTENT, INCONSISTENT, CANNOT = VERDICTS

_ANALYSIS_NAMES = {
    "student_followup": "Student's t test at follow-up",
    "welch_followup": "Welch's t test at follow-up",
    "student_change": "Student's t test on change scores",
    "welch_change": "Welch's t test on change scores",
    "ancova": "ANCOVA on baseline",
    "paired_t": "the paired t test",
    "anova_followup": "one-way ANOVA at follow-up",
    "welch_anova_followup": "Welch's ANOVA at follow-up",
}
_REL_WORDS = {"=": "=", "~": "about", "<": "<", ">": ">", "<=": "<=", ">=": ">="}


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


# ------------------------------------------------------------------------------------------
# one handler per statistic
# ------------------------------------------------------------------------------------------


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


def _claim_percent_change(trial: Trial, row: pd.Series, rounding: str,
                          **_: Any) -> dict[str, Any]:
    outcome, arm = row["outcome"], row["arm"]
    of_baseline = row["statistic"] == "percent_of_baseline"
    if trial.baseline is None:
        return _result(CANNOT, "The trial has no baseline to compute a change from.")
    if row["timepoint"] == "" and len(_followups(trial)) > 1:
        return _result(CANNOT, f"The statement names no timepoint, and the data have "
                       f"{len(_followups(trial))} follow-ups "
                       f"({', '.join(_followups(trial))}); it may refer to a time not in the "
                       f"data.")
    tps = _ids(_followups(trial), row["timepoint"])
    parts, verdicts, value = [], [], math.nan
    for tp in tps:
        ch = _within_change(trial, outcome, arm, tp, rounding)
        if ch is None:
            return _result(CANNOT, f"No baseline and {tp} summary for {outcome} in {arm}.")
        pre, post = ch["pre"], ch["post"]
        (pre_lo, pre_hi), (post_lo, post_hi) = pre["mean_box"], post["mean_box"]
        if pre_lo <= 0:
            return _result(CANNOT, "A percent change needs a baseline mean above zero.")
        base = 0.0 if of_baseline else 100.0
        value = 100 * post["mean"] / pre["mean"] - base
        low, high = 100 * post_lo / pre_hi - base, 100 * post_hi / pre_lo - base
        text = str(row["value"]).rstrip("%").strip()
        possible, _ = holds(row["relation"], text, low, high, rounding)
        verdicts.append(possible)
        unit = _unit(trial, outcome)
        label = _label(trial, "outcome", outcome)
        lead = label.split("(")[0].strip()
        tpl = _label(trial, "timepoint", tp).lower()
        if of_baseline:
            parts.append(f"{lead} in the {trial.arm(arm).label} arm was {value:.1f}% of its "
                         f"baseline at {tpl} ({_fmt_value(post, 'mean')} vs "
                         f"{_fmt_value(pre, 'mean')}{unit})")
        else:
            word = "decrease" if value < 0 else "increase"
            parts.append(f"{lead} in the {trial.arm(arm).label} arm went from "
                         f"{_fmt_value(pre, 'mean')} to {_fmt_value(post, 'mean')}{unit} at "
                         f"{tpl}, a {abs(value):.1f}% {word}")
    ok = all(verdicts)
    sign = str(row["value"]).strip()
    said = (f"{sign}% of baseline" if of_baseline else
            f"{sign.lstrip('-+')}% {'decrease' if sign.startswith('-') else 'increase'}")
    verb = "rounds to" if ok else "does not round to"
    detail = "; ".join(parts) + (f", which {verb} the {said} the paper reports." if
                                 len(parts) == 1 else f"; the paper reports a {said}.")
    return _result(CONSISTENT if ok else INCONSISTENT, detail, value,
                   "percent_of_baseline" if of_baseline else
                   "percent_change/within_arm/100*(post-pre)/pre")


def _unit(trial: Trial, outcome: str) -> str:
    unit = trial.outcome(outcome).unit
    return f" {unit}" if unit else ""


def _claim_descriptive(trial: Trial, row: pd.Series, rounding: str, **_: Any) -> dict[str, Any]:
    stat = row["statistic"]
    outcome = row["outcome"]
    if row["comparison"]:
        return _paired_descriptive(trial, row, rounding)
    if row["arm"] in ("", "*") and stat not in ("min", "max"):
        return _result(CANNOT, "The statement names no arm.")
    arms = _ids([a.id for a in trial.arms], row["arm"])
    tps = _ids([t.id for t in trial.timepoints], row["timepoint"])
    text = str(row["value"]).lstrip("+").strip()
    lows, highs, shown = [], [], []
    for arm in arms:
        for tp in tps:
            st = _row_stats(trial, outcome, arm, tp, rounding)
            if st is None:
                continue
            if stat == "mean":
                lo, hi = st["mean_box"]
                shown.append(_fmt_value(st, "mean"))
            elif stat == "sd":
                lo, hi = st["sd_box"]
                shown.append(_fmt_value(st, "sd"))
            elif stat == "sd_divisor_n":
                f = math.sqrt((st["n"] - 1) / st["n"])
                lo, hi = st["sd_box"][0] * f, st["sd_box"][1] * f
                shown.append(f"{st['sd'] * f:.3f} (SD {st['sd']:.3f} x sqrt((n-1)/n))")
            elif stat in ("min", "max", "median"):
                if stat not in st:
                    return _result(CANNOT, f"The data do not give the {stat}.")
                lo = hi = st[stat]
                shown.append(f"{st[stat]:g} ({arm}, {tp})")
            else:  # pragma: no cover - dispatch guards
                return _result(CANNOT, f"No rule for {stat}.")
            lows.append(lo)
            highs.append(hi)
    if not lows:
        return _result(CANNOT, "The data hold no matching summary row.")
    results = [holds(row["relation"], text, lo, hi, rounding)[0]
               for lo, hi in zip(lows, highs, strict=True)]
    ok = all(results)
    name = {"sd_divisor_n": "SD with divisor n", "mean": "mean", "sd": "SD"}.get(stat, stat)
    where = (f"{_label(trial, 'outcome', outcome)}, {', '.join(arms)}, "
             f"{', '.join(tps) if len(tps) < 4 else 'all timepoints'}")
    return _result(CONSISTENT if ok else INCONSISTENT,
                   f"The data give a {name} of {', '.join(shown)} ({where}); the paper says "
                   f"{_REL_WORDS.get(row['relation'], row['relation'])} {row['value']}.",
                   float(np.mean([(a + b) / 2 for a, b in zip(lows, highs, strict=True)])),
                   f"{stat}/from_data")


def _paired_descriptive(trial: Trial, row: pd.Series, rounding: str) -> dict[str, Any]:
    """A descriptive statistic of within-patient differences (crossover)."""
    ipd = trial.ipd
    stat = row["statistic"]
    parts = str(row["comparison"]).split("-")
    if ipd is None or trial.design != "crossover" or len(parts) != 2:
        return _result(CANNOT, "Within-patient differences need patient data of a crossover "
                       "trial.")
    from trialkit.ipd._common import crossover_wide

    wide = crossover_wide(trial, row["outcome"], row["timepoint"]).dropna()
    diff = (wide[parts[0]] - wide[parts[1]]).to_numpy(float)
    if stat == "sd_divisor_n":
        value = float(diff.std(ddof=0))
    elif stat == "sd":
        value = float(diff.std(ddof=1))
    elif stat == "mean":
        value = float(diff.mean())
    else:
        return _result(CANNOT, f"No rule for {stat} of a comparison.")
    text = str(row["value"]).lstrip("+").strip()
    ok = holds(row["relation"], text, value, value, rounding)[0]
    return _result(CONSISTENT if ok else INCONSISTENT,
                   f"The {len(diff)} within-patient differences ({parts[0]} minus {parts[1]}) "
                   f"have a {'SD with divisor n' if stat == 'sd_divisor_n' else stat} of "
                   f"{value:.4f}; the paper says {row['value']}.", value,
                   f"{stat}/paired_differences")


def _claim_change(trial: Trial, row: pd.Series, rounding: str, **_: Any) -> dict[str, Any]:
    stat, outcome, arm = row["statistic"], row["outcome"], row["arm"]
    if trial.baseline is None:
        return _result(CANNOT, "The trial has no baseline to compute a change from.")
    tps = _ids(_followups(trial), row["timepoint"])
    text = str(row["value"]).lstrip("+").strip()
    results, shown = [], []
    for tp in tps:
        ch = _within_change(trial, outcome, arm, tp, rounding)
        if ch is None:
            return _result(CANNOT, f"No baseline and {tp} data for {outcome} in {arm}.")
        if stat == "sd_change":
            if "change_sd" not in ch:
                return _result(CANNOT, "The SD of the change needs patient data (or the "
                               "pre-post correlation); the summary table does not give it.")
            lo = hi = ch["change_sd"]
        else:
            lo, hi = ch["change_box"]
        results.append(holds(row["relation"], text, lo, hi, rounding)[0])
        val = ch["change_sd"] if stat == "sd_change" else ch["change"]
        exact = trial.ipd is not None
        shown.append(f"{val:.4f}{_unit(trial, outcome)} from "
                     f"{_label(trial, 'timepoint', trial.baseline).lower()} to "
                     f"{_label(trial, 'timepoint', tp).lower()}"
                     + ("" if exact else " (from the printed means)"))
    ok = all(results)
    name = "SD of the change" if stat == "sd_change" else "mean change"
    return _result(CONSISTENT if ok else INCONSISTENT,
                   f"The {name} in the {trial.arm(arm).label} arm is {'; '.join(shown)}; "
                   f"the paper says {_REL_WORDS.get(row['relation'], row['relation'])} "
                   f"{row['value']}.", math.nan, f"{stat}/from_data")


def _favoured_sign(trial: Trial, outcome: str) -> float | None:
    direction = trial.outcome(outcome).direction
    if direction is None:
        return None
    return 1.0 if direction == "higher_is_better" else -1.0


def _claim_smd(trial: Trial, row: pd.Series, rounding: str, **_: Any) -> dict[str, Any]:
    from trialkit import effects

    parts = str(row["comparison"]).split("-")
    if len(parts) != 2:
        return _result(CANNOT, "The statement names no comparison (arm-reference).")
    arm, ref = parts
    outcomes = _ids([o.id for o in trial.outcomes], row["outcome"])
    tps = _ids(_followups(trial), row["timepoint"])
    text = str(row["value"]).lstrip("+").strip()
    found = []
    for o in outcomes:
        sign = _favoured_sign(trial, o)
        for tp in tps:
            a, b = (_row_stats(trial, o, x, tp, rounding) for x in (arm, ref))
            if a is None or b is None:
                continue
            m1, m2 = a["mean_box"], b["mean_box"]
            s1, s2 = a["sd_box"], b["sd_box"]
            grid = np.array(np.meshgrid(m1, s1, m2, s2)).reshape(4, -1)
            grid = np.hstack([grid, [[a["mean"]], [a["sd"]], [b["mean"]], [b["sd"]]]])
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)
                g = effects.smd(grid[0], np.maximum(grid[1], 1e-9), a["n"], grid[2],
                                np.maximum(grid[3], 1e-9), b["n"], kind="hedges",
                                ci="normal")["estimate"].to_numpy()
            s = 1.0 if sign is None else sign
            g = g * s
            found.append((o, tp, float(g[-1]), float(g.min()), float(g.max())))
    if not found:
        return _result(CANNOT, "The data hold no matching comparison.")
    checks = [holds(row["relation"], text, lo, hi, rounding) for _, _, _, lo, hi in found]
    ok = all(c[0] for c in checks)
    robust = all(c[1] for c in checks)
    vals = [g for _, _, g, _, _ in found]
    lo_item = min(found, key=lambda x: x[2])
    tp_words = (f"at {_label(trial, 'timepoint', tps[0]).lower()}" if len(tps) == 1
                else "at every follow-up")
    label_arm = trial.arm(arm).label.lower()
    if len(found) == 1:
        detail = (f"Hedges' g {tp_words} is {vals[0]:.2f} in favour of {label_arm} "
                  f"(reported {_REL_WORDS.get(row['relation'], row['relation'])} {text}).")
    else:
        detail = (f"{'Every' if ok else 'Not every'} between-group Hedges' g {tp_words} "
                  f"favours {label_arm} by more than {text}" if row["relation"] in (">", ">=")
                  else f"Hedges' g {tp_words} ranges over {min(vals):.2f} to {max(vals):.2f}")
        detail += (f" ({len(found)} outcomes; g from {min(vals):.2f} for "
                   f"{_label(trial, 'outcome', lo_item[0])} to {max(vals):.2f}; "
                   f"positive = better with {label_arm}).")
    if ok and not robust:
        detail = detail[:-1] + "; within the rounding of the printed means and SDs only."
    return _result(CONSISTENT if ok else INCONSISTENT, detail, float(min(vals)),
                   "hedges_g/exact_J/follow-up/signed_by_direction")


def _claim_direction(trial: Trial, row: pd.Series, rounding: str, **_: Any) -> dict[str, Any]:
    expected = str(row["value"]).strip().lower()
    outcomes = _ids([o.id for o in trial.outcomes], row["outcome"])
    tps = _ids(_followups(trial), row["timepoint"])
    if row["comparison"]:
        parts = str(row["comparison"]).split("-")
        if len(parts) != 2:
            return _result(CANNOT, "The comparison must be written arm-reference.")
        arm, ref = parts
        bad, checked, ambiguous = [], 0, []
        for o in outcomes:
            sign = _favoured_sign(trial, o)
            if sign is None:
                return _result(CANNOT, f"{o} has no stated direction (higher or lower is "
                               f"better).")
            for tp in tps:
                c1 = _within_change(trial, o, arm, tp, rounding)
                c2 = _within_change(trial, o, ref, tp, rounding)
                if c1 is None or c2 is None:
                    continue
                diff = (c1["change"] - c2["change"]) * sign
                lo = (c1["change_box"][0] - c2["change_box"][1])
                hi = (c1["change_box"][1] - c2["change_box"][0])
                favoured = arm if diff > 0 else ref if diff < 0 else "neither"
                checked += 1
                if favoured != expected:
                    bad.append(f"{o} at {tp}")
                elif lo <= 0 <= hi:
                    ambiguous.append(f"{o} at {tp}")
        if not checked:
            return _result(CANNOT, "The data hold no matching comparison.")
        label = trial.arm(expected).label if expected in [a.id for a in trial.arms] else expected
        if bad:
            return _result(INCONSISTENT, f"The change from baseline does not favour {label} "
                           f"for {', '.join(bad)} ({checked} comparisons checked).")
        note = (f" (for {', '.join(ambiguous)} the sign is within the rounding of the printed "
                f"means)") if ambiguous else ""
        return _result(CONSISTENT, f"In all {checked} comparisons ({len(outcomes)} outcomes x "
                       f"{len(tps)} follow-ups) the change from baseline favours "
                       f"{label}{note}.", float(checked), "diff_in_change/sign_by_direction")
    arm = row["arm"]
    if arm in ("", "*"):
        return _result(CANNOT, "The statement names neither an arm nor a comparison.")
    want_better = expected in ("improved", "better", "improvement", "true")
    bad, shown = [], []
    for o in outcomes:
        sign = _favoured_sign(trial, o)
        if sign is None:
            return _result(CANNOT, f"{o} has no stated direction.")
        for tp in tps:
            ch = _within_change(trial, o, arm, tp, rounding)
            if ch is None:
                continue
            better = ch["change"] * sign > 0
            shown.append(f"{ch['change']:+.1f}{_unit(trial, o)} at "
                         f"{_label(trial, 'timepoint', tp).lower()}")
            if better != want_better:
                bad.append(tp)
    if not shown:
        return _result(CANNOT, "The data hold no matching change.")
    label = _label(trial, "outcome", outcomes[0]) if len(outcomes) == 1 else "the outcomes"
    ok = not bad
    return _result(CONSISTENT if ok else INCONSISTENT,
                   f"{label} in the {trial.arm(arm).label} arm changed by {', '.join(shown)} "
                   f"({'an improvement' if ok == want_better else 'not an improvement'} "
                   f"{'every time' if ok else 'at ' + ', '.join(bad)}).", math.nan,
                   "mean_change/sign_by_direction")


def _claim_mcid(trial: Trial, row: pd.Series, rounding: str, **_: Any) -> dict[str, Any]:
    arm = row["arm"]
    if arm in ("", "*"):
        return _result(CANNOT, "The statement names no arm whose change is meant.")
    outcomes = _ids([o.id for o in trial.outcomes], row["outcome"])
    tps = _ids(_followups(trial), row["timepoint"])
    expected = str(row["value"]).strip().lower() in ("true", "yes", "1")
    passed, failed, unknown, mdc_notes = [], [], [], []
    for o in outcomes:
        out = trial.outcome(o)
        sign = _favoured_sign(trial, o) or 1.0
        changes = []
        for tp in tps:
            ch = _within_change(trial, o, arm, tp, rounding)
            if ch is not None:
                changes.append((tp, ch["change"] * sign))
        if not changes:
            continue
        if out.mcid is None or not math.isfinite(float(out.mcid)):
            unknown.append(o)
            if out.mdc is not None and math.isfinite(float(out.mdc)):
                over = all(c > out.mdc for _, c in changes)
                mdc_notes.append((o, over))
            continue
        ok = all((c >= out.mcid) == expected for _, c in changes)
        desc = (f"{out.label.split('(')[0].strip()} improved by "
                f"{' and '.join(f'{c:.2f}' for _, c in changes)}{_unit(trial, o)} vs MCID "
                f"{out.mcid:g}")
        (passed if ok else failed).append(desc)
    if failed:
        return _result(INCONSISTENT, "; ".join(failed) + ": not beyond the MCID.")
    parts = []
    if passed:
        parts.append("; ".join(passed) + " (beyond the MCID)")
    if unknown:
        groups = sorted({trial.outcome(o).domain or o for o in unknown})
        mdc_over = [o for o, over in mdc_notes if over]
        text = (f"no MCID is recorded for {', '.join(g.replace('_', ' ') for g in groups)} "
                f"({len(unknown)} outcomes)")
        if mdc_over:
            text += (f"; {len(mdc_over)} of them change by more than their minimal detectable "
                     f"change, which measures error, not clinical importance")
        parts.append(text)
    if not parts:
        return _result(CANNOT, "The data hold no matching change.")
    verdict = CANNOT if unknown else CONSISTENT
    lead = "Only partly checkable: " if unknown and passed else ""
    return _result(verdict, lead + "; ".join(parts) + ".", math.nan, "mean_change_vs_mcid")


def _claim_inferential(trial: Trial, row: pd.Series, rounding: str, *,
                       recomputed: pd.DataFrame, **_: Any) -> dict[str, Any]:
    sub = recomputed[recomputed["id"] == row["id"]]
    if sub.empty:
        return _result(CANNOT, "Nothing could be recomputed for this statement.")
    if (sub["analysis"] == "").all():
        return _result(CANNOT, f"Cannot be recomputed: {sub['note'].iloc[0]}.")
    solved = sub["method"].astype(str).str.contains("/r_solved/")
    sub = sub.assign(key_r=sub["r"].where(~solved, np.nan), solved=solved)
    groups = sub.groupby(["analysis", "key_r"], dropna=False, sort=False)
    verdicts = groups.agg(n=("reproduces", "size"), ok=("reproduces", "all"),
                          solved=("solved", "all")).reset_index()
    good = verdicts[verdicts["ok"]]
    n_comp = int(verdicts["n"].max())
    stat = row["statistic"]
    what = {"p": "P", "t": "t", "F": "F", "df": "df", "ci": "the interval",
            "mean_difference": "the mean difference"}[stat]
    claim = f"{what} {_REL_WORDS.get(row['relation'], row['relation'])} {row['value']}"
    scope = f"all {n_comp} comparisons" if n_comp > 1 else "the comparison"
    tried = ", ".join(_ANALYSIS_NAMES.get(a, a) for a in dict.fromkeys(sub["analysis"]))
    named = str(row.get("test") or "") not in ("", "unknown")
    tried_note = "" if named else f" (the paper names no test; tried: {tried})"
    methods = "recompute_p/" + ",".join(sorted(set(sub["analysis"])))
    if good.empty:
        implausible = _implausible_only(sub)
        if implausible:
            return _result(INCONSISTENT, f"{claim} is reproduced only if {implausible}, which "
                           f"is implausible: negative pre-post correlations are very uncommon "
                           f"in clinical trials (Balk et al. 2012){tried_note}.", math.nan,
                           methods)
        best = sub.iloc[0]
        return _result(INCONSISTENT, f"No analysis reproduces {claim} for {scope}: "
                       f"{_analysis_phrase(best)} gives {_value_phrase(stat, best)}"
                       f"{tried_note}.", math.nan, methods)
    names = _describe_analyses(good, verdicts, sub)
    first = sub[(sub["analysis"] == good.iloc[0]["analysis"])]
    if not pd.isna(good.iloc[0]["key_r"]):
        first = first[first["r"] == good.iloc[0]["key_r"]]
    computed = float(first["p" if stat == "p" else "value_low"].max())
    return _result(CONSISTENT, f"{claim} holds for {scope} under {names}{tried_note}.",
                   computed, "recompute_p/" + ",".join(sorted(set(good["analysis"]))))


def _implausible_only(sub: pd.DataFrame) -> str:
    """For an r-solved analysis that reproduces every comparison, but only with r < 0:
    the words for those correlations (first comparison); else ""."""
    for _, grp in sub[sub["solved"]].groupby("analysis", sort=False):
        if grp["implausible_only"].all() or (grp["implausible_only"] | grp["reproduces"]).all():
            bad = grp[grp["implausible_only"]]
            if len(bad):
                return str(bad["r_ranges"].iloc[0])
    return ""


def _analysis_phrase(row: pd.Series) -> str:
    name = _ANALYSIS_NAMES.get(row["analysis"], row["analysis"])
    if "/r_solved/" in str(row.get("method", "")):
        return f"{name} (with any pre-post correlation r >= 0)"
    return name if pd.isna(row["r"]) else f"{name} with r = {row['r']:g}"


def _value_phrase(stat: str, row: pd.Series) -> str:
    solved = "/r_solved/" in str(row.get("method", ""))
    if solved or pd.isna(row.get(_POINT.get(stat, "p"))):
        lo, hi = row["value_low"], row["value_high"]
        if not (np.isfinite(lo) and np.isfinite(hi)):
            return "no finite value"
        name = {"p": "p", "t": "|t|", "F": "F", "df": "df", "ci": "interval ends",
                "mean_difference": "a difference"}[stat]
        return f"{name} from {lo:.3g} to {hi:.3g}"
    if stat == "p":
        return f"p = {row['p']:.3g}"
    if stat in ("t", "F"):
        return f"{'F' if stat == 'F' else 't'} = {row['statistic_value']:.3f}"
    if stat == "df":
        return f"df = {row['df']:.2f}"
    if stat == "ci":
        return f"{row['ci_low']:.3f} to {row['ci_high']:.3f}"
    return f"{row['estimate']:.3f}"


_POINT = {"p": "p", "t": "statistic_value", "F": "statistic_value", "df": "df",
          "ci": "ci_low", "mean_difference": "estimate"}


def _describe_analyses(good: pd.DataFrame, allv: pd.DataFrame, sub: pd.DataFrame) -> str:
    phrases = []
    for analysis in dict.fromkeys(good["analysis"]):
        g = good[good["analysis"] == analysis]
        name = _ANALYSIS_NAMES.get(analysis, analysis)
        if g["solved"].all():
            ok = sub[(sub["analysis"] == analysis) & sub["reproduces"]]
            hard = ok.loc[ok["r_low"].idxmax()] if ok["r_low"].notna().any() else ok.iloc[0]
            words = str(hard["r_ranges"])
            cond = words if words.startswith("whatever") else f"if {words}"
            many = (f", the most demanding of {len(ok)} comparisons"
                    if len(ok) > 1 and not words.startswith("whatever") else "")
            phrases.append(f"{name} {cond} (one r for both arms{many})")
            continue
        rs = g["key_r"]
        if rs.isna().all():
            phrases.append(name)
            continue
        all_rs = allv.loc[allv["analysis"] == analysis, "key_r"].dropna().sort_values()
        ok_rs = rs.dropna().sort_values()
        if len(ok_rs) == len(all_rs):
            phrases.append(f"{name} (every r tried, {all_rs.min():g} to {all_rs.max():g})")
        else:
            listed = ", ".join(f"{v:g}" for v in ok_rs)
            phrases.append(f"{name} only for r = {listed}")
    if len(phrases) > 1:
        return ", ".join(phrases[:-1]) + " and " + phrases[-1]
    return phrases[0]


_HANDLERS: dict[str, Callable[..., dict[str, Any]]] = {
    "n": _claim_n,
    "n_arm": _claim_n_arm,
    "percent_female": _claim_percent_female,
    "percent_change": _claim_percent_change,
    "percent_of_baseline": _claim_percent_change,
    "mean": _claim_descriptive,
    "sd": _claim_descriptive,
    "sd_divisor_n": _claim_descriptive,
    "median": _claim_descriptive,
    "min": _claim_descriptive,
    "max": _claim_descriptive,
    "mean_change": _claim_change,
    "sd_change": _claim_change,
    "smd": _claim_smd,
    "direction": _claim_direction,
    "mcid_exceeded": _claim_mcid,
    **{s: _claim_inferential for s in P_STATISTICS},
}


def claims(trial: Trial, r: float | None = None, *, rounding: str = "up_or_down"
           ) -> pd.DataFrame:
    """Check every statement in ``trial.reported`` against the trial's own numbers.

    Each statement (one row of ``reported.csv``) gets a verdict, ``"consistent"``,
    ``"inconsistent"`` or ``"cannot check"``, and one sentence saying why. Printed numbers
    are compared as printed: ``~ -33`` (percent change) holds when the recomputed change
    rounds to -33 for some means within the rounding of the printed ones; ``> 0.56`` for
    outcome ``*`` holds when every matching comparison exceeds 0.56 in the favoured
    direction.

    Rules by statistic:

    - ``n``: patients randomized (or measured at the timepoint given); ``n_arm``: each
      arm's size (``~`` allows the nearest whole numbers, as for 8.5 of 17);
    - ``percent_female``: the patients' recorded sex where the data carry it, otherwise
      whether a whole number of women gives the percentage (GRIM for percentages);
    - ``percent_change`` / ``percent_of_baseline``: within-arm change relative to the arm's
      baseline mean, over the rounding box of the printed means;
    - ``mean``, ``sd``, ``sd_divisor_n``, ``median``, ``min``, ``max``: the summary table (or
      the within-patient differences of a crossover comparison);
    - ``mean_change``, ``sd_change``: change from baseline (the SD needs patient data);
    - ``smd``: Hedges' g at follow-up, signed so that positive favours the first arm of the
      comparison given the outcome's direction;
    - ``direction``: which arm the change from baseline favours (comparison), or whether an
      arm improved (arm);
    - ``mcid_exceeded``: within-arm improvement against each outcome's MCID (outcomes
      without one cannot be checked);
    - ``p``, ``t``, ``df``, ``ci``, ``mean_difference``: :func:`recompute_p`.

    Anything else is "cannot check", with the reason.

    Parameters
    ----------
    trial : Trial
    r : float, optional
        Pre-post correlation for summary-only change and ANCOVA analyses; by default several
        values are tried (see :func:`recompute_p`).
    rounding : str, default "up_or_down"
        Rounding scheme of printed numbers.

    Returns
    -------
    pandas.DataFrame
        ``id, statistic, outcome, arm, timepoint, comparison, relation, reported, computed,
        verdict, detail, method, source``.

    References
    ----------
    Brown & Heathers (2017), GRIM (percentages of whole counts); Nuijten et al. (2016),
    statcheck (printed values stand for intervals).

    Examples
    --------
    >>> import trialkit
    >>> from trialkit.checks import claims
    >>> res = claims(trialkit.load("mejuto2014"))
    >>> res.set_index("id").loc[["n_total", "pain_pct_10min"], "verdict"].tolist()
    ['consistent', 'consistent']
    """
    rounding = num.check_rounding(rounding)
    reported = trial.reported
    columns = ["id", "statistic", "outcome", "arm", "timepoint", "comparison", "relation",
               "reported", "computed", "verdict", "detail", "method", "source"]
    if reported.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    reported = reported.fillna("")
    needs_p = reported["statistic"].isin(P_STATISTICS).any()
    recomputed = recompute_p(trial, r=r, rounding=rounding) if needs_p else None
    rows = []
    for _, row in reported.iterrows():
        handler = _HANDLERS.get(str(row["statistic"]))
        if handler is None:
            res = _result(CANNOT, f"trialkit has no rule to check a {row['statistic']!r} "
                          f"statement.")
        else:
            try:
                res = handler(trial, row, rounding, recomputed=recomputed)
            except (TrialDataError, KeyError, ValueError) as exc:
                res = _result(CANNOT, f"Could not be checked: {exc}.")
        res = no_nan_sentence(res)
        rows.append({"id": row["id"], "statistic": row["statistic"], "outcome": row["outcome"],
                     "arm": row["arm"], "timepoint": row["timepoint"],
                     "comparison": row["comparison"], "relation": row["relation"],
                     "reported": row["value"], **res, "source": row["source"]})
    return pd.DataFrame(rows, columns=columns)
