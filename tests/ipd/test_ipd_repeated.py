"""repeated(): random-intercept mixed model and GEEs on all follow-up visits."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import optimize

import trialkit
from trialkit import TrialDataError
from trialkit.ipd import repeated


def _btheb_design(trial):
    """HSAUR's BtheB_lmer1 design, built here independently: y, X, patient groups."""
    ipd, pat = trial.ipd, trial.patients.set_index("patient")
    pre = ipd[ipd["timepoint"] == "pre"].set_index("patient")["value"]
    fu = ipd[ipd["timepoint"] != "pre"]
    months = fu["timepoint"].map({"m2": 2, "m3": 3, "m5": 5, "m8": 8}).to_numpy(float)
    x = np.column_stack([np.ones(len(fu)), fu["patient"].map(pre), months,
                         fu["arm"] == "btheb", fu["patient"].map(pat["drug"]) == "Yes",
                         fu["patient"].map(pat["length"]) == ">6m"]).astype(float)
    groups = list(fu.groupby("patient").indices.values())
    return fu["value"].to_numpy(float), x, groups


def _profile_fit(y, x, groups, reml):
    """Random-intercept LMM by direct 1-D optimization of the profile (restricted)
    likelihood in gamma = tau2 / sigma2 (Laird & Ware 1982), with V_i^-1 by Woodbury."""
    n, p = x.shape

    def parts(log_gamma):
        g = np.exp(log_gamma)
        xtx, xty, yty, logdet = np.zeros((p, p)), np.zeros(p), 0.0, 0.0
        for idx in groups:
            xi, yi = x[idx], y[idx]
            c = g / (1 + len(idx) * g)
            sx, sy = xi.sum(axis=0), yi.sum()
            xtx += xi.T @ xi - c * np.outer(sx, sx)
            xty += xi.T @ yi - c * sx * sy
            yty += yi @ yi - c * sy * sy
            logdet += np.log1p(len(idx) * g)
        beta = np.linalg.solve(xtx, xty)
        rss = yty - xty @ beta
        return beta, rss, logdet, xtx

    def objective(log_gamma):
        _, rss, logdet, xtx = parts(log_gamma)
        if reml:
            return (n - p) * np.log(rss) + logdet + np.linalg.slogdet(xtx)[1]
        return n * np.log(rss) + logdet

    best = optimize.minimize_scalar(objective, bracket=(-2.0, 2.0), tol=1e-12)
    beta, rss, _, xtx = parts(best.x)
    sigma2 = rss / (n - p if reml else n)
    return beta, np.exp(best.x) * sigma2, sigma2, np.sqrt(np.diag(np.linalg.inv(xtx) * sigma2))


@pytest.mark.parametrize("reml", [False, True])
def test_mixed_model_equals_direct_likelihood_optimum(reml):
    btheb = trialkit.load("btheb")
    y, x, groups = _btheb_design(btheb)
    beta, tau2, sigma2, se = _profile_fit(y, x, groups, reml)
    res = repeated(btheb, "bdi", covariates=["drug", "length"], time="linear",
                   interaction=False, reml=reml, model="mixed", coefficients=True)
    coefs = res[res["measure"] == "coefficient"].set_index("term")
    terms = ["const", "pre", "time", "arm[btheb]", "drug[Yes]", "length[>6m]"]
    assert coefs.loc[terms, "estimate"].to_numpy() == pytest.approx(beta, abs=2e-6)
    assert coefs.loc[terms, "se"].to_numpy() == pytest.approx(se, abs=2e-6)
    assert res["group_var"].iloc[0] == pytest.approx(tau2, rel=1e-5)
    assert res["resid_var"].iloc[0] == pytest.approx(sigma2, rel=1e-5)
    assert ("/REML/" if reml else "/ML/") in res["method"].iloc[0]


def test_default_model_per_visit_differences_with_dropout():
    btheb = trialkit.load("btheb")
    res = repeated(btheb, "bdi")
    assert set(res["model"]) == {"mixed", "gee_exchangeable", "gee_independence"}
    mixed = res[res["model"] == "mixed"]
    assert list(mixed["timepoint"]) == ["m2", "m3", "m5", "m8"]
    assert (mixed["comparison"] == "btheb-tau").all()
    # patients with missed visits keep the visits they attended: all 280 follow-up values of
    # the 97 patients seen at least once after baseline (HSAUR: "Number of obs: 280")
    assert (mixed["n_obs"] == 280).all() and (mixed["n_patients"] == 97).all()
    assert mixed["df"].isna().all()
    assert res["note"].str.contains("Wald z").all()
    assert (res["ci_low"] < res["estimate"]).all() and (res["estimate"] < res["ci_high"]).all()
    assert "REML" in mixed["method"].iloc[0]
    assert res["method"].str.contains("bias_reduced").sum() == 8


def test_per_visit_difference_is_arm_plus_interaction():
    btheb = trialkit.load("btheb")
    res = repeated(btheb, "bdi", model="mixed", coefficients=True)
    coef = res[res["measure"] == "coefficient"].set_index("term")["estimate"]
    diff = res[res["measure"] == "arm_difference"].set_index("timepoint")["estimate"]
    assert diff["m2"] == pytest.approx(coef["arm[btheb]"])
    assert diff["m5"] == pytest.approx(coef["arm[btheb]"] + coef["arm[btheb]:time[m5]"])


def test_gee_working_correlations_and_covariances():
    btheb = trialkit.load("btheb")
    res = repeated(btheb, "bdi", model="gee", time="linear",
                   gee_corr=("exchangeable", "unstructured", "ar1", "independence"))
    assert set(res["model"]) == {"gee_exchangeable", "gee_unstructured", "gee_ar1",
                                 "gee_independence"}
    assert np.isfinite(res[["estimate", "se"]].to_numpy()).all()
    robust = repeated(btheb, "bdi", model="gee", gee_corr="exchangeable", gee_cov="robust")
    reduced = repeated(btheb, "bdi", model="gee", gee_corr="exchangeable")
    assert robust["estimate"].to_numpy() == pytest.approx(reduced["estimate"].to_numpy())
    # Mancl-DeRouen's correction inflates the sandwich
    assert (reduced["se"].to_numpy() > robust["se"].to_numpy()).all()


def test_two_follow_ups_small_counts_trial_runs():
    res = repeated(trialkit.load("polyps"), "polyps", covariates=["age"])
    assert set(res["timepoint"]) == {"m3", "m12"}
    assert (res["n_patients"] == 22).all()


def test_bad_arguments_name_the_argument():
    btheb = trialkit.load("btheb")
    cases = [({"model": "lmer"}, "model"), ({"time": "spline"}, "time"),
             ({"gee_corr": ["toeplitz"]}, "gee_corr"), ({"gee_cov": "jackknife"}, "gee_cov"),
             ({"level": 95}, "level"), ({"reml": "yes"}, "reml"),
             ({"time": "none", "interaction": True}, "interaction"),
             ({"reference": "nobody"}, "reference"), ({"covariates": ["age"]}, "covariates")]
    for kwargs, field in cases:
        with pytest.raises(TrialDataError) as info:
            repeated(btheb, "bdi", **kwargs)
        assert info.value.field == field, kwargs
    with pytest.raises(TrialDataError, match="unknown outcome"):
        repeated(btheb, "hamd")
    with pytest.raises(TrialDataError, match="no baseline"):
        repeated(trialkit.load("sleep"), "extra_sleep")
    with pytest.raises(TrialDataError, match="needs patient data"):
        repeated(trialkit.load("mejuto2014"), "pain")


def test_inputs_not_mutated():
    btheb = trialkit.load("btheb")
    covariates = ["drug", "length"]
    before = btheb.ipd.copy()
    repeated(btheb, "bdi", covariates=covariates, model="mixed")
    assert covariates == ["drug", "length"]
    assert btheb.ipd.equals(before)


def test_visit_where_everyone_is_seen_matches_ancova():
    # With a baseline slope per visit, and every patient seen at 3 months, the GEE with
    # independence working correlation reproduces the 3-month ANCOVA estimate exactly, and
    # the mixed model does too (the 12-month visit adds no information on 3-month effects
    # when every patient has both baseline and 3-month counts)
    from trialkit.ipd import ancova

    polyps = trialkit.load("polyps")
    an = ancova(polyps, "polyps", "m3").iloc[0]
    res = repeated(polyps, "polyps").query("timepoint == 'm3'").set_index("model")
    assert res.loc["gee_independence", "estimate"] == pytest.approx(an["estimate"])
    assert res.loc["mixed", "estimate"] == pytest.approx(an["estimate"], abs=1e-6)
    with pytest.raises(TrialDataError) as info:
        repeated(polyps, "polyps", time="none", baseline_by_time=True)
    assert info.value.field == "baseline_by_time"
