"""Categorical baseline p values by simdistr's Monte Carlo (trialkit.screen.categorical_p),
against hand calculations and simdistr 1.0.1's own output.

References: tests/reference/simdistr_example.R (sim_distr(5000, example_trials), seed 2017,
stored in simdistr_variable_p.csv and simdistr_combined_p.csv) and
tests/reference/screen_simdistr_cat.R (sim_distr on the categorical variables alone with
100,000 simulations, stored in screen_simdistr_cat_out.csv).

Monte Carlo error: a Monte Carlo p from m simulations has standard error sqrt(p (1 - p) / m);
two independent estimates (ours and simdistr's) differ by at most
``4 sqrt(p (1 - p) (1 / m1 + 1 / m2))`` with probability 1 - 6e-5 each. A trial's combined
p is compared on the z scale (z = Phi^-1(1 - p_combined) = sum z_i / sqrt(k)), where by the
delta method each variable's z_i = Phi^-1(1 - p_i) has variance var(p_i) / phi(z_i)^2.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from trialkit.screen import read_rows, screen
from trialkit.screen.baseline import baseline_p, combine_baseline_p, partial_baseline_p
from trialkit.screen.categorical_p import simdistr_categorical_p

REF = Path(__file__).resolve().parents[1] / "reference"
DATA = Path(__file__).resolve().parents[1] / "data" / "screen"
EXAMPLE = DATA / "simdistr_example_trials.csv"


def _rows(trial: str, arms: list[tuple[int, float]], *, percent: bool = False,
          variable: str = "sex") -> pd.DataFrame:
    """Categorical rows of one variable: (n, count) per arm, or (n, percent) with
    ``percent``."""
    return pd.DataFrame([{
        "trial": trial, "variable": variable, "arm": f"a{i}", "timepoint": "",
        "kind": "categorical", "n": n, "mean": math.nan, "sd": math.nan, "mean_text": "",
        "sd_text": "", "mean_decimals": -1, "sd_decimals": -1,
        "count": math.nan if percent else c, "percent": c if percent else math.nan,
        "reported_p": math.nan, "file": "f", "row": i + 1} for i, (n, c) in enumerate(arms)])


def _tie_probability(n: int, k: int, pooled: float) -> float:
    """P(k arms of n all have the same count) under simdistr's null, by hand: the population
    proportion is K / (k n) with K ~ Binomial(k n, pooled), each arm Binomial(n, K / (k n)),
    so P = sum_K b(K; kn, pooled) sum_x b(x; n, K / kn)^k."""
    from scipy import stats
    big = k * n
    x = np.arange(n + 1)
    return float(sum(stats.binom.pmf(j, big, pooled) * (stats.binom.pmf(x, n, j / big) ** k)
                     .sum() for j in range(big + 1)))


def test_identical_proportions_by_hand():
    # Saitoh 1995A's sex: 47% of 15 in both arms (7 of 15). Identical proportions, D = 0,
    # so p = 1 - P(D* = 0) / 2; percentages printed whole, and distinct counts of 15 give
    # distinct whole percentages, so D* = 0 exactly when the two counts are equal. By hand
    # (_tie_probability, scipy's binomial pmf): P(tie) = 0.147489, p = 1 - 0.073744.
    tie = _tie_probability(15, 2, 0.47)
    assert tie == pytest.approx(0.1474887, abs=1e-6)
    sims = 40_000
    got = baseline_p(_rows("1995A", [(15, 47.0), (15, 47.0)], percent=True), sims=sims,
                     seed=3).iloc[0]
    assert got["p"] == 1.0  # the chi-squared p of identical counts
    se = math.sqrt(tie / 2 * (1 - tie / 2) / sims)
    assert abs(got["p_carlisle"] - (1 - tie / 2)) <= 4 * se
    assert got["method"].endswith("+p_carlisle:simdistr_monte_carlo_midp")
    # counts given instead of percentages: the same null, nothing rounded
    got2 = baseline_p(_rows("1995A", [(15, 7.0), (15, 7.0)]), sims=sims, seed=3).iloc[0]
    pooled = 7 / 15
    tie2 = _tie_probability(15, 2, pooled)
    assert abs(got2["p_carlisle"] - (1 - tie2 / 2)) <= 4 * math.sqrt(tie2 / 2 / sims)


def test_four_arm_identical_counts_by_hand():
    # Saitoh 1995B / 1996: 47% of 15 in four arms; P(all four counts equal) by hand =
    # 0.0043525, p = 1 - 0.0021763 (simdistr at 5000 simulations printed 0.0023 and 0.0022).
    tie = _tie_probability(15, 4, 0.47)
    assert tie == pytest.approx(0.00435255, abs=1e-7)
    sims = 100_000
    got = baseline_p(_rows("1995B", [(15, 47.0)] * 4, percent=True), sims=sims,
                     seed=1).iloc[0]
    assert abs((1 - got["p_carlisle"]) - tie / 2) <= 4 * math.sqrt(tie / 2 / sims)


def test_against_simdistr_with_100000_simulations():
    # screen_simdistr_cat_out.csv: sim_distr(100000, ...) on each example trial's categorical
    # variable. With ties="simdistr" (R's floating-point comparison of the statistic) the
    # same null, statistic, rounding and tie rule must reproduce it within Monte Carlo error.
    ref = pd.read_csv(REF / "screen_simdistr_cat_out.csv")
    rows = read_rows(EXAMPLE)
    cat = rows[rows["kind"] == "categorical"]
    sims = 100_000
    for run, group in ref.groupby("run"):
        for r in group.itertuples(index=False):
            arms = cat[cat["trial"] == r.trial].sort_values("arm")
            n = arms["n"].to_numpy(float)
            prop = arms["percent"].to_numpy(float) / 100
            dec = np.full(len(n), int(r.decimals))
            p, _ = simdistr_categorical_p(np.array([r.trial]), np.array(["v"]), n, prop, dec,
                                          np.array([0]), np.array([len(n)]), sims, 11,
                                          ties="simdistr")
            ours = 1 - p[0]  # simdistr's convention
            se = math.sqrt(r.p * (1 - r.p) * 2 / sims)
            assert abs(ours - r.p) <= 4 * se, (run, r.trial, ours, r.p)


def test_exact_ties_differ_from_simdistr_by_at_most_half_a_tie():
    # simdistr compares floating-point sums, so some exact ties D* = D count as below (or
    # above); trialkit counts ties in exact arithmetic. Saitoh 1995A: exact ties give
    # P(tie)/2 = 0.0737 (by hand above); simdistr's 100,000 simulations give a smaller p,
    # but no further than half the tie probability from it.
    ref = pd.read_csv(REF / "screen_simdistr_cat_out.csv").set_index(["run", "trial"])
    simdistr = ref.loc[("as_shipped", "Saitoh 1995A"), "p"]
    tie = _tie_probability(15, 2, 0.47)
    assert simdistr < tie / 2 - 4 * math.sqrt(tie / 2 / 1e5)
    ours = 1 - baseline_p(_rows("1995A", [(15, 47.0), (15, 47.0)], percent=True),
                          sims=40_000, seed=5).iloc[0]["p_carlisle"]
    assert abs(ours - tie / 2) <= 4 * math.sqrt(tie / 2 / 40_000)


def _reference() -> tuple[pd.DataFrame, pd.Series]:
    """simdistr's variable p (its convention) and combined p per trial, 5000 simulations.

    Saitoh 2013's categorical variable is printed 0.45 in every arm but declared with 1
    decimal in example_trials; trialkit reads the 2 decimals printed, so for that trial
    the reference is simdistr run with 2 decimals declared
    (screen_simdistr_cat_combined.R; its variable p from screen_simdistr_cat.R's
    "decimals_as_printed" run). The other six trials: simdistr_example.R as shipped.
    """
    ref = pd.read_csv(REF / "simdistr_variable_p.csv")
    ref["variable"] = ref["variable"].astype(str)
    cat = pd.read_csv(REF / "screen_simdistr_cat_out.csv")
    fixed = cat[(cat.run == "decimals_as_printed") & (cat.trial == "Saitoh 2013")].iloc[0]
    ref.loc[(ref.trial == "Saitoh 2013") & (ref.variable == str(fixed.variable)), "p"] = \
        fixed.p
    comb = pd.read_csv(REF / "simdistr_combined_p.csv").set_index("trial")["p"]
    comb2 = pd.read_csv(REF / "screen_simdistr_cat_combined_out.csv").set_index("trial")["p"]
    comb.loc["Saitoh 2013"] = comb2.loc["Saitoh 2013"]
    return ref, comb


def _combined_z_bound(variable_p: pd.DataFrame, m_ours: int, m_ref: int) -> pd.Series:
    """4 SE of z_ours - z_simdistr per trial (delta method, module documentation)."""
    from scipy import stats
    p = variable_p["p"].clip(1 / m_ref, 1 - 1 / m_ref)
    z = stats.norm.ppf(1 - p)
    var = p * (1 - p) * (1 / m_ours + 1 / m_ref) / stats.norm.pdf(z) ** 2
    frame = pd.DataFrame({"trial": variable_p["trial"], "var": var})
    g = frame.groupby("trial")["var"]
    return 4 * np.sqrt(g.sum() / g.count())


def _compare(variables: pd.DataFrame, trials: pd.DataFrame, sims: int, p_slack: float,
             z_slack: float) -> None:
    from scipy import stats
    ref, comb = _reference()
    v = variables.merge(ref, on=["trial", "variable"], suffixes=("", "_simdistr"))
    assert len(v) == len(ref) == 25
    ours = 1 - v["p_carlisle"]  # simdistr's convention
    pr = v["p_simdistr"].clip(1e-4, None)
    # 4 SE of the difference of two Monte Carlo estimates, plus simdistr's 4-decimal print
    se = np.sqrt(pr * (1 - pr) * (1 / sims + 1 / 5000))
    slack = np.where(v["kind"] == "categorical", p_slack, 0.0)
    gap = (ours - v["p_simdistr"]).abs()
    assert (gap <= 4 * se + 5e-5 + slack).all(), v.assign(ours=ours, gap=gap, se=se)
    t = trials.set_index("trial")
    assert (t["n_extreme"] == 0).all()
    z_ours = pd.Series(stats.norm.isf(t["p_carlisle"].reindex(comb.index)), comb.index)
    z_ref = pd.Series(stats.norm.isf(comb), comb.index)
    bound = _combined_z_bound(ref, sims, 5000).reindex(comb.index) + z_slack
    assert ((z_ours - z_ref).abs() <= bound).all(), pd.DataFrame(
        {"ours": t["p_carlisle"].reindex(comb.index), "simdistr": comb,
         "dz": z_ours - z_ref, "bound": bound})


def test_simdistr_r_ties_reproduce_simdistrs_example_output():
    # simdistr 1.0.1 sim_distr(5000, example_trials), set.seed(2017): every variable's p
    # and each trial's combined p (its return value), within Monte Carlo error only
    # (module documentation), with ties counted as R's floating-point comparison does.
    from trialkit.screen.combine import combine_trials
    sims = 20_000
    rows = read_rows(EXAMPLE)
    variables = baseline_p(rows, sims=sims, seed=2017, categorical="simdistr_r")
    _compare(variables, combine_trials(variables), sims, 0.0, 0.0)


def test_screen_matches_simdistrs_example_output():
    # screen() as a user runs it (ties in exact arithmetic) against the same simdistr
    # output. Besides Monte Carlo error, the tie rules differ: simdistr's floating-point
    # comparison counts some exact ties D* = D as below, so its p is smaller; the gap is
    # 0.0053 for Saitoh 1995A (0.0737 by hand, test_identical_proportions_by_hand, against
    # simdistr's 0.0684 at 100,000 simulations) and no more than 0.006 for any categorical
    # variable here, which moves a trial's z by at most 0.006 / phi(z_i) / sqrt(k) <= 0.08
    # (Saitoh 1993: p about 0.01, phi = 0.027, k = 3).
    sims = 20_000
    res = screen(EXAMPLE, sims=sims, seed=2017)
    _compare(res.variables, res.trials, sims, 0.006, 0.08)
    cat = res.variables[res.variables["kind"] == "categorical"]
    # identical (or nearly) proportions: the chi-squared p is 1 (or 0.99), the Monte Carlo
    # p is not, and every variable enters the combination
    assert len(cat) == 7 and (cat["p"] > 0.99).all() and (cat["p_carlisle"] < 1).all()
    trials = res.trials.set_index("trial")
    # every variable of example_trials counted (simdistr_example.txt: V1..V3 or V1..V4)
    assert trials["n_variables"].to_dict() == {
        "Saitoh 1993": 3, "Saitoh 1995A": 3, "Saitoh 1995B": 4, "Saitoh 1996": 4,
        "Saitoh 1997A": 4, "Saitoh 1997B": 4, "Saitoh 2013": 3}
    # simdistr's most anomalous trial (1995B, 0.00033) stays below 0.001 here
    assert trials.loc["Saitoh 1995B", "p_carlisle"] < 0.001


def test_chunks_and_partitions_do_not_change_the_draws():
    rows = read_rows(EXAMPLE)
    whole = baseline_p(rows, sims=500, seed=9)
    names = sorted(rows["trial"].unique())
    pieces = [partial_baseline_p(rows[rows["trial"].isin(names[i::3])], sims=500, seed=9)
              for i in (2, 0, 1)]
    pd.testing.assert_frame_equal(whole, combine_baseline_p(pd.concat(pieces,
                                                                      ignore_index=True)))
    again = baseline_p(rows, sims=500, seed=9)
    pd.testing.assert_frame_equal(whole, again)
    assert not baseline_p(rows, sims=500, seed=10)["p_carlisle"].equals(whole["p_carlisle"])


def test_exact_option_keeps_the_closed_form_only():
    rows = _rows("T", [(15, 7.0), (15, 7.0)])
    got = baseline_p(rows, sims=200, categorical="exact").iloc[0]
    assert got["p"] == 1.0 and math.isnan(got["p_carlisle"])
    # expected counts 7 and 8 (>= 5): Pearson's chi-squared, X^2 = 0, p = 1
    assert got["method"] == "chi2_pearson/counts"
    with pytest.raises(ValueError, match="categorical='midp'"):
        baseline_p(rows, sims=200, categorical="midp")
    # without simulations there is no Monte Carlo p
    assert math.isnan(baseline_p(rows).iloc[0]["p_carlisle"])


def test_no_tie_in_any_simulation_is_floored_not_one():
    # six arms of 2000 with 1000 each: P(all six counts equal) is about 1e-9 (each pair ties
    # with chance about 1 / sqrt(4 pi 2000 0.25) = 0.0126), so no simulation of 200 ties;
    # the mid-p would be 1, and is set to 1 - 1 / (2 sims) so that it can be combined.
    got = baseline_p(_rows("T", [(2000, 1000.0)] * 6), sims=200, seed=1).iloc[0]
    assert got["p_carlisle"] == 1 - 1 / 400
    assert "no_tie_in_sims" in got["method"]
