"""Range-of-motion change in degrees per direction, arms side by side."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from trialkit.plots._common import arm_order, ensure_ax, select, signed, with_unit
from trialkit.plots._style import INK, MUTED, arm_colours, stamp_illustrative, style_context

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes


def rom_deltas(frame: pd.DataFrame, timepoint: str | None = None, *, ax: Axes | None = None,
               style: str = "paper", reference: str | None = None, domain: str =
               "range_of_motion", show_mdc: bool = True, legend: bool = True,
               legend_band: bool | None = None, mark_illustrative: bool = True) -> Axes:
    """Degrees gained (or lost) in each movement direction, one bar per arm.

    Parameters
    ----------
    frame : DataFrame
        :func:`trialkit.analysis.within` output (rows with measure ``mean_change``).
    timepoint : str, optional
        Which follow-up (needed when the frame holds several).
    ax : Axes, optional
    style : {"paper", "slide"}
    mark_illustrative : bool
        Stamp the axes when any number drawn is illustrative (a figure that stamps itself
        once may turn this off for its panels).
    reference : str, optional
        The comparator arm, drawn in grey.
    domain : str
        The outcomes' domain in trial.toml.
    show_mdc : bool
        Mark the outcomes' minimal detectable change (if trial.toml gives one).
    legend : bool
        Draw a legend (a multi-panel figure may draw one for all panels instead).
    legend_band : bool, optional
        Keep a free band at the top for a legend (default: when ``legend``); panels that share
        a y axis with a panel holding the legend need it too.

    Returns
    -------
    Axes

    Examples
    --------
    >>> import trialkit
    >>> from trialkit.analysis import within
    >>> from trialkit.plots import rom_deltas
    >>> ax = rom_deltas(within(trialkit.load("mejuto2014"), r=0.5), "1wk", reference="waitlist")
    >>> ax.get_xlabel()
    'Change from baseline (degrees)'
    """
    rows = select(frame, "rom_deltas", measure="mean_change", domain=domain)
    if timepoint is None:
        if rows["timepoint"].nunique() != 1:
            from trialkit.errors import TrialDataError

            raise TrialDataError("rom_deltas: pass timepoint= (one of "
                                 f"{', '.join(rows['timepoint'].unique())})", field="timepoint")
    else:
        rows = select(rows, "rom_deltas", timepoint=timepoint)
    with style_context(style) as spec:
        ax = ensure_ax(ax, style)
        arms = arm_order(rows)
        colours = arm_colours(arms, reference)
        outcomes = list(dict.fromkeys(rows["outcome"]))
        short = rows["outcome_short"] if "outcome_short" in rows else rows["outcome_label"]
        labels = dict(zip(rows["outcome"], short, strict=False))
        height = 0.8 / len(arms)
        y_centre = np.arange(len(outcomes))[::-1].astype(float)
        for k, arm in enumerate(arms):
            a = rows[rows["arm"] == arm].set_index("outcome").reindex(outcomes)
            y = y_centre + ((len(arms) - 1) / 2 - k) * height
            ax.barh(y, a["estimate"], height=height * 0.9, color=colours[arm],
                    label=a["arm_label"].dropna().iloc[0], zorder=2, gid=f"trialkit-arm-{arm}")
            ax.errorbar(a["estimate"], y, xerr=[a["estimate"] - a["ci_low"],
                                                a["ci_high"] - a["estimate"]],
                        fmt="none", ecolor=INK, elinewidth=spec["rc"]["lines.linewidth"] * 0.5,
                        capsize=spec["rc"]["lines.markersize"] * 0.3, zorder=3)
            for yi, (_, r) in zip(y, a.iterrows(), strict=True):
                end = r["ci_high"] if r["estimate"] >= 0 else r["ci_low"]
                ax.annotate(signed(r["estimate"], 1, "\u00b0"), (end, yi),
                            xytext=(4 if r["estimate"] >= 0 else -4, 0),
                            textcoords="offset points", va="center",
                            ha="left" if r["estimate"] >= 0 else "right",
                            fontsize=spec["label"], color=colours[arm], fontweight="bold",
                            gid="trialkit-value")
        ax.axvline(0, color=INK, linewidth=spec["rc"]["axes.linewidth"], zorder=2)
        mdc = rows["mdc"].dropna().unique() if "mdc" in rows else []
        band = legend if legend_band is None else legend_band
        top = len(outcomes) - 0.4 + (1.0 if band else 0.0)
        bottom = -0.6 - (0.7 if show_mdc and len(mdc) == 1 else 0.0)
        if show_mdc and len(mdc) == 1:
            ax.axvline(mdc[0], color=MUTED, linestyle=(0, (4, 3)),
                       linewidth=spec["rc"]["axes.linewidth"] * 1.2, zorder=1,
                       gid="trialkit-mdc")
            ax.annotate(f"MDC {mdc[0]:g}\u00b0", (mdc[0], bottom), xytext=(4, 3),
                        textcoords="offset points", ha="left", va="bottom",
                        fontsize=spec["note"], color=MUTED, gid="trialkit-mdc-label")
        ax.set_yticks(y_centre, [labels[o] for o in outcomes])
        ax.set_ylim(bottom, top)
        ax.grid(axis="y", visible=False)
        ax.grid(axis="x", visible=True)
        unit = rows["unit"].iloc[0]
        ax.set_xlabel(with_unit("Change from baseline", unit))
        lo, hi = rows["ci_low"].min(), rows["ci_high"].max()
        pad = 0.18 * (hi - min(lo, 0))
        ax.set_xlim(min(lo, 0) - 0.04 * (hi - min(lo, 0)), hi + pad)
        if legend:
            ax.legend(loc="upper left", ncols=len(arms), fontsize=spec["note"],
                      handlelength=1.2, borderaxespad=0.2, columnspacing=1.0)
        if mark_illustrative and rows["illustrative"].any():
            stamp_illustrative(ax, style=style)
    return ax
