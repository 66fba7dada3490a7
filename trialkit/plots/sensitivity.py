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
            ax.plot(m["r"], m["estimate"], marker="o", color=colour, zorder=3,
                    label=_NAMES.get(measure, measure), gid=f"trialkit-measure-{measure}")
        ax.axhline(0, color=INK, linewidth=spec["rc"]["axes.linewidth"], zorder=2)
        ax.set_xlabel("Assumed pre-post correlation r")
        ax.set_ylabel(with_unit(f"{rows['arm_label'].iloc[0]} minus "
                                f"{rows['reference_label'].iloc[0]}", rows["unit"].iloc[0]))
        ax.legend(loc="best")
        if mark_illustrative and rows["illustrative"].any():
            stamp_illustrative(ax, style=style)
    return ax
