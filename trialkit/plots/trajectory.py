"""Each arm's mean with its confidence interval across timepoints."""

from __future__ import annotations

from typing import TYPE_CHECKING

from trialkit.plots._common import (
    arm_order,
    direction_hint,
    ensure_ax,
    only_outcome,
    tick_labels,
    with_unit,
)
from trialkit.plots._labels import END_LABEL, spread_labels
from trialkit.plots._style import MUTED, arm_colours, stamp_illustrative, style_context

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes


def trajectory(frame: pd.DataFrame, outcome: str | None = None, *,
               ipd: pd.DataFrame | None = None, ax: Axes | None = None,
               style: str = "paper", dodge: float = 0.06, label_arms: bool = True,
               legend: bool | None = None, direction_note: bool = True,
               mark_illustrative: bool = True) -> Axes:
    """Draw each arm's mean and 95% CI at every timepoint, baseline first.

    Parameters
    ----------
    frame : DataFrame
        :func:`trialkit.analysis.means` output (estimate, ci_low, ci_high per outcome, arm
        and timepoint, with labels).
    outcome : str, optional
        Which outcome (needed when the frame holds several).
    ipd : DataFrame, optional
        Patient data (``trial.ipd``); drawn as faint individual lines behind the means.
    ax : Axes, optional
        Where to draw; a new figure in ``style`` otherwise.
    style : {"paper", "slide"}
    mark_illustrative : bool
        Stamp the axes when any number drawn is illustrative (a figure that stamps itself
        once may turn this off for its panels).
    dodge : float
        Horizontal offset between arms, in timepoint units, so intervals do not overlap.
    label_arms : bool
        Name each arm at the end of its line (instead of a legend).
    legend : bool, optional
        Draw a legend (default: when arms are not labelled at the line ends).
    direction_note : bool
        Say in the corner which direction is better.

    Returns
    -------
    Axes

    Examples
    --------
    >>> import trialkit
    >>> from trialkit.analysis import means
    >>> from trialkit.plots import trajectory
    >>> ax = trajectory(means(trialkit.load("anorexia")), ipd=trialkit.load("anorexia").ipd)
    >>> ax.get_ylabel()
    'Body weight (lb)'
    """
    rows = only_outcome(frame, outcome, "trajectory")
    outcome_id = rows["outcome"].iloc[0]
    with style_context(style) as spec:
        ax = ensure_ax(ax, style)
        arms = arm_order(rows)
        reference = rows["reference_arm"].iloc[0] if "reference_arm" in rows else None
        colours = arm_colours(arms, reference)
        tps = rows.sort_values("order").drop_duplicates("timepoint")
        position = {tp: i for i, tp in enumerate(tps["timepoint"])}
        offsets = {arm: (k - (len(arms) - 1) / 2) * dodge for k, arm in enumerate(arms)}
        if ipd is not None:
            pts = ipd[(ipd["outcome"] == outcome_id) & ipd["timepoint"].isin(position)]
            for (_, arm), one in pts.groupby(["patient", "arm"], sort=False):
                one = one.assign(x=one["timepoint"].map(position)).sort_values("x")
                ax.plot(one["x"] + offsets.get(arm, 0), one["value"], color=colours.get(arm),
                        alpha=0.16, linewidth=spec["rc"]["lines.linewidth"] * 0.35, zorder=1,
                        gid="trialkit-individual")
        for arm in arms:
            a = rows[rows["arm"] == arm].assign(x=lambda d: d["timepoint"].map(position))
            a = a.sort_values("x")
            x = a["x"] + offsets[arm]
            lower = a["estimate"] - a["ci_low"]
            upper = a["ci_high"] - a["estimate"]
            ax.errorbar(x, a["estimate"], yerr=[lower, upper], color=colours[arm], marker="o",
                        capsize=spec["rc"]["lines.markersize"] * 0.45, zorder=3,
                        markeredgecolor="white",
                        markeredgewidth=spec["rc"]["lines.linewidth"] * 0.4,
                        label=a["arm_label"].iloc[0], gid=f"trialkit-arm-{arm}")
            if label_arms:
                # Every label starts right of the last visit's rightmost interval, so none
                # sits on another arm's error bar; spread_labels keeps them apart vertically.
                end = a["x"].iloc[-1] + max(offsets.values())
                ax.annotate(f" {a['arm_label'].iloc[0]}", (end, a["estimate"].iloc[-1]),
                            xytext=(6, 0), textcoords="offset points", va="center",
                            color=colours[arm], fontsize=spec["label"], fontweight="bold",
                            annotation_clip=False, gid=END_LABEL)
        ax.set_xticks(range(len(position)), tick_labels(rows, list(position)))
        ax.set_xlim(-0.35, len(position) - 1 + (0.9 if label_arms else 0.35))
        unit = rows["unit"].iloc[0]
        ax.set_ylabel(with_unit(str(rows["outcome_label"].iloc[0]), unit))
        if direction_note:
            direction_hint(ax, rows["direction"].iloc[0], style=style)
        if legend if legend is not None else not label_arms:
            ax.legend(loc="best", fontsize=spec["note"], handlelength=1.5)
        if mark_illustrative and rows["illustrative"].any():
            stamp_illustrative(ax, style=style)
        ax.tick_params(axis="x", colors=MUTED)
        if label_arms:
            spread_labels(ax)
    return ax
