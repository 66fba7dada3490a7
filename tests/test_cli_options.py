"""``--integer`` before or after the trial: both orders parse and mean the same."""

from __future__ import annotations

import json

import pytest

from trialkit.cli import main
from trialkit.cli_options import ALL, integer_before_trial, names_trial

# Brown & Heathers (2017), the GRIM paper's own example: a mean of 5.19 from 28 integer
# responses is impossible (145/28 = 5.1786 and 146/28 = 5.2143 round to 5.18 and 5.21),
# while 5.18 is possible (145/28).
TABLE = ("outcome,timepoint,A (n=28),B (n=28)\n"
         "Score,Baseline,5.19 (1.20),5.18 (1.31)\n"
         "Other,Baseline,5.19 (1.20),5.18 (1.31)\n")


@pytest.fixture
def table(tmp_path):
    path = tmp_path / "table.csv"
    path.write_text(TABLE, encoding="utf-8")
    return str(path)


def grim(capsys, *argv: str) -> dict[tuple[str, str], str]:
    try:
        code = main(["check", *argv, "--format", "json"])
    except SystemExit as exc:  # a usage error
        code = exc.code
    out, err = capsys.readouterr()
    assert code == 0, err
    return {(r["outcome"], r["arm"]): r["verdict"] for r in json.loads(out)
            if r["check"] == "grim"}


EXPECTED = {("score", "a"): "inconsistent", ("score", "b"): "consistent",
            ("other", "a"): "inconsistent", ("other", "b"): "consistent"}


@pytest.mark.parametrize("order", [
    ("--integer", "{t}"),
    ("{t}", "--integer"),
    ("--scale", "1-7", "--integer", "{t}"),
    ("--integer", "{t}", "--scale", "1-7"),
    ("--integer=*", "{t}"),
])
def test_bare_integer_before_or_after_the_table_means_every_outcome(capsys, table, order):
    argv = [a.format(t=table) for a in order]
    assert grim(capsys, *argv) == EXPECTED


@pytest.mark.parametrize("order", [
    ("--integer", "score", "{t}"),
    ("{t}", "--integer", "score"),
    ("--integer", "Score", "{t}", "--scale", "1-7"),
])
def test_named_integer_outcome_before_or_after_the_table(capsys, table, order):
    argv = [a.format(t=table) for a in order]
    got = grim(capsys, *argv)
    assert got == {("score", "a"): "inconsistent", ("score", "b"): "consistent"}


def test_integer_before_a_bundled_trial_means_every_outcome(capsys):
    # mejuto2014's trial.toml says integer = false for its pressure thresholds, so "every
    # outcome is integer" contradicts it: the error shows --integer was read as a flag.
    code = main(["check", "--integer", "mejuto2014"])
    _, err = capsys.readouterr()
    assert code == 2 and "--integer contradicts integer = false" in err


def test_the_rule_itself():
    assert names_trial("table.csv") and names_trial("tables/pain.TSV")
    assert names_trial("mejuto2014")  # a bundled trial id
    assert not names_trial("pain") and not names_trial("pain,rom") and not names_trial("-x")
    assert integer_before_trial(["--integer", "t.md"]) == [f"--integer={ALL}", "t.md"]
    assert integer_before_trial(["--integer", "pain", "t.md"]) == ["--integer", "pain", "t.md"]
    assert integer_before_trial(["--integer"]) == ["--integer"]
