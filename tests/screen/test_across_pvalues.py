"""pvalue_distribution against reappraised 0.1.1's pval_cont_fn on SI_pvals_cont (stored in
tests/reference/screen_reappraised_out/) and an independent base-R simulation of the
rounding null (tests/reference/screen_pvalue_null.R -> screen_pvalue_null_out.csv)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from across_refs import OUT, pvals_cont, split_trials

from trialkit.errors import TrialDataError
from trialkit.screen.across.pvalues import (
    auc_trapezoid,
    combine_pvalue_distribution,
    decile,
    partial_pvalue_distribution,
    pvalue_distribution,
)

NULL_OUT = Path(__file__).resolve().parents[1] / "reference" / "screen_pvalue_null_out.csv"


def _deciles(which: str) -> pd.DataFrame:
    d = pd.read_csv(OUT / "pval_cont_deciles.csv")
    return d[d["which"] == which].reset_index(drop=True)


def test_reported_p_against_uniform_matches_reappraised():
    # pval_cont_fn: 10 reported p in 6 trials; decile counts 0,0,0,0,0,0,2,2,4,2;
    # chisq.test(Freq, p = rep(0.1, 10)) p = 0.03517354; label "AUC 0.17".
    got = pvalue_distribution(pvals_cont(), which="reported", sims=999, seed=4)
    ref = _deciles("reported")
    assert got["observed"].tolist() == ref["Freq"].tolist()
    assert got["n_variables"].iloc[0] == 10 and got["n_trials"].iloc[0] == 6
    assert got["p"].iloc[0] == pytest.approx(ref["p_XS"].iloc[0], rel=1e-6)
    assert round(got["auc_trapezoid"].iloc[0], 2) == 0.17
    assert np.allclose(got["expected"], 1.0) and got["auc_expected"].iloc[0] == 0.5
    # auc = 1 - mean(p) by hand from SI_pvals_cont's 10 reported p values
    p = pvals_cont().groupby(["trial", "variable"])["reported_p"].first().dropna()
    assert got["auc"].iloc[0] == pytest.approx(1 - p.mean(), rel=1e-12)
    # the Monte Carlo p counts ties as extreme and is never 0: (1 + #) / (1 + sims)
    assert got["p_auc"].iloc[0] >= 1 / 1000


def test_calculated_p_matches_reappraised_and_its_reference_deciles():
    # pval_cont_fn on the 50 p values calculated from summary data: decile counts
    # 6,3,2,5,4,5,6,4,7,8; against Carlisle's reference proportions p = 0.7448193;
    # label "AUC 0.44".
    got = pvalue_distribution(pvals_cont(), which="calculated", sims=400, seed=2)
    ref = _deciles("calculated")
    assert got["observed"].tolist() == ref["Freq"].tolist()
    assert got["p_reference"].iloc[0] == pytest.approx(ref["p_XS_ref"].iloc[0], rel=1e-6)
    assert round(got["auc_trapezoid"].iloc[0], 2) == 0.44
    assert got["n_trials"].iloc[0] == 30


def test_simulated_null_matches_independent_r_simulation():
    # Expected decile proportions (summed over the 50 variables, divided by 50): base R with
    # 20,000 draws per variable vs trialkit with 4,000. Each total proportion's SE is at
    # most sqrt(0.25 / (50 * S)): 0.00112 (S = 4000) and 0.00050 (S = 20000), combined
    # 0.00123; the bound below is 4.5 combined SEs.
    got = pvalue_distribution(pvals_cont(), which="calculated", sims=4000, seed=7)
    r = pd.read_csv(NULL_OUT)
    ref = r[[f"d{i}" for i in range(1, 11)]].sum().to_numpy() / 50
    assert np.abs(got["expected"].to_numpy() / 50 - ref).max() < 0.0055
    # mean p under the null: SE of the mean of 50 x S uniform-ish p < 0.29/sqrt(50 S)
    assert 1 - got["auc_expected"].iloc[0] == pytest.approx(r["mean_p"].mean(), abs=0.0025)
    # the decile test against the simulated null and the uniform-free ECDF area
    assert 0.0 < got["p"].iloc[0] <= 1.0 and 0.0 < got["p_auc"].iloc[0] <= 1.0


def test_unrounded_variables_give_uniform_null():
    # With 6 decimals shown rounding does not matter, so the simulated null is uniform
    # (Bolland 2019): each decile 0.1 of the p values, within 4 SE = 4 sqrt(0.09 / S).
    rows = pvals_cont()
    rows = rows.assign(mean_decimals=6, sd_decimals=6)
    got = pvalue_distribution(rows, which="calculated", sims=2000, seed=3)
    prop = got["expected"].to_numpy() / got["n_variables"].iloc[0]
    assert np.abs(prop - 0.1).max() < 4 * math.sqrt(0.09 / (2000 * 50))


def test_deciles_are_right_closed_and_trapezoid_by_hand():
    # cut(c(0, 0.1, 0.1000001, 1), seq(0, 1, 0.1)) puts 0.1 in (0, 0.1]: bins 1, 1, 2, 10
    assert decile(np.array([0.0, 0.1, 0.1000001, 1.0])).tolist() == [0, 0, 1, 9]
    # p = 0.2, 0.6: points (0,0), (0.2,0.5), (0.6,1): 0.2*0.25 + 0.4*0.75 = 0.35
    assert auc_trapezoid(np.array([0.6, 0.2])) == pytest.approx(0.35)


@pytest.mark.parametrize("which", ["calculated", "reported"])
def test_partial_and_combine_are_exact_over_any_split(which):
    rows = pvals_cont()
    whole = pvalue_distribution(rows, which=which, sims=300, seed=5)
    kw = {"which": which, "sims": 300, "seed": 5}
    pd.testing.assert_frame_equal(
        whole, combine_pvalue_distribution(partial_pvalue_distribution(rows, **kw)))
    a, b = split_trials(rows)
    pa, pb = partial_pvalue_distribution(a, **kw), partial_pvalue_distribution(b, **kw)
    pieces = pd.concat([pb, pa], ignore_index=True)
    pd.testing.assert_frame_equal(whole, combine_pvalue_distribution(pieces))


def test_bad_which():
    with pytest.raises(TrialDataError, match="which="):
        pvalue_distribution(pvals_cont(), which="both")
