"""Figures of the across-trial screening techniques, drawn from their result frames: the
cumulative distribution of baseline p values against its expectation, observed against
expected counts (identical statistics, categorical counts, group sizes) and final digits.
They compute no statistic and state no direction: a departure from the expected
distribution is a reason to look closer, and the notes say so."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from trialkit.display import fmt_p
from trialkit.errors import NothingToDraw, TrialDataError
from trialkit.plots._common import ensure_ax
from trialkit.plots._style import INK, MUTED, OKABE_ITO, style_context

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

__all__ = ["final_digit_bars", "match_bars", "observed_expected", "pvalue_cdf"]

OBSERVED = OKABE_ITO[0]
EXPECTED = INK


def _need(frame: pd.DataFrame, columns: tuple[str, ...], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing or not len(frame):
        raise TrialDataError(f"{what}: expected a frame with columns {', '.join(columns)}"
                             + (f" (missing {', '.join(missing)})" if missing else
                                " (it is empty)"))


def _note(ax: Axes, text: str, spec: dict, *, y: float = 0.98, x: float = 0.02,
          ha: str = "left") -> None:
    ax.text(x, y, text, transform=ax.transAxes, ha=ha, va="top", fontsize=spec["note"],
            color=MUTED, linespacing=1.3)


def _fits(ax: Axes, labels: list[str], spec: dict) -> bool:
    """Do the legend entries fit side by side above the axes (about 0.55 em per glyph,
    7 em per entry for its handle and spacing, in 80% of the figure's width)?"""
    capacity = ax.figure.get_figwidth() * 0.8 * 72 / (0.55 * spec["label"])
    return sum(map(len, labels)) + 7 * len(labels) <= capacity


def _legend(ax: Axes, spec: dict) -> None:
    """Legend above the axes, outside the data (the constrained layout keeps room)."""
    handles, labels = ax.get_legend_handles_labels()
    order = sorted(range(len(labels)), key=lambda i: not labels[i].startswith("observed"))
    ax.legend([handles[i] for i in order], [labels[i] for i in order], loc="lower left",
              bbox_to_anchor=(0.0, 1.01), ncol=2 if _fits(ax, labels, spec) else 1,
              fontsize=spec["label"], borderaxespad=0,
              handlelength=1.6, columnspacing=1.2)


def pvalue_cdf(dist: pd.DataFrame, pvalues: pd.DataFrame | None = None, *,
               ax: Axes | None = None, style: str = "paper") -> Axes:
    """Cumulative distribution of baseline p values against the expected one.

    Parameters
    ----------
    dist : DataFrame
        :func:`trialkit.screen.across.pvalue_distribution` output (one row per decile).
    pvalues : DataFrame, optional
        :func:`trialkit.screen.baseline.baseline_p` output: when given, the observed curve
        is the step ECDF of its p values (``p`` for "calculated", ``reported_p`` for
        "reported", of the variables of ``dist``'s ``kind``); otherwise the observed
        shares at decile edges.
    ax : Axes, optional
    style : {"paper", "slide"}

    Returns
    -------
    Axes

    Examples
    --------
    >>> import pandas as pd
    >>> import trialkit.screen.across as A
    >>> from trialkit.plots import screen as P
    >>> from trialkit.screen import example_rows
    >>> rows = example_rows()
    >>> ax = P.pvalue_cdf(A.pvalue_distribution(rows, sims=50))
    >>> ax.get_xlabel()
    'calculated baseline p value'
    """
    _need(dist, ("which", "low", "high", "observed", "expected", "auc", "auc_expected", "p",
                 "p_auc", "n_variables", "n_trials"), "pvalue_cdf")
    which = str(dist["which"].iloc[0])
    kind = str(dist["kind"].iloc[0]) if "kind" in dist else "continuous"
    if not int(dist["n_variables"].iloc[0]):
        raise NothingToDraw(f"pvalue_cdf: no {kind} variable has a {which} baseline p value: "
                            f"there is no distribution to draw")
    edges = np.r_[0.0, dist["high"].to_numpy(float)]
    exp = dist["expected"].to_numpy(float)
    obs = dist["observed"].to_numpy(float)
    with style_context(style) as spec:
        ax = ensure_ax(ax, style)
        lw = spec["rc"]["lines.linewidth"]
        label = "expected: " + ("uniform" if which == "reported" else
                                "simulated rounding" if kind == "continuous" else
                                "simulated binomial null")
        ax.plot(edges, np.r_[0.0, np.cumsum(exp) / exp.sum()], color=EXPECTED, lw=lw * 0.8,
                ls="--", label=label)
        if pvalues is not None:
            col = "p" if which == "calculated" else "reported_p"
            sel = pvalues[pvalues["kind"] == kind][col].to_numpy(float)
            p = np.sort(sel[np.isfinite(sel)])
            y = np.arange(1, len(p) + 1) / len(p)
            ax.step(np.r_[0.0, p, 1.0], np.r_[0.0, y, 1.0], where="post", color=OBSERVED,
                    lw=lw, label="observed")
        else:
            ax.plot(edges, np.r_[0.0, np.cumsum(obs) / obs.sum()], color=OBSERVED, lw=lw,
                    marker="o", label="observed (at decile edges)")
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1.02)
        ax.set_xticks(np.linspace(0, 1, 6))
        ax.set_xlabel(("reported" if which == "reported" else "calculated")
                      + " baseline p value")
        ax.set_ylabel("cumulative share of variables")
        ax.grid(axis="x", color=spec["rc"]["grid.color"], lw=spec["rc"]["grid.linewidth"])
        r = dist.iloc[0]
        # the note goes where the curves are not: top left unless the observed p values
        # are mostly small (then the curve runs through the top left)
        low = float(np.cumsum(obs)[3] / obs.sum()) if obs.sum() else 0.0
        text = (f"{int(r['n_variables'])} variables, {int(r['n_trials'])} trials\n"
                f"deciles: p {_p(r['p'])}\n"
                f"ECDF area {r['auc']:.2f}\n(expected {r['auc_expected']:.2f}): "
                f"p {_p(r['p_auc'])}")
        if low > 0.6:
            ax.text(0.98, 0.03, text, transform=ax.transAxes, ha="right", va="bottom",
                    fontsize=spec["note"], color=MUTED, linespacing=1.3)
        else:
            _note(ax, text, spec)
        _legend(ax, spec)
    return ax


def _p(p: float) -> str:
    text = fmt_p(p)
    return f"< {text[1:]}" if text.startswith("<") else f"= {text}" if text else "not computed"


def observed_expected(frame: pd.DataFrame, *, measure: str | None = None,
                      xlabel: str = "", ylabel: str = "number", ax: Axes | None = None,
                      style: str = "paper") -> Axes:
    """Observed counts per merged bin as bars, expected as points joined by a line.

    Parameters
    ----------
    frame : DataFrame
        :func:`~trialkit.screen.across.cohort_matches` (``statistic``),
        :func:`~trialkit.screen.across.categorical` or
        :func:`~trialkit.screen.across.group_sizes` (``measure``) output.
    measure : str, optional
        Which statistic / measure to draw when the frame holds several.
    xlabel, ylabel : str
    ax : Axes, optional
    style : {"paper", "slide"}

    Returns
    -------
    Axes

    Examples
    --------
    >>> import pandas as pd
    >>> import trialkit.screen.across as A
    >>> from trialkit.plots import screen as P
    >>> from trialkit.screen import example_rows
    >>> rows = example_rows()
    >>> ax = P.observed_expected(A.group_sizes(rows), xlabel="difference in arm sizes")
    >>> [round(b.get_height()) for b in ax.patches]
    [2]
    """
    _need(frame, ("bin", "observed", "expected", "p"), "observed_expected")
    key = "statistic" if "statistic" in frame.columns else "measure"
    if key in frame.columns:
        options = list(dict.fromkeys(frame[key]))
        if measure is None:
            if len(options) > 1:
                raise TrialDataError(f"observed_expected: the frame holds several {key}s; "
                                     f"pass measure= (one of {', '.join(options)})")
            measure = options[0]
        frame = frame[frame[key] == measure]
        if not len(frame):
            raise TrialDataError(f"observed_expected: no rows with {key} {measure!r}")
    if "n_variables" in frame.columns and not int(frame["n_variables"].max()):
        raise NothingToDraw("observed_expected: no variable (or trial) entered this "
                            "comparison" + (f" ({measure})" if measure else ""))
    bins = frame.groupby("bin", sort=False)[["observed", "expected"]].sum()
    x = np.arange(len(bins))
    with style_context(style) as spec:
        ax = ensure_ax(ax, style)
        lw = spec["rc"]["lines.linewidth"]
        ax.bar(x, bins["observed"], width=0.6, color=OBSERVED, alpha=0.85, label="observed")
        method = str(frame["method"].iloc[0]) if "method" in frame.columns else ""
        label = ("expected under simple randomisation" if "simple_randomisation" in method
                 else "expected for fresh samples" if "simulated_cohorts" in method
                 else "expected under randomisation")
        ax.plot(x, bins["expected"], color=EXPECTED, lw=lw * 0.8, marker="o", label=label)
        ax.set_xticks(x, bins.index.tolist(),
                      rotation=90 if len(bins) > 8 else 0)
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        ax.set_ylim(0, max(bins["observed"].max(), bins["expected"].max()) * 1.3)
        from matplotlib.ticker import MaxNLocator

        ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # counts
        r = frame.iloc[0]
        _note(ax, f"bins merged until each expects 5 or more\n"
                  f"chi-squared over the bins: p {_p(float(r['p']))}", spec, x=0.98,
              ha="right")
        _legend(ax, spec)
    return ax


def match_bars(frame: pd.DataFrame, *, ax: Axes | None = None,
               style: str = "paper") -> Axes:
    """Identical means, SDs and both between the arms of trials: observed number against
    the number expected from Carlisle's trials (:func:`~trialkit.screen.across.matches`).

    Returns
    -------
    Axes

    Examples
    --------
    >>> import pandas as pd
    >>> import trialkit.screen.across as A
    >>> from trialkit.plots import screen as P
    >>> from trialkit.screen import example_rows
    >>> rows = example_rows()
    >>> ax = P.match_bars(A.matches(rows))
    >>> [round(b.get_height()) for b in ax.patches][:3]
    [1, 0, 0]
    """
    _need(frame, ("statistic", "sig_digits", "matches", "expected", "n_variables", "p"),
          "match_bars")
    rows = frame[frame["sig_digits"] == "all"].set_index("statistic")
    if not int(rows["n_variables"].sum()):  # the rows of every number of significant digits
        raise NothingToDraw("match_bars: no variable has a mean and SD in two arms to match")
    names = [s for s in ("mean", "sd", "both") if s in rows.index]
    labels = {"mean": "means", "sd": "SDs", "both": "mean and SD"}
    x = np.arange(len(names))
    with style_context(style) as spec:
        ax = ensure_ax(ax, style)
        obs = rows.loc[names, "matches"].to_numpy(float)
        exp = rows.loc[names, "expected"].to_numpy(float)
        ax.bar(x - 0.18, obs, width=0.36, color=OBSERVED, label="observed")
        ax.bar(x + 0.18, exp, width=0.36, color="white", edgecolor=EXPECTED,
               hatch="//", label="expected (Carlisle's trials)")
        top = max(obs.max(), exp.max(), 1.0)
        for i, s in enumerate(names):
            # each bar's number on it, so an observed 0 is seen as a 0, not as no bar
            for dx, value, text in ((-0.18, obs[i], f"{obs[i]:.0f}"),
                                    (0.18, exp[i], f"{exp[i]:.1f}")):
                ax.text(i + dx, value + top * 0.02, text, ha="center", va="bottom",
                        fontsize=spec["note"], color=OBSERVED if dx < 0 else EXPECTED)
            ax.text(i, max(obs[i], exp[i]) + top * 0.13, f"p {_p(float(rows.loc[s, 'p']))}",
                    ha="center", va="bottom", fontsize=spec["note"], color=MUTED)
        ax.set_xticks(x, [f"identical\n{labels[s]}" for s in names])
        ax.set_ylim(0, top * 1.45)
        ax.set_ylabel("two-arm variables")
        n = int(rows["n_variables"].max())
        _note(ax, f"{n} two-arm variables; expected for their significant digits", spec)
        _legend(ax, spec)
    return ax


def final_digit_bars(frame: pd.DataFrame, *, ax: Axes | None = None,
                     style: str = "paper") -> Axes:
    """Share of printed means and SDs ending in each digit, against 10% each
    (:func:`~trialkit.screen.across.final_digits`).

    Returns
    -------
    Axes

    Examples
    --------
    >>> import pandas as pd
    >>> import trialkit.screen.across as A
    >>> from trialkit.plots import screen as P
    >>> from trialkit.screen import example_rows
    >>> rows = example_rows()
    >>> ax = P.final_digit_bars(A.final_digits(rows))
    >>> len(ax.patches)
    10
    """
    _need(frame, ("digit", "observed", "percent", "n_values", "n_trials", "p"),
          "final_digit_bars")
    from matplotlib.ticker import MaxNLocator, PercentFormatter

    if not int(frame["n_values"].iloc[0]):
        raise NothingToDraw("final_digit_bars: no printed mean or SD to count digits of")
    with style_context(style) as spec:
        ax = ensure_ax(ax, style)
        lw = spec["rc"]["lines.linewidth"]
        ax.bar(frame["digit"], frame["percent"], width=0.7, color=OBSERVED, label="observed")
        ax.axhline(10, color=EXPECTED, ls="--", lw=lw * 0.8, label="uniform (10%)")
        ax.set_xticks(range(10))
        ax.set_xlabel("final digit")
        ax.set_ylabel("share of values")
        ax.set_ylim(0, max(float(frame["percent"].max()), 10.0) * 1.35)
        r = frame.iloc[0]
        how = "\n(p simulated: fewer than 50 values)" if "simulated_p" in str(r["method"]) else ""
        _note(ax, f"{int(r['n_values'])} values, {int(r['n_trials'])} trials; "
                  f"vs uniform: p {_p(float(r['p']))}{how}", spec)
        # whole-percent labels need whole-percent ticks (2.5 would print as "2%")
        ax.yaxis.set_major_locator(MaxNLocator(nbins=6, integer=True))
        ax.yaxis.set_major_formatter(PercentFormatter(decimals=0))
        _legend(ax, spec)
    return ax
