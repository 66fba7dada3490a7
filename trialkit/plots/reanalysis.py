"""Figures for :mod:`trialkit.reanalysis` frames: posteriors, exaggeration, responders, pooling.

Like every plot in trialkit these draw result frames and compute no statistic: densities come
from :func:`trialkit.reanalysis.posterior_curves`, probabilities and ratios from the frames.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from trialkit.errors import TrialDataError
from trialkit.plots._common import MINUS, ensure_ax, select
from trialkit.plots._style import INK, MUTED, OKABE_ITO, stamp_illustrative, style_context

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

__all__ = ["exaggeration", "pooled_forest", "posterior", "responder_bars"]

_PRIOR_COLOURS = {"skeptical": OKABE_ITO[1], "neutral": OKABE_ITO[4],
                  "enthusiastic": OKABE_ITO[2], "flat": INK, "custom": OKABE_ITO[3]}


def _num(value: float, digits: int = 2) -> str:
    return f"{value:.{digits}f}".replace("-", MINUS)


def _prob(p: float) -> str:
    from trialkit.display import fmt_probability

    return fmt_probability(p)


def posterior(frame: pd.DataFrame, curves: pd.DataFrame, *, ax: Axes | None = None,
              style: str = "paper", likelihood: str = "normal", unit: str = "",
              illustrative: bool = False) -> Axes:
    """Posterior densities under each prior, the MCID marked and P(benefit >= MCID) shaded.

    Parameters
    ----------
    frame : DataFrame
        :func:`trialkit.reanalysis.bayes` rows for one estimate (one ``row``).
    curves : DataFrame
        :func:`trialkit.reanalysis.posterior_curves` of the same frame.
    likelihood : str
        Which likelihood's rows to draw ("normal", or the frame's "student_t(df=...)").
    unit : str
        The effect's unit, for the axis label.
    illustrative : bool
        Stamp the axes: the numbers behind it are illustrative.

    Returns
    -------
    Axes

    Examples
    --------
    >>> from trialkit.reanalysis import bayes, posterior_curves
    >>> from trialkit.plots import posterior
    >>> res = bayes(-2.0, 0.8, prior=["skeptical", "flat"], mcid=1.3,
    ...             direction="lower_is_better")
    >>> ax = posterior(res, posterior_curves(res), unit="points")
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['skeptical: 0.29', 'flat: 0.81']
    """
    rows = select(frame, "posterior plot", likelihood=likelihood)
    if rows["row"].nunique() != 1:
        raise TrialDataError("posterior plot: the frame holds several estimates; select one "
                             "`row` first", field="frame")
    mcid = rows["mcid"].iloc[0]
    benefit_negative = "benefit=lower_is_better" in str(rows["method"].iloc[0])
    with style_context(style) as spec:
        ax = ensure_ax(ax, style)
        for idx, row in rows.iterrows():
            c = curves[curves["row"] == idx]
            if c.empty:
                raise TrialDataError("posterior plot: curves do not match the frame's rows "
                                     "(compute them with posterior_curves(frame))",
                                     field="curves")
            colour = _PRIOR_COLOURS.get(row["prior"], OKABE_ITO[5])
            label = row["prior"]
            if np.isfinite(row["p_mcid"]):
                label += f": {_prob(row['p_mcid'])}"
            ax.plot(c["theta"], c["density"], color=colour, label=label,
                    gid=f"trialkit-posterior-{row['prior']}")
            if np.isfinite(mcid):
                cut = -mcid if benefit_negative else mcid
                beyond = c["theta"] <= cut if benefit_negative else c["theta"] >= cut
                ax.fill_between(c["theta"][beyond], 0, c["density"][beyond], color=colour,
                                alpha=0.10, linewidth=0)
        ax.axvline(0, color=MUTED, linewidth=spec["rc"]["axes.linewidth"], zorder=1)
        if np.isfinite(mcid):
            cut = -mcid if benefit_negative else mcid
            ax.axvline(cut, color=INK, linestyle=(0, (4, 3)),
                       linewidth=spec["rc"]["axes.linewidth"] * 1.4, gid="trialkit-mcid")
            # The label sits on the benefit side of the line, where the shaded mass is.
            ax.annotate(f"MCID {_num(cut, 2)}", (cut, 1.0), xycoords=("data", "axes fraction"),
                        xytext=(-4 if benefit_negative else 4, -4), textcoords="offset points",
                        ha="right" if benefit_negative else "left", va="top",
                        fontsize=spec["note"], color=INK, gid="trialkit-mcid-label")
        ax.annotate("\u2190 benefit" if benefit_negative else "benefit \u2192",
                    (0.0 if benefit_negative else 1.0, 0.0), xycoords="axes fraction",
                    xytext=(4 if benefit_negative else -4, 4), textcoords="offset points",
                    ha="left" if benefit_negative else "right", va="bottom",
                    fontsize=spec["note"], color=MUTED, gid="trialkit-benefit-side")
        # Headroom above the tallest curve for the MCID label and the stamp.
        top = float(curves.loc[curves["row"].isin(rows.index), "density"].max())
        ax.set_ylim(0, top * 1.18)
        ax.set_yticks([])
        ax.grid(False)
        ax.set_ylabel("Posterior density")
        ax.set_xlabel(f"True difference{f' ({unit})' if unit else ''}")
        title = "Prior: P(benefit \u2265 MCID)" if np.isfinite(mcid) else "Prior"
        if ax.figure.get_figwidth() >= 6:  # room beside the axes (slides, wide figures)
            ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), title=title,
                      alignment="left")
        else:  # a journal column: below the axes
            ax.legend(loc="upper left", bbox_to_anchor=(0.0, -0.22), title=title,
                      alignment="left", ncol=2)
        if illustrative:
            stamp_illustrative(ax, style=style)
    return ax


def exaggeration(frame: pd.DataFrame, *, ax: Axes | None = None, style: str = "paper",
                 mark: float | None = None, unit: str = "", illustrative: bool = False
                 ) -> Axes:
    """Exaggeration ratio (type M) of a significant estimate across plausible true effects.

    Parameters
    ----------
    frame : DataFrame
        :func:`trialkit.reanalysis.design_curve` (or :func:`~trialkit.reanalysis.design`)
        rows for one standard error.
    mark : float, optional
        A true effect to point out (e.g. the MCID); it must be one of the frame's rows.

    Examples
    --------
    >>> from trialkit.reanalysis import design_curve
    >>> from trialkit.plots import exaggeration
    >>> ax = exaggeration(design_curve(0.6, effects=[0.3, 0.6, 1.3, 2.0]), mark=1.3)
    >>> ax.get_ylabel()
    'Exaggeration if significant (type M)'
    """
    rows = frame.sort_values("true_effect")
    with style_context(style) as spec:
        ax = ensure_ax(ax, style)
        ax.plot(rows["true_effect"], rows["type_m"], color=OKABE_ITO[0],
                gid="trialkit-type-m")
        from matplotlib.ticker import FixedLocator, FuncFormatter, NullFormatter

        ax.axhline(1, color=MUTED, linewidth=spec["rc"]["axes.linewidth"])
        ax.set_yscale("log")
        top = float(np.nanmax(rows["type_m"]))
        ticks = [t for t in (1, 1.25, 1.5, 2, 3, 4, 6, 8, 10, 15, 20, 30, 50, 100, 200, 500)
                 if t <= top * 1.05]
        ax.yaxis.set_major_locator(FixedLocator(ticks))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}\u00d7"))
        ax.yaxis.set_minor_formatter(NullFormatter())
        ax.set_xlabel(f"Plausible true effect{f' ({unit})' if unit else ''}")
        ax.set_ylabel("Exaggeration if significant (type M)")
        if mark is not None:
            hit = rows[np.isclose(rows["true_effect"], mark)]
            if hit.empty:
                raise TrialDataError(f"exaggeration plot: no row with true_effect = {mark}; "
                                     f"include it in design_curve(effects=...)", field="mark")
            r = hit.iloc[0]
            ax.plot([r["true_effect"]], [r["type_m"]], marker="o", color=OKABE_ITO[1],
                    zorder=3)
            ax.annotate(f"{r['type_m']:.1f}\u00d7 at {_num(r['true_effect'], 2)}, "
                        f"power {r['power']:.0%}", (r["true_effect"], r["type_m"]),
                        xytext=(8, 8), textcoords="offset points", fontsize=spec["note"],
                        color=INK, gid="trialkit-mark")
        if illustrative:
            stamp_illustrative(ax, style=style)
    return ax


def responder_bars(frame: pd.DataFrame, *, labels: tuple[str, str] = ("Treatment", "Reference"),
                   ax: Axes | None = None, style: str = "paper", what: str = "responders",
                   illustrative: bool = False) -> Axes:
    """Proportion of each arm beyond the threshold, with the difference and NNT in the title.

    Parameters
    ----------
    frame : DataFrame
        One row of :func:`trialkit.reanalysis.responders`.
    labels : (str, str)
        Names of arm 1 and arm 2.
    what : str
        What a responder is, for the axis label (e.g. "improved by >= 1.3 points").

    Examples
    --------
    >>> from trialkit.reanalysis import responders
    >>> from trialkit.plots import responder_bars
    >>> res = responders(-3.0, 2.0, 20, -1.0, 2.0, 20, -1.3, direction="lower_is_better")
    >>> ax = responder_bars(res)
    >>> [round(float(p.get_height()), 3) for p in ax.patches]
    [0.802, 0.44]
    """
    if len(frame) != 1:
        raise TrialDataError("responder_bars draws one row of responders()", field="frame")
    row: Any = frame.iloc[0]
    with style_context(style) as spec:
        ax = ensure_ax(ax, style)
        ax.bar([0, 1], [row["p1"], row["p2"]], color=[OKABE_ITO[0], "#5F6B73"], width=0.6)
        for x, p in ((0, row["p1"]), (1, row["p2"])):
            ax.annotate(f"{p:.0%}", (x, p), xytext=(0, 4), textcoords="offset points",
                        ha="center", va="bottom", fontsize=spec["label"], color=INK)
        ax.set_xticks([0, 1], labels)
        ax.set_ylim(0, 1.12)
        ax.yaxis.set_major_formatter("{x:.0%}")
        ax.set_ylabel(f"Patients {what}")
        ax.set_title(f"Difference {_num(100 * row['estimate'], 0)} percentage points "
                     f"(95% CI {_num(100 * row['ci_low'], 0)} to "
                     f"{_num(100 * row['ci_high'], 0)})\n{row['nnt_interval']}",
                     fontsize=spec["note"], loc="left", color=MUTED, fontweight="normal")
        if illustrative:
            stamp_illustrative(ax, style=style)
    return ax


def pooled_forest(frame: pd.DataFrame, *, ax: Axes | None = None, style: str = "paper",
                  unit: str = "", illustrative: bool = False) -> Axes:
    """Each trial's estimate and interval, and the pooled random-effects diamond.

    Parameters
    ----------
    frame : DataFrame
        :func:`trialkit.reanalysis.pool` output.

    Examples
    --------
    >>> from trialkit.reanalysis import pool
    >>> from trialkit.plots import pooled_forest
    >>> ax = pooled_forest(pool([0.1, 0.3, 0.5], [0.01, 0.02, 0.04], method="DL"))
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['1', '2', '3', 'Random effects']
    """
    trials = select(frame, "pooled forest", kind="trial")
    pooled = select(frame, "pooled forest", kind="random").iloc[0]
    k = len(trials)
    with style_context(style) as spec:
        ax = ensure_ax(ax, style)
        ys = np.arange(k, 0, -1)
        # Marker area grows with the trial's weight, from the style's marker size.
        sizes = spec["rc"]["lines.markersize"] ** 2 * (0.6 + trials["weight"].to_numpy() / 25)
        ax.hlines(ys, trials["ci_low"], trials["ci_high"], color=INK,
                  linewidth=spec["rc"]["lines.linewidth"] * 0.7)
        ax.scatter(trials["estimate"], ys, s=sizes, marker="s", color=OKABE_ITO[0], zorder=3)
        lo, mid, hi = pooled["ci_low"], pooled["estimate"], pooled["ci_high"]
        ax.fill([lo, mid, hi, mid], [0, 0.25, 0, -0.25], color=OKABE_ITO[1], zorder=3,
                gid="trialkit-diamond")
        if np.isfinite(pooled["pi_low"]):
            ax.hlines(0, pooled["pi_low"], pooled["pi_high"], color=OKABE_ITO[1],
                      linewidth=spec["rc"]["lines.linewidth"] * 0.5, linestyle=(0, (2, 2)),
                      gid="trialkit-prediction")
        ax.axvline(0, color=MUTED, linewidth=spec["rc"]["axes.linewidth"])
        ax.set_yticks([*ys, 0], [*trials["label"].astype(str), "Random effects"])
        ax.set_ylim(-0.8, k + 0.8)
        ax.grid(False)
        ax.set_xlabel(f"Effect{f' ({unit})' if unit else ''}")
        note = f"\u03c4\u00b2 = {pooled['tau2']:.3g}, I\u00b2 = {pooled['i2']:.0f}%"
        if np.isfinite(pooled["pi_low"]):
            note += "\ndashed: 95% prediction interval for a new trial"
        ax.set_title(note, fontsize=spec["note"], loc="left", color=MUTED,
                     fontweight="normal")
        if illustrative:
            stamp_illustrative(ax, style=style)
    return ax
