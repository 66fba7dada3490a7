"""The frames a report shows, as the library returned them: computed once by
:func:`trialkit.report._content.compute`, read by the views, the figures, the record and the
deck."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Frames"]


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
