"""trialkit.screen.within_checks against hand calculations."""

from __future__ import annotations

import pandas as pd

from trialkit.screen import read_rows, within_checks


def _rows(**columns: list[str]) -> pd.DataFrame:
    k = len(next(iter(columns.values())))
    base = {"trial": ["T"] * k, "variable": [f"v{i}" for i in range(k)], "arm": ["A"] * k}
    base.update(columns)
    return read_rows(pd.DataFrame(base))


def _verdicts(res: pd.DataFrame, check: str) -> list[str]:
    return res[res["check"] == check].sort_values("row")["verdict"].tolist()


def test_grim_by_hand():
    # n = 28: 145/28 = 5.1786 and 146/28 = 5.2143, so no whole total gives "5.19";
    # 145/28 rounds to "5.18" (Brown & Heathers 2017's worked example)
    res = within_checks(_rows(n=["28", "28"], mean=["5.19", "5.18"], sd=["1.1", "1.2"],
                              integer=["yes", "yes"]))
    assert _verdicts(res, "grim") == ["inconsistent", "consistent"]


def test_grim_applies_only_to_whole_number_variables():
    res = within_checks(_rows(n=["28"], mean=["5.19"], sd=["1.1"]))
    assert "grim" not in set(res["check"])


def test_grimmer_by_hand():
    # n = 2, mean 1.5: the total is 3, so the pair is (1, 2), (0, 3), (-1, 4), ... with SDs
    # 0.707, 2.121, 3.536, ...: "0.71" is possible, "0.80" is not
    res = within_checks(_rows(n=["2", "2"], mean=["1.5", "1.5"], sd=["0.71", "0.80"],
                              integer=["yes", "yes"]))
    assert _verdicts(res, "grimmer") == ["consistent", "inconsistent"]


def test_sd_bounds_by_hand():
    # a 0-10 scale, n = 10, mean 1.0: the largest SD is nine 0s and one 10,
    # sqrt((9 x 1^2 + 9^2) / 9) = sqrt(10) = 3.162; an SD of 4.0 is impossible, 3.1 is not
    res = within_checks(_rows(n=["10", "10"], mean=["1.0", "1.0"], sd=["4.0", "3.1"],
                              integer=["yes", "yes"], scale_min=["0", "0"],
                              scale_max=["10", "10"]))
    assert _verdicts(res, "sd_bounds") == ["inconsistent", "consistent"]


def test_percentages_by_hand():
    # 15/28 = 53.57% prints as 53.6; of 7 patients 3.5 would be needed for 50.0%;
    # 14/28 = 50% is "50", not "51"
    res = within_checks(_rows(n=["28", "7", "28", "28"], percent=["53.6", "50.0", "50", "51"],
                              count=["", "", "14", "14"]))
    assert _verdicts(res, "grim_percent") == ["consistent", "inconsistent", "consistent",
                                              "inconsistent"]


def test_se_printed_as_sd_by_hand():
    # n 20 vs 40, means 40.1 vs 52.0, "SDs" 2.0 and 1.4: pooled SD
    # sqrt((19 x 4 + 39 x 1.96) / 58) = 1.621, so the arms differ by 11.9 / 1.621 = 7.3 SDs
    # at baseline (> 3); and SD ratio 2.0/1.4 = 1.43 ~ sqrt(40/20) = 1.41, as SEs of equal
    # SDs would be
    rows = read_rows(pd.DataFrame({"trial": ["U", "U", "V", "V"],
                                   "variable": ["age"] * 4, "arm": ["a", "b", "a", "b"],
                                   "n": ["20", "40", "20", "40"],
                                   "mean": ["40.1", "52.0", "40.1", "41.0"],
                                   "sd": ["2.0", "1.4", "12.0", "11.5"]}))
    res = within_checks(rows)
    se = res[res["check"] == "se_as_sd"].set_index("trial")
    assert se.loc["U", "verdict"] == "inconsistent"
    assert "7.3 SDs" in se.loc["U", "reason"] and "sqrt(n)" in se.loc["U", "reason"]
    # (41.0 - 40.1) / 11.67 = 0.08 SDs: no sign
    assert se.loc["V", "verdict"] == "consistent"


def test_cannot_check_says_why():
    rows = read_rows(pd.DataFrame({"trial": ["T"], "variable": ["pain"], "arm": ["A"],
                                   "n": [28], "mean": [5.19], "sd": [1.1],
                                   "integer": [True]}))
    res = within_checks(rows)
    grim = res[res["check"] == "grim"].iloc[0]
    assert grim["verdict"] == "cannot check"
    assert "printed decimals are not known" in grim["reason"]


def test_empty_and_columns():
    res = within_checks(_rows(n=["5"], count=["2"]))
    assert list(res.columns) == ["trial", "variable", "arm", "timepoint", "check", "verdict",
                                 "method", "reason", "file", "row"]
