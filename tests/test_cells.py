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
