"""Speaker notes: the numbers and intervals behind each slide, from the frames."""

from __future__ import annotations

from typing import TYPE_CHECKING

from trialkit.report._format import fmt_ci, fmt_est, fmt_p, fmt_prob, is_missing

if TYPE_CHECKING:
    import pandas as pd

    from trialkit.report._built import Built
    from trialkit.trial import Trial

__all__ = ["exaggeration_notes", "figure_notes", "responder_notes", "results_notes",
           "sure_notes"]


def _pair(trial: Trial, comparison: object) -> str:
    """"Dry needling vs Waiting list" for "trpdn-waitlist" (the id where it is not two arms)."""
    try:
        arm, ref = str(comparison).split("-", 1)
        return f"{trial.arm(arm).label} vs {trial.arm(ref).label}"
    except Exception:  # not an arm-arm key
        return str(comparison)


def _group(trial: Trial, key: str) -> list[str]:
    return [o.id for o in trial.outcomes if key in (o.id, o.domain)]


def _effect_lines(frame: pd.DataFrame, arm_cols: tuple[str, ...], pct: bool = False
                  ) -> list[str]:
    lines = []
    for _, x in frame.iterrows():
        who = " vs ".join(str(x[c]) for c in arm_cols)
        unit = "%" if pct else ""
        p = "" if is_missing(x.get("p")) else f", p {fmt_p(x['p'])}"
        lines.append(f"{x['outcome_label']}, {who}, {x['timepoint_label']}, {x['measure']}: "
                     f"{fmt_est(x['estimate'])}{unit} (95% CI {fmt_ci(x['ci_low'], x['ci_high'])}"
                     f"{unit}){p}")
    return lines


def figure_notes(rep: Built, name: str) -> str:
    """The numbers a figure shows, one line each (empty when the figure is not known)."""
    t, f = rep.trial, rep.frames
    w, b = f.within, f.between
    if name.startswith("trajectory_"):
        ids = _group(t, name.removeprefix("trajectory_"))
        s = f.summary[f.summary["outcome"].isin(ids)]
        return "\n".join(f"{t.outcome(x['outcome']).label}, {t.arm(x['arm']).label}, "
                         f"{t.timepoint(x['timepoint']).label}: mean {x['mean_text']}, "
                         f"SD {x['sd_text']}, n {x['n']}" for _, x in s.iterrows())
    if w is None or b is None:
        return ""
    if name.startswith("percent_change_"):
        ids = _group(t, name.removeprefix("percent_change_"))
        part = w[(w["measure"] == "percent_change") & w["outcome"].isin(ids)]
        return "\n".join(_effect_lines(part, ("arm_label",), pct=True))
    if name == "forest":
        return "\n".join(_effect_lines(b[b["measure"] == "hedges_g"],
                                       ("arm_label", "reference_label")))
    if name == "rom_deltas":
        part = w[(w["domain"] == "range_of_motion") & (w["measure"] == "mean_change")]
        return "\n".join(_effect_lines(part, ("arm_label",)))
    if name.startswith("estimation_"):
        part = b[(b["measure"] == "mean_difference")
                 & b["outcome"].map(lambda o: name.startswith(f"estimation_{o}_"))]
        return "\n".join(_effect_lines(part, ("arm_label", "reference_label")))
    if name.startswith("posterior_") and f.reanalysis is not None:
        oid = name.removeprefix("posterior_")
        re = f.reanalysis
        return sure_notes(t, re[(re["outcome"] == oid) & (re["likelihood"] == "normal")])
    if name.startswith("exaggeration_") and f.reanalysis is not None:
        return exaggeration_notes(t, f.reanalysis, name.removeprefix("exaggeration_"))
    if name.startswith("responders_") and f.responders is not None:
        return responder_notes(t, f.responders[f.responders["outcome"]
                                               == name.removeprefix("responders_")])
    if name.startswith("sensitivity_"):
        oid = name.removeprefix("sensitivity_")
        part = b[(b["outcome"] == oid) & b["measure"].isin(("diff_in_change", "ancova"))]
        r = ", ".join(dict.fromkeys(f"r = {x:g}" for x in part["r"].dropna()))
        return "\n".join([f"At the assumed {r} (the figure varies r from 0.2 to 0.8):",
                          *_effect_lines(part, ("arm_label", "reference_label"))])
    return ""


def results_notes(part: pd.DataFrame) -> str:
    """Each row of the results slide with its estimate, interval, p and method."""
    lines = _effect_lines(part, ("arm_label", "reference_label"))
    return "\n".join(f"{line} [{m}]" for line, m in zip(lines, part["method"], strict=True))


def sure_notes(trial: Trial, part: pd.DataFrame) -> str:
    """The reanalysis rows behind the 'how sure' slide, with the posterior intervals."""
    lines = []
    for _, x in part.iterrows():
        head = (f"{trial.outcome(x['outcome']).label}, {trial.timepoint(x['timepoint']).label}, "
                f"{_pair(trial, x['comparison'])}, "
                f"prior {x['prior']}: effect {fmt_est(x['effect'])} (SE "
                f"{fmt_est(x['effect_se'])}); posterior mean {fmt_est(x['estimate'])} (95% CrI "
                f"{fmt_ci(x['ci_low'], x['ci_high'])}); P(benefit) {fmt_prob(x['p_benefit'])}")
        if not is_missing(x["mcid"]):
            head += (f"; MCID {fmt_est(x['mcid'])}: P(benefit ≥ MCID) "
                     f"{fmt_prob(x['p_mcid'])}, power {fmt_prob(x['power_mcid'])}, type S "
                     f"{fmt_est(x['type_s_mcid'], 4)}, exaggeration {fmt_est(x['type_m_mcid'])}")
        else:
            head += "; no MCID given: P(benefit ≥ MCID), power and exaggeration not defined"
        lines.append(head)
    return "\n".join(lines)


def exaggeration_notes(trial: Trial, re: pd.DataFrame, outcome: str) -> str:
    """Power, type S and type M at the MCID for each follow-up of one outcome."""
    part = re[(re["outcome"] == outcome) & re["mcid"].notna()].drop_duplicates(
        ["timepoint", "comparison"])
    return "\n".join(
        f"{trial.outcome(outcome).label}, {trial.timepoint(str(x['timepoint'])).label}, "
        f"{_pair(trial, x['comparison'])}: estimate {fmt_est(x['effect'])} "
        f"(SE {fmt_est(x['effect_se'])}); "
        f"if the true effect were the MCID ({fmt_est(x['mcid'])}): power "
        f"{fmt_prob(x['power_mcid'])}, type S {fmt_est(x['type_s_mcid'], 4)}, exaggeration "
        f"{fmt_est(x['type_m_mcid'])}x" for _, x in part.iterrows())


def responder_notes(trial: Trial, resp: pd.DataFrame) -> str:
    """Responders in each arm, their difference with its interval, and the NNT."""
    lines = []
    for _, x in resp.iterrows():
        o = trial.outcome(str(x["outcome"]))
        lines.append(
            f"{o.label}, {trial.timepoint(str(x['timepoint'])).label}, change beyond "
            f"{fmt_est(x['threshold'])} {o.unit}: {trial.arm(str(x['arm'])).label} "
            f"{fmt_prob(x['p1'])}, {trial.arm(str(x['reference'])).label} {fmt_prob(x['p2'])}; "
            f"difference {fmt_est(100 * x['estimate'], 1)} percentage points (95% CI "
            f"{fmt_ci(100 * x['ci_low'], 100 * x['ci_high'], 1)}); NNT "
            f"{fmt_est(x['nnt'], 2)} ({x['nnt_interval']}); risk ratio {fmt_est(x['rr'])} "
            f"(95% CI {fmt_ci(x['rr_low'], x['rr_high'])}); SD of change from r = "
            f"{x['r']:g} ({x['r_source']})")
    return "\n".join(lines)
