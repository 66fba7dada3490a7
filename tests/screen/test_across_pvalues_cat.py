"""pvalue_distribution(which="calculated", kind="categorical"): the simulated null of
baseline p values from categorical summary data, against an independent base-R simulation
(tests/reference/screen_pvalue_cat_null.R -> screen_pvalue_cat_null_out.csv), reappraised
0.1.1's pval_cat_fn p values (screen_pvalue_cat_reappraised_p.csv, same script) and a null
enumerated by hand."""

from __future__ import annotations

import math
from itertools import product
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from across_refs import _row, cat_all_levels, frame, split_trials

from trialkit.screen.across.pvalues import (
    combine_pvalue_distribution,
    partial_pvalue_distribution,
    pvalue_distribution,
)
from trialkit.screen.across.pvalues_cat import categorical_p_many, fisher_2x2_many
from trialkit.screen.baseline import fisher_2x2

REF = Path(__file__).resolve().parents[1] / "reference"


def _cat(trial: str, variable: str, ns: list[int], counts: list[float],
         percents: list[float] | None = None) -> list[dict]:
    return [_row(trial, variable, f"g{i}", n, kind="categorical", count=c,
                 percent=math.nan if percents is None else percents[i])
            for i, (n, c) in enumerate(zip(ns, counts, strict=True))]


def test_null_matches_independent_r_simulation():
    # Summed over SI_cat_all's 45 two-level variables (24 trials), the expected number of p
    # values per decile: base R, 20,000 simulations per variable, vs trialkit, 4,000.
    # Variables are independent, so the SE of a decile's total is sqrt(sum_j q_j (1 - q_j)
    # / S) <= sqrt(E / S), E the total itself; the two simulations combined give
    # sqrt(E (1/4000 + 1/20000)), and the bound is 4.5 of those (for E = 6.8: 0.20).
    r = pd.read_csv(REF / "screen_pvalue_cat_null_out.csv")
    ref = r[[f"d{i}" for i in range(1, 11)]].sum().to_numpy()
    got = pvalue_distribution(cat_all_levels(), kind="categorical", sims=4000, seed=7)
    tol = 4.5 * np.sqrt(ref * (1 / 4000 + 1 / 20000))
    assert np.all(np.abs(got["expected"].to_numpy() - ref) < tol)
    # R: 4.18 4.27 4.18 4.25 4.45 4.02 4.53 4.02 4.26 6.83: not uniform (4.5 each), the
    # last decile holds the tables Fisher's test or discreteness puts at p near 1
    assert got["expected"].iloc[9] > 6.0
    # mean null p (R 0.52907): SE < sqrt(0.25 / (45 S)) = 0.0012 for S = 4000
    assert 1 - got["auc_expected"].iloc[0] == pytest.approx(r["mean_p"].mean(), abs=0.005)
    # the observed p are R's chisq.test / fisher.test p (decile counts 0 0 0 1 2 6 7 8 12 9)
    assert got["observed"].tolist() == [0, 0, 0, 1, 2, 6, 7, 8, 12, 9]
    assert got["n_variables"].iloc[0] == 45 and got["n_trials"].iloc[0] == 24
    assert got["auc"].iloc[0] == pytest.approx(1 - r["p_obs"].mean(), abs=1e-12)
    assert math.isnan(got["p_reference"].iloc[0])  # Carlisle's deciles are continuous
    assert "binomial_null" in got["method"].iloc[0]


def test_observed_p_are_reappraised_chi_fish_p():
    # pval_cat_fn(stat = "chi_fish", fisher.sim = "n"): its p per variable
    ref = pd.read_csv(REF / "screen_pvalue_cat_reappraised_p.csv")
    pieces = partial_pvalue_distribution(cat_all_levels(), kind="categorical", sims=10)
    p = np.sort(np.concatenate([np.asarray(t) for t in pieces["p_values"]]))
    want = np.sort(ref["p-value_calc_from_summary_stats"].to_numpy(float))
    np.testing.assert_allclose(p, want, rtol=1e-12, atol=1e-14)


def test_two_by_two_of_two_patients_per_arm_by_hand():
    # Arms of 2 with 1 in the category each: P = 1/2, counts a, b ~ Binomial(2, 1/2)
    # independently, Pr(a, b) = C(2,a) C(2,b) / 16. Every expected count is < 5, so Fisher.
    # Totals t = 0 or 4: nobody / everybody, p = 1 (2/16). t = 1 or 3: the hypergeometric
    # puts 1/2 on each table, p = 1 (8/16). t = 2: Pr(a | t) = 1/6, 4/6, 1/6 for a = 0, 1,
    # 2, so p = 1/3 for (0, 2) and (2, 0) (2/16) and p = 1 for (1, 1) (4/16).
    # Null: Pr(p = 1/3) = 1/8 (decile 4), Pr(p = 1) = 7/8 (decile 10); mean p = 11/12.
    rows = frame(_cat("T", "x", [2, 2], [1, 1]))
    sims = 40000
    got = pvalue_distribution(rows, kind="categorical", sims=sims, seed=3)
    exp = got["expected"].to_numpy()
    se = math.sqrt(0.125 * 0.875 / sims)  # 0.0017
    assert exp[3] == pytest.approx(0.125, abs=4.5 * se)
    assert exp[9] == pytest.approx(0.875, abs=4.5 * se)
    assert exp[[0, 1, 2, 4, 5, 6, 7, 8]].sum() == 0
    # SD of p is (2/3) sqrt(1/8 * 7/8) = 0.2205
    assert got["auc_expected"].iloc[0] == pytest.approx(1 / 12, abs=4.5 * 0.2205 / 200)
    # the observed (1, 1) has p = 1: AUC 0, as far from 1/12 as 1 - 11/12 allows; the
    # simulated sets at least as far (p = 1 is at 1/12, p = 1/3 at 7/12): all of them
    assert got["observed"].tolist() == [0] * 9 + [1]
    assert got["p_auc"].iloc[0] == pytest.approx(1.0)


def test_vectorized_p_equal_baseline_p_on_every_small_table():
    # every 2 x 2 with arms of 3 and 4, and every 3-arm table with arms 2, 2, 3: the
    # vectorized p equal baseline_p's (its fisher_2x2 and chi-squared) one table at a time
    from trialkit.screen.baseline import baseline_p

    for ns in ([3, 4], [2, 2, 3], [9, 12]):
        tables = np.array(list(product(*[range(n + 1) for n in ns])), float)
        many = categorical_p_many(tables, np.array(ns, float), np.array([0]),
                                  np.array([len(ns)]))[:, 0]
        recs = [r for i, c in enumerate(tables) for r in _cat("T", f"v{i:04d}", ns, list(c))]
        one = baseline_p(frame(recs), categorical="exact")["p"].to_numpy(float)
        nan = np.isnan(one)  # nobody or everybody in the category: p = 1 in the null
        np.testing.assert_allclose(many[~nan], one[~nan], rtol=1e-12)
        assert np.all(many[nan] == 1.0)
    a = np.arange(0, 6)
    got = fisher_2x2_many(a, np.full(6, 5), 5, 7)
    want = [fisher_2x2(int(x), 5 - int(x), 5 - int(x), 2 + int(x)) for x in a]
    np.testing.assert_allclose(got, want, rtol=1e-12)


def test_percentages_give_the_counts_they_round_to():
    # 30% of 20 and 45% of 20 are the counts 6 and 9
    by_count = frame(_cat("T", "x", [20, 20], [6, 9]))
    by_pct = frame(_cat("T", "x", [20, 20], [math.nan, math.nan], [30.0, 45.0]))
    a = pvalue_distribution(by_count, kind="categorical", sims=300, seed=2)
    b = pvalue_distribution(by_pct, kind="categorical", sims=300, seed=2)
    pd.testing.assert_frame_equal(a, b)


def test_variables_nobody_has_are_left_out():
    rows = frame(_cat("T", "x", [10, 10], [0, 0]) + _cat("T", "y", [10, 10], [3, 5]))
    got = pvalue_distribution(rows, kind="categorical", sims=100, seed=2)
    assert got["n_variables"].iloc[0] == 1
    assert got["expected"].sum() == pytest.approx(1.0)


def test_split_exact_and_deterministic():
    rows = cat_all_levels()
    kw = {"which": "calculated", "kind": "categorical", "sims": 300, "seed": 5}
    whole = pvalue_distribution(rows, **kw)
    pd.testing.assert_frame_equal(whole, pvalue_distribution(rows, **kw))
    a, b = split_trials(rows)
    pieces = pd.concat([partial_pvalue_distribution(b, **kw),
                        partial_pvalue_distribution(a, **kw)], ignore_index=True)
    pd.testing.assert_frame_equal(whole, combine_pvalue_distribution(pieces))


def test_bad_kind():
    from trialkit.errors import TrialDataError

    with pytest.raises(TrialDataError, match="kind="):
        pvalue_distribution(cat_all_levels(), kind="binary")


def test_plot_of_categorical_distribution():
    # the figure names the categorical null and draws the categorical p values' ECDF
    import matplotlib

    matplotlib.use("Agg")
    from trialkit.plots import screen as P
    from trialkit.screen.baseline import baseline_p

    rows = cat_all_levels()
    dist = pvalue_distribution(rows, kind="categorical", sims=50, seed=1)
    assert dist["kind"].iloc[0] == "categorical"
    ax = P.pvalue_cdf(dist, baseline_p(rows, categorical="exact"))
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "expected: simulated binomial null" in labels
    step = ax.lines[1].get_xdata()
    assert len(step) == 45 + 2  # 45 p values plus the ends at 0 and 1
