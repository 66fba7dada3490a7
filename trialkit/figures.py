"""The figure set for a trial: every chart that fits its data, titled and saved.

Orchestration only: it calls :mod:`trialkit.analysis` for the numbers and
:mod:`trialkit.plots` to draw them, adds titles, sources and the illustrative stamp, and
writes files with predictable names ``{trial}_{figure}_{style}.{format}``.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from trialkit.errors import TrialDataError
from trialkit.figure_builders import (
    _estimations,
    _forest,
    _no_baseline_set,
    _percent_changes,
    _rom,
    _sensitivity,
    _Set,
    _trajectories,
)
from trialkit.figure_text import chosen_outcome, data_name, who

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from trialkit.trial import Trial

__all__ = ["data_name", "figure_set", "write_figures"]

#: The highest PNG resolution written (a 13.33 in slide at 1200 dpi is 16,000 pixels wide).
MAX_DPI = 1200


def figure_set(trial: Trial, *, style: str = "slide", r: float | None = None,
               outcome: str | None = None, data: str | None = None,
               frames: tuple[Any, Any, Any] | None = None) -> dict[str, Figure]:
    """Every figure that fits the trial's data, by name.

    Parameters
    ----------
    trial : Trial
    style : {"slide", "paper"}
    r : float, optional
        Pre-post correlation for summary-only trials (default 0.5, stated on the figures).
    outcome : str, optional
        The outcome (id or label) of the one-outcome figures such as the sensitivity plot.
        Default: the trial's primary outcome (``primary = true``), else the first outcome,
        and the figure says which it is.
    data : str, optional
        What the footer names as the data (default :func:`data_name`: the bundled trial,
        the folder, the table file or "pasted table").
    frames : (means, within, between), optional
        The trial's :func:`~trialkit.analysis.means`, :func:`~trialkit.analysis.within` and
        :func:`~trialkit.analysis.between` frames for the same ``r``, when the caller has
        them already (a report computes them once); within/between are None without a
        baseline.

    Returns
    -------
    dict
        ``name -> Figure``; names such as ``trajectory_pain``, ``percent_change_pain``,
        ``forest``, ``rom_deltas``, ``sensitivity_pain``.

    Examples
    --------
    >>> import trialkit
    >>> sorted(figure_set(trialkit.load("anorexia"), style="paper"))[:2]
    ['estimation_weight_cbt', 'estimation_weight_ft']
    """
    from trialkit.analysis import between, means, within
    from trialkit.plots._style import get_style

    spec = get_style(style)
    chosen = chosen_outcome(trial, outcome)
    if frames is not None:
        m, w, b = frames
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # the assumed r is on the figure
            m = means(trial)
            w = within(trial, r=r) if trial.baseline is not None or trial.no_baseline else None
            b = between(trial, r=r) if trial.baseline is not None or trial.no_baseline else None
    ctx = _Set(trial, style, spec, r, data, m, w, b, who(trial, data))
    if trial.no_baseline:
        return _no_baseline_set(ctx)
    out = _trajectories(ctx)
    if w is None or b is None or b.empty:  # e.g. a baseline table: no follow-up to compare
        return out
    out.update(_percent_changes(ctx))
    out["forest"] = _forest(ctx)
    out.update(_rom(ctx))
    if trial.ipd is not None:
        out.update(_estimations(ctx))
    if trial.level == "summary":
        out.update(_sensitivity(ctx, *chosen))
    return out


def write_figures(trial: Trial, out: str | Path, *, formats: Sequence[str] = ("png",),
                  style: str = "slide", r: float | None = None, dpi: int | None = None,
                  outcome: str | None = None, data: str | None = None) -> list[Path]:
    """Write the trial's figure set to ``out``; returns the files written.

    File names: ``{trial}_{figure}_{style}.{format}``, e.g.
    ``mejuto2014_percent_change_pain_slide.png``.
    """
    from trialkit.plots._style import get_style, save

    get_style(style)
    if dpi is not None and (isinstance(dpi, bool) or not isinstance(dpi, int)
                            or not 1 <= dpi <= MAX_DPI):
        raise TrialDataError(f"dpi must be a whole number from 1 to {MAX_DPI}, got {dpi!r}",
                             field="dpi")
    folder = Path(out)
    if folder.exists() and not folder.is_dir():
        raise TrialDataError("not a folder", file=str(folder))
    figures = figure_set(trial, style=style, r=r, outcome=outcome, data=data)
    written: list[Path] = []
    for name, fig in figures.items():
        try:
            written += save(fig, folder / f"{trial.id}_{name}_{style}", formats, dpi=dpi,
                            style=style)
        except OSError as exc:
            raise TrialDataError(f"cannot write the figures there "
                                 f"({exc.strerror or type(exc).__name__})",
                                 file=str(folder)) from None
    return written
