"""trialkit: reanalyse small randomized clinical trials.

Load a trial (bundled, typed in from a paper's table, or a folder of your own), compute the
numbers a careful reader wants, check that the published numbers can all be true, and draw
figures for a journal club or a paper.

>>> import trialkit
>>> trial = trialkit.load("mejuto2014")
>>> trial.n
17

Submodules load on first use, so ``import trialkit`` stays fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from trialkit.errors import TrialDataError

__version__ = "0.1.0"

__all__ = [
    "Trial",
    "TrialDataError",
    "datasets",
    "from_table",
    "load",
    "read_trial",
]

_LAZY = {
    "Trial": ("trialkit.trial", "Trial"),
    "datasets": ("trialkit.bundled", "datasets"),
    "load": ("trialkit.bundled", "load"),
    "read_trial": ("trialkit.io", "read_trial"),
    "from_table": ("trialkit.tables", "from_table"),
}
_SUBMODULES = ("analysis", "bundled", "cells", "checks", "display", "effects", "figures", "io",
               "ipd", "meta", "plots", "reanalysis", "tables", "trial")

if TYPE_CHECKING:
    from trialkit.bundled import datasets, load
    from trialkit.io import read_trial
    from trialkit.tables import from_table
    from trialkit.trial import Trial


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        module, attr = _LAZY[name]
        value = getattr(importlib.import_module(module), attr)
        globals()[name] = value
        return value
    if name in _SUBMODULES:
        return importlib.import_module(f"trialkit.{name}")
    raise AttributeError(f"module 'trialkit' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY, *_SUBMODULES])
