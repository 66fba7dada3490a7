"""Stouffer's and Carlisle's combinations against simdistr and hand calculations."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from trialkit.screen import combine_trials, stouffer
from trialkit.screen.combine import least_extreme

REF = Path(__file__).resolve().parents[1] / "reference"


def test_carlisle_p_is_simdistrs_combined_p():
    # tests/reference/simdistr_example.R: simdistr 1.0.1 sim_distr(5000, example_trials)
    # with set.seed(2017). Its variable p values are the share of simulated trials with a
    # smaller spread of means (mid-p ties), i.e. 1 - the usual p; its combined p is
    # 1 - pnorm(sum(qnorm(1 - p)) / sqrt(k)). The printed variable p values are exact
    # (multiples of 1/10000 at 5000 simulations).
    variables = pd.read_csv(REF / "simdistr_variable_p.csv")
    variables["p"] = 1 - variables["p"]
    combined = pd.read_csv(REF / "simdistr_combined_p.csv").set_index("trial")["p"]
    res = combine_trials(variables).set_index("trial")
    assert res["p_carlisle"].to_numpy() == pytest.approx(
        combined.reindex(res.index).to_numpy(), rel=1e-9)
    # Saitoh 1995B: 4 variables; Saitoh 1993: 3
    assert res.loc["Saitoh 1995B", "n_variables"] == 4
    assert res.loc["Saitoh 1993", "n_variables"] == 3
    # only the two below 0.001 are flagged at the default alpha (Saitoh 1995B, 2013)
    assert set(res.index[res["flags"] == "too_similar"]) == {"Saitoh 1995B", "Saitoh 2013"}


def test_stouffer_by_hand():
    # Phi^-1(0.5) = 0 and Phi^-1(0.975) = 1.959964; z = 1.959964 / sqrt(2) = 1.385904;
    # 1 - Phi(1.3859) = 0.08289 (normal table)
    z, upper, lower = stouffer([0.5, 0.975])
    assert z == pytest.approx(1.959964 / math.sqrt(2), abs=1e-6)
    assert upper == pytest.approx(0.08289, abs=1e-5)
    assert lower == pytest.approx(1 - 0.08289, abs=1e-5)
    # Phi^-1 of 0.9, 0.8, 0.95: 1.281552, 0.841621, 1.644854; sum 3.768027;
    # z = 3.768027 / sqrt(3) = 2.175471; 1 - Phi(2.1755) = 0.014797
    z, upper, _ = stouffer([0.9, 0.8, 0.95, float("nan")])
    assert z == pytest.approx(2.175471, abs=1e-6)
    assert upper == pytest.approx(0.014797, abs=1e-6)
    assert all(math.isnan(x) for x in stouffer([]))
    assert all(math.isnan(x) for x in stouffer([0.0, 1.0]))


def test_trials_frame_by_hand():
    variables = pd.DataFrame({"trial": ["A", "A", "A", "B"], "p": [0.9, 0.8, 0.95, 0.3]})
    res = combine_trials(variables).set_index("trial")
    assert res.loc["A", "z_stouffer"] == pytest.approx(2.175471, abs=1e-6)
    assert res.loc["A", "p_similar"] == pytest.approx(0.014797, abs=1e-6)
    # no p_low/p_high: Carlisle's p is the same combination, inverted convention
    assert res.loc["A", "p_carlisle"] == pytest.approx(0.014797, abs=1e-6)
    assert res.loc["A", "p_combined"] == pytest.approx(2 * 0.014797, abs=2e-6)
    # one variable: Phi^-1(0.3) / 1, p_combined = 2 min(0.3, 0.7) = 0.6
    assert res.loc["B", "p_combined"] == pytest.approx(0.6)


def test_least_extreme_uses_the_rounding_interval():
    # Carlisle (2017): of the p values the rounding allows, the one closest to 0.5
    assert least_extreme([0.99], [0.2], [0.999]).tolist() == [0.5]
    assert least_extreme([0.99], [0.98], [0.999]).tolist() == [0.98]
    variables = pd.DataFrame({"trial": ["A", "A"], "p": [0.999, 0.999],
                              "p_low": [0.3, 0.99], "p_high": [0.9999, 0.9999]})
    res = combine_trials(variables).iloc[0]
    # printed values: z = 2 x 3.090232 / sqrt(2) = 4.370248; Carlisle's: Phi^-1(0.5) = 0 and
    # Phi^-1(0.99) = 2.326348, z = 1.644976, 1 - Phi = 0.04999
    assert res["z_stouffer"] == pytest.approx(4.370248, abs=1e-5)
    assert res["p_carlisle"] == pytest.approx(0.04999, abs=1e-5)
    assert res["flags"] == ""


def test_ranking_flags_first_then_p():
    variables = pd.DataFrame({"trial": ["low", "mid", "flagged", "none"],
                              "p": [1e-5, 0.2, 0.5, np.nan]})
    within = pd.DataFrame({"trial": ["flagged", "flagged", "mid"],
                           "check": ["grim", "se_as_sd", "grim"],
                           "verdict": ["inconsistent", "inconsistent", "consistent"],
                           "reason": ["", "", ""]})
    res = combine_trials(variables, within)
    # two flags before one; then the smaller combined p; trials without a p last
    assert res["trial"].tolist() == ["flagged", "low", "mid", "none"]
    assert res.set_index("trial").loc["low", "flags"] == "too_different"
    assert "GRIM: 1 mean impossible" in res.iloc[0]["reason"]
    assert res.iloc[-1]["reason"].startswith("No baseline p to combine")


def test_reported_p_outside_the_recomputed_range():
    # reported 0.04 (0.035 to 0.045) cannot be a p between 0.20 and 0.30
    variables = pd.DataFrame({"trial": ["A", "B"], "p": [0.25, 0.25], "p_low": [0.2, 0.2],
                              "p_high": [0.3, 0.3], "reported_p": [0.04, 0.3],
                              "reported_p_text": ["0.04", "0.3"]})
    res = combine_trials(variables).set_index("trial")
    assert res.loc["A", "n_reported_mismatch"] == 1 and "reported_p" in res.loc["A", "flags"]
    assert res.loc["B", "n_reported_mismatch"] == 0


def test_p_of_zero_or_one_is_left_out_and_said():
    res = combine_trials(pd.DataFrame({"trial": ["A", "A", "B", "B"],
                                       "p": [0.0, 1.0, 1.0, 0.3]})).set_index("trial")
    assert math.isnan(res.loc["A", "p_combined"]) and res.loc["A", "n_extreme"] == 2
    assert "2 variables with a baseline p of exactly 0 or 1" in res.loc["A", "reason"]
    # B: only 0.3 combined, 2 min(0.3, 0.7) = 0.6
    assert res.loc["B", "p_combined"] == pytest.approx(0.6)
    assert res.loc["B", "n_variables"] == 2 and res.loc["B", "n_extreme"] == 1


def test_monte_carlo_p_is_preferred_for_carlisle():
    # simdistr's variable p values given as baseline_p's p_carlisle (conventional
    # direction: 1 - simdistr's), with a different p at the printed values
    variables = pd.read_csv(REF / "simdistr_variable_p.csv")
    variables["p_carlisle"] = 1 - variables["p"]
    variables["p"] = 0.5
    combined = pd.read_csv(REF / "simdistr_combined_p.csv").set_index("trial")["p"]
    res = combine_trials(variables).set_index("trial")
    assert res["p_carlisle"].to_numpy() == pytest.approx(
        combined.reindex(res.index).to_numpy(), rel=1e-9)
    assert (res["z_stouffer"] == 0).all()


def test_monte_carlo_p_of_zero_falls_back_to_the_closed_form():
    # every simulation on one side (p_carlisle 0): the closed form over the rounding,
    # 1e-6 to 1e-4, least extreme 1e-4; z = Phi^-1(1e-4) = -3.719016, Phi(z) = 1e-4
    variables = pd.DataFrame({"trial": ["A"], "p": [1e-5], "p_low": [1e-6], "p_high": [1e-4],
                              "p_carlisle": [0.0]})
    res = combine_trials(variables).iloc[0]
    assert res["n_extreme"] == 0
    assert res["p_combined"] == pytest.approx(2e-4, rel=1e-9)
    assert res["flags"] == "too_different"
