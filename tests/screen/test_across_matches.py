"""matches and cohort_matches against reappraised 0.1.1's match_fn (SI_pvals_cont) and
cohort_fn (SI_cohort, vignette call seed 10, sims 100), stored in
tests/reference/screen_reappraised_out/; binomial p values from R's binom.test."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from across_refs import OUT, cohort, pvals_cont, split_trials

from trialkit.screen.across._common import compress, sig_digits
from trialkit.screen.across.cohorts import (
    cohort_matches,
    combine_cohort_matches,
    partial_cohort_matches,
)
from trialkit.screen.across.matches import combine_matches, matches, partial_matches


def _cell(m: pd.DataFrame, stat: str, digits: str) -> pd.Series:
    return m[(m.statistic == stat) & (m.sig_digits == digits)].iloc[0]


def test_matches_reproduce_match_fn_table():
    # match_fn(SI_pvals_cont) match_table: 27 trials, 46 two-arm variables; means by
    # significant digits 1 (2.2%), 15, 25, 5; SDs 5, 32, 9, 0; matching: means 10.9% (all),
    # 0.0, 20.0, 8.0, 0.0; SDs 10.9, 20.0, 12.5, 0.0; both 2.2, 0.0, 3.2, 0.0.
    m = matches(pvals_cont())
    assert _cell(m, "mean", "all")["n_trials"] == 27
    assert [_cell(m, "mean", d)["n_variables"] for d in "12345"] == [1, 15, 25, 5, 0]
    assert [_cell(m, "sd", d)["n_variables"] for d in "12345"] == [5, 32, 9, 0, 0]
    for stat, pcts in {"mean": [10.9, 0.0, 20.0, 8.0, 0.0], "sd": [10.9, 20.0, 12.5, 0.0],
                       "both": [2.2, 0.0, 3.2, 0.0]}.items():
        got = [_cell(m, stat, d)["percent"] for d in ["all", "1", "2", "3", "4"][:len(pcts)]]
        assert [round(x, 1) for x in got] == pcts
    # expected from Bolland 2021's reference percent: 15 x 20.6% = 3.09 means
    assert _cell(m, "mean", "2")["expected"] == pytest.approx(3.09)
    # R: binom.test(2, 25, 0.075)$p.value = 0.7113292; binom.test(1, 5, 0.405) = 0.6544897;
    # binom.test(4, 32, 0.116) = 0.7832439; binom.test(1, 31, 0.027) = 0.5719465
    assert _cell(m, "mean", "3")["p"] == pytest.approx(0.7113292, abs=1e-7)
    assert _cell(m, "sd", "1")["p"] == pytest.approx(0.6544897, abs=1e-7)
    assert _cell(m, "sd", "2")["p"] == pytest.approx(0.7832439, abs=1e-7)
    assert _cell(m, "both", "2")["p"] == pytest.approx(0.5719465, abs=1e-7)
    # a single binomial group with k = 0: P(X = 0) = (1 - 0.664)^1 = 0.336 is the whole p
    assert _cell(m, "mean", "1")["p"] == pytest.approx(0.336)


def test_matches_per_variable_flags_agree_with_match_fn():
    # match_fn's match_data: 5 mean matches, 5 SD matches, 1 both
    ref = pd.read_csv(OUT / "match_data.csv")
    m = matches(pvals_cont())
    assert _cell(m, "mean", "all")["matches"] == ref["means_match"].sum() == 5
    assert _cell(m, "sd", "all")["matches"] == ref["sd_match"].sum() == 5
    assert _cell(m, "both", "all")["matches"] == ref["both_mean_sd_match"].sum() == 1


def test_sig_digits_rule():
    # reappraised: format, drop ".", strip leading/trailing zeros
    assert [sig_digits(x) for x in (65.6, 0.07, 150.0, 2.584, 6.0)] == [3, 1, 2, 4, 1]
    assert sig_digits(4.5, "4.50") == 2  # same rule on printed text


def test_matches_split_exact():
    rows = pvals_cont()
    whole = matches(rows)
    a, b = split_trials(rows)
    pieces = pd.concat([partial_matches(b), partial_matches(a)], ignore_index=True)
    pd.testing.assert_frame_equal(whole, combine_matches(pieces))
    pd.testing.assert_frame_equal(whole, combine_matches(partial_matches(rows)))


def test_cohort_observed_matches_reproduce_cohort_fn():
    # cohort_fn(SI_cohort) cohort_oe_data, observed numbers of variables with 0..10
    # matching cohorts: means 2,0,2,1,2,0,2,0,1,0,0; SDs 1,0,1,1,4,1,2,0,0,0,0;
    # both 3,0,2,2,2,0,1,0,0,0,0 (exact, no simulation involved).
    ref = pd.read_csv(OUT / "cohort_cohort_oe_data.csv")
    got = cohort_matches(cohort(), sims=2000, seed=3)
    for stat, col in (("mean", "ob_m"), ("sd", "ob_s"), ("both", "ob_ms")):
        g = got[got.statistic == stat].set_index("matches")["observed"]
        r = ref.set_index("freq")[col]
        assert all(g.get(k, 0) == r[k] for k in r.index), stat


def test_cohort_expected_within_simulation_error_of_cohort_fn():
    # cohort_fn's expected numbers come from 100 simulations (seed 10). For one frequency the
    # expected count is a sum over 10 variables of indicator means, SE <= sqrt(10 x 0.25 /
    # 100) = 0.158 for R and sqrt(10 x 0.25 / 2000) = 0.035 here: combined 0.162; bound
    # 4.5 SE = 0.73. (reappraised's SD average divides by every cohort's n, including those
    # without an SD; trialkit only by those with one: a small difference of model.)
    ref = pd.read_csv(OUT / "cohort_cohort_oe_data.csv").set_index("freq")
    got = cohort_matches(cohort(), sims=2000, seed=3)
    for stat, col in (("mean", "exp_m"), ("sd", "exp_s"), ("both", "exp_ms")):
        g = got[got.statistic == stat].set_index("matches")["expected"]
        for k in ref.index:
            assert abs(g.get(k, 0.0) - ref.loc[k, col]) < 0.73, (stat, k)
        assert g.sum() == pytest.approx(10.0)  # every variable counted once per simulation
    both = got[got.statistic == "both"]
    assert both["bin"].iloc[0] == "0" and 0 < both["p"].iloc[0] < 0.05  # R: 0.0392


def test_compress_matches_reappraised_bins():
    # sr_fn(SI_cat) sr_data: the first bins close at 0-4 (expected 6.547), 5-10, then 11+
    sr = pd.read_csv(OUT / "sr_data.csv")
    groups = compress(sr["obs"].to_numpy(float), sr["exp"].to_numpy(float), 5)
    assert [(a, b) for a, b, _, _ in groups][:2] == [(0, 4), (5, 10)]
    assert groups[0][3] == pytest.approx(6.5467000945211, rel=1e-9)
    assert groups[0][2] == 18 and math.isclose(groups[2][3], 6.56867338952664, rel_tol=1e-9)


def test_cohort_split_exact():
    rows = cohort()
    whole = cohort_matches(rows, sims=200, seed=9)
    a, b = split_trials(rows)
    pieces = pd.concat([partial_cohort_matches(b), partial_cohort_matches(a)],
                       ignore_index=True)
    pd.testing.assert_frame_equal(whole, combine_cohort_matches(pieces, sims=200, seed=9))
