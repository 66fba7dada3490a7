"""The report's numbers: the library's frames, computed once (nothing is computed here)."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from trialkit.report._frames import Frames

if TYPE_CHECKING:
    import pandas as pd

    from trialkit.trial import Trial

__all__ = ["compute", "tables"]


def _base(trial: Trial, r: float | None) -> tuple[Any, Any, Any, list[str]]:
    """Means, within- and between-arm frames (what the figures of the data draw)."""
    from trialkit.analysis import between, means, within

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        has_baseline = trial.baseline is not None
        m = means(trial)
        w = within(trial, r=r) if has_baseline else None
        # baseline = false: the arms are still compared at the printed timepoints
        b = between(trial, r=r) if has_baseline or trial.no_baseline else None
    return m, w, b, [str(x.message) for x in caught]


def _numbers(trial: Trial, r: float | None, base: Frames,
             then: Callable[[Frames], Any] | None) -> tuple[Frames, Any]:
    """Checks, reanalysis, responders and the exaggeration curve added to ``base``, with the
    warnings they gave; then ``then(frames)`` (the reanalysis figures), in this process."""
    import dataclasses

    from trialkit.checks import check
    from trialkit.errors import TrialDataError
    from trialkit.reanalysis import reanalyse
    from trialkit.report._sure import design_curves, responders_frame

    note = ""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        c = check(trial, r=r)
        try:
            re = reanalyse(trial, r=r)
        except TrialDataError as exc:
            re, note = None, str(exc)
        curves = design_curves(trial, re)
        resp = responders_frame(trial, base.within, re)
    notes = tuple(dict.fromkeys([*base.notes, *(str(x.message) for x in caught)]))
    frames = dataclasses.replace(base, checks=c, reanalysis=re, reanalysis_note=note,
                                 notes=notes, responders=resp, design_curves=curves)
    return frames, then(frames) if then is not None else None


def compute(trial: Trial, r: float | None = None, *,
            meanwhile: Callable[[Frames], Any] | None = None,
            then: Callable[[Frames], Any] | None = None, parallel: bool = False
            ) -> tuple[Frames, Any, Any]:
    """Call analysis, checks and reanalysis for ``trial`` and collect their warnings.

    Two halves that do not depend on each other: ``meanwhile(base)`` (e.g. drawing the
    figures of the data) gets the frames known first (means, within, between; checks and
    reanalysis still None), while the checks, the reanalysis and then ``then(frames)`` (e.g.
    drawing the reanalysis figures) run, with ``parallel``, in a forked second process (see
    :mod:`trialkit.report._parallel`; what ``then`` returns must pickle). The frames are the
    same either way. Returns the frames, what ``meanwhile`` returned and what ``then``
    returned.
    """
    from trialkit.report._parallel import start

    m, w, b, first = _base(trial, r)
    base = Frames(summary=trial.summary, changes=trial.changes, within=w, between=b,
                  checks=None, reanalysis=None, means=m,  # type: ignore[arg-type]
                  notes=tuple(dict.fromkeys(first)))
    wait = start(_numbers, trial, r, base, then, parallel=parallel)
    done = meanwhile(base) if meanwhile is not None else None
    frames, after = wait()
    return frames, done, after


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
