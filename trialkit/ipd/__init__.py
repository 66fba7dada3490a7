"""Models that need patient data: ANCOVA, repeated measures, paired, resampling, counts.

statsmodels and scipy do the fitting and resampling; this subpackage adds the trial-aware
wrapping (which patients, which arms, which baseline), small-trial defaults and tidy result
frames with the columns every trialkit result uses (``estimate, se, ci_low, ci_high, df, p,
method`` plus the keys ``outcome, timepoint, comparison, arm``).

Functions
---------
baseline_followup
    One row per patient measured at baseline and a follow-up: pre, post, change.
ancova, ancova_table
    Follow-up on baseline and arm (OLS); adjusted means and the change-score and
    follow-up-only estimates beside it.
repeated
    Every follow-up visit at once: random-intercept linear mixed model (MixedLM) and GEEs.
paired
    Within-patient comparisons (crossover, or pre/post in one arm): paired t, d_z, d_av.
permutation_test, enumerate_splits
    Re-randomization tests, exact by vectorized enumeration when feasible.
bootstrap, bootstrap_distribution
    BCa bootstrap intervals (stratified by arm), with the resampled distribution.
count_model
    Poisson, quasi-Poisson or negative binomial rate ratios for count outcomes.
analyse
    Everything above that fits a trial's data, as a dict of tables (for the CLI).
"""

from __future__ import annotations

from trialkit.ipd._analyse import analyse, is_count
from trialkit.ipd._ancova import ancova, ancova_table, baseline_followup
from trialkit.ipd._bootstrap import bootstrap, bootstrap_distribution
from trialkit.ipd._counts import count_model
from trialkit.ipd._paired import paired
from trialkit.ipd._permutation import enumerate_splits, permutation_test
from trialkit.ipd._repeated import repeated

__all__ = [
    "analyse",
    "ancova",
    "ancova_table",
    "baseline_followup",
    "bootstrap",
    "bootstrap_distribution",
    "count_model",
    "enumerate_splits",
    "is_count",
    "paired",
    "permutation_test",
    "repeated",
]
