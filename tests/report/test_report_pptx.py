"""The deck, re-opened with python-pptx."""

from __future__ import annotations

from pathlib import Path

import pytest

from trialkit.report._format import fmt_ci, fmt_est, fmt_prob

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def deck(mejuto_report, tmp_path_factory):
    from pptx import Presentation

    path = mejuto_report.save_pptx(tmp_path_factory.mktemp("deck") / "mejuto2014_deck.pptx",
                                   date="1 December 2026")
    return Presentation(str(path))


def _notes(slide) -> str:
    return slide.notes_slide.notes_text_frame.text if slide.has_notes_slide else ""


def test_shape_and_slides(deck, mejuto_report):
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    assert deck.slide_width * 9 == deck.slide_height * 16  # 16:9
    slides = list(deck.slides)
    n_claims = sum("claims vs what we recompute" in s.shapes[0].text_frame.text
                   for s in slides if s.shapes and s.shapes[0].has_text_frame)
    # title + claims + one per figure + results + how sure (the reanalysis figures follow it)
    assert n_claims >= 1
    assert len(slides) == 1 + n_claims + len(mejuto_report.figures) + 2
    pictures = [s for s in slides
                if any(sh.shape_type == MSO_SHAPE_TYPE.PICTURE for sh in s.shapes)]
    # 8 figures of the data and 3 of the reanalysis (posterior, exaggeration, responders)
    assert len(pictures) == len(mejuto_report.figures) == 11
    title = " ".join(sh.text_frame.text for sh in slides[0].shapes if sh.has_text_frame)
    assert "Mejuto-Vázquez" in title and "1 December 2026" in title
    assert "ILLUSTRATIVE" in title
    for slide in slides[1:]:  # every content slide has speaker notes
        assert _notes(slide).strip()


def test_notes_hold_the_frames_numbers(deck, mejuto_report):
    notes = "\n".join(_notes(s) for s in deck.slides)
    f = mejuto_report.frames
    for _, x in f.between[f.between["measure"] == "hedges_g"].iterrows():  # forest slide
        assert f"{fmt_est(x['estimate'])} (95% CI {fmt_ci(x['ci_low'], x['ci_high'])})" in notes
    for text in f.summary["mean_text"]:  # trajectory slides
        assert f"mean {text}," in notes
    sure = f.reanalysis[(f.reanalysis["outcome"] == "pain")
                        & (f.reanalysis["likelihood"] == "normal")]
    for _, x in sure.iterrows():  # how sure: posterior interval and P(>= MCID)
        assert f"95% CrI {fmt_ci(x['ci_low'], x['ci_high'])}" in notes
        assert f"P(benefit ≥ MCID) {fmt_prob(x['p_mcid'])}" in notes
    for detail in f.checks.loc[f.checks["check"].str.startswith("claim"), "detail"]:
        assert detail in notes


def _slide_titled(deck, start: str):
    for slide in deck.slides:
        if slide.shapes and slide.shapes[0].has_text_frame and \
                slide.shapes[0].text_frame.text.startswith(start):
            return slide
    raise AssertionError(f"no slide titled {start!r}")


def test_how_sure_slide_notes_hold_the_reanalysis_numbers(deck, mejuto_report):
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    slide = _slide_titled(deck, "How sure can we be?")
    notes = _notes(slide)
    f = mejuto_report.frames
    re_ = f.reanalysis[(f.reanalysis["outcome"] == "pain")
                       & (f.reanalysis["likelihood"] == "normal")]
    assert len(re_) == 8  # 2 follow-ups x 4 priors
    for _, x in re_.iterrows():  # every prior's posterior interval and probabilities
        line = (f"prior {x['prior']}: effect {fmt_est(x['effect'])} (SE "
                f"{fmt_est(x['effect_se'])}); posterior mean {fmt_est(x['estimate'])} (95% CrI "
                f"{fmt_ci(x['ci_low'], x['ci_high'])}); P(benefit) {fmt_prob(x['p_benefit'])}")
        assert line in notes
        assert f"P(benefit ≥ MCID) {fmt_prob(x['p_mcid'])}" in notes
        assert f"type S {fmt_est(x['type_s_mcid'], 4)}" in notes
        assert f"exaggeration {fmt_est(x['type_m_mcid'])}x" in notes
    for _, x in f.responders[f.responders["outcome"] == "pain"].iterrows():
        assert (f"difference {fmt_est(100 * x['estimate'], 1)} percentage points (95% CI "
                f"{fmt_ci(100 * x['ci_low'], 100 * x['ci_high'], 1)})") in notes
        assert f"({x['nnt_interval']})" in notes
    assert "ILLUSTRATIVE NUMBERS" in notes
    assert "ILLUSTRATIVE NUMBERS" in " ".join(sh.text_frame.text for sh in slide.shapes
                                              if sh.has_text_frame)
    # then the three reanalysis figures, each with its numbers in the notes
    slides = list(deck.slides)
    k = slides.index(slide)
    after = slides[k + 1:k + 4]
    assert all(any(sh.shape_type == MSO_SHAPE_TYPE.PICTURE for sh in s.shapes) for s in after)
    posterior, exaggeration, responders = (_notes(s) for s in after)
    assert "95% CrI" in posterior and "power" in exaggeration and "NNT" in responders


def test_no_direction_no_invented_benefit(tmp_path):
    # The typed-in table declares no direction of benefit: the report and the deck say so
    # and show no probability of benefit, no responders and no exaggeration.
    from pptx import Presentation

    from trialkit.report import build
    from trialkit.tables import from_table

    trial = from_table(DATA / "typed_table.csv", trial_id="typed")
    rep = build(trial, figures=False)
    assert rep.frames.responders is None and rep.frames.design_curves is None
    html = rep.html()
    assert "Pain (NPRS): the direction of benefit is not declared, so no probability of " \
           "benefit is given." in html
    assert "Not computed for any outcome: no MCID (or no declared direction) defines a " \
           "responder, and none is invented." in html
    deck = Presentation(str(rep.save_pptx(tmp_path / "typed.pptx")))
    slide = _slide_titled(deck, "How sure can we be?")
    assert "the direction of benefit is not declared" in _notes(slide)
