"""The deck, re-opened with python-pptx."""

from __future__ import annotations

import pytest

from trialkit.report._format import fmt_ci, fmt_est, fmt_prob


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
    # title + claims + one per figure + results + how sure
    assert n_claims >= 1
    assert len(slides) == 1 + n_claims + len(mejuto_report.figures) + 2
    pictures = [s for s in slides
                if any(sh.shape_type == MSO_SHAPE_TYPE.PICTURE for sh in s.shapes)]
    assert len(pictures) == len(mejuto_report.figures) == 8
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
