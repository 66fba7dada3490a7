"""Trial-level tables built from :mod:`trialkit.effects`: within-arm and between-arm effects.

Each function returns a tidy DataFrame, one row per outcome x arm (or comparison) x timepoint
x measure, with the columns every result frame uses (``estimate, se, ci_low, ci_high, df, p,
method``) and the keys it is about. Where patient data exist the numbers come from the data
themselves (exact change SDs and correlations); where only summaries exist and a formula needs
the pre-post correlation ``r``, the caller gives it, or 0.5 is assumed with a warning, and the
``r`` and ``r_source`` columns say which.

Modules: :mod:`._within` (:func:`means`, :func:`within`: one arm's numbers),
:mod:`._between` (:func:`between`: each arm against the reference), :mod:`._sensitivity`
(:func:`sensitivity`: the r-dependent effects across assumed correlations), built on
:mod:`._changes` (change rows, and where each correlation comes from) and :mod:`._common`.

>>> import trialkit
>>> from trialkit.analysis import within
>>> sorted(within(trialkit.load("anorexia"))["measure"].unique())
['mean_change', 'percent_change', 'smcr']
"""

from __future__ import annotations

from trialkit.analysis._between import between
from trialkit.analysis._common import (
    BETWEEN_MEASURES,
    DEFAULT_R,
    SENSITIVITY_R,
    WITHIN_MEASURES,
    add_labels,
)
from trialkit.analysis._sensitivity import sensitivity
from trialkit.analysis._within import means, within

__all__ = ["BETWEEN_MEASURES", "DEFAULT_R", "SENSITIVITY_R", "WITHIN_MEASURES", "add_labels",
           "between", "means", "sensitivity", "within"]
