"""Pre-post statistics against metafor, Morris (2008) and the Cochrane Handbook."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from trialkit.effects import (
    ancova_from_summary,
    diff_in_change,
    mean_change,
    r_from_sds,
    sd_change,
    smcc,
    smcr,
    smd_change,
)
from trialkit.effects.prepost_between import _var_dppc2

# Morris (2008) Table 1 data as typed into metafor's tests/testthat/
# test_analysis_example_morris2008.r (treatment and control groups of five studies).
T = {"m_pre": [30.6, 23.5, 0.5, 53.4, 35.6], "m_post": [38.5, 26.8, 0.7, 75.9, 36.0],
     "sd_pre": [15.0, 3.1, 0.1, 14.5, 4.7], "sd_post": [11.6, 4.1, 0.1, 4.4, 4.6],
     "n": [20, 50, 9, 10, 14], "r": [.47, .64, .77, .89, .44]}
C = {"m_pre": [23.1, 24.9, 0.6, 55.7, 34.8], "m_post": [19.7, 25.3, 0.6, 60.7, 33.4],
     "sd_pre": [13.8, 4.1, 0.2, 17.3, 3.1], "sd_post": [14.8, 3.3, 0.2, 17.9, 6.9],
     "n": [20, 42, 9, 11, 14], "r": [.47, .64, .77, .89, .44]}


def _smcr(g):
    return smcr(g["m_pre"], g["sd_pre"], g["m_post"], g["n"], r=g["r"])


def _smcc(g, **kw):
    return smcc(g["m_pre"], g["sd_pre"], g["m_post"], g["sd_post"], g["n"], r=g["r"], **kw)


def test_smcr_matches_metafor_morris2008():
    t, c = _smcr(T), _smcr(C)
    # metafor test_analysis_example_morris2008.r, escalc(measure="SMCR", m1i=m_post,
    # m2i=m_pre, sd1i=sd_pre, ni=ni, ri=ri): expected round(yi, 4) and round(vi, 4):
    np.testing.assert_allclose(t.estimate, [0.5056, 1.0481, 1.8054, 1.4181, 0.0801], atol=5e-5)
    np.testing.assert_allclose(t["var"], [0.0594, 0.0254, 0.2322, 0.1225, 0.0802], atol=5e-5)
    np.testing.assert_allclose(c.estimate, [-0.2365, 0.0958, 0.0000, 0.2667, -0.4250],
                               atol=5e-5)
    np.testing.assert_allclose(c["var"], [0.0544, 0.0173, 0.0511, 0.0232, 0.0864], atol=5e-5)
    # Same file, "compare with results on page 368 (Table 1)" of Morris (2008): the
    # treatment-minus-control differences round(yi, 2) = 0.74, 0.95, 1.81, 1.15, 0.51 and
    # round(vi, 4) = 0.1138, 0.0426, 0.2833, 0.1458, 0.1667 for the summed variances.
    np.testing.assert_allclose(t.estimate - c.estimate, [0.74, 0.95, 1.81, 1.15, 0.51],
                               atol=5e-3)
    np.testing.assert_allclose(t["var"] + c["var"], [0.1138, 0.0426, 0.2833, 0.1458, 0.1667],
                               atol=5e-5)


def test_smcc_matches_metafor_morris2008():
    t, c = _smcc(T), _smcc(C)
    # metafor test_analysis_example_morris2008.r, escalc(measure="SMCC", m1i=m_post,
    # m2i=m_pre, sd1i=sd_post, sd2i=sd_pre, ni=ni, ri=ri):
    np.testing.assert_allclose(t.estimate, [0.5417, 1.0198, 2.6619, 1.9088, 0.0765], atol=5e-5)
    np.testing.assert_allclose(t["var"], [0.0573, 0.0304, 0.5048, 0.2822, 0.0716], atol=5e-5)
    np.testing.assert_allclose(c.estimate, [-0.2213, 0.1219, 0.0000, 0.5575, -0.2126],
                               atol=5e-5)
    np.testing.assert_allclose(c["var"], [0.0512, 0.0240, 0.1111, 0.1050, 0.0730], atol=5e-5)


def test_mean_change_matches_metafor_mc():
    # metafor tests/testthat/test_misc_escalc.r, "measure='MC/SMCRH'":
    # escalc(measure="MC", m1i=26, m2i=22, sd1i=sqrt(30), sd2i=sqrt(20), ni=60, ri=0.7)
    # expects yi = 4.0000 and vi = 0.2618.
    res = mean_change(22, np.sqrt(20), 26, np.sqrt(30), 60, r=0.7).iloc[0]
    assert res.estimate == pytest.approx(4.0, abs=5e-5)
    assert res["var"] == pytest.approx(0.2618, abs=5e-5)
    assert res.df == 59
    assert res.method == "mean_change/paired_t/r=given"


def test_mean_change_se_matches_cochrane_crossover_example():
    # Cochrane Handbook 5.1, section 16.4.6.4 (cross-over trial example): ME = 7.0,
    # SDE = 2.38, MC = 6.5, SDC = 2.21, n = 10, imputed correlation 0.68:
    # "The numbers 0.5 and 0.583 may be entered into RevMan as the estimate and standard
    # error of a mean difference".
    res = mean_change(6.5, 2.21, 7.0, 2.38, 10, r=0.68).iloc[0]
    assert res.estimate == pytest.approx(0.5)
    assert res.se == pytest.approx(0.583, abs=5e-4)
    # The SD of the differences behind it: sqrt(2.38^2 + 2.21^2 - 2*0.68*2.38*2.21)
    # = sqrt(5.6644 + 4.8841 - 7.153328) = sqrt(3.395172) = 1.842599 (hand calculation).
    assert sd_change(2.21, 2.38, 0.68)[0] == pytest.approx(1.842599, abs=1e-6)


def test_smd_change_reproduces_morris_worked_example():
    # Morris (2008), Organizational Research Methods 11:364-386, worked example for study 1
    # of Table 1 (eq. 8/11): pooled pretest SD 14.4 and d_ppc2 = 0.77.
    res = smd_change(30.6, 15.0, 38.5, 23.1, 13.8, 19.7, 20, 20, r=0.47).iloc[0]
    assert res.sd_pre_pooled == pytest.approx(14.4, abs=0.05)
    assert res.estimate == pytest.approx(0.77, abs=5e-3)
    assert res["var"] == pytest.approx(_var_dppc2(np.array([res.estimate]), np.array([20.0]),
                                                  np.array([20.0]), np.array([0.47]))[0])


# Morris (2008) Tables 2 and 3 (pp. 375-376): theoretical variance of d_ppc2 (eq. 25) for
# n per group in (10, 25, 50) x rho in (0, .45, .90) x delta_T in (0, .5, 1); Table 2 has
# delta_C = 0, Table 3 delta_C = 0.2. Values as transcribed in the public test file
# "d_ppc2 reproduces Morris's (2008) worked example" / "the Eq. 25 variance matches Morris's
# (2008) theoretical values" of an R package for Solomon designs (expand.grid order: n fastest).
TABLE2 = [0.413, 0.162, 0.080, 0.227, 0.089, 0.044, 0.041, 0.016, 0.008,
          0.421, 0.164, 0.082, 0.235, 0.092, 0.046, 0.049, 0.019, 0.009,
          0.444, 0.173, 0.086, 0.259, 0.100, 0.049, 0.073, 0.027, 0.013]
TABLE3 = [0.414, 0.162, 0.081, 0.228, 0.089, 0.044, 0.043, 0.017, 0.008,
          0.416, 0.163, 0.081, 0.230, 0.090, 0.045, 0.044, 0.017, 0.009,
          0.433, 0.169, 0.084, 0.247, 0.096, 0.048, 0.062, 0.023, 0.011]


def test_eq25_variance_matches_morris_tables_2_and_3():
    n = np.tile([10.0, 25.0, 50.0], 9)
    rho = np.tile(np.repeat([0.0, 0.45, 0.90], 3), 3)
    delta_t = np.repeat([0.0, 0.5, 1.0], 9)
    np.testing.assert_allclose(_var_dppc2(delta_t, n, n, rho), TABLE2, atol=5e-4)
    np.testing.assert_allclose(_var_dppc2(delta_t - 0.2, n, n, rho), TABLE3, atol=5e-4)


def test_r_default_warns_and_is_recorded():
    with pytest.warns(UserWarning, match=r"assumed r = 0\.5"):
        res = mean_change(10, 2, 12, 2, 20)
    assert res.method.iloc[0].endswith("r=0.5(assumed)")
    with pytest.warns(UserWarning, match="assumed"):
        res = smd_change(10, 2, 12, 10, 2, 10, 20, 20)
    assert "r=0.5(assumed)" in res.method.iloc[0]


def test_explicit_r_does_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        mean_change(10, 2, 12, 2, 20, r=0.6)
        smcr(10, 2, 12, 20, r=0.6)
        smcc(10, 2, 12, 2, 20, r=0.6)
        diff_in_change(10, 2, 12, 2, 10, 2, 10, 2, 20, 20, r=0.6)
        ancova_from_summary(10, 2, 12, 2, 10, 2, 10, 2, 20, 20, r=0.6)


def test_r_from_sds_inverts_sd_change_and_hand_value():
    # Cochrane Handbook 6.5.2.8: Corr = (SD_b^2 + SD_f^2 - SD_c^2) / (2 SD_b SD_f).
    # Hand calculation: SDs 4, 5 and change SD 3 give (16 + 25 - 9) / 40 = 0.8.
    assert r_from_sds(4.0, 5.0, 3.0)[0] == pytest.approx(0.8)
    r = np.array([-0.3, 0.0, 0.45, 0.9])
    back = r_from_sds(2.0, 3.0, sd_change(2.0, 3.0, r))
    np.testing.assert_allclose(back, r, atol=1e-12)


def test_r_from_sds_rejects_inconsistent_sds():
    from trialkit.errors import TrialDataError

    with pytest.raises(TrialDataError) as err:
        r_from_sds([4.0, 4.0], [5.0, 5.0], [3.0, 10.0])
    assert err.value.field == "sd_change" and err.value.row == 1


def test_diff_in_change_hand_calculation():
    # Hand calculation with Morris's study 1 and r = 0.47:
    # change T = 38.5 - 30.6 = 7.9, change C = 19.7 - 23.1 = -3.4, difference 11.3;
    # SD_change T = sqrt(225 + 134.56 - 2*0.47*15*11.6) = sqrt(359.56 - 163.56) = 14.0;
    # SD_change C = sqrt(190.44 + 219.04 - 2*0.47*13.8*14.8) = sqrt(409.48 - 191.9856)
    #             = sqrt(217.4944) = 14.747691;
    # se = sqrt(196/20 + 217.4944/20) = sqrt(20.67472) = 4.546946.
    res = diff_in_change(30.6, 15.0, 38.5, 11.6, 23.1, 13.8, 19.7, 14.8, 20, 20,
                         r=0.47).iloc[0]
    assert res.estimate == pytest.approx(11.3)
    assert res.sd1_change == pytest.approx(14.0, abs=1e-9)
    assert res.sd2_change == pytest.approx(14.747691, abs=1e-6)
    assert res.se == pytest.approx(4.546946, abs=1e-6)


def test_ancova_from_summary_equals_ols_on_patient_data():
    """The summary-statistic ANCOVA equals OLS of post on arm + pre fitted to the patient
    data that the summaries describe (statsmodels, an independent implementation), when r
    is the pooled within-arm correlation."""
    import statsmodels.api as sm

    rng = np.random.default_rng(20240611)
    n1, n2 = 14, 17
    pre1, pre2 = rng.normal(50, 10, n1), rng.normal(53, 10, n2)
    post1 = 0.6 * pre1 + rng.normal(-4, 6, n1) + 20
    post2 = 0.6 * pre2 + rng.normal(0, 6, n2) + 20
    # pooled within-arm correlation: from within-arm centred cross-products
    cx = np.r_[pre1 - pre1.mean(), pre2 - pre2.mean()]
    cy = np.r_[post1 - post1.mean(), post2 - post2.mean()]
    r = float(cx @ cy / np.sqrt((cx @ cx) * (cy @ cy)))
    res = ancova_from_summary(pre1.mean(), pre1.std(ddof=1), post1.mean(), post1.std(ddof=1),
                              pre2.mean(), pre2.std(ddof=1), post2.mean(), post2.std(ddof=1),
                              n1, n2, r=r).iloc[0]
    x = sm.add_constant(np.c_[np.r_[np.ones(n1), np.zeros(n2)], np.r_[pre1, pre2]])
    fit = sm.OLS(np.r_[post1, post2], x).fit()
    assert res.estimate == pytest.approx(fit.params[1], rel=1e-10)
    assert res.se == pytest.approx(fit.bse[1], rel=1e-10)
    assert res.df == fit.df_resid
    assert res.p == pytest.approx(fit.pvalues[1], rel=1e-8)


def test_ancova_hand_calculation_without_imbalance():
    # Hand calculation (Borm et al. 2007 setting, no baseline imbalance): pre 10 (SD 2) in
    # both arms, post 8 vs 10 (SD 2), r = 0.6, n = 20 + 20: slope b = 0.6 * 2/2 = 0.6,
    # estimate = (8 - 10) - 0.6 * 0 = -2; s_res^2 = 4 * (1 - 0.36) * 38/37 = 2.6291892,
    # var = 2.6291892 * (1/20 + 1/20) = 0.26291892, se = 0.5127562.
    res = ancova_from_summary(10, 2, 8, 2, 10, 2, 10, 2, 20, 20, r=0.6).iloc[0]
    assert res.estimate == pytest.approx(-2.0)
    assert res.slope == pytest.approx(0.6)
    assert res.se == pytest.approx(0.5127562, abs=1e-7)
    assert res.df == 37


def test_smcc_nct_interval_brackets_estimate_and_normal_option():
    res = _smcc(T)
    assert ((res.ci_low <= res.estimate) & (res.estimate <= res.ci_high)).all()
    res_n = _smcc(T, ci="normal")
    np.testing.assert_allclose(res_n.estimate, res.estimate)
    assert res_n.method.iloc[0].startswith("smcc/change_sd/exact_J/normal_ci")


def test_broadcasting_equals_rowwise_calls():
    whole = _smcr(T)
    for i in range(5):
        one = smcr(T["m_pre"][i], T["sd_pre"][i], T["m_post"][i], T["n"][i], r=T["r"][i])
        np.testing.assert_allclose(whole.iloc[i][["estimate", "var", "ci_low", "ci_high"]]
                                   .astype(float),
                                   one.iloc[0][["estimate", "var", "ci_low", "ci_high"]]
                                   .astype(float), rtol=1e-12)
    whole = smd_change(T["m_pre"], T["sd_pre"], T["m_post"], C["m_pre"], C["sd_pre"],
                       C["m_post"], T["n"], C["n"], r=T["r"])
    for i in range(5):
        one = smd_change(T["m_pre"][i], T["sd_pre"][i], T["m_post"][i], C["m_pre"][i],
                         C["sd_pre"][i], C["m_post"][i], T["n"][i], C["n"][i], r=T["r"][i])
        assert whole.estimate.iloc[i] == pytest.approx(one.estimate.iloc[0], rel=1e-12)
        assert whole["var"].iloc[i] == pytest.approx(one["var"].iloc[0], rel=1e-12)


def test_r_from_sds_can_return_an_impossible_correlation():
    # Hand calculation: (4^2 + 5^2 - 10^2) / (2 * 4 * 5) = (16 + 25 - 100) / 40 = -1.475,
    # which no data can have; a check reports it instead of failing.
    r = r_from_sds([4.0, 4.0], [5.0, 5.0], [3.0, 10.0], impossible="return")
    assert r.tolist() == pytest.approx([0.8, -1.475])
    from trialkit.errors import TrialDataError

    with pytest.raises(TrialDataError, match="impossible"):
        r_from_sds(4.0, 5.0, 3.0, impossible="clip")
