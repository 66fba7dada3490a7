"""Claims about between-arm effects: standardized mean differences, and p, t, F, df, CI or
mean difference statements matched by :func:`trialkit.checks.recompute_p`."""

from __future__ import annotations

import math
import warnings
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from trialkit.checks._claims_common import (
    _ANALYSIS_NAMES,
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
    _row_stats,
)
from trialkit.checks._reported import Range, holds, statement_range

if TYPE_CHECKING:
    from trialkit.trial import Trial


def _claim_smd(trial: Trial, row: pd.Series, rounding: str, **_: Any) -> dict[str, Any]:
    """A printed standardized mean difference at follow-up, against Hedges' g and Cohen's d.

    Papers print either estimator, and often call Hedges' g "d": the statement is
    consistent when every comparison it covers reproduces it as Hedges' g, or every one as
    Cohen's d (the detail says which), and inconsistent only when neither does.
    """
    parts = str(row["comparison"]).split("-")
    if len(parts) != 2:
        return _result(CANNOT, "The statement names no comparison (arm-reference).")
    arm, ref = parts
    text = str(row["value"]).lstrip("+").strip()
    found = _smd_ranges(trial, row, arm, ref, rounding)
    if not found:
        return _result(CANNOT, "The data hold no matching comparison.")
    checks = {kind: [holds(row["relation"], text, *f[kind][1:], rounding) for f in found]
              for kind in ("g", "d")}
    kind = next((k for k in ("g", "d") if all(c[0] for c in checks[k])), None)
    ok = kind is not None
    robust = ok and all(c[1] for c in checks[kind])
    shown = kind or "g"
    vals = [f[shown][0] for f in found]
    name = {"g": "Hedges' g", "d": "Cohen's d"}[shown]
    tps = _ids(_followups(trial), row["timepoint"])
    tp_words = (f"at {_label(trial, 'timepoint', tps[0]).lower()}" if len(tps) == 1
                else "at every follow-up")
    label_arm = trial.arm(arm).label.lower()
    reported = f"reported {_REL_WORDS.get(row['relation'], row['relation'])} {text}"
    if len(found) == 1:
        other = "" if kind == "g" else (
            f" (Cohen's d {found[0]['d'][0]:.2f})" if kind is None
            else f" (Hedges' g, {found[0]['g'][0]:.2f}, would not print so)")
        detail = f"{name} {tp_words} is {vals[0]:.2f}{other} in favour of {label_arm} ({reported})."
    else:
        lo_item = min(found, key=lambda f: f[shown][0])
        detail = (f"{'Every' if ok else 'Not every'} between-group {name} {tp_words} "
                  f"favours {label_arm} by more than {text}" if row["relation"] in (">", ">=")
                  else f"{name} {tp_words} ranges over {min(vals):.2f} to {max(vals):.2f}")
        detail += (f" ({len(found)} outcomes; {shown} from {min(vals):.2f} for "
                   f"{_label(trial, 'outcome', lo_item['outcome'])} to {max(vals):.2f}; "
                   f"positive = better with {label_arm}"
                   + ("; neither Hedges' g nor Cohen's d reproduces it" if not ok else "")
                   + ").")
    if ok and not robust:
        detail = detail[:-1] + "; within the rounding of the printed means and SDs only."
    method = {"g": "hedges_g/exact_J", "d": "cohen_d/pooled_sd"}[shown]
    return _result(CONSISTENT if ok else INCONSISTENT, detail, float(min(vals)),
                   f"{method}/follow-up/signed_by_direction")


def _smd_ranges(trial: Trial, row: pd.Series, arm: str, ref: str,
                rounding: str) -> list[dict[str, Any]]:
    """Per outcome and follow-up the statement covers: Hedges' g and Cohen's d of ``arm``
    against ``ref`` as (value at the printed numbers, least, greatest) over the rounding box
    of the printed means and SDs, signed so that positive favours ``arm``."""
    from trialkit import effects

    found = []
    for o in _ids([o.id for o in trial.outcomes], row["outcome"]):
        s = _favoured_sign(trial, o)
        s = 1.0 if s is None else s
        for tp in _ids(_followups(trial), row["timepoint"]):
            a, b = (_row_stats(trial, o, x, tp, rounding) for x in (arm, ref))
            if a is None or b is None:
                continue
            grid = np.array(np.meshgrid(a["mean_box"], a["sd_box"], b["mean_box"],
                                        b["sd_box"])).reshape(4, -1)
            grid = np.hstack([grid, [[a["mean"]], [a["sd"]], [b["mean"]], [b["sd"]]]])
            entry: dict[str, Any] = {"outcome": o, "timepoint": tp}
            for key, kind in (("g", "hedges"), ("d", "cohen")):
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", UserWarning)
                    v = s * effects.smd(grid[0], np.maximum(grid[1], 1e-9), a["n"], grid[2],
                                        np.maximum(grid[3], 1e-9), b["n"], kind=kind,
                                        ci="normal")["estimate"].to_numpy()
                entry[key] = (float(v[-1]), float(v.min()), float(v.max()))
            found.append(entry)
    return found


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
    if (sub["comparison"] == "*").all():
        scope = "the arms"
    tried = ", ".join(_ANALYSIS_NAMES.get(a, a) for a in dict.fromkeys(sub["analysis"]))
    named = str(row.get("test") or "") not in ("", "unknown")
    tried_note = "" if named else f" (the paper names no test; tried: {tried})"
    methods = "recompute_p/" + ",".join(sorted(set(sub["analysis"])))
    if good.empty:
        return _not_reproduced(trial, row, sub, claim, scope, named, methods)
    names = _describe_analyses(good, verdicts, sub)
    first = sub[(sub["analysis"] == good.iloc[0]["analysis"])]
    if not pd.isna(good.iloc[0]["key_r"]):
        first = first[first["r"] == good.iloc[0]["key_r"]]
    computed = float(first["p" if stat == "p" else "value_low"].max())
    text = (f"{claim} holds {'across' if scope == 'the arms' else 'for'} {scope} under "
            f"{names}{tried_note}.")
    if row["timepoint"] and row["timepoint"] == trial.baseline:
        text = text.replace(" at follow-up", " on the baseline values")
    return _result(CONSISTENT, _at_timepoint(trial, row, text), computed,
                   "recompute_p/" + ",".join(sorted(set(good["analysis"]))))


#: Why a statement no analysis reproduces is not called wrong when the paper names no test.
_UNNAMED = ("the paper names no test, and one not tried here (an adjusted model, a rank test) "
            "may give it")


def _not_reproduced(trial: Trial, row: pd.Series, sub: pd.DataFrame, claim: str, scope: str,
                    named: bool, methods: str) -> dict[str, Any]:
    """The verdict on a statement no analysis tried reproduces: inconsistent when the paper
    names its test (the named test, on the printed numbers, does not give it); "cannot check"
    when it names none, since summary data cannot rule out the analyses not tried. A
    restated value that contradicts it can still prove it wrong (:mod:`.restated`)."""
    impossible = _impossible(str(row["statistic"]), str(row["relation"]), str(row["value"]))
    verdict = INCONSISTENT if named or impossible else CANNOT
    tried = ", ".join(_ANALYSIS_NAMES.get(a, a) for a in dict.fromkeys(sub["analysis"]))
    why = f"; {impossible}" if impossible else "" if named else f"; {_UNNAMED}"
    implausible = _implausible_only(sub)
    if implausible:
        return _result(verdict, f"{claim} is reproduced only if {implausible}, which is "
                       f"implausible: negative pre-post correlations are very uncommon in "
                       f"clinical trials (Balk et al. 2012){why}.", math.nan, methods)
    best = sub.iloc[0]
    lead = "No analysis reproduces" if named else f"None of the analyses tried ({tried}) reproduces"
    text = (f"{lead} {claim} for {scope}: {_analysis_phrase(best)} gives "
            f"{_value_phrase(str(row['statistic']), best)}{why}.")
    if row["timepoint"] and row["timepoint"] == trial.baseline:
        text = text.replace(" at follow-up", " on the baseline values")
    return _result(verdict, _at_timepoint(trial, row, text), math.nan, methods)


#: The values each statistic can take, whatever the test.
_POSSIBLE = {"p": Range(0.0, 1.0, False, False), "F": Range(0.0, math.inf, False, True),
             "df": Range(0.0, math.inf, False, True)}


def _impossible(stat: str, relation: str, value: str) -> str:
    """Why ``stat relation value`` is impossible under any test ("" when it is possible):
    a negative F or df, a p outside 0 to 1 (``= -0.061``, ``< 0``, ``> 1``)."""
    stated = statement_range(relation, value) if stat in _POSSIBLE else None
    if stated is None:
        return ""
    possible = _POSSIBLE[stat]
    if stated.before(possible):
        name = {"p": "a p value", "F": "an F statistic", "df": "degrees of freedom"}[stat]
        return f"{name} cannot be negative, whatever the test"
    if possible.before(stated):
        return "a p value cannot exceed 1, whatever the test"
    return ""


def _at_timepoint(trial: Trial, row: pd.Series, text: str) -> str:
    """A trial that prints no baseline: "at follow-up" becomes "at <the timepoint's label>"
    (its only timepoints are the printed ones, e.g. "Pre-test to post-test")."""
    if not (row["timepoint"] and trial.no_baseline):
        return text
    return text.replace(" at follow-up", f" at {trial.timepoint(row['timepoint']).label}")


def _implausible_only(sub: pd.DataFrame) -> str:
    """For an r-solved analysis that reproduces every comparison, but only with r < 0:
    the words for those correlations (first comparison); else ""."""
    for _, grp in sub[sub["solved"]].groupby("analysis", sort=False):
        if grp["implausible_only"].all() or (grp["implausible_only"] | grp["reproduces"]).all():
            bad = grp[grp["implausible_only"]]
            if len(bad):
                per_arm = str(bad["r_arms"].iloc[0] or "") if "r_arms" in bad else ""
                return str(bad["r_ranges"].iloc[0]) + (f" ({per_arm})" if per_arm else "")
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
        if sub.loc[sub["analysis"] == analysis, "method"].astype(str).str.contains(
                "on_printed_change").any():
            name += " (the printed change SDs, no r needed)"
        if g["solved"].all():
            ok = sub[(sub["analysis"] == analysis) & sub["reproduces"]]
            hard = ok.loc[ok["r_low"].idxmax()] if ok["r_low"].notna().any() else ok.iloc[0]
            words = str(hard["r_ranges"])
            cond = words if words.startswith("whatever") else f"if {words}"
            many = (f", the most demanding of {len(ok)} comparisons"
                    if len(ok) > 1 and not words.startswith("whatever") else "")
            per_arm = str(hard.get("r_arms") or "")
            arms = "all arms" if "anova" in analysis else "both arms"
            phrases.append(f"{name} {cond} (one r for {arms}{many}"
                           f"{'; ' + per_arm if per_arm else ''})")
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



def _geary(res: Any, m1: float, sd1: float, n1: int, m2: float, sd2: float,
           n2: int) -> tuple[bool, float, float]:
    """Geary's condition per arm (mean x sqrt(n) / SD >= 3; Lajeunesse 2015, Hedges et al.
    1999): from ``effects.ratio_of_means``'s ``geary_ok`` when it has one, else by hand."""
    g1 = m1 * math.sqrt(n1) / sd1 if sd1 > 0 else math.inf
    g2 = m2 * math.sqrt(n2) / sd2 if sd2 > 0 else math.inf
    if res is not None and "geary_ok" in res.columns:
        return (bool(res["geary_ok"].iloc[0]), float(res.get("geary1", [g1])[0]),
                float(res.get("geary2", [g2])[0]))
    return g1 >= 3 and g2 >= 3, g1, g2


def _claim_ratio(trial: Trial, row: pd.Series, rounding: str, **_: Any) -> dict[str, Any]:
    """A ratio of means (arm / reference) at a follow-up, over the rounding box of the printed
    means; flagged unreliable where Geary's condition fails."""
    from trialkit import effects

    parts = str(row["comparison"]).split("-")
    if len(parts) != 2 or row["outcome"] in ("", "*") or row["timepoint"] in ("", "*"):
        return _result(CANNOT, "A ratio of means needs one outcome, one timepoint and a "
                       "comparison arm-reference.")
    a, b = (_row_stats(trial, row["outcome"], x, row["timepoint"], rounding) for x in parts)
    if a is None or b is None:
        return _result(CANNOT, "The data hold no matching comparison.")
    (l1, h1), (l2, h2) = a["mean_box"], b["mean_box"]
    if min(l1, l2) <= 0:
        return _result(CANNOT, "A ratio of means needs both means above zero.")
    low, high = l1 / h2, h1 / l2
    value = a["mean"] / b["mean"]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = effects.ratio_of_means(a["mean"], a["sd"], a["n"], b["mean"], b["sd"],
                                         b["n"], bias_correction=False)
    except (ValueError, TypeError):
        res = None
    ok, g1, g2 = _geary(res, a["mean"], a["sd"], a["n"], b["mean"], b["sd"], b["n"])
    text = str(row["value"]).lstrip("+").strip()
    possible = holds(row["relation"], text, low, high, rounding)[0]
    detail = (f"{_fmt_value(a, 'mean')} / {_fmt_value(b, 'mean')} = {value:.3f} (within the "
              f"rounding, {low:.3f} to {high:.3f}); the paper says "
              f"{_REL_WORDS.get(row['relation'], row['relation'])} {row['value']}")
    if not ok:
        detail += (f"; the ratio is unreliable: Geary's condition (mean x sqrt(n) / SD >= 3) "
                   f"fails ({g1:.2f} and {g2:.2f}), so its interval and any bias correction "
                   f"cannot be trusted")
    return _result(CONSISTENT if possible else INCONSISTENT, detail + ".", value,
                   "ratio_of_means/plain" + ("" if ok else "/geary=fail"))
