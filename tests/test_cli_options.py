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


def test_the_tables_toml_spread_and_title_are_kept_by_the_cli(capsys, tmp_path):
    # The TOML beside the table says the brackets hold SEs and names the trial; without
    # --spread the CLI keeps both (it used to pass spread "sd" and its own title, silently
    # overriding the file). SD = SE * sqrt(n): 1.20 * sqrt(28) = 6.3498 by hand.
    path = tmp_path / "table.csv"
    path.write_text(TABLE, encoding="utf-8")
    path.with_suffix(".toml").write_text('spread = "se"\ntitle = "The GRIM example"\n',
                                         encoding="utf-8")
    assert main(["show", str(path), "--format", "json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["title"] == "The GRIM example"
    first = shown["summary"][0]
    assert first["sd"] == pytest.approx(1.20 * 28**0.5, abs=1e-9)
    # the command line still wins when given
    assert main(["show", str(path), "--format", "json", "--spread", "sd"]) == 0
    assert json.loads(capsys.readouterr().out)["summary"][0]["sd"] == pytest.approx(1.20)


def test_outcome_option_takes_the_label_as_printed_or_the_id(capsys, tmp_path):
    # "Neck pain" is the printed label, "neck_pain" its id: both name the same outcome
    table = tmp_path / "two.csv"
    table.write_text("outcome,timepoint,A (n=20),B (n=20)\n"
                     "Neck pain,Baseline,6.1 (1.2),6.0 (1.3)\n"
                     "Neck pain,Week 4,3.2 (1.5),4.4 (1.4)\n"
                     "Score,Baseline,5.19 (1.20),5.18 (1.31)\n"
                     "Score,Week 4,5.00 (1.20),5.10 (1.31)\n", encoding="utf-8")
    outs = []
    for name in ("Neck pain", "neck_pain", " NECK PAIN "):
        assert main(["effects", str(table), "--outcome", name, "--format", "json"]) == 0
        outs.append(json.loads(capsys.readouterr().out))
    assert outs[0] == outs[1] == outs[2]
    assert {r["outcome"] for r in outs[0]["between"]} == {"neck_pain"}
    assert main(["effects", str(table), "--outcome", "Nothing"]) == 2
    assert "nothing" in capsys.readouterr().err.lower()
