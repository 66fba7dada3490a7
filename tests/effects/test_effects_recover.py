"""Recovering SDs and means: Cochrane Handbook examples, metaBLUE outputs, hand calculations."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from scipy import stats

from trialkit.effects import (
    mean_sd_from_quantiles,
    sd_from_ci,
    sd_from_p,
    sd_from_se,
    sd_from_t,
)


def test_sd_from_ci_uses_t_quantile_like_cochrane():
    # Cochrane Handbook 5.1, section 7.7.3.2 (6.4: 6.5.2.2): "the t value for a 95%
    # confidence interval from a sample size of 25 can be obtained by typing
    # =tinv(1-0.95,25-1) ... (the result is 2.0639). The divisor, 3.92, in the formula above
    # would be replaced by 2 x 2.0639 = 4.128."
    res = sd_from_ci(10.0, 14.0, 25).iloc[0]
    assert res.critical_value == pytest.approx(2.0639, abs=5e-5)
    assert 2 * res.critical_value == pytest.approx(4.128, abs=5e-4)
    assert res.sd == pytest.approx(np.sqrt(25) * 4.0 / 4.128, rel=2e-4)
    # Large-sample form: divisor 3.92 (Handbook: "3.92 = 2 x 1.96").
    big = sd_from_ci(10.0, 14.0, 25, dist="normal").iloc[0]
    assert 2 * big.critical_value == pytest.approx(3.92, abs=5e-3)
    assert "normal_quantile" in big.method
    # For 90% intervals the Handbook's divisor is 3.29.
    assert 2 * sd_from_ci(0, 1, 200, level=0.90, dist="normal").critical_value.iloc[0] == \
        pytest.approx(3.29, abs=5e-3)


def test_sd_from_p_matches_cochrane_example():
    # Cochrane Handbook 5.1, section 7.7.3.3 (6.4: 6.5.2.3): P = 0.008 with sample sizes 25
    # and 22: t from "=tinv(0.008, 45)" is 2.78; "the standard error of the difference in
    # means is obtained by dividing 3.8 by 2.78, which gives 1.37".
    res = sd_from_p(0.008, 25, 22, 3.8, 0.0).iloc[0]
    assert res.t == pytest.approx(2.78, abs=5e-3)
    assert res.se == pytest.approx(1.37, abs=5e-3)
    assert res.df == 45
    # Then SD = SE / sqrt(1/25 + 1/22) (Handbook formula); hand calculation with the
    # Handbook's rounded SE: 1.37 / 0.292326 = 4.687 (with the exact t 2.77572: 4.6835).
    assert res.sd == pytest.approx(res.se / np.sqrt(1 / 25 + 1 / 22))
    assert res.sd == pytest.approx(1.37 / 0.292326, abs=0.005 / 0.292326)


def test_sd_from_t_hand_calculation():
    # Hand calculation: MD = 2, t = 2 -> SE = 1; SD = 1 / sqrt(1/10 + 1/10) = sqrt(5)
    # = 2.2360680.
    res = sd_from_t(2.0, 10, 10, 5.0, 3.0).iloc[0]
    assert res.sd == pytest.approx(2.2360680, abs=1e-7)
    # The sign of t is irrelevant.
    assert sd_from_t(-2.0, 10, 10, 5.0, 3.0).sd.iloc[0] == pytest.approx(res.sd)
    # sd_from_p and sd_from_t agree when p is the two-sided p of that t.
    p = 2 * stats.t.sf(2.0, 18)
    assert sd_from_p(p, 10, 10, 5.0, 3.0).sd.iloc[0] == pytest.approx(res.sd, rel=1e-10)


def test_sd_from_se_hand_calculation():
    # Cochrane 6.5.2.2: SD = SE * sqrt(N); 1.5 * sqrt(25) = 7.5.
    res = sd_from_se([1.5, 2.0], [25, 16])
    np.testing.assert_allclose(res.sd, [7.5, 8.0])
    assert (res.method == "sd_from_se/cochrane_6.5.2.2").all()


def test_s1_matches_metablue_examples():
    # R package metaBLUE 1.0.0 help pages, examples with X <- c(1, 4, 10) (min, median, max),
    # n <- 30, type "S1": Luo.mean(X, n, type) prints $muhat 4.356748 and
    # Wan.std(X, n, type) prints $sigmahat 2.205578.
    res = mean_sd_from_quantiles(30, median=4, min=1, max=10, assume_normal=True).iloc[0]
    assert res["mean"] == pytest.approx(4.356748, abs=5e-7)
    assert res.sd == pytest.approx(2.205578, abs=5e-7)
    assert res.method == "S1:mean=luo2018/sd=wan2014/normal(given)"


def test_s2_hand_calculation():
    # Luo et al. (2018) eq. 11 and Wan et al. (2014) eq. 16, n = 40, q1 = 3, median = 5,
    # q3 = 9 (hand calculation):
    # w = 0.7 + 0.39/40 = 0.70975; mean = 0.70975 * 6 + 0.29025 * 5 = 5.70975;
    # eta = 2 * Phi^-1((30 - 0.125)/40.25) = 2 * Phi^-1(0.7422360) = 2 * 0.6504 = 1.3008...
    res = mean_sd_from_quantiles(40, q1=3, median=5, q3=9, assume_normal=True).iloc[0]
    assert res["mean"] == pytest.approx(5.70975, abs=1e-9)
    eta = 2 * stats.norm.ppf(29.875 / 40.25)
    assert eta == pytest.approx(1.3008, abs=1e-3)
    assert res.sd == pytest.approx(6 / eta, rel=1e-12)


def test_s3_hand_calculation_shi_and_wan():
    # n = 50, (min, q1, median, q3, max) = (2, 5, 7, 10, 16), hand calculation:
    # Luo (2018) eq. 15: w1 = 2.2/(2.2 + 50^0.75) = 2.2/(2.2 + 18.803015) = 0.104747;
    # w2 = 0.7 - 0.72/50^0.55 = 0.7 - 0.72/8.598714 = 0.616266;
    # mean = w1*9 + w2*7.5 + (1 - w1 - w2)*7.
    n = 50.0
    w1 = 2.2 / (2.2 + n**0.75)
    w2 = 0.7 - 0.72 / n**0.55
    assert w1 == pytest.approx(0.104747, abs=1e-6)
    assert w2 == pytest.approx(0.616266, abs=1e-6)
    res = mean_sd_from_quantiles(50, q1=5, median=7, q3=10, min=2, max=16,
                                 assume_normal=True).iloc[0]
    assert res["mean"] == pytest.approx(w1 * 9 + w2 * 7.5 + (1 - w1 - w2) * 7, rel=1e-12)
    # Shi et al. (2020) eq. 10: w = 1/(1 + 0.07 * 50^0.6) = 1/(1 + 0.07*10.456396) = 0.577385.
    w = 1 / (1 + 0.07 * n**0.6)
    assert w == pytest.approx(0.577385, abs=1e-6)
    xi = 2 * stats.norm.ppf((n - 0.375) / (n + 0.25))
    eta = 2 * stats.norm.ppf((0.75 * n - 0.125) / (n + 0.25))
    assert res.sd == pytest.approx(w * 14 / xi + (1 - w) * 5 / eta, rel=1e-12)
    wan = mean_sd_from_quantiles(50, q1=5, median=7, q3=10, min=2, max=16, sd_method="wan",
                                 assume_normal=True).iloc[0]
    assert wan.sd == pytest.approx(0.5 * (14 / xi + 5 / eta), rel=1e-12)
    assert wan.method.startswith("S3:mean=luo2018/sd=wan2014")


def test_quantiles_default_assumption_warns():
    with pytest.warns(UserWarning, match="normally distributed"):
        res = mean_sd_from_quantiles(30, q1=3, median=5, q3=9)
    assert res.method.iloc[0].endswith("normal(assumed)")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        mean_sd_from_quantiles(30, q1=3, median=5, q3=9, assume_normal=True)


def test_quantile_scenarios_and_order_are_checked():
    from trialkit.errors import TrialDataError

    with pytest.raises(TrialDataError):
        mean_sd_from_quantiles(30, q1=3, median=5, assume_normal=True)
    with pytest.raises(TrialDataError) as err:
        mean_sd_from_quantiles([30, 30], q1=[3, 6], median=[5, 5], q3=[9, 9],
                               assume_normal=True)
    assert err.value.field == "median" and err.value.row == 1


def test_broadcasting_equals_rowwise_calls():
    n, q1, med, q3 = [20, 40, 80], [1.0, 2.0, 3.0], [2.0, 3.5, 4.0], [4.0, 6.0, 9.0]
    whole = mean_sd_from_quantiles(n, q1=q1, median=med, q3=q3, assume_normal=True)
    for i in range(3):
        one = mean_sd_from_quantiles(n[i], q1=q1[i], median=med[i], q3=q3[i],
                                     assume_normal=True)
        assert whole["mean"].iloc[i] == pytest.approx(one["mean"].iloc[0], rel=1e-12)
        assert whole.sd.iloc[i] == pytest.approx(one.sd.iloc[0], rel=1e-12)
