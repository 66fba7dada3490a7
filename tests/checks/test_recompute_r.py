"""recompute_p without a grid of correlations: solved r, printed change rows, implied r,
named tests and ANOVA across 3+ arms (hand calculations in the comments)."""

from __future__ import annotations

import math
import textwrap

import numpy as np
import pytest
from conftest import TOML
from scipy import stats

import trialkit
from trialkit.checks import check, claims, recompute_p
from trialkit.checks.rsolve import describe_ranges, solve_r
from trialkit.checks.summary_tests import anova_box

TOML9 = TOML.replace("n = 10", "n = 9").replace("integer = true\n", "")
BASE = textwrap.dedent('''\
    outcome,arm,timepoint,measure,n,mean,sd,source
    pain,treat,pre,value,9,6.0,2.0,T2
    pain,treat,post,value,9,3.0,2.0,T2
    pain,control,pre,value,9,6.1,2.1,T2
    pain,control,post,value,9,5.9,1.9,T2
    ''')
CHANGE = ("pain,treat,post,change,9,-3.0,{sd1},T2\n"
          "pain,control,post,change,9,-0.2,2.4,T2\n")
REPORTED = ("id,statistic,outcome,arm,timepoint,comparison,relation,value,text,source,test,"
            "analysis\n")

# Student's t on the printed change scores (n = 9 per arm, df = 16), by hand:
# diff = -3.0 - (-0.2) = -2.8; sp^2 = (8 x 1.3^2 + 8 x 2.4^2) / 16 = (1.69 + 5.76) / 2 = 3.725;
# se = sqrt(3.725 x 2 / 9) = 0.909826; t = 2.8 / 0.909826 = 3.0775.
T_HAND = 2.8 / math.sqrt(3.725 * 2 / 9)
P_HAND = 2 * stats.t.sf(T_HAND, 16)  # 0.00717 (scipy's t distribution, 16 df)


def _trial(make_trial, reported: str, sd1: str = "1.3", change: bool = True):
    summary = BASE + (CHANGE.format(sd1=sd1) if change else "")
    return trialkit.read_trial(make_trial(toml=TOML9, summary=summary,
                                          reported=REPORTED + reported))


def test_hand_numbers():
    assert T_HAND == pytest.approx(3.0775, abs=5e-5)
    assert f"{P_HAND:.3f}" == "0.007"


def test_printed_change_rows_need_no_r(make_trial):
    # The issue's bug: a table whose own change SDs reproduce p was judged "No analysis
    # reproduces P"; with change rows the between-arm test on change is direct.
    trial = _trial(make_trial, "p1,p,pain,,post,treat-control,=,0.007,,T2,t,change\n"
                               "t1,t,pain,,post,treat-control,=,3.08,,T2,,\n")
    res = recompute_p(trial)
    row = res[(res.id == "t1") & (res.analysis == "student_change")].iloc[0]
    assert "on_printed_change" in row.method and math.isnan(row.r)
    assert row.statistic_value == pytest.approx(T_HAND, abs=0.02)  # rounding box centre
    assert row.reproduces
    c = claims(trial).set_index("id")
    assert c.loc["p1", "verdict"] == "consistent"
    assert "tried" not in c.loc["p1", "detail"]  # the test was named
    assert c.loc["t1", "verdict"] == "consistent" and "tried:" in c.loc["t1", "detail"]


def test_implied_r_and_impossible_table(make_trial):
    # treat: (2.0^2 + 2.0^2 - 1.3^2) / (2 x 2.0 x 2.0) = 6.31 / 8 = 0.789;
    # control: (2.1^2 + 1.9^2 - 2.4^2) / (2 x 2.1 x 1.9) = 2.26 / 7.98 = 0.283.
    table = check(_trial(make_trial, ""))
    rows = table[table.check == "implied_r"].set_index("arm")
    assert (rows.verdict == "consistent").all()
    assert "0.79" in rows.loc["treat", "detail"] and "0.28" in rows.loc["control", "detail"]
    # change SD 4.5: (4 + 4 - 20.25) / 8 = -1.53, and at the rounding box's best corner
    # (1.95, 2.05, 4.45 -> ... ) still below -1: an impossible table.
    bad = check(_trial(make_trial, "", sd1="4.5"))
    row = bad[(bad.check == "implied_r") & (bad.arm == "treat")].iloc[0]
    assert row.verdict == "inconsistent" and "Impossible table" in row.detail
    assert "-1.53" in row.detail


def test_solve_r_against_hand_calculation():
    # t = 2 / sqrt(2 (1 - r)) printed as "2.00" stands for [1.995, 2.005], so
    # 1 - r lies in [(2/2.005)^2 / 2, (2/1.995)^2 / 2] = [0.497512, 0.502511]:
    # r in [0.497489, 0.502488] (by hand).
    def ev(r, ci=False):
        t = 2 / np.sqrt(2 * (1 - np.asarray(r)))
        return {"statistic": np.vstack([t, t])}

    (lo, hi), = solve_r(ev, "t", "=", ("2.00",))
    assert lo == pytest.approx(0.497489, abs=2e-4) and hi == pytest.approx(0.502488, abs=2e-4)
    assert describe_ranges([(lo, hi)]) == ("the pre-post correlation is 0.50", True)


def test_solved_r_range_and_implausible_r(make_trial):
    # Without change rows the change-score t depends on r. At r = 0: sd_change^2 = 8.0 and
    # 4.41 + 3.61 = 8.02, se = sqrt((8 + 8.02) / 2 x 2/9) = 1.3342, t = 2.8 / 1.3342 = 2.10,
    # p = 0.052; at r = -0.5: 12 and 12.01, se = 1.6333, t = 1.714, p = 0.106. So p = 0.10
    # needs a negative correlation: implausible, flagged.
    trial = _trial(make_trial, "p1,p,pain,,post,treat-control,=,0.10,,T2,t,change\n"
                               "p2,p,pain,,post,treat-control,=,0.007,,T2,t,change\n",
                   change=False)
    res = recompute_p(trial).set_index("id")
    assert res.loc["p1", "implausible_only"] and not res.loc["p1", "reproduces"]
    assert res.loc["p1", "r_high"] < 0
    c = claims(trial).set_index("id")
    assert c.loc["p1", "verdict"] == "inconsistent"
    assert "reproduced only if the pre-post correlation is" in c.loc["p1", "detail"]
    assert "implausible" in c.loc["p1", "detail"]
    # p = 0.007 needs t = 3.08 on 16 df: sd_change^2 = 8 - 8r and 8.02 - 7.98r give
    # se = sqrt((16.02 - 15.98 r) / 9) = 2.8 / 3.0775 -> r = (16.02 - 9 x 0.8278) / 15.98
    # = 0.536 (by hand, with 0.8278 = (2.8/3.0775)^2); rounding widens it a little.
    assert c.loc["p2", "verdict"] == "consistent"
    lo, hi = res.loc["p2", "r_low"], res.loc["p2", "r_high"]
    assert lo < 0.536 < hi and hi - lo < 0.3


@pytest.mark.parametrize("test,reason", [
    ("mann_whitney", "ranks"), ("kruskal_wallis", "ranks"), ("wilcoxon", "ranks"),
    ("mixed", "covariance"), ("chi2", "counts"), ("fisher", "counts")])
def test_tests_summary_data_cannot_reproduce(make_trial, test, reason):
    trial = _trial(make_trial, f"p1,p,pain,,post,treat-control,=,0.007,,T2,{test},\n")
    row = claims(trial).iloc[0]
    assert row.verdict == "cannot check" and reason in row.detail


def test_anova_hand_calculation():
    # Means 5, 6, 7; variances 1, 2, 3; n = 10 each (hand): grand mean 6,
    # MS_between = 10 x (1 + 0 + 1) / 2 = 10, MS_within = 9 x (1 + 2 + 3) / 27 = 2, F = 5.
    # Welch (1951): w = 10, 5, 10/3, W = 55/3, weighted mean 5.636364; numerator
    # (4.049587 + 0.661157 + 6.198347) / 2 = 5.454545; Lambda = ((6/11)^2... ) = 0.156107;
    # F = 5.454545 / (1 + 2 x 1 / 8 x 0.156107) = 5.2497; df2 = 8 / (3 x 0.156107) = 17.082.
    boxes = [{"m": (m, m, m), "sd": (s, s, s)} for m, s in
             ((5, 1), (6, math.sqrt(2)), (7, math.sqrt(3)))]
    eq = anova_box(boxes, [10, 10, 10], "equal").iloc[-1]
    assert eq.statistic == pytest.approx(5.0) and eq.df == 27
    assert eq.p == pytest.approx(stats.f.sf(5.0, 2, 27))
    w = anova_box(boxes, [10, 10, 10], "unequal").iloc[-1]
    assert w.statistic == pytest.approx(5.2497, abs=1e-4) and w.df == pytest.approx(17.082,
                                                                                     abs=1e-3)


def test_three_arm_anova_statement(make_trial):
    toml = TOML.replace("integer = true\n", "").replace(
        '[[timepoints]]\nid = "pre"', '[[arms]]\nid = "sham"\nlabel = "Sham"\nn = 10\n\n'
        '[[timepoints]]\nid = "pre"')
    summary = ("outcome,arm,timepoint,n,mean,sd,source\n"
               "pain,treat,post,10,5.0,1.0,T\npain,control,post,10,6.0,1.414,T\n"
               "pain,sham,post,10,7.0,1.732,T\npain,treat,pre,10,6.0,1.0,T\n"
               "pain,control,pre,10,6.0,1.0,T\npain,sham,pre,10,6.0,1.0,T\n")
    # F = 5 on (2, 27) df (hand, above): p = 0.0142
    reported = REPORTED + ("f1,F,pain,,post,,=,5.0,,T,anova,\n"
                           "p1,p,pain,,post,,=,0.014,,T,,\n"
                           "p2,p,pain,,post,,=,0.30,,T,anova,\n")
    trial = trialkit.read_trial(make_trial(toml=toml, summary=summary, reported=reported))
    c = claims(trial).set_index("id")
    assert c.loc["f1", "verdict"] == "consistent" and "ANOVA" in c.loc["f1", "detail"]
    assert c.loc["p1", "verdict"] == "consistent" and "tried" in c.loc["p1", "detail"]
    assert c.loc["p2", "verdict"] == "inconsistent"


def test_named_test_and_analysis_restrict_the_analyses(make_trial):
    trial = _trial(make_trial, "w1,p,pain,,post,treat-control,<,0.05,,T2,welch,follow_up\n"
                               "a1,p,pain,,post,treat-control,<,0.05,,T2,ancova,\n"
                               "c1,p,pain,,post,treat-control,<,0.05,,T2,,change\n")
    res = recompute_p(trial)
    assert set(res[res.id == "w1"].analysis) == {"welch_followup"}
    assert set(res[res.id == "a1"].analysis) == {"ancova"}
    assert set(res[res.id == "c1"].analysis) == {"student_change", "welch_change"}


def test_change_rows_without_follow_up_values(make_trial):
    # A table printing baseline and change only: the change test still runs (t = 3.08).
    summary = "\n".join(BASE.splitlines()[:2] + BASE.splitlines()[3:4]) + "\n"
    summary += CHANGE.format(sd1="1.3")
    reported = REPORTED + "t1,t,pain,,post,treat-control,=,3.08,,T2,t,change\n"
    try:
        trial = trialkit.read_trial(make_trial(toml=TOML9, summary=summary, reported=reported))
    except trialkit.TrialDataError:
        pytest.skip("the reader needs follow-up value rows beside change rows")
    row = claims(trial).iloc[0]
    assert row.verdict == "consistent", row.detail
