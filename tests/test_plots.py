"""Plots draw the analysis frames faithfully, say what they show, and touch no global state."""

from __future__ import annotations

import filecmp
import warnings

import matplotlib
import numpy as np
import pytest

import trialkit
from trialkit import TrialDataError, plots
from trialkit.analysis import between, means, sensitivity, within

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def mejuto():
    return trialkit.load("mejuto2014")


@pytest.fixture(scope="module")
def frames(mejuto):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return {"means": means(mejuto), "within": within(mejuto, r=0.5),
                "between": between(mejuto, r=0.5),
                "sensitivity": sensitivity(mejuto, outcome="pain")}


def by_gid(ax, gid):
    found = [a for a in ax.get_children() if a.get_gid() == gid]
    found += [a for a in ax.lines if a.get_gid() == gid]
    return found


def texts(ax, gid=None):
    return [t.get_text() for t in ax.texts if gid is None or t.get_gid() == gid]


def test_trajectory_draws_the_means(frames):
    m = frames["means"]
    ax = plots.trajectory(m, "pain")
    line = next(ln for ln in ax.lines if ln.get_gid() == "trialkit-arm-trpdn")
    expected = m[(m["outcome"] == "pain") & (m["arm"] == "trpdn")]["estimate"].to_numpy()
    np.testing.assert_allclose(np.asarray(line.get_ydata(), dtype=float), expected)
    assert ax.get_ylabel() == "Neck pain intensity (NPRS) (points)"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Baseline", "10 minutes", "1 week"]
    assert any("lower is better" in t for t in texts(ax))
    assert by_gid(ax, "trialkit-illustrative")  # illustrative numbers are marked
    assert any("Dry needling" in t for t in texts(ax))


def test_trajectory_with_patient_lines_and_no_stamp():
    trial = trialkit.load("anorexia")
    ax = plots.trajectory(means(trial), ipd=trial.ipd)
    individual = [ln for ln in ax.lines if ln.get_gid() == "trialkit-individual"]
    assert len(individual) == 72  # one faint line per patient
    assert not by_gid(ax, "trialkit-illustrative")  # real data: no stamp


def test_percent_change_bars_and_labels(frames):
    w = frames["within"]
    ax = plots.percent_change(w, "pain", reference="waitlist")
    pc = w[(w["outcome"] == "pain") & (w["measure"] == "percent_change")]
    expected = pc[pc["arm"] == "trpdn"]["estimate"].to_numpy()
    heights = sorted(p.get_height() for c in ax.containers if hasattr(c, "patches")
                     for p in c.patches if c.get_label() == "Dry needling")
    np.testing.assert_allclose(sorted(heights), sorted(expected))
    # the labels answer the patient summary: pain down 33% then 66% with dry needling
    assert {"\u221233%", "\u221266%"} <= set(texts(ax, "trialkit-value"))
    assert ax.get_ylabel() == "Change from baseline (%)"


def test_forest_is_oriented_by_benefit(frames):
    b = frames["between"]
    ax = plots.forest(b, "hedges_g", thresholds={"10min": 0.56, "1wk": 1.34})
    line = next(ln for ln in ax.lines if ln.get_gid() == "trialkit-timepoint-10min")
    g = b[(b["measure"] == "hedges_g") & (b["timepoint"] == "10min")]
    sign = np.where(g["direction"] == "lower_is_better", -1, 1)
    xdata = np.asarray(line.get_xdata(), dtype=float)
    np.testing.assert_allclose(xdata, g["estimate"].to_numpy() * sign)
    assert (xdata > 0.56).all()  # every 10-minute effect favours dry needling
    favours = texts(ax, "trialkit-favours")
    assert favours == ["\u2190 favours Waiting list", "favours Dry needling \u2192"]
    assert len(ax.get_yticklabels()) == 10
    assert len([ln for ln in ax.lines if ln.get_gid() == "trialkit-threshold"]) == 2


def test_forest_rows_per_comparison():
    ax = plots.forest(between(trialkit.load("anorexia")), "mean_difference")
    labels = [t.get_text().replace("\n", " ") for t in ax.get_yticklabels()]
    assert labels == ["Cognitive behavioural treatment vs Control", "Family therapy vs Control"]
    line = next(ln for ln in ax.lines if ln.get_gid() == "trialkit-timepoint-post")
    # Welch mean differences at follow-up: CBT 85.70 - 81.11 = 4.59, FT 90.49 - 81.11 = 9.39
    np.testing.assert_allclose(np.asarray(line.get_xdata(), dtype=float), [4.5889, 9.3864],
                               atol=5e-4)


def test_rom_deltas_show_degrees_gained(frames):
    ax = plots.rom_deltas(frames["within"], "10min", reference="waitlist")
    labels = texts(ax, "trialkit-value")
    assert "+17.1\u00b0" in labels  # flexion: 55.6 - 38.5 degrees, by hand
    assert ax.get_xlabel() == "Change from baseline (degrees)"
    assert next(t.get_text() for t in ax.get_yticklabels()) == "Flexion"
    assert by_gid(ax, "trialkit-mdc")


def test_sensitivity_plot(frames):
    s = frames["sensitivity"]
    ax = plots.sensitivity(s, "pain", "10min")
    line = next(ln for ln in ax.lines if ln.get_gid() == "trialkit-measure-diff_in_change")
    np.testing.assert_allclose(np.asarray(line.get_xdata(), dtype=float),
                               [0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8])
    expected = s[(s["timepoint"] == "10min") & (s["measure"] == "diff_in_change")]
    np.testing.assert_allclose(np.asarray(line.get_ydata(), dtype=float),
                               expected.sort_values("r")["estimate"])


def test_plots_accept_ax_and_leave_global_state_alone(frames):
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure

    before = dict(matplotlib.rcParams)
    n_open = len(plt.get_fignums())
    fig = Figure()
    ax = fig.subplots()
    assert plots.trajectory(frames["means"], "pain", ax=ax) is ax
    plots.forest(frames["between"])
    assert dict(matplotlib.rcParams) == before
    assert len(plt.get_fignums()) == n_open  # nothing registered with pyplot


def test_styles_set_type_sizes(frames):
    small = plots.trajectory(frames["means"], "pain", style="paper")
    large = plots.trajectory(frames["means"], "pain", style="slide")
    assert small.figure.get_figwidth() == 3.5
    assert large.figure.get_figwidth() / large.figure.get_figheight() == pytest.approx(16 / 9,
                                                                                       abs=0.01)
    assert large.yaxis.label.get_fontsize() > 2 * small.yaxis.label.get_fontsize()


def test_bad_plot_input(frames):
    with pytest.raises(TrialDataError, match="pass outcome="):
        plots.trajectory(frames["means"])
    with pytest.raises(TrialDataError, match="no rows with outcome='itch'"):
        plots.percent_change(frames["within"], "itch")
    with pytest.raises(TrialDataError, match="style must be one of"):
        plots.trajectory(frames["means"], "pain", style="poster")


def test_figure_set_and_deterministic_files(mejuto, tmp_path):
    from trialkit.figures import figure_set, write_figures

    figs = figure_set(mejuto, style="slide")
    assert set(figs) == {"trajectory_pain", "trajectory_pressure_pain_threshold",
                         "trajectory_range_of_motion", "percent_change_pain",
                         "percent_change_pressure_pain_threshold", "forest", "rom_deltas",
                         "sensitivity_pain"}
    for name, fig in figs.items():
        stamps = [t for t in fig.texts if t.get_gid() == "trialkit-illustrative"]
        assert stamps, f"{name} lacks the illustrative stamp"
        footer = [t.get_text() for t in fig.texts if t.get_gid() == "trialkit-footer"]
        assert footer and "ILLUSTRATIVE" in footer[0] and "Source:" in footer[0]
    first = write_figures(mejuto, tmp_path / "a", formats=["svg", "pdf"], style="paper")
    second = write_figures(mejuto, tmp_path / "b", formats=["svg", "pdf", "png"],
                           style="paper")
    names = sorted(p.name for p in first)
    assert "mejuto2014_forest_paper.svg" in names
    for path in first:
        assert filecmp.cmp(path, tmp_path / "b" / path.name, shallow=False), path.name
    assert len(second) == len(first) * 3 // 2


def test_real_data_figures_carry_no_stamp(tmp_path):
    from trialkit.figures import figure_set

    figs = figure_set(trialkit.load("anorexia"), style="paper")
    for fig in figs.values():
        assert not [t for t in fig.texts if t.get_gid() == "trialkit-illustrative"]


# -- direction is declared or not claimed -----------------------------------------------------
# A typed-in 3-arm table: arm A has less pain and more range of motion than the control (better
# on both), arm B more pain and less range of motion (worse on both).
THREE_ARMS = ("outcome\ttimepoint\tA (n=10)\tB (n=10)\tControl (n=10)\n"
              "Pain\tBaseline\t6.0 (1.0)\t6.0 (1.0)\t6.0 (1.0)\n"
              "Pain\tWeek 4\t2.0 (1.0)\t6.5 (1.0)\t5.0 (1.0)\n"
              "Rotation\tBaseline\t50.0 (8.0)\t50.0 (8.0)\t50.0 (8.0)\n"
              "Rotation\tWeek 4\t62.0 (8.0)\t46.0 (8.0)\t50.0 (8.0)\n")
DECLARED = {"Pain": {"direction": "lower_is_better", "unit": "points"},
            "Rotation": {"direction": "higher_is_better", "unit": "degrees"}}


def forest_points(ax, tp="week_4"):
    """{tick label: x} of the effects drawn at one timepoint (one timepoint: y = row)."""
    line = next(ln for ln in ax.lines if ln.get_gid() == f"trialkit-timepoint-{tp}")
    ticks = {round(float(t), 6): lab.get_text().replace("\n", " ")
             for t, lab in zip(ax.get_yticks(), ax.get_yticklabels(), strict=True)}
    return {ticks[round(float(y), 6)]: float(x)
            for x, y in zip(line.get_xdata(), line.get_ydata(), strict=True)}


@pytest.mark.parametrize("arms", [3, 2])
def test_forest_right_favours_the_arm_in_every_row(arms):
    table = THREE_ARMS if arms == 3 else "\n".join(
        "\t".join(c for k, c in enumerate(line.split("\t")) if k != 3)
        for line in THREE_ARMS.splitlines())
    trial = trialkit.from_table(table, outcomes=DECLARED)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        ax = plots.forest(between(trial, r=0.5), "mean_difference")
    points = forest_points(ax)
    # By hand, arm minus control at week 4: pain A 2.0 - 5.0 = -3.0 (less pain: better, drawn
    # mirrored at +3.0), rotation A 62 - 50 = +12 (more motion: better, drawn at +12);
    # B: pain 6.5 - 5.0 = +1.5 (worse, drawn at -1.5), rotation 46 - 50 = -4 (worse, at -4).
    expected = {"Pain: A": 3.0, "Rotation: A": 12.0, "Pain: B": -1.5, "Rotation: B": -4.0}
    if arms == 2:
        expected = {"Pain": 3.0, "Rotation": 12.0}
    assert points == pytest.approx(expected)
    favours = texts(ax, "trialkit-favours")
    right = "favours the row's arm \u2192" if arms == 3 else "favours A \u2192"
    assert favours == ["\u2190 favours Control", right]
    assert not by_gid(ax, "trialkit-direction-unknown")


def test_forest_with_unknown_direction_claims_nothing():
    trial = trialkit.from_table(THREE_ARMS)  # no directions given
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        b = between(trial, r=0.5)
    ax = plots.forest(b, "mean_difference", thresholds={"week_4": 0.5})
    # Not mirrored: plain arm minus control, as computed by hand above.
    assert forest_points(ax) == pytest.approx({"Pain: A": -3.0, "Rotation: A": 12.0,
                                               "Pain: B": 1.5, "Rotation: B": -4.0})
    assert texts(ax, "trialkit-favours") == []
    assert not any("favour" in t for t in texts(ax))
    note = [" ".join(t.split()) for t in texts(ax, "trialkit-direction-unknown")]
    assert note == ["direction of benefit not given: effects are drawn as arm \u2212 "
                    "reference, none mirrored"]
    assert ax.get_xlabel() == "Mean difference (arm \u2212 reference), 95% CI"
    # a threshold lives on the oriented scale, which does not exist here
    assert not [ln for ln in ax.lines if ln.get_gid() == "trialkit-threshold"]


def test_forest_with_one_direction_missing_names_the_outcome():
    trial = trialkit.from_table(THREE_ARMS, outcomes={"Pain": DECLARED["Pain"]})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        ax = plots.forest(between(trial, r=0.5), "hedges_g")
    assert texts(ax, "trialkit-favours") == []
    assert [" ".join(t.split()) for t in texts(ax, "trialkit-direction-unknown")] == [
        "direction of benefit not given for Rotation: effects are drawn as arm \u2212 "
        "reference, none mirrored"]


def test_figure_set_without_directions_says_so(tmp_path):
    from trialkit.figures import figure_set

    trial = trialkit.from_table(THREE_ARMS)
    figs = figure_set(trial, style="slide")  # the slide style carries the footnotes
    for name, fig in figs.items():
        drawn = [t.get_text() for t in fig.texts]
        drawn += [t.get_text() for ax in fig.axes for t in ax.texts]
        assert not any("favour" in t.lower() and "not" not in t.lower() for t in drawn), name
        assert not any("improv" in t.lower() for t in drawn), name
    forest_footer = next(t.get_text() for t in figs["forest"].texts
                         if t.get_gid() == "trialkit-footer")
    assert "not given" in forest_footer and "mirrored" not in forest_footer


# -- figures for a user's table ---------------------------------------------------------------
def test_no_empty_unit_brackets():
    trial = trialkit.from_table(THREE_ARMS)  # no units given
    ax = plots.trajectory(means(trial), "pain")
    assert ax.get_ylabel() == "Pain"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        s = sensitivity(trial, outcome="pain")
    ax = plots.sensitivity(s, "pain", comparison="a-control")
    assert ax.get_ylabel() == "A minus Control"
    assert texts(plots.trajectory(means(trial), "rotation"), "trialkit-direction") == [
        "direction of benefit not given"]


def test_end_labels_do_not_overlap():
    # Three arms whose last means are 0.05 apart: their labels would sit on one another.
    table = ("outcome\ttimepoint\tA (n=10)\tB (n=10)\tC (n=10)\n"
             "Pain\tBaseline\t6.0 (1.0)\t6.0 (1.0)\t6.0 (1.0)\n"
             "Pain\tWeek 4\t4.00 (1.0)\t4.05 (1.0)\t4.10 (1.0)\n")
    m = means(trialkit.from_table(table))
    for style in ("paper", "slide"):
        ax = plots.trajectory(m, "pain", style=style)
        labels = [t for t in ax.texts if t.get_gid() == "trialkit-end-label"]
        assert len(labels) == 3
        ax.figure.draw_without_rendering()
        boxes = [t.get_window_extent() for t in labels]
        for i in range(3):
            for j in range(i + 1, 3):
                assert not boxes[i].overlaps(boxes[j]), (style, i, j)
        # and every label starts right of the last visit's intervals
        right = max(float(np.max(ln.get_xdata())) for ln in ax.lines
                    if str(ln.get_gid()).startswith("trialkit-arm-"))
        assert all(t.xy[0] >= right for t in labels)


def footer_of(fig):
    return next(t.get_text() for t in fig.texts if t.get_gid() == "trialkit-footer")


def test_footer_names_the_users_data(tmp_path):
    from trialkit.figures import figure_set

    pasted = trialkit.from_table(THREE_ARMS, outcomes=DECLARED)
    figs = figure_set(pasted, style="slide")
    assert " ".join(footer_of(figs["forest"]).split()).endswith("Data: pasted table.")
    path = tmp_path / "table3.tsv"
    path.write_text(THREE_ARMS, encoding="utf-8")
    typed = trialkit.from_table(path, source="table3.tsv", outcomes=DECLARED)
    figs = figure_set(typed, style="slide")
    for name, fig in figs.items():
        text = " ".join(footer_of(fig).split())
        assert "Data: table3.tsv." in text and "trialkit data" not in text, name
    bundled = " ".join(footer_of(figure_set(trialkit.load("mejuto2014"))["forest"]).split())
    assert "data: trialkit data/mejuto2014." in bundled


def test_sensitivity_plot_for_the_primary_or_chosen_outcome():
    from trialkit.figures import figure_set

    trial = trialkit.from_table(THREE_ARMS, outcomes={**DECLARED, "Rotation": {
        **DECLARED["Rotation"], "primary": True}})
    assert "sensitivity_rotation" in figure_set(trial, style="paper")
    figs = figure_set(trial, style="slide", outcome="Pain")  # chosen by label
    assert "sensitivity_pain" in figs and "sensitivity_rotation" not in figs
    plain = figure_set(trialkit.from_table(THREE_ARMS), style="slide")
    note = " ".join(footer_of(plain["sensitivity_pain"]).split())
    assert note.startswith("Shown for Pain, the first outcome of the table: no primary "
                           "outcome is declared")
    assert "The paper does not report the correlation" in note
    with pytest.raises(TrialDataError, match="unknown outcome 'itch'"):
        figure_set(trial, outcome="itch")


def test_sensitivity_footnote_is_true_for_the_trial():
    from trialkit.figures import figure_set
    from trialkit.trial import Trial

    trial = trialkit.from_table(THREE_ARMS, outcomes=DECLARED)
    summary = trial.summary
    # Change rows as a "Change" row of the table prints them (mean change, SD of change).
    changes = summary[summary["timepoint"] == "week_4"].assign(
        mean=[-4.0, 0.5, -1.0, 12.0, -4.0, 0.0], sd=[1.0] * 6, mean_text="", sd_text="")
    with_changes = Trial(trial.meta, summary, reported=trial.reported, changes=changes)
    figs = figure_set(with_changes, style="slide", outcome="pain")
    note = " ".join(footer_of(figs["sensitivity_pain"]).split())
    assert "does not report the correlation" not in note
    # each arm's SDs 1.0 (baseline), 1.0 (week 4), 1.0 (change): r = (1 + 1 - 1) / 2 = 0.50
    assert "The table prints each arm's change and its SD" in note
    assert "(r = 0.50 in A and 0.50 in Control, pooled 0.50)" in note
    assert "the dotted line marks the pooled r" in note
    without = " ".join(footer_of(figure_set(trial, style="slide", outcome="pain")[
        "sensitivity_pain"]).split())
    assert "The paper does not report the correlation" in without


# A typed-in table with a Change row (two arms of 12; no direction declared). By hand, each
# arm's r = (sd_pre^2 + sd_post^2 - sd_change^2) / (2 sd_pre sd_post) (Cochrane 6.5.2.8):
# manual therapy (2.25 + 3.24 - 2.56) / 5.4 = 0.5425926, exercise (2.89 + 3.61 - 2.89) /
# 6.46 = 0.5588235; pooled (1.465 + 1.805) / sqrt(5.14 x 6.85) = 0.5510879.
# ANCOVA at that r (Riley et al. 2013, equal n): -1.5 - 0.5510879 x sqrt(6.85 / 5.14) x 0.2
# = -1.5 - 0.5510879 x 1.1544197 x 0.2 = -1.6272374.
CHANGE_TABLE = ("outcome\ttimepoint\tManual therapy (n = 12)\tExercise (n = 12)\n"
                "Pain (NPRS)\tBaseline\t6.4 \u00b1 1.5\t6.2 \u00b1 1.7\n"
                "Pain (NPRS)\t6 weeks\t3.1 \u00b1 1.8\t4.6 \u00b1 1.9\n"
                "Pain (NPRS)\tChange\t\u22123.3 \u00b1 1.6\t\u22121.6 \u00b1 1.7\n")


@pytest.fixture(scope="module")
def change_table():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return trialkit.from_table(CHANGE_TABLE)


@pytest.mark.parametrize("style", ["slide", "paper"])
def test_sensitivity_plot_marks_the_implied_r(change_table, style):
    s = sensitivity(change_table)
    ax = plots.sensitivity(s, style=style)
    (mark,) = by_gid(ax, "trialkit-implied-r")
    segment = mark.get_segments()[0]
    assert segment[0][0] == pytest.approx(0.5510879, abs=5e-7)
    labels = ax.get_legend().get_texts()
    assert "r = 0.55, implied by the printed SDs" in [t.get_text() for t in labels]
    diamond = next(a for a in ax.lines if a.get_marker() == "D")
    x, y = diamond.get_data()
    assert x[0] == pytest.approx(0.5510879, abs=5e-7)
    assert y[0] == pytest.approx(-1.6272374, abs=5e-7)
    # the difference in change uses the printed change SDs: a flat line, no points
    flat = next(ln for ln in ax.lines if ln.get_gid() == "trialkit-measure-diff_in_change")
    assert flat.get_marker() in (None, "None", "") and len(set(flat.get_ydata())) == 1
    # the legend sits above every line: the top of the data is below the axes' top by the
    # headroom the legend needs
    top = max(s["ci_high"].max(), 0.0)
    assert ax.get_ylim()[1] > top + 0.25 * (top - s["ci_low"].min())


def test_sensitivity_plot_without_change_rows_marks_nothing(frames):
    ax = plots.sensitivity(frames["sensitivity"], "pain", "10min")
    assert not by_gid(ax, "trialkit-implied-r") and not by_gid(ax, "trialkit-implied-ancova")


def test_sensitivity_figure_footnote_gives_each_arms_implied_r(change_table):
    from trialkit.figures import figure_set

    figs = figure_set(change_table, style="slide")
    note = " ".join(footer_of(figs["sensitivity_pain_nprs"]).split())
    assert "(r = 0.54 in Manual therapy and 0.56 in Exercise, pooled 0.55)" in note
    assert "the dotted line marks the pooled r and the diamond the ANCOVA there" in note
    assert "does not report the correlation" not in note
    # no direction was declared: nothing says which arm is favoured
    assert "favour" not in note.lower()
