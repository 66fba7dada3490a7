"""claims and check never print NaN or inf, never hang on a huge arm, and an MCID of NaN
cannot be checked."""

from __future__ import annotations

import dataclasses
import time

import pytest
from conftest import SUMMARY, TOML

import trialkit
from trialkit.checks import check, claims
from trialkit.checks.claims import no_nan_sentence

REPORTED = "id,statistic,outcome,arm,timepoint,comparison,relation,value,text,source\n"


def test_mcid_nan_cannot_be_checked(make_trial, monkeypatch):
    toml = TOML + "mcid = nan\nmcid_source = \"x\"\n"
    reported = REPORTED + "m1,mcid_exceeded,pain,treat,post,,=,true,,abstract\n"
    try:
        trial = trialkit.read_trial(make_trial(toml=toml, reported=reported))
    except trialkit.TrialDataError:
        # The reader refuses it at load; claims must not depend on that, so give the loaded
        # trial's outcome an MCID of NaN (a stub, unavoidable once the reader refuses it).
        toml = TOML + 'mcid = 2\nmcid_source = "x"\n'
        trial = trialkit.read_trial(make_trial(toml=toml, reported=reported))
        real = trial.outcome("pain")
        stub = dataclasses.replace(real, mcid=float("nan"))
        monkeypatch.setattr(type(trial), "outcome", lambda self, o: stub)
    row = claims(trial).iloc[0]
    assert row.verdict == "cannot check"
    assert "nan" not in row.detail.lower() and "no MCID" in row.detail


def test_percent_claim_on_a_huge_arm_is_fast(make_trial):
    big = 10**12
    toml = TOML.replace("n = 10", f"n = {big}")
    summary = SUMMARY.replace(",10,", f",{big},")
    reported = REPORTED + "f1,percent_female,,treat,,,=,53,,abstract\n"
    try:
        trial = trialkit.read_trial(make_trial(toml=toml, summary=summary, reported=reported))
    except trialkit.TrialDataError:
        pytest.skip("the reader bounds arm sizes at load")
    t0 = time.perf_counter()
    row = claims(trial).iloc[0]
    assert time.perf_counter() - t0 < 5
    # 53% of 10^12 is possible: 525 x 10^9 of 10^12 = 52.5% rounds (half up) to 53%
    assert row.verdict == "consistent"


def test_nan_sentence_becomes_cannot_check():
    res = no_nan_sentence({"verdict": "consistent", "detail": "each within nan-nan times",
                           "computed": 1.0, "method": "x"})
    assert res["verdict"] == "cannot check" and "nan" not in res["detail"]
    res = no_nan_sentence({"verdict": "consistent", "detail": "MDC >= -inf", "computed": 1.0,
                           "method": "x"})
    assert res["verdict"] == "cannot check"
    keep = {"verdict": "consistent", "detail": "Information and finance are fine.",
            "computed": 1.0, "method": "x"}
    assert no_nan_sentence(keep) == keep


def test_single_sd_row_has_no_nan_ratio(make_trial):
    # one row of an outcome: no 'others' median, so no 'within nan-nan times'
    table = check(trialkit.read_trial(make_trial()), r=0.5)
    assert not table.detail.str.contains("nan", case=False).any()


def _ratio_trial(make_trial, treat_post: str):
    summary = SUMMARY.replace("pain,treat,post,10,3.40,1.50", f"pain,treat,post,10,{treat_post}")
    reported = REPORTED + "q1,ratio_of_means,pain,,post,treat-control,=,0.65,,T2\n"
    toml = TOML.replace("integer = true\n", "")
    return trialkit.read_trial(make_trial(toml=toml, summary=summary, reported=reported))


def test_ratio_of_means_claim_and_geary(make_trial):
    # 3.40 / 5.20 = 0.6538 (hand), within the rounding 3.395/5.205 = 0.6523 to
    # 3.405/5.195 = 0.6554: rounds to 0.65. Geary: 3.40 sqrt(10) / 1.50 = 7.17 and
    # 5.20 sqrt(10) / 1.40 = 11.75, both >= 3: reliable.
    row = claims(_ratio_trial(make_trial, "3.40,1.50")).iloc[0]
    assert row.verdict == "consistent" and "0.654" in row.detail
    assert "unreliable" not in row.detail
    # SD 4.00: 3.40 sqrt(10) / 4.00 = 2.69 < 3: Geary's condition fails.
    row = claims(_ratio_trial(make_trial, "3.40,4.00")).iloc[0]
    assert "unreliable" in row.detail and "2.69" in row.detail
    assert "geary=fail" in row.method
