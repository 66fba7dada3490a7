"""Frames into rows of text for the HTML tables and the slides (formatting only)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from trialkit.report._format import (
    fmt_ci,
    fmt_est,
    fmt_int,
    fmt_p,
    fmt_pct,
    fmt_prob,
    is_missing,
)

if TYPE_CHECKING:
    import pandas as pd

    from trialkit.report._frames import Frames
    from trialkit.trial import Trial

__all__ = ["Table", "views"]

MEASURES = {
    "mean_change": "Mean change", "percent_change": "Percent change",
    "smcr": "Standardized change (baseline SD)", "mean_difference": "Mean difference",
    "diff_in_change": "Difference in change", "ancova": "ANCOVA difference",
    "hedges_g": "Hedges' g", "ratio_of_means": "Ratio of means",
}


class Table(dict):
    """A shown table: ``title``, ``columns`` (header texts), ``rows`` (lists of text),
    ``numeric`` (column indices right-aligned) and ``note``."""


def _label(trial: Trial, kind: str, key: Any) -> str:
    try:
        return getattr(trial, kind)(str(key)).label
    except Exception:  # a key the trial does not name (e.g. "*")
        return str(key)


def _direction(value: Any) -> str:
    return value.replace("_", " ") if isinstance(value, str) and value else "not declared"


def _est(measure: str, value: Any) -> str:
    return fmt_pct(value) if measure == "percent_change" else fmt_est(value)


def _ci(measure: str, low: Any, high: Any) -> str:
    if measure == "percent_change":
        return MISSING_CI if is_missing(low) else f"{fmt_pct(low)} to {fmt_pct(high)}"
    return fmt_ci(low, high)


MISSING_CI = "–"


def summary_table(trial: Trial, s: pd.DataFrame) -> Table:
    cols = ["Outcome", "Arm", "Time", "n", "Mean", "SD", "Source"]
    conv = "method" in s.columns and bool((s["method"].astype(str) != "").any())
    if conv:
        cols.append("Converted")
    rows = []
    for _, x in s.iterrows():
        row = [_label(trial, "outcome", x["outcome"]), _label(trial, "arm", x["arm"]),
               _label(trial, "timepoint", x["timepoint"]), fmt_int(x["n"]),
               str(x["mean_text"]), str(x["sd_text"]), str(x["source"])]
        if conv:
            row.append(str(x["method"]))
        rows.append(row)
    return Table(title="Summary statistics as printed", columns=cols, rows=rows,
                 numeric=[3, 4, 5],
                 note="Means and SDs with the digits the source printed.")


def within_table(w: pd.DataFrame) -> Table:
    rows = [[x["outcome_label"], x["arm_label"], x["timepoint_label"],
             MEASURES.get(x["measure"], x["measure"]), _est(x["measure"], x["estimate"]),
             _ci(x["measure"], x["ci_low"], x["ci_high"]), fmt_p(x["p"])]
            for _, x in w.iterrows()]
    return Table(title="Within each arm: change from baseline",
                 columns=["Outcome", "Arm", "Follow-up", "Measure", "Estimate", "95% CI", "p"],
                 rows=rows, numeric=[4, 5, 6],
                 note="Percent change is relative to the arm's own baseline mean.")


def between_table(trial: Trial, b: pd.DataFrame) -> Table:
    rows = []
    for _, x in b.iterrows():
        fav = x.get("favours", "")
        rows.append([x["outcome_label"], x["timepoint_label"],
                     f"{x['arm_label']} vs {x['reference_label']}",
                     MEASURES.get(x["measure"], x["measure"]), fmt_est(x["estimate"]),
                     fmt_ci(x["ci_low"], x["ci_high"]), fmt_p(x["p"]),
                     "" if is_missing(fav) else _label(trial, "arm", fav)])
    return Table(title="Between arms: each arm minus the reference",
                 columns=["Outcome", "Follow-up", "Comparison", "Measure", "Estimate",
                          "95% CI", "p", "Favours"],
                 rows=rows, numeric=[4, 5, 6],
                 note="'Favours' is given only where the outcome declares its direction.")


def checks_table(trial: Trial, c: pd.DataFrame) -> Table:
    rows = [[str(x["check"]), _label(trial, "outcome", x["outcome"]) if x["outcome"] else "",
             _label(trial, "arm", x["arm"]) if x["arm"] else "",
             _label(trial, "timepoint", x["timepoint"]) if x["timepoint"] else "",
             str(x["reported"]), str(x["verdict"]), str(x["detail"])]
            for _, x in c.iterrows()]
    return Table(title="Do the paper's numbers add up?",
                 columns=["Check", "Outcome", "Arm", "Time", "Reported", "Verdict", "Why"],
                 rows=rows, numeric=[], note="")


def _comparisons(b: pd.DataFrame | None) -> dict[str, str]:
    if b is None:
        return {}
    pairs = b.drop_duplicates("comparison")
    return {str(x["comparison"]): f"{x['arm_label']} vs {x['reference_label']}"
            for _, x in pairs.iterrows()}


def reanalysis_table(trial: Trial, re: pd.DataFrame, b: pd.DataFrame | None = None) -> Table:
    names = _comparisons(b)
    rows = []
    for _, x in re.iterrows():
        keys = [_label(trial, "outcome", x["outcome"]), _label(trial, "timepoint", x["timepoint"]),
                names.get(str(x["comparison"]), str(x["comparison"]))]
        if str(x["method"]).startswith("reanalyse/skipped"):
            rows.append([*keys, "–", "–", "–", "–", "–", "direction not declared"])
            continue
        no_mcid = is_missing(x["mcid"])
        rows.append([
            *keys, f"{x['prior']} / {x['likelihood']}", fmt_est(x["estimate"]),
            fmt_ci(x["ci_low"], x["ci_high"]), fmt_prob(x["p_benefit"]),
            "–" if no_mcid else fmt_prob(x["p_mcid"]),
            "none given" if no_mcid else f"{x['mcid']:g}"])
    return Table(title="Probabilities against the MCID, under each prior",
                 columns=["Outcome", "Follow-up", "Comparison", "Prior / likelihood",
                          "Posterior mean", "95% CrI", "P(benefit)", "P(benefit ≥ MCID)",
                          "MCID"],
                 rows=rows, numeric=[4, 5, 6, 7, 8],
                 note="Posterior of the true between-arm difference under each prior (normal "
                      "priors anchored at the MCID; flat: the likelihood alone), with a normal "
                      "and a Student-t likelihood. Benefit follows each outcome's declared "
                      "direction; an outcome without an MCID gets only the flat prior and no "
                      "P(benefit ≥ MCID).")


def exaggeration_table(trial: Trial, re: pd.DataFrame, b: pd.DataFrame | None = None
                       ) -> Table:
    """Design at the MCID (power, type S, type M) per outcome, follow-up and comparison."""
    names = _comparisons(b)
    part = re[re["mcid"].notna() & re["direction"].notna()]
    part = part.drop_duplicates(["outcome", "timepoint", "comparison"])
    rows = [[_label(trial, "outcome", x["outcome"]), _label(trial, "timepoint", x["timepoint"]),
             names.get(str(x["comparison"]), str(x["comparison"])), fmt_est(x["effect"]),
             fmt_est(x["effect_se"]), f"{x['mcid']:g}", fmt_prob(x["power_mcid"]),
             fmt_est(x["type_s_mcid"], 4), fmt_est(x["type_m_mcid"])]
            for _, x in part.iterrows()]
    missing = [trial.outcome(o).label for o in dict.fromkeys(re["outcome"].astype(str))
               if o not in set(part["outcome"].astype(str))]
    note = ("If the true effect were exactly the MCID, a trial with this standard error "
            "would reach p < 0.05 with the power shown; a significant estimate would then "
            "have the wrong sign with probability type S and overstate the truth by the "
            "exaggeration ratio on average (type M; Gelman & Carlin 2014).")
    note += _not_computed(trial, missing, "no MCID (or no declared direction) is given",
                          bool(rows))
    return Table(title="How exaggerated could a significant estimate be?",
                 columns=["Outcome", "Follow-up", "Comparison", "Estimate", "SE", "MCID",
                          "Power at MCID", "Type S", "Exaggeration (type M)"],
                 rows=rows, numeric=[3, 4, 5, 6, 7, 8], note=note)


def _not_computed(trial: Trial, missing: list[str], why: str, computed: bool = True) -> str:
    if not missing:
        return ""
    if not computed:
        return f" Not computed for any outcome: {why}, and none is invented."
    which = missing[0] if len(missing) == 1 else f"the other {len(missing)} outcomes"
    return f" Not computed for {which}: {why}, and none is invented."


def responders_table(trial: Trial, resp: pd.DataFrame | None, re: pd.DataFrame) -> Table:
    """Patients improved by at least the MCID in each arm, the difference and the NNT."""
    rows = []
    for _, x in (resp.iterrows() if resp is not None else iter(())):
        o = trial.outcome(str(x["outcome"]))
        rows.append([o.label, _label(trial, "timepoint", x["timepoint"]),
                     f"{trial.arm(str(x['arm'])).label} vs "
                     f"{trial.arm(str(x['reference'])).label}",
                     f"{fmt_est(x['threshold'], 1)} {o.unit}".rstrip(), fmt_prob(x["p1"]),
                     fmt_prob(x["p2"]),
                     f"{fmt_est(100 * x['estimate'], 0)} "
                     f"({fmt_ci(100 * x['ci_low'], 100 * x['ci_high'], 0)})",
                     f"{fmt_est(x['nnt'], 1)} ({x['nnt_interval']})"])
    shown = set() if resp is None else set(resp["outcome"].astype(str))
    missing = [trial.outcome(o).label for o in dict.fromkeys(re["outcome"].astype(str))
               if o not in shown]
    note = ("Responders: patients whose change is beyond the MCID in the direction of "
            "benefit, by the distributional method (Peacock et al. 2012) from each arm's mean "
            "change and SD of change, assuming normal changes with a common SD; difference "
            "in percentage points with its 95% CI; NNT with Altman's (1998) interval.")
    if resp is not None:
        rs = resp[["r", "r_source"]].dropna().drop_duplicates()
        if not rs.empty:
            note += " SDs of change: " + "; ".join(
                f"r = {r:g} ({src})" for r, src in rs.itertuples(index=False)) + "."
    note += _not_computed(trial, missing, "no MCID (or no declared direction) defines a "
                                          "responder", bool(rows))
    return Table(title="What it means for patients: responders and NNT",
                 columns=["Outcome", "Follow-up", "Comparison", "Change of at least",
                          "Arm", "Reference", "Difference (95% CI)", "NNT (95% CI)"],
                 rows=rows, numeric=[3, 4, 5, 6], note=note)


def views(trial: Trial, frames: Frames) -> list[Table]:
    """The shown tables, in report order, keyed by ``key``."""
    out = [Table(key="summary", **summary_table(trial, frames.summary))]
    if frames.within is not None:
        out.append(Table(key="within", **within_table(frames.within)))
    if frames.between is not None:
        out.append(Table(key="between", **between_table(trial, frames.between)))
    out.append(Table(key="checks", **checks_table(trial, frames.checks)))
    if frames.reanalysis is not None:
        re, b = frames.reanalysis, frames.between
        out.append(Table(key="reanalysis", **reanalysis_table(trial, re, b)))
        out.append(Table(key="exaggeration", **exaggeration_table(trial, re, b)))
        out.append(Table(key="responders", **responders_table(trial, frames.responders, re)))
    return out
