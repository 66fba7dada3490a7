"""Within-arm percent change from baseline, per arm, labelled with the value."""

from __future__ import annotations

from typing import TYPE_CHECKING

from trialkit.plots._common import (
    arm_order,
    direction_hint,
    ensure_ax,
    only_outcome,
    signed,
    tick_labels,
)
from trialkit.plots._style import INK, arm_colours, stamp_illustrative, style_context

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes


def percent_change(frame: pd.DataFrame, outcome: str | None = None, *, ax: Axes | None = None,
                   style: str = "paper", reference: str | None = None,
                   show_ci: bool = True, legend: bool = True, direction_note: bool = True,
                   mark_illustrative: bool = True) -> Axes:
    """Bars of each arm's percent change from its own baseline mean, at each follow-up.

    This is the chart that answers "pain decreased by 33%, then 66%": each bar is
    ``100 (mean at follow-up - mean at baseline) / mean at baseline`` within one arm, so the
    comparator arm's bar shows how much of the change happened without treatment.

    Parameters
    ----------
    frame : DataFrame
        :func:`trialkit.analysis.within` output (rows with measure ``percent_change``).
    outcome : str, optional
        Which outcome (needed when the frame holds several).
    ax : Axes, optional
    style : {"paper", "slide"}
    mark_illustrative : bool
        Stamp the axes when any number drawn is illustrative (a figure that stamps itself
        once may turn this off for its panels).
    reference : str, optional
        The comparator arm, drawn in grey.
    show_ci : bool
        Draw the 95% interval of each percent change.
    legend : bool
        Draw a legend of the arms (in a band of its own, clear of the bars and labels).
    direction_note : bool
        Say in the corner which direction is better.

    Returns
    -------
    Axes

    Examples
    --------
    >>> import trialkit
    >>> from trialkit.analysis import within
    >>> from trialkit.plots import percent_change
    >>> w = within(trialkit.load("mejuto2014"), r=0.5, outcome="pain")
    >>> ax = percent_change(w, reference="waitlist")
    >>> sorted(t.get_text() for t in ax.texts if t.get_gid() == "trialkit-value")[:2]
    ['−11%', '−2%']
    """
    rows = only_outcome(frame, outcome, "percent_change")
    rows = rows[rows["measure"] == "percent_change"]
    with style_context(style) as spec:
        ax = ensure_ax(ax, style)
        arms = arm_order(rows)
        colours = arm_colours(arms, reference)
        tps = list(dict.fromkeys(rows["timepoint"]))
        width = 0.8 / len(arms)
        for k, arm in enumerate(arms):
            a = rows[rows["arm"] == arm].set_index("timepoint").reindex(tps)
            x = [i + (k - (len(arms) - 1) / 2) * width for i in range(len(tps))]
            ax.bar(x, a["estimate"], width=width * 0.92, color=colours[arm],
                   label=a["arm_label"].dropna().iloc[0], zorder=2, gid=f"trialkit-arm-{arm}")
            if show_ci and a["ci_low"].notna().any():
                ax.errorbar(x, a["estimate"], yerr=[a["estimate"] - a["ci_low"],
                                                    a["ci_high"] - a["estimate"]],
                            fmt="none", ecolor=INK, elinewidth=spec["rc"]["lines.linewidth"] * 0.5,
                            capsize=spec["rc"]["lines.markersize"] * 0.35, zorder=3)
            for xi, (_, r) in zip(x, a.iterrows(), strict=True):
                end = r["ci_low"] if r["estimate"] < 0 and show_ci else r["estimate"]
                end = r["ci_high"] if r["estimate"] >= 0 and show_ci else end
                offset = -4 if r["estimate"] < 0 else 4
                ax.annotate(signed(r["estimate"], 0, "%"), (xi, end), xytext=(0, offset),
                            textcoords="offset points", ha="center",
                            va="top" if r["estimate"] < 0 else "bottom",
                            fontsize=spec["label"], fontweight="bold", color=colours[arm],
                            gid="trialkit-value")
        ax.axhline(0, color=INK, linewidth=spec["rc"]["axes.linewidth"], zorder=2)
        ax.set_xticks(range(len(tps)), tick_labels(rows, tps))
        ax.set_ylabel("Change from baseline (%)")
        low = min(0.0, float(rows["ci_low"].min()), float(rows["estimate"].min()))
        high = max(0.0, float(rows["ci_high"].max()), float(rows["estimate"].max()))
        span = max(high - low, 1.0)
        pad, band = 0.16 * span, (0.2 * span if legend else 0.0)
        falling = rows["estimate"].mean() < 0
        ax.set_ylim(low - (pad if low < 0 else 0.02 * pad) - (band if falling else 0.0),
                    high + (pad if high > 0 else 0.02 * pad) + (0.0 if falling else band))
        ax.grid(axis="x", visible=False)
        if legend:
            ax.legend(loc="lower left" if falling else "upper left", ncols=len(arms),
                      fontsize=spec["note"], handlelength=1.2, borderaxespad=0.3)
        if direction_note:
            direction_hint(ax, rows["direction"].iloc[0], style=style)
        if mark_illustrative and rows["illustrative"].any():
            stamp_illustrative(ax, style=style)
    return ax
