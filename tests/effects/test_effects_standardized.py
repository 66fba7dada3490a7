"""smd against metafor's escalc and R effectsize's printed values."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from effects_refdata import MTCARS_BY_AM, NORMAND1999

from trialkit.effects import smd


def test_hedges_g_matches_metafor_smd_normand1999():
    d = NORMAND1999
    res = smd(d["m1"], d["sd1"], d["n1"], d["m2"], d["sd2"], d["n2"])
    # metafor tests/testthat/test_misc_escalc.r, "escalc() works correctly for
    # measure='SMD/SMDH/ROM'": escalc(measure="SMD", ..., data=dat.NORMAND1999, subset=1:4)
    # expects yi = c(-0.3552, -0.3479, -2.3176, -1.8880), vi = c(0.0131, 0.0645, 0.0458, 0.1606).
    np.testing.assert_allclose(res.estimate, [-0.3552, -0.3479, -2.3176, -1.8880], atol=5e-5)
    np.testing.assert_allclose(res["var"], [0.0131, 0.0645, 0.0458, 0.1606], atol=5e-5)
    assert (res.method == "hedges_g/exact_J/nct_ci/var=LS").all()


def test_bonett_matches_metafor_smdh_normand1999():
    d = NORMAND1999
    res = smd(d["m1"], d["sd1"], d["n1"], d["m2"], d["sd2"], d["n2"], kind="bonett",
              ci="normal")
    # Same metafor test: escalc(measure="SMDH", ...) expects
    # yi = c(-0.3553, -0.3465, -2.3018, -1.8880), vi = c(0.0131, 0.0657, 0.0509, 0.1874).
    np.testing.assert_allclose(res.estimate, [-0.3553, -0.3465, -2.3018, -1.8880], atol=5e-5)
    np.testing.assert_allclose(res["var"], [0.0131, 0.0657, 0.0509, 0.1874], atol=5e-5)


def test_cohen_hedges_glass_match_effectsize_wt_by_am():
    (m0, s0, n0), (m1, s1, n1) = MTCARS_BY_AM["wt"][0], MTCARS_BY_AM["wt"][1]
    # R effectsize tests/testthat/test-standardized_differences.R:
    # cohens_d(wt ~ am, data = mtcars, pooled_sd = TRUE): d 1.892, CI 1.030 to 2.732.
    d = smd(m0, s0, n0, m1, s1, n1, kind="cohen").iloc[0]
    assert d.estimate == pytest.approx(1.892, abs=5e-4)
    assert d.ci_low == pytest.approx(1.030, abs=5e-4)
    assert d.ci_high == pytest.approx(2.732, abs=1e-3)  # printed 2.732; exact 2.7329
    # hedges_g(wt ~ am, data = mtcars): g 1.844, CI 1.004 to 2.664 (test tolerance 0.001).
    g = smd(m0, s0, n0, m1, s1, n1, kind="hedges").iloc[0]
    assert g.estimate == pytest.approx(1.844, abs=1e-3)
    assert g.ci_low == pytest.approx(1.004, abs=1e-3)
    assert g.ci_high == pytest.approx(2.664, abs=1e-3)
    # glass_delta(wt ~ am, data = mtcars): delta 2.200, CI 1.008664 to 3.352597
    # (standardized by the SD of the second group, am = 1).
    gl = smd(m0, s0, n0, m1, s1, n1, kind="glass").iloc[0]
    assert gl.estimate == pytest.approx(2.200, abs=1e-3)
    assert gl.ci_low == pytest.approx(1.008664, abs=5e-6)
    assert gl.ci_high == pytest.approx(3.352597, abs=5e-6)


def test_cohen_and_hedges_match_effectsize_readme_mpg_by_am():
    (m0, s0, n0), (m1, s1, n1) = MTCARS_BY_AM["mpg"][0], MTCARS_BY_AM["mpg"][1]
    # effectsize README (CRAN 0.8.x, "Standardized Differences"):
    # cohens_d(mpg ~ am, data = mtcars) -> "-1.48 | [-2.27, -0.67]";
    # hedges_g(mpg ~ am, data = mtcars) -> "-1.44 | [-2.21, -0.65]".
    d = smd(m0, s0, n0, m1, s1, n1, kind="cohen").iloc[0]
    np.testing.assert_allclose([d.estimate, d.ci_low, d.ci_high], [-1.48, -2.27, -0.67],
                               atol=5e-3)
    g = smd(m0, s0, n0, m1, s1, n1, kind="hedges").iloc[0]
    np.testing.assert_allclose([g.estimate, g.ci_low, g.ci_high], [-1.44, -2.21, -0.65],
                               atol=5e-3)


def test_exact_j_hand_values():
    # Hand calculation of Hedges (1981) eq. 6c: J(10) = Gamma(5) / (sqrt(5) Gamma(4.5))
    # = 24 / (2.2360680 * 11.6317284) = 0.9227456; the approximation 1 - 3/(4*10 - 1) =
    # 0.9230769 differs in the 4th decimal.
    from trialkit.effects._hedges_j import hedges_j

    assert hedges_j(np.array([10.0]))[0] == pytest.approx(0.9227456, abs=1e-7)
    res = smd(1.0, 1.0, 6, 0.0, 1.0, 6).iloc[0]  # d = 1, df = 10
    assert res.estimate == pytest.approx(0.9227456, abs=1e-7)


def test_unbiased_variance_hand_calculation():
    # metafor vtype="UB" for SMD: vi = 1/n1 + 1/n2 + (1 - (m-2)/(m J^2)) g^2, m = n1 + n2 - 2.
    # n1 = n2 = 6, d = 1: g = 0.9227456, g^2 = J^2 = 0.8514595,
    # 8 / (10 * 0.8514595) = 0.9395632, 1 - 0.9395632 = 0.0604368;
    # vi = 1/3 + 0.0604368 * 0.8514595 = 0.3333333 + 0.0514595 = 0.3847928.
    res = smd(1.0, 1.0, 6, 0.0, 1.0, 6, vtype="UB").iloc[0]
    assert res["var"] == pytest.approx(0.3847928, abs=1e-6)


def test_normal_ci_is_symmetric_and_labelled():
    res = smd(1.0, 1.0, 20, 0.5, 1.0, 20, ci="normal").iloc[0]
    assert res.estimate - res.ci_low == pytest.approx(res.ci_high - res.estimate)
    assert res.method == "hedges_g/exact_J/normal_ci/var=LS"


def test_large_d_warns_about_se_entered_as_sd():
    with pytest.warns(UserWarning, match="standard errors"):
        smd(10.0, 0.5, 20, 5.0, 0.5, 20)


def test_bonett_with_default_nct_warns_and_records_fallback():
    with pytest.warns(UserWarning, match="no noncentral-t interval"):
        res = smd(1.0, 1.0, 10, 0.0, 2.0, 10, kind="bonett")
    assert "normal_ci(nct_unavailable)" in res.method.iloc[0]


def test_no_warning_in_ordinary_use():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        smd(1.0, 1.0, 10, 0.0, 1.0, 10)


def test_broadcasting_equals_rowwise_calls():
    d = NORMAND1999
    whole = smd(d["m1"][:3], d["sd1"][:3], d["n1"][:3], d["m2"][:3], d["sd2"][:3], d["n2"][:3])
    for i in range(3):
        one = smd(d["m1"][i], d["sd1"][i], d["n1"][i], d["m2"][i], d["sd2"][i], d["n2"][i])
        cols = ["estimate", "se", "var", "ci_low", "ci_high", "df"]
        np.testing.assert_allclose(whole.iloc[i][cols].astype(float),
                                   one.iloc[0][cols].astype(float), rtol=1e-10)


def test_pandas_series_inputs_are_not_mutated():
    import pandas as pd

    m1 = pd.Series([1.0, 2.0])
    before = m1.copy()
    res = smd(m1, [1.0, 1.0], [10, 10], 0.0, 1.0, 10)
    pd.testing.assert_series_equal(m1, before)
    assert len(res) == 2
