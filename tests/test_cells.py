"""The cell parser: published cell formats, impossible cells, and a property test."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trialkit import TrialDataError
from trialkit.cells import SPREADS, parse_cell, parse_count, parse_number


@pytest.mark.parametrize(
    ("text", "spread", "expected"),
    [
        ("5.2 (1.3)", "sd", {"mean": 5.2, "sd": 1.3}),
        ("5.2 ± 1.3", "sd", {"mean": 5.2, "sd": 1.3}),
        ("5.2 +/- 1.3", "sd", {"mean": 5.2, "sd": 1.3}),
        ("5.2±1.3", "sd", {"mean": 5.2, "sd": 1.3}),
        ("5.2 [1.3]", "se", {"mean": 5.2, "se": 1.3}),
        ("5.2 [4.1, 6.3]", "ci95", {"mean": 5.2, "ci_low": 4.1, "ci_high": 6.3}),
        ("5.2 (4.1 to 6.3)", "ci95", {"mean": 5.2, "ci_low": 4.1, "ci_high": 6.3}),
        ("−2.0 (−3.1 to −0.9)", "ci95", {"mean": -2.0, "ci_low": -3.1, "ci_high": -0.9}),
        ("-3 (-5--1)", "ci95", {"mean": -3.0, "ci_low": -5.0, "ci_high": -1.0}),
        ("6 (4-8)", "iqr", {"median": 6.0, "q1": 4.0, "q3": 8.0}),
        ("6 (4–8)", "iqr", {"median": 6.0, "q1": 4.0, "q3": 8.0}),
        ("6 [4, 8]", "range", {"median": 6.0, "min": 4.0, "max": 8.0}),
        ("6 [4; 8]", "range", {"median": 6.0, "min": 4.0, "max": 8.0}),
        (".56 (.12)", "sd", {"mean": 0.56, "sd": 0.12}),
        ("  5.2   ( 1.3 ) ", "sd", {"mean": 5.2, "sd": 1.3}),
    ],
)
def test_published_formats(text, spread, expected):
    parsed = parse_cell(text, spread)
    for key, value in expected.items():
        assert parsed[key] == pytest.approx(value)


def test_text_as_printed_is_kept():
    parsed = parse_cell("5.10 (1.30)")
    assert parsed["mean_text"] == "5.10" and parsed["sd_text"] == "1.30"
    assert parse_cell("6.0 (4.0-8.50)", "iqr")["q3_text"] == "8.50"


@pytest.mark.parametrize(
    ("text", "spread", "match"),
    [
        ("5.2 (-1)", "sd", "SD cannot be negative"),
        ("5.2 (-1)", "se", "SE cannot be negative"),
        ("5.2 (1.3", "sd", "cannot read"),
        ("5.2 (1.3]", "sd", "cannot read"),
        ("5.2 (4.1, 6.3)", "sd", "cannot read"),
        ("5.2 (1.3)", "ci95", "cannot read"),
        ("5 (8-4)", "iqr", "lower end 8 exceeds upper end 4"),
        ("9 (4-8)", "iqr", "outside its own interval"),
        ("", "sd", "cannot read"),
        ("NA", "sd", "cannot read"),
        ("5,2 (1,3)", "sd", "cannot read"),
    ],
)
def test_bad_cells(text, spread, match):
    with pytest.raises(TrialDataError, match=match) as info:
        parse_cell(text, spread, file="table.csv", row=3, field="TrPDN")
    assert str(info.value).startswith("table.csv, row 3, field 'TrPDN': ")


@pytest.mark.parametrize(
    ("text", "spread", "expected"),
    [
        # Rogers et al. 2019, J Neuroeng Rehabil 16:56, Table 4 ("Mean (SD) range").
        ("41.5% (15.7%), 19–75%", "sd", {"mean": 41.5, "sd": 15.7, "min": 19, "max": 75}),
        ("21.5% (16.5%), 0–39%", "sd", {"mean": 21.5, "sd": 16.5, "min": 0, "max": 39}),
        ("5.2 ± 1.3; 2 to 9", "sd", {"mean": 5.2, "sd": 1.3, "min": 2, "max": 9}),
        ("−2 (1), −5–−1", "sd", {"mean": -2, "sd": 1, "min": -5, "max": -1}),
        ("6 (4-8), 1-12", "iqr", {"median": 6, "q1": 4, "q3": 8, "min": 1, "max": 12}),
        ("5.2 (0.4), range 2-9", "se", {"mean": 5.2, "se": 0.4, "min": 2, "max": 9}),
        ("41.5 (15.7), 19-75a", "sd", {"mean": 41.5, "min": 19, "max": 75, "footnote": "a"}),
    ],
)
def test_a_range_after_the_spread_is_kept(text, spread, expected):
    parsed = parse_cell(text, spread)
    for key, value in expected.items():
        assert parsed[key] == (value if isinstance(value, str) else pytest.approx(value))


def test_percent_signs_are_read_and_flagged():
    parsed = parse_cell("41.5% (15.7%), 19–75%")
    assert parsed["percent"] is True
    assert (parsed["mean_text"], parsed["sd_text"], parsed["min_text"], parsed["max_text"]) == (
        "41.5", "15.7", "19", "75")
    assert "percent" not in parse_cell("41.5 (15.7)")
    # A CI written with a comma keeps its meaning: it is not a mean and a range.
    assert parse_cell("5.2 (4.1, 6.3)", "ci95")["ci_high"] == 6.3


@pytest.mark.parametrize(
    ("text", "spread", "match"),
    [
        ("41.5% (15.7%), 50–75%", "sd", "mean 41.5 lies outside its own range 50-75"),
        ("41.5 (15.7), 75–19", "sd", "range minimum 75 exceeds its maximum 19"),
        ("6 (4-8), 5-7", "iqr", "q1 4 lies outside its own range 5-7"),
        ("6 (1, 9), 1-12", "range", "cannot read"),
        ("41.5 (15.7), 19–75, 3", "sd", "cannot read"),
        ("41.5 % % (15.7)", "sd", "cannot read"),
    ],
)
def test_impossible_or_unreadable_ranges(text, spread, match):
    with pytest.raises(TrialDataError, match=match) as info:
        parse_cell(text, spread, file="table.csv", row=2, field="VR")
    assert str(info.value).startswith("table.csv, row 2, field 'VR': ")


def test_unknown_spread():
    with pytest.raises(TrialDataError, match="spread must be one of"):
        parse_cell("5 (1)", "variance")  # type: ignore[arg-type]


@pytest.mark.parametrize("text", ["nan", "inf", "-inf", "1_000", "1,000", "1e999", " ", "0x10",
                                  "True"])
def test_parse_number_rejects(text):
    with pytest.raises(TrialDataError):
        parse_number(text)


def test_parse_number_and_count():
    assert parse_number("−0.56") == -0.56
    assert parse_number("1e-3") == 0.001
    assert parse_count("17") == 17
    with pytest.raises(TrialDataError, match="whole number"):
        parse_count("16.5")
    with pytest.raises(TrialDataError, match=">= 1"):
        parse_count("0")
    with pytest.raises(TrialDataError):
        parse_number(True)
    with pytest.raises(TrialDataError):
        parse_number(float("nan"))


@settings(max_examples=400, deadline=None)
@given(text=st.text(max_size=40), spread=st.sampled_from(sorted(SPREADS)))
def test_any_string_parses_or_raises_trialdataerror(text, spread):
    try:
        parsed = parse_cell(text, spread)
    except TrialDataError:
        return
    for name in SPREADS[spread]:
        assert math.isfinite(parsed[name])


cell_chars = st.sampled_from(list("0123456789.-−–±+/()[],; to"))


@settings(max_examples=400, deadline=None)
@given(text=st.text(cell_chars, max_size=25), spread=st.sampled_from(sorted(SPREADS)))
def test_cell_like_strings_parse_or_raise(text, spread):
    try:
        parsed = parse_cell(text, spread)
    except TrialDataError:
        return
    names = SPREADS[spread]
    if len(names) == 3:
        assert parsed[names[1]] <= parsed[names[0]] <= parsed[names[2]]
    else:
        assert parsed[names[1]] >= 0


@settings(max_examples=200, deadline=None)
@given(mean=st.decimals(min_value=-1000, max_value=1000, places=2, allow_nan=False),
       sd=st.decimals(min_value=0, max_value=100, places=2, allow_nan=False))
def test_round_trip_of_formatted_cells(mean, sd):
    for template in ("{m} ({s})", "{m} ± {s}", "{m} +/- {s}"):
        parsed = parse_cell(template.format(m=mean, s=sd), "sd")
        assert parsed["mean"] == pytest.approx(float(mean))
        assert parsed["sd"] == pytest.approx(float(sd))
        assert parsed["mean_text"] == str(mean)
