"""Across-trial techniques of trialkit.screen: baseline p-value distributions, identical
summary statistics within and across trials, final digits, categorical variables and group
sizes (Carlisle 2017; Bolland et al.; the techniques of the R package reappraised).

Each technique ``<name>(rows)`` has a per-partition piece ``partial_<name>(rows)``
(computed from whole trials) and ``combine_<name>(pieces)``, with
``<name>(rows) == combine_<name>(partial_<name>(rows))`` and the same for the concatenated
pieces of any split of the table into whole trials (for Dask's ``map_partitions``).
"""

from trialkit.screen.across.categorical import (
    categorical,
    combine_categorical,
    combine_group_sizes,
    group_sizes,
    partial_categorical,
    partial_group_sizes,
)
from trialkit.screen.across.cohorts import (
    cohort_matches,
    cohort_matches_by_variable,
    combine_cohort_matches,
    combine_cohort_matches_by_variable,
    partial_cohort_matches,
    partial_cohort_matches_by_variable,
)
from trialkit.screen.across.digits import combine_final_digits, final_digits, partial_final_digits
from trialkit.screen.across.matches import combine_matches, matches, partial_matches
from trialkit.screen.across.pvalues import (
    combine_pvalue_distribution,
    partial_pvalue_distribution,
    pvalue_distribution,
)

__all__ = [
    "categorical", "cohort_matches", "cohort_matches_by_variable", "combine_categorical",
    "combine_cohort_matches", "combine_cohort_matches_by_variable", "combine_final_digits",
    "combine_group_sizes", "combine_matches", "combine_pvalue_distribution", "final_digits",
    "group_sizes", "matches", "partial_categorical", "partial_cohort_matches",
    "partial_cohort_matches_by_variable", "partial_final_digits", "partial_group_sizes",
    "partial_matches", "partial_pvalue_distribution", "pvalue_distribution",
]
