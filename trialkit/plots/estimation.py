"""Gardner-Altman estimation plot: raw values per arm and the bootstrap difference."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from trialkit.errors import TrialDataError
from trialkit.plots._common import select, with_unit
from trialkit.plots._style import INK, MUTED, arm_colours, get_style, style_context

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure


def _strip_offsets(values: np.ndarray, width: float) -> np.ndarray:
    """Deterministic horizontal offsets so that equal or close values do not overlap."""
    order = np.argsort(values, kind="stable")
    span = float(np.ptp(values)) or 1.0
    bins = np.floor((values - values.min()) / (span / 18)).astype(int)
    offsets = np.zeros(len(values))
    for b in np.unique(bins):
        members = [i for i in order if bins[i] == b]
        for k, i in enumerate(members):
            step = (k + 1) // 2 * (1 if k % 2 else -1)
            offsets[i] = step * width
    return offsets


def estimation(boot: pd.DataFrame, distribution: pd.DataFrame, ipd: pd.DataFrame,
               arm_means: pd.DataFrame, *, fig: Figure | None = None, style: str = "paper",
               reference: str | None = None) -> Figure:
    """Draw a Gardner-Altman plot for one two-arm comparison at one timepoint.

    Left: every patient's value in the two arms with each arm's mean. Right, on a floating
    axis whose zero sits at the reference arm's mean: the bootstrap distribution of the mean
    difference, the point estimate and its confidence interval.

    Parameters
    ----------
    boot : DataFrame
        One row of :func:`trialkit.ipd.bootstrap` (estimate, ci_low, ci_high, arm, reference,
        outcome, timepoint, ci_method).
    distribution : DataFrame
        :func:`trialkit.ipd.bootstrap_distribution` for the same comparison (``value``).
    ipd : DataFrame
        ``trial.ipd``: the patients' values (drawn as points).
    arm_means : DataFrame
        :func:`trialkit.analysis.means` (the arms' means, drawn as lines).
    fig : Figure, optional
        Draw into this figure (two axes are added); a new one in ``style`` otherwise.
    style : {"paper", "slide"}
    reference : str, optional
        The reference arm (default: ``boot``'s).

    Returns
    -------
    Figure

    References
    ----------
    Gardner MJ, Altman DG. Confidence intervals rather than P values. BMJ 1986;292:746-750.
    Ho J et al. Moving beyond P values: data analysis with estimation graphics. Nat Methods
    2019;16:565-566.

    Examples
    --------
    >>> import trialkit
    >>> from trialkit.analysis import means
    >>> from trialkit.ipd import bootstrap, bootstrap_distribution
    >>> from trialkit.plots import estimation
    >>> t = trialkit.load("anorexia")
    >>> b = bootstrap(t, "weight", "post", arm="ft", n_resamples=2000)
    >>> d = bootstrap_distribution(t, "weight", "post", arm="ft", n_resamples=2000)
    >>> fig = estimation(b, d, t.ipd, means(t))
    >>> len(fig.axes)
    2
    """
    if len(boot) != 1:
        raise TrialDataError(f"estimation: expected one bootstrap row, got {len(boot)}",
                             field="boot")
    row = boot.iloc[0]
    arm, ref = row["arm"], reference or row["reference"]
    outcome, timepoint = row["outcome"], row["timepoint"]
    raw = select(ipd, "estimation", outcome=outcome, timepoint=timepoint, arm=[ref, arm])
    m = select(arm_means, "estimation", outcome=outcome, timepoint=timepoint).set_index("arm")
    values = select(distribution, "estimation", arm=arm)["value"].to_numpy(dtype=float)
    spec = get_style(style)
    with style_context(style):
        if fig is None:
            from matplotlib.figure import Figure as NewFigure

            fig = NewFigure(figsize=spec["size"] if style == "paper" else spec["wide"],
                            layout="constrained", dpi=spec["screen_dpi"])
        left, right = fig.subplots(1, 2, width_ratios=[2.2, 1])
        colours = arm_colours([ref, arm], ref)
        for x, a in enumerate([ref, arm]):
            vals = raw.loc[raw["arm"] == a, "value"].to_numpy(dtype=float)
            left.scatter(x + _strip_offsets(vals, 0.045), vals, s=spec["rc"]["lines.markersize"]
                         ** 2 * 0.8, color=colours[a], alpha=0.75, edgecolor="white",
                         linewidth=0.4, zorder=3, gid=f"trialkit-points-{a}")
            mean = float(m.loc[a, "estimate"])
            left.hlines(mean, x - 0.3, x + 0.3, color=colours[a],
                        linewidth=spec["rc"]["lines.linewidth"] * 1.2, zorder=4,
                        gid=f"trialkit-mean-{a}")
        labels = [m.loc[ref, "arm_label"], m.loc[arm, "arm_label"]]
        import textwrap

        left.set_xticks([0, 1], ["\n".join(textwrap.wrap(str(t), 14)) for t in labels])
        left.set_xlim(-0.6, 1.6)
        unit = m["unit"].iloc[0]
        left.set_ylabel(with_unit(str(m["outcome_label"].iloc[0]), unit))
        left.grid(axis="x", visible=False)

        ref_mean, arm_mean = float(m.loc[ref, "estimate"]), float(m.loc[arm, "estimate"])
        lo, hi = left.get_ylim()
        lo = min(lo, ref_mean + min(values.min(), float(row["ci_low"])) - 0.05 * (hi - lo))
        hi = max(hi, ref_mean + max(values.max(), float(row["ci_high"])) + 0.05 * (hi - lo))
        left.set_ylim(lo, hi)
        right.set_ylim(lo - ref_mean, hi - ref_mean)
        right.hist(values, bins=40, orientation="horizontal", density=True,
                   color=colours[arm], alpha=0.35, gid="trialkit-bootstrap")
        peak = right.get_xlim()[1]
        right.errorbar([peak * 0.15], [row["estimate"]],
                       yerr=[[row["estimate"] - row["ci_low"]],
                             [row["ci_high"] - row["estimate"]]],
                       fmt="o", color=INK, markersize=spec["rc"]["lines.markersize"] * 1.1,
                       capsize=0, linewidth=spec["rc"]["lines.linewidth"], zorder=5,
                       gid="trialkit-difference")
        right.axhline(0, color=colours[ref], linewidth=spec["rc"]["axes.linewidth"],
                      linestyle=(0, (4, 3)))
        right.axhline(float(row["estimate"]), color=colours[arm],
                      linewidth=spec["rc"]["axes.linewidth"], linestyle=(0, (4, 3)))
        for y, colour in ((ref_mean, colours[ref]), (arm_mean, colours[arm])):
            left.axhline(y, xmin=0.5, color=colour, linewidth=spec["rc"]["axes.linewidth"],
                         linestyle=(0, (4, 3)), zorder=1)
        right.set_xticks([])
        right.spines["left"].set_visible(False)
        right.spines["right"].set_visible(True)
        right.spines["bottom"].set_visible(False)
        right.yaxis.tick_right()
        right.yaxis.set_label_position("right")
        right.set_ylabel(with_unit("Mean difference", unit))
        right.grid(False)
        ci = row.get("ci_method", "BCa")
        right.set_xlabel(f"bootstrap\n{int(row.get('n_resamples', len(values)))} resamples,"
                         f"\n{ci} 95% CI", fontsize=spec["note"], color=MUTED)
    return fig
