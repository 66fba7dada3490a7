"""The "How sure can we be?" part: responders, exaggeration and the reanalysis figures.

Orchestration only. The numbers come from :func:`trialkit.reanalysis.reanalyse` (posteriors
per prior, the design at the MCID), :func:`trialkit.reanalysis.responders_of_changes` (on
the within-arm mean changes of :func:`trialkit.analysis.within`) and
:func:`trialkit.reanalysis.design_curve`; the figures are :mod:`trialkit.plots.reanalysis`
drawing those frames. An outcome without an MCID or without a declared direction gets no
responders, no exaggeration and no figure: the tables say so instead of inventing a benefit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

    from trialkit.report._frames import Frames
    from trialkit.trial import Trial

__all__ = ["PREFIXES", "design_curves", "is_sure", "responders_frame", "sure_figures",
           "target", "usable"]

#: Names of the figures that belong to the "How sure can we be?" section.
PREFIXES = ("posterior_", "exaggeration_", "responders_")


def is_sure(name: str) -> bool:
    """True for a figure of the "How sure can we be?" section."""
    return name.startswith(PREFIXES)


def usable(re: pd.DataFrame | None) -> pd.DataFrame | None:
    """The reanalysis rows with a declared direction and an MCID (normal likelihood), or None."""
    if re is None or "likelihood" not in re.columns:
        return None
    part = re[(re["likelihood"] == "normal") & re["direction"].notna() & re["mcid"].notna()]
    return part if not part.empty else None


def target(trial: Trial, re: pd.DataFrame | None) -> str | None:
    """The outcome the figures and the slide are about: the primary one where it has an MCID
    and a direction, else the first outcome that has both; None when none has."""
    part = usable(re)
    if part is None:
        return None
    ids = list(dict.fromkeys(part["outcome"].astype(str)))
    primary = trial.meta.primary
    return primary if primary in ids else ids[0]


def responders_frame(trial: Trial, within: pd.DataFrame | None,
                     re: pd.DataFrame | None) -> pd.DataFrame | None:
    """:func:`trialkit.reanalysis.responders_of_changes` for the report, or None if empty."""
    from trialkit.reanalysis import responders_of_changes

    if usable(re) is None or within is None:
        return None
    frame = responders_of_changes(within, re)
    return frame if not frame.empty else None


#: Plausible true effects for the exaggeration curve, in multiples of the MCID: denser where
#: the curve bends (small effects), sparse where it is flat; few, because each point of a
#: Student-t design is a numerical integration (about 40 ms).
GRID = (0.25, 0.375, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 2.5, 3.0)


def _grid(mcid: float) -> list[float]:
    """Plausible true effects for the exaggeration curve: 0.25 to 3 times the MCID."""
    return [mcid * k for k in GRID]


def design_curves(trial: Trial, re: pd.DataFrame | None) -> pd.DataFrame | None:
    """:func:`trialkit.reanalysis.design_curve` at the target outcome's follow-ups (first
    comparison), with the keys, for the exaggeration figure and its notes."""
    import pandas as pd

    from trialkit.reanalysis import design_curve

    oid = target(trial, re)
    if oid is None:
        return None
    part = usable(re)
    part = part[part["outcome"] == oid]
    part = part[part["comparison"] == part["comparison"].iloc[0]]
    out = []
    for _, x in part.drop_duplicates("timepoint").iterrows():
        df = None if pd.isna(x["effect_df"]) else float(x["effect_df"])
        c = design_curve(float(x["effect_se"]), effects=_grid(float(x["mcid"])), df=df)
        out.append(c.assign(outcome=oid, timepoint=x["timepoint"],
                            comparison=x["comparison"], mcid=float(x["mcid"]),
                            illustrative=bool(x["illustrative"])))
    return pd.concat(out, ignore_index=True)


def short_source(source: str) -> str:
    """A reference as "Author year" for a figure's footer (the record keeps it in full).

    >>> short_source("Cleland JA, Childs JD. Psychometric properties. 2008;89:69-74.")
    'Cleland 2008'
    """
    import re

    year = re.search(r"\b(19|20)\d{2}\b", source)
    words = source.replace(",", " ").split()
    if not words:
        return source
    return f"{words[0]} {year.group(0)}" if year else words[0]


def _panels(style: str, n: int, *, rows: bool = False, **kwargs: Any
            ) -> tuple[Figure, list[Any]]:
    from trialkit.plots._style import new_figure

    shape = {"nrows": n, "ncols": 1} if rows else {"nrows": 1, "ncols": n}
    fig, axes = new_figure(style, **shape, wide=True, **kwargs)
    return fig, [axes] if n == 1 else list(axes.flat)


def sure_figures(trial: Trial, frames: Frames, *, style: str = "slide",
                 data: str | None = None) -> dict[str, Figure]:
    """Posterior densities, the exaggeration curve and responder bars for the target outcome
    (one panel per follow-up, the first comparison); empty when no outcome has an MCID and a
    direction."""
    re = frames.reanalysis
    oid = target(trial, re)
    if oid is None:
        return {}
    part = usable(re)
    part = part[(part["outcome"] == oid)]
    part = part[part["comparison"] == part["comparison"].iloc[0]]
    out = {f"posterior_{oid}": _posterior(trial, part, style, data)}
    curves = frames.design_curves
    if curves is not None and not curves.empty:
        out[f"exaggeration_{oid}"] = _exaggeration(trial, curves, style, data)
    resp = frames.responders
    if resp is not None:
        resp = resp[(resp["outcome"] == oid)
                    & (resp["comparison"] == part["comparison"].iloc[0])]
        if not resp.empty:
            out[f"responders_{oid}"] = _responders(trial, resp, style, data)
    return out


def _panel_title(ax: Any, text: str, style: str) -> None:
    """A follow-up's panel title, as the other multi-panel figures set theirs."""
    from trialkit.plots._style import get_style

    ax.set_title(text, loc="left", fontsize=get_style(style)["label"], fontweight="bold")


def _finish(fig: Figure, trial: Trial, title: str, subtitle: str, note: str, style: str,
            frames: list[Any], data: str | None) -> Figure:
    from trialkit.figure_builders import _finish as finish

    return finish(fig, trial, title, subtitle, note, style, frames, data)


def _comparison_text(trial: Trial, comparison: str) -> str:
    arm, ref = str(comparison).split("-", 1)
    return f"{trial.arm(arm).label} vs {trial.arm(ref).label}"


def _posterior(trial: Trial, part: pd.DataFrame, style: str, data: str | None) -> Figure:
    from trialkit import plots
    from trialkit.figure_text import who
    from trialkit.reanalysis import posterior_curves

    o = trial.outcome(str(part["outcome"].iloc[0]))
    tps = list(dict.fromkeys(part["timepoint"]))
    # One row per follow-up on a shared axis, so the shift between visits reads directly and
    # each panel keeps the width its legend (beside it) leaves.
    fig, axes = _panels(style, len(tps), rows=True, sharex=True)
    for ax, tp in zip(axes, tps, strict=True):
        rows = part[part["timepoint"] == tp]
        # The reanalysis rows, named as posterior_curves reads a bayes() frame.
        rows = rows.assign(row=0, data_estimate=rows["effect"], data_se=rows["effect_se"])
        plots.posterior(rows, posterior_curves(rows), ax=ax, style=style, unit=o.unit)
        _panel_title(ax, trial.timepoint(str(tp)).label, style)
        ax.set_ylabel("Density")  # short: stacked panels are too low for a long label
        if ax is not axes[-1]:
            ax.set_xlabel("")  # the axis is shared: named once, below
    from trialkit.report._views import MEASURES

    mcid = float(part["mcid"].iloc[0])
    measure = MEASURES.get(str(part["measure"].iloc[0]), str(part["measure"].iloc[0]))
    note = (f"Normal likelihood of the {measure}; normal priors anchored at the MCID of "
            f"{mcid:g} {o.unit} ({short_source(o.mcid_source)}; flat: the likelihood alone). "
            "Shaded: the probability of a benefit of at least the MCID (in the legend).")
    return _finish(fig, trial, f"{o.short}: how sure can we be?",
                   f"Posterior of the true difference under each prior, "
                   f"{_comparison_text(trial, part['comparison'].iloc[0])}; {who(trial, data)}",
                   note, style, [part], data)


def _exaggeration(trial: Trial, curves: pd.DataFrame, style: str, data: str | None
                  ) -> Figure:
    from trialkit import plots
    from trialkit.figure_text import who

    o = trial.outcome(str(curves["outcome"].iloc[0]))
    tps = list(dict.fromkeys(curves["timepoint"]))
    fig, axes = _panels(style, len(tps), sharey=True)
    mcid = float(curves["mcid"].iloc[0])
    for k, (ax, tp) in enumerate(zip(axes, tps, strict=True)):
        plots.exaggeration(curves[curves["timepoint"] == tp], ax=ax, style=style, mark=mcid,
                           unit=o.unit)
        _panel_title(ax, trial.timepoint(str(tp)).label, style)
        if k:
            ax.set_ylabel("")
    note = ("Type M (Gelman & Carlin 2014): how much larger than the truth an estimate that "
            "reaches p < 0.05 is on average, for a trial with this standard error; the dot "
            f"marks a true effect the size of the MCID ({mcid:g} {o.unit}).")
    return _finish(fig, trial, f"{o.short}: exaggeration if significant",
                   f"Exaggeration ratio for plausible true effects; {who(trial, data)}",
                   note, style, [curves], data)


def _responders(trial: Trial, resp: pd.DataFrame, style: str, data: str | None) -> Figure:
    from trialkit import plots
    from trialkit.figure_text import who
    from trialkit.plots._style import MUTED, get_style

    first = resp.iloc[0]
    o = trial.outcome(str(first["outcome"]))
    fig, axes = _panels(style, len(resp), sharey=True)
    labels = (trial.arm(str(first["arm"])).label, trial.arm(str(first["reference"])).label)
    what = f"improved by ≥ {first['mcid']:g} {o.unit}".rstrip()
    spec = get_style(style)
    for k, (ax, (_, x)) in enumerate(zip(axes, resp.iterrows(), strict=True)):
        plots.responder_bars(resp.loc[[x.name]], labels=labels, ax=ax, style=style, what=what)
        # The follow-up above the plot's own line (difference and NNT), in its muted style.
        ax.set_title(f"{trial.timepoint(str(x['timepoint'])).label}\n"
                     f"{ax.get_title(loc='left')}", loc="left", fontsize=spec["note"],
                     color=MUTED, fontweight="normal")
        if k:
            ax.set_ylabel("")
    r = first["r"]
    r_text = "" if r != r else (f" The SDs of change use r = {r:g} ({first['r_source']}).")
    note = ("Distributional method (Peacock et al. 2012): the share of each arm whose change "
            f"is beyond the MCID, from the mean change and its SD, with the NNT (Altman 1998)."
            f"{r_text}")
    return _finish(fig, trial, f"{o.short}: who improved by at least the MCID",
                   f"Responders in each arm at each follow-up; {who(trial, data)}", note,
                   style, [resp], data)
