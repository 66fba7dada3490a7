"""The trial format's vocabulary: column names and the values some columns may take.

Everything that reads or builds a :class:`~trialkit.trial.Trial` takes its column names from
here, so that the reader (``trialkit.io``, ``trialkit.tables``) and the Trial itself agree
without importing each other. This module imports nothing from trialkit.
"""

from __future__ import annotations

__all__ = [
    "ANALYSES",
    "CHANGE",
    "DERIVED",
    "IPD_COLUMNS",
    "MEASURES",
    "RELATIONS",
    "REPORTED_COLUMNS",
    "REPORTED_OPTIONAL",
    "SUMMARY_OPTIONAL",
    "SUMMARY_REQUIRED",
    "SUMMARY_TEXT",
    "TESTS",
]

SUMMARY_REQUIRED = ("outcome", "arm", "timepoint", "n", "mean", "sd", "source")
#: Optional numeric columns of summary.csv.
SUMMARY_OPTIONAL = ("se", "ci_low", "ci_high", "median", "q1", "q3", "min", "max")
#: Optional text columns of summary.csv: what a row measures (``MEASURES``, default "value"),
#: the footnote marks printed beside its numbers, and ``printed``: the cell as printed where
#: the row's numbers differ from it (a change printed as baseline minus follow-up, negated
#: at load; its ``source`` says so).
SUMMARY_TEXT = ("measure", "footnote", "printed")
#: What a summary row holds: the level at its timepoint, or the change from baseline to it.
MEASURES = ("value", "change")
CHANGE = "change"
IPD_COLUMNS = ("patient", "arm", "timepoint", "outcome", "value")
REPORTED_COLUMNS = ("id", "statistic", "outcome", "arm", "timepoint", "comparison", "relation",
                    "value", "text", "source")
#: Optional columns of reported.csv: the test a statement names, and what it was applied to.
REPORTED_OPTIONAL = ("test", "analysis")
RELATIONS = ("=", "<", ">", "<=", ">=", "~")
#: Tests a reported statistic may name (``test`` column); "" and "unknown" mean not named.
TESTS = ("t", "welch", "paired_t", "anova", "welch_anova", "ancova", "mixed", "mann_whitney",
         "wilcoxon", "kruskal_wallis", "friedman", "chi2", "fisher", "unknown")
#: What the test was applied to (``analysis`` column).
ANALYSES = ("follow_up", "change", "ancova", "unknown")
#: ``source`` of summary rows computed from patient data.
DERIVED = "derived from ipd"
