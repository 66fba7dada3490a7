"""Screening a body of trials at once (Carlisle 2017; Bolland et al. 2019, 2021).

One long table of many trials' summary rows (one row per trial x variable x arm) is read into
the *rows* frame described in :mod:`trialkit.screen._rows`; within-trial checks and the
across-trial techniques all take that frame.

read_rows
    :func:`read_rows`: a path, DataFrame or Dask DataFrame in the long layout, simdistr's or
    reappraised's, into the rows frame.
within
    :func:`within_checks`: GRIM, GRIMMER, SD bounds and SDs that look like SEs, per row.
combine
    :func:`stouffer`, :func:`combine_trials`: per-trial combination and ranking.
core, chunks
    :func:`screen`: all of it, returning a :class:`ScreenResult` (one chunk of whole trials
    at a time, :mod:`trialkit.screen.chunks`).
baseline, across
    :func:`baseline_p` (each variable's baseline p) and the across-trial techniques
    :func:`pvalue_distribution`, :func:`matches`, :func:`cohort_matches`,
    :func:`cohort_matches_by_variable`, :func:`final_digits`, :func:`categorical`,
    :func:`group_sizes` (each with ``partial_<name>`` and ``combine_<name>`` in
    :mod:`trialkit.screen.across`).

Submodules load on first use, so ``import trialkit.screen`` stays light.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["ScreenResult", "baseline_p", "categorical", "cohort_matches",
           "cohort_matches_by_variable", "combine_trials",
           "example_rows", "final_digits", "group_sizes", "matches", "pvalue_distribution",
           "read_rows", "screen", "stouffer", "within_checks"]

_LAZY = {
    "read_rows": ("trialkit.screen.reading", "read_rows"),
    "example_rows": ("trialkit.screen._rows", "example_rows"),
    "within_checks": ("trialkit.screen.within", "within_checks"),
    "stouffer": ("trialkit.screen.combine", "stouffer"),
    "combine_trials": ("trialkit.screen.combine", "combine_trials"),
    "screen": ("trialkit.screen.core", "screen"),
    "ScreenResult": ("trialkit.screen.chunks", "ScreenResult"),
    "baseline_p": ("trialkit.screen.baseline", "baseline_p"),
    **{name: ("trialkit.screen.across", name)
       for name in ("pvalue_distribution", "matches", "cohort_matches",
                    "cohort_matches_by_variable", "final_digits", "categorical",
                    "group_sizes")},
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        module, attr = _LAZY[name]
        value = getattr(importlib.import_module(module), attr)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'trialkit.screen' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])
