"""Tables as papers print them (issue 10): footnotes, '+' for a lost ±, thousands separators,
change rows, p / t / F columns, reported=, declarations, spreads converted to SD, and one
error naming every unreadable cell.

Cells marked "printed" are copied from the issue's five open-access physiotherapy and pain
RCT tables; the others are typed the way such tables print.
"""

from __future__ import annotations

import math
import warnings

import pandas as pd
import pytest

import trialkit
from trialkit import TrialDataError
from trialkit.cells import parse_cell
from trialkit.meta import parse_direction

# Printed cells from the issue: trailing full stop, glued footnote letters, a ± lost by the PDF.
PRINTED = (
    "outcome\ttimepoint\tExperimental (n = 9)\tControl (n = 9)\tp (between groups)\n"
    "Pain\tBaseline\t5.2 ± 1.3\t4.9 ± 1.2\t0.62\n"
    "Pain\tPost\t2.0 ± 1.1.\t1.3 ± 1.1a\t.04\n"
    "Pain\tChange\t−3.2 ± 1.0\t−3.6 ± 1.4\t0.008*\n"
    "Cost\tBaseline\t5,175.7 ± 3,126.1\t4,900.0 ± 2,000.5\tNS\n"
    "Cost\tPost\t5175.7 ± 3126.1ab\t4.75 ± 4.372\t<.001\n"
)


def load(table, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return trialkit.from_table(table, **kwargs)


@pytest.mark.parametrize(
    ("text", "mean", "sd", "footnote"),
    [
        ("2.0 ± 1.1.", 2.0, 1.1, None),            # printed: trailing full stop
        ("1.3 ± 1.1a", 1.3, 1.1, "a"),             # printed: glued footnote letter
        ("5175.7 ± 3126.1ab", 5175.7, 3126.1, "ab"),  # printed: two letters
        ("4.1 (1.2)*", 4.1, 1.2, "*"),
        ("4.1 (1.2) †", 4.1, 1.2, "†"),
        ("4.1 (1.2)‡§", 4.1, 1.2, "‡§"),
        ("3.2 (1.1)¹", 3.2, 1.1, "¹"),
        ("3.2 (1.1)ᵃ", 3.2, 1.1, "ᵃ"),
        ("2.0 ± 1.1a,b", 2.0, 1.1, "a,b"),
        ("4.1* (1.2)", 4.1, 1.2, "*"),
        ("−2.0\u2009±\u00a01.1", -2.0, 1.1, None),  # Unicode minus, thin and no-break space
        ("5,175.7 ± 3,126.1", 5175.7, 3126.1, None),
        ("1e5 (2e1)", 100000.0, 20.0, None),      # an exponent followed by digits is a number
        ("1.3 ± 1.1e", 1.3, 1.1, "e"),             # a trailing e with no digits is a footnote
    ],
)
def test_cells_as_printed(text, mean, sd, footnote):
    parsed = parse_cell(text)
    assert parsed["mean"] == mean and parsed["sd"] == sd
    assert parsed.get("footnote") == footnote


def test_footnote_never_eats_a_digit():
    parsed = parse_cell("10.25 ± 1.05b")
    assert parsed["mean_text"] == "10.25" and parsed["sd_text"] == "1.05"


def test_per_cell_n_and_plus():
    assert parse_cell("5.2 (1.3) [12]")["n"] == 12
    assert parse_cell("5.2 (1.3) (n=12)")["n"] == 12
    assert parse_cell("4.75 + 4.372")["plus"] is True  # printed: a PDF lost the ±


@pytest.mark.parametrize("text", ["5,175 (3,126)", "5,2 (1,3)"])
def test_ambiguous_comma_is_explained(text):
    with pytest.raises(TrialDataError, match="decimal comma or a thousands separator"):
        parse_cell(text)


def test_hint_uses_the_users_notation():
    with pytest.raises(TrialDataError, match=r"expected a cell like '5\.2 ± 1\.3'"):
        parse_cell("5.2 ± x")
    with pytest.raises(TrialDataError, match=r"expected a cell like '5\.2 \(1\.3\)'"):
        parse_cell("5.2 (x)")


def test_underflow_is_not_zero():
    with pytest.raises(TrialDataError, match="underflow"):
        parse_cell("5.2 (1e-400)")


def test_printed_table_loads_with_footnotes_changes_and_p_values():
    table = PRINTED.replace("4.75 ± 4.372", "4.75 + 4.372")
    with pytest.warns(UserWarning, match=r"'\+' read as ± .*'Control \(n = 9\)' row 5"):
        trial = trialkit.from_table(table, outcomes={"Pain": {"direction": "lower"}})
    s = trial.summary.set_index(["outcome", "arm", "timepoint"])
    assert s.loc[("pain", "control", "post"), "footnote"] == "a"
    assert s.loc[("cost", "experimental", "post"), "footnote"] == "ab"
    assert s.loc[("cost", "experimental", "baseline"), "mean"] == 5175.7
    assert s.loc[("cost", "control", "post"), "sd"] == 4.372
    # the Change row is not a timepoint: it is the change to the last follow-up, "Post"
    assert [t.id for t in trial.timepoints] == ["baseline", "post"]
    c = trial.changes.set_index("arm")
    assert c["timepoint"].tolist() == ["post", "post"]
    assert c.loc["experimental", "mean"] == -3.2 and c.loc["control", "sd"] == 1.4
    r = trial.reported.set_index("id")
    assert list(r["statistic"].unique()) == ["p"]
    assert r.loc["pain_post_p_between_groups", "value"] == ".04"
    assert r.loc["cost_post_p_between_groups", "relation"] == "<"
    assert r.loc["cost_post_p_between_groups", "value"] == ".001"
    change_p = r.loc["pain_post_change_p_between_groups"]
    assert change_p["value"] == "0.008" and "footnote *" in change_p["text"]
    assert change_p["analysis"] == "change"
    assert set(r["comparison"]) == {"experimental-control"}
    assert "cost_baseline_p_between_groups" not in r.index  # NS: no number, no statement
    assert trial.outcome("pain").direction == "lower_is_better"


def test_plus_refused_where_the_column_uses_brackets():
    table = ("outcome\ttimepoint\tA (n=9)\tB (n=9)\n"
             "Pain\tBaseline\t5.2 (1.3)\t4.9 (1.2)\nPain\tPost\t4.75 + 4.372\t4.0 (1.0)\n")
    with pytest.raises(TrialDataError, match=r"row 2, field 'A \(n=9\)'.*uses brackets"):
        load(table)


def test_every_bad_cell_reported_at_once():
    bad = (PRINTED.replace("2.0 ± 1.1.", "2.0 ± x").replace("4.9 ± 1.2", "4.9 ±")
           .replace("0.62", "1.7"))
    with pytest.raises(TrialDataError) as info:
        load(bad)
    err = info.value
    assert len(err.errors) == 3
    where = sorted((e.row, e.field) for e in err.errors)
    assert where == [(1, "Control (n = 9)"), (1, "p (between groups)"),
                     (2, "Experimental (n = 9)")]
    text = str(err)
    assert text.startswith("3 problems:")
    assert "'2.0 ± x'" in text and "'4.9 ±'" in text and "'1.7'" in text
    assert "expected a cell like '5.2 ± 1.3'" in text
    assert err.file == "pasted table"


def test_every_bad_row_of_summary_csv_reported_at_once(make_trial):
    from conftest import SUMMARY
    lines = SUMMARY.splitlines()
    lines[2] = lines[2].replace("3.40", "3.4o")
    lines[4] = lines[4].replace("Table 2", "")
    with pytest.raises(TrialDataError) as info:
        trialkit.read_trial(make_trial(summary="\n".join(lines) + "\n"))
    assert [(e.row, e.field) for e in info.value.errors] == [(2, "mean"), (4, "source")]
    assert all(e.file == "summary.csv" for e in info.value.errors)


@pytest.mark.parametrize(
    ("label", "timepoints", "expected"),
    [
        ("Change", ["Baseline", "6 weeks", "12 weeks"], "12_weeks"),
        ("Δ", ["Baseline", "Post"], "post"),
        ("Difference", ["Baseline", "Post"], "post"),
        ("Mean change", ["Baseline", "Post"], "post"),
        ("Change from baseline", ["Baseline", "Post"], "post"),
        ("Change at 6 weeks", ["Baseline", "6 weeks", "12 weeks"], "6_weeks"),
        ("change (0-6 wk)", ["Baseline", "6 weeks", "12 weeks"], "6_weeks"),
        ("CHANGE", ["Baseline"], "follow_up"),
        ("Change at 6 weeks", ["Baseline"], "6_weeks"),
    ],
)
def test_change_rows_find_their_follow_up(label, timepoints, expected):
    rows = "".join(f"Pain\t{t}\t5.0 (1.0)\t5.1 (1.1)\n" for t in timepoints)
    table = f"outcome\ttimepoint\tA (n=9)\tB (n=8)\n{rows}Pain\t{label}\t-1.2 (0.9)\t-0.3 (1.0)\n"
    trial = load(table)
    assert set(trial.changes["timepoint"]) == {expected}
    assert len(trial.summary) == 2 * len(timepoints)
    if expected == "follow_up":
        assert trial.timepoint("follow_up").label == "Follow-up"


def test_statistic_columns_name_their_test():
    table = ("outcome\ttimepoint\tA (n=9)\tB (n=8)\tC (n=8)\tp (Kruskal-Wallis)\tF\n"
             "Pain\tBaseline\t5 (1)\t5 (1)\t5 (1)\t0.9\t0.11\n"
             "Pain\tPost\t3 (1)\t4 (1)\t5 (1)\t<0.001\t9.2\n")
    r = load(table).reported
    assert set(r["comparison"]) == {"*"}  # three arms: all of them
    assert set(r.loc[r["statistic"] == "p", "test"]) == {"kruskal_wallis"}
    assert r.loc[r["statistic"] == "f", "value"].tolist() == ["0.11", "9.2"]


def test_reported_argument_path_frame_and_dicts(tmp_path):
    rows = [{"id": "abstract_p", "statistic": "p", "outcome": "pain", "arm": "",
             "timepoint": "post", "comparison": "experimental-control", "relation": "=",
             "value": "0.03", "text": "P = .03", "source": "abstract", "test": "welch"}]
    path = tmp_path / "reported.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    for given in (rows, pd.DataFrame(rows), path, str(path)):
        r = load(PRINTED, reported=given).reported.set_index("id")
        assert r.loc["abstract_p", "test"] == "welch"
        assert "pain_post_p_between_groups" in r.index  # the table's own p column too
    with pytest.raises(TrialDataError, match="unknown timepoint 'week9'"):
        load(PRINTED, reported=[{**rows[0], "timepoint": "week9"}])


def test_declaration_columns_and_side_toml(tmp_path):
    table = ("outcome\ttimepoint\tunit\tdirection\tscale\tprimary\tA (n=9)\tB (n=8)\n"
             "Pain\tBaseline\tpoints\tlower\t0-10\tyes\t5.0 (1.0)\t5.1 (1.1)\n"
             "Pain\tPost\t\t\t\t\t3.0 (1.0)\t5.0 (1.1)\n"
             "ROM\tBaseline\tdegrees\thigher\t\tno\t50 (10)\t51 (11)\n")
    trial = load(table)
    pain, rom = trial.outcome("pain"), trial.outcome("rom")
    assert (pain.unit, pain.direction, pain.lower, pain.upper, pain.primary) == (
        "points", "lower_is_better", 0.0, 10.0, True)
    assert (rom.unit, rom.direction, rom.primary) == ("degrees", "higher_is_better", False)
    with pytest.raises(TrialDataError, match=r"row 2, field 'direction'.*must agree"):
        load(table.replace("Pain\tPost\t\t\t", "Pain\tPost\t\thigher\t"))
    path = tmp_path / "pain.tsv"
    path.write_text(PRINTED, encoding="utf-8")
    (tmp_path / "pain.toml").write_text(
        'title = "Needling trial"\n[outcomes.Pain]\nunit = "points"\ndirection = "lower"\n'
        'lower = 0\nupper = 10\nmcid = 1.5\nmcid_source = "Farrar 2001"\n', encoding="utf-8")
    trial = load(path)
    assert trial.title == "Needling trial"
    assert trial.outcome("pain").mcid == 1.5 and trial.outcome("pain").upper == 10
    # explicit arguments override the file, key by key
    trial = load(path, outcomes={"Pain": {"upper": 100}}, title="Mine")
    assert trial.outcome("pain").upper == 100 and trial.outcome("pain").mcid == 1.5
    assert trial.title == "Mine"


def test_parse_direction():
    assert parse_direction("lower") == "lower_is_better"
    assert parse_direction("Higher is better") == "higher_is_better"
    with pytest.raises(TrialDataError, match="'higher' or 'lower'"):
        parse_direction("better")


@pytest.mark.parametrize(
    ("spread", "cell", "n", "sd", "method"),
    [
        # SD = SE x sqrt(n) (Cochrane Handbook 6.5.2.2): 0.4 x sqrt(25) = 2.0
        ("se", "6.0 (0.4)", 25, 2.0, "sd_from_se/cochrane_6.5.2.2"),
        # SD = sqrt(n) (high - low) / (2 t_{0.975,24}) (Cochrane Handbook 6.5.2.2 example:
        # n = 25, 10.0 to 14.128, divisor 2 x 2.0639 = 4.128): sqrt(25) x 4.128 / 4.128 = 5.0
        ("ci95", "12.064 (10.0 to 14.128)", 25, 5.0, "sd_from_ci/t_quantile/cochrane_6.5.2.2"),
        # Wan et al. 2014 eq. 16: SD = (q3 - q1) / eta(n), eta(n) = 2 Phi^-1((0.75 n - 0.125)
        # / (n + 0.25)); n = 25: Phi^-1(18.625 / 25.25 = 0.73762) = 0.63604, eta = 1.27207,
        # SD = 4 / 1.27207 = 3.1445
        ("iqr", "6 (4-8)", 25, 3.1445, "mean_sd_from_quantiles/S2"),
    ],
)
def test_spreads_converted_to_sd_at_load(spread, cell, n, sd, method):
    table = f"outcome\tA (n={n})\tB (n={n})\nPain\t{cell}\t{cell}\n"
    s = load(table, spread=spread).summary
    # tolerance: the Handbook prints the divisor to 4 figures (4.128 for 4.1278)
    assert s["sd"].tolist() == pytest.approx([sd, sd], abs=5e-4)
    assert all(m.startswith(method) for m in s["method"])
    assert all("Cochrane" in src or "Wan" in src for src in s["source"])
    if spread == "iqr":
        # Luo et al. 2018 eq. 11 with a symmetric IQR: mean = median = 6
        assert s["mean"].tolist() == pytest.approx([6.0, 6.0])


def test_unconvertible_spreads_are_refused(make_trial):
    text = ("outcome,arm,timepoint,n,mean,sd,median,q1,source\n"
            "pain,treat,pre,10,,,6,4,Table 2\npain,control,pre,10,5.9,1.3,,,Table 2\n")
    with pytest.raises(TrialDataError, match=r"row 1.*median with only q1 cannot be converted"):
        trialkit.read_trial(make_trial(summary=text))
    text = ("outcome,arm,timepoint,n,mean,sd,se,source\n"
            "pain,treat,pre,10,6.1,,0.38,Table 2\npain,control,pre,10,5.9,1.3,,Table 2\n"
            "pain,treat,post,10,4.1,,0.40,Table 2\npain,control,post,10,5.0,1.2,,Table 2\n")
    summary = trialkit.read_trial(make_trial(summary=text)).summary
    assert summary["sd"].notna().all()


def test_trial_analyses_run_on_converted_spreads():
    table = ("outcome\ttimepoint\tA (n=25)\tB (n=25)\n"
             "Pain\tBaseline\t6.0 (0.4)\t6.1 (0.4)\nPain\tPost\t4.0 (0.4)\t5.5 (0.4)\n")
    trial = load(table, spread="se")
    from trialkit import analysis
    between = analysis.between(trial)
    assert between["estimate"].notna().all()


@pytest.mark.parametrize(
    ("summary_line", "match"),
    [
        ("pain,treat,post,10,3.40,-0.5,Table 2", "cannot be negative"),
        ("pain,treat,post,1,3.40,1.50,Table 2", "n = 1"),
        ("pain,treat,post,10,inf,1.50,Table 2", "expected a number"),
        ("pain,treat,post,10,3.40,nan,Table 2", "expected a number"),
        ("pain,treat,post,10,3.40,1e300,Table 2", "out of range"),
        ("pain,treat,post,10,3.40,1e-400,Table 2", "underflow"),
    ],
)
def test_unusable_rows_refused_at_load(make_trial, summary_line, match):
    from conftest import SUMMARY
    lines = SUMMARY.splitlines()
    lines[2] = summary_line
    with pytest.raises(TrialDataError, match=match) as info:
        trialkit.read_trial(make_trial(summary="\n".join(lines) + "\n"))
    assert info.value.file == "summary.csv" and info.value.row == 2


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("n = 10\n", "n = 9223372036854775807\n", "arms[0].n"),
        ("upper = 10\n", "upper = inf\n", "outcomes[0].upper"),
        ("upper = 10\n", "upper = 10\nmcid = nan\nmcid_source = 'x'\n", "outcomes[0].mcid"),
        ("upper = 10\n", "upper = 1e300\n", "outcomes[0].upper"),
    ],
)
def test_out_of_range_toml_refused(make_trial, old, new, field):
    from conftest import TOML
    with pytest.raises(TrialDataError) as info:
        trialkit.read_trial(make_trial(toml=TOML.replace(old, new, 1)))
    assert info.value.file == "trial.toml" and info.value.field == field


@pytest.mark.parametrize(
    ("table", "kwargs", "match"),
    [
        ("\n", {}, "empty"),
        ("", {}, "empty"),
        (PRINTED, {"baseline": 5}, "baseline"),
        (PRINTED, {"outcomes": "Pain"}, "mapping"),
        (PRINTED, {"outcomes": ["Pain"]}, "mapping"),
        (PRINTED, {"n": [9, 9]}, "n must map"),
        (PRINTED, {"reported": 5}, "reported"),
        (None, {}, "expected a DataFrame"),
    ],
)
def test_bad_inputs_raise_trialdataerror(table, kwargs, match):
    with pytest.raises(TrialDataError, match=match):
        load(table, **kwargs)


def test_files_read_by_content(tmp_path):
    md = ("| outcome | timepoint | A (n=9) | B (n=8) |\n|---|:---:|---|---|\n"
          "| Pain | Baseline | 5.2 (1.3) | 5.0 (1.1) |\n")
    spaced = "outcome  timepoint  A (n=9)  B (n=8)\nPain  Baseline  5.2 (1.3)  5.0 (1.1)\n"
    comma = 'outcome,timepoint,A (n=9),B (n=8)\nPain,Baseline,"5.2 (1.3)",5.0 (1.1)\n'
    for suffix, text in ((".md", md), (".txt", spaced), (".txt", comma), (".csv", md),
                         (".md", PRINTED)):
        path = tmp_path / f"t{suffix}"
        path.write_text(text, encoding="utf-8")
        assert load(path).summary["mean"].iloc[0] in (5.2, 5.2)
    (tmp_path / "h.csv").write_text("outcome,timepoint,A (n=5)\n", encoding="utf-8")
    with pytest.raises(TrialDataError, match="header but no rows"):
        load(tmp_path / "h.csv")
    (tmp_path / "e.csv").write_text("", encoding="utf-8")
    with pytest.raises(TrialDataError, match="empty"):
        load(tmp_path / "e.csv")
    (tmp_path / "x.xlsx").write_text("not a workbook", encoding="utf-8")
    with pytest.raises(TrialDataError, match="cannot read as an Excel workbook"):
        load(tmp_path / "x.xlsx")


def test_per_row_n_column_and_per_cell_n():
    table = ("outcome\ttimepoint\tn\tA\tB\n"
             "Pain\tBaseline\t12\t5 (1)\t4 (1)\nPain\tPost\t10\t3 (1)\t4 (1) [11]\n")
    trial = load(table)
    assert [a.n for a in trial.arms] == [12, 12]
    s = trial.summary.set_index(["arm", "timepoint"])
    assert s.loc[("a", "post"), "n"] == 10 and s.loc[("b", "post"), "n"] == 11
    assert not math.isnan(s["sd"].sum())


def test_long_table_with_p_column_and_integer_declaration():
    table = ("outcome\tarm\ttimepoint\tn\tvalue\tinteger\tp\n"
             "Pain\tDN\tpre\t9\t6.1 ± 1.2\tyes\t0.80\n"
             "Pain\tWL\tpre\t8\t5.9 ± 1.3\tyes\t0.80\n"
             "Pain\tDN\tpost\t9\t2.1 ± 1.5†\tyes\t0.03*\n"
             "Pain\tWL\tpost\t7\t5.4 ± 1.4\tyes\t0.03*\n")
    trial = load(table)
    assert trial.outcome("pain").integer is True
    assert trial.summary["footnote"].tolist() == ["", "†", "", ""]
    r = trial.reported
    assert r["value"].tolist() == ["0.80", "0.03"]  # one statement per outcome x timepoint
    assert r["comparison"].tolist() == ["dn-wl", "dn-wl"]
    bad = table.replace("0.03*\n", "0.04\n", 1)
    with pytest.raises(TrialDataError, match=r"row 4, field 'p'.*differs"):
        load(bad)


def test_empty_ipd_is_refused(make_trial):
    from conftest import ipd_text
    header = ipd_text().splitlines()[0] + "\n"
    with pytest.raises(TrialDataError, match="no rows after the header"):
        trialkit.read_trial(make_trial(summary=None, ipd=header))
