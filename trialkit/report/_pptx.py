"""The 16:9 deck (python-pptx): title, claims vs recomputation, figures, results, how sure.

Every content slide has speaker notes holding the numbers and intervals behind it, made from
the same frames as the HTML. Byte-identical across runs: the core properties carry a fixed
date (1980-01-01, the ZIP epoch) and the package is re-zipped with fixed entry times. The
title slide shows a date only when one is passed (e.g. the journal club's), never today's.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from trialkit.report._notes import figure_notes, results_notes, sure_notes
from trialkit.report._views import MEASURES

if TYPE_CHECKING:
    from trialkit.report._built import Built

__all__ = ["deck"]

FIXED = dt.datetime(1980, 1, 1)
W, H = 13.333, 7.5
WIDTH_EMU, HEIGHT_EMU = 12_192_000, 6_858_000  # exactly 16:9 (13.333 x 7.5 in)
CLAIM_ROWS = 6


def _text(slide: Any, text: str, left: float, top: float, width: float, height: float,
          size: int, bold: bool = False, colour: tuple[int, int, int] = (0x1F, 0x23, 0x28)
          ) -> None:
    from pptx.dml.color import RGBColor
    from pptx.util import Inches, Pt

    box = slide.shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(height))
    frame = box.text_frame
    frame.word_wrap = True
    for k, line in enumerate(text.split("\n")):
        para = frame.paragraphs[0] if k == 0 else frame.add_paragraph()
        run = para.add_run()
        run.text = line
        run.font.size = Pt(size)
        run.font.bold = bold
        run.font.color.rgb = RGBColor(*colour)


def _slide(prs: Any, title: str, notes: str) -> Any:
    slide = prs.slides.add_slide(prs.slide_layouts[6])  # blank
    _text(slide, title, 0.5, 0.3, W - 1.0, 0.9, 30, bold=True)
    slide.notes_slide.notes_text_frame.text = notes
    return slide


def _table(slide: Any, header: list[str], rows: list[list[str]], top: float,
           widths: list[float], size: int = 14) -> None:
    from pptx.util import Inches, Pt

    shape = slide.shapes.add_table(len(rows) + 1, len(header), Inches(0.5), Inches(top),
                                   Inches(sum(widths)), Inches(0.4 * (len(rows) + 1)))
    table = shape.table
    for j, w in enumerate(widths):
        table.columns[j].width = Inches(w)
    for i, row in enumerate([header, *rows]):
        for j, value in enumerate(row):
            cell = table.cell(i, j)
            cell.text = value
            for para in cell.text_frame.paragraphs:
                for run in para.runs:
                    run.font.size = Pt(size)
                    run.font.bold = i == 0


def _title_slide(prs: Any, rep: Built, date: str | None) -> None:
    from trialkit import __version__

    slide = prs.slides.add_slide(prs.slide_layouts[6])
    t = rep.trial
    _text(slide, t.title, 0.7, 1.3, W - 1.4, 2.6, 30, bold=True)
    _text(slide, t.citation + (f"\ndoi:{t.meta.doi}" if t.meta.doi else ""), 0.7, 4.1,
          W - 1.4, 1.2, 18)
    line = f"Reanalysis with trialkit {__version__}" + (f" · {date}" if date else "")
    _text(slide, line, 0.7, 5.5, W - 1.4, 0.5, 16, colour=(0x57, 0x60, 0x6A))
    if t.illustrative:
        _text(slide, "ILLUSTRATIVE NUMBERS: the per-arm statistics are not the article's "
              "table.", 0.7, 6.2, W - 1.4, 0.6, 18, bold=True, colour=(0x7A, 0x4B, 0x00))


def _claims_slides(prs: Any, rep: Built) -> None:
    c = rep.frames.checks
    claims = c[c["check"].str.startswith(("claim", "recompute_p"))]
    if claims.empty:
        claims = c
    n_slides = -(-len(claims) // CLAIM_ROWS)
    size = -(-len(claims) // n_slides)  # balanced: no slide with a lone row
    chunks = [claims.iloc[k:k + size] for k in range(0, len(claims), size)]
    for k, part in enumerate(chunks):
        title = "What the paper claims vs what we recompute"
        if len(chunks) > 1:
            title += f" ({k + 1}/{len(chunks)})"
        notes = "\n".join(f"{x['check']}: paper says {x['reported']}. Verdict: "
                          f"{x['verdict']}. {x['detail']}" for _, x in part.iterrows())
        slide = _slide(prs, title, notes)
        rows = [[f"{x['reported']}", str(x["verdict"]), str(x["detail"])]
                for _, x in part.iterrows()]
        _table(slide, ["The paper says", "Verdict", "What we recompute"], rows, 1.3,
               [3.0, 1.6, 7.7], size=14)


def _figure_slides(prs: Any, rep: Built, *, sure: bool = False) -> None:
    """One full-slide picture per figure (the reanalysis figures when ``sure``)."""
    from trialkit.report._sure import is_sure

    for fig in [f for f in rep.figures if is_sure(f.name) == sure]:
        slide = prs.slides.add_slide(prs.slide_layouts[6])
        slide.shapes.add_picture(io.BytesIO(fig.png), 0, 0, width=WIDTH_EMU)
        pic = slide.shapes[-1]
        pic._element.nvPicPr.cNvPr.set("descr", fig.alt)
        slide.notes_slide.notes_text_frame.text = figure_notes(rep, fig.name) or fig.alt


def _results_slide(prs: Any, rep: Built) -> None:
    b = rep.frames.between
    if b is None:
        return
    oid = rep.trial.meta.primary or rep.trial.outcomes[0].id
    keep = ("ancova", "mean_difference", "hedges_g")
    part = b[(b["outcome"] == oid) & b["measure"].isin(keep)]
    from trialkit.report._format import fmt_ci, fmt_est, fmt_p

    rows = [[x["timepoint_label"], f"{x['arm_label']} vs {x['reference_label']}",
             MEASURES.get(x["measure"], x["measure"]), fmt_est(x["estimate"]),
             fmt_ci(x["ci_low"], x["ci_high"]), fmt_p(x["p"])] for _, x in part.iterrows()]
    slide = _slide(prs, f"Results: {rep.trial.outcome(oid).label}", results_notes(part))
    _table(slide, ["Follow-up", "Comparison", "Measure", "Estimate", "95% CI", "p"], rows,
           1.4, [1.7, 3.1, 2.7, 1.4, 2.3, 1.3], size=14 if len(rows) < 10 else 11)


def _sure_slide(prs: Any, rep: Built) -> None:
    """The reanalysis of the target outcome (primary, with an MCID) as a table, with notes
    holding the posterior intervals, the design at the MCID and the responders."""
    from trialkit.report._format import fmt_est, fmt_prob
    from trialkit.report._notes import exaggeration_notes, responder_notes
    from trialkit.report._sure import target

    re = rep.frames.reanalysis
    if re is None or "likelihood" not in re.columns or (re["likelihood"] == "normal").sum() == 0:
        _not_sure_slide(prs, rep)
        return
    re = re[re["likelihood"] == "normal"]
    oid = target(rep.trial, re) or str(re["outcome"].iloc[0])
    part = re[re["outcome"] == oid]
    has = part["mcid"].notna()
    rows = [[rep.trial.timepoint(str(x["timepoint"])).label, str(x["prior"]),
             fmt_prob(x["p_benefit"]),
             fmt_prob(x["p_mcid"]) if x["mcid"] == x["mcid"] else "–",
             fmt_prob(x["power_mcid"]) if x["mcid"] == x["mcid"] else "–",
             fmt_est(x["type_m_mcid"]) if x["mcid"] == x["mcid"] else "–"]
            for _, x in part.iterrows()]
    notes = [sure_notes(rep.trial, part)]
    if has.any():
        notes.append(exaggeration_notes(rep.trial, part, oid))
    resp = rep.frames.responders
    if resp is not None and (resp["outcome"] == oid).any():
        notes.append(responder_notes(rep.trial, resp[resp["outcome"] == oid]))
    if rep.trial.illustrative:
        notes.append("ILLUSTRATIVE NUMBERS: these probabilities show the method on numbers "
                     "like the paper's, not a reanalysis of the article's own table.")
    slide = _slide(prs, f"How sure can we be? {rep.trial.outcome(oid).label}",
                   "\n".join(notes))
    _table(slide, ["Follow-up", "Prior", "P(benefit)", "P(≥ MCID)", "Power at MCID",
                   "Exaggeration"], rows, 1.4, [1.8, 2.2, 1.9, 1.9, 2.2, 2.0],
           size=14 if len(rows) < 10 else 11)
    text = ("P(benefit), P(≥ MCID): posterior probabilities (normal likelihood) that the "
            "effect favours the treatment at all, and by at least the MCID. Power and "
            "exaggeration: what a trial with this standard error can show about a true effect "
            "the size of the MCID (a significant estimate overstates it by that factor).")
    if not has.any():
        text = ("No MCID is given for this outcome: only the flat-prior probability of any "
                "benefit is shown; P(≥ MCID), power and exaggeration are not defined.")
    _text(slide, text, 0.5, 6.0, W - 1.0, 1.0, 14, colour=(0x57, 0x60, 0x6A))
    if rep.trial.illustrative:
        _text(slide, "ILLUSTRATIVE NUMBERS", 0.5, 5.35, W - 1.0, 0.5, 14, bold=True,
              colour=(0x7A, 0x4B, 0x00))


def _not_sure_slide(prs: Any, rep: Built) -> None:
    """The "how sure" slide of a trial the reanalysis could not answer, saying why."""
    from trialkit.report._html import reanalysis_sentences

    f = rep.frames
    why = ([f"Not reanalysed: {f.reanalysis_note}"] if f.reanalysis_note
           else reanalysis_sentences(rep.trial, f.reanalysis))
    text = "\n".join(why) or "Not reanalysed."
    slide = _slide(prs, "How sure can we be?", text)
    _text(slide, text, 0.5, 1.5, W - 1.0, 4.5, 20)


def deck(rep: Built, path: Path, *, date: str | None = None) -> Path:
    """Write the deck to ``path``; returns it."""
    from pptx import Presentation

    prs = Presentation()
    prs.slide_width, prs.slide_height = WIDTH_EMU, HEIGHT_EMU
    _title_slide(prs, rep, date)
    _claims_slides(prs, rep)
    _figure_slides(prs, rep)
    _results_slide(prs, rep)
    _sure_slide(prs, rep)
    _figure_slides(prs, rep, sure=True)
    props = prs.core_properties
    props.title = rep.trial.title
    props.author = props.last_modified_by = "trialkit"
    props.created = props.modified = props.last_printed = FIXED
    props.revision = 1
    buf = io.BytesIO()
    prs.save(buf)
    path.parent.mkdir(parents=True, exist_ok=True)
    _rezip(buf.getvalue(), path)
    return path


def _rezip(data: bytes, path: Path) -> None:
    """The same package with fixed entry times, so the file is byte-identical across runs."""
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(
            path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            dst.writestr(fixed, src.read(info.filename))
