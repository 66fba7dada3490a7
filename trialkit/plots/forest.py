"""Between-arm effects with their intervals across outcomes and timepoints."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from trialkit.plots._common import MINUS, ensure_ax, select
from trialkit.plots._style import (
    GRID,
    INK,
    MUTED,
    OKABE_ITO,
    get_style,
    stamp_illustrative,
    style_context,
)

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

_AXIS_LABEL = {
    "hedges_g": "Hedges' g",
    "mean_difference": "Mean difference",
    "diff_in_change": "Difference in change from baseline",
    "ancova": "Baseline-adjusted difference (ANCOVA)",
}


def forest(frame: pd.DataFrame, measure: str = "hedges_g", *, ax: Axes | None = None,
           style: str = "paper", comparison: str | None = None, mcid: bool = False,
           thresholds: dict[str, float] | None = None, mark_illustrative: bool = True) -> Axes:
    """Between-arm effects with CIs, one row per outcome and timepoint, oriented by benefit.

    When every outcome drawn declares its direction, every row is drawn so that **right
    favours the row's arm over the reference**: effects of outcomes where lower is better
    (pain) are mirrored, and the axis says so. When any outcome's direction is not given
    (``direction`` None, as for a typed-in table), nothing is mirrored, the figure says
    nothing about which arm is favoured, and a note says that effects are drawn as arm minus
    reference. The zero line marks no difference.

    Parameters
    ----------
    frame : DataFrame
        :func:`trialkit.analysis.between` output.
    measure : str
        ``hedges_g`` (default), ``mean_difference``, ``diff_in_change`` or ``ancova``.
    ax : Axes, optional
    style : {"paper", "slide"}
    mark_illustrative : bool
        Stamp the axes when any number drawn is illustrative (a figure that stamps itself
        once may turn this off for its panels).
    comparison : str, optional
        Draw only this comparison (e.g. ``"trpdn-waitlist"``); by default every comparison
        against the (common) reference arm gets its own row.
    mcid : bool
        Shade +/- the outcome's MCID on each row (raw-unit measures only).
    thresholds : dict, optional
        Vertical reference lines, timepoint id -> value on the oriented scale (e.g. the
        abstract's ``{"10min": 0.56, "1wk": 1.34}``), drawn in that timepoint's colour; left
        out when a direction is not given (there is no oriented scale then).

    Returns
    -------
    Axes

    Examples
    --------
    >>> import trialkit
    >>> from trialkit.analysis import between
    >>> from trialkit.plots import forest
    >>> ax = forest(between(trialkit.load("mejuto2014"), r=0.5))
    >>> len(ax.get_yticklabels())  # one row per outcome, timepoints side by side
    10
    """
    rows = select(frame, "forest", measure=measure, comparison=comparison)
    several = rows["comparison"].nunique() > 1
    if several and rows["reference"].nunique() > 1:
        from trialkit.errors import TrialDataError

        raise TrialDataError("forest: the comparisons have different reference arms; pass "
                             "comparison=", field="comparison")
    short = rows["outcome_short"] if "outcome_short" in rows else rows["outcome_label"]
    one_outcome = rows["outcome"].nunique() == 1
    row_key = rows["comparison"] if one_outcome and several else (
        rows["outcome"] + "|" + rows["comparison"] if several else rows["outcome"])
    row_name = (rows["arm_label"] + " vs " + rows["reference_label"] if one_outcome and several
                else (short + ": " + rows["arm_label"] if several else short))
    sign = _orientation(rows["direction"])
    oriented = bool(np.isfinite(sign).all())
    if not oriented:
        sign = np.ones(len(rows))
    est = rows["estimate"].to_numpy() * sign
    lo = np.where(sign > 0, rows["ci_low"], rows["ci_high"]) * sign
    hi = np.where(sign > 0, rows["ci_high"], rows["ci_low"]) * sign
    outcomes = list(dict.fromkeys(row_key))
    timepoints = list(dict.fromkeys(rows["timepoint"]))
    with style_context(style) as spec:
        size = None
        if style == "paper":
            size = (get_style(style)["size"][0], max(2.4, 0.3 * len(outcomes) + 1.4))
        ax = ensure_ax(ax, style, size=size)
        row_of = {o: float(len(outcomes) - 1 - i) for i, o in enumerate(outcomes)}
        step = 0.7 / max(len(timepoints), 1)
        offset = {tp: ((len(timepoints) - 1) / 2 - k) * step for k, tp in enumerate(timepoints)}
        y = np.array([row_of[o] + offset[t] for o, t in zip(row_key, rows["timepoint"],
                                                            strict=True)])
        colours = {tp: OKABE_ITO[i % len(OKABE_ITO)] for i, tp in enumerate(timepoints)}
        if mcid and measure != "hedges_g":
            for o, m in zip(row_key, rows["mcid"], strict=True):
                if np.isfinite(m):
                    ax.fill_betweenx([row_of[o] - 0.42, row_of[o] + 0.42], -m, m, color=GRID,
                                     zorder=0, gid="trialkit-mcid")
        ax.axvline(0, color=INK, linewidth=spec["rc"]["axes.linewidth"], zorder=1)
        for tp in timepoints:
            m = (rows["timepoint"] == tp).to_numpy()
            ax.errorbar(est[m], y[m], xerr=[est[m] - lo[m], hi[m] - est[m]], fmt="o",
                        color=colours[tp], capsize=0, zorder=3, markeredgecolor="white",
                        label=rows.loc[m, "timepoint_label"].iloc[0],
                        gid=f"trialkit-timepoint-{tp}")
        for tp, value in (thresholds or {}).items() if oriented else ():
            colour = colours.get(tp, MUTED)
            when = rows.loc[rows["timepoint"] == tp, "timepoint_label"]
            ax.axvline(value, color=colour, linestyle=(0, (3, 3)), alpha=0.8,
                       linewidth=spec["rc"]["axes.linewidth"] * 1.2, zorder=1,
                       gid="trialkit-threshold",
                       label=f"reported > {value:g}" + (f" ({when.iloc[0]})" if len(when) else ""))
        import textwrap

        width = 34 if style == "slide" else 30
        names = {k: "\n".join(textwrap.wrap(str(v), width)) for k, v in
                 zip(row_key, row_name, strict=False)}
        ax.set_yticks([row_of[o] for o in outcomes], [names[o] for o in outcomes])
        ax.grid(axis="y", visible=False)
        ax.grid(axis="x", visible=True, color=GRID)
        ax.set_ylim(-0.6, len(outcomes) - 0.4)
        ax.set_xlabel(_xlabel(measure, oriented, rows))
        span = max(abs(min(lo.min(), 0)), abs(hi.max()), 0.5)
        ax.set_xlim(min(-0.3 * span, lo.min() - 0.05 * span), hi.max() + 0.05 * span)
        if oriented:
            arm = "the row's arm" if several else rows["arm_label"].iloc[0]
            ref = rows["reference_label"].iloc[0]
            ax.annotate(f"\u2190 favours {ref}", (0, 1.0), xycoords=("data", "axes fraction"),
                        xytext=(-5, 3), textcoords="offset points", ha="right", va="bottom",
                        fontsize=spec["note"], color=MUTED, gid="trialkit-favours")
            ax.annotate(f"favours {arm} \u2192", (0, 1.0), xycoords=("data", "axes fraction"),
                        xytext=(5, 3), textcoords="offset points", ha="left", va="bottom",
                        fontsize=spec["note"], color=MUTED, gid="trialkit-favours")
        else:
            # From the figure's left edge (the row names take much of a narrow figure).
            note = "\n".join(textwrap.wrap(direction_not_given(rows),
                                            90 if style == "slide" else 60))
            ax.annotate(note, (0.01, 1.0), xycoords=("figure fraction", "axes fraction"),
                        xytext=(0, 3), textcoords="offset points", ha="left", va="bottom",
                        fontsize=spec["note"], color=MUTED, gid="trialkit-direction-unknown")
        if len(timepoints) > 1 or thresholds:
            if style == "slide":
                ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
            else:
                ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22), ncols=2,
                          fontsize=spec["note"])
        if mark_illustrative and rows["illustrative"].any():
            stamp_illustrative(ax, style=style)
    return ax


def _orientation(direction: pd.Series) -> np.ndarray:
    """+1 where higher is better, -1 where lower is better, NaN where not given."""
    return direction.map({"higher_is_better": 1.0, "lower_is_better": -1.0}).to_numpy(
        dtype=float, na_value=np.nan)


def _xlabel(measure: str, oriented: bool, rows: pd.DataFrame) -> str:
    name = _AXIS_LABEL.get(measure, measure)
    if not oriented:
        return f"{name} (arm {MINUS} reference), 95% CI"
    if (rows["direction"] == "lower_is_better").any():
        return f"{name}, 95% CI (sign reversed where lower is better)"
    return f"{name}, 95% CI"


def direction_not_given(rows: pd.DataFrame) -> str:
    """The note a forest plot carries when some outcome does not declare its direction."""
    unknown = rows.loc[~rows["direction"].isin(["higher_is_better", "lower_is_better"])]
    short = unknown["outcome_short"] if "outcome_short" in unknown else unknown["outcome_label"]
    names = list(dict.fromkeys(short.astype(str)))
    which = "" if len(names) == rows["outcome"].nunique() else f" for {', '.join(names)}"
    return (f"direction of benefit not given{which}: effects are drawn as "
            f"arm\u00a0{MINUS}\u00a0reference, none mirrored")
