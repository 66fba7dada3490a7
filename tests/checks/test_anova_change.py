"""One-way and Welch's ANOVA on change across 3 arms (checks.anova), against hand
calculations written out below.

Three arms, n = 10 each. Change means -1, -2, -3 and change variances 1, 2, 3 are the
hand example of test_recompute_r.py shifted: the grand mean is -2, MS_between =
10 x (1 + 0 + 1) / 2 = 10, MS_within = 9 x (1 + 2 + 3) / 27 = 2, F = 5 on (2, 27) df;
Welch (1951) F = 5.2497 on (2, 17.082) df.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import TOML
from scipy import stats

import trialkit
from trialkit.checks import claims, recompute_p
from trialkit.checks.anova import anova_f

TOML3 = TOML.replace("integer = true\n", "").replace(
    '[[timepoints]]\nid = "pre"', '[[arms]]\nid = "sham"\nlabel = "Sham"\nn = 10\n\n'
    '[[timepoints]]\nid = "pre"')
HEAD = "outcome,arm,timepoint,measure,n,mean,sd,source\n"
# Levels printed to 4 decimals (rounding negligible): baseline 6 in every arm, follow-up
# 5, 4, 3; baseline SD = follow-up SD = 1, sqrt(2), sqrt(3).
LEVELS = ("pain,treat,pre,value,10,6.0000,1.0000,T\npain,treat,post,value,10,5.0000,1.0000,T\n"
          "pain,control,pre,value,10,6.0000,1.4142,T\n"
          "pain,control,post,value,10,4.0000,1.4142,T\n"
          "pain,sham,pre,value,10,6.0000,1.7321,T\npain,sham,post,value,10,3.0000,1.7321,T\n")
CHANGES = ("pain,treat,post,change,10,-1.0000,1.0000,T\n"
           "pain,control,post,change,10,-2.0000,1.4142,T\n"
           "pain,sham,post,change,10,-3.0000,1.7321,T\n")
REPORTED = ("id,statistic,outcome,arm,timepoint,comparison,relation,value,text,source,test,"
            "analysis\n")


def _trial(make_trial, reported: str, changes: bool):
    return trialkit.read_trial(make_trial(toml=TOML3, summary=HEAD + LEVELS
                                          + (CHANGES if changes else ""),
                                          reported=REPORTED + reported))


def test_anova_f_hand():
    eq = anova_f(np.array([-1.0, -2.0, -3.0]), np.array([1.0, 2.0, 3.0]), np.array([10] * 3))
    assert float(eq["statistic"]) == pytest.approx(5.0) and float(eq["df"]) == 27
    # R 4.2: print(pf(5, 2, 27, lower.tail = FALSE), digits = 7) gives 0.01421306
    assert float(eq["p"]) == pytest.approx(0.01421306, abs=5e-9)
    w = anova_f(np.array([-1.0, -2.0, -3.0]), np.array([1.0, 2.0, 3.0]), np.array([10] * 3),
                "unequal")
    assert float(w["statistic"]) == pytest.approx(5.2497, abs=1e-4)
    assert float(w["df"]) == pytest.approx(17.082, abs=1e-3)


def test_anova_on_printed_change_rows(make_trial):
    trial = _trial(make_trial, "f1,F,pain,,post,,=,5.0,,T,anova,change\n"
                               "w1,F,pain,,post,,=,5.25,,T,welch_anova,change\n"
                               "p1,p,pain,,post,,=,0.014,,T,anova,change\n"
                               "x1,F,pain,,post,,=,7.0,,T,anova,change\n", changes=True)
    res = recompute_p(trial).set_index("id")
    assert res.loc["f1", "analysis"] == "anova_change"
    assert "on_printed_change" in res.loc["f1", "method"]
    assert res.loc["f1", "statistic_value"] == pytest.approx(5.0, abs=1e-3)
    assert res.loc["w1", "statistic_value"] == pytest.approx(5.2497, abs=1e-3)
    c = claims(trial).set_index("id")
    assert c.loc["f1", "verdict"] == "consistent"
    assert "one-way ANOVA on change scores" in c.loc["f1", "detail"]
    assert c.loc["w1", "verdict"] == "consistent" and c.loc["p1", "verdict"] == "consistent"
    assert c.loc["x1", "verdict"] == "inconsistent"


def test_anova_on_change_solved_over_r(make_trial):
    # Without change rows each arm's change variance is 2 v_i (1 - r) (equal baseline and
    # follow-up SDs), so F(r) = 10 / (9 x 2 (1 - r) x 6 / 27) = 2.5 / (1 - r). "5.0" stands
    # for F in [4.95, 5.05]: r in [1 - 2.5 / 4.95, 1 - 2.5 / 5.05] = [0.49495, 0.50495].
    # Welch's F scales the same way: 5.2497 / (2 (1 - r)); "5.25" ([5.245, 5.255]) needs
    # r in [1 - 5.2497 / 10.49, 1 - 5.2497 / 10.51] = [0.49955, 0.50051].
    trial = _trial(make_trial, "f1,F,pain,,post,,=,5.0,,T,anova,change\n"
                               "w1,F,pain,,post,,=,5.25,,T,welch_anova,change\n"
                               "f2,F,pain,,post,,=,2.0,,T,anova,change\n", changes=False)
    res = recompute_p(trial).set_index("id")
    f1 = res.loc["f1"]
    assert f1.analysis == "anova_change" and "r_solved" in f1.method
    assert f1.r_low == pytest.approx(1 - 2.5 / 4.95, abs=2e-4)
    assert f1.r_high == pytest.approx(1 - 2.5 / 5.05, abs=2e-4)
    w1 = res.loc["w1"]
    assert w1.r_low == pytest.approx(1 - 5.2497 / 10.49, abs=3e-4)
    assert w1.r_high == pytest.approx(1 - 5.2497 / 10.51, abs=3e-4)
    # F = 2.0 needs 1 - r = 1.25: r = -0.25, implausible.
    assert res.loc["f2", "implausible_only"] and not res.loc["f2", "reproduces"]
    c = claims(trial).set_index("id")
    assert c.loc["f1", "verdict"] == "consistent"
    assert (f"if the pre-post correlation is between {f1.r_low:.2f} and {f1.r_high:.2f}"
            in c.loc["f1", "detail"])
    assert "holds across the arms under" in c.loc["f1", "detail"]
    assert "one r for all arms" in c.loc["f1", "detail"]
    assert c.loc["f2", "verdict"] == "inconsistent" and "implausible" in c.loc["f2", "detail"]


def test_unnamed_analysis_tries_follow_up_and_change(make_trial):
    # F at follow-up: means 5, 4, 3 with variances 1, 2, 3: F = 5 as well; an unnamed
    # analysis tries both and names them.
    trial = _trial(make_trial, "f1,F,pain,,post,,=,5.0,,T,anova,\n", changes=True)
    res = recompute_p(trial)
    assert {"anova_followup", "anova_change"} <= set(res["analysis"])
    row = claims(trial).iloc[0]
    assert row.verdict == "consistent"


def test_ancova_across_three_arms_cannot_be_checked(make_trial):
    trial = _trial(make_trial, "a1,p,pain,,post,,=,0.01,,T,anova,ancova\n", changes=True)
    row = claims(trial).iloc[0]
    assert row.verdict == "cannot check" and "ANCOVA across 3+ arms" in row.detail
    assert not math.isnan(stats.f.sf(5.0, 2, 27))


def test_errors_after_loading_name_trial_outcome_and_arm():
    # anorexia without the control arm's patients at follow-up: between() cannot fit the
    # ANCOVA and says where; recompute_p cannot recompute those comparisons and says so
    # per statement instead of failing with an anonymous "field 'm2'" error.
    import warnings

    from trialkit import TrialDataError
    from trialkit.analysis import between
    from trialkit.trial import Trial

    t = trialkit.load("anorexia")
    ipd = t.ipd[~((t.ipd["arm"] == "control") & (t.ipd["timepoint"] == "post"))]
    bad = Trial(t.meta, t.summary, ipd=ipd, reported=t.reported)
    with pytest.raises(TrialDataError) as info, warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        between(bad)
    text = str(info.value)
    assert "trial 'anorexia'" in text and "outcome 'weight'" in text and "'control'" in text
    res = recompute_p(bad)
    row = res[res["comparison"] == "cbt-control"].iloc[0]
    assert row["analysis"] == "" and row["note"]
