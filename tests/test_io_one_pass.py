"""One pass, all errors: every bad row or key of ipd.csv, reported.csv and trial.toml is named
in one TrialDataError (file, row, field each), and the CLI prints them on one line, exit 2."""

from __future__ import annotations

import pytest
from conftest import IPD_HEADER, TOML

import trialkit
from trialkit import TrialDataError
from trialkit.cli import main

REPORTED_HEADER = "id,statistic,outcome,arm,timepoint,comparison,relation,value,text,source\n"


def _problems(folder) -> list[tuple[str | None, int | None, str | None]]:
    with pytest.raises(TrialDataError) as info:
        trialkit.read_trial(folder)
    err = info.value
    where = [(e.file, e.row, e.field) for e in err.errors]
    # Each problem is also in the message, one per line.
    for e in err.errors:
        assert str(e) in str(err)
    return where


def test_every_bad_ipd_row_is_named(make_trial):
    ipd = IPD_HEADER + "\n".join([
        "1,treat,pre,pain,5",
        "1,treat,post,pain,2",
        "2,treat,pre,pain,5.5",      # row 3: pain takes whole numbers
        "2,treat,post,pain,x",       # row 4: not a number
        "3,placebo,pre,pain,4",      # row 5: unknown arm
        "3,control,wk9,pain,4",      # row 6: unknown timepoint
        "4,control,pre,pain,11",     # row 7: above the 0-10 scale
        "4,control,pre,pain,6",      # row 8: fine (row 7, refused, does not count as given)
        ",control,post,itch,3",      # row 9: empty patient and unknown outcome
        "1,treat,pre,pain,5",        # row 10: duplicate of row 1
    ]) + "\n"
    where = _problems(make_trial(summary=None, ipd=ipd))
    assert where == [
        ("ipd.csv", 3, "value"), ("ipd.csv", 4, "value"), ("ipd.csv", 5, "arm"),
        ("ipd.csv", 6, "timepoint"), ("ipd.csv", 7, "value"), ("ipd.csv", 9, "patient"),
        ("ipd.csv", 9, "outcome"), ("ipd.csv", 10, "patient"),
    ]


def test_ipd_totals_are_checked_once_the_rows_are_readable(make_trial):
    toml = TOML.replace("n = 10\n", "n = 1\n", 1)  # the treatment arm randomized 1 patient
    ipd = IPD_HEADER + "1,treat,pre,pain,5\n2,treat,pre,pain,6\n3,control,post,pain,4\n"
    where = _problems(make_trial(toml=toml, summary=None, ipd=ipd))
    assert where == [("ipd.csv", None, "arm"), ("ipd.csv", 3, "timepoint")]


def test_every_bad_reported_row_and_field_is_named(make_trial):
    reported = REPORTED_HEADER + "\n".join([
        "p1,p,pain,,post,treat-control,=,0.01,p = .01,Table 2",
        "p2,p,itch,,post,treat-control,~=,0.02,,Table 2",   # row 2: outcome and relation
        ",p,pain,,week9,treat-control,<,0.05,,",            # row 3: id, timepoint, source
        "p1,t,pain,,post,treat-control,=,,t,Table 2",       # row 4: duplicate id, no value
    ]) + "\n"
    where = _problems(make_trial(reported=reported))
    assert where == [
        ("reported.csv", 2, "outcome"), ("reported.csv", 2, "relation"),
        ("reported.csv", 3, "id"), ("reported.csv", 3, "timepoint"),
        ("reported.csv", 3, "source"),
        ("reported.csv", 4, "id"), ("reported.csv", 4, "value"),
    ]


def test_reported_rows_given_to_from_table_are_named_too():
    table = "outcome\ttimepoint\tA (n=10)\tB (n=10)\nPain\tBaseline\t6.0 (1.0)\t6.1 (1.1)\n"
    with pytest.raises(TrialDataError) as info:
        trialkit.from_table(table, reported=[
            {"id": "a", "statistic": "p", "outcome": "itch", "relation": "=", "value": "0.1",
             "source": "abstract"},
            {"id": "b", "statistic": "p", "outcome": "pain", "relation": "=", "value": "0.1",
             "source": "abstract", "test": "bogus"},
        ])
    assert [(e.row, e.field) for e in info.value.errors] == [(1, "outcome"), (2, "test")]


def test_every_bad_trial_toml_key_is_named(make_trial):
    toml = (TOML.replace('design = "parallel"', 'design = "cluster"')
            .replace("n = 10\n", "n = 0\n", 1)
            .replace('label = "Control"', 'label = "Control"\ncolour = "red"')
            .replace("order = 4", 'order = "four"')
            .replace('direction = "lower_is_better"', 'direction = "down"')
            .replace("upper = 10", "upper = nan")
            .replace('reference_arm = "control"', 'reference_arm = "placebo"'))
    where = _problems(make_trial(toml=toml))
    assert where == [
        ("trial.toml", None, "design"), ("trial.toml", None, "arms[0].n"),
        ("trial.toml", None, "arms[1].colour"), ("trial.toml", None, "timepoints[1].order"),
        ("trial.toml", None, "outcomes[0].direction"), ("trial.toml", None, "outcomes[0].upper"),
    ]  # reference_arm is checked against the arms only once the arms are readable


def test_trial_toml_section_checks_run_when_entries_are_readable(make_trial):
    toml = (TOML.replace('reference_arm = "control"', 'reference_arm = "placebo"')
            .replace("baseline = true\n", "")
            .replace('id = "pain"', 'id = "pain"\nmcid = 1.5\nprimary = "yes"'))
    where = _problems(make_trial(toml=toml))
    assert where == [
        ("trial.toml", None, "timepoints"),          # no baseline
        ("trial.toml", None, "outcomes[0].mcid_source"),
        ("trial.toml", None, "outcomes[0].primary"),
        ("trial.toml", None, "reference_arm"),
    ]


def test_a_misspelt_key_is_named_once(make_trial):
    toml = TOML.replace('label = "Treatment"', 'labl = "Treatment"')
    where = _problems(make_trial(toml=toml))
    assert where == [("trial.toml", None, "arms[0].label")]


def test_cli_prints_every_problem_on_one_line_and_exits_2(make_trial, capfd):
    reported = REPORTED_HEADER + ("p1,p,itch,,post,treat-control,=,0.01,,Table 2\n"
                                  "p2,p,pain,,post,treat-control,=,0.01,,\n")
    folder = make_trial(reported=reported)
    assert main(["show", str(folder)]) == 2
    out, err = capfd.readouterr()
    assert out == "" and err.count("\n") == 1 and err.startswith("trialkit: error: ")
    assert "reported.csv, row 1, field 'outcome'" in err
    assert "reported.csv, row 2, field 'source'" in err


def test_every_bad_patients_row_is_named(make_trial):
    from conftest import ipd_text

    toml = TOML + '\n[patients]\nage = "years at randomization"\n'
    patients = ("patient,arm,age\n"
                "1,treat,40\n"
                "1,treat,41\n"        # row 2: listed twice
                "2,control,50\n"      # row 3: patient 2 is in arm treat in ipd.csv
                "9,control,30\n"      # row 4: no rows in ipd.csv
                "3,control,\n")       # row 5: empty age; patient 4 is missing
    where = _problems(make_trial(toml=toml, summary=None, ipd=ipd_text(), patients=patients))
    assert where == [("patients.csv", 2, "patient"), ("patients.csv", 3, "arm"),
                     ("patients.csv", 4, "patient"), ("patients.csv", 5, "age"),
                     ("patients.csv", None, "patient")]


def test_unknown_keys_of_reported_dicts_are_all_named():
    table = "outcome\ttimepoint\tA (n=10)\tB (n=10)\nPain\tBaseline\t6.0 (1.0)\t6.1 (1.1)\n"
    with pytest.raises(TrialDataError) as info:
        trialkit.from_table(table, reported=[{"id": "a", "pvalue": "0.1"},
                                             {"id": "b", "where": "abstract"}])
    assert [(e.row, e.field) for e in info.value.errors] == [(1, "pvalue"), (2, "where")]
