"""What :func:`trialkit.report.build` made: the trial, its frames, the shown tables, the
rendered figures and the record; the HTML page, the deck and its notes read it, and
:class:`trialkit.report.Report` adds the ways to show it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

    from trialkit.report._figures import Rendered
    from trialkit.report._frames import Frames
    from trialkit.trial import Trial

__all__ = ["Built"]


@dataclass(frozen=True)
class Built:
    """A report's contents: ``trial``; ``frames`` (:class:`~trialkit.report._frames.Frames`);
    ``views``, the tables as shown (rounded, with their titles and notes); ``figures``, each
    rendered once; ``record``, what made the report (versions, seeds, data files and their
    SHA-256); ``generated_at``, the one line that varies by run; and ``command``."""

    trial: Trial
    frames: Frames
    views: list[dict]
    figures: list[Rendered]
    record: pd.DataFrame
    generated_at: str
    command: str
