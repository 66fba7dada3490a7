"""The figure set for a trial: every chart that fits its data, titled and saved.

Orchestration only: it calls :mod:`trialkit.analysis` for the numbers and
:mod:`trialkit.plots` to draw them, adds titles, sources and the illustrative stamp, and
writes files with predictable names ``{trial}_{figure}_{style}.{format}``.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from trialkit.errors import TrialDataError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from trialkit.trial import Trial

__all__ = ["figure_set", "write_figures"]


def _short(trial: Trial) -> str:
    from trialkit.meta import short_ref

    author = short_ref(trial.citation)
    return f"{author} (n = {trial.n})" if author != trial.citation else f"{trial.id}"


def _source_note(trial: Trial, extra: str = "") -> str:
    from trialkit.meta import short_ref

    parts = [extra] if extra else []
    if trial.illustrative:
        parts.append("Per-arm numbers are ILLUSTRATIVE: chosen to match the published "
                     "statements, not the article's table.")
    doi = f", doi:{trial.meta.doi}" if trial.meta.doi else ""
    parts.append(f"Source: {short_ref(trial.citation)}{doi}; data: trialkit "
                 f"data/{trial.id}.")
    return " ".join(p for p in parts if p)


def _finish(fig: Figure, trial: Trial, title: str, subtitle: str, note: str, style: str,
            frames: Sequence[Any]) -> Figure:
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
        footer(fig, _source_note(trial, note), style=style)
    if illustrative:
        stamp_illustrative(fig, style=style)
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


def figure_set(trial: Trial, *, style: str = "slide", r: float | None = None
               ) -> dict[str, Figure]:
    """Every figure that fits the trial's data, by name.

    Parameters
    ----------
    trial : Trial
    style : {"slide", "paper"}
    r : float, optional
        Pre-post correlation for summary-only trials (default 0.5, stated on the figures).

    Returns
    -------
    dict
        ``name -> Figure``; names such as ``trajectory_pain``, ``percent_change_pain``,
        ``forest``, ``rom_deltas``, ``sensitivity_pain``.
    """
    from trialkit import plots
    from trialkit.analysis import DEFAULT_R, between, means, sensitivity, within
    from trialkit.plots._style import get_style, new_figure

    spec = get_style(style)
    out: dict[str, Figure] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # the assumed r is stated on the figure
        m = means(trial)
        w = within(trial, r=r) if trial.baseline is not None else None
        b = between(trial, r=r) if trial.baseline is not None else None
    r_note = ""
    if trial.level == "summary" and trial.baseline is not None:
        r_used = DEFAULT_R if r is None else r
        r_note = (f"Change-score intervals assume a pre-post correlation r = {r_used:g}"
                  f"{' (not reported; assumed)' if r is None else ''}.")
    who = _short(trial)
    ref = trial.reference_arm
    ipd = trial.ipd

    # 1. trajectories, one figure per outcome group
    for group in _groups(trial):
        rows, cols = _grid(len(group))
        multi = len(group) > 1
        size = spec["wide"] if multi and style == "slide" else (
            (spec["wide"][0], spec["wide"][1] * (1.0 if rows == 1 else 1.55)) if multi
            else None)
        fig, axes = new_figure(style, nrows=rows, ncols=cols, size=size)
        axes_list = [axes] if not multi else list(axes.flat)
        for k, (ax, oid) in enumerate(zip(axes_list, group, strict=False)):
            plots.trajectory(m, oid, ipd=ipd, ax=ax, style=style, label_arms=not multi,
                             legend=multi and k == 0, direction_note=not multi,
                             mark_illustrative=False)
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
        subtitle = f"Mean and 95% CI by arm at each visit; {who}"
        if multi and first.direction:
            subtitle += f"; {first.direction.replace('_', ' ')}"
        if ipd is not None:
            subtitle += "; faint lines are individual patients"
        out[f"trajectory_{name}"] = _finish(fig, trial, title, subtitle, "", style, [m])

    if w is None or b is None:
        return out

    # 2. percent change from baseline (not for range of motion: degrees say more)
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
            plots.percent_change(pc, oid, ax=ax, style=style, reference=ref, legend=k == 0,
                                 direction_note=len(group) == 1, mark_illustrative=False)
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
                    f"{who}")
        if len(group) > 1 and first.direction:
            subtitle += f"; {first.direction.replace('_', ' ')}"
        note = (f"Percent change = 100 x (mean at follow-up - mean at baseline) / mean at "
                f"baseline. {r_note}")
        out[f"percent_change_{name}"] = _finish(
            fig, trial, f"{label}: change from baseline", subtitle, note, style, [pc])

    # 3. forest of standardized between-arm effects (every comparison vs the reference)
    thresholds = _smd_thresholds(trial)
    g = b[b["measure"] == "hedges_g"]
    several = g["comparison"].nunique() > 1
    n_rows = len(g.drop_duplicates(["outcome", "comparison"]))
    size = (spec["size"][0] * 1.25, max(2.8, 0.3 * n_rows + 1.9)) if style == "paper" else None
    fig, ax = new_figure(style, size=size)
    plots.forest(b, "hedges_g", ax=ax, style=style, thresholds=thresholds,
                 mark_illustrative=False)
    refl = g["reference_label"].iloc[0]
    arm = "each arm" if several else g["arm_label"].iloc[0]
    note = ("Hedges' g: difference in follow-up means over the pooled SD, exact "
            "small-sample correction, noncentral-t 95% CI. Effects are mirrored where lower "
            f"is better, so right always favours {arm} over {refl}.")
    if thresholds:
        note += (" Dashed lines: the thresholds the abstract reports (SMD greater than "
                 + " and ".join(f"{v:g} at {trial.timepoint(t).label}"
                                for t, v in thresholds.items()) + ").")
    title = (f"{g['arm_label'].iloc[0]} vs {refl}: standardized differences" if not several
             else f"Each arm vs {refl}: standardized differences")
    out["forest"] = _finish(fig, trial, title,
                            f"Hedges' g with 95% CI at every follow-up; {who}", note, style,
                            [g])

    # 4. range of motion in degrees, one panel per follow-up
    rom = w[(w["domain"] == "range_of_motion") & (w["measure"] == "mean_change")]
    if not rom.empty:
        tps = list(dict.fromkeys(rom["timepoint"]))
        fig, axes = new_figure(style, nrows=1, ncols=len(tps), wide=True, sharey=True)
        axes_list = [axes] if len(tps) == 1 else list(axes.flat)
        for k, (ax, tp) in enumerate(zip(axes_list, tps, strict=True)):
            plots.rom_deltas(rom, tp, ax=ax, style=style, reference=ref, legend=k == 0,
                             legend_band=True, mark_illustrative=False)
            ax.set_title(trial.timepoint(tp).label, fontsize=spec["subtitle"])
        for ax in axes_list[1:]:
            ax.tick_params(labelleft=False)
        note = "Mean change within each arm with 95% CI (whiskers). " + r_note
        mdc = rom["mdc"].dropna().unique()
        if len(mdc) == 1:
            src = trial.outcome(rom["outcome"].iloc[0]).mdc_source.split(".")[0]
            note += (f" Dashed line: minimal detectable change {mdc[0]:g} degrees "
                     f"({src}).")
        out["rom_deltas"] = _finish(fig, trial, "Range of motion: degrees gained",
                                    f"Active cervical range of motion, change from baseline "
                                    f"by direction; {who}", note, style, [rom])

    # 5. estimation plots (patient data): each arm vs the reference at the last follow-up
    if ipd is not None:
        from trialkit.ipd import bootstrap, bootstrap_distribution

        last = [t.id for t in trial.timepoints if t.id != trial.baseline][-1]
        for oid in [o.id for o in trial.outcomes]:
            for arm_id in [a.id for a in trial.arms if a.id != ref]:
                boot = bootstrap(trial, oid, last, arm=arm_id, reference=ref)
                dist = bootstrap_distribution(trial, oid, last, arm=arm_id, reference=ref)
                size = spec["size"] if style == "paper" else spec["wide"]
                from matplotlib.figure import Figure as NewFigure

                fig = NewFigure(figsize=size, layout="constrained", dpi=spec["screen_dpi"])
                plots.estimation(boot, dist, ipd, m, fig=fig, style=style)
                arm_label = trial.arm(arm_id).label
                name = f"estimation_{oid}_{arm_id}"
                note = ("Points: every patient measured at this visit; lines: arm means. Right: "
                        "the bootstrap distribution of the difference in means (10,000 "
                        "resamples within each arm, seed 0) with its "
                        f"{boot['ci_method'].iloc[0]} 95% CI.")
                out[name] = _finish(
                    fig, trial, f"{trial.outcome(oid).label}: {arm_label} vs "
                    f"{trial.arm(ref).label}",
                    f"{trial.timepoint(last).label}; mean difference with 95% CI; {who}", note,
                    style, [m])

    # 6. sensitivity to the assumed correlation (summary-only trials)
    if trial.level == "summary":
        first = trial.outcomes[0]
        s = sensitivity(trial, outcome=first.id)
        tps = list(dict.fromkeys(s["timepoint"]))
        fig, axes = new_figure(style, nrows=1, ncols=len(tps), wide=True, sharey=True)
        axes_list = [axes] if len(tps) == 1 else list(axes.flat)
        for k, (ax, tp) in enumerate(zip(axes_list, tps, strict=True)):
            for comparison in list(dict.fromkeys(s["comparison"]))[:1]:
                plots.sensitivity(s, first.id, tp, ax=ax, style=style, comparison=comparison,
                                  mark_illustrative=False)
            ax.set_title(trial.timepoint(tp).label, fontsize=spec["subtitle"])
            if k > 0:
                ax.set_ylabel("")
                if ax.get_legend() is not None:
                    ax.get_legend().remove()
        note = ("The paper does not report the correlation between baseline and follow-up, "
                "which change-score and ANCOVA intervals need; each line shows one assumption.")
        out[f"sensitivity_{first.id}"] = _finish(
            fig, trial, f"{first.short}: how much the assumed correlation matters",
            f"Between-arm difference with 95% CI for r from 0.2 to 0.8; {who}", note, style,
            [s])
    return out


def _smd_thresholds(trial: Trial) -> dict[str, float]:
    """SMD thresholds the publication states (reported.csv rows 'smd' with '>'), by timepoint."""
    rep = trial.reported
    rows = rep[(rep["statistic"] == "smd") & (rep["relation"] == ">")]
    return {str(row["timepoint"]): float(row["value"]) for _, row in rows.iterrows()
            if row["timepoint"] not in ("", "*")}


def write_figures(trial: Trial, out: str | Path, *, formats: Sequence[str] = ("png",),
                  style: str = "slide", r: float | None = None,
                  dpi: int | None = None) -> list[Path]:
    """Write the trial's figure set to ``out``; returns the files written.

    File names: ``{trial}_{figure}_{style}.{format}``, e.g.
    ``mejuto2014_percent_change_pain_slide.png``.
    """
    from trialkit.plots._style import get_style, save

    get_style(style)
    folder = Path(out)
    if folder.exists() and not folder.is_dir():
        raise TrialDataError("not a folder", file=str(folder))
    written: list[Path] = []
    for name, fig in figure_set(trial, style=style, r=r).items():
        written += save(fig, folder / f"{trial.id}_{name}_{style}", formats, dpi=dpi,
                        style=style)
    return written
