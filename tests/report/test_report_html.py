"""The HTML report and the tables: every shown number is a frame's number, formatted."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pandas as pd
import pytest
from markupsafe import escape

from trialkit.errors import TrialDataError
from trialkit.report._format import fmt_ci, fmt_est, fmt_p, fmt_pct, fmt_prob

DATA = Path(__file__).parent / "data"
GENERATED = re.compile(r'^<p id="generated-at">.*$', re.M)


def test_formats_by_hand():
    # p: 3 significant digits, "< 0.001" below (written out by hand)
    assert [fmt_p(x) for x in (0.000906, 0.0012345, 0.04321, 0.5, 1.0)] == [
        "< 0.001", "0.00123", "0.0432", "0.500", "1.00"]
    assert fmt_est(-1.951013) == "−1.95" and fmt_est(-0.001) == "0.00"
    assert fmt_ci(-3.060075, -1.159925) == "−3.06 to −1.16"
    assert fmt_pct(-32.763975) == "−33%"
    assert [fmt_prob(x) for x in (0.553643, 0.999096, 0.000904)] == ["55%", "> 99%", "< 1%"]
    assert fmt_p(float("nan")) == "–"


def test_html_holds_the_frames_numbers(mejuto_report):
    html = mejuto_report.html()
    f = mejuto_report.frames
    for _, x in f.between.iterrows():
        assert fmt_est(x["estimate"]) in html
        assert fmt_ci(x["ci_low"], x["ci_high"]) in html
    for _, x in f.within[f.within["measure"] == "percent_change"].iterrows():
        assert f"{fmt_pct(x['ci_low'])} to {fmt_pct(x['ci_high'])}" in html
    re_ = f.reanalysis.dropna(subset=["mcid"])
    assert len(re_) > 0
    for _, x in re_.iterrows():
        assert fmt_ci(x["ci_low"], x["ci_high"]) in html
        assert str(escape(fmt_prob(x["p_mcid"]))) in html
    for detail in f.checks["detail"]:  # every verdict's sentence, as written
        assert str(escape(detail)) in html
    for text in f.summary["mean_text"]:
        assert f'<td class="num">{text}</td>' in html


def test_html_sections_and_banner(mejuto_report, anorexia_report):
    html = mejuto_report.html()
    assert 'id="illustrative-banner"' in html and "ILLUSTRATIVE NUMBERS" in html
    assert 'id="illustrative-banner"' not in anorexia_report.html()
    for key in ("trial", "section-summary", "section-within", "section-between",
                "section-checks", "section-reanalysis", "figures", "record"):
        assert f'id="{key}"' in html
    # MCID, direction and the outcomes without an MCID are said in words
    assert "MCID: 1.3 points (Cleland" in html
    assert "No MCID is given for PPT over the C5-C6 zygapophyseal joint, " in html
    # every figure inline as SVG with alt text; no request can leave the file
    assert html.count("<svg ") == len(mejuto_report.figures) == 11
    assert html.count('role="img" aria-label="') == 11
    assert "<script" not in html and "<link" not in html and "@import" not in html
    assert not re.search(r'(?:src|href)="(?!#)', html)
    assert not re.search(r"url\((?!#)", html)
    # record: r assumed, versions, the data files' hashes
    assert "r = 0.5 (assumed)" in html
    for name in ("numpy", "pandas", "scipy", "statsmodels", "matplotlib"):
        assert f"<th scope=\"row\">{name}</th>" in html
    folder = Path(mejuto_report.trial.path)
    for p in sorted(folder.iterdir()):
        assert hashlib.sha256(p.read_bytes()).hexdigest() in html


def test_same_inputs_same_html_apart_from_generated_at():
    import trialkit
    from trialkit.report import build

    trial = trialkit.load("anorexia")
    one = build(trial, figures=False).html()
    two = build(trial, figures=False, generated_at="another time").html()
    assert one != two
    assert GENERATED.sub("", one) == GENERATED.sub("", two)
    assert len(GENERATED.findall(one)) == 1


def test_figures_deterministic_and_deck_byte_identical(tmp_path):
    from trialkit.report import build
    from trialkit.tables import from_table

    trial = from_table(DATA / "typed_table.csv", trial_id="typed")
    # the command line computes checks and reanalysis in a forked process: same bytes
    a, b = build(trial), build(trial, parallel=True)
    assert a.frames.checks.equals(b.frames.checks)
    assert GENERATED.sub("", a.html()) == GENERATED.sub("", b.html())
    assert a.save_pptx(tmp_path / "a.pptx").read_bytes() == \
        b.save_pptx(tmp_path / "b.pptx").read_bytes()


def test_tables_csv_and_markdown(anorexia_report, tmp_path):
    tables = anorexia_report.tables()
    assert {"summary", "within", "between", "checks", "reanalysis", "record"} <= set(tables)
    files = anorexia_report.save_tables(tmp_path)
    assert len(files) == 2 * len(tables)
    back = pd.read_csv(tmp_path / "anorexia_between.csv")
    assert back["estimate"].tolist() == pytest.approx(tables["between"]["estimate"].tolist(),
                                                      rel=1e-12)
    md = (tmp_path / "anorexia_between.md").read_text(encoding="utf-8")
    x = tables["between"].iloc[0]
    assert md.startswith("**Between arms") and fmt_ci(x["ci_low"], x["ci_high"]) in md


def _args(*argv):
    from trialkit.cli import _Parser
    from trialkit.report import command

    parser = _Parser(prog="trialkit")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    command.add_parser(sub)
    return parser.parse_args(["report", *argv])


def test_command_typed_in_table(tmp_path, capsys):
    from trialkit.report import command

    table = DATA / "typed_table.csv"
    args = _args(str(table), "--html", str(tmp_path / "r.html"), "--pptx",
                 str(tmp_path / "r.pptx"), "--tables", str(tmp_path / "t"))
    assert command.run(args) == 0
    out, err = capsys.readouterr()
    assert err == ""  # the progress display is silent when stderr is not a terminal
    assert str(tmp_path / "r.html") in out
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert hashlib.sha256(table.read_bytes()).hexdigest() in html
    assert "the direction of benefit is not declared" in html
    assert 'id="illustrative-banner"' not in html
    assert (tmp_path / "t" / "typed_table_between.md").exists()


def test_command_pdf_without_browser(monkeypatch, tmp_path):
    from trialkit.report import command

    monkeypatch.setattr(command, "find_browser", lambda: None)
    with pytest.raises(TrialDataError) as info:
        command.run(_args("anorexia", "--pdf", str(tmp_path / "r.pdf")))
    message = str(info.value)
    assert "Chromium" in message and "not installed" in message and "\n" not in message
    with pytest.raises(TrialDataError, match="nothing to write"):
        command.run(_args("anorexia"))


def test_templates_ship_inside_the_package():
    from importlib.resources import files

    folder = files("trialkit.report") / "templates"
    names = {p.name for p in folder.iterdir()}
    assert {"report.html.j2", "table.html.j2", "report.css"} <= names


def _section(html: str, key: str) -> str:
    start = html.index(f'<section id="{key}">')
    return html[start:html.index("</section>", start)]


def test_how_sure_section(mejuto_report):
    html = mejuto_report.html()
    sure = _section(html, "section-reanalysis")
    assert "<h2>How sure can we be?</h2>" in sure
    assert "Illustrative numbers" in sure  # mejuto2014 is illustrative: said in the section
    for key in ("reanalysis", "exaggeration", "responders"):
        assert f'id="table-{key}"' in sure
    for name in ("posterior_pain", "exaggeration_pain", "responders_pain"):
        assert f'id="figure-{name}"' in sure  # the figures sit in the section, not below
        assert f'id="figure-{name}"' not in _section(html, "figures")
    f = mejuto_report.frames
    for _, x in f.reanalysis[f.reanalysis["mcid"].notna()].drop_duplicates(
            ["timepoint"]).iterrows():
        assert f"<td class=\"num\">{fmt_est(x['type_s_mcid'], 4)}</td>" in sure
        assert f"<td class=\"num\">{fmt_est(x['type_m_mcid'])}</td>" in sure
    for _, x in f.responders.iterrows():
        assert f"({fmt_ci(100 * x['ci_low'], 100 * x['ci_high'], 0)})" in sure
        assert f"{fmt_est(x['nnt'], 1)} ({x['nnt_interval']})" in sure
    # outcomes without an MCID: said, not invented
    assert "No MCID is given for PPT over the C5-C6 zygapophyseal joint" in sure
    assert "Not computed for the other 9 outcomes: no MCID (or no declared direction) " \
           "defines a responder, and none is invented." in sure
    # the record names the priors' and the MCIDs' sources
    record = _section(html, "record")
    assert "Spiegelhalter, Freedman &amp; Parmar 1994" in record
    assert "MCID: pain" in record and "Cleland" in record
    assert "MCID: ppt_c5c6" in record and "none: the trial gives no MCID" in record


def test_responders_by_hand(mejuto_report):
    # Pain at 10 minutes, r = 0.5 assumed (data/mejuto2014/summary.csv, illustrative):
    # dry needling: baseline 7.25 (SD 1.04), 10 min 4.88 (1.25), n 8: change -2.37, SD of
    #   change sqrt(1.04^2 + 1.25^2 - 2*0.5*1.04*1.25) = sqrt(1.3441) = 1.15935
    # waiting list: 7.33 (1.00), 7.22 (0.97), n 9: change -0.11, SD sqrt(0.9709) = 0.98534
    # pooled SD sqrt((7*1.3441 + 8*0.9709)/15) = 1.07008; responders improve by >= 1.3:
    # p1 = Phi((-1.3 + 2.37)/1.07008) = Phi(0.99993) = 0.8413 (normal table),
    # p2 = Phi((-1.3 + 0.11)/1.07008) = Phi(-1.1121) = 0.1331
    x = mejuto_report.frames.responders.query("outcome == 'pain' and timepoint == '10min'")
    x = x.iloc[0]
    assert x["threshold"] == -1.3
    assert x["sd1"] == pytest.approx(1.15935, abs=1e-5)
    assert x["sd2"] == pytest.approx(0.98534, abs=1e-5)
    assert x["p1"] == pytest.approx(0.8413, abs=5e-4)
    assert x["p2"] == pytest.approx(0.1331, abs=5e-4)


def test_parallel_numbers_are_the_serial_numbers(mejuto_report):
    from trialkit.report._content import compute

    serial = mejuto_report.frames
    forked, drawn, then = compute(mejuto_report.trial, parallel=True,
                                  meanwhile=lambda f: "drawn", then=lambda f: len(f.checks))
    assert drawn == "drawn" and then == len(serial.checks)
    assert forked.checks.equals(serial.checks)
    assert forked.reanalysis.equals(serial.reanalysis)
    assert forked.design_curves.equals(serial.design_curves)
    assert forked.responders.equals(serial.responders)
    assert forked.notes == serial.notes


def test_command_line_build_is_byte_identical(mejuto_report, tmp_path):
    # The CLI's build (checks, reanalysis and its figures in a forked process, PNGs drawn at
    # once in both) gives the same page and the same deck as the serial, lazy build.
    from trialkit.report import build

    cli = build(mejuto_report.trial, generated_at=mejuto_report.generated_at,
                parallel=True, png_now=True)
    assert [f.name for f in cli.figures] == [f.name for f in mejuto_report.figures]
    assert cli.html() == mejuto_report.html()
    assert cli.save_pptx(tmp_path / "cli.pptx").read_bytes() == \
        mejuto_report.save_pptx(tmp_path / "serial.pptx").read_bytes()
