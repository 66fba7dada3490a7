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


def test_show_lists_change_rows_and_published_statements(capsys, tmp_path):
    # a table with a printed change row and a p column (Hahm et al. 2020, Table 2, PPT L3-M)
    table = tmp_path / "table.tsv"
    table.write_text("outcome\ttimepoint\tMud (n = 16)\tControl (n = 15)\tp\n"
                     "PPT L3-M\tPre\t4.3 ± 1.8\t4.5 ± 1.6\t\n"
                     "PPT L3-M\tPost\t7.5 ± 2.7\t6.5 ± 2.4\t\n"
                     "PPT L3-M\tDifference pre-post\t3.2 ± 2.1\t2.0 ± 2.2\t0.009\n",
                     encoding="utf-8")
    code, out, _ = run(capsys, "show", str(table), "--baseline", "Pre")
    assert code == 0
    changes = out.split("Changes from baseline, as printed:")[1].split("Published")[0]
    assert [line.split()[1:6] for line in changes.strip().splitlines()[2:]] == [
        ["mud", "post", "16", "3.2", "2.1"], ["control", "post", "15", "2.0", "2.2"]]
    statements = out.split("Published statements (1;")[1]
    assert "ppt_l3_m_post_change_p" in statements and "= 0.009" in statements
    assert "Citation not given" in out and "[]" not in out  # no empty scale brackets
    _, out, _ = run(capsys, "show", str(table), "--baseline", "Pre", "--format", "json")
    payload = json.loads(out)
    assert [r["mean"] for r in payload["changes"]] == [3.2, 2.0]
    assert [r["value"] for r in payload["reported"]] == ["0.009"]


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


# -- per-outcome options: --direction, --scale, --integer, --reported ------------------------
TWO_ARMS = ("outcome\ttimepoint\tNeedling (n=20)\tSham (n=20)\n"
            "Pain\tBaseline\t6.2 (1.4)\t6.0 (1.5)\n"
            "Pain\t4 weeks\t2.9 (1.8)\t4.8 (1.7)\n"
            "Neck Disability Index\tBaseline\t18 (6)\t17 (5)\n"
            "Neck Disability Index\t4 weeks\t9 (5)\t14 (6)\n")


@pytest.fixture
def two_arms(tmp_path):
    path = tmp_path / "table2.tsv"
    path.write_text(TWO_ARMS, encoding="utf-8")
    return path


def outcomes_of(capsys, *args):
    code, out, err = run(capsys, "show", *args, "--format", "json")
    assert code == 0, err
    return {o["label"]: o for o in json.loads(out)["outcomes"]}


def test_direction_per_outcome_by_label_or_id(capsys, two_arms):
    got = outcomes_of(capsys, str(two_arms), "--direction",
                      "pain=lower,neck_disability_index=lower_is_better")
    assert got["Pain"]["direction"] == "lower_is_better"
    assert got["Neck Disability Index"]["direction"] == "lower_is_better"
    got = outcomes_of(capsys, str(two_arms), "--direction", "Neck Disability Index=higher")
    assert got["Pain"]["direction"] is None  # not declared: stays unknown
    assert got["Neck Disability Index"]["direction"] == "higher_is_better"


def test_scale_and_integer_per_outcome(capsys, two_arms):
    got = outcomes_of(capsys, str(two_arms), "--scale", "pain=0-10", "--integer",
                      "neck disability index")
    assert (got["Pain"]["lower"], got["Pain"]["upper"]) == (0, 10)
    assert got["Neck Disability Index"]["lower"] is None
    assert (got["Pain"]["integer"], got["Neck Disability Index"]["integer"]) == (False, True)
    got = outcomes_of(capsys, str(two_arms), "--scale", "0-50", "--integer")  # every outcome
    assert all((o["lower"], o["upper"], o["integer"]) == (0, 50, True) for o in got.values())
    got = outcomes_of(capsys, str(two_arms), "--scale", "0-50", "--scale", "pain=0-10")
    assert (got["Pain"]["upper"], got["Neck Disability Index"]["upper"]) == (10, 50)


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (["--direction", "itch=lower"], "--direction: unknown outcome 'itch'; table2.tsv has "
         "Pain, Neck Disability Index"),
        (["--scale", "itch=0-10"], "--scale: unknown outcome 'itch'"),
        (["--integer", "itch"], "--integer: unknown outcome 'itch'"),
        (["--direction", "pain=lower", "--direction", "pain=higher"],
         "--direction gives 'pain' twice, differently"),
        (["--reported", "no-such-reported.csv"], "no-such-reported.csv, field '--reported': "
         "no such file"),
    ],
)
def test_outcome_options_bad_input(capsys, two_arms, args, match):
    code, out, err = run(capsys, "show", str(two_arms), *args)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("trialkit: error: ") and match in err


@pytest.mark.parametrize("args", [["--direction", "pain=sideways"], ["--direction", "pain"],
                                  ["--scale", "pain=10-0"], ["--scale", "ten"],
                                  ["--direction", ","]])
def test_outcome_options_usage_errors(capsys, two_arms, args):
    with pytest.raises(SystemExit) as info:
        main(["show", str(two_arms), *args])
    err = capsys.readouterr().err
    assert info.value.code == 2 and err.count("\n") == 1 and err.startswith("trialkit: error")


def test_options_for_a_trial_folder_must_agree_with_its_toml(capsys):
    # mejuto2014's trial.toml: pain lower_is_better on 0-10, integer = true (NPRS)
    code, _, err = run(capsys, "show", "mejuto2014", "--direction", "pain=lower", "--scale",
                       "pain=0-10")
    assert code == 0, err
    code, _, err = run(capsys, "show", "mejuto2014", "--direction", "pain=higher")
    assert code == 2 and err.count("\n") == 1
    assert "mejuto2014/trial.toml" in err and "--direction higher_is_better contradicts " \
        "lower_is_better" in err
    code, _, err = run(capsys, "effects", "mejuto2014", "--scale", "0-10")
    assert code == 2 and "--scale 0-10 contradicts" in err and err.count("\n") == 1
    code, _, err = run(capsys, "check", "mejuto2014", "--integer", "rom_flexion")
    assert code == 2 and "--integer contradicts integer = false" in err


def test_reported_file_for_a_folder_and_a_table(capsys, make_trial, tmp_path, two_arms):
    # The fixture's week-4 pain, by hand: 3.40 (1.50) vs 5.20 (1.40), n = 10 each; Welch
    # t = -1.8 / sqrt(1.5^2/10 + 1.4^2/10) = -1.8 / 0.6488 = -2.774.
    reported = tmp_path / "reported.csv"
    reported.write_text("id,statistic,outcome,arm,timepoint,comparison,relation,value,text,"
                        "source\np_pain,p,pain,,post,treat-control,<,0.05,\"p < 0.05\","
                        "Table 2\n", encoding="utf-8")
    code, out, err = run(capsys, "check", str(make_trial()), "--reported", str(reported),
                         "--format", "json")
    assert code == 0, err
    # t = -2.774 on about 18 df gives p = 0.013 (t tables: |t| > 2.10 at p = 0.05), so the
    # statement read from --reported is checked and holds.
    rows = [r for r in json.loads(out) if "(p_pain)" in str(r["reported"])]
    assert len(rows) == 1 and rows[0]["verdict"] == "consistent"
    code, _, err = run(capsys, "check", str(two_arms), "--reported", str(reported))
    assert code == 2 and err.count("\n") == 1  # the table has no timepoint 'post'
    assert "reported.csv, row 1, field 'timepoint'" in err


def test_md_and_txt_tables_are_tables(capsys, tmp_path):
    for suffix in (".txt", ".md"):
        path = tmp_path / f"table{suffix}"
        path.write_text("outcome,timepoint,A (n=5),B (n=5)\nPain,Baseline,5.0 (1.0),5.2 (1.1)\n",
                        encoding="utf-8")
        code, out, err = run(capsys, "show", str(path))
        assert code == 0, err
        assert "5.0" in out and "5.2" in out


def test_figures_bad_dpi_and_unwritable_out(capsys, tmp_path):
    for dpi in ("-5", "0", "abc", "99999"):
        with pytest.raises(SystemExit) as info:
            main(["figures", "sleep", "--dpi", dpi, "--out", str(tmp_path)])
        err = capsys.readouterr().err
        assert info.value.code == 2 and err.count("\n") == 1 and "--dpi" in err
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    for out in (blocker, blocker / "sub"):
        code, stdout, err = run(capsys, "figures", "sleep", "--out", str(out))
        assert code == 2 and stdout == "" and err.count("\n") == 1
        assert err.startswith("trialkit: error: ") and str(blocker) in err


def test_several_problems_print_on_one_line(capsys, monkeypatch):
    from trialkit import TrialDataError, cli

    def broken(args):
        exc = TrialDataError("2 problems", file="t.csv")
        exc.errors = [TrialDataError("expected a number, got 'x'", file="t.csv", row=1,
                                     field="A"),
                      TrialDataError("expected a number,\ngot 'y'", file="t.csv", row=3,
                                     field="B")]
        raise exc

    monkeypatch.setattr(cli, "trial_of", broken)
    code, _, err = run(capsys, "show", "anything")
    assert code == 2 and err.count("\n") == 1
    assert err == ("trialkit: error: 2 problems: t.csv, row 1, field 'A': expected a number, "
                   "got 'x'; t.csv, row 3, field 'B': expected a number, got 'y'\n")


def test_show_with_infinite_summary_values(capsys, make_trial):
    from conftest import SUMMARY

    from trialkit.display import fmt_number

    assert [fmt_number(float("inf")), fmt_number(float("-inf"), 0)] == ["inf", "-inf"]
    folder = make_trial(summary=SUMMARY.replace("3.40,1.50", "inf,1.50"))
    code, out, err = run(capsys, "show", str(folder))
    # Either the reader refuses the cell (one line, exit 2) or it is shown as text; never a
    # traceback from the number formatter.
    assert (code == 2 and err.count("\n") == 1 and "summary.csv" in err) or (
        code == 0 and "inf" in out)


def test_effects_table_says_improved_only_where_a_direction_is_declared(capsys, two_arms):
    code, out, _ = run(capsys, "effects", str(two_arms), "--r", "0.5")
    assert code == 0 and "improved" not in out
    assert "direction not stated" in out  # the favours column says why it names no arm
    code, out, _ = run(capsys, "effects", str(two_arms), "--r", "0.5", "--direction",
                       "pain=lower,neck disability index=lower")
    assert code == 0 and "improved" in out and "direction not stated" not in out
