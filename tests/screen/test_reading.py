"""trialkit.screen.read_rows: the long layout, simdistr's and reappraised's, and errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from trialkit import TrialDataError
from trialkit.screen import read_rows
from trialkit.screen._rows import EXTRA_COLUMNS, ROWS_COLUMNS

DATA = Path(__file__).resolve().parents[1] / "data" / "screen"


def _table(**columns: list[str]) -> pd.DataFrame:
    base = {"trial": ["T1", "T1"], "variable": ["age", "age"], "arm": ["A", "B"],
            "n": ["20", "21"]}
    base.update(columns)
    return pd.DataFrame(base)


def test_columns_are_the_contract_then_the_extras():
    rows = read_rows(_table(mean=["1.0", "2.0"], sd=["1", "1"]))
    assert list(rows.columns) == list(ROWS_COLUMNS) + list(EXTRA_COLUMNS)


def test_trailing_zeros_are_kept_from_text():
    # "5.10" is a claim of two decimals, "5.1" of one (Brown & Heathers 2017)
    rows = read_rows(_table(mean=["5.10", "5.1"], sd=["1.30", "1.3"]))
    assert rows["mean_text"].tolist() == ["5.10", "5.1"]
    assert rows["mean_decimals"].tolist() == [2, 1]
    assert rows["sd_decimals"].tolist() == [2, 1]
    assert rows["mean"].tolist() == [5.1, 5.1]


def test_printed_cells_are_split():
    rows = read_rows(_table(mean_sd=["45.10 (7.2)", "44.9 ± 6.80"]))
    assert rows["mean_text"].tolist() == ["45.10", "44.9"]
    assert rows["sd_text"].tolist() == ["7.2", "6.80"]
    rows = read_rows(_table(mean=["45.10 (7.2)", "44.9 (6.8)"]))
    assert rows["sd"].tolist() == [7.2, 6.8]


def test_categorical_rows_and_reported_p():
    rows = read_rows(_table(count=["12", ""], percent=["", "57.1"],
                            p=["<0.001", "<0.001"]))
    assert rows["kind"].tolist() == ["categorical", "categorical"]
    assert rows["count"].iloc[0] == 12 and np.isnan(rows["count"].iloc[1])
    assert rows["percent_text"].iloc[1] == "57.1" and rows["percent_decimals"].iloc[1] == 1
    # an inequality is kept as printed; no number was printed, so none is made up
    assert np.isnan(rows["reported_p"].iloc[0]) and rows["reported_p_text"].iloc[0] == "<0.001"
    assert read_rows(_table(count=["12", "9"], p=["0.43", ""]))["reported_p"].tolist() == [
        0.43, 0.43]


def test_reported_p_on_one_arm_is_the_variables():
    rows = read_rows(_table(mean=["1.0", "2.0"], sd=["1", "1"], p=["", "0.04"]))
    assert rows["reported_p_text"].tolist() == ["0.04", "0.04"]
    assert rows["reported_p"].tolist() == [0.04, 0.04]
    with pytest.raises(TrialDataError, match="two reported p values") as info:
        read_rows(_table(mean=["1.0", "2.0"], sd=["1", "1"], p=["0.03", "0.04"]))
    assert (info.value.row, info.value.field) == (2, "reported_p")


def test_numbers_without_text_have_unknown_decimals():
    rows = read_rows(_table(mean=[5.1, 5.2], sd=[1.0, 1.1]))
    assert rows["mean_text"].tolist() == ["", ""]
    assert rows["mean_decimals"].tolist() == [-1, -1]
    rows = read_rows(_table(mean=[5.1, 5.2], sd=[1.0, 1.1], mean_decimals=["2", "2"]))
    assert rows["mean_text"].tolist() == ["5.10", "5.20"]


def test_every_bad_cell_at_once_with_row_and_field():
    table = pd.DataFrame({"trial": ["T", "T", "T", ""], "variable": ["a", "a", "b", "b"],
                          "arm": ["x", "y", "x", "y"], "n": ["10", "ten", "10", "10"],
                          "mean": ["1.0", "1.2", "", "2"], "sd": ["-1", "0.5", "", "1"]})
    with pytest.raises(TrialDataError) as info:
        read_rows(table, file="review.csv")
    found = {(e.file, e.row, e.field) for e in info.value.errors}
    assert found == {("review.csv", 1, "sd"), ("review.csv", 2, "n"),
                     ("review.csv", 3, "mean"), ("review.csv", 4, "trial")}


def test_duplicate_rows_name_the_first():
    with pytest.raises(TrialDataError, match="already given in row 1") as info:
        read_rows(pd.DataFrame({"trial": ["T", "T"], "variable": ["a", "a"],
                                "arm": ["x", "x"], "n": ["5", "5"], "mean": ["1", "2"],
                                "sd": ["1", "1"]}), file="t.csv")
    assert info.value.row == 2


def test_csv_file_and_its_row_numbers(tmp_path):
    rows = read_rows(DATA / "review.csv")
    assert len(rows) == 16 and rows["row"].tolist() == list(range(1, 17))
    assert rows.loc[2, "integer"] and rows.loc[2, "scale_max"] == 10
    bad = tmp_path / "bad.csv"
    bad.write_text("trial,variable,arm,n,mean,sd\nA,v,x,10,1.0,0.5\nA,v,y,10,abc,0.5\n")
    with pytest.raises(TrialDataError) as info:
        read_rows(bad)
    assert (info.value.file, info.value.row, info.value.field) == (str(bad), 2, "mean")


def test_parquet_keeps_text_columns(tmp_path):
    pytest.importorskip("pyarrow")
    path = tmp_path / "t.parquet"
    _table(mean=["5.10", "5.2"], sd=["1.0", "1.1"]).to_parquet(path)
    assert read_rows(path)["mean_decimals"].tolist() == [2, 1]


def test_simdistr_layout():
    # simdistr 1.0.1's example_trials, written by tests/reference/simdistr_example.R; values
    # as printed by R: row 1 "1 1 1 20 162.20 12.4 1 1 Saitoh 1993", row 11
    # "1 3 1 20 0.50 NA 2 2 Saitoh 1993" (a proportion to two decimals)
    rows = read_rows(DATA / "simdistr_example_trials.csv")
    assert len(rows) == 93
    assert rows["trial"].nunique() == 7
    first = rows.iloc[0]
    assert (first["trial"], first["variable"], first["arm"], first["n"]) == (
        "Saitoh 1993", "1", "1", 20)
    assert (first["mean_text"], first["mean_decimals"], first["sd"]) == ("162.2", 1, 12.4)
    # simdistr records no SD decimals: none are claimed
    assert first["sd_decimals"] == -1
    cat = rows.iloc[10]
    assert (cat["kind"], cat["percent"], cat["percent_text"]) == ("categorical", 50.0, "50")
    # "0.45" declared to one decimal (row 90): coarser than a whole percent, so no text
    assert rows.iloc[89]["percent_text"] == "" and rows.iloc[89]["percent"] == 45.0


def test_reappraised_wide_sheet(tmp_path):
    # reappraised's SI_pvals_cont (inst/extdata/reappraised_examples.xlsx): row 1 is
    # "H2, Age (years), n 54 54, m 65.6 66.3, s 7.3 6"; row 5 "H3, Intact side, 34 34,
    # 2.531 2.465, 0.349 0.255, p 0.68"
    rows = read_rows(DATA / "reappraised_SI_pvals_cont.xlsx")
    first = rows[rows["row"] == 1]
    assert first["n"].tolist() == [54, 54]
    assert first["mean"].tolist() == [65.6, 66.3] and first["sd"].tolist() == [7.3, 6.0]
    h3 = rows[rows["row"] == 5]
    assert h3["reported_p"].tolist() == [0.68, 0.68]
    assert set(rows["arm"]) <= {"1", "2", "3", "4"}
    # Excel numbers have lost their trailing zeros: their decimals are not claimed
    assert (rows["mean_decimals"] == -1).all()
    wide = tmp_path / "wide.csv"
    wide.write_text("study,var,n_1,n_2,m_1,m_2,s_1,s_2,p\nS,age,10,11,50.0,,5,6,ns\n")
    with pytest.raises(TrialDataError) as info:
        read_rows(wide)
    assert (info.value.row, info.value.field) == (1, "m2")


def test_unknown_layout_and_type():
    with pytest.raises(TrialDataError, match="layout"):
        read_rows(_table(), layout="wide")
    with pytest.raises(TrialDataError, match="expected a path"):
        read_rows(42)
    with pytest.raises(TrialDataError, match="missing column"):
        read_rows(pd.DataFrame({"trial": ["T"]}))


def test_input_is_not_mutated():
    table = _table(mean=["5.10", "5.1"], sd=["1.30", "1.3"])
    before = table.copy()
    read_rows(table)
    pd.testing.assert_frame_equal(table, before)


try:
    from hypothesis import given, settings
    from hypothesis import strategies as st
except ImportError:  # pragma: no cover
    pass
else:
    @settings(max_examples=25, deadline=None)
    @given(st.integers(0, 10**6), st.integers(0, 6), st.integers(2, 500))
    def test_decimals_are_those_printed(whole, decimals, n):
        # property: a mean printed with d decimals (trailing zeros included) reads as d
        text = f"{whole / 10**decimals:.{decimals}f}"
        rows = read_rows(_table(mean=[text, text], sd=["1.0", "1.0"], n=[str(n), str(n)]))
        assert rows["mean_decimals"].tolist() == [decimals, decimals]
        assert rows["mean_text"].tolist() == [text, text]
        assert rows["mean"].iloc[0] == float(text)


def test_a_rows_frame_written_out_reads_back(tmp_path):
    # the rows frame says "decimals not known" with -1 (trialkit.screen._rows); written to
    # CSV (as text) and read back, the decimals come from the printed numbers, and as a
    # DataFrame (numbers, no text) they stay unknown
    from trialkit.screen import example_rows

    rows = example_rows()
    path = tmp_path / "rows.csv"
    rows.to_csv(path, index=False)
    back = read_rows(path)
    assert back[["trial", "arm", "n", "mean", "sd"]].values.tolist() == \
        rows[["trial", "arm", "n", "mean", "sd"]].values.tolist()
    assert back["mean_text"].tolist() == ["65.6", "66.3", "60.1", "60.1"]
    assert back["mean_decimals"].tolist() == [1, 1, 1, 1]
    same = read_rows(rows)
    assert same["mean_decimals"].tolist() == [-1] * 4 and same["mean_text"].tolist() == [""] * 4
    rows.loc[2, "sd_decimals"] = -2  # any other negative number is still an error
    with pytest.raises(TrialDataError) as err:
        read_rows(rows)
    assert (err.value.row, err.value.field) == (3, "sd_decimals")
