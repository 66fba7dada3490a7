"""``trialkit screen TABLE``: output formats, --out, errors on one line with exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from trialkit.cli import main

DATA = Path(__file__).resolve().parents[1] / "data" / "screen"


def test_table_output(capsys):
    assert main(["screen", str(DATA / "review.csv")]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Screened 3 trials (16 rows")
    assert max(out.index("Beta 2020"), out.index("Gamma 2021")) < out.index("Alpha 2019")
    assert "grim,grim_percent" in out


def test_csv_and_json(capsys):
    assert main(["screen", str(DATA / "review.csv"), "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("trial,n_variables,n_extreme,z_stouffer")
    assert lines[3].startswith("Alpha 2019,")
    assert main(["screen", str(DATA / "review.csv"), "--format", "json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert [r["trial"] for r in records][2] == "Alpha 2019"
    assert {"grim", "grim_percent"} <= set(records[[r["trial"] for r in records].index(
        "Beta 2020")]["flags"].split(","))


def test_out_writes_every_frame(tmp_path, capsys):
    out = tmp_path / "screened"
    assert main(["screen", str(DATA / "simdistr_example_trials.csv"), "--out", str(out),
                 "--sims", "50", "--seed", "4"]) == 0
    assert {"trials.csv", "variables.csv", "within.csv"} <= {p.name for p in out.iterdir()}
    trials = pd.read_csv(out / "trials.csv")
    assert len(trials) == 7
    assert "wrote trials.csv" in capsys.readouterr().err



def test_a_review_without_categorical_rows_draws_no_categorical_figure(tmp_path, capsys):
    # reappraised's SI_pvals_cont sheet (tests/data/screen_refs/README.md) holds continuous
    # rows only: categorical() has no variable, so its frame is written (n_variables 0) but
    # no figure of zeros is drawn, and matplotlib has nothing to warn about (it used to:
    # "identical low and high ylims"). The figures that are drawn label their axes.
    out = tmp_path / "screened"
    assert main(["screen", str(DATA / "reappraised_SI_pvals_cont.xlsx"), "--out", str(out),
                 "--sims", "50"]) == 0
    written = {p.name for p in out.iterdir()}
    assert "categorical.csv" in written
    assert pd.read_csv(out / "categorical.csv")["n_variables"].max() == 0
    assert not {n for n in written if n.startswith("categorical_")}
    assert "group_sizes.png" in written
    assert "warning" not in capsys.readouterr().err


def test_a_review_of_categorical_rows_only_draws_what_it_can(tmp_path, capsys):
    # no continuous variable: no continuous p distribution to draw (it used to divide by
    # zero); the frames are still written and the command succeeds
    table = tmp_path / "cat.csv"
    table.write_text("trial,variable,arm,n,count\n"
                     "A,female,x,20,11\nA,female,y,21,9\n"
                     "B,female,x,30,16\nB,female,y,30,14\n", encoding="utf-8")
    out = tmp_path / "screened"
    assert main(["screen", str(table), "--out", str(out), "--sims", "50"]) == 0
    written = {p.name for p in out.iterdir()}
    assert "pvalue_distribution.csv" in written and "pvalue_distribution.png" not in written
    assert "matches.csv" in written and "matches.png" not in written  # no two-arm means
    assert pd.read_csv(out / "pvalue_distribution.csv")["n_variables"].iloc[0] == 0
    capsys.readouterr()


def test_a_review_with_two_arm_means_draws_its_matches(tmp_path, capsys):
    # review.csv: 6 two-arm variables, printed to 2 decimals. The first row of the matches
    # frame (means of one significant digit) has none; the figure is still drawn (the CLI
    # used to look at that first row only, and left matches.png out)
    out = tmp_path / "screened"
    assert main(["screen", str(DATA / "review.csv"), "--out", str(out), "--sims", "50"]) == 0
    matches = pd.read_csv(out / "matches.csv")
    assert matches["n_variables"].iloc[0] == 0
    assert matches.loc[matches["sig_digits"] == "all", "n_variables"].tolist() == [6, 6, 6]
    assert (out / "matches.png").is_file()
    capsys.readouterr()


def test_bad_table_is_one_line_and_exit_2(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("trial,variable,arm,n,mean,sd\nA,v,x,10,1.0,\nA,v,y,0,1.0,1\n")
    assert main(["screen", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "row 1, field 'sd'" in err and "row 2, field 'n'" in err
    assert main(["screen", str(tmp_path / "missing.csv")]) == 2
    assert "no such file" in capsys.readouterr().err


@pytest.mark.parametrize("option", [["--sims", "0"], ["--alpha", "2"], ["--seed", "x"]])
def test_bad_options_exit_2(option, capsys):
    with pytest.raises(SystemExit) as info:
        main(["screen", str(DATA / "review.csv"), *option])
    assert info.value.code == 2
    assert capsys.readouterr().err.count("\n") == 1
