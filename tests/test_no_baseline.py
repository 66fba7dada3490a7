"""Tables and trials that print no baseline (``baseline = false``).

Many RCT tables print one timepoint that is not a baseline: post-treatment values only, or a
derived pre-to-post measure such as Rogers et al. 2019's "proportion of achieved recovery,
pre-test to post-test" (J Neuroeng Rehabil 16:56, Table 4; tests/data/published/rogers2019_vr).
Declared ``baseline=False``, every timepoint is a follow-up: the arms are compared there, and
nothing "from baseline" is computed or claimed. The expected numbers are hand calculations
written out below (or scipy's two-sample t test on the printed summaries), never trialkit's.
"""

from __future__ import annotations

import json
import math
import re
import shutil
import textwrap
import warnings
from pathlib import Path

import pytest

import trialkit
from trialkit.analysis import between, within
from trialkit.checks import baseline_balance, check
from trialkit.cli import main

ROGERS = Path(__file__).parent / "data" / "published" / "rogers2019_vr"
N1, N2 = 10, 11  # Virtual Rehabilitation, Treatment As Usual (Table 4 headers)


def _rogers(**kwargs) -> trialkit.Trial:
    return trialkit.from_table(ROGERS / "table.tsv", baseline=False,
                               reference_arm="Treatment As Usual", trial_id="rogers2019_vr",
                               reported=ROGERS / "reported.csv", **kwargs)


# --- Rogers 2019 through Python ---------------------------------------------------------------

def test_rogers_has_no_baseline_and_one_follow_up() -> None:
    trial = _rogers()
    assert trial.baseline is None and trial.no_baseline
    assert [(t.id, t.label, t.baseline) for t in trial.timepoints] == [
        ("pre_test_to_post_test", "Pre-test to post-test", False)]
    assert "no baseline printed" in trial.describe()
    assert "no baseline printed" in trial._repr_html_()


def test_rogers_within_is_empty_and_says_why() -> None:
    with pytest.warns(UserWarning, match="no within-arm change from baseline: the table "
                                         "prints no baseline"):
        w = within(_rogers())
    assert w.empty
    assert {"outcome", "arm", "measure", "estimate"} <= set(w.columns)


def test_rogers_between_compares_the_arms_at_the_printed_timepoint() -> None:
    """BBT: VR 41.5 (15.7), n = 10 vs TAU 20.5 (11.7), n = 11 (Table 4)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "r = 0.5 assumed" warning: no change is computed
        b = between(_rogers(), outcome="bbt_totala")
    assert set(b["measure"]) == {"mean_difference", "hedges_g", "ratio_of_means"}
    assert set(b["timepoint"]) == {"pre_test_to_post_test"}
    md = b[b["measure"] == "mean_difference"].iloc[0]
    # Hand: 41.5 - 20.5 = 21.0; Welch SE = sqrt(15.7^2/10 + 11.7^2/11) = sqrt(37.0935) = 6.0905.
    assert md["estimate"] == pytest.approx(21.0, abs=1e-12)
    assert md["se"] == pytest.approx(math.sqrt(15.7**2 / 10 + 11.7**2 / 11), rel=1e-12)
    assert md["se"] == pytest.approx(6.0905, abs=1e-4)
    g = b[b["measure"] == "hedges_g"].iloc[0]
    # Hand: pooled SD sqrt((9 x 15.7^2 + 10 x 11.7^2) / 19) = 13.7407, d = 21 / 13.7407 =
    # 1.5283; exact J(19) = Gamma(9.5) / (sqrt(9.5) Gamma(9)) (Hedges 1981) = 0.95991
    # (the approximation 1 - 3 / (4 x 19 - 1) = 0.96).
    sp = math.sqrt((9 * 15.7**2 + 10 * 11.7**2) / 19)
    j = math.gamma(9.5) / (math.sqrt(9.5) * math.gamma(9.0))
    assert j == pytest.approx(0.95991, abs=1e-5)
    assert g["estimate"] == pytest.approx(21.0 / sp * j, rel=1e-9)
    assert g["estimate"] == pytest.approx(1.4670, abs=1e-4)


def test_rogers_baseline_balance_cannot_check() -> None:
    res = baseline_balance(_rogers())
    assert res.empty
    assert res.attrs["cannot"].startswith("cannot check: the table prints no baseline")


def test_rogers_check_keeps_the_verdicts_and_names_the_timepoint() -> None:
    """t = 3.49, p = 0.002 (BBT) and t = 2.45, p = 0.02 (NFI) are reproduced by Student's t:
    pooled t = 21.0 / (13.74 sqrt(1/10 + 1/11)) = 3.498 and 15.9 / (14.94 sqrt(...)) = 2.435,
    p = 0.0024 and 0.025 on 19 df (source.toml; redone with scipy below)."""
    from scipy import stats

    res = stats.ttest_ind_from_stats(41.5, 15.7, N1, 20.5, 11.7, N2, equal_var=True)
    assert res.statistic == pytest.approx(3.498, abs=5e-4)
    assert res.pvalue == pytest.approx(0.0024, abs=5e-5)
    table = check(_rogers())
    rp = table[table["check"].str.startswith("recompute_p")]
    assert len(rp) == 4
    assert set(rp["verdict"]) == {"consistent"}
    assert sorted(rp["reported"].str.extract(r"= ([\d.]+)")[0]) == ["0.002", "0.02", "2.45",
                                                                    "3.49"]
    for detail in rp["detail"]:
        assert "Student's t test at Pre-test to post-test" in detail
        assert "baseline" not in detail.lower()
    bal = table[table["check"] == "baseline_balance"]
    assert list(bal["verdict"]) == ["cannot check"]
    assert "the table prints no baseline" in bal["detail"].iloc[0]
    assert "inconsistent" not in set(table["verdict"])


def test_rogers_figures_forest_only_with_a_note() -> None:
    from trialkit.figures import figure_set

    with pytest.warns(UserWarning, match=r"figures left out \(trajectory, percent change, "
                                         r"change from baseline, sensitivity.*\): the table "
                                         r"prints no baseline"):
        figs = figure_set(_rogers())
    assert list(figs) == ["forest"]
    texts = [t.get_text() for t in figs["forest"].findobj(
        match=lambda a: hasattr(a, "get_text"))]
    assert any("at Pre-test to post-test" in t for t in texts)
    assert not any("favours" in t for t in texts)  # no direction declared
    import matplotlib.pyplot as plt

    for fig in figs.values():
        plt.close(fig)


# --- Rogers 2019 through the CLI --------------------------------------------------------------

@pytest.fixture
def rogers_file(tmp_path: Path) -> Path:
    """Rogers' table.tsv with a TOML file beside it that says baseline = false."""
    path = tmp_path / "rogers.tsv"
    shutil.copy(ROGERS / "table.tsv", path)
    path.with_suffix(".toml").write_text("baseline = false\n", encoding="utf-8")
    return path


def _run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_show_effects_check(capsys, rogers_file: Path) -> None:
    code, out, _ = _run(capsys, "show", str(rogers_file))
    assert code == 0 and "no baseline printed (every timepoint is a follow-up)" in out
    # Rogers prints the ranges as "19–75%": shown as printed, not as 19.00 and 75.00
    assert "19.00" not in out and re.search(r"15\.7\s+19\s+75\s", out)
    code, out, err = _run(capsys, "effects", str(rogers_file))
    assert code == 0
    assert "Within arms: change from baseline: none (the table prints no baseline)" in out
    assert "mean_difference" in out and "21.00" in out  # 41.5 - 20.5
    assert "assumed" not in out + err
    code, out, _ = _run(capsys, "check", str(rogers_file), "--strict")
    assert code == 0
    assert "6 consistent, 0 inconsistent, 1 cannot check" in out
    assert out.count("Student's t test at Pre-test to post-test") == 4
    assert "on the baseline values" not in out
    assert "the table prints no baseline" in out
    code, out, _ = _run(capsys, "show", str(rogers_file), "--format", "json")
    shown = json.loads(out)
    assert code == 0 and shown["no_baseline"] is True
    assert not any(t["baseline"] for t in shown["timepoints"])


def test_cli_baseline_option(capsys, tmp_path: Path) -> None:
    path = tmp_path / "rogers.tsv"
    shutil.copy(ROGERS / "table.tsv", path)
    code, out, err = _run(capsys, "check", str(path), "--baseline", "none")
    assert code == 0 and "at Pre-test to post-test" in out and "warning" not in err
    # Undeclared: today's rule (the only timepoint is the baseline), with a warning.
    code, out, err = _run(capsys, "check", str(path))
    assert code == 0 and "on the baseline values" in out
    assert "taken as the baseline (no baseline declared)" in err
    assert "--baseline none" in err
    code, _, err = _run(capsys, "check", "mejuto2014", "--baseline", "none")
    assert code == 2 and "--baseline describes a table file" in err
    assert len(err.strip().splitlines()) == 1


def test_cli_figures_and_report(capsys, rogers_file: Path, tmp_path: Path) -> None:
    out_dir = tmp_path / "figs"
    code, out, err = _run(capsys, "figures", str(rogers_file), "--out", str(out_dir))
    assert code == 0
    assert [Path(p).name for p in out.split()] == ["rogers_forest_slide.png"]
    assert "figures left out" in err and "the table prints no baseline" in err
    code, out, err = _run(capsys, "figures", str(rogers_file), "--out", str(out_dir),
                          "--style", "paper")
    assert code == 0 and [Path(p).name for p in out.split()] == ["rogers_forest_paper.png"]
    html = tmp_path / "r.html"
    code, _, _ = _run(capsys, "report", str(rogers_file), "--html", str(html), "--tables",
                      str(tmp_path / "tables"))
    assert code == 0
    text = html.read_text(encoding="utf-8")
    assert "no baseline printed" in text
    assert "Student&#39;s t test at Pre-test to post-test" in text or \
        "Student's t test at Pre-test to post-test" in text
    assert (tmp_path / "tables" / "rogers_between.csv").is_file()
    assert not (tmp_path / "tables" / "rogers_within.csv").exists()


# --- a post-only table typed in ---------------------------------------------------------------

POST_ONLY = textwrap.dedent("""\
    outcome\ttimepoint\tNeedling (n=9)\tWaiting list (n=8)\tp
    Pain\t6 weeks\t2.10 (1.50)\t5.40 (1.40)\t<0.001
    """)


def test_post_only_table() -> None:
    """Student's t by hand: sp^2 = (8 x 1.5^2 + 7 x 1.4^2) / 15 = 2.11467, SE = sqrt(2.11467)
    x sqrt(1/9 + 1/8) = 0.70661, t = -3.3 / 0.70661 = -4.670 on 15 df, p = 0.0003 (< 0.001)."""
    from scipy import stats

    trial = trialkit.from_table(POST_ONLY, baseline=False)
    assert trial.no_baseline and [t.id for t in trial.timepoints] == ["6_weeks"]
    sp2 = (8 * 1.5**2 + 7 * 1.4**2) / 15
    t = (2.10 - 5.40) / (math.sqrt(sp2) * math.sqrt(1 / 9 + 1 / 8))
    assert t == pytest.approx(-4.670, abs=5e-4)
    p = 2 * stats.t.sf(abs(t), 15)
    assert p < 0.001
    table = check(trial)
    rp = table[table["check"].str.startswith("recompute_p")].iloc[0]
    assert rp["verdict"] == "consistent"
    assert "at 6 weeks" in rp["detail"] and "baseline" not in rp["detail"].lower()
    b = between(trial)
    md = b[b["measure"] == "mean_difference"].iloc[0]
    assert md["estimate"] == pytest.approx(-3.3, abs=1e-12)
    assert baseline_balance(trial).attrs["cannot"].startswith("cannot check")


def test_post_only_without_a_timepoint_column_is_one_follow_up() -> None:
    text = "outcome\tA (n=5)\tB (n=5)\nPain\t2.0 (1.0)\t3.0 (1.0)\n"
    trial = trialkit.from_table(text, baseline=False)
    assert [(t.id, t.label) for t in trial.timepoints] == [("follow_up", "Follow-up")]
    assert trial.no_baseline
    # Not declared, a table without a timepoint column stays a baseline table (unchanged).
    base = trialkit.from_table(text)
    assert base.baseline == "baseline" and not base.no_baseline


def test_no_baseline_with_a_printed_change_row() -> None:
    """A printed change (mean 3.3, SD 1.2, n = 9) still gives the within-arm change: SE =
    1.2 / sqrt(9) = 0.4, with no correlation needed."""
    text = textwrap.dedent("""\
        outcome\ttimepoint\tA (n=9)\tB (n=9)
        Pain\t6 weeks\t2.1 (1.5)\t5.4 (1.4)
        Pain\tChange\t-3.3 (1.2)\t-0.4 (1.3)
        """)
    trial = trialkit.from_table(text, baseline=False)
    assert set(trial.changes["timepoint"]) == {"6_weeks"}
    w = within(trial)
    mc = w[(w["arm"] == "a") & (w["measure"] == "mean_change")].iloc[0]
    assert mc["estimate"] == pytest.approx(-3.3, abs=1e-12)
    assert mc["se"] == pytest.approx(0.4, abs=1e-12)


# --- the rule when nothing is declared, and the error cases ----------------------------------

TWO = textwrap.dedent("""\
    outcome\ttimepoint\tA (n=9)\tB (n=8)
    Pain\t{first}\t6.1 (1.2)\t5.9 (1.3)
    Pain\t{second}\t2.1 (1.5)\t5.4 (1.4)
    """)


def test_two_timepoints_undeclared_first_is_the_baseline() -> None:
    """Decision: tables print time in order, so the first timepoint is the baseline (as
    before); a label that reads as one gives no warning, one that does not is warned."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        trial = trialkit.from_table(TWO.format(first="Baseline", second="6 weeks"))
    assert trial.baseline == "baseline" and not trial.no_baseline
    with pytest.warns(UserWarning, match="first timepoint 'Week 6' is taken as the baseline"):
        trial = trialkit.from_table(TWO.format(first="Week 6", second="Week 12"))
    assert trial.baseline == "week_6"


def test_two_timepoints_declared_without_baseline_are_both_follow_ups() -> None:
    trial = trialkit.from_table(TWO.format(first="Week 6", second="Week 12"), baseline=False)
    assert trial.baseline is None and [t.id for t in trial.timepoints] == ["week_6", "week_12"]
    b = between(trial)
    md = b[b["measure"] == "mean_difference"].set_index("timepoint")["estimate"]
    assert md.to_dict() == pytest.approx({"week_6": 6.1 - 5.9, "week_12": 2.1 - 5.4})
    with pytest.warns(UserWarning, match="no within-arm change"):
        assert within(trial).empty
    from trialkit.figures import figure_set

    with pytest.warns(UserWarning, match=r"figures left out \(percent change"):
        figs = figure_set(trial)
    assert sorted(figs) == ["forest", "trajectory_pain"]
    import matplotlib.pyplot as plt

    for fig in figs.values():
        plt.close(fig)


def test_single_timepoint_undeclared_keeps_todays_rule_with_a_warning() -> None:
    with pytest.warns(UserWarning, match="only timepoint 'Post-treatment' is taken as the "
                                         "baseline"):
        trial = trialkit.from_table(POST_ONLY.replace("6 weeks", "Post-treatment"))
    assert trial.baseline == "post_treatment"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        trialkit.from_table(POST_ONLY.replace("6 weeks", "Baseline"))


def test_no_timepoint_column_undeclared_is_taken_as_baseline_with_a_warning() -> None:
    # a table with no timepoint column says nothing about when its values were measured:
    # taking them as baseline values (today's rule) is an assumption, and it is said
    text = "outcome\tA (n=5)\tB (n=5)\nPain\t2.0 (1.0)\t3.0 (1.0)\n"
    with pytest.warns(UserWarning, match="no timepoint column, so its values are taken as "
                                         "baseline values"):
        trial = trialkit.from_table(text)
    assert trial.baseline == "baseline"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert trialkit.from_table(text, baseline=False).baseline is None


@pytest.mark.parametrize("value", [True, 0, "", "  "])
def test_baseline_argument_must_be_a_label_or_false(value: object) -> None:
    with pytest.raises(trialkit.TrialDataError, match="or False when the table prints no "
                                                      "baseline") as info:
        trialkit.from_table(POST_ONLY, baseline=value)  # type: ignore[arg-type]
    assert info.value.field == "baseline"


def test_table_toml_baseline(tmp_path: Path) -> None:
    path = tmp_path / "post.tsv"
    path.write_text(POST_ONLY, encoding="utf-8")
    path.with_suffix(".toml").write_text("baseline = false\n", encoding="utf-8")
    assert trialkit.from_table(path).no_baseline
    # The argument wins over the file.
    assert trialkit.from_table(path, baseline="6 weeks").baseline == "6_weeks"
    path.with_suffix(".toml").write_text("baseline = 3\n", encoding="utf-8")
    with pytest.raises(trialkit.TrialDataError) as info:
        trialkit.from_table(path)
    assert info.value.file == "post.toml" and info.value.field == "baseline"


# --- trial.toml ---------------------------------------------------------------------------

def _folder(make_trial, toml_edit, summary: str | None = None) -> Path:
    from conftest import SUMMARY, TOML

    return make_trial(toml=toml_edit(TOML), summary=summary or SUMMARY)


POST_SUMMARY = textwrap.dedent("""\
    outcome,arm,timepoint,n,mean,sd,source
    pain,treat,post,10,3.40,1.50,Table 2
    pain,control,post,10,5.20,1.40,Table 2
    """)


def _no_baseline_toml(toml: str) -> str:
    head, rest = toml.split("[data]", 1)
    rest = rest.replace('[[timepoints]]\nid = "pre"\nlabel = "Baseline"\norder = 0\n'
                        'baseline = true\n\n', "")
    return head + "baseline = false\n\n[data]" + rest


def test_trial_folder_with_baseline_false(make_trial) -> None:
    folder = _folder(make_trial, _no_baseline_toml, POST_SUMMARY)
    trial = trialkit.read_trial(folder)
    assert trial.no_baseline and [t.id for t in trial.timepoints] == ["post"]
    b = between(trial)
    md = b[b["measure"] == "mean_difference"].iloc[0]
    # Hand: 3.40 - 5.20 = -1.80; Welch SE = sqrt(1.5^2/10 + 1.4^2/10) = sqrt(0.421) = 0.64885.
    assert md["estimate"] == pytest.approx(-1.80, abs=1e-12)
    assert md["se"] == pytest.approx(0.64885, abs=1e-5)
    assert md["favours"] == "treat"  # lower is better, and treat is lower


def test_trial_toml_errors(make_trial) -> None:
    # baseline = false with a timepoint still marked baseline = true
    folder = _folder(make_trial, lambda t: t.replace("[data]", "baseline = false\n\n[data]"))
    with pytest.raises(trialkit.TrialDataError, match="'pre' has baseline = true"):
        trialkit.read_trial(folder)
    # baseline = true at the top level means nothing
    folder = _folder(make_trial, lambda t: t.replace("[data]", "baseline = true\n\n[data]"))
    with pytest.raises(trialkit.TrialDataError, match="not a top-level key"):
        trialkit.read_trial(folder)
    # neither: a forgotten flag is not read as "no baseline"
    folder = _folder(make_trial, lambda t: t.replace("baseline = true\n", ""), POST_SUMMARY)
    with pytest.raises(trialkit.TrialDataError, match="or baseline = false at the top level"):
        trialkit.read_trial(folder)


def test_figures_of_a_table_with_only_a_baseline(capsys, tmp_path: Path) -> None:
    """A table whose only timepoint is its baseline (declared or by default) has nothing to
    compare at follow-up: its figures are the means by arm, not a failed forest plot (before,
    'trialkit figures' exited 2 with "forest: no rows with measure='hedges_g'")."""
    path = tmp_path / "rogers.tsv"
    shutil.copy(ROGERS / "table.tsv", path)
    code, out, err = _run(capsys, "figures", str(path), "--out", str(tmp_path / "f"),
                          "--baseline", "Pre-test to post-test")
    assert code == 0, err
    assert sorted(Path(p).name for p in out.split()) == [
        "rogers_trajectory_bbt_totala_slide.png", "rogers_trajectory_nfi_totala_slide.png"]


def test_three_arms_post_only_anova_names_the_timepoint() -> None:
    """One-way ANOVA by hand: means 2, 3, 4 (SD 1, n = 10 each), grand mean 3; SSB = 10 x
    (1 + 0 + 1) = 20 on 2 df, MSB = 10; MSW = 1 (every SD 1) on 27 df; F = 10.00."""
    text = ("outcome\ttimepoint\tA (n=10)\tB (n=10)\tC (n=10)\tF\n"
            "Pain\tPost-treatment\t2.0 (1.0)\t3.0 (1.0)\t4.0 (1.0)\t10.00\n")
    table = check(trialkit.from_table(text, baseline=False))
    row = table[table["check"] == "recompute_p: F"].iloc[0]
    assert row["verdict"] == "consistent"
    assert "one-way ANOVA at Post-treatment" in row["detail"]
    assert "follow-up" not in row["detail"] and "baseline" not in row["detail"].lower()
