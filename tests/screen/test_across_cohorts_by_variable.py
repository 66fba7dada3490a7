"""cohort_matches_by_variable against reappraised 0.1.1's cohort_fn per-variable p (its
cohort_prob_data) on SI_cohort with 4000 simulations (tests/reference/
screen_cohort_by_variable.R -> screen_cohort_by_variable_out.csv, printed output in
screen_cohort_by_variable_out.txt), and reappraised's median rule worked by hand."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from across_refs import cohort, split_trials

from trialkit.screen.across.cohorts import (
    cohort_matches,
    cohort_matches_by_variable,
    combine_cohort_matches_by_variable,
    median_tail_p,
    partial_cohort_matches_by_variable,
)

REF = pd.read_csv(Path(__file__).resolve().parents[1] / "reference"
                  / "screen_cohort_by_variable_out.csv")
COLS = {"mean": ("p_mean", "mean_matches"), "sd": ("p_sd", "sd_matches"),
        "both": ("p_both", "both_matches")}
SIMS = 4000


@pytest.fixture(scope="module")
def got() -> pd.DataFrame:
    return cohort_matches_by_variable(cohort(), sims=SIMS, seed=3)


def test_observed_matches_are_cohort_fns(got):
    # cohort_prob_data "N (%)": the number of cohorts with a matching value (exact)
    for stat, (_, col) in COLS.items():
        for _, r in REF.iterrows():
            row = got[(got.statistic == stat) & (got.variable == r["variable"])].iloc[0]
            assert row["matches"] == int(str(r[col]).split(" ")[0]), (stat, r["variable"])


def _printed(text: str) -> tuple[float, float]:
    """cohort_fn's printed p and half a unit of its last decimal ("<0.001" -> 0 to
    0.001)."""
    if text == "<0.001":
        return 0.0005, 0.0005
    if text == ">0.99":
        return 0.995, 0.005
    decimals = len(text.split(".")[1]) if "." in text else 0
    return float(text), 0.5 * 10.0 ** -decimals


def test_p_within_monte_carlo_error_of_cohort_fn(got):
    # Both sides use 4000 simulations: the SE of the difference of two independent shares
    # is sqrt(p (1 - p) (1/4000 + 1/4000)) (p floored at 0.01 so the bound is not zero),
    # the bound is 4.5 of those plus half a unit of the decimal cohort_fn printed.
    # PTH is left out: 2 of its 10 cohorts print no SD, and cohort_fn's weighted SD
    # (sum(s * n, na.rm = TRUE) / sum(n)) divides by all 10 cohorts' n, giving a
    # population SD of 8.9 where the 8 cohorts with an SD average 11.8 (trialkit's); its
    # simulated cohorts then match far more often (sd: R 0.18, here 0.46). The other
    # variables with one cohort without an SD move by less than the bound.
    checked = 0
    for stat, (col, _) in COLS.items():
        for _, r in REF[REF["variable"] != "PTH"].iterrows():
            p_r, half = _printed(str(r[col]))
            p = got[(got.statistic == stat) & (got.variable == r["variable"])]["p"].iloc[0]
            q = max(p_r, 0.01)
            bound = 4.5 * np.sqrt(q * (1 - q) * 2 / SIMS) + half
            assert abs(p - p_r) < bound, (stat, r["variable"], p, p_r)
            checked += 1
    assert checked == 27


def test_median_rule_by_hand():
    # 100 sims: 0 matches 30, 2 matches 25, 3 matches 25, 5 matches 20. Cumulative 30, 55,
    # 80, 100 (positions 0, 2, 3, 5): |. - 50| = 20, 5, 30, 50, so the median is 2.
    sim = np.array([0] * 30 + [2] * 25 + [3] * 25 + [5] * 20)
    assert median_tail_p(5, sim) == (0.2, "more", 2)      # P(X >= 5)
    assert median_tail_p(3, sim) == (0.45, "more", 2)     # P(X >= 3), ties included
    assert median_tail_p(0, sim) == (0.3, "fewer", 2)     # P(X <= 0)
    # at the median: P(X <= 2) = 0.55 < P(X >= 2) = 0.70 -> the lower tail P(X <= 2)
    assert median_tail_p(2, sim) == (0.55, "fewer", 2)
    # more than every simulation: 0 shown as 1 / sims (reappraised prints it so)
    assert median_tail_p(7, sim) == (0.01, "more", 2)
    # all simulations at one value 4: every position's |cumsum - 50| = 50, the first
    # (0 matches) is reappraised's median; observed 4 -> P(X >= 4) = 1
    assert median_tail_p(4, np.full(100, 4)) == (1.0, "more", 0)
    # 25/50/25 at 0, 2, 3: cumulative 25, 75 are equally far from 50, the first wins:
    # median 0, and 2 matches are "more", P(X >= 2) = 0.75
    sym = np.array([0] * 25 + [2] * 50 + [3] * 25)
    assert median_tail_p(2, sym) == (0.75, "more", 0)
    # equal tails at the median, P(X <= med) = P(X >= med), force F(med) + F(med-) = 1, a
    # tie with the position before, which wins; so it happens only when every simulation
    # and the observation are 0 (reappraised: NA): p = 1
    assert median_tail_p(0, np.zeros(100, int)) == (1.0, "more", 0)
    assert median_tail_p(0, np.array([0] * 50 + [2] * 50)) == (0.5, "fewer", 0)


def test_same_simulations_as_cohort_matches(got):
    # sum over variables of the mean simulated matches = sum_k k * expected_k
    whole = cohort_matches(cohort(), sims=SIMS, seed=3)
    for stat in ("mean", "sd", "both"):
        w = whole[whole.statistic == stat]
        assert (w["matches"] * w["expected"]).sum() == pytest.approx(
            got[got.statistic == stat]["expected_matches"].sum(), rel=1e-12)


def test_split_exact():
    rows = cohort()
    whole = cohort_matches_by_variable(rows, sims=300, seed=9)
    a, b = split_trials(rows)
    pieces = pd.concat([partial_cohort_matches_by_variable(b),
                        partial_cohort_matches_by_variable(a)], ignore_index=True)
    pd.testing.assert_frame_equal(whole, combine_cohort_matches_by_variable(
        pieces, sims=300, seed=9))
    assert whole["p"].between(1 / 300, 1).all()
