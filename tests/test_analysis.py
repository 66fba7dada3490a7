"""Trial-level tables: within, between, sensitivity, against published numbers."""

from __future__ import annotations

import math
import warnings

import pytest

import trialkit
from trialkit import TrialDataError
from trialkit.analysis import between, sensitivity, within
from trialkit.ipd import ancova, baseline_followup


def pick(frame, **keys):
    sel = frame
    for key, value in keys.items():
        sel = sel[sel[key] == value]
    assert len(sel) == 1, sel
    return sel.iloc[0]


# --- anorexia: patient-level, reproduces published analyses ---------------------------------

def test_anorexia_ancova_reproduces_r():
    b = between(trialkit.load("anorexia"))
    # R's own test output, src/library/stats/tests/simulate.Rout.save (MASS anorexia,
    # glm(Postwt ~ Prewt + Treat + offset(Prewt)), CBT as reference):
    #   TreatCont -4.09707  1.89349 -2.1638 0.03399931  -> CBT vs control +4.09707
    cbt = pick(b, comparison="cbt-control", measure="ancova")
    assert cbt["estimate"] == pytest.approx(4.09707, abs=5e-6)
    assert cbt["se"] == pytest.approx(1.89349, abs=5e-6)
    assert cbt["p"] == pytest.approx(0.03399931, abs=5e-9)
    assert cbt["df"] == 68
    # summary(lm(Postwt - Prewt ~ Prewt + Treat, data = anorexia)) with Cont as reference,
    # as printed in Venables & Ripley (MASS, 4th ed., section 6.1) and in R output:
    #   TreatFT 8.6601 2.1931 3.949 0.000189
    ft = pick(b, comparison="ft-control", measure="ancova")
    assert ft["estimate"] == pytest.approx(8.6601, abs=5e-5)
    assert ft["se"] == pytest.approx(2.1931, abs=5e-5)
    assert ft["p"] == pytest.approx(0.000189, abs=5e-7)
    assert ft["favours"] == "ft" and cbt["favours"] == "cbt"


def test_anorexia_ancova_slope_matches_r():
    # simulate.Rout.save: Prewt -0.56554 with offset(Prewt), i.e. a slope of 1 - 0.56554.
    res = ancova(trialkit.load("anorexia"), "weight", "post")
    assert res["slope"].iloc[0] == pytest.approx(1 - 0.56554, abs=5e-6)


def test_anorexia_family_therapy_change_matches_howell():
    # Howell, Statistical Methods for Psychology, Table 7.3: FT gain (after - before)
    # mean 7.26, SD 7.16, n = 17. Paired t by hand: 7.26 / (7.16 / sqrt(17)) = 4.18 on 16 df.
    w = within(trialkit.load("anorexia"))
    ft = pick(w, arm="ft", timepoint="post", measure="mean_change")
    assert ft["estimate"] == pytest.approx(7.26, abs=0.005)
    assert ft["n"] == 17 and ft["df"] == 16
    assert ft["estimate"] / ft["se"] == pytest.approx(4.18, abs=0.01)
    assert ft["r_source"] == "observed"
    wide = baseline_followup(trialkit.load("anorexia"), "weight", "post")
    assert wide.loc[wide["arm"] == "ft", "change"].std(ddof=1) == pytest.approx(7.16, abs=0.005)
    assert bool(ft["improved"]) is True


def test_anorexia_difference_in_gains_matches_howell_exercise():
    # Howell, answer to Exercise 7.31: control lost 0.45 lb, CBT gained 3.01 lb;
    # difference in gains 3.01 - (-0.45) = 3.46.
    b = between(trialkit.load("anorexia"))
    dc = pick(b, comparison="cbt-control", measure="diff_in_change")
    assert dc["estimate"] == pytest.approx(3.46, abs=0.005)
    assert dc["method"].endswith("from_patient_changes")


def test_summary_ancova_equals_two_arm_ols():
    # The aggregate-data ANCOVA with the observed pooled within-arm r is algebraically the
    # OLS ANCOVA of the same two arms (hand check: slope = Sxy / Sxx pooled within arms).
    import numpy as np

    trial = trialkit.load("anorexia")
    wide = baseline_followup(trial, "weight", "post")
    two = wide[wide["arm"].isin(["ft", "control"])]
    c = two[["pre", "post"]] - two.groupby("arm")[["pre", "post"]].transform("mean")
    r = (c["pre"] * c["post"]).sum() / np.sqrt((c["pre"] ** 2).sum() * (c["post"] ** 2).sum())
    slope = (c["pre"] * c["post"]).sum() / (c["pre"] ** 2).sum()
    m = two.groupby("arm")[["pre", "post"]].mean()
    by_hand = (m.loc["ft", "post"] - m.loc["control", "post"]
               - slope * (m.loc["ft", "pre"] - m.loc["control", "pre"]))
    s = between(trial, r=float(r), use="summary")
    summ = pick(s, comparison="ft-control", measure="ancova")
    assert summ["estimate"] == pytest.approx(by_hand, rel=1e-10)
    assert "r=" in summ["method"] and "(given)" in summ["method"]


# --- mejuto2014: the published statements, on the illustrative table -------------------------

def test_mejuto_within_pain_is_33_and_66_percent():
    # JOSPT Perspectives for Patients: "pain decreased by 33%" (10 minutes), "66% less"
    # (1 week), in the dry-needling group.
    w = within(trialkit.load("mejuto2014"), r=0.5)
    pct10 = pick(w, outcome="pain", arm="trpdn", timepoint="10min", measure="percent_change")
    pct1w = pick(w, outcome="pain", arm="trpdn", timepoint="1wk", measure="percent_change")
    assert round(pct10["estimate"]) == -33 and round(pct1w["estimate"]) == -66
    assert bool(pct10["improved"]) and pct10["illustrative"]
    # By hand from the bundled means: 100 * (2.50 - 7.25) / 7.25 = -65.517
    assert pct1w["estimate"] == pytest.approx(100 * (2.50 - 7.25) / 7.25, rel=1e-12)


def test_mejuto_range_of_motion_is_degrees_gained():
    w = within(trialkit.load("mejuto2014"), r=0.5)
    rom = w[(w["domain"] == "range_of_motion") & (w["measure"] == "mean_change")]
    assert set(rom["unit"]) == {"degrees"}
    trpdn = rom[rom["arm"] == "trpdn"]
    assert len(trpdn) == 12 and (trpdn["estimate"] > 0).all() and trpdn["improved"].all()
    # by hand from the bundled table: flexion 55.6 - 38.5 = 17.1 degrees gained at 10 minutes
    flex = pick(rom, outcome="rom_flexion", arm="trpdn", timepoint="10min")
    assert flex["estimate"] == pytest.approx(17.1, abs=1e-9)


def test_mejuto_between_meets_the_abstract():
    # Abstract: SMD > 0.56 at 10 minutes and > 1.34 at 1 week; P < .01 for all comparisons;
    # the TrPDN group improved more in every outcome.
    b = between(trialkit.load("mejuto2014"), r=0.5)
    g = b[b["measure"] == "hedges_g"]
    assert len(g) == 20
    assert (g["favours"] == "trpdn").all()
    assert (g.loc[g["timepoint"] == "10min", "estimate"].abs() > 0.56).all()
    assert (g.loc[g["timepoint"] == "1wk", "estimate"].abs() > 1.34).all()
    md = b[b["measure"] == "mean_difference"]
    assert (md["p"] < 0.01).all()
    assert b["illustrative"].all()


def test_summary_trial_warns_when_r_is_assumed():
    with pytest.warns(UserWarning, match=r"r = 0.5 assumed"):
        b = between(trialkit.load("mejuto2014"), outcome="pain")
    row = pick(b, timepoint="10min", measure="diff_in_change")
    assert row["r"] == 0.5 and row["r_source"] == "assumed"
    assert "r=0.5(assumed)" in row["method"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        b = between(trialkit.load("mejuto2014"), r=0.7, outcome="pain")
    assert "r=0.7(given)" in pick(b, timepoint="1wk", measure="ancova")["method"]


def test_sensitivity_runs_through_r():
    s = sensitivity(trialkit.load("mejuto2014"), outcome="pain")
    assert sorted(s["r"].unique()) == [0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8]
    dc = s[(s["measure"] == "diff_in_change") & (s["timepoint"] == "10min")].sort_values("r")
    # the point estimate does not depend on r; its p value falls as r rises (SD of change
    # sqrt(sd1^2 + sd2^2 - 2 r sd1 sd2) shrinks)
    assert dc["estimate"].nunique() == 1
    assert dc["p"].is_monotonic_decreasing
    with pytest.raises(TrialDataError, match="measures"):
        sensitivity(trialkit.load("mejuto2014"), measures=["hedges_g"])


def test_patient_level_trials_with_dropout_and_covariates():
    b = between(trialkit.load("btheb"), outcome="bdi")
    assert set(b["timepoint"]) == {"m2", "m3", "m5", "m8"}
    m8 = pick(b, timepoint="m8", measure="ancova")
    assert m8["n1"] + m8["n2"] < 100  # only patients seen at 8 months
    res = ancova(trialkit.load("btheb"), "bdi", "m2", covariates=["drug", "length"])
    assert "drug[Yes]" in res["method"].iloc[0]


def test_crossover_and_bad_arguments():
    with pytest.raises(TrialDataError, match="no baseline timepoint"):
        within(trialkit.load("sleep"))
    with pytest.raises(TrialDataError, match="r must lie strictly between"):
        between(trialkit.load("mejuto2014"), r=1.0)
    with pytest.raises(TrialDataError, match="unknown outcome 'itch'"):
        within(trialkit.load("mejuto2014"), r=0.5, outcome="itch")
    with pytest.raises(TrialDataError, match="needs patient data"):
        ancova(trialkit.load("mejuto2014"), "pain", "1wk")


def test_result_columns_and_no_silent_nan():
    b = between(trialkit.load("polyps"))
    for col in ("estimate", "se", "ci_low", "ci_high", "method"):
        assert col in b.columns
    assert not b[["estimate", "ci_low", "ci_high"]].isna().any().any()
    assert all(math.isfinite(v) for v in b["estimate"])


def test_means_match_r_one_sample_t_test():
    # R: with(sleep, t.test(extra[group == 1])): mean of x 0.75, t = 1.3257, df = 9,
    # 95 percent confidence interval -0.5297804 2.0297804; group 2: 2.33,
    # 0.8976775 3.7623225 (R output as printed for ?sleep / t.test).
    from trialkit.analysis import means

    m = means(trialkit.load("sleep")).set_index("arm")
    assert m.loc["drug1", "ci_low"] == pytest.approx(-0.5297804, abs=5e-8)
    assert m.loc["drug1", "ci_high"] == pytest.approx(2.0297804, abs=5e-8)
    assert m.loc["drug2", "ci_low"] == pytest.approx(0.8976775, abs=5e-8)
    assert m.loc["drug2", "ci_high"] == pytest.approx(3.7623225, abs=5e-8)
    assert m.loc["drug1", "estimate"] / m.loc["drug1", "se"] == pytest.approx(1.3257, abs=5e-5)
    assert (m["df"] == 9).all()


def test_observed_pooled_r_matches_r_ancova_slope():
    # The pooled within-arm correlation r that between() reports for patient data satisfies
    # slope = r * sqrt(Syy / Sxx) (within-arm sums of squares), and R prints the ANCOVA slope:
    # simulate.Rout.save, Prewt -0.56554 with offset(Prewt), i.e. slope 1 - 0.56554 = 0.43446.
    trial = trialkit.load("anorexia")
    r = pick(between(trial), comparison="ft-control", measure="ancova")["r"]
    wide = baseline_followup(trial, "weight", "post")
    centred = wide[["pre", "post"]] - wide.groupby("arm")[["pre", "post"]].transform("mean")
    sxx, syy = (centred["pre"] ** 2).sum(), (centred["post"] ** 2).sum()
    assert r * (syy / sxx) ** 0.5 == pytest.approx(0.43446, abs=5e-6)
