"""reanalyse(trial): the wiring from a trial's effects to the posterior and the design."""

from __future__ import annotations

import math
import warnings

import pytest
from scipy import stats

import trialkit
from trialkit.reanalysis import reanalyse


def _quiet(*args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return reanalyse(*args, **kwargs)


def test_flagship_pain_posterior_by_hand():
    res = _quiet(trialkit.load("mejuto2014"), r=0.5, outcome="pain")
    row = res.query("timepoint == '1wk' and prior == 'skeptical' and likelihood == 'normal'"
                    ).iloc[0]
    assert row["illustrative"] and row["mcid"] == 1.3 and row["direction"] == "lower_is_better"
    # Normal-normal update worked from the effect the row reanalyses: skeptical prior
    # N(0, (1.3/1.644854)^2); posterior precision = 1/s0^2 + 1/se^2.
    y, se = row["effect"], row["effect_se"]
    s0 = 1.3 / 1.6448536269514722
    var = 1 / (1 / s0**2 + 1 / se**2)
    mean = var * y / se**2
    assert row["estimate"] == pytest.approx(mean, rel=1e-12)
    assert row["p_mcid"] == pytest.approx(stats.norm.cdf((-1.3 - mean) / math.sqrt(var)),
                                          rel=1e-12)
    # Design at the MCID: power of a two-sided t test (df from the effect) for a true
    # difference of 1.3 points with this SE.
    assert 0 < row["power_mcid"] < 1 and row["type_m_mcid"] > 1
    # Both likelihoods are there, each named in method.
    assert set(res["likelihood"]) == {"normal", f"student_t(df={row['effect_df']:g})"}


def test_outcome_without_mcid_gets_flat_prior_only_and_says_so():
    trial = trialkit.load("mejuto2014")
    without = [o.id for o in trial.outcomes if o.mcid is None]
    assert without, "the flagship has outcomes without an MCID"
    res = _quiet(trial, r=0.5, outcome=without[0])
    assert set(res["prior"]) == {"flat"}
    assert res["mcid_source"].str.startswith("none").all()
    assert res["p_mcid"].isna().all()


def test_undeclared_direction_is_not_given_a_benefit():
    table = ("outcome\ttimepoint\tA (n=10)\tB (n=10)\n"
             "Score\tBaseline\t5.0 (1.0)\t5.1 (1.1)\n"
             "Score\tWeek 6\t3.0 (1.2)\t4.9 (1.0)\n")
    res = _quiet(trialkit.from_table(table), r=0.5)
    assert res["method"].str.contains("direction of benefit is not declared").all()
    assert "p_benefit" not in res.columns or res["p_benefit"].isna().all()


def test_cli_reanalyse_prints_a_sentence_per_outcome(capsys):
    from trialkit.cli import main

    assert main(["reanalyse", "mejuto2014", "--r", "0.5", "--outcome", "pain"]) == 0
    out = capsys.readouterr().out
    res = _quiet(trialkit.load("mejuto2014"), r=0.5, outcome="pain")
    row = res.query("timepoint == '10min' and prior == 'skeptical' and likelihood == 'normal'"
                    ).iloc[0]
    assert (f"Under a skeptical prior, the probability that Dry needling lowers Neck pain "
            f"intensity (NPRS) by at least 1.3 points at 10 minutes is {row['p_mcid']:.2f} "
            f"(illustrative data).") in out
    assert main(["reanalyse", "mejuto2014", "--mcid", "-1"]) == 2
    assert main(["reanalyse", "mejuto2014", "--prior", "optimistic"]) == 2
