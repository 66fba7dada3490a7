"""trialkit.reanalysis against hand calculations, closed forms, a seeded simulation and R.

R reference values come from tests/reference/reanalysis.R (BayesFactor, metafor, pwr); its
printed output is stored in tests/reference/reanalysis.csv, so the suite does not need R.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from trialkit import TrialDataError
from trialkit.reanalysis import (
    bayes,
    bayes_factor,
    design,
    design_curve,
    minimal_effect,
    pool,
    prior_parameters,
    responders,
    sample_size,
)

REFERENCE = Path(__file__).parents[1] / "reference" / "reanalysis.csv"


def _reference(check: str) -> list[dict[str, str]]:
    with REFERENCE.open(newline="") as fh:
        return [row for row in csv.DictReader(fh) if row["check"] == check]


# ------------------------------------------------------------------------------------------
# bayes: normal-normal update
# ------------------------------------------------------------------------------------------


def test_normal_normal_update_worked_by_hand():
    # Prior N(-0.26, 0.13^2), estimate -0.74 with SE 0.36 (the GREAT trial's numbers in
    # Spiegelhalter, Abrams & Myles 2004, example 3.6), worked on paper:
    #   prior precision 1/0.13^2 = 59.172, data precision 1/0.36^2 = 7.716
    #   posterior precision 66.888 -> SD 1/sqrt(66.888) = 0.12227
    #   posterior mean (59.172 * -0.26 + 7.716 * -0.74) / 66.888 = -21.094 / 66.888 = -0.31536
    res = bayes(-0.74, 0.36, prior=(-0.26, 0.13))
    row = res.iloc[0]
    assert row["estimate"] == pytest.approx(-0.31536, abs=5e-5)
    assert row["se"] == pytest.approx(0.12227, abs=5e-5)
    # 95% credible interval: -0.31536 -+ 1.95996 * 0.12227
    assert row["ci_low"] == pytest.approx(-0.55500, abs=1e-4)
    assert row["ci_high"] == pytest.approx(-0.07572, abs=1e-4)
    # Higher is better by default: P(theta > 0) = Phi(-0.31536 / 0.12227) = Phi(-2.5792)
    assert row["p_benefit"] == pytest.approx(0.004952, abs=2e-5)
    assert row["p_harm"] == pytest.approx(1 - 0.004952, abs=2e-5)
    assert "p_mcid=NaN(no MCID given)" in row["method"]


def test_named_priors_are_anchored_at_the_mcid():
    # Spiegelhalter, Freedman & Parmar 1994: skeptical prior N(0, s^2) with P(theta > MCID)
    # = 0.05, i.e. s = MCID / 1.6449; enthusiastic centred on the MCID with P(theta < 0) = 0.05.
    mcid = 1.3
    m, s = prior_parameters("skeptical", mcid)
    assert (m, s) == (0.0, pytest.approx(1.3 / 1.644854, rel=1e-6))
    assert stats.norm.sf(mcid, m, s) == pytest.approx(0.05, abs=1e-9)
    m, s = prior_parameters("enthusiastic", mcid, sign=-1.0)
    assert m == -1.3 and stats.norm.sf(0.0, m, s) == pytest.approx(0.05, abs=1e-9)
    m, s = prior_parameters("neutral", mcid)
    assert stats.norm.sf(2 * mcid, m, s) == pytest.approx(0.025, abs=1e-9)
    with pytest.raises(TrialDataError, match="anchored at the MCID"):
        bayes(1.0, 0.5, prior="skeptical")


def test_skeptical_prior_probabilities_by_hand():
    # Pain difference -2.0 (SE 0.8), lower is better, MCID 1.3, skeptical prior N(0, 0.79031^2):
    #   w0 = 1/0.79031^2 = 1.60106, w = 1/0.64 = 1.5625, posterior var 1/3.16356 = 0.316100
    #   mean 0.316100 * 1.5625 * -2.0 = -0.98781, SD 0.56223
    #   P(benefit) = P(theta < 0) = Phi(0.98781 / 0.56223) = Phi(1.75695) = 0.96054
    #   P(benefit >= MCID) = P(theta < -1.3) = Phi((-1.3 + 0.98781) / 0.56223) = Phi(-0.55527)
    #                      = 0.28936
    res = bayes(-2.0, 0.8, prior="skeptical", mcid=1.3, direction="lower_is_better")
    row = res.iloc[0]
    assert row["estimate"] == pytest.approx(-0.98781, abs=5e-5)
    assert row["se"] == pytest.approx(0.56223, abs=5e-5)
    assert row["p_benefit"] == pytest.approx(0.96054, abs=5e-5)
    assert row["p_mcid"] == pytest.approx(0.28936, abs=5e-5)


def test_mirroring_the_outcome_gives_the_same_probabilities():
    est, se = np.array([-2.0, 0.3, 1.1]), np.array([0.8, 0.5, 0.9])
    priors = ["skeptical", "neutral", "enthusiastic", "flat"]
    low = bayes(est, se, prior=priors, mcid=1.3, df=15, direction="lower_is_better")
    high = bayes(-est, se, prior=priors, mcid=1.3, df=15, direction="higher_is_better")
    for col in ("p_benefit", "p_mcid", "p_harm", "se"):
        np.testing.assert_allclose(low[col], high[col], rtol=0, atol=1e-9)
    np.testing.assert_allclose(low["estimate"], -high["estimate"], atol=1e-9)


def test_flat_prior_with_t_likelihood_is_the_t_distribution():
    # Closed form: with a flat prior, theta = est - se T, T ~ t(df), so
    # P(theta > 0) = F_t(est / se; df); here est/se = 2.0, df = 8: F_t(2.0; 8) = 0.959742.
    res = bayes(1.6, 0.8, prior="flat", mcid=1.0, df=8)
    t_row = res[res["likelihood"] == "student_t(df=8)"].iloc[0]
    assert t_row["p_benefit"] == pytest.approx(stats.t.cdf(2.0, 8), abs=1e-12)
    assert t_row["p_benefit"] == pytest.approx(0.959742, abs=1e-6)
    # P(theta >= 1.0) = F_t((1.6 - 1.0)/0.8; 8) = F_t(0.75; 8)
    assert t_row["p_mcid"] == pytest.approx(stats.t.cdf(0.75, 8), abs=1e-12)
    normal_row = res[res["likelihood"] == "normal"].iloc[0]
    assert normal_row["p_benefit"] == pytest.approx(stats.norm.cdf(2.0), abs=1e-12)


def test_t_likelihood_grid_agrees_with_direct_quadrature():
    # Normal prior x t likelihood, integrated independently with scipy's quad.
    from scipy import integrate

    est, se, df, m0, s0 = -1.8, 0.7, 9, 0.0, 1.3 / 1.6448536269514722

    def post(theta):
        return stats.norm.pdf(theta, m0, s0) * stats.t.pdf((est - theta) / se, df)

    total = integrate.quad(post, -np.inf, np.inf)[0]
    below0 = integrate.quad(post, -np.inf, 0)[0] / total
    below_mcid = integrate.quad(post, -np.inf, -1.3)[0] / total
    mean = integrate.quad(lambda x: x * post(x), -np.inf, np.inf)[0] / total
    res = bayes(est, se, prior="skeptical", mcid=1.3, df=df, direction="lower_is_better")
    row = res[res["likelihood"] == "student_t(df=9)"].iloc[0]
    assert row["p_benefit"] == pytest.approx(below0, abs=1e-6)
    assert row["p_mcid"] == pytest.approx(below_mcid, abs=1e-6)
    assert row["estimate"] == pytest.approx(mean, abs=1e-6)
    assert "grid_integration" in row["method"]


def test_bayes_rejects_bad_input():
    with pytest.raises(TrialDataError, match="direction"):
        bayes(1.0, 0.5, prior="flat", direction="up")
    with pytest.raises(TrialDataError, match="unknown prior"):
        bayes(1.0, 0.5, prior="optimistic", mcid=1)
    with pytest.raises(TrialDataError, match="SD > 0"):
        bayes(1.0, 0.5, prior=(0.0, -1.0))
    with pytest.raises(TrialDataError):
        bayes(1.0, 0.0, prior="flat")
    with pytest.raises(TrialDataError, match="mcid"):
        bayes(1.0, 0.5, prior="flat", mcid=float("nan"))


# ------------------------------------------------------------------------------------------
# bayes_factor against R BayesFactor::ttest.tstat
# ------------------------------------------------------------------------------------------


def test_bayes_factor_matches_r_bayesfactor():
    rows = _reference("bayes_factor")
    assert len(rows) == 40
    for row in rows:
        parts = dict(p.split("=") for p in row["case"].split(";"))
        n2 = None if parts["n2"] == "NA" else int(parts["n2"])
        res = bayes_factor(float(parts["t"]), int(parts["n1"]), n2, r=float(parts["r"]))
        # BayesFactor integrates numerically too; agreement to 1e-5 on the log scale.
        assert res["log_bf10"].iloc[0] == pytest.approx(float(row["value"]), abs=1e-5), row


def test_bayes_factor_of_t_zero_favours_the_null():
    # With t = 0 the data favour the null: BF10 < 1, and it falls as n grows.
    res = bayes_factor([0.0, 0.0], [10, 100])
    assert (res["bf10"] < 1).all() and res["bf10"].iloc[1] < res["bf10"].iloc[0]
    assert res["bf01"].to_numpy() == pytest.approx(1 / res["bf10"].to_numpy())


# ------------------------------------------------------------------------------------------
# design: closed form against a seeded simulation (Gelman & Carlin 2014)
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("effect", "se"), [(0.1, 3.3), (1.0, 1.0), (2.8, 1.0), (-0.5, 0.4)])
def test_design_closed_form_matches_simulation(effect, se):
    # Gelman & Carlin's retrodesign() estimates type M by simulation; do the same, seeded.
    rng = np.random.default_rng(20140101)
    est = effect + se * rng.standard_normal(2_000_000)
    sig = np.abs(est) > 1.959963984540054 * se
    power = sig.mean()
    type_s = np.mean(np.sign(est[sig]) != np.sign(effect))
    type_m = np.mean(np.abs(est[sig])) / abs(effect)
    res = design(effect, se).iloc[0]
    # Monte Carlo SE of a proportion p over 2e6 draws is at most 0.00035.
    assert res["power"] == pytest.approx(power, abs=0.0015)
    assert res["type_s"] == pytest.approx(type_s, abs=0.005)
    assert res["type_m"] == pytest.approx(type_m, rel=0.01)


def test_design_hand_values():
    # lam = 1: power = Phi(-0.95996) + Phi(-2.95996) = 0.168537 + 0.001539 = 0.170075
    # type S = 0.001539 / 0.170075 = 0.009047
    res = design(1.0, 1.0).iloc[0]
    assert res["power"] == pytest.approx(0.170075, abs=2e-6)
    assert res["type_s"] == pytest.approx(0.009047, abs=2e-6)
    # Gelman & Carlin's (2014) beauty-and-sex-ratio example: a plausible true difference of
    # 0.1 percentage points estimated with SE 3.3. They report power 0.05 and a Type S error
    # rate of 0.46, and an exaggeration ratio of about 78 (by simulation). Closed form here:
    # lam = 0.0303; power = Phi(-1.9297) + Phi(-1.9903) = 0.02682 + 0.02328 = 0.0501;
    # type S = 0.02328 / 0.0501 = 0.465.
    tiny = design(0.1, 3.3).iloc[0]
    assert round(tiny["power"], 2) == 0.05
    assert round(tiny["type_s"], 2) == 0.46
    assert 70 < tiny["type_m"] < 85


def test_design_with_t_matches_simulation():
    rng = np.random.default_rng(7)
    df, effect, se = 15, 1.5, 1.0
    est = effect + se * rng.standard_t(df, 2_000_000)
    crit = stats.t.isf(0.025, df)
    sig = np.abs(est) > crit * se
    res = design(effect, se, df=df).iloc[0]
    assert res["power"] == pytest.approx(sig.mean(), abs=0.0015)
    assert res["type_m"] == pytest.approx(np.mean(np.abs(est[sig])) / effect, rel=0.01)


def test_design_curve_and_bad_input():
    curve = design_curve(2.0, points=4)
    np.testing.assert_allclose(curve["true_effect"], [0.2, 2.8, 5.4, 8.0])
    assert curve["power"].is_monotonic_increasing
    assert curve["type_m"].is_monotonic_decreasing
    with pytest.raises(TrialDataError, match="true effect of 0"):
        design([1.0, 0.0], 1.0)


# ------------------------------------------------------------------------------------------
# sample_size against R pwr::pwr.t.test and Cohen (1988)
# ------------------------------------------------------------------------------------------


def test_sample_size_matches_pwr():
    for row in _reference("pwr"):
        parts = dict(p.split("=") for p in row["case"].split(";"))
        d, power = float(parts["d"]), float(parts["power"])
        res = sample_size(d, 1.0, power=power).iloc[0]
        assert res["n1_exact"] == pytest.approx(float(row["value"]), rel=1e-6), row
        assert res["n1"] == math.ceil(float(row["value"]))


def test_sample_size_cohen_table():
    # Cohen (1988), Table 2.4.1: d = 0.5, power .80, two-sided alpha .05 -> n = 64 per group.
    assert sample_size(0.65, 1.3, power=0.8).iloc[0]["n1"] == 64


# ------------------------------------------------------------------------------------------
# minimal_effect: TOST by hand (the TOSTER / Lakens 2017 example)
# ------------------------------------------------------------------------------------------


def test_tost_hand_calculation():
    # Moery & Calin-Jageman (2016, Study 2), TOSTER's TOSTtwo example used by Lakens (2017):
    # m1 = 5.25, sd1 = 0.95, n1 = 95; m2 = 5.22, sd2 = 0.83, n2 = 89; bounds d = +-0.43.
    # Raw bound: 0.43 * sqrt((0.95^2 + 0.83^2) / 2) = 0.43 * 0.892020 = 0.383569
    # Welch SE = sqrt(0.95^2/95 + 0.83^2/89) = sqrt(0.0095 + 0.0077404) = 0.131303
    # t_low = (0.03 + 0.383569)/0.131303 = 3.1497; t_high = (0.03 - 0.383569)/0.131303 = -2.6928
    bound = 0.43 * math.sqrt((0.95**2 + 0.83**2) / 2)
    res = minimal_effect(5.25, 0.95, 95, 5.22, 0.83, 89, margin=bound).iloc[0]
    assert res["se"] == pytest.approx(0.131303, abs=1e-6)
    assert res["t_low"] == pytest.approx(3.1497, abs=1e-4)
    assert res["t_high"] == pytest.approx(-2.6928, abs=1e-4)
    # Welch df = 0.0172404^2 / (0.0095^2/94 + 0.0077404^2/88)
    #          = 2.97231e-4 / (9.6011e-7 + 6.8084e-7) = 181.13
    assert res["df"] == pytest.approx(181.13, abs=0.01)
    assert res["p"] == pytest.approx(stats.t.cdf(-2.6928, 181.13), abs=1e-5)
    assert round(res["p"], 3) == 0.004
    assert bool(res["significant"]) and res["verdict"].startswith("Equivalent")
    # 90% CI goes with the TOST at alpha 0.05.
    assert res["ci_low"] == pytest.approx(0.03 - stats.t.isf(0.05, 181.13) * 0.131303, abs=1e-4)


def test_minimal_effect_test():
    # Difference 2.0, SE sqrt(1/10 + 1/10) = 0.44721, margin 1.0: t = (2 - 1)/0.44721 = 2.2361,
    # df = 18 (equal SDs and n give Welch df 18); p = P(T18 > 2.2361) = 0.01912.
    res = minimal_effect(3.0, 1.0, 10, 1.0, 1.0, 10, margin=1.0, kind="minimal_effect").iloc[0]
    assert res["p"] == pytest.approx(stats.t.sf(2.2360680, 18), abs=1e-6)
    assert res["p"] == pytest.approx(0.01912, abs=1e-5)
    assert bool(res["significant"])
    eq = minimal_effect(3.0, 1.0, 10, 1.0, 1.0, 10, margin=1.0).iloc[0]
    assert not bool(eq["significant"]) and "not evidence of a difference" in eq["verdict"]


# ------------------------------------------------------------------------------------------
# pool against R metafor::rma (BCG vaccine trials)
# ------------------------------------------------------------------------------------------


def _bcg():
    rows = _reference("bcg_data")
    yi = [float(r["value"]) for r in rows if r["quantity"] == "yi"]
    vi = [float(r["value"]) for r in rows if r["quantity"] == "vi"]
    return np.array(yi), np.array(vi)


@pytest.mark.parametrize("case", ["DL", "DL+knha", "PM", "PM+knha", "REML", "REML+knha", "FE"])
def test_pool_matches_metafor(case):
    yi, vi = _bcg()
    assert len(yi) == 13
    method = case.split("+")[0]
    res = pool(yi, vi, method=method, hksj=case.endswith("knha"))
    row = res[res["kind"] == ("fixed" if method == "FE" else "random")].iloc[0]
    expected = {r["quantity"]: float(r["value"]) for r in _reference("rma") if r["case"] == case}
    # R was run with tight convergence (see the R script); trialkit solves to 1e-12 or better.
    tol = 1e-7
    for col in ("estimate", "se", "ci_low", "ci_high", "tau2", "i2", "q"):
        assert row[col] == pytest.approx(expected[col], abs=tol * max(1, abs(expected[col]))), col
    if method != "FE":
        assert row["pi_low"] == pytest.approx(expected["pi_low"], abs=tol * 10)
        assert row["pi_high"] == pytest.approx(expected["pi_high"], abs=tol * 10)


def test_pool_fixed_effect_by_hand_and_labels():
    # weights 100, 50, 25: (100*0.1 + 50*0.3 + 25*0.5) / 175 = 37.5/175 = 0.2142857
    # Q = 100*(0.1-0.2142857)^2 + 50*(0.3-0.2142857)^2 + 25*(0.5-0.2142857)^2 = 3.714286
    res = pool([0.1, 0.3, 0.5], [0.01, 0.02, 0.04], method="DL", labels=["A", "B", "C"])
    fixed = res[res["kind"] == "fixed"].iloc[0]
    assert fixed["estimate"] == pytest.approx(0.2142857, abs=1e-7)
    assert fixed["q"] == pytest.approx(3.714286, abs=1e-6)
    assert list(res["label"][:3]) == ["A", "B", "C"]
    assert res[res["kind"] == "trial"]["weight"].sum() == pytest.approx(100)
    with pytest.raises(TrialDataError, match="labels"):
        pool([0.1, 0.3], [0.01, 0.02], labels=["A"])


# ------------------------------------------------------------------------------------------
# responders: the distributional method against R distdichoR and by hand
# ------------------------------------------------------------------------------------------


def test_responders_match_distdichor():
    rows = _reference("distdicho")
    cases: dict[str, dict[str, float]] = {}
    for row in rows:
        cases.setdefault(row["case"], {})[row["quantity"]] = float(row["value"])
    assert len(cases) == 26
    for case, expected in cases.items():
        p = dict(kv.split("=") for kv in case.split(";"))
        # distdichoR's tail "lower" counts patients below the cut-point: responders when lower
        # is better; "upper" counts those above: responders when higher is better.
        direction = "lower_is_better" if p["tail"] == "lower" else "higher_is_better"
        res = responders(float(p["m1"]), float(p["s1"]), int(p["n1"]), float(p["m2"]),
                         float(p["s2"]), int(p["n2"]), float(p["cp"]),
                         direction=direction).iloc[0]
        for ours, theirs in (("p1", "p1"), ("p2", "p2"), ("estimate", "diff"),
                             ("ci_low", "ci_low"), ("ci_high", "ci_high"), ("rr", "rr"),
                             ("rr_low", "rr_low"), ("rr_high", "rr_high")):
            assert res[ours] == pytest.approx(expected[theirs], rel=1e-9, abs=1e-12), (case, ours)


def test_responders_by_hand_and_direction():
    # Change in pain -3.0 (SD 2.0, n 20) vs -1.0 (SD 2.0, n 20); responder = change <= -1.3.
    # Pooled SD 2.0; z1 = (-1.3 + 3)/2 = 0.85 -> p1 = Phi(0.85) = 0.802337
    #               z2 = (-1.3 + 1)/2 = -0.15 -> p2 = Phi(-0.15) = 0.440382
    # SE = sqrt(phi(0.85)^2/20 + phi(0.15)^2/20) = sqrt(0.277985^2/20 + 0.394479^2/20) = 0.107910
    res = responders(-3.0, 2.0, 20, -1.0, 2.0, 20, threshold=-1.3,
                     direction="lower_is_better").iloc[0]
    assert res["p1"] == pytest.approx(0.802337, abs=1e-6)
    assert res["p2"] == pytest.approx(0.440382, abs=1e-6)
    assert res["se"] == pytest.approx(0.107910, abs=1e-6)
    assert res["nnt"] == pytest.approx(1 / (0.802337 - 0.440382), abs=1e-4)
    assert res["nnt_interval"] == "NNTB 1.7 to NNTB 6.6"
    # Mirrored: the same patients on a higher-is-better scale give the same answer.
    mirrored = responders(3.0, 2.0, 20, 1.0, 2.0, 20, threshold=1.3,
                          direction="higher_is_better").iloc[0]
    for col in ("p1", "p2", "estimate", "se", "rr", "nnt"):
        assert mirrored[col] == pytest.approx(res[col], abs=1e-12)


def test_responders_of_changes_takes_the_sd_of_change_from_the_se():
    # The case above as within-arm change rows: SE 2/sqrt(20) = 0.447214 and n 20 give the SD
    # of change 2.0 back; the MCID 1.3 with lower is better is the threshold -1.3, so
    # p1 = Phi(0.85) = 0.802337 and p2 = Phi(-0.15) = 0.440382 as computed by hand above.
    # A comparison without an MCID, or whose arms have no change rows, is left out.
    import pandas as pd

    from trialkit.reanalysis import responders_of_changes

    within = pd.DataFrame({"measure": "mean_change", "outcome": "pain", "timepoint": "1wk",
                           "arm": ["a", "b"], "estimate": [-3.0, -1.0],
                           "se": 0.447214, "n": 20, "r": 0.5, "r_source": "assumed"})
    re = pd.DataFrame({"outcome": ["pain", "pain", "rom"], "timepoint": "1wk",
                       "comparison": ["a-b", "a-b", "a-b"], "likelihood": "normal",
                       "direction": ["lower_is_better", None, "higher_is_better"],
                       "mcid": [1.3, 1.3, 5.0], "mcid_source": "declared",
                       "illustrative": False})
    res = responders_of_changes(within, re)
    assert len(res) == 1
    row = res.iloc[0]
    assert row["sd1"] == pytest.approx(2.0, abs=1e-5) and row["threshold"] == -1.3
    assert row["p1"] == pytest.approx(0.802337, abs=1e-5)
    assert row["p2"] == pytest.approx(0.440382, abs=1e-5)
    assert (row["arm"], row["reference"], row["r_source"]) == ("a", "b", "assumed")


def test_pool_trials_uses_each_trials_effect():
    import warnings

    import trialkit
    from trialkit.analysis import between
    from trialkit.reanalysis import pool_trials

    a, m = trialkit.load("anorexia"), trialkit.load("mejuto2014")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = pool_trials([a, m], {"anorexia": "weight", "mejuto2014": "pain"},
                          {"anorexia": "post", "mejuto2014": "1wk"},
                          comparison={"anorexia": "ft-control"}, method="DL", r=0.5)
        ga = between(a, outcome="weight").query(
            "timepoint == 'post' and measure == 'hedges_g' and comparison == 'ft-control'")
        gm = between(m, r=0.5, outcome="pain").query(
            "timepoint == '1wk' and measure == 'hedges_g'")
    # Fixed-effect pooled g worked by hand from the two trials' own g and SE.
    w = [1 / ga["se"].iloc[0] ** 2, 1 / gm["se"].iloc[0] ** 2]
    y = [ga["estimate"].iloc[0], gm["estimate"].iloc[0]]
    fixed = res[res["kind"] == "fixed"].iloc[0]
    assert fixed["estimate"] == pytest.approx((w[0] * y[0] + w[1] * y[1]) / sum(w))
    assert res["label"].tolist()[:2] == ["anorexia", "mejuto2014"]
    assert res["illustrative"].tolist() == [False, True, True, True]
    with pytest.raises(TrialDataError):
        pool_trials([], "pain", "1wk")
    with pytest.raises(TrialDataError, match="several comparisons"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pool_trials([a], "weight", "post")


# ------------------------------------------------------------------------------------------
# R batteries: TOST against R's t.test, design against retrodesign and Gelman & Carlin (2014)
# ------------------------------------------------------------------------------------------


def _cases(check: str) -> dict[str, dict[str, float]]:
    cases: dict[str, dict[str, float]] = {}
    for row in _reference(check):
        cases.setdefault(row["case"], {})[row["quantity"]] = float(row["value"])
    return cases


def test_minimal_effect_matches_r_t_test_tost():
    # Section 5 of tests/reference/reanalysis.R: two one-sided t.test() calls at mu = -margin
    # (greater) and mu = +margin (less), and the 90% interval, on 16 seeded samples, half
    # Student and half Welch. trialkit gets only the samples' means, SDs and sizes.
    cases = _cases("tost")
    assert len(cases) == 16
    for case, expected in cases.items():
        p = dict(kv.split("=") for kv in case.split(";"))
        res = minimal_effect(float(p["m1"]), float(p["sd1"]), int(p["n1"]), float(p["m2"]),
                             float(p["sd2"]), int(p["n2"]), float(p["margin"]),
                             welch=p["welch"] == "TRUE").iloc[0]
        for quantity, value in expected.items():
            assert res[quantity] == pytest.approx(value, rel=1e-9, abs=1e-12), (case, quantity)
        assert res["p"] == pytest.approx(max(expected["p_low"], expected["p_high"]), rel=1e-9)


def test_design_matches_retrodesign_closed_form():
    # Section 6: retrodesign 0.2.2's retro_design_closed_form (Lu, Qiu & Deng 2019).
    cases = _cases("retrodesign")
    assert len(cases) == 16
    for case, expected in cases.items():
        p = dict(kv.split("=") for kv in case.split(";"))
        res = design(float(p["A"]), float(p["s"]), alpha=float(p["alpha"])).iloc[0]
        for quantity in ("power", "type_s", "type_m"):
            assert res[quantity] == pytest.approx(expected[quantity], rel=1e-9), (case, quantity)


def test_design_with_df_matches_gelman_carlin_formula():
    # Section 6: power and type S with a t-distributed estimate, from the formula printed in
    # Gelman & Carlin's retrodesign() as printed in their 2014 paper, evaluated by R's pt and qt.
    cases = _cases("gelman_carlin_t")
    assert len(cases) == 16
    for case, expected in cases.items():
        p = dict(kv.split("=") for kv in case.split(";"))
        res = design(float(p["A"]), float(p["s"]), alpha=float(p["alpha"]),
                     df=int(p["df"])).iloc[0]
        assert res["power"] == pytest.approx(expected["power"], rel=1e-7), case
        assert res["type_s"] == pytest.approx(expected["type_s"], rel=1e-6, abs=1e-12), case
