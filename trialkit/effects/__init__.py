"""Effect-size statistics on arrays of summary statistics.

Pure and vectorized: every function takes scalars, lists, numpy arrays or pandas Series,
broadcasts them like a numpy ufunc (one call handles one comparison or 100,000), never mutates
its inputs, and returns a pandas DataFrame with one row per element: ``estimate, se, var,
ci_low, ci_high`` (plus ``df, statistic, p`` where defined) and ``method``, naming the exact
formula. Bad input raises :class:`trialkit.TrialDataError` naming the argument (and element).
Argument names follow metafor's ``escalc``: ``m1, sd1, n1, m2, sd2, n2, r``.

This subpackage knows nothing about trials; :mod:`trialkit.analysis` builds on it.

Modules
-------
differences
    :func:`mean_difference` (Welch or Student).
standardized
    :func:`smd` (Cohen's d, Hedges' g, Glass's delta, Bonett's d; noncentral-t intervals).
prepost
    Within one arm: :func:`mean_change`, :func:`smcr`, :func:`smcc`, :func:`sd_change`,
    :func:`r_from_sds`.
prepost_between
    Between two arms: :func:`smd_change` (Morris's d_ppc2), :func:`diff_in_change`,
    :func:`ancova_from_summary`.
ratios
    :func:`percent_change` (within arm), :func:`ratio_of_means` (between arms).
recover
    :func:`sd_from_se`, :func:`sd_from_ci`, :func:`sd_from_t`, :func:`sd_from_p`,
    :func:`mean_sd_from_quantiles`.
convert
    :func:`d_from_t`, :func:`d_from_f`, :func:`d_to_r`, :func:`d_to_log_or`,
    :func:`d_to_cles`, :func:`nnt_from_d`.
"""

from __future__ import annotations

from trialkit.effects.convert import (
    d_from_f,
    d_from_t,
    d_to_cles,
    d_to_log_or,
    d_to_r,
    nnt_from_d,
)
from trialkit.effects.differences import mean_difference
from trialkit.effects.prepost import mean_change, r_from_sds, sd_change, smcc, smcr
from trialkit.effects.prepost_between import ancova_from_summary, diff_in_change, smd_change
from trialkit.effects.ratios import percent_change, ratio_of_means
from trialkit.effects.recover import (
    mean_sd_from_quantiles,
    sd_from_ci,
    sd_from_p,
    sd_from_se,
    sd_from_t,
)
from trialkit.effects.standardized import smd

__all__ = [
    "ancova_from_summary",
    "d_from_f",
    "d_from_t",
    "d_to_cles",
    "d_to_log_or",
    "d_to_r",
    "diff_in_change",
    "mean_change",
    "mean_difference",
    "mean_sd_from_quantiles",
    "nnt_from_d",
    "percent_change",
    "r_from_sds",
    "ratio_of_means",
    "sd_change",
    "sd_from_ci",
    "sd_from_p",
    "sd_from_se",
    "sd_from_t",
    "smcc",
    "smcr",
    "smd",
    "smd_change",
]
