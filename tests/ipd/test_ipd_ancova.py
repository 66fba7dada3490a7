"""ancova() (backwards compatible) and ancova_table(): adjusted means, three analyses."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

import trialkit
from trialkit import TrialDataError
from trialkit.analysis import between
from trialkit.ipd import ancova, ancova_table, baseline_followup


def pick(frame, **keys):
    sel = frame
    for key, value in keys.items():
        sel = sel[sel[key] == value]
    assert len(sel) == 1, sel
    return sel.iloc[0]


def test_ancova_contract_used_by_analysis_between():
    res = ancova(trialkit.load("anorexia"), "weight", "post")
    for col in ("arm", "estimate", "se", "ci_low", "ci_high", "df", "p", "n1", "n2", "method",
                "outcome", "timepoint", "comparison", "reference", "statistic", "slope", "var"):
        assert col in res.columns
    assert list(res["comparison"]) == ["cbt-control", "ft-control"]
    assert res["method"].iloc[0] == "ancova/ols/post~pre+arm/common_slope/t_ci"
    b = between(trialkit.load("anorexia"))
    assert pick(b, comparison="ft-control", measure="ancova")["estimate"] == pytest.approx(
        pick(res, arm="ft")["estimate"])


def test_table_three_analyses_against_independent_tests():
    anorexia = trialkit.load("anorexia")
    tab = ancova_table(anorexia, "weight", "post", reference="control")
    wide = baseline_followup(anorexia, "weight", "post")
    ft, ctl = wide[wide["arm"] == "ft"], wide[wide["arm"] == "control"]
    # In a two-arm subset, change-score and follow-up-only OLS are Student t tests; with three
    # arms the pooled variance uses all three, so compare the estimates (differences of
    # means) and check the standard error on the pooled three-arm residual variance by hand.
    change = pick(tab, measure="change_score", arm="ft")
    assert change["estimate"] == pytest.approx(ft["change"].mean() - ctl["change"].mean())
    resid = wide["change"] - wide.groupby("arm")["change"].transform("mean")
    s2 = float((resid**2).sum() / (len(wide) - 3))
    assert change["se"] == pytest.approx(np.sqrt(s2 * (1 / len(ft) + 1 / len(ctl))))
    assert change["df"] == len(wide) - 3 and change["baseline_weight"] == 1
    post = pick(tab, measure="post_only", arm="ft")
    assert post["estimate"] == pytest.approx(ft["post"].mean() - ctl["post"].mean())
    assert post["baseline_weight"] == 0
    an = pick(tab, measure="ancova", arm="ft")
    assert an["estimate"] == pytest.approx(8.6601, abs=5e-5)  # MASS/R, see test_analysis.py
    # ANCOVA = the follow-up difference corrected by slope x the baseline imbalance
    slope = an["baseline_weight"]
    imbalance = ft["pre"].mean() - ctl["pre"].mean()
    assert an["estimate"] == pytest.approx(post["estimate"] - slope * imbalance)


def test_two_arm_table_equals_student_t_tests(two_arm):
    trial = two_arm([5, 6, 7, 8, 6], [3, 4, 6, 5, 4], [6, 5, 7, 8, 7, 6], [6, 5, 6, 8, 7, 7])
    tab = ancova_table(trial, "score", "post")
    wide = baseline_followup(trial, "score", "post")
    for measure, column in (("change_score", "change"), ("post_only", "post")):
        a = wide.loc[wide["arm"] == "trt", column]
        b = wide.loc[wide["arm"] == "ctl", column]
        t = stats.ttest_ind(a, b, equal_var=True)
        row = pick(tab, measure=measure)
        assert row["statistic"] == pytest.approx(t.statistic)
        assert row["p"] == pytest.approx(t.pvalue)
        ci = t.confidence_interval(0.95)
        assert (row["ci_low"], row["ci_high"]) == pytest.approx((ci.low, ci.high))


def test_adjusted_means():
    anorexia = trialkit.load("anorexia")
    tab = ancova_table(anorexia, "weight", "post")
    means = tab[tab["measure"] == "adjusted_mean"].set_index("arm")
    assert list(means.index) == ["control", "cbt", "ft"]
    # differences of adjusted means are the ANCOVA estimates
    for arm in ("cbt", "ft"):
        assert means.loc[arm, "estimate"] - means.loc["control", "estimate"] == pytest.approx(
            pick(tab, measure="ancova", arm=arm)["estimate"])
    # at the mean baseline, the adjusted means average (weighted by n) to the observed mean
    wide = baseline_followup(anorexia, "weight", "post")
    n = wide["arm"].value_counts()
    weighted = sum(means.loc[a, "estimate"] * n[a] for a in n.index) / n.sum()
    assert weighted == pytest.approx(wide["post"].mean())
    assert (means["ci_low"] < means["estimate"]).all()
    assert means["comparison"].isna().all() and means["n2"].isna().all()


def test_covariates_enter_all_three_models():
    tab = ancova_table(trialkit.load("btheb"), "bdi", "m2", covariates=["drug", "length"])
    assert tab["method"].str.contains(r"\+drug\[Yes\]\+length\[>6m\]").all()
    assert set(tab["measure"]) == {"adjusted_mean", "ancova", "change_score", "post_only"}


def test_bad_input():
    anorexia = trialkit.load("anorexia")
    with pytest.raises(TrialDataError) as info:
        ancova_table(anorexia, "weight", "pre")
    assert info.value.field == "timepoint"
    with pytest.raises(TrialDataError) as info:
        ancova(anorexia, "weight", "post", level=1.5)
    assert info.value.field == "level"
    with pytest.raises(TrialDataError) as info:
        ancova_table(anorexia, "weight", "post", reference="placebo")
    assert info.value.field == "reference"
    with pytest.raises(TrialDataError) as info:
        ancova(anorexia, "weight", "post", covariates=["age"])
    assert info.value.field == "covariates"


def test_ancova_without_reference_patients_names_trial_outcome_and_arms(make_trial):
    # Patients only in the treatment arm: the error must say where (issue 10).
    from conftest import IPD_HEADER, TOML

    from trialkit.ipd import ancova as fit

    rows = [f"{p},treat,{tp},pain,{v}" for p in (1, 2, 3) for tp, v in (("pre", 5), ("post", p))]
    toml = TOML.replace('level = "summary"', 'level = "ipd"')
    folder = make_trial(toml=toml, summary=None, ipd=IPD_HEADER + "\n".join(rows) + "\n")
    trial = trialkit.read_trial(folder)
    with pytest.raises(TrialDataError) as err:
        fit(trial, "pain", "post")
    text = str(err.value)
    assert "trial 'mini'" in text and "outcome 'pain'" in text and "timepoint 'post'" in text
    assert "'control'" in text and "treat 3" in text
    assert err.value.file is not None and err.value.file.endswith("ipd.csv")
