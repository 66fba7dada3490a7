"""Hypothesis property tests: invariants that must hold for any valid input."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy import special

from trialkit.effects import (
    d_from_t,
    mean_difference,
    percent_change,
    ratio_of_means,
    smcc,
    smd,
)
from trialkit.effects._intervals import nct_ci

means = st.floats(-50, 50, allow_nan=False)
sds = st.floats(0.2, 20, allow_nan=False)
ns = st.integers(2, 150)
positive_means = st.floats(1, 100, allow_nan=False)


@st.composite
def two_groups(draw):
    g = {"m1": draw(means), "sd1": draw(sds), "n1": draw(ns),
         "m2": draw(means), "sd2": draw(sds), "n2": draw(ns)}
    sp = np.sqrt((g["sd1"] ** 2 + g["sd2"] ** 2) / 2)
    assume(abs(g["m1"] - g["m2"]) / min(g["sd1"], g["sd2"], sp) < 4.5)
    return g


def _swap(g):
    return {"m1": g["m2"], "sd1": g["sd2"], "n1": g["n2"],
            "m2": g["m1"], "sd2": g["sd1"], "n2": g["n1"]}


@settings(max_examples=60, deadline=None)
@given(g=two_groups(), kind=st.sampled_from(["cohen", "hedges", "bonett"]),
       ci=st.sampled_from(["nct", "normal"]))
def test_swapping_groups_negates_d_and_swaps_the_interval(g, kind, ci):
    if kind == "bonett":
        ci = "normal"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        a = smd(**g, kind=kind, ci=ci).iloc[0]
        b = smd(**_swap(g), kind=kind, ci=ci).iloc[0]
    assert b.estimate == pytest.approx(-a.estimate, abs=1e-12)
    assert b.ci_low == pytest.approx(-a.ci_high, abs=1e-7)
    assert b.ci_high == pytest.approx(-a.ci_low, abs=1e-7)
    assert b["var"] == pytest.approx(a["var"], rel=1e-12)


@settings(max_examples=60, deadline=None)
@given(g=two_groups(), kind=st.sampled_from(["cohen", "hedges", "glass", "bonett"]),
       scale=st.floats(0.01, 100), shift=st.floats(-100, 100))
def test_rescaling_the_outcome_leaves_d_unchanged(g, kind, scale, shift):
    h = dict(g)
    for k in ("m1", "m2"):
        h[k] = g[k] * scale + shift
    for k in ("sd1", "sd2"):
        h[k] = g[k] * scale
    ci = "normal" if kind == "bonett" else "nct"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        a = smd(**g, kind=kind, ci=ci).iloc[0]
        b = smd(**h, kind=kind, ci=ci).iloc[0]
    assert b.estimate == pytest.approx(a.estimate, rel=1e-9, abs=1e-9)
    assert b.ci_low == pytest.approx(a.ci_low, rel=1e-7, abs=1e-7)
    assert b.ci_high == pytest.approx(a.ci_high, rel=1e-7, abs=1e-7)


@settings(max_examples=60, deadline=None)
@given(g=two_groups(), kind=st.sampled_from(["cohen", "hedges", "glass", "bonett"]),
       ci=st.sampled_from(["nct", "normal"]), level=st.floats(0.5, 0.999))
def test_interval_contains_the_estimate(g, kind, ci, level):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        r = smd(**g, kind=kind, ci=ci, level=level).iloc[0]
    assert r.ci_low <= r.estimate <= r.ci_high
    md = mean_difference(**g, level=level).iloc[0]
    assert md.ci_low <= md.estimate <= md.ci_high
    assert 0 <= md.p <= 1


@settings(max_examples=40, deadline=None)
@given(g=two_groups())
def test_mean_difference_swap_and_welch_df_bounds(g):
    a = mean_difference(**g).iloc[0]
    b = mean_difference(**_swap(g)).iloc[0]
    assert b.estimate == pytest.approx(-a.estimate, abs=1e-12)
    assert b.p == pytest.approx(a.p, rel=1e-9)
    # Welch-Satterthwaite df lies between min(n1, n2) - 1 and n1 + n2 - 2.
    assert min(g["n1"], g["n2"]) - 1 - 1e-9 <= a.df <= g["n1"] + g["n2"] - 2 + 1e-9


@settings(max_examples=40, deadline=None)
@given(m1=positive_means, m2=positive_means, sd1=sds, sd2=sds, n1=ns, n2=ns,
       corrected=st.booleans())
def test_ratio_of_means_swap_gives_reciprocal(m1, m2, sd1, sd2, n1, n2, corrected):
    a = ratio_of_means(m1, sd1, n1, m2, sd2, n2, bias_correction=corrected).iloc[0]
    b = ratio_of_means(m2, sd2, n2, m1, sd1, n1, bias_correction=corrected).iloc[0]
    assert b.estimate == pytest.approx(1 / a.estimate, rel=1e-10)
    assert b.ci_low == pytest.approx(1 / a.ci_high, rel=1e-10)
    assert a.ci_low <= a.estimate <= a.ci_high


@settings(max_examples=40, deadline=None)
@given(pre=positive_means, post=positive_means, sd_pre=sds, sd_post=sds,
       n=st.integers(3, 100), r=st.floats(-0.9, 0.9))
def test_percent_change_interval_contains_estimate(pre, post, sd_pre, sd_post, n, r):
    res = percent_change(pre, post, sd_pre=sd_pre, sd_post=sd_post, n=n, r=r).iloc[0]
    assert res.ci_low <= res.estimate <= res.ci_high
    assert res.ci_low > -100


@settings(max_examples=40, deadline=None)
@given(t=st.floats(-30, 30), df=st.integers(1, 400), level=st.floats(0.5, 0.999))
def test_nct_limits_solve_the_defining_equations(t, df, level):
    tt, dd = np.array([t]), np.array([float(df)])
    lo, hi = nct_ci(tt, dd, level)
    alpha = 1 - level
    # scipy's nctdtr is NaN for df = 1 and 1e-161 < |t| < 1e-103 (nct_ci evaluates such t at 0)
    te = np.where(np.abs(tt) < 1e-50, 0.0, tt)
    assert special.nctdtr(dd, lo, te)[0] == pytest.approx(1 - alpha / 2, abs=1e-8)
    assert special.nctdtr(dd, hi, te)[0] == pytest.approx(alpha / 2, abs=1e-8)
    assert lo[0] <= t <= hi[0]


@settings(max_examples=30, deadline=None)
@given(pre=means, post=means, sd_pre=sds, sd_post=sds, n=st.integers(3, 100),
       r=st.floats(-0.9, 0.9))
def test_smcc_scale_invariance_and_interval(pre, post, sd_pre, sd_post, n, r):
    a = smcc(pre, sd_pre, post, sd_post, n, r=r).iloc[0]
    assume(abs(a.estimate) < 20)
    b = smcc(3 * pre, 3 * sd_pre, 3 * post, 3 * sd_post, n, r=r).iloc[0]
    assert b.estimate == pytest.approx(a.estimate, rel=1e-9, abs=1e-9)
    assert a.ci_low <= a.estimate <= a.ci_high


def test_d_from_t_is_odd_in_t():
    a = d_from_t([1.3, -1.3], 12, 15)
    assert a.estimate.iloc[0] == pytest.approx(-a.estimate.iloc[1])
    assert a.ci_low.iloc[0] == pytest.approx(-a.ci_high.iloc[1])
