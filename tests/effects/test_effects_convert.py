"""Conversions against Kraemer & Kupfer's NNT table, effectsize, McGraw & Wong, R t.test."""

from __future__ import annotations

import numpy as np
import pytest
from effects_refdata import MTCARS_BY_AM
from scipy import stats

from trialkit.effects import (
    d_from_f,
    d_from_t,
    d_to_cles,
    d_to_log_or,
    d_to_r,
    nnt_from_d,
    smd,
)


def test_d_from_t_matches_effectsize_for_mtcars():
    # R: t.test(mpg ~ am, data = mtcars, var.equal = TRUE) prints "t = -4.1061, df = 30"
    # (effectsize vignette "standardized_differences"); effectsize README:
    # cohens_d(mpg ~ am, data = mtcars) -> "-1.48 | [-2.27, -0.67]" (19 automatic, 13 manual).
    res = d_from_t(-4.1061, 19, 13).iloc[0]
    assert res.estimate == pytest.approx(-1.48, abs=5e-3)
    assert res.ci_low == pytest.approx(-2.27, abs=5e-3)
    assert res.ci_high == pytest.approx(-0.67, abs=5e-3)
    assert res.df == 30
    assert res.method == "d_from_t/two_sample_pooled/nct_ci"


def test_d_from_t_agrees_with_smd_cohen():
    (m0, s0, n0), (m1, s1, n1) = MTCARS_BY_AM["mpg"][0], MTCARS_BY_AM["mpg"][1]
    d = smd(m0, s0, n0, m1, s1, n1, kind="cohen").iloc[0]
    sp = np.sqrt(((n0 - 1) * s0**2 + (n1 - 1) * s1**2) / (n0 + n1 - 2))
    t = (m0 - m1) / (sp * np.sqrt(1 / n0 + 1 / n1))
    res = d_from_t(t, n0, n1).iloc[0]
    for col in ("estimate", "ci_low", "ci_high"):
        assert res[col] == pytest.approx(d[col], rel=1e-9)


def test_d_from_t_one_sample_hand_calculation():
    # d_z = t / sqrt(n): 3 / sqrt(9) = 1; df = 8.
    res = d_from_t(3.0, 9).iloc[0]
    assert res.estimate == pytest.approx(1.0)
    assert res.df == 8
    assert res.p == pytest.approx(2 * stats.t.sf(3.0, 8))
    assert res.ci_low < 1.0 < res.ci_high


def test_d_from_f_equals_d_from_t_of_sqrt_f():
    # One-df F: F = t^2 (Rosenthal 1994); F = 16 -> t = 4, d = 4 * sqrt(1/10 + 1/10) = 1.78885.
    with pytest.warns(UserWarning, match="no sign"):
        res = d_from_f(16.0, 10, 10).iloc[0]
    assert res.estimate == pytest.approx(1.7888544, abs=1e-7)
    ref = d_from_t(4.0, 10, 10).iloc[0]
    assert res.ci_low == pytest.approx(ref.ci_low) and res.ci_high == pytest.approx(ref.ci_high)
    assert res.method.startswith("d_from_f/sign_unknown(positive)/")


def test_nnt_matches_kraemer_kupfer_table():
    # Kraemer & Kupfer (2006), Biological Psychiatry 59:990-996, NNT from d (reproduced in
    # Clinical Epidemiology 2022;14:851-870, Table 3, "NNT - Numbers Needed to Treat"):
    # d = 0.1..0.8 -> 17.7, 8.9, 6.0, 4.5, 3.6, 3.0, 2.6, 2.3.
    d = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8]
    res = nnt_from_d(d)
    np.testing.assert_allclose(res.estimate, [17.7, 8.9, 6.0, 4.5, 3.6, 3.0, 2.6, 2.3],
                               atol=0.05)
    assert (res.method == "nnt_from_d/kraemer_kupfer2006").all()
    np.testing.assert_array_equal(res.nnt, res.estimate)


def test_cles_matches_published_benchmarks():
    # metricgate docs, "McGraw-Wong Common Language Effect Size" (key takeaways): Cohen's d
    # benchmarks map to CL values small (d = 0.2) -> 0.56, medium (0.5) -> 0.64,
    # large (0.8) -> 0.71 (the AUC column of Kraemer & Kupfer 2006, Table 1).
    np.testing.assert_allclose(d_to_cles([0.2, 0.5, 0.8]).estimate, [0.56, 0.64, 0.71],
                               atol=5e-3)


def test_nnt_is_the_inverse_of_2cl_minus_1():
    # Kraemer & Kupfer (2006), Biol Psychiatry 59:990-996: NNT = 1 / (2 AUC - 1), with
    # AUC = CL = Phi(d / sqrt 2) for normal outcomes (the identity their Table 1 rests on).
    cl = d_to_cles(0.5).estimate.iloc[0]
    assert nnt_from_d(0.5).estimate.iloc[0] == pytest.approx(1 / (2 * cl - 1))


def test_log_or_matches_effectsize_conversions():
    # R effectsize tests/testthat/test-convert_between.R, "oddsratio_to_d":
    # d_to_oddsratio(-0.887) = 0.2 and d_to_oddsratio(-0.7994, log = TRUE) = -1.45
    # (tolerance 0.01, relative).
    assert d_to_log_or(-0.887).odds_ratio.iloc[0] == pytest.approx(0.2, rel=0.01)
    assert d_to_log_or(-0.7994).estimate.iloc[0] == pytest.approx(-1.45, rel=0.01)
    # Hand value: pi / sqrt(3) = 1.8137994.
    assert d_to_log_or(1.0).estimate.iloc[0] == pytest.approx(1.8137994, abs=1e-7)


def test_d_to_r_matches_effectsize():
    # R effectsize tests/testthat/test-convert_between.R, "d_to_r": d_to_r(1.1547) = 0.5
    # (equal groups, a = 4; tolerance 0.01).
    with pytest.warns(UserWarning, match="equal groups"):
        res = d_to_r(1.1547)
    assert res.estimate.iloc[0] == pytest.approx(0.5, abs=5e-3)
    assert "assumed" in res.method.iloc[0]
    # With group sizes: a = (n1 + n2)^2 / (n1 n2) = 900/200 = 4.5 for 10 and 20;
    # r = 1 / sqrt(1 + 4.5) = 0.4264014 (hand calculation).
    assert d_to_r(1.0, 10, 20).estimate.iloc[0] == pytest.approx(0.4264014, abs=1e-7)


def test_furukawa_hand_calculation():
    # Furukawa (1999): EER = Phi(d + Phi^-1(CER)); d = 0.5, CER = 0.3:
    # Phi^-1(0.3) = -0.5244005, Phi(-0.0244005) = 0.4902666, NNT = 1/(0.4902666 - 0.3)
    # = 5.2558 (hand calculation).
    res = nnt_from_d(0.5, method="furukawa", cer=0.3).iloc[0]
    assert res.ard == pytest.approx(0.1902666, abs=1e-6)
    assert res.estimate == pytest.approx(5.2558, abs=5e-4)


def test_nnt_interval_crossing_no_effect_reads_like_altman():
    # Altman (1998) BMJ 317:1309: when the CI of the risk difference includes 0 the NNT
    # interval is "NNTB x to infinity to NNTH y". Hand calculation: d = 0.2 (-0.1, 0.5):
    # ARD limits 2 Phi(-0.1/sqrt2) - 1 = -0.0563720 and 2 Phi(0.5/sqrt2) - 1 = 0.2763264;
    # NNTB 1/0.2763264 = 3.6 and NNTH 1/0.0563720 = 17.7.
    res = nnt_from_d(0.2, ci_low=-0.1, ci_high=0.5).iloc[0]
    assert res.interval == "NNTB 3.6 to infinity to NNTH 17.7"
    assert bool(res.crosses_null)
    assert res.nnt_low == pytest.approx(1 / 0.2763264, abs=1e-5)
    assert res.nnt_high == pytest.approx(-1 / 0.0563720, abs=1e-4)
    benefit = nnt_from_d(0.5, ci_low=0.2, ci_high=0.8).iloc[0]
    assert benefit.interval == "NNTB 2.3 to NNTB 8.9"
    assert benefit.nnt_low <= benefit.estimate <= benefit.nnt_high
    harm = nnt_from_d(-0.5, ci_low=-0.8, ci_high=-0.2).iloc[0]
    assert harm.interval == "NNTH 2.3 to NNTH 8.9"
    assert harm.estimate == pytest.approx(-3.6, abs=0.05)


def test_zero_effect_gives_infinite_nnt():
    res = nnt_from_d(0.0).iloc[0]
    assert np.isinf(res.estimate)


def test_ci_limits_are_carried_through_monotone_maps():
    res = d_to_cles(0.4, ci_low=0.1, ci_high=0.7).iloc[0]
    assert res.ci_low < res.estimate < res.ci_high
    r = d_to_r(0.4, 20, 20, ci_low=0.1, ci_high=0.7).iloc[0]
    assert r.ci_low < r.estimate < r.ci_high


def test_furukawa_nnt_at_no_effect_is_infinite_not_a_rounding_error():
    # d = 0 means the same response rate in both arms: ARD = Phi(0 + z) - cer = 0 exactly and
    # NNT = 1/0 is infinite (Altman 1998). Computed as Phi(Phi^-1(0.2)) - 0.2 it is -5.6e-17,
    # whose inverse (-1.8e16) was printed before. Hand value beside it: d = 0.5, cer = 0.2:
    # Phi(0.5 - 0.841621) = Phi(-0.341621) = 0.366318, ARD 0.166318, NNT 6.0126.
    from trialkit.effects import nnt_from_d
    res = nnt_from_d([0.0, 0.5], cer=0.2, method="furukawa")
    assert res["ard"].iloc[0] == 0.0 and res["nnt"].iloc[0] == float("inf")
    assert res["ard"].iloc[1] == pytest.approx(0.166318, abs=1e-6)
    assert res["nnt"].iloc[1] == pytest.approx(6.0126, abs=1e-4)
