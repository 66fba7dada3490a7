"""Exact and Monte Carlo permutation tests; BCa bootstrap with its distribution."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

import trialkit
from trialkit import TrialDataError
from trialkit.ipd import (
    baseline_followup,
    bootstrap,
    bootstrap_distribution,
    enumerate_splits,
    permutation_test,
)

# A 17-patient trial split 9/8, the size of Mejuto-Vazquez et al. 2014 (whose patient data are
# not published): whole-number 0-10 pain scores written out here.
PRE_9 = [5, 5, 6, 6, 6, 7, 7, 8, 8]
POST_9 = [2, 3, 4, 4, 4, 5, 5, 6, 6]
PRE_8 = [5, 5, 6, 6, 6, 7, 8, 8]
POST_8 = [5, 5, 6, 6, 6, 7, 7, 8]


def brute_force_p(pre, post, n1, statistic, alternative="two-sided"):
    """The re-randomization p value by a plain loop over itertools.combinations."""
    pre, post = np.asarray(pre, float), np.asarray(post, float)
    n = len(post)

    def stat(group):
        g = np.zeros(n, dtype=bool)
        g[list(group)] = True
        if statistic == "mean_difference":
            return post[g].mean() - post[~g].mean()
        if statistic == "change_difference":
            ch = post - pre
            return ch[g].mean() - ch[~g].mean()
        design = np.column_stack([np.ones(n), pre, g.astype(float)])
        return np.linalg.lstsq(design, post, rcond=None)[0][2]

    observed = stat(range(n1))
    values = np.array([stat(c) for c in itertools.combinations(range(n), n1)])
    tol = 1e-9 * max(1.0, abs(observed))
    if alternative == "two-sided":
        count = int((np.abs(values) >= abs(observed) - tol).sum())
    elif alternative == "greater":
        count = int((values >= observed - tol).sum())
    else:
        count = int((values <= observed + tol).sum())
    return count, len(values)


def test_enumerate_splits_matches_itertools():
    splits = enumerate_splits(7, 3)
    assert splits.shape == (35, 7) and splits.dtype == bool
    as_sets = [tuple(np.flatnonzero(row)) for row in splits]
    assert as_sets == list(itertools.combinations(range(7), 3))  # same lexicographic order
    assert enumerate_splits(17, 8).shape == (math.comb(17, 8), 17) == (24310, 17)
    assert (enumerate_splits(17, 9).sum(axis=1) == 9).all()
    assert len(np.unique(enumerate_splits(12, 6), axis=0)) == math.comb(12, 6)
    assert enumerate_splits(4, 0).shape == (1, 4) and enumerate_splits(4, 4).all()
    with pytest.raises(TrialDataError) as info:
        enumerate_splits(3, 4)
    assert info.value.field == "k"


@pytest.mark.parametrize("statistic", ["mean_difference", "change_difference", "ancova"])
@pytest.mark.parametrize("alternative", ["two-sided", "greater", "less"])
def test_exact_p_equals_brute_force_on_small_trial(two_arm, statistic, alternative):
    pre1, post1 = [5, 6, 7, 8, 6], [3, 4, 6, 5, 4]
    pre2, post2 = [6, 5, 7, 8, 7], [6, 5, 6, 8, 7]
    trial = two_arm(pre1, post1, pre2, post2)
    res = permutation_test(trial, "score", "post", statistic, alternative=alternative).iloc[0]
    count, total = brute_force_p(pre1 + pre2, post1 + post2, 5, statistic, alternative)
    assert res["exact"] and res["n_arrangements"] == total == 252
    assert res["n_extreme"] == count
    assert res["p"] == count / total


def test_exact_enumeration_of_all_24310_splits_of_a_9_8_trial(two_arm):
    trial = two_arm(PRE_9, POST_9, PRE_8, POST_8)
    res = permutation_test(trial, "score", "post", "mean_difference").iloc[0]
    assert res["exact"]
    assert res["n_arrangements"] == res["n_resamples"] == 24310
    assert (res["n1"], res["n2"]) == (9, 8)
    assert res["estimate"] == pytest.approx(np.mean(POST_9) - np.mean(POST_8))
    count, total = brute_force_p(PRE_9 + PRE_8, POST_9 + POST_8, 9, "mean_difference")
    assert total == 24310 and res["n_extreme"] == count and res["p"] == count / 24310
    assert "exact/all_24310_splits" in res["method"]
    # one-sided p values of an exact test: p_less + p_greater = 1 + P(T = t_obs)
    greater = permutation_test(trial, "score", "post", alternative="greater").iloc[0]
    less = permutation_test(trial, "score", "post", alternative="less").iloc[0]
    assert greater["p"] + less["p"] >= 1
    assert less["p"] <= res["p"]


def test_monte_carlo_is_seeded_and_close_to_exact(two_arm):
    trial = two_arm(PRE_9, POST_9, PRE_8, POST_8)
    exact = permutation_test(trial, "score", "post", "change_difference").iloc[0]
    mc = permutation_test(trial, "score", "post", "change_difference", max_exact=0,
                          n_resamples=20_000, seed=7)
    again = permutation_test(trial, "score", "post", "change_difference", max_exact=0,
                             n_resamples=20_000, seed=7)
    assert mc.drop(columns="note").equals(again.drop(columns="note"))
    row = mc.iloc[0]
    assert not row["exact"] and row["n_resamples"] == 20_000
    assert "monte_carlo" in row["method"] and "seed=7" in row["method"]
    assert row["p"] == pytest.approx((row["n_extreme"] + 1) / 20_001)
    # Monte Carlo SE of p is at most 0.5 / sqrt(20000) = 0.0035
    assert row["p"] == pytest.approx(exact["p"], abs=0.015)


def test_monte_carlo_when_too_many_splits():
    res = permutation_test(trialkit.load("anorexia"), "weight", "post", "ancova", arm="ft",
                           n_resamples=2000)
    row = res.iloc[0]
    assert not row["exact"] and row["n_arrangements"] == math.comb(43, 17)
    assert 0 < row["p"] < 0.05  # ANCOVA p = 0.000189 (MASS): rare under re-randomization
    assert "max_exact" in row["note"]


def test_permutation_bad_arguments():
    anorexia = trialkit.load("anorexia")
    for kwargs, field in [({"statistic": "median"}, "statistic"),
                          ({"alternative": "two.sided"}, "alternative"),
                          ({"n_resamples": 0}, "n_resamples"), ({"seed": -1}, "seed"),
                          ({"arm": "control"}, "arm"), ({"arm": "xx"}, "arm")]:
        with pytest.raises(TrialDataError) as info:
            permutation_test(anorexia, "weight", "post", **kwargs)
        assert info.value.field == field, kwargs


# --- bootstrap ------------------------------------------------------------------------------

def test_bootstrap_seeded_reproducible_and_distribution_returned():
    anorexia = trialkit.load("anorexia")
    a = bootstrap(anorexia, "weight", "post", arm="ft", seed=3)
    b = bootstrap(anorexia, "weight", "post", arm="ft", seed=3)
    c = bootstrap(anorexia, "weight", "post", arm="ft", seed=4)
    assert np.array_equal(a["distribution"].iloc[0], b["distribution"].iloc[0])
    assert a.drop(columns="distribution").equals(b.drop(columns="distribution"))
    assert not np.array_equal(a["distribution"].iloc[0], c["distribution"].iloc[0])
    row = a.iloc[0]
    assert row["ci_method"] == "BCa" and row["n_resamples"] == 10_000
    assert len(row["distribution"]) == 10_000
    wide = anorexia.ipd.query("timepoint == 'post'")
    observed = (wide.query("arm == 'ft'")["value"].mean()
                - wide.query("arm == 'control'")["value"].mean())
    assert row["estimate"] == pytest.approx(observed)
    assert row["ci_low"] < row["estimate"] < row["ci_high"]
    assert row["se"] == pytest.approx(np.std(row["distribution"], ddof=1))
    long = bootstrap_distribution(anorexia, "weight", "post", arm="ft", seed=3)
    assert np.array_equal(long["value"].to_numpy(), row["distribution"])
    assert list(long["resample"][:3]) == [0, 1, 2]


def test_bootstrap_percentile_is_quantiles_of_distribution():
    res = bootstrap(trialkit.load("anorexia"), "weight", "post", "change_difference",
                    arm="cbt", method="percentile", n_resamples=4000).iloc[0]
    lo, hi = np.percentile(res["distribution"], [2.5, 97.5])
    assert (res["ci_low"], res["ci_high"]) == pytest.approx((lo, hi), rel=1e-9)


def test_bootstrap_n3_degenerate_falls_back_to_percentile(two_arm):
    # every resample of two constant groups is the same: BCa's acceleration is 0/0
    trial = two_arm([1, 2, 3], [2, 2, 2], [1, 2, 3], [5, 5, 5])
    with np.errstate(all="raise"):
        row = bootstrap(trial, "score", "post", n_resamples=2000).iloc[0]
    assert row["estimate"] == -3
    assert row["ci_method"] == "percentile"
    assert "BCa interval undefined" in row["note"] and "zero width" in row["note"]
    assert row["ci_low"] == row["ci_high"] == -3
    # n = 3 per arm, ordinary data: no crash, a finite interval
    trial = two_arm([1, 2, 3], [1, 2, 4], [1, 2, 3], [0, 5, 9], name="small2")
    row = bootstrap(trial, "score", "post", n_resamples=2000).iloc[0]
    assert np.isfinite([row["ci_low"], row["ci_high"]]).all()
    # hedges_g: resamples with zero SD in both arms give no value; they are counted and left
    # out, never a crash or a silent NaN interval
    row = bootstrap(trial, "score", "post", "hedges_g", n_resamples=2000).iloc[0]
    assert np.isfinite([row["ci_low"], row["ci_high"]]).all()


def test_bootstrap_stratified_by_arm_and_within_arm(two_arm):
    trial = two_arm([1, 2, 3, 4], [2, 3, 4, 5], [1, 2, 3], [1, 1, 2])
    row = bootstrap(trial, "score", "post", n_resamples=500, method="percentile").iloc[0]
    assert (row["n1"], row["n2"]) == (4, 3)
    assert "stratified_by_arm" in row["method"]
    # arm means of a resample of 4 and 3 values: the difference is a multiple of 1/12
    assert np.allclose(np.round(row["distribution"] * 12), row["distribution"] * 12)
    within = bootstrap(trial, "score", "post", "mean_change", n_resamples=500)
    assert list(within["arm"]) == ["trt", "ctl"]
    assert within["comparison"].eq("post-pre").all()
    wide = baseline_followup(trial, "score", "post")
    assert within["estimate"].iloc[0] == pytest.approx(
        wide.query("arm == 'trt'")["change"].mean())


def test_bootstrap_crossover_paired_difference():
    row = bootstrap(trialkit.load("sleep"), "extra_sleep", "on_drug").iloc[0]
    assert row["measure"] == "paired_difference" and row["comparison"] == "drug2-drug1"
    assert row["estimate"] == pytest.approx(1.58)
    assert 0 < row["ci_low"] < 1.58 < row["ci_high"]
    with pytest.raises(TrialDataError) as info:
        bootstrap(trialkit.load("sleep"), "extra_sleep", "on_drug", "mean_difference")
    assert info.value.field == "statistic"


def test_bootstrap_bad_arguments(two_arm):
    anorexia = trialkit.load("anorexia")
    for kwargs, field in [({"statistic": "mean"}, "statistic"), ({"method": "bca"}, "method"),
                          ({"n_resamples": 1}, "n_resamples"), ({"seed": 1.5}, "seed"),
                          ({"level": 0}, "level")]:
        with pytest.raises(TrialDataError) as info:
            bootstrap(anorexia, "weight", "post", **kwargs)
        assert info.value.field == field, kwargs
    single = two_arm([1], [2], [1, 2], [3, 4], name="single")
    with pytest.raises(TrialDataError, match="at least 2 patients") as info:
        bootstrap(single, "score", "post")
    assert info.value.field == "arm"
