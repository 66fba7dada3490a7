"""Beyond the paper: how sure can a reader be of what a small trial shows?

Functions that work from an effect and its standard error, or from summary statistics, and
return tidy frames in the project's vocabulary (``estimate, se, ci_low, ci_high, method``):

bayes
    :func:`bayes`: posterior probability of benefit and of a benefit of at least the MCID,
    under named priors anchored at the MCID (Spiegelhalter et al. 2004).
evidence
    :func:`bayes_factor`: the JZS Bayes factor of a t statistic (Rouder et al. 2009).
    :func:`minimal_effect`: two one-sided tests against a margin (Lakens 2017).
design
    :func:`design`, :func:`design_curve`: power, type S and type M errors (Gelman & Carlin
    2014; Lu, Qiu & Deng 2019). :func:`sample_size`: patients a trial needs to detect the MCID.
pooling
    :func:`pool`: fixed and random effects with tau^2, I^2, Q and a prediction interval;
    :func:`pool_trials`: the same for one outcome and follow-up across several trials.
reanalyse
    :func:`reanalyse`: all of the above for every outcome and follow-up of a trial.
responders
    :func:`responders`: patients beyond a threshold (e.g. the MCID) in each arm, their
    difference, risk ratio and NNT, from means and SDs (Peacock et al. 2012);
    :func:`responders_of_changes`: the same on a trial's within-arm mean changes, with the
    MCID as the threshold, for every comparison of :func:`reanalyse`.

"Benefit" always means improvement for patients, given the outcome's direction.

>>> from trialkit.reanalysis import design
>>> round(float(design(1.0, 1.0).type_m.iloc[0]), 2)   # significant: 2.5x too large
2.49
"""

from __future__ import annotations

from trialkit.reanalysis.bayes import NAMED_PRIORS, bayes, posterior_curves, prior_parameters
from trialkit.reanalysis.design import design, design_curve, sample_size
from trialkit.reanalysis.evidence import bayes_factor, minimal_effect
from trialkit.reanalysis.pooling import TAU2_METHODS, pool, pool_trials
from trialkit.reanalysis.reanalyse import DEFAULT_PRIORS, reanalyse, sentences
from trialkit.reanalysis.responders import responders, responders_of_changes

__all__ = [
    "DEFAULT_PRIORS",
    "NAMED_PRIORS",
    "TAU2_METHODS",
    "bayes",
    "bayes_factor",
    "design",
    "design_curve",
    "minimal_effect",
    "pool",
    "pool_trials",
    "posterior_curves",
    "prior_parameters",
    "reanalyse",
    "responders",
    "responders_of_changes",
    "sample_size",
    "sentences",
]
