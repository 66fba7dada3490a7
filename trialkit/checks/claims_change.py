"""Claims about change from baseline: percent change, mean change and its SD, which arm the
change favours, and change against the MCID."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import pandas as pd

from trialkit.checks._claims_common import (
    _REL_WORDS,
    CANNOT,
    CONSISTENT,
    INCONSISTENT,
    _favoured_sign,
    _fmt_value,
    _followups,
    _ids,
    _label,
    _result,
    _unit,
    _within_change,
)
from trialkit.checks._reported import holds

if TYPE_CHECKING:
    from trialkit.trial import Trial


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

