"""An effect and its interval across assumed pre-post correlations."""

from __future__ import annotations

from typing import TYPE_CHECKING

from trialkit.plots._common import ensure_ax, select, with_unit
from trialkit.plots._style import INK, OKABE_ITO, stamp_illustrative, style_context

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

_NAMES = {"diff_in_change": "Difference in change", "ancova": "ANCOVA (from summaries)"}


def sensitivity(frame: pd.DataFrame, outcome: str | None = None, timepoint: str | None = None,
                *, ax: Axes | None = None, style: str = "paper",
                comparison: str | None = None, mark_illustrative: bool = True) -> Axes:
    """How a between-arm estimate and its 95% CI move with the assumed correlation r.

    Where the table's printed change SDs imply the pre-post correlation (``r_implied``), a
    dotted vertical line marks it, and a diamond with its 95% CI the ANCOVA at that r (the
    value :func:`trialkit.analysis.between` reports), both named in the legend. The legend
    sits in headroom above the data, so that it covers no line.

    Parameters
    ----------
    frame : DataFrame
        :func:`trialkit.analysis.sensitivity` output.
    outcome, timepoint, comparison : str, optional
        Which row set (needed when the frame holds several).
    ax : Axes, optional
    style : {"paper", "slide"}
    mark_illustrative : bool
        Stamp the axes when any number drawn is illustrative (a figure that stamps itself
        once may turn this off for its panels).

    Returns
    -------
    Axes

    Examples
    --------
    >>> import trialkit
    >>> from trialkit.analysis import sensitivity as run
    >>> from trialkit.plots import sensitivity
    >>> ax = sensitivity(run(trialkit.load("mejuto2014"), outcome="pain"), timepoint="10min")
    >>> ax.get_xlabel()
    'Assumed pre-post correlation r'
    """
    rows = select(frame, "sensitivity", outcome=outcome, timepoint=timepoint,
                  comparison=comparison)
    for key in ("outcome", "timepoint", "comparison"):
        if rows[key].nunique() > 1:
            from trialkit.errors import TrialDataError

            raise TrialDataError(f"sensitivity plot: pass {key}= (one of "
                                 f"{', '.join(map(str, rows[key].unique()))})", field=key)
    with style_context(style) as spec:
        ax = ensure_ax(ax, style)
        for k, (measure, m) in enumerate(rows.groupby("measure", sort=False)):
            m = m.sort_values("r")
            colour = OKABE_ITO[k % len(OKABE_ITO)]
            ax.fill_between(m["r"], m["ci_low"], m["ci_high"], color=colour, alpha=0.08,
                            linewidth=0, zorder=1)
            for bound in ("ci_low", "ci_high"):
                ax.plot(m["r"], m[bound], color=colour, linewidth=spec["rc"]["lines.linewidth"]
                        * 0.45, linestyle=(0, (4, 2)), zorder=2)
            # A measure that used the printed change SDs does not depend on r: a plain line
            # (no points at the values tried), and the legend says why it is flat.
            flat = "r_source" in m and m["r_source"].astype(str).str.startswith(
                "not needed").all()
            name = _NAMES.get(measure, measure) + (" (printed change SDs: no r)" if flat
                                                   else "")
            # drawn thinner and on top, so that a curve it coincides with cannot hide it
            width = spec["rc"]["lines.linewidth"] * (0.6 if flat else 1.0)
            ax.plot(m["r"], m["estimate"], marker=None if flat else "o", color=colour,
                    linewidth=width, zorder=4 if flat else 3, label=name,
                    gid=f"trialkit-measure-{measure}")
        ax.axhline(0, color=INK, linewidth=spec["rc"]["axes.linewidth"], zorder=2)
        _mark_implied(ax, rows, spec, _data_span(rows))
        ax.set_xlabel("Assumed pre-post correlation r")
        ax.set_ylabel(with_unit(f"{rows['arm_label'].iloc[0]} minus "
                                f"{rows['reference_label'].iloc[0]}", rows["unit"].iloc[0]))
        _legend_above_data(ax, rows)
        if mark_illustrative and rows["illustrative"].any():
            stamp_illustrative(ax, style=style)
    return ax


def _data_span(rows: pd.DataFrame) -> tuple[float, float]:
    """Lowest and highest value drawn (intervals, estimates, the zero line)."""
    import numpy as np

    lows = [rows[c].min() for c in ("ci_low", "estimate", "implied_ci_low") if c in rows]
    highs = [rows[c].max() for c in ("ci_high", "estimate", "implied_ci_high") if c in rows]
    return float(np.nanmin([*lows, 0.0])), float(np.nanmax([*highs, 0.0]))


def _mark_implied(ax: Axes, rows: pd.DataFrame, spec: dict,
                  span: tuple[float, float]) -> None:
    """The pooled r the printed SDs imply: a dotted line over the data (not through the
    legend above them), and the ANCOVA at it."""
    import math

    if "r_implied" not in rows:
        return
    an = rows[rows["measure"] == "ancova"]
    vals = an["r_implied"].dropna() if len(an) else rows["r_implied"].dropna()
    if vals.empty:
        return
    r_imp = float(vals.iloc[0])
    pad = 0.04 * ((span[1] - span[0]) or 1.0)
    ax.vlines(r_imp, span[0] - pad, span[1] + pad, colors=INK, linestyles=":",
              linewidth=spec["rc"]["lines.linewidth"] * 0.6, zorder=2,
              label=f"r = {r_imp:.2f}, implied by the printed SDs", gid="trialkit-implied-r")
    if len(an) and "implied_estimate" in an and math.isfinite(float(an["implied_estimate"]
                                                                   .iloc[0])):
        est = float(an["implied_estimate"].iloc[0])
        lo, hi = float(an["implied_ci_low"].iloc[0]), float(an["implied_ci_high"].iloc[0])
        k = list(dict.fromkeys(rows["measure"])).index("ancova")
        ax.errorbar([r_imp], [est], yerr=[[est - lo], [hi - est]], fmt="D",
                    color=OKABE_ITO[k % len(OKABE_ITO)], markeredgecolor=INK,
                    markersize=spec["rc"]["lines.markersize"] * 1.3, capsize=4, zorder=5,
                    label="ANCOVA at that r, with its 95% CI",
                    gid="trialkit-implied-ancova")


def _legend_above_data(ax: Axes, rows: pd.DataFrame) -> None:
    """A legend in headroom added above the curves and their intervals: two columns where
    they fit within the axes (else one), so that it covers no line and, in a panel of a
    wider figure, does not push the layout.

    The width is estimated from the labels' lengths (0.47 em a character, DejaVu Sans'
    mean width; checked on the rendered slide and paper figures), with no renderer needed.
    """
    import matplotlib as mpl

    low, high = _data_span(rows)
    # panels sharing the y axis: the headroom is over all of their data, not only these
    for sib in ax.get_shared_y_axes().get_siblings(ax):
        if sib is not ax and sib.has_data():
            low, high = min(low, float(sib.dataLim.y0)), max(high, float(sib.dataLim.y1))
    span = (high - low) or 1.0
    labels = ax.get_legend_handles_labels()[1]
    size = mpl.font_manager.FontProperties(size=mpl.rcParams["legend.fontsize"]).get_size()
    axes_pt = ax.get_position().width * ax.figure.get_figwidth() * 72

    def width(ncol: int) -> float:
        cols = [labels[i::ncol] for i in range(ncol)]
        return sum((2.2 + 1.2 + 0.8) * size + 0.47 * size * max(map(len, c), default=0)
                   for c in cols)

    ncol = 2 if len(labels) > 1 and width(2) <= axes_pt else 1
    n_rows = -(-len(labels) // ncol)
    ax.set_ylim(low - 0.05 * span, high + (0.12 + 0.16 * n_rows) * span)
    ax.legend(loc="upper left", ncol=ncol, frameon=False, borderaxespad=0.3,
              columnspacing=1.2, handlelength=2.2)
