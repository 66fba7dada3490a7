"""Property tests of the reading boundary (issue 10): over generated broken trial folders,
pasted tables and option values, only TrialDataError escapes, every call returns quickly,
and inputs are not mutated. Fixed seed (derandomize), about 900 examples in all."""

from __future__ import annotations

import tempfile
import time
import warnings
from pathlib import Path

import pandas as pd
from conftest import SUMMARY, TOML
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import trialkit
from trialkit import TrialDataError

#: Seconds one call may take (generous for a shared 2-core machine; a hang is far longer).
BOUND = 10.0
SETTINGS = {"derandomize": True, "deadline": None,
            "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large]}

NASTY = ["", " ", "nan", "inf", "-inf", "1e300", "1e-400", "-1", "0", "1", "x", "NA",
         "9223372036854775807", "1e5", "1e-5", "5,2", "5,175.7", "−3", "\u00a0", "*", "†",
         '"', "|", "\t", "=", "<0.001", "NS", "1.1a", "[3]", "(n=0)"]
CELLS = ["5.2 (1.3)", "5.2 ± 1.3", "4.75 + 4.372", "2.0 ± 1.1.", "1.3 ± 1.1a",
         "5,175.7 ± 3,126.1ab", "4.1 (1.2)*", "100000 (0.00001)", "1e5 (1e-5)",
         "5.2 (1e-400)", "5.2 (0)", "6 (4-8)", "5.2 [4.1, 6.3]", "5.2 (1.3) [12]", "NR", "",
         "-", "1e300 (1)", "5.2 (1.3", "−2.0 ± 1.1", "0.03*", "<.001", "NS", ".04"]
HEADERS = ["outcome", "timepoint", "A (n=9)", "B (n=8)", "C", "n", "p", "P value", "t", "F",
           "unit", "direction", "scale", "integer", "primary", "arm", "value", "source",
           "p (Mann-Whitney)", "A (n=0)", "B (n=99999999999)"]
TIMEPOINTS = ["Baseline", "Post", "Change", "Δ", "Change at 6 weeks", "6 weeks", "", "Follow-up"]
OUTCOMES = ["Pain", "ROM", "", "Neck pain (NPRS)", "***"]
SEPARATORS = ["\t", " | ", "  ", ","]


def call(fn, *args, **kwargs):
    """fn(...) must return or raise TrialDataError, within BOUND seconds."""
    start = time.perf_counter()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fn(*args, **kwargs)
    except TrialDataError as exc:
        assert exc.errors and all(isinstance(e, TrialDataError) for e in exc.errors)
        assert str(exc)
    elapsed = time.perf_counter() - start
    assert elapsed < BOUND, f"{fn.__name__} took {elapsed:.1f} s"


@st.composite
def pasted_tables(draw):
    header = ["outcome", "timepoint", *draw(st.lists(st.sampled_from(HEADERS), min_size=1,
                                                       max_size=4))]
    if draw(st.booleans()):
        header = draw(st.permutations(header))
    rows = []
    for _ in range(draw(st.integers(0, 5))):
        row = []
        for col in header:
            if col == "outcome":
                row.append(draw(st.sampled_from(OUTCOMES)))
            elif col == "timepoint":
                row.append(draw(st.sampled_from(TIMEPOINTS)))
            else:
                row.append(draw(st.sampled_from(CELLS + NASTY)))
        if draw(st.integers(0, 9)) == 0:
            row = row[:-1]
        rows.append(row)
    sep = draw(st.sampled_from(SEPARATORS))
    lines = [sep.join(r) for r in [header, *rows]]
    return "\n".join(lines) + draw(st.sampled_from(["\n", "", "\n\n"]))


@settings(max_examples=400, **SETTINGS)
@given(text=pasted_tables(), spread=st.sampled_from(["sd", "se", "ci95", "iqr", "range"]))
def test_pasted_tables_only_raise_trialdataerror(text, spread):
    before = str(text)
    call(trialkit.from_table, text, spread=spread)
    assert text == before


@settings(max_examples=150, **SETTINGS)
@given(text=pasted_tables())
def test_dataframes_are_not_mutated(text):
    lines = [ln.split("\t") for ln in text.splitlines() if ln]
    if not lines or any(len(r) != len(lines[0]) for r in lines) or len(set(lines[0])) < len(
            lines[0]):
        return
    frame = pd.DataFrame(lines[1:], columns=lines[0])
    before = frame.copy()
    call(trialkit.from_table, frame)
    pd.testing.assert_frame_equal(frame, before)


GOOD = ("outcome\ttimepoint\tA (n=9)\tB (n=8)\nPain\tBaseline\t5 (1)\t5 (1)\n"
        "Pain\tPost\t3 (1)\t4 (1)\n")
ODD_VALUES = [5, 1.5, None, "", "Pain", ["Pain"], {"Pain": 1}, {"Pain": {"unit": 3}},
              {"Pain": {"direction": "sideways"}}, {"A": 9}, {"A": "nine"}, {"A": -1},
              {"A": 10**30}, float("nan"), True, object(), b"bytes", ("a", "b"),
              {"Pain": {"lower": float("inf")}}, {"Pain": {"mcid": float("nan")}},
              [{"id": "x"}], pd.DataFrame({"id": ["x"]})]
OPTIONS = ["spread", "n", "outcomes", "baseline", "reference_arm", "trial_id", "title",
           "citation", "source", "design", "sheet_name", "reported"]


@settings(max_examples=200, **SETTINGS)
@given(option=st.sampled_from(OPTIONS), value=st.sampled_from(ODD_VALUES))
def test_options_of_the_wrong_type(option, value):
    call(trialkit.from_table, GOOD, **{option: value})


@st.composite
def broken_folders(draw):
    toml_lines, summary_lines = TOML.splitlines(), SUMMARY.splitlines()
    for _ in range(draw(st.integers(1, 3))):
        if draw(st.booleans()):
            i = draw(st.integers(0, len(toml_lines) - 1))
            key, sep, _ = toml_lines[i].partition("=")
            if sep:
                token = draw(st.sampled_from([*NASTY, "nan", "inf", "1e300", "-inf",
                                                  '"x"', "[]", "true"]))
                toml_lines[i] = f"{key}= {token}"
        else:
            i = draw(st.integers(0, len(summary_lines) - 1))
            cells = summary_lines[i].split(",")
            j = draw(st.integers(0, len(cells) - 1))
            cells[j] = draw(st.sampled_from(NASTY))
            summary_lines[i] = ",".join(cells)
    if draw(st.integers(0, 9)) == 0:
        summary_lines = summary_lines[:1]
    return "\n".join(toml_lines) + "\n", "\n".join(summary_lines) + "\n"


@settings(max_examples=200, **SETTINGS)
@given(files=broken_folders())
def test_broken_trial_folders_only_raise_trialdataerror(files):
    toml, summary = files
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "mini"
        folder.mkdir()
        (folder / "trial.toml").write_text(toml, encoding="utf-8")
        (folder / "summary.csv").write_text(summary, encoding="utf-8")
        call(trialkit.read_trial, folder)
        assert (folder / "summary.csv").read_text(encoding="utf-8") == summary
