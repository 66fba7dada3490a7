"""Published analyses of the bundled trials, reproduced to the precision they were printed.

Each expected number is copied from the output cited next to it; none comes from this code.
"""

from __future__ import annotations

import numpy as np
import pytest

import trialkit
from trialkit.ipd import ancova, count_model, paired, repeated


def pick(frame, **keys):
    sel = frame
    for key, value in keys.items():
        sel = sel[sel[key] == value]
    assert len(sel) == 1, sel
    return sel.iloc[0]


# --- sleep: Student's paired t test -------------------------------------------------------

def test_sleep_paired_t_reproduces_r_t_test_example():
    # R documentation ?t.test (datasets::sleep), example
    #   with(sleep, t.test(extra[group == 1], extra[group == 2], paired = TRUE))
    # printed output (R's own tests and countless copies of it):
    #   t = -4.0621, df = 9, p-value = 0.002833
    #   95 percent confidence interval: -2.4598858 -0.7001142
    #   mean of the differences -1.58
    res = paired(trialkit.load("sleep"), "extra_sleep", reference="drug2")
    md = pick(res, measure="mean_difference")
    assert md["comparison"] == "drug1-drug2"
    assert md["estimate"] == pytest.approx(-1.58, abs=5e-9)
    assert md["statistic"] == pytest.approx(-4.0621, abs=5e-5)
    assert md["df"] == 9
    assert md["p"] == pytest.approx(0.002833, abs=5e-7)
    assert md["ci_low"] == pytest.approx(-2.4598858, abs=5e-8)
    assert md["ci_high"] == pytest.approx(-0.7001142, abs=5e-8)
    # trialkit's default direction is arm minus reference: drug2 - drug1, the same test
    default = pick(paired(trialkit.load("sleep"), "extra_sleep"), measure="mean_difference")
    assert default["comparison"] == "drug2-drug1"
    assert default["estimate"] == pytest.approx(1.58, abs=5e-9)
    assert default["ci_low"] == pytest.approx(0.7001142, abs=5e-8)


def test_sleep_standardized_effects_by_hand():
    res = paired(trialkit.load("sleep"), "extra_sleep")
    # d_z = t / sqrt(n) from R's printed t: 4.0621 / sqrt(10) = 1.28454...
    dz = pick(res, measure="cohens_dz")
    assert dz["estimate"] == pytest.approx(4.0621 / 10**0.5, abs=5e-5)
    # Hedges' exact J on df = n - 1 = 9: Gamma(4.5) / (sqrt(4.5) Gamma(4)) = 0.91387...
    # (Gamma(4.5) = 11.631728..., Gamma(4) = 6, sqrt(4.5) = 2.121320...)
    j9 = 11.631728396567448 / (2.1213203435596424 * 6)
    gz = pick(res, measure="hedges_gz")
    assert gz["estimate"] == pytest.approx(j9 * dz["estimate"], rel=1e-12)
    # d_av = 1.58 / sqrt((sd1^2 + sd2^2) / 2); Student's group SDs with divisor n - 1:
    # drug1 1.789010, drug2 2.002249 (sd(sleep$extra[sleep$group == 1]) etc. in R)
    dav = pick(res, measure="cohens_dav")
    assert dav["estimate"] == pytest.approx(1.58 / ((1.789010**2 + 2.002249**2) / 2) ** 0.5,
                                            abs=2e-6)
    assert pick(res, measure="hedges_gav")["estimate"] == pytest.approx(
        j9 * dav["estimate"], rel=1e-12)
    # the noncentral-t interval of d_z contains the estimate and is not symmetric
    assert dz["ci_low"] < dz["estimate"] < dz["ci_high"]
    assert dz["ci_high"] - dz["estimate"] != pytest.approx(dz["estimate"] - dz["ci_low"])


# --- anorexia: the ANCOVA of Venables & Ripley (MASS) ------------------------------------

def test_anorexia_ancova_with_cbt_as_reference_reproduces_r():
    # R's own test output, src/library/stats/tests/simulate.Rout.save (MASS anorexia,
    # glm(Postwt ~ Prewt + Treat + offset(Prewt), family = gaussian), CBT the reference level):
    #               Estimate Std. Error t value   Pr(>|t|)
    #   Prewt       -0.56554    0.16118 -3.5087 0.00080343
    #   TreatCont   -4.09707    1.89349 -2.1638 0.03399931
    #   TreatFT      4.56306    2.13334  2.1389 0.03603508
    res = ancova(trialkit.load("anorexia"), "weight", "post", reference="cbt")
    cont = pick(res, comparison="control-cbt")
    assert cont["estimate"] == pytest.approx(-4.09707, abs=5e-6)
    assert cont["se"] == pytest.approx(1.89349, abs=5e-6)
    assert cont["statistic"] == pytest.approx(-2.1638, abs=5e-5)
    assert cont["p"] == pytest.approx(0.03399931, abs=5e-9)
    ft = pick(res, comparison="ft-cbt")
    assert ft["estimate"] == pytest.approx(4.56306, abs=5e-6)
    assert ft["se"] == pytest.approx(2.13334, abs=5e-6)
    assert ft["statistic"] == pytest.approx(2.1389, abs=5e-5)
    assert ft["p"] == pytest.approx(0.03603508, abs=5e-9)
    # offset(Prewt) turns the slope b into b - 1
    assert ft["slope"] - 1 == pytest.approx(-0.56554, abs=5e-6)
    assert ft["df"] == 68


def test_anorexia_family_therapy_change_matches_howell():
    # Howell DC, Statistical Methods for Psychology, Table 7.3 (Everitt's anorexia data, FT):
    # before mean 83.23, after 90.49, difference mean 7.26 (SD 7.16), n = 17; the paired t
    # he computes is 7.26 / (7.16 / sqrt(17)) = 4.18 on 16 df.
    res = paired(trialkit.load("anorexia"), "weight", arm="ft")
    md = pick(res, measure="mean_difference")
    assert md["comparison"] == "post-pre"
    assert md["estimate"] == pytest.approx(7.26, abs=0.005)
    assert md["sd_diff"] == pytest.approx(7.16, abs=0.005)
    assert md["mean1"] == pytest.approx(90.49, abs=0.005)
    assert md["mean2"] == pytest.approx(83.23, abs=0.005)
    assert md["statistic"] == pytest.approx(4.18, abs=0.005)
    assert md["df"] == 16


# --- Beat the Blues: Everitt & Hothorn, HSAUR 2nd ed., chapters 12 and 13 ------------------

def test_btheb_random_intercept_model_reproduces_hsaur2():
    # HSAUR2 tests/Ch_analysing_longitudinal_dataI.Rout.save (R 2.9.0, lme4 of 2009):
    #   BtheB_lmer1 <- lmer(bdi ~ bdi.pre + time + treatment + drug + length + (1 | subject),
    #                       data = BtheB_long, REML = FALSE, na.action = na.omit)
    #   Random effects: subject (Intercept) Variance 48.777; Residual 25.140
    #   Number of obs: 280, groups: subject, 97
    #                  Estimate Std. Error t value
    #   (Intercept)     5.59244    2.24232   2.494
    #   bdi.pre         0.63967    0.07789   8.213
    #   time           -0.70477    0.14639  -4.814
    #   treatmentBtheB -2.32912    1.67026  -1.394
    #   drugYes        -2.82497    1.72674  -1.636
    #   length>6m       0.19712    1.63823   0.120
    #   cftest: treatmentBtheB Pr(>|z|) 0.1632
    # Data mapping: HSAUR's time is months 2, 3, 5, 8 = the order of timepoints m2..m8 here.
    # Tolerance: the 2009 lme4 stopped about 4e-5 short of the ML optimum (the ML fit checked
    # against an independent profile-likelihood optimum in test_ipd_repeated.py gives
    # 5.592393, -2.329083, ...), so estimates agree to 1e-4 and standard errors to 2e-4; the
    # variance components and p agree at the printed precision, the z values to 2e-4
    # relative.
    res = repeated(trialkit.load("btheb"), "bdi", covariates=["drug", "length"],
                   time="linear", interaction=False, reml=False, model="mixed",
                   coefficients=True)
    printed = {"const": (5.59244, 2.24232, 2.494), "pre": (0.63967, 0.07789, 8.213),
               "time": (-0.70477, 0.14639, -4.814), "arm[btheb]": (-2.32912, 1.67026, -1.394),
               "drug[Yes]": (-2.82497, 1.72674, -1.636),
               "length[>6m]": (0.19712, 1.63823, 0.120)}
    for term, (est, se, z) in printed.items():
        row = pick(res, measure="coefficient", term=term)
        assert row["estimate"] == pytest.approx(est, abs=1e-4), term
        assert row["se"] == pytest.approx(se, abs=2e-4), term
        assert row["statistic"] == pytest.approx(z, abs=5e-4 + 2e-4 * abs(z)), term
    arm = pick(res, measure="arm_difference")
    assert arm["timepoint"] == "*" and arm["comparison"] == "btheb-tau"
    assert arm["p"] == pytest.approx(0.1632, abs=5e-5)
    assert arm["group_var"] == pytest.approx(48.777, abs=5e-4)
    assert arm["resid_var"] == pytest.approx(25.140, abs=5e-4)
    assert arm["n_obs"] == 280 and arm["n_patients"] == 97
    assert "/ML/" in arm["method"] and "z" in arm["note"]


def test_btheb_gee_reproduces_hsaur2():
    # HSAUR2 tests/Ch_analysing_longitudinal_dataII.Rout.save (R package gee, options(digits
    # = 3)): gee(bdi ~ bdi.pre + trt + length + drug, id = subject, family = gaussian, ...)
    #   corstr = "independence":   Estimate Naive S.E. Robust S.E. Robust z
    #     trtBtheB      -3.237     1.1296      1.7746   -1.824
    #     bdi.pre        0.582     0.0564      0.0916    6.355
    #     drugYes       -3.741     1.1766      1.7827   -2.099
    #     Estimated Scale Parameter: 79.3
    #   corstr = "exchangeable":
    #     trtBtheB      -2.169     1.7664      1.7361   -1.2495
    #     bdi.pre        0.648     0.0823      0.0835    7.7583
    #     length>6m     -0.111     1.7309      1.5509   -0.0718
    #     Estimated Scale Parameter: 81.7
    btheb = trialkit.load("btheb")
    kw = {"covariates": ["length", "drug"], "time": "none", "model": "gee",
          "gee_corr": ["independence", "exchangeable"], "coefficients": True}
    robust = repeated(btheb, "bdi", gee_cov="robust", **kw)
    naive = repeated(btheb, "bdi", gee_cov="naive", **kw)
    expected = {
        ("gee_independence", "arm[btheb]"): (-3.237, 1.1296, 1.7746, -1.824),
        ("gee_independence", "pre"): (0.582, 0.0564, 0.0916, 6.355),
        ("gee_independence", "drug[Yes]"): (-3.741, 1.1766, 1.7827, -2.099),
        ("gee_exchangeable", "arm[btheb]"): (-2.169, 1.7664, 1.7361, -1.2495),
        ("gee_exchangeable", "pre"): (0.648, 0.0823, 0.0835, 7.7583),
        ("gee_exchangeable", "length[>6m]"): (-0.111, 1.7309, 1.5509, -0.0718),
    }
    for (model, term), (est, se_naive, se_robust, z) in expected.items():
        r = pick(robust, model=model, term=term)
        assert r["estimate"] == pytest.approx(est, abs=5e-4)
        assert r["se"] == pytest.approx(se_robust, abs=5e-5)
        assert r["statistic"] == pytest.approx(z, abs=5e-4 if abs(z) < 1 else 5e-3)
        assert pick(naive, model=model, term=term)["se"] == pytest.approx(se_naive, abs=5e-5)
    assert pick(robust, model="gee_independence", term="pre")["resid_var"] == pytest.approx(
        79.3, abs=0.05)
    assert pick(robust, model="gee_exchangeable", term="pre")["resid_var"] == pytest.approx(
        81.7, abs=0.05)


# --- polyps: Everitt & Hothorn, HSAUR 2nd ed., chapter 7 ----------------------------------

def _r_glm_poisson(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, float, int]:
    """R's glm.fit for a Poisson log-linear model, step by step: start at mu = y + 0.1, IRLS
    until |dev - dev_old| / (|dev| + 0.1) < 1e-8, standard errors and Pearson dispersion
    from the working weights of the last IRLS step (computed from the previous mu)."""
    mu = y + 0.1
    eta = np.log(mu)
    dev_old = np.inf
    for iteration in range(1, 26):  # noqa: B007 (returned below)
        z, w = eta + (y - mu) / mu, mu
        xtw = x.T * w
        beta = np.linalg.solve(xtw @ x, xtw @ z)
        eta = x @ beta
        mu = np.exp(eta)
        terms = np.where(y > 0, y * np.log(np.where(y > 0, y, 1) / mu), 0.0)
        dev = 2 * np.sum(terms - (y - mu))
        if abs(dev - dev_old) / (abs(dev) + 0.1) < 1e-8:
            break
        dev_old = dev
    se = np.sqrt(np.diag(np.linalg.inv((x.T * w) @ x)))
    dispersion = float(np.sum(w * ((y - mu) / mu) ** 2) / (len(y) - x.shape[1]))
    return beta, se, dispersion, iteration


def test_polyps_poisson_and_quasi_poisson_reproduce_hsaur2():
    # HSAUR2 tests/Ch_logistic_regression_glm.Rout.save:
    #   polyps_glm_1 <- glm(number ~ treat + age, data = polyps, family = poisson())
    #                Estimate Std. Error z value Pr(>|z|)
    #   (Intercept)  4.529024   0.146872   30.84  < 2e-16
    #   treatdrug   -1.359083   0.117643  -11.55  < 2e-16
    #   age         -0.038830   0.005955   -6.52 7.02e-11
    #   Number of Fisher Scoring iterations: 5
    #   polyps_glm_2 <- glm(number ~ treat + age, data = polyps, family = quasipoisson())
    #   (Intercept)  4.52902    0.48106   9.415 3.72e-08
    #   treatdrug   -1.35908    0.38533  -3.527  0.00259
    #   age         -0.03883    0.01951  -1.991  0.06284
    #   (Dispersion parameter for quasipoisson family taken to be 10.72805)
    # Data mapping: HSAUR2::polyps = the 20 patients with a 12-month count = timepoint m12;
    # treat drug = arm sulindac. The baseline count is not in HSAUR's model: baseline="none".
    #
    # R stops after 5 IRLS steps and takes its standard errors and dispersion from the working
    # weights of the last step, which lag the final fit by one iteration: replaying glm.fit
    # (_r_glm_poisson) reproduces every printed digit, including SE 0.117643 and dispersion
    # 10.72805. trialkit reports the converged fit, whose standard errors differ from R's in
    # the 6th significant digit (0.1176449 vs 0.117643) and whose dispersion is 10.72783.
    polyps = trialkit.load("polyps")
    m12 = polyps.ipd.query("timepoint == 'm12'")
    age = m12["patient"].map(polyps.patients.set_index("patient")["age"]).to_numpy(float)
    x = np.column_stack([np.ones(len(m12)), (m12["arm"] == "sulindac").to_numpy(float), age])
    beta_r, se_r, disp_r, iterations = _r_glm_poisson(x, m12["value"].to_numpy(float))
    assert iterations == 5
    assert beta_r == pytest.approx([4.529024, -1.359083, -0.038830], abs=5e-7)
    assert se_r == pytest.approx([0.146872, 0.117643, 0.005955], abs=5e-7)
    assert disp_r == pytest.approx(10.72805, abs=5e-6)

    pois = count_model(polyps, "polyps", "m12", covariates=["age"], family="poisson",
                       baseline="none", coefficients=True)
    for term, (est, se, z) in {"const": (4.529024, 0.146872, 30.84),
                               "arm[sulindac]": (-1.359083, 0.117643, -11.55),
                               "age": (-0.038830, 0.005955, -6.52)}.items():
        row = pick(pois, measure="coefficient", term=term)
        assert row["estimate"] == pytest.approx(est, abs=5e-7)
        assert row["se"] == pytest.approx(se, abs=2e-6)
        assert row["statistic"] == pytest.approx(z, abs=5e-3)
    assert pick(pois, measure="coefficient", term="age")["p"] == pytest.approx(7.02e-11,
                                                                               abs=5e-13)
    rr = pick(pois, measure="rate_ratio")
    assert rr["n"] == 20 and rr["log_estimate"] == pytest.approx(-1.359083, abs=5e-7)
    assert rr["estimate"] == pytest.approx(np.exp(-1.359083), rel=1e-6)

    quasi = count_model(polyps, "polyps", "m12", covariates=["age"], family="quasi_poisson",
                        baseline="none", coefficients=True)
    for term, (est, se, t, p) in {"const": (4.52902, 0.48106, 9.415, 3.72e-08),
                                  "arm[sulindac]": (-1.35908, 0.38533, -3.527, 0.00259),
                                  "age": (-0.03883, 0.01951, -1.991, 0.06284)}.items():
        row = pick(quasi, measure="coefficient", term=term)
        assert row["estimate"] == pytest.approx(est, abs=5e-6)
        assert row["se"] == pytest.approx(se, abs=5e-6)
        assert row["statistic"] == pytest.approx(t, abs=5e-4)
        assert row["p"] == pytest.approx(p, rel=2e-3)
        assert row["df"] == 17
    assert pick(quasi, measure="rate_ratio")["dispersion"] == pytest.approx(10.72805, rel=5e-5)
