"""from_table: a paper's table typed in, pasted, or read from CSV / Excel."""

from __future__ import annotations

import pandas as pd
import pytest

import trialkit
from trialkit import TrialDataError

PAIN = {"Pain": {"unit": "points", "lower": 0, "upper": 10, "direction": "lower_is_better",
                 "integer": True}}

TAB_TABLE = (
    "outcome\ttimepoint\tNeedling (n=9)\tWaiting list (n=8)\n"
    "Pain\tBaseline\t6.10 (1.20)\t5.90 (1.30)\n"
    "Pain\t1 week\t2.10 (1.50)\t5.40 (1.40)\n"
)


def check_needling_table(trial):
    s = trial.summary
    assert [a.id for a in trial.arms] == ["needling", "waiting_list"]
    assert [a.n for a in trial.arms] == [9, 8]
    assert trial.reference_arm == "waiting_list"
    assert trial.baseline == "baseline"
    assert s["mean"].tolist() == [6.1, 2.1, 5.9, 5.4]
    assert s["sd"].tolist() == [1.2, 1.5, 1.3, 1.4]
    assert s["mean_text"].tolist() == ["6.10", "2.10", "5.90", "5.40"]
    assert s["n"].tolist() == [9, 9, 8, 8]


def test_pasted_tab_separated():
    trial = trialkit.from_table(TAB_TABLE, outcomes=PAIN)
    check_needling_table(trial)
    assert trial.outcome("pain").direction == "lower_is_better"
    assert set(trial.summary["source"]) == {"pasted table"}


def test_pasted_with_spaces_and_markdown():
    spaced = TAB_TABLE.replace("\t", "   ")
    check_needling_table(trialkit.from_table(spaced, outcomes=PAIN))
    md = "| " + TAB_TABLE.replace("\t", " | ").replace("\n", " |\n| ")[:-3]
    lines = md.splitlines()
    md = "\n".join([lines[0], "|---|---|---|---|", *lines[1:]])
    check_needling_table(trialkit.from_table(md, outcomes=PAIN))


def test_dataframe_csv_and_excel(tmp_path):
    frame = pd.DataFrame({
        "Outcome": ["Pain", "Pain"], "Timepoint": ["Baseline", "1 week"],
        "Needling (n=9)": ["6.10 (1.20)", "2.10 (1.50)"],
        "Waiting list (n=8)": ["5.90 (1.30)", "5.40 (1.40)"],
    })
    before = frame.copy()
    check_needling_table(trialkit.from_table(frame, outcomes=PAIN))
    pd.testing.assert_frame_equal(frame, before)  # input not mutated
    frame.to_csv(tmp_path / "t.csv", index=False)
    check_needling_table(trialkit.from_table(tmp_path / "t.csv", outcomes=PAIN))
    frame.to_excel(tmp_path / "t.xlsx", index=False)
    check_needling_table(trialkit.from_table(str(tmp_path / "t.xlsx"), outcomes=PAIN))


def test_long_layout_with_source():
    frame = pd.DataFrame({
        "outcome": ["Pain"] * 4, "arm": ["DN", "DN", "WL", "WL"],
        "timepoint": ["pre", "post", "pre", "post"], "n": ["9", "9", "8", "7"],
        "value": ["6.1 ± 1.2", "2.1 ± 1.5", "5.9 ± 1.3", "5.4 ± 1.4"],
        "source": ["Table 2, p.256"] * 4,
    })
    trial = trialkit.from_table(frame, outcomes=PAIN)
    assert trial.summary["n"].tolist() == [9, 9, 8, 7]
    assert set(trial.summary["source"]) == {"Table 2, p.256"}


def test_n_from_argument_and_missing_n():
    table = TAB_TABLE.replace(" (n=9)", "").replace(" (n=8)", "")
    trial = trialkit.from_table(table, n={"Needling": 9, "waiting_list": 8}, outcomes=PAIN)
    assert [a.n for a in trial.arms] == [9, 8]
    with pytest.raises(TrialDataError, match=r"patients in arm 'Needling' is unknown"):
        trialkit.from_table(table, outcomes=PAIN)


@pytest.mark.parametrize(
    ("spread", "cells", "column", "values"),
    [
        ("se", ("6.1 (0.40)", "2.1 (0.5)"), "se", [0.40, 0.5]),
        ("ci95", ("6.1 [5.2, 7.0]", "2.1 [1.0, 3.2]"), "ci_low", [5.2, 1.0]),
        ("iqr", ("6 (5-7)", "2 (1-3)"), "q1", [5.0, 1.0]),
        ("range", ("6 (3-9)", "2 (0-5)"), "max", [9.0, 5.0]),
    ],
)
def test_other_spreads(spread, cells, column, values):
    table = ("outcome\ttimepoint\tA (n=9)\n"
             f"Pain\tBaseline\t{cells[0]}\nPain\t1 week\t{cells[1]}\n")
    s = trialkit.from_table(table, spread=spread, outcomes=PAIN).summary
    assert s[column].tolist() == values
    # issue 10: the spread is converted to an SD at load (so analyses need no NaN), and the
    # conversion is named in method and source (hand-checked values in test_reader_tables.py)
    assert s["sd"].notna().all() and (s["method"] != "").all()
    assert s["sd_text"].isna().all()  # no SD was printed


def test_errors_name_row_and_column():
    bad = TAB_TABLE.replace("2.10 (1.50)", "2.10 (-1.50)")
    with pytest.raises(TrialDataError) as info:
        trialkit.from_table(bad, outcomes=PAIN)
    assert str(info.value).startswith("pasted table, row 2, field 'Needling (n=9)': ")
    bad = TAB_TABLE.replace("2.10 (1.50)", "12.10 (1.50)")
    with pytest.raises(TrialDataError, match=r"row 2, field 'Needling \(n=9\)'.*outside"):
        trialkit.from_table(bad, outcomes=PAIN)
    with pytest.raises(TrialDataError, match="missing column 'outcome'"):
        trialkit.from_table("a\tb\n1\t2\n")
    with pytest.raises(TrialDataError, match="has 3 cells but the header has 4"):
        trialkit.from_table(TAB_TABLE + "Pain\t2 weeks\t1.0 (1.0)\n")
    with pytest.raises(TrialDataError, match="outcomes given for"):
        trialkit.from_table(TAB_TABLE, outcomes={"Itch": {"unit": "points"}})
    with pytest.raises(TrialDataError, match="no such file"):
        trialkit.from_table("no_such_table.csv")


def test_not_reported_cells_are_left_out_with_a_warning():
    table = TAB_TABLE.replace("5.40 (1.40)", "NR")
    with pytest.warns(UserWarning, match="not reported were left out: row 2"):
        trial = trialkit.from_table(table, outcomes=PAIN)
    assert len(trial.summary) == 3


def test_direction_may_be_unstated():
    trial = trialkit.from_table(TAB_TABLE)
    assert trial.outcome("pain").direction is None
    assert "direction not stated" in repr(trial)


def test_baseline_argument():
    trial = trialkit.from_table(TAB_TABLE, baseline="1 week")
    assert trial.baseline == "1_week"
    with pytest.raises(TrialDataError, match="baseline 'Day 3' is not a timepoint"):
        trialkit.from_table(TAB_TABLE, baseline="Day 3")


def test_median_iqr_and_range_in_one_cell_use_the_five_number_summary():
    """'6 (4-8), 1-10' with spread='iqr': median, quartiles and the range after them, so the
    mean and SD come from all five numbers (Luo et al. 2018, Stat Methods Med Res 27:1785,
    scenario S3; Shi et al. 2020, Res Synth Methods 11:641, scenario S3). By hand, n = 30:
    w1 = 2.2 / (2.2 + 30**0.75) = 0.1465, w2 = 0.7 - 0.72 / 30**0.55 = 0.5891,
    mean = w1 (1 + 10)/2 + w2 (4 + 8)/2 + (1 - w1 - w2) 6 = 5.9268."""
    import warnings

    from scipy.stats import norm

    table = "outcome\ttimepoint\tA (n=30)\tB (n=30)\nPain\tBaseline\t6 (4-8), 1-10\t5 (3-7); 0-9\n"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the normality assumption is warned about
        row = trialkit.from_table(table, spread="iqr").summary.iloc[0]
    assert (row["median"], row["q1"], row["q3"], row["min"], row["max"]) == (6, 4, 8, 1, 10)
    n = 30
    w1, w2 = 2.2 / (2.2 + n**0.75), 0.7 - 0.72 / n**0.55
    mean = w1 * (1 + 10) / 2 + w2 * (4 + 8) / 2 + (1 - w1 - w2) * 6
    assert mean == pytest.approx(5.9268, abs=5e-5)
    w3 = 1 / (1 + 0.07 * n**0.6)
    xi = 2 * norm.ppf((n - 0.375) / (n + 0.25))
    eta = 2 * norm.ppf((0.75 * n - 0.125) / (n + 0.25))
    sd = w3 * (10 - 1) / xi + (1 - w3) * (8 - 4) / eta
    assert row["mean"] == pytest.approx(mean, rel=1e-9)
    assert row["sd"] == pytest.approx(sd, rel=1e-9)
    assert "S3" in row["method"] and "normal(assumed)" in row["method"]
