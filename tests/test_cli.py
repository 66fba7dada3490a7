"""The command line: list, show, formats, and one-line errors with exit status 2."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from trialkit.cli import main


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_list_formats(capsys):
    code, out, _ = run(capsys, "list")
    assert code == 0 and "mejuto2014" in out and "anorexia" in out
    _, out, _ = run(capsys, "list", "--format", "csv")
    assert out.splitlines()[0].startswith("id,title,citation,design")
    _, out, _ = run(capsys, "list", "--format", "json")
    ids = [r["id"] for r in json.loads(out)]
    assert "sleep" in ids


def test_show_table_shows_banner_and_numbers_as_printed(capsys):
    code, out, _ = run(capsys, "show", "mejuto2014")
    assert code == 0
    assert "ILLUSTRATIVE" in out
    assert "7.25" in out and "illustrative" in out
    assert "MCID 1.3 (Cleland 2008)" in out


def test_show_csv_and_json(capsys):
    _, out, _ = run(capsys, "show", "anorexia", "--format", "csv")
    assert out.splitlines()[0].startswith("outcome,arm,timepoint,n,mean,sd")
    _, out, _ = run(capsys, "show", "anorexia", "--format", "json")
    payload = json.loads(out)
    assert payload["id"] == "anorexia" and len(payload["summary"]) == 6
    assert [a["n"] for a in payload["arms"]] == [26, 29, 17]


def test_show_a_folder(capsys, make_trial):
    code, out, _ = run(capsys, "show", str(make_trial()))
    assert code == 0 and "A small two-arm trial" in out


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (["show", "nope"], "unknown trial id 'nope'"),
        (["show", "./no/such/folder"], "no such trial folder"),
    ],
)
def test_bad_input_is_one_line_exit_2(capsys, args, match):
    code, out, err = run(capsys, *args)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and match in err and err.startswith("trialkit: error: ")


def test_broken_file_is_one_line(capsys, make_trial):
    from conftest import SUMMARY

    folder = make_trial(summary=SUMMARY.replace("3.40,1.50", "3.40,-1.50"))
    code, _, err = run(capsys, "show", str(folder))
    assert code == 2 and err.count("\n") == 1
    assert "summary.csv, row 2, field 'sd'" in err


def test_usage_errors_are_one_line(capsys):
    with pytest.raises(SystemExit) as info:
        main(["show"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "required" in err


def test_console_script_end_to_end(make_trial):
    exe = shutil.which("trialkit") or shutil.which("trialkit", path=str(
        __import__("pathlib").Path(sys.executable).parent))
    assert exe, "the trialkit console script is not installed"
    ok = subprocess.run([exe, "show", "sleep"], capture_output=True, text=True, check=False)
    assert ok.returncode == 0 and "Cushny" in ok.stdout
    bad = subprocess.run([exe, "show", "nope"], capture_output=True, text=True, check=False)
    assert bad.returncode == 2 and bad.stdout == ""
    assert bad.stderr.count("\n") == 1 and "Traceback" not in bad.stderr


def test_effects_table_csv_json(capsys):
    code, out, _ = run(capsys, "effects", "mejuto2014", "--outcome", "pain", "--r", "0.6")
    assert code == 0
    assert "ILLUSTRATIVE" in out and "Within arms" in out and "Between arms" in out
    assert "-32.69" in out  # 100 * (4.88 - 7.25) / 7.25 = -32.69: the 33% decrease
    assert "r=0.6(given)" in out
    code, out, _ = run(capsys, "effects", "anorexia", "--format", "csv")
    header = out.splitlines()[0].split(",")
    assert {"estimate", "ci_low", "ci_high", "method", "table"} <= set(header)
    code, out, _ = run(capsys, "effects", "anorexia", "--format", "json")
    payload = json.loads(out)
    ancova = [r for r in payload["between"] if r["measure"] == "ancova"]
    assert [round(r["estimate"], 4) for r in ancova] == [4.0971, 8.6601]


def test_effects_states_the_assumed_r(capsys):
    code, out, _ = run(capsys, "effects", "mejuto2014", "--outcome", "pain")
    assert code == 0 and "note: mejuto2014: no pre-post correlation given; r = 0.5" in out


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (["effects", "mejuto2014", "--outcome", "itch"], "unknown outcome 'itch'"),
        (["effects", "sleep"], "no baseline timepoint"),
    ],
)
def test_effects_bad_input(capsys, args, match):
    code, _out, err = run(capsys, *args)
    assert code == 2 and err.count("\n") == 1 and match in err


def test_effects_bad_r_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as info:
        main(["effects", "mejuto2014", "--r", "1.5"])
    assert info.value.code == 2
    assert "between -1 and 1" in capsys.readouterr().err


def test_analyse_prints_models(capsys):
    code, out, _ = run(capsys, "analyse", "anorexia")
    assert code == 0
    assert "ancova" in out and "8.66" in out  # FT vs control, as MASS prints it (8.6601)
    assert "nan" not in out and "<NA>" not in out
    code, out, _ = run(capsys, "analyse", "polyps", "--format", "json")
    payload = json.loads(out)
    assert "count_model" in payload


def test_analyse_needs_patient_data(capsys):
    code, _out, err = run(capsys, "analyse", "mejuto2014")
    assert code == 2 and err.count("\n") == 1 and "needs patient data" in err


def test_figures_command(capsys, tmp_path):
    code, out, _ = run(capsys, "figures", "anorexia", "--out", str(tmp_path), "--style",
                       "paper", "--format", "svg")
    assert code == 0
    files = out.split()
    assert all(f.endswith("_paper.svg") for f in files)
    assert any("anorexia_estimation_weight_ft_paper.svg" in f for f in files)
    with pytest.raises(SystemExit):
        main(["figures", "anorexia", "--format", "gif"])


def test_table_file_from_a_paper(capsys, tmp_path):
    table = tmp_path / "table2.csv"
    table.write_text("outcome,timepoint,Needling (n=9),Waiting list (n=8)\n"
                     "Pain,Baseline,6.1 (1.2),5.9 (1.3)\nPain,1 week,2.1 (1.5),5.4 (1.4)\n",
                     encoding="utf-8")
    code, out, _ = run(capsys, "effects", str(table), "--r", "0.6")
    assert code == 0 and "needling-waiting_list" in out
    # by hand: Welch mean difference at 1 week = 2.1 - 5.4 = -3.30
    assert "-3.30" in out
    table.write_text(table.read_text().replace("2.1 (1.5)", "5.2 (-1)"), encoding="utf-8")
    code, out, err = run(capsys, "show", str(table))
    assert code == 2 and err.count("\n") == 1
    assert "table2.csv, row 2, field 'Needling (n=9)'" in err and "negative" in err


def test_check_command_and_strict(capsys, tmp_path):
    code, out, _ = run(capsys, "check", "mejuto2014")
    assert code == 0 and "0 inconsistent" in out and "ILLUSTRATIVE" in out
    # Brown & Heathers (2017): a mean of 5.19 from 28 integer responses is impossible
    # (the nearest possible means are 5.18 and 5.21). For 5.18 (total 145) an SD of 1.31 is
    # possible, by hand: a sum of squares of 797 gives SD sqrt((797 - 145^2/28)/27) = 1.3068.
    table = tmp_path / "table.csv"
    table.write_text("outcome,timepoint,A (n=28),B (n=28)\n"
                     "Score,Baseline,5.19 (1.20),5.18 (1.31)\n", encoding="utf-8")
    code, out, _ = run(capsys, "check", str(table), "--scale", "1-7", "--integer",
                       "--format", "json")
    rows = {(r["check"], r["arm"]): r["verdict"] for r in json.loads(out)}
    assert code == 0
    assert rows[("grim", "a")] == "inconsistent" and rows[("grim", "b")] == "consistent"
    assert rows[("grimmer", "b")] == "consistent"
    code, _, _ = run(capsys, "check", str(table), "--scale", "1-7", "--integer", "--strict")
    assert code == 1
    code, out, _ = run(capsys, "check", str(table))  # no scale, not integer: nothing to test
    assert code == 0 and "0 inconsistent" in out
