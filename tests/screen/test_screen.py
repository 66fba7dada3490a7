"""trialkit.screen.screen: plumbing, chunking, streaming, the result object."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from trialkit import TrialDataError
from trialkit.screen import chunks, screen

DATA = Path(__file__).resolve().parents[1] / "data" / "screen"


def _fake_baseline(rows: pd.DataFrame) -> pd.DataFrame:
    """A stand-in for trialkit.screen.baseline.baseline_p: the usual p of the t test at the
    printed values, for two-arm continuous variables only (plumbing, not a statistic under
    test)."""
    from scipy import stats

    out = []
    cont = rows[rows["kind"] == "continuous"]
    for (trial, variable, tp), g in cont.groupby(["trial", "variable", "timepoint"],
                                                  sort=False):
        if len(g) != 2:
            continue
        a, b = g.iloc[0], g.iloc[1]
        p = stats.ttest_ind_from_stats(a["mean"], a["sd"], a["n"], b["mean"], b["sd"],
                                       b["n"]).pvalue
        out.append({"trial": trial, "variable": variable, "timepoint": tp,
                    "kind": "continuous", "k_arms": 2, "p": p, "p_low": np.nan,
                    "p_high": np.nan, "reported_p": a["reported_p"], "method": "t/test"})
    return pd.DataFrame(out, columns=list(chunks.VARIABLES_COLUMNS))


def _fake_partial(rows: pd.DataFrame, *, seed: int = 0) -> pd.DataFrame:
    return pd.DataFrame({"rows": [len(rows)], "trials": [rows["trial"].nunique()]})


def _fake_combine(pieces: pd.DataFrame) -> pd.DataFrame:
    return pieces.sum().to_frame().T


@pytest.fixture
def fakes(monkeypatch):
    monkeypatch.setattr(chunks, "baseline_function", lambda: (_fake_baseline, ""))

    def techniques(name):
        if name == "matches":
            return (_fake_partial, _fake_combine), ""
        return None, f"not available ({name} is not installed)"

    monkeypatch.setattr(chunks, "technique_functions", techniques)


def test_review_table_is_ranked_with_reasons():
    res = screen(DATA / "review.csv")
    trials = res.trials.set_index("trial")
    # Beta 2020: disability "21.19" with n = 25 (529/25 = 21.16, 530/25 = 21.20) and 50.5%
    # of 25 (12/25 = 48%, 13/25 = 52%) are impossible
    assert {"grim", "grim_percent"} <= set(trials.loc["Beta 2020", "flags"].split(","))
    assert "GRIM: 1 mean impossible" in trials.loc["Beta 2020", "reason"]
    # Gamma 2021: SDs 2.9/2.0 and 1.8/1.3 at n 20/40 (ratios 1.45, 1.38 ~ sqrt(2)), arms
    # 4.0 and 4.9 "SDs" apart
    assert "se_as_sd" in trials.loc["Gamma 2021", "flags"].split(",")
    # both flagged ones before Alpha 2019 (which of them first depends on their baseline p,
    # computed when trialkit.screen.baseline is there)
    order = res.trials["trial"].tolist()
    assert set(order[:2]) == {"Beta 2020", "Gamma 2021"} and order[2] == "Alpha 2019"


def test_techniques_and_notes(fakes):
    res = screen(DATA / "review.csv", chunk_rows=5)
    # the pieces of 3 chunks of whole trials add up
    assert res.matches["rows"].tolist() == [16] and res.matches["trials"].tolist() == [3]
    assert res.final_digits is None
    assert "not available" in res.notes["final_digits"]
    assert "matches: available" in repr(res)
    assert "final_digits: not available" in repr(res)
    assert "<table" in res._repr_html_()
    assert len(res.variables) == 6  # two continuous variables in each of the 3 trials
    alpha = res.trials.set_index("trial").loc["Alpha 2019"]
    assert alpha["n_variables"] == 2 and alpha["reason"].startswith("Not flagged")
    with pytest.raises(AttributeError):
        _ = res.no_such_frame


def test_chunks_and_streaming_give_the_same_frames(fakes, tmp_path):
    whole = screen(DATA / "review.csv")
    for other in (screen(DATA / "review.csv", chunk_rows=1),
                  screen(DATA / "review.csv", chunk_rows=4, stream=True)):
        for name, frame in whole.frames().items():
            pd.testing.assert_frame_equal(frame, other.frames()[name])


def test_streaming_needs_trials_together(tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_text("trial,variable,arm,n,mean,sd\nA,v,x,10,1.0,0.5\nB,v,x,10,1.0,0.5\n"
                    "A,v,y,10,1.2,0.5\n")
    with pytest.raises(TrialDataError, match="not together") as info:
        screen(path, stream=True, chunk_rows=1)
    assert (info.value.row, info.value.field) == (3, "trial")
    assert len(screen(path).trials) == 2  # read at once, the order does not matter


def test_arguments_are_checked():
    for kwargs in ({"sims": 0}, {"seed": -1}, {"sims": 1.5}, {"alpha": 1.0},
                   {"rounding": "sideways"}, {"chunk_rows": 0}):
        with pytest.raises(TrialDataError):
            screen(DATA / "review.csv", **kwargs)


def test_without_the_baseline_module_it_says_so(monkeypatch):
    monkeypatch.setattr(chunks, "baseline_function",
                        lambda: (None, "not available (no module)"))
    res = screen(DATA / "review.csv")
    assert res.variables.empty
    assert "not computed" in res.trials.iloc[-1]["reason"]
    assert "baseline p values: not available" in repr(res)
