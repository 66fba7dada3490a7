"""Noncentral-t solvers give up quickly: a stated normal fallback or a TrialDataError.

Issue 10: ``d_from_t(1e5, 10, 10)``, ``smd`` and ``smcc`` with extreme noncentrality never
returned (scipy's noncentral-t density takes ~0.19 s per value at ncp = 1e4 and grows like
ncp^2), and ``smd`` with huge df raised OverflowError from Boost's tgamma. Beyond |t| = 200 or
df = 1e8 the interval is the normal one, ``estimate +/- z se``, and ``method`` says so.
"""

from __future__ import annotations

import time
import warnings

import numpy as np
import pytest
from scipy import special

from trialkit.effects import d_from_t, smcc, smd
from trialkit.effects._intervals import NCT_MAX_T, nct_ci
from trialkit.errors import TrialDataError

Z975 = 1.959963985  # standard normal 0.975 quantile (printed tables: 1.95996)
BOUND = 2.0  # seconds: a hang guard, not a timing goal


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = fn(*args, **kwargs)
    assert time.perf_counter() - start < BOUND
    return out, caught


def test_d_from_t_huge_t_returns_a_stated_normal_interval():
    res, caught = timed(d_from_t, 1e5, 10, 10)
    row = res.iloc[0]
    # Hand calculation: d = 1e5 sqrt(1/10 + 1/10) = 1e5 * 0.4472136 = 44721.36;
    # var = 0.2 + d^2 / (2 * 20) = 0.2 + 2e9 / 40 = 50000000.2, se = 7071.0678;
    # normal limits 44721.36 -/+ 1.959964 * 7071.0678 = 44721.36 -/+ 13859.04.
    assert row.estimate == pytest.approx(44721.36, abs=5e-3)
    assert row.se == pytest.approx(7071.0678, abs=5e-4)
    assert row.ci_low == pytest.approx(30862.32, abs=5e-2)
    assert row.ci_high == pytest.approx(58580.40, abs=5e-2)
    assert row.method == "d_from_t/two_sample_pooled/nct_ci->normal_ci(fallback: |ncp| > 200)"
    assert any("noncentral-t interval is not reliable" in str(w.message) for w in caught)


def test_smd_with_100000_sd_0_00001_returns_quickly():
    # The CLI case of issue 10: a cell "100000 (0.00001)" against 5.0 (1.0), 9 per arm.
    res, caught = timed(smd, 100000, 0.00001, 9, 5.0, 1.0, 9)
    row = res.iloc[0]
    # Hand calculation: sp = sqrt((8e-10 + 8) / 16) = 0.7071068, d = 99995 / 0.7071068 =
    # 141414.2; J(16) = 1 - 3/(4*16 - 1) approx. 0.952 (exact 0.9522600); g = 134662.3;
    # var = 2/9 + g^2 / 36, se = g / 6 (to 1e-9 relative) = 22443.7;
    # limits g -/+ 1.959964 * 22443.7 = g -/+ 43988.9.
    assert row.estimate == pytest.approx(134662.3, abs=0.05)
    assert row.se == pytest.approx(22443.72, abs=0.01)
    assert row.ci_low == pytest.approx(134662.3 - 43988.87, abs=0.1)
    assert "nct_ci->normal_ci(fallback: |ncp| > 200)" in row.method
    assert any("|standardized difference| > 5" in str(w.message) for w in caught)


def test_smd_with_huge_df_falls_back_instead_of_overflowing():
    # df = 1e10 - 2: Boost's tgamma overflowed in the noncentral-t density here.
    # Hand calculation: d = 1e-4 / 1 = 1e-4 (J = 1 - 3/(4 df - 1) = 1 - 7.5e-11);
    # var = 1/5e9 + 1/5e9 + d^2 / 2e10 = 4e-10, se = 2e-5; limits 1e-4 -/+ 3.919928e-5.
    res, _ = timed(smd, 1e-4, 1.0, 5e9, 0.0, 1.0, 5e9)
    row = res.iloc[0]
    assert row.se == pytest.approx(2e-5, rel=1e-6)
    assert row.ci_low == pytest.approx(1e-4 - 3.919928e-5, abs=1e-11)
    assert row.ci_high == pytest.approx(1e-4 + 3.919928e-5, abs=1e-11)
    assert row.method.endswith("nct_ci->normal_ci(fallback: df > 1e+08)/var=LS")


def test_smcc_extreme_change_returns_a_stated_normal_interval():
    res, _ = timed(smcc, 5.0, 1e-5, 100000.0, 1e-5, 9, r=0.5)
    row = res.iloc[0]
    # Hand calculation: SD_change = sqrt(1e-10 + 1e-10 - 2 * 0.5 * 1e-10) = 1e-5;
    # d_z = 99995 / 1e-5 = 9.9995e9; J(8) = 0.9027033 (Hedges 1981 table: 0.9027);
    # g = 9.02658e9; var = 1/9 + g^2 / 18, se = g / sqrt(18) = 2.12759e9.
    assert row.estimate == pytest.approx(9.02658e9, rel=1e-5)
    assert row.se == pytest.approx(2.12759e9, rel=1e-5)
    assert row.ci_low == pytest.approx(row.estimate - Z975 * row.se, rel=1e-9)
    assert "nct_ci->normal_ci(fallback: |ncp| > 200)" in row.method


def test_mixed_rows_keep_the_exact_interval_where_it_is_reliable():
    # Row 0 is mtcars (effectsize cohens_d(mpg ~ am): d = -1.48 [-2.27, -0.67]).
    res, _ = timed(d_from_t, [-4.1061, 1e5], [19, 10], [13, 10])
    assert res.ci_low.iloc[0] == pytest.approx(-2.27, abs=5e-3)
    assert res.ci_high.iloc[0] == pytest.approx(-0.67, abs=5e-3)
    assert res.method.tolist() == [
        "d_from_t/two_sample_pooled/nct_ci",
        "d_from_t/two_sample_pooled/nct_ci->normal_ci(fallback: |ncp| > 200)"]


def test_nct_inverted_up_to_the_limit():
    # At |t| = 150 < 200 the noncentral t is still inverted: the lower limit is the ncp at
    # which P(T <= 150) = 0.975 (Steiger & Fouladi 1997), checked with scipy's cdf.
    lo, hi = nct_ci(np.array([150.0]), np.array([18.0]), 0.95)
    assert special.nctdtr(18.0, lo[0], 150.0) == pytest.approx(0.975, abs=1e-8)
    assert special.nctdtr(18.0, hi[0], 150.0) == pytest.approx(0.025, abs=1e-8)
    assert NCT_MAX_T == 200.0


def test_nct_ci_beyond_the_limit_refuses_quickly():
    start = time.perf_counter()
    with pytest.raises(TrialDataError, match=r"cannot be computed reliably.*ci='normal'"):
        nct_ci(np.array([1e5]), np.array([18.0]), 0.95)
    assert time.perf_counter() - start < BOUND


def test_overflowing_standardized_difference_is_refused():
    with pytest.raises(TrialDataError, match="overflows"):
        smd(1e300, 1e-300, 9, -1e300, 1e-300, 9)
    with pytest.raises(TrialDataError, match="overflows"):
        d_from_t(1e300, 10, 10)


def test_hedges_j_keeps_its_precision_for_huge_df():
    from trialkit.effects._hedges_j import hedges_j

    # Hedges (1981) eq. 6b: J(m) = 1 - 3 / (4m - 1) + O(m^-2); for m >= 1e6 the O(m^-2) term
    # is < 1e-12, so the approximation is exact to double precision there. Hedges' table 2
    # (and metafor's exact J) give J(10) = 0.9227 and J(38) = 0.9801.
    m = np.array([1e6, 1e10, 1e14])
    np.testing.assert_allclose(hedges_j(m), 1 - 3 / (4 * m - 1), rtol=1e-13)
    np.testing.assert_allclose(hedges_j(np.array([10.0, 38.0])), [0.9227, 0.9801], atol=5e-5)


def test_hedges_j_series_agrees_with_the_gamma_ratio():
    # For df >= 30 J is the asymptotic series of log(Gamma(x + 1/2) / Gamma(x)); the C
    # library's gamma function (math.gamma, independent of this code, exact to ~1e-15 below
    # its overflow at 171) gives J(m) = Gamma(m/2) / (sqrt(m/2) Gamma((m-1)/2)) directly.
    import math

    from trialkit.effects._hedges_j import hedges_j

    def exact(k: float) -> float:
        return math.gamma(k / 2) / (math.sqrt(k / 2) * math.gamma((k - 1) / 2))

    m = np.array([30.0, 31.0, 37.5, 50.0, 99.0, 100.0, 171.0, 250.0, 300.0, 341.0])
    np.testing.assert_allclose(hedges_j(m), [exact(k) for k in m], rtol=1e-15)
    # below 30 (Pochhammer's symbol), a 0-d argument, and small and large df in one call
    assert hedges_j(np.array([29.0]))[0] == pytest.approx(exact(29.0), rel=1e-14)
    assert float(hedges_j(np.float64(100.0))) == pytest.approx(exact(100.0), rel=1e-15)
    np.testing.assert_allclose(hedges_j(np.array([10.0, 100.0])), [0.9227456, exact(100.0)],
                               rtol=1e-7)


def test_nct_limits_solve_the_cdf_equation_on_many_rows():
    from trialkit.effects._intervals import nct_limits

    # Most rows are accepted after one Newton step from the Cornish-Fisher start, without a
    # second cdf evaluation: the limits must still be the roots of Boost's cdf (scipy's
    # nctdtr, the reference here) to double precision, as brentq with xtol 1e-12 finds them.
    rng = np.random.default_rng(20240611)
    t = np.concatenate([rng.normal(0, 3, 3000), rng.uniform(-40, 40, 1000)])
    df = rng.integers(2, 400, t.size).astype(float)
    lo, hi, ok = nct_limits(t, df, 0.95)
    assert ok.all()
    assert np.max(np.abs(special.nctdtr(df, lo, t) - 0.975)) < 1e-12
    assert np.max(np.abs(special.nctdtr(df, hi, t) - 0.025)) < 1e-12
