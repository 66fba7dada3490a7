"""Each arm's pre-post correlation where a change-score test depends on two of them
(checks.rsolve_arms), against the test's formula solved by hand in closed form.

Trial (n = 9 per arm, inputs printed to 4 decimals so that their rounding is negligible):
treat 6.0 (2.0) -> 3.0 (2.0), control 6.1 (2.1) -> 5.9 (1.9). Student's t on change
scores: difference in change -2.8; each arm's change variance
sd_pre^2 + sd_post^2 - 2 r sd_pre sd_post is 8 - 8 r1 (treat) and 8.02 - 7.98 r2 (control);
pooled over 16 df with equal n, se^2 = (16.02 - 8 r1 - 7.98 r2) / 9 (Cochrane Handbook
6.5.2.8 for the change SD; Student's pooled SE). So |t| = 2.8 / se and the reproducing
region is the band V_lo <= 16.02 - 8 r1 - 7.98 r2 <= V_hi with V = 9 (2.8 / t)^2.
"""

from __future__ import annotations

import textwrap

import numpy as np
import pytest
from conftest import TOML
from scipy import stats

import trialkit
from trialkit.checks import claims, recompute_p
from trialkit.checks.rsolve_arms import describe_arm_ranges, solve_r_arms

TOML9 = TOML.replace("n = 10", "n = 9").replace("integer = true\n", "")
SUMMARY = textwrap.dedent('''\
    outcome,arm,timepoint,measure,n,mean,sd,source
    pain,treat,pre,value,9,6.0000,2.0000,T2
    pain,treat,post,value,9,3.0000,2.0000,T2
    pain,control,pre,value,9,6.1000,2.1000,T2
    pain,control,post,value,9,5.9000,1.9000,T2
    ''')
REPORTED = ("id,statistic,outcome,arm,timepoint,comparison,relation,value,text,source,test,"
            "analysis\np1,p,pain,,post,treat-control,=,0.007,,T2,t,change\n")

# "0.007" stands for p in [0.0065, 0.0075]; two-sided on 16 df (scipy's t quantiles):
T_LO, T_HI = stats.t.isf(0.0075 / 2, 16), stats.t.isf(0.0065 / 2, 16)
V_LO, V_HI = 9 * (2.8 / T_HI) ** 2, 9 * (2.8 / T_LO) ** 2


def _trial(make_trial, extra: str = ""):
    return trialkit.read_trial(make_trial(toml=TOML9, summary=SUMMARY + extra,
                                          reported=REPORTED))


def test_hand_band():
    # R 4.2: qt(c(0.0075, 0.0065) / 2, 16, lower.tail = FALSE) = 3.058767 3.127103, and
    # 9 * (2.8 / t)^2 = 7.54164 7.21563
    assert (T_LO, T_HI) == pytest.approx((3.058767, 3.127103), abs=1e-6)
    assert (V_HI, V_LO) == pytest.approx((7.54164, 7.21563), abs=1e-5)


def test_joint_square_and_each_arm(make_trial):
    row = recompute_p(_trial(make_trial)).query("analysis == 'student_change'").iloc[0]
    # Joint (r1 = r2 = r): 16.02 - 15.98 r = V.
    assert row.r_low == pytest.approx((16.02 - V_HI) / 15.98, abs=2e-3)
    assert row.r_high == pytest.approx((16.02 - V_LO) / 15.98, abs=2e-3)
    # Each arm, with the other anywhere in [0, 0.999]: the band is linear, so the extremes
    # sit at the other arm's ends: r1 from (16.02 - V_HI - 7.98 x 0.999) / 8 up to
    # (16.02 - V_LO) / 8 > 1 (so up to the search's end, 0.999); r2 likewise.
    assert row.r1_low == pytest.approx((16.02 - V_HI - 7.98 * 0.999) / 8, abs=2e-3)
    assert row.r2_low == pytest.approx((16.02 - V_HI - 8 * 0.999) / 7.98, abs=2e-3)
    assert row.r1_high == pytest.approx(0.999) and row.r2_high == pytest.approx(0.999)
    # Both in [a, b] (a, b the joint ends): the band's corners (a, a) and (b, b) are its
    # edges and (a, b), (b, a) lie between them, so the whole square reproduces.
    lo, hi = f"{row.r_low:.2f}", f"{row.r_high:.2f}"
    assert f"whenever both correlations lie between {lo} and {hi}" in row.r_arms
    assert f"r(treat) at least {row.r1_low:.2f}" in row.r_arms
    c = claims(_trial(make_trial)).iloc[0]
    assert c.verdict == "consistent"
    assert "one r for both arms; per arm: whenever both" in c.detail


def test_one_arm_fixed_at_its_implied_r(make_trial):
    # The control arm prints its change SD 2.0075: implied r2 = (2.1^2 + 1.9^2 - 2.0075^2) /
    # (2 x 2.1 x 1.9) = 3.98994 / 7.98 = 0.49999 (by hand). Then 16.02 - 7.98 x 0.5 = 12.03,
    # and r1 lies in [(12.03 - V_HI) / 8, (12.03 - V_LO) / 8].
    trial = _trial(make_trial, "pain,control,post,change,9,-0.2000,2.0075,T2\n")
    row = recompute_p(trial).query("analysis == 'student_change'").iloc[0]
    assert row.r2_low == pytest.approx(0.5, abs=1e-3) and row.r2_high == pytest.approx(
        0.5, abs=1e-3)
    assert row.r1_low == pytest.approx((12.03 - V_HI) / 8, abs=2e-3)
    assert row.r1_high == pytest.approx((12.03 - V_LO) / 8, abs=2e-3)
    assert row.r_arms.startswith("per arm: with r(control) = 0.50 (implied by its printed")
    assert f"r(treat) between {row.r1_low:.2f} and {row.r1_high:.2f}" in row.r_arms


def test_implausible_per_arm_says_so(make_trial):
    # p = 0.10 needs |t| = 1.746 (16 df): V = 9 (2.8 / 1.746)^2 = 23.1 > 16.02, so
    # 8 r1 + 7.98 r2 < 0: at least one negative correlation; no pair in [0, 1) works.
    trial = trialkit.read_trial(make_trial(toml=TOML9, summary=SUMMARY,
                                           reported=REPORTED.replace("0.007", "0.10")))
    row = recompute_p(trial).query("analysis == 'student_change'").iloc[0]
    assert row.implausible_only and "implausible" in row.r_arms
    assert min(row.r1_low, row.r2_low) < 0


def test_solve_r_arms_on_a_written_out_statistic():
    # statistic = r1 + 2 r2, printed "1.00" ([0.995, 1.005]); with r2 in [0, 1): r1 from 0
    # (r2 = 0.5) to 1.005 - 0 -> the search's end; r2 from 0 to 1.005 / 2 = 0.5025.
    def ev(r, ci=False, r2=None):
        v = np.asarray(r) + 2 * np.asarray(r2)
        return {"statistic": np.vstack([v, v])}

    res = solve_r_arms(ev, "t", "=", ("1.00",))
    (a1, b1), = res["arm1"]
    (a2, b2), = res["arm2"]
    assert (a1, b1) == pytest.approx((0.0, 0.999), abs=2e-3)
    assert (a2, b2) == pytest.approx((0.0, 0.5025), abs=2e-3)
    # r1 = r2 = r: 3 r in [0.995, 1.005] -> r in [0.3317, 0.335]; the square is not inside
    # (corner (0.3317, 0.335) gives 1.0017, fine, but (0.335, 0.3317)... all within [0.995,
    # 1.005]? 0.335 + 0.6634 = 0.9984, yes): tested on its own 21 x 21 grid.
    res = solve_r_arms(ev, "t", "=", ("1.00",), joint=[(0.995 / 3, 1.005 / 3)])
    assert res["square"] == pytest.approx((0.995 / 3, 1.005 / 3), abs=1e-3)
    # a wide joint range whose square is not inside: r1 + 2 r2 "1.0" ([0.95, 1.05]) on
    # [0.2, 0.5]^2 spans 0.6 to 1.5
    assert solve_r_arms(ev, "t", "=", ("1.0",), joint=[(0.2, 0.5)])["square"] is None
    assert "r(x) anywhere from 0.00 to 1" in describe_arm_ranges(
        {"arm1": [(0.0, 0.999)], "arm2": [(0.0, 0.5)], "square": None, "plausible": True,
         "fixed": None}, ("x", "y"))
