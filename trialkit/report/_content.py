"""The report's numbers: the library's frames, computed once (nothing is computed here)."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from trialkit.trial import Trial

__all__ = ["Frames", "compute"]


@dataclass(frozen=True)
class Frames:
    """Every frame a report shows, as the library returned it (full precision).

    ``within``/``between`` are None for a trial without a baseline; ``reanalysis`` is None
    when the trial has no between-arm effect to reanalyse (``reanalysis_note`` says why).
    ``notes`` are the warnings the library gave (e.g. an assumed correlation), once each;
    ``means`` (:func:`trialkit.analysis.means`) is what the figures draw from, so they reuse
    these frames instead of computing them again. ``responders`` (improved by at least the
    MCID, per outcome with an MCID and a direction) and ``design_curves`` (the exaggeration
    curve of the target outcome) come from :mod:`trialkit.report._sure`.
    """

    summary: pd.DataFrame
    changes: pd.DataFrame
    within: pd.DataFrame | None
    between: pd.DataFrame | None
    checks: pd.DataFrame
    reanalysis: pd.DataFrame | None
    reanalysis_note: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)
    means: pd.DataFrame | None = None
    responders: pd.DataFrame | None = None
    design_curves: pd.DataFrame | None = None


def _base(trial: Trial, r: float | None) -> tuple[Any, Any, Any, list[str]]:
    """Means, within- and between-arm frames (what the figures of the data draw)."""
    from trialkit.analysis import between, means, within

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        has_baseline = trial.baseline is not None
        m = means(trial)
        w = within(trial, r=r) if has_baseline else None
        b = between(trial, r=r) if has_baseline else None
    return m, w, b, [str(x.message) for x in caught]


def _numbers(trial: Trial, r: float | None) -> tuple[Any, Any, str, Any, list[str]]:
    """Checks, reanalysis and the exaggeration curve (numbers only: no figure needs them
    until the reanalysis figures), with the warnings they gave."""
    from trialkit.checks import check
    from trialkit.errors import TrialDataError
    from trialkit.reanalysis import reanalyse
    from trialkit.report._sure import design_curves

    note = ""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        c = check(trial, r=r)
        try:
            re = reanalyse(trial, r=r)
        except TrialDataError as exc:
            re, note = None, str(exc)
        curves = design_curves(trial, re)
    return c, re, note, curves, [str(x.message) for x in caught]


def compute(trial: Trial, r: float | None = None, *,
            meanwhile: Callable[[Frames], Any] | None = None, parallel: bool = False
            ) -> tuple[Frames, Any]:
    """Call analysis, checks and reanalysis for ``trial`` and collect their warnings.

    ``meanwhile(partial)`` (e.g. drawing the figures of the data) is called with the frames
    known so far (means, within, between; checks and reanalysis still None) while, with
    ``parallel``, the checks and the reanalysis are computed in a second process (see
    :mod:`trialkit.report._parallel`); the frames are the same either way. Returns the frames
    and what ``meanwhile`` returned.
    """
    from trialkit.report._parallel import start
    from trialkit.report._sure import responders_frame

    m, w, b, first = _base(trial, r)
    wait = start(_numbers, trial, r, parallel=parallel)
    partial = Frames(summary=trial.summary, changes=trial.changes, within=w, between=b,
                     checks=None, reanalysis=None, means=m)  # type: ignore[arg-type]
    done = meanwhile(partial) if meanwhile is not None else None
    c, re, note, curves, second = wait()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        resp = responders_frame(trial, w, re)
    notes = tuple(dict.fromkeys([*first, *second, *(str(x.message) for x in caught)]))
    frames = Frames(summary=trial.summary, changes=trial.changes, within=w, between=b,
                    checks=c, reanalysis=re, reanalysis_note=note, notes=notes,
                    means=m, responders=resp, design_curves=curves)
    return frames, done


def tables(frames: Frames, record: pd.DataFrame) -> dict[str, Any]:
    """The result tables by name, as the library returned them (for CSV and Markdown)."""
    out: dict[str, Any] = {"summary": frames.summary}
    if not frames.changes.empty:
        out["changes"] = frames.changes
    if frames.within is not None:
        out["within"] = frames.within
    if frames.between is not None:
        out["between"] = frames.between
    out["checks"] = frames.checks
    if frames.reanalysis is not None:
        re = frames.reanalysis
        out["reanalysis"] = re
        design = ["outcome", "timepoint", "comparison", "measure", "effect", "effect_se",
                  "effect_df", "mcid", "mcid_source", "power_mcid", "type_s_mcid",
                  "type_m_mcid", "direction", "illustrative"]
        keep = re["mcid"].notna() & re["direction"].notna()
        if keep.any():
            out["exaggeration"] = re.loc[keep, [c for c in design if c in re.columns]
                                         ].drop_duplicates(design[:3])
    if frames.responders is not None:
        out["responders"] = frames.responders
    out["record"] = record
    return {k: v.reset_index(drop=True) for k, v in out.items()}
