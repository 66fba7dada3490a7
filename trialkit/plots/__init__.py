"""Figures drawn from trialkit.analysis result frames.

Each function draws a result frame (it computes no statistic), accepts ``ax=`` and returns
the axes it drew on, uses the ``paper`` or ``slide`` style only while drawing (no global
matplotlib state changes), and marks figures built from illustrative numbers.
"""

from __future__ import annotations

from trialkit.plots._style import OKABE_ITO, STYLES, arm_colours, new_figure, save, style_context
from trialkit.plots.estimation import estimation
from trialkit.plots.forest import forest
from trialkit.plots.percent import percent_change
from trialkit.plots.reanalysis import exaggeration, pooled_forest, posterior, responder_bars
from trialkit.plots.rom import rom_deltas
from trialkit.plots.sensitivity import sensitivity
from trialkit.plots.trajectory import trajectory

__all__ = [
    "OKABE_ITO",
    "STYLES",
    "arm_colours",
    "estimation",
    "exaggeration",
    "forest",
    "new_figure",
    "percent_change",
    "pooled_forest",
    "posterior",
    "responder_bars",
    "rom_deltas",
    "save",
    "sensitivity",
    "style_context",
    "trajectory",
]
