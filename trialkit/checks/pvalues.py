"""Recompute a trial's between-group tests under each plausible analysis, and match them to
the p values, t statistics, degrees of freedom, intervals and differences the paper reports.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from trialkit.checks import _numbers as num
from trialkit.checks._match import canonical_statistics, match_statement
from trialkit.checks._reported import (  # noqa: F401 (re-exported)
    _box,
    _corners,
    holds,
    parse_ci,
    text_interval,
)
from trialkit.checks.summary_tests import change_rows, implied_intervals, solved_row
from trialkit.errors import TrialDataError

if TYPE_CHECKING:
    from trialkit.trial import Trial

__all__ = ["DEFAULT_R_VALUES", "recompute_p"]

#: Pre-post correlations tried for change-score and ANCOVA analyses of summary-only trials.
DEFAULT_R_VALUES = (0.0, 0.2, 0.4, 0.5, 0.6, 0.8)
#: The reported statistics :func:`recompute_p` matches.
P_STATISTICS = ("p", "t", "F", "df", "ci", "mean_difference")
RELATIONS = ("=", "~", "<", ">", "<=", ">=")


# ------------------------------------------------------------------------------------------
# reported numbers: their rounding intervals and whether a computed range satisfies them
# ------------------------------------------------------------------------------------------


# ------------------------------------------------------------------------------------------
# the rounding box of summary inputs
# ------------------------------------------------------------------------------------------


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
    without baseline, every timepoint), and at the baseline of a summary-only trial, where
    a paper's baseline table prints p values too (those rows have ``at_baseline`` True and
    answer only statements that name the baseline)."""
    ref = trial.reference_arm
    base = trial.baseline
    times = [t.id for t in trial.timepoints
             if t.id != base or (trial.ipd is None and base is not None)]
    ch = trial.changes
    have = set(zip(ch["outcome"], ch["arm"], ch["timepoint"], strict=True))
    have |= set(zip(trial.summary["outcome"], trial.summary["arm"], trial.summary["timepoint"],
                   strict=True))
    out = []
    for o in trial.outcomes:
        for tp in times:
            for a in trial.arms:
                if a.id == ref or (o.id, a.id, tp) not in have or (o.id, ref, tp) not in have:
                    continue
                out.append({"outcome": o.id, "timepoint": tp, "arm": a.id, "reference": ref,
                            "comparison": f"{a.id}-{ref}", "at_baseline": tp == base})
    return out


def _quiet(func: Callable[..., pd.DataFrame], *args: Any, **kwargs: Any) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return func(*args, **kwargs)


def _summary_analyses(trial: Trial, comp: dict[str, str], r_values: Sequence[float] | None,
                      rounding: str) -> list[dict[str, Any]]:
    from trialkit import effects

    s = trial.summary.set_index(["outcome", "arm", "timepoint"])
    o, tp, a, ref = comp["outcome"], comp["timepoint"], comp["arm"], comp["reference"]
    rows: list[dict[str, Any]] = []
    printed = _printed_changes(trial, o, a, ref, tp)
    if (o, a, tp) not in s.index or (o, ref, tp) not in s.index:
        # only change rows printed for this follow-up: the tests on change alone
        if printed is None:
            return rows
        ch1, ch2 = printed
        c = _corners({"m1": _box(ch1, "mean", rounding), "sd1": _box(ch1, "sd", rounding, True),
                      "m2": _box(ch2, "mean", rounding), "sd2": _box(ch2, "sd", rounding, True)})
        return change_rows(c, int(ch1["n"]), int(ch2["n"]), _ranges)
    post1, post2 = s.loc[(o, a, tp)], s.loc[(o, ref, tp)]
    n1, n2 = int(post1["n"]), int(post2["n"])
    follow = {"m1": _box(post1, "mean", rounding), "sd1": _box(post1, "sd", rounding, True),
              "m2": _box(post2, "mean", rounding), "sd2": _box(post2, "sd", rounding, True)}
    c = _corners(follow)
    for name, pooled in (("student_followup", True), ("welch_followup", False)):
        res = _quiet(effects.mean_difference, c["m1"], c["sd1"], n1, c["m2"], c["sd2"], n2,
                     pooled=pooled)
        rows.append({"analysis": name, "r": np.nan, "method": str(res["method"].iloc[0]),
                     **_ranges(res)})
    if tp == trial.baseline:  # a baseline table: two-sample tests of the levels only
        return rows
    if printed is not None:
        ch1, ch2 = printed
        c = _corners({"m1": _box(ch1, "mean", rounding), "sd1": _box(ch1, "sd", rounding, True),
                      "m2": _box(ch2, "mean", rounding), "sd2": _box(ch2, "sd", rounding, True)})
        rows += change_rows(c, int(ch1["n"]), int(ch2["n"]), _ranges)
    base = trial.baseline
    if base is None or (o, a, base) not in s.index or (o, ref, base) not in s.index:
        return rows
    pre1, pre2 = s.loc[(o, a, base)], s.loc[(o, ref, base)]
    n1c, n2c = min(n1, int(pre1["n"])), min(n2, int(pre2["n"]))
    full = {"m1_pre": _box(pre1, "mean", rounding), "sd1_pre": _box(pre1, "sd", rounding, True),
            "m1_post": follow["m1"], "sd1_post": follow["sd1"],
            "m2_pre": _box(pre2, "mean", rounding), "sd2_pre": _box(pre2, "sd", rounding, True),
            "m2_post": follow["m2"], "sd2_post": follow["sd2"]}
    cc = _corners(full)
    names = ("ancova",) if printed is not None else ("welch_change", "student_change", "ancova")
    if r_values is None:
        known = implied_intervals(trial, o, tp, (a, ref))
        return rows + [solved_row(name, cc, n1c, n2c, known) for name in names]
    args = [cc[k] for k in full]
    for r in r_values:
        if "welch_change" in names:
            res = _quiet(effects.diff_in_change, *args, n1c, n2c, r=r)
            rows.append({"analysis": "welch_change", "r": float(r),
                         "method": str(res["method"].iloc[0]), **_ranges(res)})
        if "student_change" in names:
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


def _printed_changes(trial: Trial, o: str, a: str, ref: str,
                     tp: str) -> tuple[pd.Series, pd.Series] | None:
    """Both arms' printed change rows (mean change and SD of change to ``tp``), if any."""
    ch = trial.changes
    if ch.empty:
        return None
    ch = ch.set_index(["outcome", "arm", "timepoint"])
    if (o, a, tp) not in ch.index or (o, ref, tp) not in ch.index:
        return None
    return ch.loc[(o, a, tp)], ch.loc[(o, ref, tp)]


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
    if x1.size < 2 or x2.size < 2:  # no two-sample test here: the statements say so
        return rows
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
            try:
                an = ancova(trial, o, tp)
            except TrialDataError:  # e.g. a singular design: no ANCOVA row, none matched
                an = pd.DataFrame(columns=["arm"])
            an = an[an["arm"] == a]
            if len(an):
                rows.append({"analysis": "ancova", "r": np.nan,
                             "method": str(an["method"].iloc[0]), **_ranges(an)})
    return rows


def _analyses(trial: Trial, r_values: Sequence[float] | None, rounding: str) -> pd.DataFrame:
    rows = []
    for comp in comparisons(trial):
        try:
            found = (_ipd_analyses(trial, comp) if trial.ipd is not None
                     else _summary_analyses(trial, comp, r_values, rounding))
        except TrialDataError as exc:
            raise _named(trial, comp, exc) from exc
        for row in found:
            rows.append({**comp, **row})
    return pd.DataFrame(rows)


def _named(trial: Trial, comp: dict[str, str], exc: TrialDataError) -> TrialDataError:
    """The error of one comparison, naming the trial, outcome, timepoint and arms (unless it
    already names the trial)."""
    if str(exc.reason).startswith(f"trial {trial.id!r}"):
        return exc
    file = exc.file
    if file is None and trial.path is not None:
        file = str(trial.path / ("ipd.csv" if trial.ipd is not None else "summary.csv"))
    return TrialDataError(f"trial {trial.id!r}, outcome {comp['outcome']!r}, timepoint "
                          f"{comp['timepoint']!r}, arms {comp['arm']!r}, "
                          f"{comp['reference']!r}: {exc.reason}", file=file, row=exc.row,
                          field=exc.field)



def recompute_p(trial: Trial, r: float | None = None, *,
                r_values: Sequence[float] | None = None, rounding: str = "up_or_down"
                ) -> pd.DataFrame:
    """Recompute every between-arm comparison under each plausible analysis and say which
    reproduces each p value, t, df, interval or mean difference in ``trial.reported``.

    Analyses: Student's and Welch's t test on the follow-up values; the difference in mean
    change (Welch, and Student on the change scores); and the baseline-adjusted (ANCOVA)
    difference. With patient data these come from the data (observed change scores, OLS
    ANCOVA; a crossover trial gets the paired t test). From summary statistics the change
    and ANCOVA analyses need the pre-post correlation r: by default it is solved for
    (:func:`trialkit.checks.rsolve.solve_r`, one r for both arms): ``r_ranges`` says which
    correlations reproduce the statement, ``r_low``/``r_high`` their span, and a statement
    reproduced only by r < 0 has ``implausible_only`` and is not ``reproduces``. The
    change-score tests depend on each arm's own correlation: ``r_arms`` describes the region
    of (r1, r2) that reproduces the statement (:func:`trialkit.checks.rsolve_arms.
    solve_r_arms`: each arm's range, ``r1_low``..``r2_high``, whether the joint range holds
    for any pair within it, and, where one arm prints its change SD, the other arm's range
    with that one at its implied value); the verdict still rests on the joint r. Printed
    change rows (``trial.changes``) give Student's and Welch's t tests on change directly,
    without r. A statement's ``test`` and ``analysis`` columns restrict the analyses; rank
    tests, mixed models and tests of counts cannot be recomputed (``note`` says why); an
    ``anova``/``welch_anova`` statement (or an unnamed p or F across 3+ arms) is matched
    with one-way / Welch ANOVA (statsmodels ``anova_generic``). Because the summary means
    and SDs are rounded, each statistic is recomputed at every corner of the box of values
    that round to them, giving a range; a reported number is reproduced when that range
    meets the number's own rounding interval (``=``), or when some value in the range
    satisfies the stated inequality (``<``, ``>``), in the spirit of statcheck. ``robust``
    says whether every value in the range does. A statement about outcome ``*`` or timepoint
    ``*`` ("P < .01 for all comparisons") is checked against every matching comparison.

    Parameters
    ----------
    trial : Trial
    r : float, optional
        Use only this pre-post correlation (summary-only trials).
    r_values : sequence of float, optional
        Try only these correlations (the former grid, e.g. ``DEFAULT_R_VALUES``) instead of
        solving for r.
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
    elif r_values is not None:
        r_values = tuple(float(v) for v in r_values)
        bad = [v for v in r_values if not -1 < v < 1]
        if bad or not r_values:
            raise TrialDataError(f"every r must lie strictly between -1 and 1, got "
                                 f"{list(r_values)}", field="r_values")
    reported = canonical_statistics(trial.reported)
    reported = reported[reported["statistic"].isin(P_STATISTICS)].fillna("")
    with np.errstate(all="ignore"):
        table = _analyses(trial, r_values, rounding)
    frames = []
    for _, row in reported.iterrows():
        head = {"id": row["id"], "statistic": row["statistic"], "relation": row["relation"],
                "reported": row["value"]}
        with np.errstate(all="ignore"):
            matched, why = match_statement(trial, table, row, rounding)
        if matched is None:
            frames.append(pd.DataFrame([{**head, "outcome": row["outcome"],
                                         "timepoint": row["timepoint"],
                                         "comparison": row["comparison"], "analysis": "",
                                         "note": why}]))
            continue
        frames.append(matched.assign(**head, note=""))
    columns = ["id", "statistic", "relation", "reported", "outcome", "timepoint",
               "comparison", "analysis", "r", "r_ranges", "r_low", "r_high",
               "r_arms", "r1_low", "r1_high", "r2_low", "r2_high", "implausible_only",
               "estimate", "ci_low", "ci_high", "statistic_value", "df", "p", "value_low",
               "value_high", "reproduces", "robust", "note", "method"]
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        out = pd.concat(frames, ignore_index=True)
    for col in columns:
        if col not in out:
            out[col] = ("" if col in ("note", "method", "analysis", "r_ranges", "r_arms")
                        else False if col == "implausible_only" else np.nan)
    out["r_ranges"] = out["r_ranges"].fillna("")
    out["r_arms"] = out["r_arms"].fillna("")
    out["implausible_only"] = out["implausible_only"].fillna(False).astype(bool)
    return out[columns]
