"""Recompute a trial's between-group tests under each plausible analysis, and match them to
the p values, t statistics, degrees of freedom, intervals and differences the paper reports.
"""

from __future__ import annotations

import itertools
import re
import warnings
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from trialkit.checks import _numbers as num
from trialkit.errors import TrialDataError

if TYPE_CHECKING:
    from trialkit.trial import Trial

__all__ = ["DEFAULT_R_VALUES", "recompute_p"]

#: Pre-post correlations tried for change-score and ANCOVA analyses of summary-only trials.
DEFAULT_R_VALUES = (0.0, 0.2, 0.4, 0.5, 0.6, 0.8)
#: The reported statistics :func:`recompute_p` matches.
P_STATISTICS = ("p", "t", "df", "ci", "mean_difference")
RELATIONS = ("=", "~", "<", ">", "<=", ">=")


# ------------------------------------------------------------------------------------------
# reported numbers: their rounding intervals and whether a computed range satisfies them
# ------------------------------------------------------------------------------------------


def text_interval(text: str, rounding: str = "up_or_down") -> tuple[float, float, int]:
    """The interval of true values a printed number stands for: (low, high, decimals)."""
    rep = num.parse_reported(str(text).replace("\u2212", "-").strip(), "value")
    lo, hi, _, _ = num.bounds(rep.X, rep.d, rounding)
    M = 2.0 * 10.0 ** float(rep.d[0])
    return float(lo[0]) / M, float(hi[0]) / M, int(rep.d[0])


def holds(relation: str, text: str, low: float, high: float,
          rounding: str = "up_or_down") -> tuple[bool, bool]:
    """Does a computed range ``[low, high]`` satisfy ``relation text``?

    Returns (possible, robust): possible when some value in the range satisfies it (the
    exact value, known only up to the rounding of the inputs, could), robust when every
    value does. ``=`` and ``~`` compare with the rounding interval of the printed number.
    """
    relation = "=" if relation == "~" else relation
    if relation == "=":
        rl, rh, _ = text_interval(text, rounding)
        return bool(low <= rh and high >= rl), bool(rl <= low and high <= rh)
    v = float(num.parse_reported(str(text).strip(), "value").value[0])
    if relation == "<":
        return bool(low < v), bool(high < v)
    if relation == "<=":
        return bool(low <= v), bool(high <= v)
    if relation == ">":
        return bool(high > v), bool(low > v)
    if relation == ">=":
        return bool(high >= v), bool(low >= v)
    raise TrialDataError(f"unknown relation {relation!r}", field="relation")


_CI_RE = re.compile(r"^\s*[\[(]?\s*([-\u2212+]?\d*\.?\d+)\s*"
                    r"(?:,|;|to|\u2013|\u2014|-(?=\s*[-\u2212]?\d))"
                    r"\s*([-\u2212+]?\d*\.?\d+)\s*[\])]?\s*$")


def parse_ci(text: str) -> tuple[str, str]:
    """Split a printed interval ("1.2 to 3.4", "[-0.5, 2.1]", "1.2-3.4") into two texts."""
    m = _CI_RE.match(str(text))
    if not m:
        raise TrialDataError(f"expected an interval such as '1.2 to 3.4', got {text!r}",
                             field="value")
    return m.group(1).replace("\u2212", "-"), m.group(2).replace("\u2212", "-")


# ------------------------------------------------------------------------------------------
# the rounding box of summary inputs
# ------------------------------------------------------------------------------------------


def _box(row: pd.Series, col: str, rounding: str, positive: bool = False) -> tuple[
        float, float, float]:
    """(low, high, centre) of a summary value: its rounding interval when printed."""
    value = float(row[col])
    text = row.get(f"{col}_text") if f"{col}_text" in row.index else None
    if text is None or pd.isna(text):
        return value, value, value
    lo, hi, _ = text_interval(str(text), rounding)
    if positive:
        lo = max(lo, min(1e-9, value) if value > 0 else 1e-9)
    return lo, hi, value


def _corners(inputs: dict[str, tuple[float, float, float]]) -> dict[str, np.ndarray]:
    """Every corner of the box, then the centre (last element)."""
    names = list(inputs)
    grid = np.array(list(itertools.product((0, 1), repeat=len(names))), dtype=int)
    out = {}
    for i, name in enumerate(names):
        lo, hi, c = inputs[name]
        out[name] = np.append(np.where(grid[:, i] == 0, lo, hi), c)
    return out


def _ranges(res: pd.DataFrame) -> dict[str, Any]:
    """Point values (centre = last row) and ranges (min, max over all rows)."""
    out: dict[str, Any] = {}
    for col in ("estimate", "ci_low", "ci_high", "statistic", "df", "p"):
        if col not in res.columns:
            continue
        values = res[col].to_numpy(float)
        key = col
        if col == "statistic":
            values, key = np.abs(values), "statistic_value"
        out[key] = float(values[-1])
        out[f"{key}_low"] = float(np.nanmin(values))
        out[f"{key}_high"] = float(np.nanmax(values))
    return out


# ------------------------------------------------------------------------------------------
# comparisons and analyses
# ------------------------------------------------------------------------------------------


def comparisons(trial: Trial) -> list[dict[str, str]]:
    """Every arm-versus-reference comparison at every follow-up (or, for a crossover
    without baseline, every timepoint)."""
    ref = trial.reference_arm
    base = trial.baseline
    times = [t.id for t in trial.timepoints if t.id != base]
    have = set(zip(trial.summary["outcome"], trial.summary["arm"], trial.summary["timepoint"],
                   strict=True))
    out = []
    for o in trial.outcomes:
        for tp in times:
            for a in trial.arms:
                if a.id == ref or (o.id, a.id, tp) not in have or (o.id, ref, tp) not in have:
                    continue
                out.append({"outcome": o.id, "timepoint": tp, "arm": a.id, "reference": ref,
                            "comparison": f"{a.id}-{ref}"})
    return out


def _quiet(func: Callable[..., pd.DataFrame], *args: Any, **kwargs: Any) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return func(*args, **kwargs)


def _summary_analyses(trial: Trial, comp: dict[str, str], r_values: Sequence[float],
                      rounding: str) -> list[dict[str, Any]]:
    from trialkit import effects

    s = trial.summary.set_index(["outcome", "arm", "timepoint"])
    o, tp, a, ref = comp["outcome"], comp["timepoint"], comp["arm"], comp["reference"]
    post1, post2 = s.loc[(o, a, tp)], s.loc[(o, ref, tp)]
    n1, n2 = int(post1["n"]), int(post2["n"])
    rows: list[dict[str, Any]] = []
    follow = {"m1": _box(post1, "mean", rounding), "sd1": _box(post1, "sd", rounding, True),
              "m2": _box(post2, "mean", rounding), "sd2": _box(post2, "sd", rounding, True)}
    c = _corners(follow)
    for name, pooled in (("student_followup", True), ("welch_followup", False)):
        res = _quiet(effects.mean_difference, c["m1"], c["sd1"], n1, c["m2"], c["sd2"], n2,
                     pooled=pooled)
        rows.append({"analysis": name, "r": np.nan, "method": str(res["method"].iloc[0]),
                     **_ranges(res)})
    base = trial.baseline
    if base is None or (o, a, base) not in s.index or (o, ref, base) not in s.index:
        return rows
    pre1, pre2 = s.loc[(o, a, base)], s.loc[(o, ref, base)]
    if int(pre1["n"]) != n1 or int(pre2["n"]) != n2:
        n1c, n2c = min(n1, int(pre1["n"])), min(n2, int(pre2["n"]))
    else:
        n1c, n2c = n1, n2
    full = {"m1_pre": _box(pre1, "mean", rounding), "sd1_pre": _box(pre1, "sd", rounding, True),
            "m1_post": follow["m1"], "sd1_post": follow["sd1"],
            "m2_pre": _box(pre2, "mean", rounding), "sd2_pre": _box(pre2, "sd", rounding, True),
            "m2_post": follow["m2"], "sd2_post": follow["sd2"]}
    cc = _corners(full)
    args = [cc[k] for k in full]
    for r in r_values:
        res = _quiet(effects.diff_in_change, *args, n1c, n2c, r=r)
        rows.append({"analysis": "welch_change", "r": float(r),
                     "method": str(res["method"].iloc[0]), **_ranges(res)})
        sdc1 = effects.sd_change(cc["sd1_pre"], cc["sd1_post"], r)
        sdc2 = effects.sd_change(cc["sd2_pre"], cc["sd2_post"], r)
        res = _quiet(effects.mean_difference, cc["m1_post"] - cc["m1_pre"], sdc1, n1c,
                     cc["m2_post"] - cc["m2_pre"], sdc2, n2c, pooled=True)
        rows.append({"analysis": "student_change", "r": float(r),
                     "method": f"{res['method'].iloc[0]}/on_change/r={r:g}(assumed)",
                     **_ranges(res)})
        if abs(r) < 1:
            res = _quiet(effects.ancova_from_summary, *args, n1c, n2c, r=r)
            rows.append({"analysis": "ancova", "r": float(r),
                         "method": str(res["method"].iloc[0]), **_ranges(res)})
    return rows


def _ipd_analyses(trial: Trial, comp: dict[str, str]) -> list[dict[str, Any]]:
    from trialkit import effects

    ipd = trial.ipd
    o, tp, a, ref = comp["outcome"], comp["timepoint"], comp["arm"], comp["reference"]
    rows: list[dict[str, Any]] = []
    at = ipd[(ipd["outcome"] == o) & (ipd["timepoint"] == tp)]
    if trial.design == "crossover":
        from trialkit.ipd import paired

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # too few pairs: no row, as before
            res = paired(trial, o, timepoint=tp, arm=a, reference=ref)
        res = res[res["measure"] == "mean_difference"]
        if len(res):
            pt = res.iloc[0]
            rows.append({"analysis": "paired_t", "r": np.nan, "method": str(pt["method"]),
                         "estimate": float(pt["estimate"]), "ci_low": float(pt["ci_low"]),
                         "ci_high": float(pt["ci_high"]),
                         "statistic_value": abs(float(pt["statistic"])),
                         "df": float(pt["df"]), "p": float(pt["p"])})
        for row in rows:
            for col in ("estimate", "ci_low", "ci_high", "statistic_value", "df", "p"):
                row[f"{col}_low"] = row[f"{col}_high"] = row[col]
        return rows
    x1 = at.loc[at["arm"] == a, "value"].to_numpy(float)
    x2 = at.loc[at["arm"] == ref, "value"].to_numpy(float)
    for name, pooled in (("student_followup", True), ("welch_followup", False)):
        res = _quiet(effects.mean_difference, x1.mean(), x1.std(ddof=1), x1.size, x2.mean(),
                     x2.std(ddof=1), x2.size, pooled=pooled)
        rows.append({"analysis": name, "r": np.nan, "method": str(res["method"].iloc[0]),
                     **_ranges(res)})
    if trial.baseline is not None:
        from trialkit.ipd import ancova, baseline_followup

        wide = baseline_followup(trial, o, tp)
        c1 = wide.loc[wide["arm"] == a, "change"].to_numpy(float)
        c2 = wide.loc[wide["arm"] == ref, "change"].to_numpy(float)
        if c1.size >= 2 and c2.size >= 2:
            for name, pooled in (("student_change", True), ("welch_change", False)):
                res = _quiet(effects.mean_difference, c1.mean(), c1.std(ddof=1), c1.size,
                             c2.mean(), c2.std(ddof=1), c2.size, pooled=pooled)
                rows.append({"analysis": name, "r": np.nan,
                             "method": f"{res['method'].iloc[0]}/on_observed_change",
                             **_ranges(res)})
            an = ancova(trial, o, tp)
            an = an[an["arm"] == a]
            if len(an):
                rows.append({"analysis": "ancova", "r": np.nan,
                             "method": str(an["method"].iloc[0]), **_ranges(an)})
    return rows


def _analyses(trial: Trial, r_values: Sequence[float], rounding: str) -> pd.DataFrame:
    rows = []
    for comp in comparisons(trial):
        found = (_ipd_analyses(trial, comp) if trial.ipd is not None
                 else _summary_analyses(trial, comp, r_values, rounding))
        for row in found:
            rows.append({**comp, **row})
    return pd.DataFrame(rows)


# ------------------------------------------------------------------------------------------
# matching reported statements
# ------------------------------------------------------------------------------------------

_STAT_COLUMN = {"p": "p", "t": "statistic_value", "df": "df", "mean_difference": "estimate"}


def _select(table: pd.DataFrame, row: pd.Series, trial: Trial) -> tuple[pd.DataFrame, str]:
    """The computed comparisons a reported statement is about, or a reason it cannot be
    checked."""
    outcome, timepoint, comparison = (str(row.get(k) or "") for k in
                                      ("outcome", "timepoint", "comparison"))
    if not comparison:
        return table.iloc[0:0], "the statement names no between-arm comparison"
    if table.empty:
        return table, "the trial has no between-arm comparison that trialkit can recompute"
    sel = table[table["comparison"] == comparison]
    if sel.empty:
        parts = comparison.split("-")
        if len(parts) == 2:
            sel = table[(table["arm"] == parts[1]) & (table["reference"] == parts[0])]
            if not sel.empty:
                sel = sel.copy()
                sel["estimate"], sel["estimate_low"], sel["estimate_high"] = (
                    -sel["estimate"], -sel["estimate_high"], -sel["estimate_low"])
                lo, hi = -sel["ci_high"], -sel["ci_low"]
                lo_l, lo_h = -sel["ci_high_high"], -sel["ci_high_low"]
                hi_l, hi_h = -sel["ci_low_high"], -sel["ci_low_low"]
                sel["ci_low"], sel["ci_high"] = lo, hi
                sel["ci_low_low"], sel["ci_low_high"] = lo_l, lo_h
                sel["ci_high_low"], sel["ci_high_high"] = hi_l, hi_h
        if sel.empty:
            return sel, f"no comparison {comparison!r} can be recomputed from the data"
    if outcome and outcome != "*":
        sel = sel[sel["outcome"] == outcome]
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


def _match(sel: pd.DataFrame, row: pd.Series, rounding: str) -> pd.DataFrame:
    stat = str(row["statistic"])
    rel, text = str(row["relation"]), str(row["value"])
    out = sel.copy()
    if stat == "ci":
        lo_t, hi_t = parse_ci(text)
        res = [(holds("=", lo_t, a, b, rounding), holds("=", hi_t, c, d, rounding)) for
               a, b, c, d in zip(out["ci_low_low"], out["ci_low_high"], out["ci_high_low"],
                                 out["ci_high_high"], strict=True)]
        out["reproduces"] = [x[0][0] and x[1][0] for x in res]
        out["robust"] = [x[0][1] and x[1][1] for x in res]
        out["value_low"], out["value_high"] = out["ci_low_low"], out["ci_high_high"]
        return out
    col = _STAT_COLUMN[stat]
    text_cmp = text.lstrip("+") if stat != "t" else text.lstrip("+-\u2212")
    res = [holds(rel, text_cmp, lo, hi, rounding)
           for lo, hi in zip(out[f"{col}_low"], out[f"{col}_high"], strict=True)]
    out["reproduces"] = [x[0] for x in res]
    out["robust"] = [x[1] for x in res]
    out["value_low"], out["value_high"] = out[f"{col}_low"], out[f"{col}_high"]
    return out


def recompute_p(trial: Trial, r: float | None = None, *,
                r_values: Sequence[float] = DEFAULT_R_VALUES, rounding: str = "up_or_down"
                ) -> pd.DataFrame:
    """Recompute every between-arm comparison under each plausible analysis and say which
    reproduces each p value, t, df, interval or mean difference in ``trial.reported``.

    Analyses: Student's and Welch's t test on the follow-up values; the difference in mean
    change (Welch, and Student on the change scores); and the baseline-adjusted (ANCOVA)
    difference. With patient data these come from the data (observed change scores, OLS
    ANCOVA; a crossover trial gets the paired t test). From summary statistics the change
    and ANCOVA analyses need the pre-post correlation: each ``r`` in ``r_values`` is tried
    (or only ``r`` when given). Because the summary means and SDs are rounded, each
    statistic is recomputed at every corner of the box of values that round to them, giving
    a range; a reported number is reproduced when that range meets the number's own rounding
    interval (``=``), or when some value in the range satisfies the stated inequality
    (``<``, ``>``), in the spirit of statcheck. ``robust`` says whether every value in the
    range does. A statement about outcome ``*`` or timepoint ``*`` ("P < .01 for all
    comparisons") is checked against every matching comparison.

    Parameters
    ----------
    trial : Trial
    r : float, optional
        Use only this pre-post correlation (summary-only trials).
    r_values : sequence of float, default ``DEFAULT_R_VALUES``
        Correlations to try when ``r`` is not given.
    rounding : str, default "up_or_down"
        Rounding scheme of the printed numbers (see :func:`trialkit.checks.grim`).

    Returns
    -------
    pandas.DataFrame
        One row per reported statement (statistic p, t, df, ci or mean_difference) x
        comparison x analysis: ``id, statistic, relation, reported, outcome, timepoint,
        comparison, analysis, r, estimate, ci_low, ci_high, statistic_value (|t|), df, p``
        (at the printed values), ``value_low, value_high`` (the range of the matched
        statistic), ``reproduces``, ``robust``, ``method``; statements that cannot be
        checked get one row with analysis "" and the reason in ``note``.

    References
    ----------
    Nuijten, M. B., et al. (2016). The prevalence of statistical reporting errors in
    psychology (1985-2013). Behavior Research Methods, 48, 1205-1226 (reported test values
    stand for an interval).

    Riley, R. D., et al. (2013). Stat Med 32, 2747-2766 (ANCOVA from summary data).

    Examples
    --------
    >>> import trialkit
    >>> from trialkit.checks import recompute_p
    >>> res = recompute_p(trialkit.load("anorexia"))
    >>> res.query("id == 'cbt_vs_control_t' and reproduces").analysis.tolist()
    ['student_change']
    """
    rounding = num.check_rounding(rounding)
    if r is not None:
        if not -1 < float(r) < 1:
            raise TrialDataError(f"r must lie strictly between -1 and 1, got {r}", field="r")
        r_values = (float(r),)
    else:
        r_values = tuple(float(v) for v in r_values)
        bad = [v for v in r_values if not -1 < v < 1]
        if bad or not r_values:
            raise TrialDataError(f"every r must lie strictly between -1 and 1, got "
                                 f"{list(r_values)}", field="r_values")
    reported = trial.reported
    reported = reported[reported["statistic"].isin(P_STATISTICS)]
    table = _analyses(trial, r_values, rounding)
    frames = []
    for _, row in reported.iterrows():
        head = {"id": row["id"], "statistic": row["statistic"], "relation": row["relation"],
                "reported": row["value"]}
        sel, why = _select(table, row, trial)
        if why:
            frames.append(pd.DataFrame([{**head, "outcome": row["outcome"],
                                         "timepoint": row["timepoint"],
                                         "comparison": row["comparison"], "analysis": "",
                                         "note": why}]))
            continue
        try:
            matched = _match(sel, row, rounding)
        except TrialDataError as exc:
            frames.append(pd.DataFrame([{**head, "outcome": row["outcome"],
                                         "timepoint": row["timepoint"],
                                         "comparison": row["comparison"], "analysis": "",
                                         "note": f"the printed value cannot be read ({exc})"}]))
            continue
        matched = matched.assign(**head, note="")
        frames.append(matched)
    columns = ["id", "statistic", "relation", "reported", "outcome", "timepoint",
               "comparison", "analysis", "r", "estimate", "ci_low", "ci_high",
               "statistic_value", "df", "p", "value_low", "value_high", "reproduces",
               "robust", "note", "method"]
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        out = pd.concat(frames, ignore_index=True)
    for col in columns:
        if col not in out:
            out[col] = np.nan if col not in ("note", "method", "analysis") else ""
    return out[columns]
