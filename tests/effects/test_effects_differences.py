"""mean_difference against R's t.test output."""

from __future__ import annotations

import numpy as np
import pytest
from effects_refdata import MTCARS_BY_AM, SLEEP_GROUPS

from trialkit.effects import mean_difference


def test_sleep_welch_matches_r_t_test():
    (m1, s1, n1), (m2, s2, n2) = SLEEP_GROUPS["g1"], SLEEP_GROUPS["g2"]
    res = mean_difference(m1, s1, n1, m2, s2, n2).iloc[0]
    # R ?t.test example, t.test(extra ~ group, data = sleep), Welch Two Sample t-test, prints:
    # "t = -1.8608, df = 17.776, p-value = 0.07939", "95 percent confidence interval:
    #  -3.3654832  0.2054832", "mean in group 1 0.75, mean in group 2 2.33".
    assert res.estimate == pytest.approx(0.75 - 2.33, abs=5e-3)
    assert res.statistic == pytest.approx(-1.8608, abs=5e-5)
    assert res.df == pytest.approx(17.776, abs=5e-4)
    assert res.p == pytest.approx(0.07939, abs=5e-6)
    assert res.ci_low == pytest.approx(-3.3654832, abs=5e-8)
    assert res.ci_high == pytest.approx(0.2054832, abs=5e-8)
    assert res.method == "mean_difference/welch/t_ci"


def test_sleep_student_matches_r_t_test():
    (m1, s1, n1), (m2, s2, n2) = SLEEP_GROUPS["g1"], SLEEP_GROUPS["g2"]
    res = mean_difference(m1, s1, n1, m2, s2, n2, pooled=True).iloc[0]
    # R: t.test(extra ~ group, data = sleep, var.equal = TRUE), Two Sample t-test, prints
    # "t = -1.8608, df = 18, p-value = 0.07919", "95 percent confidence interval:
    #  -3.363874  0.203874" (printed R output, e.g. the R Cookbook chapter on t tests and
    # several published R Markdown renderings of this call).
    assert res.statistic == pytest.approx(-1.8608, abs=5e-5)
    assert res.df == 18
    assert res.p == pytest.approx(0.07919, abs=5e-6)
    assert res.ci_low == pytest.approx(-3.363874, abs=5e-7)
    assert res.ci_high == pytest.approx(0.203874, abs=5e-7)
    assert res.method == "mean_difference/student_pooled/t_ci"


def test_mtcars_welch_matches_r_t_test():
    (m0, s0, n0), (m1, s1, n1) = MTCARS_BY_AM["mpg"][0], MTCARS_BY_AM["mpg"][1]
    res = mean_difference(m0, s0, n0, m1, s1, n1).iloc[0]
    # R: t.test(mpg ~ am, data = mtcars), Welch Two Sample t-test (printed e.g. in effectsize's
    # vignette "standardized_differences" and countless tutorials): "t = -3.7671, df = 18.332,
    # p-value = 0.001374", "95 percent confidence interval: -11.280194  -3.209684",
    # "mean in group 0 17.14737, mean in group 1 24.39231".
    assert res.statistic == pytest.approx(-3.7671, abs=5e-5)
    assert res.df == pytest.approx(18.332, abs=5e-4)
    assert res.p == pytest.approx(0.001374, abs=5e-7)
    assert res.ci_low == pytest.approx(-11.280194, abs=5e-7)
    assert res.ci_high == pytest.approx(-3.209684, abs=5e-7)
    assert res.estimate == pytest.approx(17.14737 - 24.39231, abs=1e-5)


def test_mtcars_student_matches_r_t_test():
    (m0, s0, n0), (m1, s1, n1) = MTCARS_BY_AM["mpg"][0], MTCARS_BY_AM["mpg"][1]
    res = mean_difference(m0, s0, n0, m1, s1, n1, pooled=True).iloc[0]
    # R: t.test(auto, manual, var.equal = TRUE) on mtcars$mpg by am, printed in the tutorial
    # "Two-Sample t-Test in R" (insightr.press, 2025): "t = -4.1061, df = 30,
    # p-value = 0.000285", "95 percent confidence interval: -10.84837  -3.64151".
    assert res.statistic == pytest.approx(-4.1061, abs=5e-5)
    assert res.df == 30
    assert res.p == pytest.approx(0.000285, abs=5e-7)
    assert res.ci_low == pytest.approx(-10.84837, abs=5e-6)
    assert res.ci_high == pytest.approx(-3.64151, abs=5e-6)


def test_hand_calculation_pooled():
    # Hand calculation: groups (10, sd 2, n 5) and (8, sd 2, n 5): sp = 2,
    # se = 2 * sqrt(1/5 + 1/5) = 1.264911, t = 2 / 1.264911 = 1.581139, df = 8.
    res = mean_difference(10, 2, 5, 8, 2, 5, pooled=True).iloc[0]
    assert res.se == pytest.approx(1.2649111, abs=1e-7)
    assert res.statistic == pytest.approx(1.5811388, abs=1e-7)
    # Welch df equal n and equal SDs: (2 v)^2 / (2 v^2 / 4) = 8 as well.
    assert mean_difference(10, 2, 5, 8, 2, 5).df.iloc[0] == pytest.approx(8.0)


def test_broadcasting_equals_rowwise_calls():
    m1, sd1, n1 = [1.0, 2.0, 3.5], [1.0, 1.5, 2.0], [10, 20, 30]
    whole = mean_difference(m1, sd1, n1, 0.5, 1.2, 15)
    assert len(whole) == 3
    for i in range(3):
        one = mean_difference(m1[i], sd1[i], n1[i], 0.5, 1.2, 15)
        np.testing.assert_allclose(whole.iloc[i][["estimate", "se", "ci_low", "ci_high", "df",
                                                  "p"]].astype(float),
                                   one.iloc[0][["estimate", "se", "ci_low", "ci_high", "df",
                                                "p"]].astype(float), rtol=1e-12)


def test_level_changes_interval_width():
    r90 = mean_difference(1, 1, 10, 0, 1, 10, level=0.90).iloc[0]
    r99 = mean_difference(1, 1, 10, 0, 1, 10, level=0.99).iloc[0]
    assert (r99.ci_high - r99.ci_low) > (r90.ci_high - r90.ci_low)
