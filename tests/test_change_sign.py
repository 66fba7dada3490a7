"""Change rows printed as baseline minus follow-up: declared, negated at load, said so.

Hahm et al. 2020 (tests/data/published/hahm2020_mud, Table 2) print each arm's "Difference
pre-post" as a magnitude: pain as pre minus post (4.9 - 2.0 = 2.9), pressure thresholds (PPT)
as post minus pre (8.7 - 4.8 = 3.9). Declared per outcome, the pain change rows are stored as
follow-up minus baseline, so that the difference in change and the ANCOVA on the levels point
the same way. The expected numbers are read off the printed table or worked by hand (in the
comments); none comes from trialkit.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import trialkit
from trialkit import analysis
from trialkit.cells import parse_number
from trialkit.checks import change_vs_levels, check
from trialkit.cli import main
from trialkit.tables.signs import negate_text, parse_change

HAHM = Path(__file__).parent / "data" / "published" / "hahm2020_mud" / "table.tsv"
PAIN = ("pain_intensity_at_rest", "pain_intensity_during_movement")
#: Per outcome, the declaration of Hahm's Table 2: pain pre minus post, PPT post minus pre.
HAHM_TOML = """\
[outcomes."Pain intensity at rest"]
change = "baseline_minus_followup"
[outcomes."Pain intensity during movement"]
change = "baseline minus follow-up"
[outcomes."PPT L1-M"]
change = "followup_minus_baseline"
"""


@pytest.fixture
def hahm_file(tmp_path: Path) -> Path:
    """Hahm's table.tsv with a TOML file beside it declaring the pain changes reversed."""
    path = tmp_path / "hahm.tsv"
    shutil.copy(HAHM, path)
    path.with_suffix(".toml").write_text(HAHM_TOML, encoding="utf-8")
    return path


def _changes(trial: trialkit.Trial) -> dict[tuple[str, str], tuple[float, float]]:
    return {(r.outcome, r.arm): (r.mean, r.sd) for r in trial.changes.itertuples()}


def test_hahm_pain_changes_are_stored_negated_ppt_as_printed(hahm_file: Path) -> None:
    trial = trialkit.from_table(hahm_file)
    got = _changes(trial)
    # Printed (Table 2): pain at rest 2.9 ± 1.9 and 1.6 ± 1.3; during movement 3.8 ± 2.1 and
    # 2.6 ± 1.5 (pre minus post); PPT L1-M 3.9 ± 2.4 and 2.2 ± 3.8, PPT L3-L 5.1 ± 3.7 and
    # 1.8 ± 2.4 (post minus pre). Stored: pain negated, SDs kept; PPT as printed.
    assert got[PAIN[0], "intervention"] == (-2.9, 1.9)
    assert got[PAIN[0], "control"] == (-1.6, 1.3)
    assert got[PAIN[1], "intervention"] == (-3.8, 2.1)
    assert got[PAIN[1], "control"] == (-2.6, 1.5)
    assert got["ppt_l1_m", "intervention"] == (3.9, 2.4)
    assert got["ppt_l1_m", "control"] == (2.2, 3.8)
    assert got["ppt_l3_l", "intervention"] == (5.1, 3.7)
    assert got["ppt_l3_l", "control"] == (1.8, 2.4)
    ch = trial.changes.set_index(["outcome", "arm"])
    rest = ch.loc[(PAIN[0], "intervention")]
    # The printed cell stays available, and the row says it was negated and why.
    assert rest["printed"] == "2.9 ± 1.9" and rest["mean_text"] == "-2.9"
    assert "printed as baseline minus follow-up, '2.9 ± 1.9'; negated at load" in rest["source"]
    assert "negated(printed baseline_minus_followup)" in rest["method"]
    ppt = ch.loc[("ppt_l1_m", "intervention")]
    assert ppt["printed"] == "" and "negated" not in ppt["source"] + ppt["method"]
    notes = " ".join(trial.meta.data["notes"])
    assert "Pain intensity at rest, Pain intensity during movement are printed as baseline " \
           "minus follow-up" in notes and "negated at load" in notes
    assert "PPT" not in notes
    # The levels are not touched: Pre 4.9, Post 2.0 in the intervention arm.
    s = trial.summary.set_index(["outcome", "arm", "timepoint"])
    assert s.loc[(PAIN[0], "intervention", "pre"), "mean"] == 4.9
    assert s.loc[(PAIN[0], "intervention", "post"), "mean"] == 2.0


def test_hahm_declared_changes_agree_with_levels(hahm_file: Path) -> None:
    trial = trialkit.from_table(hahm_file)
    res = change_vs_levels(trial).set_index(["outcome", "arm"])
    pain = res.loc[[PAIN[0], PAIN[1]]]
    assert pain["agrees"].all() and not pain["agrees_reversed"].any()
    assert pain["negated"].all() and not res.loc["ppt_l1_m", "negated"].any()
    # By hand: 2.0 - 4.9 lies in [1.95 - 4.95, 2.05 - 4.85] = [-3.0, -2.8], and the stored
    # -2.9 (rounding box [-2.95, -2.85]) is inside it; printed texts kept as printed.
    rest = res.loc[(PAIN[0], "intervention")]
    assert round(rest["difference_low"], 3) == -3.0 and round(rest["difference_high"], 3) == -2.8
    assert rest["printed"] == ("4.9", "2.0", "2.9") and rest["stored"] == "-2.9"
    rows = check(trial)
    rows = rows[rows["check"] == "change_vs_levels"].set_index(["outcome", "arm"])
    assert (rows.loc[[PAIN[0], PAIN[1]], "verdict"] == "consistent").all()
    detail = rows.loc[(PAIN[0], "intervention"), "detail"]
    assert detail.startswith("The printed change 2.9 (baseline minus follow-up, as declared; "
                             "stored as -2.9) agrees with the levels: 2.0 - 4.9")
    assert "sign reversed" not in " ".join(rows["detail"])


def test_hahm_difference_in_change_and_ancova_agree_in_sign(hahm_file: Path) -> None:
    declared = analysis.between(trialkit.from_table(hahm_file), r=0.5)
    undeclared = analysis.between(trialkit.from_table(HAHM), r=0.5)

    def est(frame, outcome, measure):
        row = frame[(frame["outcome"] == outcome) & (frame["measure"] == measure)]
        return row.iloc[0]

    # Pain at rest, intervention - control. By hand: difference in change (-2.9) - (-1.6)
    # = -1.3; Welch se = sqrt(1.9^2/16 + 1.3^2/15) = 0.58163, df = 26.61, t(0.975) = 2.05323
    # (scipy.stats.t.ppf), CI -1.3 -/+ 1.19423 = [-2.4942, -0.1058]. Follow-up difference
    # 2.0 - 3.4 = -1.4; the baselines are equal (4.9, 4.9), so the ANCOVA's adjusted
    # difference is -1.4 whatever the slope.
    dc = est(declared, PAIN[0], "diff_in_change")
    assert dc["estimate"] == pytest.approx(-1.3, abs=1e-9)
    assert (dc["ci_low"], dc["ci_high"]) == pytest.approx((-2.4942, -0.1058), abs=1e-4)
    assert "negated(printed baseline_minus_followup)" in dc["method"]
    an = est(declared, PAIN[0], "ancova")
    assert an["estimate"] == pytest.approx(-1.4, abs=1e-9)
    assert est(declared, PAIN[0], "mean_difference")["estimate"] == pytest.approx(-1.4)
    # Undeclared, the printed sign gives +1.3 against the ANCOVA's -1.4 (the contradiction).
    assert est(undeclared, PAIN[0], "diff_in_change")["estimate"] == pytest.approx(1.3)
    # During movement: (-3.8) - (-2.6) = -1.2; follow-up 2.3 - 3.4 = -1.1, baselines 6.1 and
    # 6.0: ANCOVA -1.1 - b 0.1 < 0 for any slope b in [0, 1]. PPT L1-M (not negated):
    # 3.9 - 2.2 = 1.7; follow-up 8.7 - 7.1 = 1.6, baselines 4.8 and 4.9: 1.6 + 0.1 b > 0.
    assert est(declared, PAIN[1], "diff_in_change")["estimate"] == pytest.approx(-1.2)
    assert est(declared, PAIN[1], "ancova")["estimate"] < 0
    assert est(declared, "ppt_l1_m", "diff_in_change")["estimate"] == pytest.approx(1.7)
    assert est(declared, "ppt_l1_m", "ancova")["estimate"] > 0
    for outcome in (*PAIN, "ppt_l1_m", "ppt_l3_l"):
        signs = {est(declared, outcome, m)["estimate"] > 0
                 for m in ("diff_in_change", "ancova", "mean_difference")}
        assert len(signs) == 1, outcome


# --- where it may be declared, and what it does to other spreads --------------------------------

TABLE = ("outcome\ttimepoint\tA (n=16)\tB (n=15)\n"
         "Pain\tPre\t4.9 (1.4)\t4.9 (1.5)\n"
         "Pain\tPost\t2.0 (1.1)\t3.4 (1.4)\n"
         "Pain\tChange\t2.9 (1.9)\t1.6 (1.3)\n")


def _with_column(pre: str, post: str, change: str) -> str:
    """TABLE with a ``change`` column holding these cells (one per row)."""
    rows = TABLE.splitlines()
    cells = ["change", pre, post, change]
    return "".join(f"{r}\t{c}\n" for r, c in zip(rows, cells, strict=True))


def test_table_wide_argument_file_column_and_precedence(tmp_path: Path) -> None:
    means = {"A": -2.9, "B": -1.6}
    for trial in (trialkit.from_table(TABLE, change="baseline_minus_followup"),
                  trialkit.from_table(TABLE, outcomes={"Pain": {"change": "pre_minus_post"}})):
        assert dict(zip(trial.changes["arm"].str.upper(), trial.changes["mean"],
                        strict=True)) == means
    path = tmp_path / "pain.tsv"
    path.write_text(TABLE, encoding="utf-8")
    path.with_suffix(".toml").write_text('change = "baseline_minus_followup"\n', "utf-8")
    assert list(trialkit.from_table(path).changes["mean"]) == [-2.9, -1.6]
    # An outcome's own declaration wins over the table-wide one; the argument over the file.
    assert list(trialkit.from_table(path, outcomes={"Pain": {
        "change": "followup_minus_baseline"}}).changes["mean"]) == [2.9, 1.6]
    assert list(trialkit.from_table(path, change="followup_minus_baseline")
                .changes["mean"]) == [2.9, 1.6]
    column = _with_column("-", "-", "baseline minus follow-up")
    assert list(trialkit.from_table(column).changes["mean"]) == [-2.9, -1.6]
    # Undeclared: as printed (never flipped silently).
    assert list(trialkit.from_table(TABLE).changes["mean"]) == [2.9, 1.6]


def test_a_declaration_with_no_change_rows_warns() -> None:
    levels_only = "".join(TABLE.splitlines(keepends=True)[:3])
    with pytest.warns(UserWarning, match="no change rows: nothing was negated"):
        trial = trialkit.from_table(levels_only, change="baseline_minus_followup")
    assert trial.changes.empty or "mean" not in trial.changes or trial.changes["mean"].empty


def test_ci_percent_and_quantile_cells_are_reversed_as_intervals() -> None:
    ci = TABLE.replace("2.9 (1.9)", "2.9 [1.9, 3.9]").replace("1.6 (1.3)", "1.6 [0.9, 2.3]")
    ci = ci.replace("(1.4)\t4.9 (1.5)", "[4.2, 5.6]\t4.9 [4.1, 5.7]").replace(
        "2.0 (1.1)\t3.4 (1.4)", "2.0 [1.4, 2.6]\t3.4 [2.6, 4.2]")
    trial = trialkit.from_table(ci, spread="ci95", change="baseline_minus_followup")
    a = trial.changes.set_index("arm").loc["a"]
    # [1.9, 3.9] around 2.9 becomes [-3.9, -1.9] around -2.9; the SD from the CI's width is
    # unchanged: sqrt(16) (3.9 - 1.9) / (2 t(0.975, 15)) = 4 x 2 / (2 x 2.13145) = 1.87666.
    assert (a["mean"], a["ci_low"], a["ci_high"]) == (-2.9, -3.9, -1.9)
    assert a["sd"] == pytest.approx(1.87666, abs=1e-5)
    assert a["printed"] == "2.9 [1.9, 3.9]"
    pct = TABLE.replace("2.9 (1.9)", "12.5% (4.1%)").replace("1.6 (1.3)", "8.0% (3.0%)")
    pct = pct.replace("Pain\tPre\t4.9 (1.4)\t4.9 (1.5)", "Pain\tPre\t49% (14%)\t49% (15%)")
    pct = pct.replace("2.0 (1.1)\t3.4 (1.4)", "36.5% (11%)\t41% (14%)")
    b = trialkit.from_table(pct, change="baseline_minus_followup").changes.set_index("arm")
    # Printed 12.5% (4.1%) as a fall: stored -12.5, SD 4.1, unit "%".
    assert (b.loc["a", "mean"], b.loc["a", "sd"], b.loc["a", "mean_text"]) == (-12.5, 4.1,
                                                                                "-12.5")
    iqr = TABLE.replace("2.9 (1.9)", "3 (1-5)").replace("1.6 (1.3)", "2 (1-3)")
    iqr = iqr.replace("4.9 (1.4)\t4.9 (1.5)", "5 (4-6)\t5 (4-6)").replace(
        "2.0 (1.1)\t3.4 (1.4)", "2 (1-3)\t3 (2-4)")
    with pytest.warns(UserWarning, match="assume normally distributed"):
        q = trialkit.from_table(iqr, spread="iqr", change="baseline_minus_followup").changes
    q = q.set_index("arm").loc["a"]
    # Median 3 with quartiles [1, 5] becomes median -3 with quartiles [-5, -1].
    assert (q["median"], q["q1"], q["q3"]) == (-3, -5, -1)
    with pytest.warns(UserWarning, match="assume normally distributed"):
        same = trialkit.from_table(iqr, spread="iqr").changes.set_index("arm").loc["a"]
    assert q["mean"] == pytest.approx(-same["mean"]) and q["sd"] == pytest.approx(same["sd"])


# --- bad declarations ---------------------------------------------------------------------------

@pytest.mark.parametrize(("toml", "field"), [
    ('change = "pre-post"\n', "change"),
    ('change = 1\n', "change"),
    ('[outcomes.Pain]\nchange = "sideways"\n', "outcomes['Pain'].change"),
])
def test_bad_declaration_in_the_toml_file(tmp_path: Path, toml: str, field: str) -> None:
    path = tmp_path / "pain.tsv"
    path.write_text(TABLE, encoding="utf-8")
    path.with_suffix(".toml").write_text(toml, encoding="utf-8")
    with pytest.raises(trialkit.TrialDataError) as info:
        trialkit.from_table(path)
    assert info.value.file == "pain.toml" and info.value.field == field
    assert len(info.value.errors) == 1
    assert "expected 'followup_minus_baseline'" in str(info.value)


def test_bad_declaration_as_argument_or_column() -> None:
    with pytest.raises(trialkit.TrialDataError, match="field 'change': expected") as info:
        trialkit.from_table(TABLE, change="reversed")
    assert info.value.field == "change"
    with pytest.raises(trialkit.TrialDataError) as info:
        trialkit.from_table(TABLE, outcomes={"Pain": {"change": True}})
    assert info.value.field == "outcomes['Pain'].change"
    bad = _with_column("-", "-", "upside down")
    with pytest.raises(trialkit.TrialDataError) as info:
        trialkit.from_table(bad)
    assert (info.value.file, info.value.row, info.value.field) == ("pasted table", 3, "change")
    mixed = _with_column("pre minus post", "-", "post minus pre")
    with pytest.raises(trialkit.TrialDataError, match="rows must agree"):
        trialkit.from_table(mixed)


def test_parse_change_words() -> None:
    assert parse_change("Baseline minus follow-up") == "baseline_minus_followup"
    assert parse_change("FOLLOWUP_MINUS_BASELINE") == "followup_minus_baseline"
    assert parse_change("") is None and parse_change(None) is None
    with pytest.raises(trialkit.TrialDataError, match="got 'minus'"):
        parse_change("minus")


@given(st.decimals(min_value=-1000, max_value=1000, places=3, allow_nan=False))
def test_negate_text_reverses_the_sign_and_keeps_the_digits(value) -> None:
    text = f"{value:f}"
    out = negate_text(text)
    assert parse_number(out) == -parse_number(text)
    assert out.lstrip("-") == text.lstrip("-")
    assert negate_text(out) == (text if value != 0 else text.lstrip("-"))


# --- the undeclared case: the check's sentence names the declaration ----------------------------

def test_undeclared_reversed_change_names_the_declaration() -> None:
    rows = check(trialkit.from_table(TABLE))
    detail = rows[(rows["check"] == "change_vs_levels") & (rows["arm"] == "a")]["detail"].iloc[0]
    assert "agrees with the levels with its sign reversed (4.9 - 2.0)" in detail
    assert 'Declare change = "baseline_minus_followup" for \'Pain\'' in detail
    assert '[outcomes."Pain"]' in detail and '--change "Pain=baseline_minus_followup"' in detail


def test_wrong_declaration_is_inconsistent_and_says_so() -> None:
    # PPT L1-M prints post minus pre (8.7 - 4.8 = 3.9); declared reversed by mistake, the
    # stored -3.9 contradicts the levels, and the sentence says to remove the declaration.
    trial = trialkit.from_table(HAHM, outcomes={"PPT L1-M": {"change": "baseline_minus_followup"}})
    rows = check(trial)
    rows = rows[(rows["check"] == "change_vs_levels") & (rows["outcome"] == "ppt_l1_m")]
    assert (rows["verdict"] == "inconsistent").all()
    assert "remove the declaration for 'PPT L1-M'" in rows["detail"].iloc[0]


# --- the command line ----------------------------------------------------------------------------

def _run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_change_option_and_toml(capsys, hahm_file: Path, tmp_path: Path) -> None:
    code, out, _ = _run(capsys, "effects", str(hahm_file), "--outcome", PAIN[0])
    assert code == 0
    # (-2.9) - (-1.6) = -1.3 and the ANCOVA -1.4, as above; no +1.30 anywhere.
    assert "diff_in_change   -1.30" in out and "ancova           -1.40" in out
    assert " 1.30 " not in out
    bare = tmp_path / "bare.tsv"
    shutil.copy(HAHM, bare)
    code, out, _ = _run(capsys, "effects", str(bare), "--outcome", PAIN[0],
                        "--change", "Pain intensity at rest=baseline_minus_followup")
    assert code == 0 and "diff_in_change   -1.30" in out
    code, out, _ = _run(capsys, "check", str(bare), "--change",
                        "Pain intensity at rest=baseline_minus_followup,"
                        "Pain intensity during movement=baseline_minus_followup")
    assert code == 0 and "sign reversed" not in out
    code, out, _ = _run(capsys, "check", str(bare))
    assert code == 0 and "--change" in out  # the sentence names the option
    with pytest.raises(SystemExit) as info:  # a usage error, as argparse reports them
        main(["check", str(bare), "--change", "pain=upside-down"])
    err = capsys.readouterr().err
    assert info.value.code == 2 and "expected 'followup_minus_baseline'" in err
    assert len(err.strip().splitlines()) == 1
    code, _, err = _run(capsys, "check", "mejuto2014", "--change", "baseline_minus_followup")
    assert code == 2 and "--change describes a table file" in err
    assert len(err.strip().splitlines()) == 1
    code, _, err = _run(capsys, "check", str(bare), "--change", "nosuch=baseline_minus_followup")
    assert code == 2 and "--change: unknown outcome 'nosuch'" in err


def test_sensitivity_figure_says_the_changes_were_negated(hahm_file: Path) -> None:
    import matplotlib.pyplot as plt

    from trialkit.figures import figure_set

    figs = figure_set(trialkit.from_table(hahm_file), outcome=PAIN[0])
    try:
        fig = figs[f"sensitivity_{PAIN[0]}"]
        texts = " ".join(t.get_text() for t in fig.findobj(plt.Text))
        assert "prints these changes as baseline minus follow-up" in " ".join(texts.split())
        # The printed-change line sits at (-2.9) - (-1.6) = -1.3, the ANCOVA's side of 0.
        ax = fig.axes[0]
        flat = [line for line in ax.get_lines() if len(set(line.get_ydata())) == 1
                and len(line.get_ydata()) > 1]
        assert any(abs(line.get_ydata()[0] + 1.3) < 1e-9 for line in flat)
    finally:
        for f in figs.values():
            plt.close(f)
