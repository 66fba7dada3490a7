"""Trial-level tables built from :mod:`trialkit.effects`: within-arm and between-arm effects.

Each function returns a tidy DataFrame, one row per outcome x arm (or comparison) x timepoint
x measure, with the columns every result frame uses (``estimate, se, ci_low, ci_high, df, p,
method``) and the keys it is about. Where patient data exist the numbers come from the data
themselves (exact change SDs and correlations); where only summaries exist and a formula needs
the pre-post correlation ``r``, the caller gives it, or 0.5 is assumed with a warning, and the
``r`` and ``r_source`` columns say which.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from trialkit.errors import TrialDataError

if TYPE_CHECKING:
    import pandas as pd

    from trialkit.trial import Trial

__all__ = ["DEFAULT_R", "SENSITIVITY_R", "between", "means", "sensitivity", "within"]

#: The pre-post correlation assumed when a summary-only trial needs one and none is given.
DEFAULT_R = 0.5
#: The correlations :func:`sensitivity` runs through by default.
SENSITIVITY_R = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8)

WITHIN_MEASURES = ("mean_change", "percent_change", "smcr")
BETWEEN_MEASURES = ("mean_difference", "diff_in_change", "ancova", "hedges_g", "ratio_of_means")
_RESULT = ["estimate", "se", "ci_low", "ci_high", "df", "p"]


def _resolve_r(trial: Trial, r: float | None) -> tuple[float, str]:
    if r is None:
        # With printed change rows the correlation comes from the table; a fallback to the
        # assumed value is warned where it happens (_assumed_warning).
        if trial.level == "summary" and trial.changes.empty:
            warnings.warn(
                f"{trial.id}: no pre-post correlation given; r = {DEFAULT_R} assumed for change "
                f"scores and ANCOVA (pass r=..., and see trialkit.analysis.sensitivity)",
                UserWarning, stacklevel=3)
        return DEFAULT_R, "assumed"
    if not -1 < float(r) < 1:
        raise TrialDataError(f"r must lie strictly between -1 and 1, got {r}", field="r")
    return float(r), "given"


def _labels(method: str, r: float, source: str) -> str:
    return (method.replace("r=given", f"r={r:g}({source})")
            .replace(f"r={DEFAULT_R}(assumed)", f"r={r:g}({source})"))


@contextmanager
def _context(trial: Trial, outcome: str, timepoint: str, arms: tuple[str, ...]) -> Iterator[None]:
    """Re-raise a TrialDataError from the statistics naming the trial, outcome and arms."""
    try:
        yield
    except TrialDataError as exc:
        if str(exc.reason).startswith(f"trial {trial.id!r}"):
            raise
        names = ", ".join(repr(a) for a in arms)
        label = "arms" if len(arms) > 1 else "arm"
        file = exc.file
        if file is None and trial.path is not None:
            file = str(trial.path / "summary.csv")
        raise TrialDataError(
            f"trial {trial.id!r}, outcome {outcome!r}, timepoint {timepoint!r}, {label} {names}: "
            f"{exc.reason}", file=file, row=exc.row, field=exc.field) from exc


def _outcomes(trial: Trial, outcome: str | Iterable[str] | None) -> list[str]:
    if outcome is None:
        return [o.id for o in trial.outcomes]
    ids = [outcome] if isinstance(outcome, str) else list(outcome)
    for oid in ids:
        trial.outcome(oid)
    return ids


def _followups(trial: Trial) -> list[str]:
    if trial.baseline is None:
        raise TrialDataError(f"trial {trial.id!r} has no baseline timepoint: within- and "
                             f"between-arm change needs one (a crossover is analysed with "
                             f"trialkit.ipd)", field="trial")
    return [t.id for t in trial.timepoints if t.id != trial.baseline]


def add_labels(frame: pd.DataFrame, trial: Trial) -> pd.DataFrame:
    """Add display labels and reference values beside the ids (for tables and figures).

    Adds outcome_label, outcome_short, arm_label, timepoint_label, timepoint_short (and
    reference_label where there is a
    reference column), plus the outcome's mcid and mdc where defined (NaN otherwise).
    """
    import numpy as np

    outcomes = {o.id: o for o in trial.outcomes}
    arms = {a.id: a.label for a in trial.arms}
    tps = {t.id: t.label for t in trial.timepoints}
    tps_short = {t.id: t.short for t in trial.timepoints}
    frame = frame.copy()
    if "outcome" in frame:
        frame["outcome_label"] = frame["outcome"].map(lambda o: outcomes[o].label)
        frame["outcome_short"] = frame["outcome"].map(lambda o: outcomes[o].short)
        frame["mcid"] = frame["outcome"].map(
            lambda o: np.nan if outcomes[o].mcid is None else outcomes[o].mcid)
        frame["mdc"] = frame["outcome"].map(
            lambda o: np.nan if outcomes[o].mdc is None else outcomes[o].mdc)
    if "arm" in frame:
        frame["arm_label"] = frame["arm"].map(arms)
    if "reference" in frame:
        frame["reference_label"] = frame["reference"].map(arms)
    if "timepoint" in frame:
        frame["timepoint_label"] = frame["timepoint"].map(tps)
        frame["timepoint_short"] = frame["timepoint"].map(tps_short)
    return frame


def _illustrative(*sources: Any) -> bool:
    from trialkit.trial import is_illustrative

    return any(is_illustrative(s) for s in sources)


def means(trial: Trial, *, outcome: str | Sequence[str] | None = None,
          level: float = 0.95) -> pd.DataFrame:
    """Each arm's mean at each timepoint with a t-based confidence interval.

    ``mean +/- t(1 - alpha/2, n - 1) sd / sqrt(n)``, the one-sample t interval (as R's
    ``t.test(x)`` prints it), from the summary table (derived from patient data where they
    exist).

    Returns
    -------
    DataFrame
        Columns outcome, arm, timepoint, order (the timepoint's sort key), estimate (the mean),
        se, ci_low, ci_high, df, n, sd, unit, direction, illustrative, method. A row whose SD
        is not reported keeps its mean and has NaN interval columns, with method saying so.

    Examples
    --------
    >>> import trialkit
    >>> from trialkit.analysis import means
    >>> m = means(trialkit.load("sleep"))
    >>> m[["arm", "estimate", "ci_low", "ci_high"]].round(4)
         arm  estimate  ci_low  ci_high
    0  drug1      0.75 -0.5298   2.0298
    1  drug2      2.33  0.8977   3.7623
    """
    import numpy as np
    import pandas as pd
    from scipy import stats

    from trialkit.trial import is_illustrative

    if not 0 < level < 1:
        raise TrialDataError(f"level must lie between 0 and 1, got {level}", field="level")
    frame = trial.summary
    frame = frame[frame["outcome"].isin(_outcomes(trial, outcome))].reset_index(drop=True)
    n = frame["n"].to_numpy(dtype=float)
    sd = frame["sd"].to_numpy(dtype=float)
    has_ci = (n >= 2) & np.isfinite(sd)
    df = np.where(has_ci, n - 1, np.nan)
    se = np.where(has_ci, sd / np.sqrt(n), np.nan)
    q = stats.t.ppf(0.5 + level / 2, np.where(has_ci, df, 1.0))
    est = frame["mean"].to_numpy(dtype=float)
    order = {t.id: t.order for t in trial.timepoints}
    outcomes = {o.id: o for o in trial.outcomes}
    out = pd.DataFrame({
        "outcome": frame["outcome"], "arm": frame["arm"], "timepoint": frame["timepoint"],
        "order": frame["timepoint"].map(order).astype(float), "estimate": est, "se": se,
        "ci_low": np.where(has_ci, est - q * se, np.nan),
        "ci_high": np.where(has_ci, est + q * se, np.nan), "df": df,
        "n": frame["n"].astype(int), "sd": sd,
        "unit": frame["outcome"].map(lambda o: outcomes[o].unit),
        "direction": frame["outcome"].map(lambda o: outcomes[o].direction),
        "illustrative": frame["source"].map(is_illustrative).astype(bool),
        "method": np.where(has_ci, "mean/one_sample_t_ci", "mean/no_ci(sd not reported)"),
        "reference_arm": trial.reference_arm,
    })
    return add_labels(out, trial)


def _zero_sd(trial: Trial, outcome: str, arms: tuple[str, ...], timepoint: str) -> bool:
    """True (with a warning) when a printed SD the statistics need is 0.

    An SD of 0 is a real printed value (every patient scored the same), kept at load; the
    SD-based statistics for that arm and visit are undefined, so they are left out, and the
    warning names what was left out and why.
    """
    if trial.ipd is not None:
        return False
    s = trial.summary
    rows = s[(s["outcome"] == outcome) & s["arm"].isin(arms)
             & s["timepoint"].isin([timepoint, trial.baseline])]
    zero = rows[rows["sd"] == 0]
    if zero.empty:
        return False
    where = ", ".join(f"{a} at {t}" for a, t in zip(zero["arm"], zero["timepoint"], strict=True))
    warnings.warn(f"{trial.id}: {outcome} has an SD of 0 ({where}); effect sizes, tests and "
                  f"intervals that divide by it are undefined and left out for "
                  f"{', '.join(arms)} at {timepoint}", UserWarning, stacklevel=3)
    return True


def _pairs(trial: Trial, outcome: str, arm: str, timepoint: str) -> dict[str, Any] | None:
    """Baseline and follow-up statistics of one arm; from patient data where they exist."""
    import numpy as np

    if trial.ipd is not None:
        from trialkit.ipd import baseline_followup

        wide = baseline_followup(trial, outcome, timepoint)
        wide = wide[wide["arm"] == arm]
        if len(wide) < 2:
            return None
        r = float(np.corrcoef(wide["pre"], wide["post"])[0, 1])
        return {"m_pre": wide["pre"].mean(), "sd_pre": wide["pre"].std(ddof=1),
                "m_post": wide["post"].mean(), "sd_post": wide["post"].std(ddof=1),
                "n": len(wide), "r": r, "r_source": "observed",
                "m_change": wide["change"].mean(), "sd_change": wide["change"].std(ddof=1),
                "source": "derived from ipd"}
    s = trial.summary.set_index(["outcome", "arm", "timepoint"])
    base, post = (outcome, arm, trial.baseline), (outcome, arm, timepoint)
    if base not in s.index or post not in s.index:
        return None
    b, p = s.loc[base], s.loc[post]
    return {"m_pre": b["mean"], "sd_pre": b["sd"], "m_post": p["mean"], "sd_post": p["sd"],
            "n": int(p["n"]), "r": None, "r_source": None, "converted": _converted(b, p),
            "source": f"{b['source']}; {p['source']}" if b["source"] != p["source"]
            else p["source"]}


# --- printed change rows and conversions recorded at the boundary ------------------------------

#: r_source for an effect that used the printed change SD (no correlation needed).
PRINTED = "not needed (printed change)"
IMPLIED = "implied by printed SDs"


def _converted(*rows: Any) -> str:
    """``/method`` suffix naming boundary conversions (sd_from_se, ...) of summary rows used."""
    seen: list[str] = []
    for row in rows:
        if row is None or "method" not in row.index:
            continue
        value = row["method"]
        text = "" if value is None or (isinstance(value, float) and value != value) else str(value)
        if text and text not in seen:
            seen.append(text)
    return "".join(f"/{m}" for m in seen)


def _change(trial: Trial, outcome: str, arm: str, timepoint: str) -> Any:
    """The printed change row of one arm at one follow-up, or None."""
    ch = trial.changes
    if ch.empty:
        return None
    sel = ch[(ch["outcome"] == outcome) & (ch["arm"] == arm) & (ch["timepoint"] == timepoint)]
    return None if sel.empty else sel.iloc[0]


def _implied_r(st: dict[str, Any] | None, change: Any) -> float | None:
    """Pre-post correlation implied by an arm's baseline, follow-up and change SDs.

    None when an SD is missing; the unclipped value otherwise (|r| >= 1: impossible table).
    """
    import math

    from trialkit import effects

    if st is None or change is None:
        return None
    sds = (st["sd_pre"], st["sd_post"], change["sd"])
    if not all(isinstance(v, int | float) and math.isfinite(v) and v > 0 for v in map(float, sds)):
        return None
    return float(effects.r_from_sds(*map(float, sds), impossible="return")[0])


def _pooled_implied_r(pairs: list[tuple[dict[str, Any] | None, Any]]) -> tuple[float | None, str]:
    """Pooled within-arm r implied by each arm's three SDs, and why not when it is None.

    ``sum (n_i - 1) r_i sd_pre_i sd_post_i / sqrt(sum (n_i - 1) sd_pre_i^2 *
    sum (n_i - 1) sd_post_i^2)``: the pooled covariance over the pooled SDs, the correlation
    whose slope the aggregate-data ANCOVA uses (as :func:`_pooled_r` does with patient data).
    """
    import math

    cov = var_pre = var_post = 0.0
    for st, change in pairs:
        r = _implied_r(st, change)
        if r is None:
            return None, "SDs missing"
        if not -1 < r < 1:
            return None, f"implied r = {r:.3g} outside (-1, 1)"
        w = float(st["n"]) - 1
        cov += w * r * float(st["sd_pre"]) * float(st["sd_post"])
        var_pre += w * float(st["sd_pre"]) ** 2
        var_post += w * float(st["sd_post"]) ** 2
    return cov / math.sqrt(var_pre * var_post), ""


def _printed_change_effect(change: Any, level: float) -> dict[str, Any]:
    """Mean change with its paired-t interval from a printed mean change and SD of change.

    ``se = sd_change / sqrt(n)``, ``df = n - 1``, ``mean +/- t(1 - alpha/2, df) se``.
    """
    import math

    from scipy import stats

    n, m, sd = int(change["n"]), float(change["mean"]), float(change["sd"])
    se = sd / math.sqrt(n) if math.isfinite(sd) else math.nan
    q = float(stats.t.ppf(0.5 + level / 2, n - 1))
    p = float(2 * stats.t.sf(abs(m / se), n - 1)) if se > 0 else math.nan
    return {"estimate": m, "se": se, "ci_low": m - q * se, "ci_high": m + q * se,
            "df": float(n - 1), "p": p,
            "method": "mean_change/paired_t/from printed change" + _converted(change)}


def _assumed_warning(trial: Trial, where: str, why: str, r: float) -> None:
    warnings.warn(f"{trial.id} {where}: the printed change SDs give no usable correlation "
                  f"({why}); r = {r:g} assumed (see trialkit.analysis.sensitivity)",
                  UserWarning, stacklevel=4)


def _higher_lower(estimate: float, null: float = 0.0) -> str:
    """Neutral wording of a change or difference: "higher", "lower" or "no change"."""
    if estimate != estimate:
        return ""
    return "higher" if estimate > null else "lower" if estimate < null else "no change"


def within(trial: Trial, r: float | None = None, *, outcome: str | Sequence[str] | None = None,
           level: float = 0.95) -> pd.DataFrame:
    """Change from baseline within each arm, at each follow-up.

    For every outcome x arm x follow-up timepoint: the mean change (for range-of-motion
    outcomes, the degrees gained), the percent change relative to the arm's own baseline mean,
    and the standardized mean change (baseline-SD standardization, Becker 1988), each with its
    confidence interval.

    Parameters
    ----------
    trial : Trial
    r : float, optional
        Pre-post correlation for summary-only trials (ignored with patient data, where the
        observed correlation is used). Default: the correlation the table's printed change
        SDs imply (``trial.changes``, Cochrane Handbook 6.5.2.8), else 0.5 with a warning.
        Where the table prints an arm's change and its SD, the mean change uses them and
        needs no r (``method`` says ``from printed change``).
    outcome : str or sequence of str, optional
        Restrict to these outcomes.
    level : float
        Confidence level.

    Returns
    -------
    DataFrame
        Columns outcome, arm, timepoint, measure (mean_change, percent_change, smcr),
        estimate, se, ci_low, ci_high, df, p, unit, m_pre, m_post, n, r, r_source, direction,
        improved (the change is an improvement for this outcome; NA when the direction is not
        declared), change_direction ("lower", "higher" or "no change": no judgement), domain,
        illustrative, method, and the display columns of :func:`add_labels`. Boundary
        conversions of the summary rows used (their ``method``, e.g. ``sd_from_se``) are
        appended to ``method``.
        ``percent_change`` is ``100 (m_post - m_pre) / m_pre``: negative is a decrease.

    References
    ----------
    Becker BJ. Synthesizing standardized mean-change measures. Br J Math Stat Psychol
    1988;41:257-278. Cochrane Handbook 6.5.2.8 (SD of change from r).

    Examples
    --------
    >>> import trialkit
    >>> from trialkit.analysis import within
    >>> w = within(trialkit.load("anorexia"))
    >>> ft = w.query("arm == 'ft' and measure == 'mean_change'").iloc[0]
    >>> round(float(ft["estimate"]), 4), round(float(ft["p"]), 4)
    (7.2647, 0.0007)
    """
    import pandas as pd


    r_value, r_source = _resolve_r(trial, r)
    rows: list[dict[str, Any]] = []
    for oid in _outcomes(trial, outcome):
        out = trial.outcome(oid)
        for arm in trial.arms:
            for tp in _followups(trial):
                if _zero_sd(trial, oid, (arm.id,), tp):
                    continue
                with _context(trial, oid, tp, (arm.id,)):
                    st = _pairs(trial, oid, arm.id, tp)
                    change = None if trial.ipd is not None else _change(trial, oid, arm.id, tp)
                    if st is None and change is None:
                        continue
                    rows.extend(_within_rows(trial, out, arm.id, tp, st, change, level,
                                             (r_value, r_source, r is not None)))
    columns = ["outcome", "arm", "timepoint", "measure", *_RESULT, "unit", "m_pre", "m_post",
               "n", "r", "r_source", "direction", "improved", "change_direction", "domain",
               "illustrative", "method"]
    frame = pd.DataFrame(rows, columns=columns)
    frame["improved"] = frame["improved"].astype("boolean")
    return add_labels(frame, trial)


def _within_r(trial: Trial, where: str, st: dict[str, Any] | None, change: Any,
              r_info: tuple[float, str, bool]) -> tuple[float, str]:
    """The pre-post r a within-arm row uses: observed, given, implied by the SDs, or assumed."""
    r_value, r_source, given = r_info
    if st is not None and st["r"] is not None:
        return st["r"], st["r_source"]
    if change is None or given:
        return r_value, r_source
    implied = _implied_r(st, change)
    if implied is not None and -1 < implied < 1:
        return implied, IMPLIED
    why = "SDs missing" if implied is None else f"implied r = {implied:.3g} outside (-1, 1)"
    if st is not None:
        _assumed_warning(trial, where, why, r_value)
    return r_value, f"assumed; {why}"


def _within_rows(trial: Trial, out: Any, arm: str, tp: str, st: dict[str, Any] | None,
                 change: Any, level: float, r_info: tuple[float, str, bool]) -> list[dict]:
    """The within-arm rows (mean change, percent change, smcr) of one arm at one follow-up."""
    import math

    from trialkit import effects

    rr, rsrc = _within_r(trial, f"{out.id} {arm} {tp}", st, change, r_info)
    conv = "" if st is None else st.get("converted", "")
    results: list[tuple[str, Any, str, float, str]] = []
    if change is not None:
        results.append(("mean_change", _printed_change_effect(change, level), out.unit,
                        math.nan, PRINTED))
    if st is not None:
        args = (st["m_pre"], st["sd_pre"], st["m_post"], st["sd_post"], st["n"])
        if change is None:
            results.append(("mean_change", effects.mean_change(*args, r=rr, level=level).iloc[0],
                            out.unit, rr, rsrc))
        if st["m_pre"] > 0 and st["m_post"] > 0:
            pc = effects.percent_change(st["m_pre"], st["m_post"], st["sd_pre"], st["sd_post"],
                                        st["n"], r=rr, level=level,
                                        direction=out.direction).iloc[0]
            results.append(("percent_change", pc, "%", rr, rsrc))
        sm = effects.smcr(st["m_pre"], st["sd_pre"], st["m_post"], st["n"], r=rr,
                          level=level).iloc[0]
        results.append(("smcr", sm, "baseline SD", rr, rsrc))
    change_est = float(results[0][1]["estimate"])
    improved = (None if out.direction is None or change_est == 0 else
                (change_est > 0) == (out.direction == "higher_is_better"))
    rows = []
    for measure, res, unit, r_used, r_src in results:
        row = {"outcome": out.id, "arm": arm, "timepoint": tp, "measure": measure}
        row.update({c: float(res[c]) if c in res and res[c] is not None else math.nan
                    for c in _RESULT})
        method = str(res["method"])
        if r_src != PRINTED:
            method = _labels(method, r_used, r_src) + conv
        row.update(unit=unit, m_pre=math.nan if st is None else st["m_pre"],
                   m_post=math.nan if st is None else st["m_post"],
                   n=int(change["n"]) if st is None else st["n"], r=r_used, r_source=r_src,
                   direction=out.direction, domain=out.domain,
                   illustrative=_illustrative(st["source"] if st else change["source"]),
                   improved=improved, change_direction=_higher_lower(change_est),
                   method=method)
        rows.append(row)
    return rows


def _favours(estimate: float, direction: str | None, arm: str, reference: str,
             ratio: bool = False) -> str:
    null = 1.0 if ratio else 0.0
    if direction is None:
        return "direction not stated"
    if estimate == null:
        return "neither"
    higher = estimate > null
    return arm if higher == (direction == "higher_is_better") else reference


def between(trial: Trial, r: float | None = None, *,
            outcome: str | Sequence[str] | None = None, level: float = 0.95,
            use: str = "auto") -> pd.DataFrame:
    """Each arm versus the reference arm, at each follow-up timepoint.

    Measures (``measure`` column), all as arm minus reference:

    - ``mean_difference``: follow-up means, Welch t interval;
    - ``diff_in_change``: difference in mean change from baseline (from summaries it needs r,
      unless the table prints each arm's change and SD: then Welch's t on those, no r);
    - ``ancova``: follow-up difference adjusted for baseline (OLS on patient data, with one
      slope across all arms; from summaries, the aggregate-data ANCOVA given r, or with the
      pooled r the printed change SDs imply when r is not given);
    - ``hedges_g``: standardized difference of follow-up means, exact J and noncentral-t CI;
    - ``ratio_of_means``: follow-up ratio of means (estimate and CI as ratios).

    Parameters
    ----------
    trial : Trial
    r : float, optional
        Pre-post correlation for summary-only trials, or with ``use="summary"`` (default 0.5,
        with a warning). Not used with patient data, where the data give the change scores.
    outcome : str or sequence of str, optional
        Restrict to these outcomes.
    level : float
        Confidence level.
    use : {"auto", "summary"}
        "summary" computes from the summary table even when patient data exist (what a reader
        holding only the paper could do).

    Returns
    -------
    DataFrame
        Columns outcome, timepoint, comparison, arm, reference, measure, estimate, se,
        ci_low, ci_high, df, p, unit, n1, n2, r, r_source, direction, favours (the arm the
        point estimate favours, given the outcome's direction; "direction not stated" when it
        is not declared), difference_direction ("higher"/"lower" for the arm against the
        reference), domain, illustrative, geary1, geary2, geary_ok (Geary's condition of the
        ratio of means, NaN/NA for the other measures; a failed one is warned and the ratio is
        unreliable), method, and the display columns of :func:`add_labels`.

    References
    ----------
    Riley RD et al. Stat Med 2013;32:2747-2766 (aggregate-data ANCOVA). Hedges LV. J Educ Stat
    1981;6:107-128 (exact J). Lajeunesse MJ. Ecology 2015;96:2056-2063 (ratio of means).

    Examples
    --------
    >>> import trialkit
    >>> from trialkit.analysis import between
    >>> b = between(trialkit.load("anorexia"))
    >>> b.query("measure == 'ancova'")[["comparison", "estimate", "se"]].round(4)
        comparison  estimate      se
    2  cbt-control    4.0971  1.8935
    7   ft-control    8.6601  2.1931
    """
    import numpy as np
    import pandas as pd

    from trialkit import effects

    if use not in ("auto", "summary"):
        raise TrialDataError(f"use must be 'auto' or 'summary', got {use!r}", field="use")
    from_ipd = trial.ipd is not None and use == "auto"
    # With patient data the change scores and ANCOVA use the data themselves; r is not needed.
    r_value, r_source = (DEFAULT_R, "observed") if from_ipd else _resolve_r(trial, r)
    stats_of = trial if from_ipd else _summary_view(trial)
    ref = trial.reference_arm
    summary = trial.summary.set_index(["outcome", "arm", "timepoint"])
    rows: list[dict[str, Any]] = []
    for oid in _outcomes(trial, outcome):
        out = trial.outcome(oid)
        for tp in _followups(trial):
            ancova_rows = {}
            if from_ipd:
                from trialkit.ipd import ancova

                ancova_rows = ancova(trial, oid, tp, level=level).set_index("arm").to_dict("index")
            for arm in trial.arms:
                if arm.id == ref or _zero_sd(trial, oid, (arm.id, ref), tp):
                    continue
                with _context(trial, oid, tp, (arm.id, ref)):
                    k1, k2 = (oid, arm.id, tp), (oid, ref, tp)
                    if k1 not in summary.index or k2 not in summary.index:
                        continue
                    s1, s2 = summary.loc[k1], summary.loc[k2]
                    p1, p2 = (_pairs(stats_of, oid, a, tp) for a in (arm.id, ref))
                    keys = {"outcome": oid, "timepoint": tp, "comparison": f"{arm.id}-{ref}",
                            "arm": arm.id, "reference": ref}
                    common = {"direction": out.direction, "domain": out.domain,
                              "illustrative": _illustrative(s1["source"], s2["source"])}
                    follow = (s1["mean"], s1["sd"], s1["n"], s2["mean"], s2["sd"], s2["n"])
                    results: list[tuple[str, Any, str, tuple[int, int], float | None, str]] = []
                    md = effects.mean_difference(*follow, level=level).iloc[0]
                    results.append(("mean_difference", md, out.unit, (s1["n"], s2["n"]), None, ""))
                    if p1 is not None and p2 is not None:
                        if from_ipd:
                            dc = effects.mean_difference(p1["m_change"], p1["sd_change"], p1["n"],
                                                         p2["m_change"], p2["sd_change"], p2["n"],
                                                         level=level).iloc[0]
                            method = "diff_in_change/welch/t_ci/from_patient_changes"
                            dc = dc.copy()
                            dc["method"] = method
                            pooled_r = _pooled_r(trial, oid, tp)
                            results.append(("diff_in_change", dc, out.unit, (p1["n"], p2["n"]),
                                            pooled_r, "observed"))
                            an = ancova_rows[arm.id]
                            results.append(("ancova", an, out.unit, (an["n1"], an["n2"]), pooled_r,
                                            "observed"))
                        else:
                            results.extend(_summary_change_rows(
                                trial, out, keys, p1, p2, level,
                                (r_value, r_source, r is not None)))
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore", UserWarning)  # |d| > 5 warning: see below
                        g = effects.smd(*follow, kind="hedges", ci="nct", level=level).iloc[0]
                    if abs(g["estimate"]) > 5:
                        warnings.warn(f"{trial.id} {oid} {tp}: |g| = {abs(g['estimate']):.1f}; "
                                      f"were SEs entered as SDs?", UserWarning, stacklevel=2)
                    results.append(("hedges_g", g, "SD", (s1["n"], s2["n"]), None, ""))
                    if s1["mean"] > 0 and s2["mean"] > 0:
                        rom = _ratio_of_means(trial, keys, follow, out.direction, level)
                        results.append(("ratio_of_means", rom, "ratio", (s1["n"], s2["n"]), None,
                                        ""))
                    conv = {"follow": _converted(s1, s2),
                            "pre_post": _join_conversions(p1, p2)}
                    for measure, res, unit, (n1, n2), rr, rsrc in results:
                        row = {**keys, "measure": measure}
                        row.update({c: float(res[c]) if c in res and res[c] is not None else np.nan
                                    for c in _RESULT})
                        method = str(res["method"])
                        if rr is not None and rsrc != "observed":
                            method = _labels(method, rr, rsrc)
                        if rsrc != PRINTED:
                            method += conv["pre_post" if measure in ("diff_in_change", "ancova")
                                           else "follow"]
                        ratio = measure == "ratio_of_means"
                        row.update(unit=unit, n1=int(n1), n2=int(n2),
                                   r=np.nan if rr is None else rr, r_source=rsrc or None,
                                   favours=_favours(row["estimate"], out.direction, arm.id, ref,
                                                    ratio=ratio),
                                   difference_direction=_higher_lower(row["estimate"],
                                                                      1.0 if ratio else 0.0),
                                   **common, method=method)
                        row.update({c: res[c] if c in res else np.nan for c in _GEARY})
                        rows.append(row)
    columns = ["outcome", "timepoint", "comparison", "arm", "reference", "measure", *_RESULT,
               "unit", "n1", "n2", "r", "r_source", "direction", "favours",
               "difference_direction", "domain", "illustrative", *_GEARY, "method"]
    frame = pd.DataFrame(rows, columns=columns)
    frame["geary_ok"] = frame["geary_ok"].astype("boolean")
    return add_labels(frame, trial)


#: Geary's condition of a ratio of means (see effects.ratio_of_means); NaN for other measures.
_GEARY = ("geary1", "geary2", "geary_ok")


def _ratio_of_means(trial: Trial, keys: dict[str, Any], follow: tuple, direction: str | None,
                    level: float) -> Any:
    """One ratio of means; a failed Geary condition is warned naming trial, outcome, arms."""
    from trialkit import effects

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UserWarning)
        rom = effects.ratio_of_means(*follow, direction=direction, level=level).iloc[0]
    for w in caught:
        if issubclass(w.category, UserWarning) and "Geary" in str(w.message):
            warnings.warn(
                f"{trial.id} {keys['outcome']} {keys['timepoint']} {keys['comparison']}: ratio "
                f"of means unreliable: Geary's condition (mean x sqrt(n) / SD >= 3) fails "
                f"({keys['arm']} {rom['geary1']:.3g}, {keys['reference']} "
                f"{rom['geary2']:.3g}); no bias correction applied (method says geary=fail)",
                UserWarning, stacklevel=3)
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    return rom


def _summary_view(trial: Trial) -> Trial:
    """The same trial with its patient data hidden, so that only summaries are used."""
    from trialkit.trial import Trial as TrialClass

    return TrialClass(trial.meta, trial.summary, reported=trial.reported, changes=trial.changes)


def _join_conversions(*stats: dict[str, Any] | None) -> str:
    seen: list[str] = []
    for st in stats:
        for part in ((st or {}).get("converted") or "").split("/"):
            if part and part not in seen:
                seen.append(part)
    return "".join(f"/{m}" for m in seen)


def _summary_change_rows(trial: Trial, out: Any, keys: dict[str, Any], p1: dict[str, Any],
                         p2: dict[str, Any], level: float,
                         r_info: tuple[float, str, bool]) -> list[tuple]:
    """diff_in_change and ancova of one comparison from summaries.

    With both arms' printed change rows the difference in change is Welch's t on the printed
    changes and their SDs (no r); ANCOVA uses the given r, else the pooled r the three SDs
    of each arm imply, else the assumed one (warned, with the reason in ``method``).
    """
    from trialkit import effects

    r_value, r_source, given = r_info
    oid, tp = keys["outcome"], keys["timepoint"]
    c1, c2 = _change(trial, oid, keys["arm"], tp), _change(trial, oid, keys["reference"], tp)
    pre_post = (p1["m_pre"], p1["sd_pre"], p1["m_post"], p1["sd_post"],
                p2["m_pre"], p2["sd_pre"], p2["m_post"], p2["sd_post"], p1["n"], p2["n"])
    ns = (p1["n"], p2["n"])
    rows: list[tuple] = []
    if c1 is not None and c2 is not None:
        dc = effects.mean_difference(c1["mean"], c1["sd"], c1["n"], c2["mean"], c2["sd"],
                                     c2["n"], level=level).iloc[0].copy()
        dc["method"] = ("diff_in_change/welch/t_ci/from printed change"
                        + _converted(c1, c2))
        rows.append(("diff_in_change", dc, out.unit, (c1["n"], c2["n"]), None, PRINTED))
        r_an, src = r_value, r_source
        if not given:
            implied, why = _pooled_implied_r([(p1, c1), (p2, c2)])
            if implied is not None:
                r_an, src = implied, IMPLIED
            else:
                _assumed_warning(trial, f"{oid} {tp} {keys['comparison']} ANCOVA", why, r_value)
                src = f"assumed; {why}"
    else:
        dc = effects.diff_in_change(*pre_post, r=r_value, level=level).iloc[0]
        rows.append(("diff_in_change", dc, out.unit, ns, r_value, r_source))
        r_an, src = r_value, r_source
    an = effects.ancova_from_summary(*pre_post, r=r_an, level=level).iloc[0]
    rows.append(("ancova", an, out.unit, ns, r_an, src))
    return rows


def _pooled_r(trial: Trial, outcome: str, timepoint: str) -> float:
    """Pooled within-arm correlation of baseline and follow-up (patient data)."""
    import numpy as np

    from trialkit.ipd import baseline_followup

    wide = baseline_followup(trial, outcome, timepoint)
    centred = wide[["pre", "post"]] - wide.groupby("arm")[["pre", "post"]].transform("mean")
    sxy = float((centred["pre"] * centred["post"]).sum())
    return sxy / float(np.sqrt((centred["pre"] ** 2).sum() * (centred["post"] ** 2).sum()))


def sensitivity(trial: Trial, r: Sequence[float] = SENSITIVITY_R, *,
                outcome: str | Sequence[str] | None = None,
                measures: Sequence[str] = ("diff_in_change", "ancova"),
                level: float = 0.95) -> pd.DataFrame:
    """Between-arm effects that depend on the pre-post correlation, across assumed values.

    Runs :func:`between` from the summary table (``use="summary"``) once per value of ``r``
    and keeps the measures that depend on it.

    Parameters
    ----------
    trial : Trial
    r : sequence of float
        Correlations to try (default 0.2 to 0.8).
    outcome : str or sequence of str, optional
    measures : sequence of str
        Among ``diff_in_change`` and ``ancova``.
    level : float

    Returns
    -------
    DataFrame
        The :func:`between` columns, one block per ``r`` (``r`` is the value tried; where a
        row did not use it, ``r_source`` says so), plus ``r_implied`` (the pooled pre-post
        correlation the table's printed change SDs imply, NaN when it prints none or it is
        impossible) and ``r_note`` (a sentence for a figure's footnote, "" when the
        correlation is not given by the table).

    Examples
    --------
    >>> import trialkit
    >>> from trialkit.analysis import sensitivity
    >>> s = sensitivity(trialkit.load("mejuto2014"), r=[0.2, 0.8], outcome="pain")
    >>> sorted(s["r"].unique().tolist())
    [0.2, 0.8]
    """
    import pandas as pd

    bad = [m for m in measures if m not in ("diff_in_change", "ancova")]
    if bad:
        raise TrialDataError(f"measures must be among diff_in_change, ancova; got {bad}",
                             field="measures")
    values = list(r)
    if not values:
        raise TrialDataError("give at least one value of r", field="r")
    frames = []
    for value in values:
        one = between(trial, r=value, outcome=outcome, level=level, use="summary")
        one["r"] = value  # the value tried; r_source says where a row did not use it
        frames.append(one)
    frame = pd.concat(frames, ignore_index=True)
    frame = frame[frame["measure"].isin(measures)].reset_index(drop=True)
    implied = {}
    for key in frame[["outcome", "timepoint", "arm", "reference"]].drop_duplicates().itertuples(
            index=False):
        oid, tp, arm, ref = key
        pairs = [(_pairs(_summary_view(trial), oid, a, tp), _change(trial, oid, a, tp))
                 for a in (arm, ref)]
        implied[tuple(key)] = (_pooled_implied_r(pairs)[0]
                               if all(c is not None for _, c in pairs) else None)
    keys = list(zip(frame["outcome"], frame["timepoint"], frame["arm"], frame["reference"],
                    strict=True))
    frame["r_implied"] = [float("nan") if implied[k] is None else implied[k] for k in keys]
    frame["r_note"] = [_sensitivity_note(implied[k], m)
                       for k, m in zip(keys, frame["measure"], strict=True)]
    return frame


def _sensitivity_note(implied: float | None, measure: str) -> str:
    if implied is None:
        return ""
    if measure == "diff_in_change":
        return ("the table prints each arm's change and its SD: this difference uses them and "
                "does not depend on r")
    return (f"the printed baseline, follow-up and change SDs imply a pooled r = {implied:.2f}; "
            "other values of r are hypothetical")
