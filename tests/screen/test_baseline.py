"""baseline_p against reappraised 0.1.1 on its shipped Saitoh / Bolland data sets, and closed
forms by hand. Reference outputs: tests/reference/screen_reappraised.R ->
tests/reference/screen_reappraised_out/."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from across_refs import OUT, cat_all_levels, frame, pvals_cont, split_trials

from trialkit.errors import TrialDataError
from trialkit.screen.baseline import baseline_p, combine_baseline_p, partial_baseline_p


def test_continuous_p_matches_reappraised_pval_cont_fn():
    # reappraised's pval_cont_fn (lm on pseudo data with each arm's n, mean, SD) printed to 3
    # decimals, column "p-value_calc_from_summary_stats", for all 50 variables of
    # SI_pvals_cont (49 two-arm t tests and 3-arm ANOVAs).
    got = baseline_p(pvals_cont())
    ref = pd.read_csv(OUT / "pval_cont_calculated.csv")
    m = got.merge(ref, left_on=["trial", "variable"], right_on=["study", "variable"])
    assert len(m) == len(ref) == 50
    assert (m["k_arms"] == 3).any()
    assert np.abs(m["p"] - m["p-value_calc_from_summary_stats"]).max() <= 0.0005 + 1e-12
    assert (m["p_low"] <= m["p"] + 1e-12).all() and (m["p"] <= m["p_high"] + 1e-12).all()
    # the reported p travels with its variable (SI_pvals_cont H3 "Intact side": 0.68)
    row = got[(got.trial == "H3") & (got.variable == "Intact side")].iloc[0]
    assert row["reported_p"] == 0.68


def test_two_arm_rounding_box_by_hand():
    # H2 "Age (years)": 65.6 (7.3) vs 66.3 (6.0), n = 54 each; one decimal, so means move by
    # up to 0.05 and SDs by 0.05. By hand: sp^2 = (7.3^2 + 6^2)/2 = 44.645;
    # t = 0.7 / sqrt(44.645 * 2/54) = 0.544 on 106 df, p = 0.587 (scipy t sf below):
    from scipy import stats
    rows = pvals_cont()
    got = baseline_p(rows[(rows.trial == "H2") & (rows.variable == "Age (years)")]).iloc[0]
    def p(d, s1, s2):
        sp = math.sqrt((s1**2 + s2**2) / 2)
        return 2 * stats.t.sf(d / (sp * math.sqrt(2 / 54)), 106)
    assert got["p"] == pytest.approx(p(0.7, 7.3, 6.0), rel=1e-9)
    assert got["p_low"] == pytest.approx(p(0.8, 7.25, 5.95), rel=1e-9)
    assert got["p_high"] == pytest.approx(p(0.6, 7.35, 6.05), rel=1e-9)
    assert got["p"] == pytest.approx(0.587, abs=5e-4)  # reappraised, 3 decimals


def test_categorical_p_matches_reappraised_cat_all_fn():
    # cat_all_fn(comp.pvals = "yes", fisher.sim = "n"): its "chisquare" column (Pearson, no
    # correction) is printed to the reported p's decimals, its "fisher" column likewise.
    got = baseline_p(cat_all_levels())
    ref = pd.read_csv(OUT / "cat_all_pvals_cat_all_pvals.csv", dtype={"reported_p_value": str})
    m = got.merge(ref, left_on=["trial", "variable"], right_on=["study", "variable"])
    assert len(m) == 45
    for _, r in m.iterrows():
        text = str(r["reported_p_value"])
        dec = len(text.split(".")[1]) if "." in text and text[0].isdigit() else 3
        tol = 0.5 * 10.0 ** -dec + 1e-9
        col = "fisher" if r["method"].startswith("fisher") else "chisquare"
        assert abs(r["p"] - r[col]) <= tol, (r["trial"], r["variable"], r["p"], r[col])
    # Fisher's exact test where an expected count is below 5 (H26 Gender, H28 Radius)
    fisher = m[m["method"].str.startswith("fisher")]
    pairs = set(zip(fisher.trial, fisher.variable, strict=True))
    assert pairs >= {("H26", "Gender"), ("H28", "Radius")}
    assert (m["k_arms"] == 3).sum() == 4


def test_chi_square_by_hand():
    # 2 x 2 table [[30, 20], [20, 30]]: X^2 = 100 (30*30 - 20*20)^2 / (50^4) = 4.0,
    # p = P(chi2_1 > 4) = 0.0455003 (erfc(sqrt(2))).
    rows = frame([{"trial": "T", "variable": "v", "arm": a, "timepoint": "",
                   "kind": "categorical", "n": 50, "mean": math.nan, "sd": math.nan,
                   "mean_text": "", "sd_text": "", "mean_decimals": -1, "sd_decimals": -1,
                   "count": c, "percent": math.nan, "reported_p": math.nan, "file": "f"}
                  for a, c in (("a", 30.0), ("b", 20.0))])
    got = baseline_p(rows).iloc[0]
    assert got["p"] == pytest.approx(math.erfc(math.sqrt(2)), rel=1e-9)
    assert got["method"] == "chi2_pearson/counts"
    # everyone in the category: cannot be tested
    rows2 = rows.assign(count=50.0)
    got2 = baseline_p(rows2).iloc[0]
    assert math.isnan(got2["p"]) and got2["method"].startswith("cannot_check")


def test_partial_and_combine_are_exact_over_any_split():
    rows = pd.concat([pvals_cont(), cat_all_levels()], ignore_index=True)
    whole = baseline_p(rows)
    pd.testing.assert_frame_equal(whole, combine_baseline_p(partial_baseline_p(rows)))
    a, b = split_trials(rows)
    pieces = pd.concat([partial_baseline_p(b), partial_baseline_p(a)], ignore_index=True)
    pd.testing.assert_frame_equal(whole, combine_baseline_p(pieces))


def test_bad_kind_names_row():
    rows = pvals_cont().head(2).assign(kind="ordinal")
    with pytest.raises(TrialDataError, match="row 1: field 'kind'"):
        baseline_p(rows)


def test_carlisle_monte_carlo_p_matches_anova_fn_within_simulation_error():
    # reappraised's anova_fn (Carlisle & Loadsman 2017's Monte Carlo ANOVA, ties counted
    # half), 3,000 simulations in R (tests/reference/screen_carlisle_anova.R) against 3,000
    # here: a Monte Carlo p has SE <= sqrt(0.25 / 3000) = 0.0091 in each, 0.0129 for the
    # difference; bound 4 SE = 0.052 for each of the 50 variables.
    ref = pd.read_csv(Path(__file__).parents[1] / "reference" / "screen_carlisle_anova_out.csv")
    got = baseline_p(pvals_cont(), sims=3000, seed=4)
    m = got.merge(ref, left_on=["trial", "variable"], right_on=["study", "var"])
    assert len(m) == 50
    diff = (m["p_carlisle"] - m["pvalue_anova"]).abs()
    assert diff.max() < 0.052 and diff.mean() < 0.02
    assert baseline_p(pvals_cont())["p_carlisle"].isna().all()  # sims = 0: not computed
    a, b = split_trials(pvals_cont())
    pieces = pd.concat([partial_baseline_p(b, sims=200, seed=1),
                        partial_baseline_p(a, sims=200, seed=1)], ignore_index=True)
    pd.testing.assert_frame_equal(baseline_p(pvals_cont(), sims=200, seed=1),
                                  combine_baseline_p(pieces))


def test_continuous_without_spread_cannot_be_checked():
    rows = pvals_cont()
    one = rows[(rows.trial == "H2") & (rows.variable == "Finger")].assign(sd=0.0, mean=3.0)
    got = baseline_p(one).iloc[0]
    assert math.isnan(got["p"])
    assert got["method"] == "cannot_check/no_within_arm_spread_or_missing_numbers"
