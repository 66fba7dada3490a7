"""Consistency checks: does the paper's table add up?

Tests of reported numbers against each other and against the trial's own data, each
returning a tidy DataFrame (one row per input) with a verdict and the reason:

grim
    :func:`grim`: is a mean possible for n whole-number responses (Brown & Heathers 2017)?
    :func:`grim_consistent`: the verdicts alone, for screening large tables.
grimmer
    :func:`grimmer`: are the mean and SD possible together (exact; Anaya 2016, Allard 2018)?
    :func:`grimmer_consistent`: the verdicts alone.
bounds
    :func:`sd_bounds`, :func:`check_sd_bounds`: the smallest and largest SD on a bounded scale.
sprite
    :func:`sprite`, :func:`plot_sprite`: samples that reproduce a mean and SD (Heathers et al.
    2018).
statcheck
    :func:`statcheck`: APA-style results in text, p recomputed (Nuijten et al. 2016).
pvalues
    :func:`recompute_p`: which analysis reproduces a trial's reported p values;
    :func:`solve_r`: the pre-post correlations that reproduce a statement.
changes
    :func:`change_vs_levels`: each printed mean change against its own levels;
    :func:`implied_r`: the pre-post correlation printed change SDs imply (|r| > 1 is
    impossible).
claims
    :func:`claims`: every statement of ``reported.csv`` checked against the data.
restated
    :func:`restated`: one number printed twice (table and abstract) with values that cannot
    both be right.
balance
    :func:`se_as_sd` (SEs printed as SDs), :func:`baseline_balance` (Carlisle 2017).
report
    :func:`check`: all of the above that apply to a trial, as one table.

Reported numbers are read as printed: give means and SDs as strings ("5.10" has two
decimals, "5.1" one). Rounding schemes are listed in ``ROUNDING_SCHEMES``.

>>> from trialkit.checks import grim
>>> bool(grim("5.19", 28).consistent.iloc[0])
False
"""

from __future__ import annotations

from trialkit.checks._numbers import ROUNDING_ALIASES, ROUNDING_SCHEMES
from trialkit.checks.balance import baseline_balance
from trialkit.checks.bounds import check_sd_bounds, sd_bounds
from trialkit.checks.changes import change_vs_levels, implied_r
from trialkit.checks.claims import VERDICTS, claims
from trialkit.checks.grim import grim, grim_consistent
from trialkit.checks.grimmer import grimmer, grimmer_consistent
from trialkit.checks.pvalues import DEFAULT_R_VALUES, recompute_p
from trialkit.checks.report import check
from trialkit.checks.restated import restated
from trialkit.checks.rsolve import solve_r
from trialkit.checks.sprite import SpriteResult, plot_sprite, sprite
from trialkit.checks.standard_errors import se_as_sd
from trialkit.checks.statcheck import statcheck

__all__ = [
    "DEFAULT_R_VALUES",
    "ROUNDING_ALIASES",
    "ROUNDING_SCHEMES",
    "VERDICTS",
    "SpriteResult",
    "baseline_balance",
    "change_vs_levels",
    "check",
    "check_sd_bounds",
    "claims",
    "grim",
    "grim_consistent",
    "grimmer",
    "grimmer_consistent",
    "implied_r",
    "plot_sprite",
    "recompute_p",
    "restated",
    "sd_bounds",
    "se_as_sd",
    "solve_r",
    "sprite",
    "statcheck",
]
