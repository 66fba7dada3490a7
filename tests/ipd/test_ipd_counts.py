"""count_model(): rate ratios with baseline as log covariate or offset; three families."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import optimize, special

import trialkit
from trialkit import TrialDataError
from trialkit.ipd import count_model


def test_negative_binomial_is_the_maximum_likelihood_fit():
    polyps = trialkit.load("polyps")
    res = count_model(polyps, "polyps", "m12", coefficients=True)
    # NB2 log-likelihood maximized directly (Cameron & Trivedi 2013, eq. 3.26), with
    # log(baseline + 1) as covariate, written out here independently of statsmodels
    ipd = polyps.ipd
    base = ipd[ipd["timepoint"] == "baseline"].set_index("patient")["value"]
    m12 = ipd[ipd["timepoint"] == "m12"]
    y = m12["value"].to_numpy(float)
    x = np.column_stack([np.ones(len(y)), np.log1p(m12["patient"].map(base).to_numpy(float)),
                         (m12["arm"] == "sulindac").to_numpy(float)])

    def nll(theta):
        beta, alpha = theta[:3], np.exp(theta[3])
        mu = np.exp(x @ beta)
        r = 1 / alpha
        return -np.sum(special.gammaln(y + r) - special.gammaln(r) - special.gammaln(y + 1)
                       + r * np.log(r / (r + mu)) + y * np.log(mu / (r + mu)))

    best = optimize.minimize(nll, np.array([0.0, 1.0, 0.0, -1.0]), method="Nelder-Mead",
                             options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 40000})
    coef = res[res["measure"] == "coefficient"].set_index("term")["estimate"]
    assert coef["arm[sulindac]"] == pytest.approx(best.x[2], abs=1e-5)
    assert coef["log(baseline+1)"] == pytest.approx(best.x[1], abs=1e-5)
    rr = res[res["measure"] == "rate_ratio"].iloc[0]
    assert rr["estimate"] == pytest.approx(np.exp(best.x[2]), rel=1e-5)
    assert rr["dispersion"] == pytest.approx(np.exp(best.x[3]), rel=1e-4)
    assert rr["ci_low"] < rr["estimate"] < rr["ci_high"]
    assert rr["estimate"] == pytest.approx(np.exp(rr["log_estimate"]))
    assert "Wald z" in rr["note"] and np.isnan(rr["df"])


def test_offset_and_log_baseline():
    polyps = trialkit.load("polyps")
    off = count_model(polyps, "polyps", "m3", family="poisson", baseline="offset",
                      coefficients=True)
    assert "offset(log(baseline))" in off["method"].iloc[0]
    assert "log(baseline+1)" not in set(off["term"])
    log = count_model(polyps, "polyps", "m3", family="poisson", coefficients=True)
    assert "log(baseline+1)" in set(log["term"])
    assert (off["n"] == 22).all()


def test_count_checks():
    with pytest.raises(TrialDataError, match="not a count") as info:
        count_model(trialkit.load("anorexia"), "weight", "post")
    assert info.value.field == "outcome"
    polyps = trialkit.load("polyps")
    for kwargs, field in [({"family": "zip"}, "family"), ({"baseline": "change"}, "baseline"),
                          ({"covariates": ["weight"]}, "covariates"),
                          ({"reference": "drug"}, "reference")]:
        with pytest.raises(TrialDataError) as info:
            count_model(polyps, "polyps", "m12", **kwargs)
        assert info.value.field == field, kwargs


def test_offset_needs_positive_baseline(two_arm):
    trial = two_arm([0, 2, 3], [1, 2, 4], [1, 2, 3], [2, 5, 9])
    with pytest.raises(TrialDataError, match="> 0") as info:
        count_model(trial, "score", "post", baseline="offset")
    assert info.value.field == "baseline"
    assert len(count_model(trial, "score", "post", family="poisson")) == 1
