"""The format's change rows, reported test/analysis columns and the primary outcome flag."""

from __future__ import annotations

import pytest
from conftest import SUMMARY, TOML

import trialkit
from trialkit import TrialDataError

# Hand-made rows: a change row is an arm's mean change from baseline to "post" and its SD,
# as a paper's "Change" row prints it (e.g. -2.7 (1.9)).
CHANGE_ROWS = ("pain,treat,post,10,-2.70,1.90,Table 2,change\n"
               "pain,control,post,10,-0.70,1.60,Table 2,change\n")


def _with_measure(extra: str) -> str:
    lines = SUMMARY.splitlines()
    head = lines[0] + ",measure"
    return "\n".join([head, *(ln + "," for ln in lines[1:])]) + "\n" + extra


def test_change_rows_are_kept_apart_from_levels(make_trial):
    trial = trialkit.read_trial(make_trial(summary=_with_measure(CHANGE_ROWS)))
    assert len(trial.summary) == 4
    changes = trial.changes
    assert list(changes["arm"]) == ["treat", "control"]
    assert list(changes["timepoint"]) == ["post", "post"]
    assert list(changes["mean_text"]) == ["-2.70", "-0.70"]
    assert changes["mean"].tolist() == [-2.7, -0.7]
    assert changes["sd"].tolist() == [1.9, 1.6]


def test_a_trial_without_change_rows_has_an_empty_changes_frame(make_trial):
    trial = trialkit.read_trial(make_trial())
    assert trial.changes.empty
    assert list(trial.changes.columns) == list(trial.summary.columns)


@pytest.mark.parametrize(("row", "field", "match"), [
    ("pain,treat,pre,10,-2.70,1.90,Table 2,change\n", "timepoint", "not the baseline"),
    # a change of 11 points cannot happen on a 0-10 scale
    ("pain,treat,post,10,-11.0,1.90,Table 2,change\n", "mean", "larger than the whole"),
    ("pain,treat,post,10,-2.70,1.90,Table 2,delta\n", "measure", "value, change"),
])
def test_bad_change_rows_name_row_and_field(make_trial, row, field, match):
    with pytest.raises(TrialDataError, match=match) as info:
        trialkit.read_trial(make_trial(summary=_with_measure(row)))
    assert info.value.row == 5
    assert info.value.field == field


def test_reported_test_and_analysis_columns(make_trial):
    reported = ("id,statistic,outcome,arm,timepoint,comparison,relation,value,text,source,"
                "test,analysis\n"
                "p1,p,pain,,post,treat-control,=,.008,p = .008,Table 2,t,change\n")
    trial = trialkit.read_trial(make_trial(reported=reported))
    rep = trial.reported
    assert rep.loc[0, "test"] == "t"
    assert rep.loc[0, "analysis"] == "change"
    bad = reported.replace(",t,change", ",ttest,change")
    with pytest.raises(TrialDataError, match="mann_whitney") as info:
        trialkit.read_trial(make_trial(reported=bad))
    assert (info.value.file, info.value.row, info.value.field) == ("reported.csv", 1, "test")


def test_reported_without_optional_columns_gets_them_empty(make_trial):
    reported = ("id,statistic,outcome,arm,timepoint,comparison,relation,value,text,source\n"
                "p1,p,pain,,post,treat-control,<,.05,p < .05,Table 2\n")
    rep = trialkit.read_trial(make_trial(reported=reported)).reported
    assert rep.loc[0, "test"] == "" and rep.loc[0, "analysis"] == ""


def test_primary_outcome_flag(make_trial):
    toml = TOML.replace('id = "pain"\n', 'id = "pain"\nprimary = true\n')
    assert trialkit.read_trial(make_trial(toml=toml)).meta.primary == "pain"
    assert trialkit.read_trial(make_trial()).meta.primary is None
    assert trialkit.load("mejuto2014").meta.primary == "pain"
