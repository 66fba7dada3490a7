"""Trial-level tables: within, between, sensitivity, against published numbers."""

from __future__ import annotations

import math
import warnings

import pandas as pd
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


# --- ratio of means: Geary's condition passes through between() ------------------------------

def test_between_ratio_of_means_carries_geary_and_warns_naming_the_trial(make_trial):
    from conftest import SUMMARY

    summary = SUMMARY.replace("pain,treat,post,10,3.40,1.50", "pain,treat,post,10,0.85,7.74")
    trial = trialkit.read_trial(make_trial(summary=summary))
    with pytest.warns(UserWarning, match=r"mini pain post treat-control: ratio of means "
                                         r"unreliable: Geary"):
        b = between(trial, r=0.5)
    rom = pick(b, measure="ratio_of_means")
    # Hand calculation: 0.85 / 5.20 = 0.1634615 (no bias correction: Geary fails);
    # Geary: 0.85 sqrt(10) / 7.74 = 2.6879360 / 7.74 = 0.3472785 and
    # 5.20 sqrt(10) / 1.40 = 16.443844 / 1.40 = 11.745603.
    assert rom["estimate"] == pytest.approx(0.1634615, abs=5e-8)
    assert rom["geary1"] == pytest.approx(0.3472785, abs=5e-7)
    assert rom["geary2"] == pytest.approx(11.745603, abs=5e-6)
    assert not rom["geary_ok"]
    assert "geary=fail" in rom["method"]
    md = pick(b, measure="mean_difference")
    assert math.isnan(md["geary1"]) and md["geary_ok"] is pd.NA


def test_between_ratio_of_means_geary_ok_on_the_mini_trial(make_trial):
    b = between(trialkit.read_trial(make_trial()), r=0.5)
    rom = pick(b, measure="ratio_of_means")
    # Geary: 3.40 sqrt(10) / 1.50 = 7.17 and 5.20 sqrt(10) / 1.40 = 11.75 (hand calculation).
    assert rom["geary1"] == pytest.approx(7.168, abs=5e-4) and bool(rom["geary_ok"])
    assert "lajeunesse2015_corrected" in rom["method"]


# --- printed change rows ----------------------------------------------------------------------
# The mini trial (tests/conftest.py) with its change rows printed: treat 6.10 (1.20) -> 3.40
# (1.50), change -2.70 (1.90); control 5.90 (1.30) -> 5.20 (1.40), change -0.70 (1.60); n = 10.
# Hand calculations (Cochrane Handbook 6.5.2.8: r = (sd_pre^2 + sd_post^2 - sd_change^2) /
# (2 sd_pre sd_post)):
#   treat   r = (1.44 + 2.25 - 3.61) / (2 * 1.2 * 1.5) = 0.08 / 3.6  = 0.0222222
#   control r = (1.69 + 1.96 - 2.56) / (2 * 1.3 * 1.4) = 1.09 / 3.64 = 0.2994505
#   pooled  r = 9 (0.08/2 + 1.09/2) / sqrt(9 (1.44 + 1.69) * 9 (2.25 + 1.96))
#             = 5.265 / sqrt(28.17 * 37.89) = 5.265 / 32.670496 = 0.1611546
#   ANCOVA slope b = 5.265 / 28.17 = 0.1869010; estimate = (3.40 - 5.20) - b (6.10 - 5.90)
#             = -1.8 - 0.0373802 = -1.8373802
#   within treat: -2.70, se = 1.90 / sqrt(10) = 0.6008328, t(0.975, 9) = 2.262157 (tables),
#             limits -2.70 -/+ 1.3591780 = [-4.0591780, -1.3408220]
#   diff in change: -2.70 - (-0.70) = -2.0, se = sqrt(3.61/10 + 2.56/10) = sqrt(0.617)
#             = 0.7854935; Welch df = 0.617^2 / ((0.361^2 + 0.256^2) / 9) = 17.4934
CHANGES = ("pain,treat,post,10,-2.70,1.90,Table 2,change\n"
           "pain,control,post,10,-0.70,1.60,Table 2,change\n")


def _with_changes(rows: str = CHANGES) -> str:
    from conftest import SUMMARY

    lines = SUMMARY.splitlines()
    return "\n".join([lines[0] + ",measure"] + [line + "," for line in lines[1:]]) + "\n" + rows


def test_within_uses_the_printed_change_and_no_assumed_r(make_trial):
    trial = trialkit.read_trial(make_trial(summary=_with_changes()))
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        w = within(trial)
    mc = pick(w, arm="treat", measure="mean_change")
    assert mc["estimate"] == pytest.approx(-2.70)
    assert mc["se"] == pytest.approx(0.6008328, abs=5e-8)
    assert mc["ci_low"] == pytest.approx(-4.0591780, abs=5e-6)
    assert mc["ci_high"] == pytest.approx(-1.3408220, abs=5e-6)
    assert mc["df"] == 9 and "from printed change" in mc["method"]
    assert mc["r_source"] == "not needed (printed change)"
    # percent change and smcr need r: they use the one the arm's SDs imply.
    sm = pick(w, arm="control", measure="smcr")
    assert sm["r"] == pytest.approx(0.2994505, abs=5e-7)
    assert sm["r_source"] == "implied by printed SDs"
    assert "r=0.299451(implied by printed SDs)" in sm["method"]


def test_between_uses_printed_change_sds_and_the_implied_r(make_trial):
    trial = trialkit.read_trial(make_trial(summary=_with_changes()))
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        b = between(trial)
    dc = pick(b, measure="diff_in_change")
    assert dc["estimate"] == pytest.approx(-2.0)
    assert dc["se"] == pytest.approx(0.7854935, abs=5e-8)
    assert dc["df"] == pytest.approx(17.4934, abs=5e-5)
    assert "from printed change" in dc["method"] and math.isnan(dc["r"])
    an = pick(b, measure="ancova")
    assert an["r"] == pytest.approx(0.1611546, abs=5e-7)
    assert an["r_source"] == "implied by printed SDs"
    assert an["estimate"] == pytest.approx(-1.8373802, abs=5e-7)


def test_impossible_change_sd_falls_back_to_the_assumed_r_and_says_so(make_trial):
    # control change SD 3.50: r = (1.69 + 1.96 - 12.25) / 3.64 = -2.3626 (impossible).
    rows = CHANGES.replace("-0.70,1.60", "-0.70,3.50")
    trial = trialkit.read_trial(make_trial(summary=_with_changes(rows)))
    with pytest.warns(UserWarning, match=r"mini pain post treat-control ANCOVA.*-2\.36"):
        b = between(trial)
    an = pick(b, measure="ancova")
    assert an["r"] == 0.5 and an["r_source"].startswith("assumed; implied r = -2.36")
    assert "r=0.5(assumed; implied r = -2.36 outside (-1, 1))" in an["method"]
    # diff in change still needs no r: -2.0, se = sqrt(0.361 + 1.225) = 1.2593649
    assert pick(b, measure="diff_in_change")["se"] == pytest.approx(1.2593649, abs=5e-8)


def test_sensitivity_notes_the_correlation_the_table_implies(make_trial):
    trial = trialkit.read_trial(make_trial(summary=_with_changes()))
    s = sensitivity(trial, r=[0.2, 0.8])
    assert sorted(s["r"].unique().tolist()) == [0.2, 0.8]
    assert s["r_implied"].iloc[0] == pytest.approx(0.1611546, abs=5e-7)
    an = s[s["measure"] == "ancova"]
    assert an["r_note"].str.contains("imply a pooled r = 0.16").all()
    assert s[s["measure"] == "diff_in_change"]["r_note"].str.contains("does not depend").all()
    # without change rows there is nothing to note
    plain = sensitivity(trialkit.read_trial(make_trial()), r=[0.5])
    assert (plain["r_note"] == "").all() and plain["r_implied"].isna().all()


def _without_direction(trial):
    import dataclasses

    from trialkit.trial import Trial

    outcomes = tuple(dataclasses.replace(o, direction=None) for o in trial.outcomes)
    meta = dataclasses.replace(trial.meta, outcomes=outcomes)
    return Trial(meta, trial.summary, changes=trial.changes)


def test_undeclared_direction_gives_neutral_words_only(make_trial):
    # A typed-in table may not declare a direction (Outcome.direction None).
    trial = _without_direction(trialkit.read_trial(make_trial()))
    assert trial.outcome("pain").direction is None
    w = within(trial, r=0.5)
    b = between(trial, r=0.5)
    assert w["improved"].isna().all()
    # treat 6.10 -> 3.40: a decrease, said as "lower"; treat - control at follow-up:
    # 3.40 - 5.20 = -1.80, "lower"; the ratio 3.40 / 5.20 = 0.654 < 1, "lower".
    assert set(pick(w, arm="treat", measure="mean_change")[["change_direction"]]) == {"lower"}
    assert pick(b, measure="mean_difference")["difference_direction"] == "lower"
    assert pick(b, measure="ratio_of_means")["difference_direction"] == "lower"
    assert (b["favours"] == "direction not stated").all()
    words = ("improv", "worse", "benefit", "better", "favours treat", "favours control")
    for frame in (w, b):
        text = " ".join(str(v) for col in frame.columns if col not in ("direction",)
                        for v in frame[col].tolist())
        assert not any(word in text.lower() for word in words)


def test_boundary_conversions_of_summary_rows_reach_method(make_trial):
    from trialkit.trial import Trial

    base = trialkit.read_trial(make_trial())
    summary = base.summary
    # The reader helper's conversions: the treat follow-up SD was printed as an SE.
    summary["method"] = ["", "sd_from_se", "", ""]
    trial = Trial(base.meta, summary)
    b = between(trial, r=0.5)
    w = within(trial, r=0.5)
    assert pick(b, measure="mean_difference")["method"] == "mean_difference/welch/t_ci/sd_from_se"
    assert pick(b, measure="ancova")["method"].endswith("/sd_from_se")
    assert pick(w, arm="treat", measure="smcr")["method"].endswith("/sd_from_se")
    assert not pick(w, arm="control", measure="smcr")["method"].endswith("/sd_from_se")
    # Rows printed as mean (SD) ("" or NaN) and a summary with no method column add nothing.
    summary["method"] = float("nan")
    plain = between(Trial(base.meta, summary), r=0.5)
    assert pick(plain, measure="mean_difference")["method"] == "mean_difference/welch/t_ci"


def test_errors_from_the_statistics_name_trial_outcome_and_arms(make_trial):
    from trialkit.trial import Trial

    base = trialkit.read_trial(make_trial())
    summary = base.summary
    summary.loc[1, "sd"] = float("nan")  # treat follow-up SD missing (bypassing the reader)
    trial = Trial(base.meta, summary)
    with pytest.raises(TrialDataError) as err:
        between(trial, r=0.5)
    text = str(err.value)
    assert "trial 'mini', outcome 'pain', timepoint 'post', arms 'treat', 'control'" in text
    assert "sd" in err.value.field
    with pytest.raises(TrialDataError, match=r"trial 'mini', outcome 'pain', timepoint 'post', "
                                             r"arm 'treat'"):
        within(trial, r=0.5)


def test_a_printed_sd_of_zero_loads_and_is_left_out_with_a_warning():
    # JNER 2020 (robot hand) prints "0.00 (0.00)": no patient in the arm had pain. The value
    # loads as printed; the statistics that divide by it are left out, and a warning says so.
    table = ("outcome\ttimepoint\tA (n=10)\tB (n=10)\n"
             "Pain\tBaseline\t0.00 (0.00)\t0.5 (0.8)\nPain\tPost\t2.0 (1.1)\t3.0 (1.2)\n"
             "Grip\tBaseline\t1.0 (1.0)\t1.0 (1.0)\nGrip\tPost\t2.0 (1.0)\t1.0 (1.0)\n")
    trial = trialkit.from_table(table)
    assert trial.summary.query("outcome == 'pain' and arm == 'a'")["sd"].iloc[0] == 0
    with pytest.warns(UserWarning, match=r"SD of 0 \(a at baseline\)"):
        b = between(trial, r=0.5)
    assert set(b["outcome"]) == {"grip"}
    # Grip at follow-up, by hand: 2.0 - 1.0 = 1.0
    md = b.query("measure == 'mean_difference'").iloc[0]
    assert md["estimate"] == pytest.approx(1.0)


def test_sensitivity_gives_each_arms_implied_r_and_the_ancova_there(make_trial):
    # Hand values above: treat r = 0.3640351... is not needed here; from the fixture's SDs,
    # treat (1.20^2 + 1.50^2 - 1.90^2) / (2 x 1.20 x 1.50) = 0.08 / 3.6 = 0.0222222,
    # control (1.30^2 + 1.40^2 - 1.60^2) / (2 x 1.30 x 1.40) = 1.09 / 3.64 = 0.2994505,
    # pooled 0.1611546 and the ANCOVA there -1.8373802 (as between() reports, see above).
    trial = trialkit.read_trial(make_trial(summary=_with_changes()))
    s = sensitivity(trial, r=[0.2, 0.8])
    assert s["r_implied_arm"].iloc[0] == pytest.approx(0.0222222, abs=5e-7)
    assert s["r_implied_reference"].iloc[0] == pytest.approx(0.2994505, abs=5e-7)
    an = s[s["measure"] == "ancova"]
    assert an["implied_estimate"].iloc[0] == pytest.approx(-1.8373802, abs=5e-7)
    assert s.loc[s["measure"] == "diff_in_change", "implied_estimate"].isna().all()
    plain = sensitivity(trialkit.read_trial(make_trial()), r=[0.5])
    assert plain[["r_implied_arm", "implied_estimate"]].isna().all().all()


def test_an_error_after_loading_names_trial_outcome_timepoint_and_arm(make_trial):
    # n = 2 is accepted at load; the standardized mean change needs n >= 3 (J(n - 1)).
    from conftest import SUMMARY

    trial = trialkit.read_trial(make_trial(summary=SUMMARY.replace(
        "pain,treat,post,10,3.40,1.50", "pain,treat,post,2,3.40,1.50")))
    with pytest.raises(TrialDataError) as info, warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        within(trial, r=0.5)
    text = str(info.value)
    for part in ("trial 'mini'", "outcome 'pain'", "timepoint 'post'", "arm 'treat'"):
        assert part in text
