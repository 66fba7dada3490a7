"""The builders of a trial's figure set: one function per kind of figure, and what they share.

Each builder takes the set's context (:class:`_Set`: the trial, style, frames and footer) and
returns figures by name; :func:`trialkit.figures.figure_set` chooses which to call.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from trialkit.figure_text import changes_negated_note, changes_printed, source_note

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from trialkit.trial import Trial


def _finish(fig: Figure, trial: Trial, title: str, subtitle: str, note: str, style: str,
            frames: Sequence[Any], data: str | None = None) -> Figure:
    from trialkit.plots._labels import spread_labels
    from trialkit.plots._style import footer, header, stamp_illustrative

    illustrative = any(bool(f["illustrative"].any()) for f in frames)
    if style == "paper":
        # A journal figure carries its explanation in the manuscript's caption; the figure
        # keeps its title and, where it applies, the illustrative marking.
        header(fig, title, "", style=style, right_margin=0.3 if illustrative else 0.0)
        if illustrative:
            footer(fig, "Illustrative numbers, not the article's table.", style=style)
    else:
        header(fig, title, subtitle, style=style, right_margin=0.15 if illustrative else 0.0)
        footer(fig, source_note(trial, note, data), style=style)
    if illustrative:
        stamp_illustrative(fig, style=style)
    for ax in fig.axes:  # now that titles and notes take their room
        spread_labels(ax)
    return fig


def _groups(trial: Trial) -> list[list[str]]:
    """Outcomes grouped by domain (outcomes without a domain stand alone)."""
    groups: dict[str, list[str]] = {}
    for o in trial.outcomes:
        groups.setdefault(o.domain or o.id, []).append(o.id)
    return list(groups.values())


def _grid(n: int) -> tuple[int, int]:
    if n <= 3:
        return 1, n
    if n == 4:
        return 2, 2
    return 2, -(-n // 2)


@dataclass
class _Set:
    """What every figure of a set shares: the trial, its result frames and the wording."""

    trial: Trial
    style: str
    spec: dict[str, Any]
    r: float | None
    data: str | None
    m: Any
    w: Any
    b: Any
    who: str

    def finish(self, fig: Figure, title: str, subtitle: str, note: str,
               frames: Sequence[Any]) -> Figure:
        return _finish(fig, self.trial, title, subtitle, note, self.style, frames, self.data)

    def r_note(self, outcome: str | None = None) -> str:
        """How the change-score intervals got their pre-post correlation (summary trials)."""
        trial = self.trial
        if trial.level != "summary" or trial.baseline is None:
            return ""
        if self.r is not None:
            return f"Change-score intervals use a pre-post correlation r = {self.r:g} (given)."
        from trialkit.analysis import DEFAULT_R

        if changes_printed(trial, outcome):
            return (f"Where change-score intervals need a pre-post correlation, r = "
                    f"{DEFAULT_R:g} is assumed; the table's SDs of change imply each arm's "
                    "(see trialkit check).")
        return (f"Change-score intervals assume a pre-post correlation r = {DEFAULT_R:g} "
                "(not reported; assumed).")


def _no_baseline_set(ctx: _Set) -> dict[str, Figure]:
    """A trial that prints no baseline (``baseline = false``): the between-arm figures only,
    with one warning naming the figures left out and why."""
    from trialkit.meta import NO_BASELINE

    trial = ctx.trial
    out: dict[str, Figure] = {}
    skipped = ["percent change", "change from baseline"]
    if len(trial.timepoints) > 1:  # means over several follow-ups: not "from baseline"
        out.update(_trajectories(ctx))
    else:
        skipped.insert(0, "trajectory")
    if trial.level == "summary":
        skipped.append("sensitivity to the pre-post correlation")
    if len(ctx.b):
        out["forest"] = _forest(ctx)
    warnings.warn(f"{trial.id}: figures left out ({', '.join(skipped)}): {NO_BASELINE}",
                  UserWarning, stacklevel=3)
    return out


def _trajectories(ctx: _Set) -> dict[str, Figure]:
    """Each arm's means over time, one figure per outcome group."""
    from trialkit import plots
    from trialkit.plots._style import new_figure

    trial, style, spec = ctx.trial, ctx.style, ctx.spec
    out: dict[str, Figure] = {}
    for group in _groups(trial):
        rows, cols = _grid(len(group))
        multi = len(group) > 1
        size = spec["wide"] if multi and style == "slide" else (
            (spec["wide"][0], spec["wide"][1] * (1.0 if rows == 1 else 1.55)) if multi
            else None)
        fig, axes = new_figure(style, nrows=rows, ncols=cols, size=size)
        axes_list = [axes] if not multi else list(axes.flat)
        for k, (ax, oid) in enumerate(zip(axes_list, group, strict=False)):
            plots.trajectory(ctx.m, oid, ipd=trial.ipd, ax=ax, style=style,
                             label_arms=not multi, legend=multi and k == 0,
                             direction_note=not multi, mark_illustrative=False)
            if multi:
                ax.set_title(trial.outcome(oid).short, fontsize=spec["label"],
                             fontweight="bold")
                ax.set_ylabel(trial.outcome(oid).unit, fontsize=spec["note"])
                ax.tick_params(labelsize=spec["note"])
        for ax in axes_list[len(group):]:
            ax.set_visible(False)
        first = trial.outcome(group[0])
        name = first.domain if multi else first.id
        title = (first.label if not multi
                 else f"{first.domain.replace('_', ' ').capitalize()} over time")
        subtitle = f"Mean and 95% CI by arm at each visit; {ctx.who}"
        if multi and first.direction:
            subtitle += f"; {first.direction.replace('_', ' ')}"
        if trial.ipd is not None:
            subtitle += "; faint lines are individual patients"
        out[f"trajectory_{name}"] = ctx.finish(fig, title, subtitle, "", [ctx.m])
    return out


def _percent_changes(ctx: _Set) -> dict[str, Figure]:
    """Percent change from baseline (not for range of motion: degrees say more)."""
    from trialkit import plots
    from trialkit.plots._style import new_figure

    trial, style, spec, w = ctx.trial, ctx.style, ctx.spec, ctx.w
    out: dict[str, Figure] = {}
    for group in _groups(trial):
        first = trial.outcome(group[0])
        if first.domain == "range_of_motion":
            continue
        pc = w[(w["measure"] == "percent_change") & w["outcome"].isin(group)]
        if pc.empty:
            continue
        rows, cols = _grid(len(group))
        size = None if len(group) == 1 else (spec["wide"][0], spec["wide"][1])
        fig, axes = new_figure(style, nrows=rows, ncols=cols, size=size)
        axes_list = [axes] if len(group) == 1 else list(axes.flat)
        for k, (ax, oid) in enumerate(zip(axes_list, group, strict=False)):
            plots.percent_change(pc, oid, ax=ax, style=style, reference=trial.reference_arm,
                                 legend=k == 0, direction_note=len(group) == 1,
                                 mark_illustrative=False)
            if len(group) > 1:
                ax.set_title(trial.outcome(oid).short, fontsize=spec["label"],
                             fontweight="bold")
                ax.tick_params(labelsize=spec["note"])
                if k > 0:
                    ax.set_ylabel("")
        name = first.domain if len(group) > 1 else first.id
        label = (first.label if len(group) == 1
                 else first.domain.replace("_", " ").capitalize())
        subtitle = (f"Within each arm, relative to that arm's own baseline mean, with 95% CI; "
                    f"{ctx.who}")
        if len(group) > 1 and first.direction:
            subtitle += f"; {first.direction.replace('_', ' ')}"
        note = (f"Percent change = 100 x (mean at follow-up - mean at baseline) / mean at "
                f"baseline. {ctx.r_note(first.id if len(group) == 1 else None)}")
        out[f"percent_change_{name}"] = ctx.finish(
            fig, f"{label}: change from baseline", subtitle, note, [pc])
    return out


def _forest(ctx: _Set) -> Figure:
    """Standardized between-arm effects, every comparison against the reference arm."""
    from trialkit import plots
    from trialkit.plots._style import new_figure

    trial, style, spec = ctx.trial, ctx.style, ctx.spec
    thresholds = _smd_thresholds(trial)
    g = ctx.b[ctx.b["measure"] == "hedges_g"]
    several = g["comparison"].nunique() > 1
    n_rows = len(g.drop_duplicates(["outcome", "comparison"]))
    size = (spec["size"][0] * 1.25, max(2.8, 0.3 * n_rows + 1.9)) if style == "paper" else None
    fig, ax = new_figure(style, size=size)
    plots.forest(ctx.b, "hedges_g", ax=ax, style=style, thresholds=thresholds,
                 mark_illustrative=False)
    refl = g["reference_label"].iloc[0]
    arm = "each arm" if several else g["arm_label"].iloc[0]
    directions = set(g["direction"].dropna())
    oriented = g["direction"].isin(["higher_is_better", "lower_is_better"]).all()
    # No baseline printed: name the printed timepoints instead of "follow-up".
    at = ", ".join(t.label for t in trial.timepoints) if trial.no_baseline else ""
    note = (f"Hedges' g: difference in {'means at ' + at if at else 'follow-up means'} over "
            "the pooled SD, exact small-sample correction, noncentral-t 95% CI.")
    if oriented:
        mirrored = ("Effects are mirrored where lower is better, so right always"
                    if "lower_is_better" in directions else "Right")
        note += f" {mirrored} favours {arm} over {refl}."
        if thresholds:
            note += (" Dashed lines: the thresholds the abstract reports (SMD greater than "
                     + " and ".join(f"{v:g} at {trial.timepoint(t).label}"
                                    for t, v in thresholds.items()) + ").")
    else:
        note += (" The direction of benefit is not given for every outcome, so effects are "
                 f"drawn as arm minus {refl} and the figure does not say which arm they "
                 "favour (declare it, e.g. --direction pain=lower).")
    title = (f"{g['arm_label'].iloc[0]} vs {refl}: standardized differences" if not several
             else f"Each arm vs {refl}: standardized differences")
    return ctx.finish(fig, title, f"Hedges' g with 95% CI at {at or 'every follow-up'}; "
                      f"{ctx.who}", note, [g])


def _rom(ctx: _Set) -> dict[str, Figure]:
    """Range of motion in degrees, one panel per follow-up."""
    from trialkit import plots
    from trialkit.plots._style import new_figure

    trial, style, spec, w = ctx.trial, ctx.style, ctx.spec, ctx.w
    rom = w[(w["domain"] == "range_of_motion") & (w["measure"] == "mean_change")]
    if rom.empty:
        return {}
    tps = list(dict.fromkeys(rom["timepoint"]))
    fig, axes = new_figure(style, nrows=1, ncols=len(tps), wide=True, sharey=True)
    axes_list = [axes] if len(tps) == 1 else list(axes.flat)
    for k, (ax, tp) in enumerate(zip(axes_list, tps, strict=True)):
        plots.rom_deltas(rom, tp, ax=ax, style=style, reference=trial.reference_arm,
                         legend=k == 0, legend_band=True, mark_illustrative=False)
        ax.set_title(trial.timepoint(tp).label, fontsize=spec["subtitle"])
    for ax in axes_list[1:]:
        ax.tick_params(labelleft=False)
    note = "Mean change within each arm with 95% CI (whiskers). " + ctx.r_note()
    mdc = rom["mdc"].dropna().unique()
    if len(mdc) == 1:
        src = trial.outcome(rom["outcome"].iloc[0]).mdc_source.split(".")[0]
        note += f" Dashed line: minimal detectable change {mdc[0]:g} degrees ({src})."
    return {"rom_deltas": ctx.finish(fig, "Range of motion: degrees gained",
                                     "Active cervical range of motion, change from baseline "
                                     f"by direction; {ctx.who}", note, [rom])}


def _estimations(ctx: _Set) -> dict[str, Figure]:
    """Estimation plots (patient data): each arm vs the reference at the last follow-up."""
    from matplotlib.figure import Figure as NewFigure

    from trialkit import plots
    from trialkit.ipd import bootstrap, bootstrap_distribution

    trial, style, spec = ctx.trial, ctx.style, ctx.spec
    ref = trial.reference_arm
    last = [t.id for t in trial.timepoints if t.id != trial.baseline][-1]
    out: dict[str, Figure] = {}
    for oid in [o.id for o in trial.outcomes]:
        for arm_id in [a.id for a in trial.arms if a.id != ref]:
            boot = bootstrap(trial, oid, last, arm=arm_id, reference=ref)
            dist = bootstrap_distribution(trial, oid, last, arm=arm_id, reference=ref)
            size = spec["size"] if style == "paper" else spec["wide"]
            fig = NewFigure(figsize=size, layout="constrained", dpi=spec["screen_dpi"])
            plots.estimation(boot, dist, trial.ipd, ctx.m, fig=fig, style=style)
            note = ("Points: every patient measured at this visit; lines: arm means. Right: "
                    "the bootstrap distribution of the difference in means (10,000 "
                    "resamples within each arm, seed 0) with its "
                    f"{boot['ci_method'].iloc[0]} 95% CI.")
            out[f"estimation_{oid}_{arm_id}"] = ctx.finish(
                fig, f"{trial.outcome(oid).label}: {trial.arm(arm_id).label} vs "
                f"{trial.arm(ref).label}",
                f"{trial.timepoint(last).label}; mean difference with 95% CI; {ctx.who}",
                note, [ctx.m])
    return out


def _sensitivity(ctx: _Set, oid: str, which: str) -> dict[str, Figure]:
    """Sensitivity to the assumed correlation (summary-only trials), for one outcome."""
    from trialkit import plots
    from trialkit.analysis import sensitivity
    from trialkit.plots._style import new_figure

    trial, style, spec = ctx.trial, ctx.style, ctx.spec
    outcome = trial.outcome(oid)
    s = sensitivity(trial, outcome=oid)
    tps = list(dict.fromkeys(s["timepoint"]))
    fig, axes = new_figure(style, nrows=1, ncols=len(tps), wide=True, sharey=True)
    axes_list = [axes] if len(tps) == 1 else list(axes.flat)
    for k, (ax, tp) in enumerate(zip(axes_list, tps, strict=True)):
        for comparison in list(dict.fromkeys(s["comparison"]))[:1]:
            plots.sensitivity(s, oid, tp, ax=ax, style=style, comparison=comparison,
                              mark_illustrative=False)
        ax.set_title(trial.timepoint(tp).label, fontsize=spec["subtitle"])
        if k > 0:
            ax.set_ylabel("")
            if ax.get_legend() is not None:
                ax.get_legend().remove()
    if changes_printed(trial, oid):
        note = f"{_implied_note(s)} {changes_negated_note(trial, oid)}".strip()
    else:
        note = ("The paper does not report the correlation between baseline and follow-up, "
                "which change-score and ANCOVA intervals need; each line shows one "
                "assumption.")
    comparisons = list(dict.fromkeys(s["comparison"]))
    if len(comparisons) > 1:
        first = s[s["comparison"] == comparisons[0]].iloc[0]
        note += f" Shown for {first['arm_label']} vs {first['reference_label']}."
    note = f"{which} {note}".strip()
    return {f"sensitivity_{oid}": ctx.finish(
        fig, f"{outcome.short}: how much the assumed correlation matters",
        f"Between-arm difference with 95% CI for r from 0.2 to 0.8; {ctx.who}", note, [s])}


def _implied_note(s: Any) -> str:
    """Footnote of a sensitivity figure whose table prints change SDs: what they imply."""
    shown = s[s["comparison"] == s["comparison"].iloc[0]]
    parts = []
    for _, grp in shown.groupby("timepoint", sort=False):
        row = grp.iloc[0]
        each = [f"{row[col]:.2f} in {row[label]}" for col, label in
                (("r_implied_arm", "arm_label"), ("r_implied_reference", "reference_label"))
                if row[col] == row[col]]
        where = f"at {row['timepoint_label']}: " if shown["timepoint"].nunique() > 1 else ""
        pooled = (f"pooled {row['r_implied']:.2f}" if row["r_implied"] == row["r_implied"]
                  else "no usable pooled r")
        parts.append(f"{where}r = {' and '.join(each) or 'none possible'}, {pooled}")
    marked = (shown["r_implied"] == shown["r_implied"]).any()
    return ("The table prints each arm's change and its SD: the difference in change uses "
            "them and does not depend on r. With the baseline and follow-up SDs they imply "
            f"each arm's pre-post correlation ({'; '.join(parts)})"
            + ("; the dotted line marks the pooled r and the diamond the ANCOVA there"
               if marked else "") + ". Other values of r are hypothetical.")


def _smd_thresholds(trial: Trial) -> dict[str, float]:
    """SMD thresholds the publication states (reported.csv rows 'smd' with '>'), by timepoint."""
    rep = trial.reported
    rows = rep[(rep["statistic"] == "smd") & (rep["relation"] == ">")]
    return {str(row["timepoint"]): float(row["value"]) for _, row in rows.iterrows()
            if row["timepoint"] not in ("", "*")}
