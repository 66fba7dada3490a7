"""analyse(): the tables the CLI prints, per bundled trial."""

from __future__ import annotations

import pandas as pd
import pytest

import trialkit
from trialkit import TrialDataError
from trialkit.ipd import analyse, is_count

EXPECTED = {
    ("anorexia", "weight"): ["ancova", "paired", "permutation", "bootstrap"],
    ("btheb", "bdi"): ["ancova", "repeated", "paired", "permutation", "bootstrap"],
    ("polyps", "polyps"): ["ancova", "repeated", "paired", "permutation", "bootstrap",
                           "count_model"],
    ("headache", "du"): ["ancova", "paired", "permutation", "bootstrap"],
    ("sleep", "extra_sleep"): ["paired", "bootstrap"],
}


@pytest.mark.parametrize(("trial_id", "outcome"), list(EXPECTED))
def test_tables_per_bundled_trial(trial_id, outcome):
    tables = analyse(trialkit.load(trial_id), outcome, n_resamples=500)
    assert list(tables) == EXPECTED[(trial_id, outcome)]
    for name, frame in tables.items():
        assert isinstance(frame, pd.DataFrame) and len(frame), name
        assert {"estimate", "method"} <= set(frame.columns), name
        assert "distribution" not in frame.columns
        assert (frame["outcome"] == outcome).all()


def test_seeded_and_level():
    a = analyse(trialkit.load("anorexia"), "weight", n_resamples=300, seed=5)
    b = analyse(trialkit.load("anorexia"), "weight", n_resamples=300, seed=5)
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name])
    c = analyse(trialkit.load("anorexia"), "weight", n_resamples=300, level=0.9)
    an90 = c["ancova"].query("measure == 'ancova'")
    an95 = a["ancova"].query("measure == 'ancova'")
    assert ((an90["ci_high"] - an90["ci_low"]).to_numpy()
            < (an95["ci_high"] - an95["ci_low"]).to_numpy()).all()


def test_count_detection():
    assert is_count(trialkit.load("polyps").outcome("polyps"))
    assert not is_count(trialkit.load("btheb").outcome("bdi"))  # bounded score 0-63
    assert not is_count(trialkit.load("anorexia").outcome("weight"))


def test_errors():
    with pytest.raises(TrialDataError, match="needs patient data"):
        analyse(trialkit.load("mejuto2014"), "pain")
    with pytest.raises(TrialDataError) as info:
        analyse(trialkit.load("anorexia"), "height")
    assert info.value.field == "outcome"
    with pytest.raises(TrialDataError) as info:
        analyse(trialkit.load("anorexia"), "weight", seed=-3)
    assert info.value.field == "seed"


def test_skipped_analyses_are_listed(two_arm):
    # one patient in an arm: bootstrap cannot run; the reason is listed, nothing is dropped
    trial = two_arm([1], [2], [1, 2, 3], [3, 4, 4])
    tables = analyse(trial, "score", n_resamples=200)
    assert "skipped" in tables
    skipped = tables["skipped"]
    assert (skipped["analysis"] == "bootstrap").any()
    assert skipped["reason"].str.contains("at least 2 patients").any()
    assert skipped["reason"].str.contains("paired: arm trt").any()
