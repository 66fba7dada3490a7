"""Figures of the across-trial techniques: each draws its result frame in both styles,
writes a PNG, shows the frame's numbers (no recomputation) and states no direction."""

from __future__ import annotations

import numpy as np
import pytest
from across_refs import cat_all_selected, cat_groups, cohort, pvals_cont

from trialkit.errors import NothingToDraw, TrialDataError
from trialkit.plots import screen as P
from trialkit.plots._style import new_figure, save
from trialkit.screen import across as A
from trialkit.screen.baseline import baseline_p


@pytest.fixture(scope="module")
def frames():
    rows = pvals_cont()
    return {
        "bp": baseline_p(rows),
        "calc": A.pvalue_distribution(rows, which="calculated", sims=200),
        "rep": A.pvalue_distribution(rows, which="reported", sims=200),
        "matches": A.matches(rows), "digits": A.final_digits(rows),
        "cohort": A.cohort_matches(cohort(), sims=100),
        "cat": A.categorical(cat_all_selected()), "groups": A.group_sizes(cat_groups()),
    }


def _texts(ax) -> str:
    return " ".join(t.get_text() for t in ax.texts) + " " + " ".join(
        t.get_text() for t in ax.get_legend().get_texts())


@pytest.mark.parametrize("style", ["paper", "slide"])
def test_each_figure_renders_and_shows_the_frames_numbers(frames, style, tmp_path):
    draws = {
        "calc": lambda ax: P.pvalue_cdf(frames["calc"], frames["bp"], ax=ax, style=style),
        "rep": lambda ax: P.pvalue_cdf(frames["rep"], ax=ax, style=style),
        "matches": lambda ax: P.match_bars(frames["matches"], ax=ax, style=style),
        "digits": lambda ax: P.final_digit_bars(frames["digits"], ax=ax, style=style),
        "cohort": lambda ax: P.observed_expected(frames["cohort"], measure="both", ax=ax,
                                                 style=style),
        "cat": lambda ax: P.observed_expected(frames["cat"], measure="difference", ax=ax,
                                              style=style),
        "groups": lambda ax: P.observed_expected(frames["groups"], ax=ax, style=style),
    }
    for name, draw in draws.items():
        fig, ax = new_figure(style)
        assert draw(ax) is ax
        text = _texts(ax)
        assert "p " in text and "favour" not in text and "improv" not in text
        written = save(fig, tmp_path / f"{name}_{style}", style=style)
        assert written[0].stat().st_size > 5000
    # the reported-p figure: 10 variables in 6 trials, decile p 0.035 (from the frame)
    fig, ax = new_figure(style)
    P.pvalue_cdf(frames["rep"], ax=ax, style=style)
    assert "10 variables, 6 trials" in _texts(ax) and "p = 0.035" in _texts(ax)


def test_ecdf_is_drawn_from_the_given_p_values(frames):
    _fig, ax = new_figure("paper")
    P.pvalue_cdf(frames["calc"], frames["bp"], ax=ax)
    step = ax.get_lines()[1]
    x = np.asarray(step.get_xdata())
    assert len(x) == 50 + 2  # 50 p values between (0, 0) and (1, 1)


def test_bars_are_the_frames_counts(frames):
    _fig, ax = new_figure("paper")
    P.observed_expected(frames["groups"], ax=ax, xlabel="difference", ylabel="trials")
    heights = [b.get_height() for b in ax.patches]
    assert heights == [18, 1, 0]  # sr_fn's merged bins 0-4, 5-10, 11+
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("difference", "trials")
    assert all(float(t).is_integer() for t in ax.get_yticks())  # counts: whole ticks


def test_figures_refuse_wrong_frames(frames):
    with pytest.raises(TrialDataError, match="pass measure="):
        P.observed_expected(frames["cat"])
    with pytest.raises(TrialDataError, match="pvalue_cdf"):
        P.pvalue_cdf(frames["digits"])


def test_figures_refuse_frames_with_nothing_to_draw(frames):
    # NothingToDraw (a TrialDataError): the one refusal `trialkit screen` skips a figure on
    empty = frames["calc"].assign(n_variables=0)
    with pytest.raises(NothingToDraw, match="no continuous variable"):
        P.pvalue_cdf(empty)
    no_digits = frames["digits"].assign(n_values=0, observed=0, percent=np.nan)
    with pytest.raises(NothingToDraw, match="no printed mean or SD"):
        P.final_digit_bars(no_digits)
    # (the first row of a matches frame, one significant digit, often has no variable: the
    # "all" rows decide, as the figure draws them)
    first_empty = frames["matches"].copy()
    first_empty.loc[first_empty.index[0], "n_variables"] = 0
    P.match_bars(first_empty)
    no_pairs = frames["matches"].assign(n_variables=0, matches=0, expected=0.0)
    with pytest.raises(NothingToDraw, match="no variable has a mean and SD"):
        P.match_bars(no_pairs)
    # categorical() of a table without categorical rows: every row has n_variables 0
    no_categorical = A.categorical(pvals_cont())
    assert no_categorical["n_variables"].max() == 0
    with pytest.raises(NothingToDraw, match="no variable"):
        P.observed_expected(no_categorical, measure="count")
    assert issubclass(NothingToDraw, TrialDataError)
