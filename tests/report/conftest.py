"""Reports built once per session (drawing the figures is the slow step)."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("jinja2", reason="the report extra (jinja2) is not installed")
pytest.importorskip("pptx", reason="the report extra (python-pptx) is not installed")

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def mejuto_report():
    import trialkit
    from trialkit.report import build

    return build(trialkit.load("mejuto2014"), generated_at="2000-01-01 00:00:00 UTC")


@pytest.fixture(scope="session")
def anorexia_report():
    import trialkit
    from trialkit.report import build

    return build(trialkit.load("anorexia"), figures=False)


@pytest.fixture(scope="session")
def mejuto_html(mejuto_report, tmp_path_factory):
    return mejuto_report.save_html(tmp_path_factory.mktemp("html") / "mejuto2014_report.html")
