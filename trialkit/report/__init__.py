"""From a trial to tonight's journal club: an HTML report, a PowerPoint deck, tables.

:func:`build` computes the frames once (:mod:`trialkit.analysis`, :mod:`trialkit.checks`,
:mod:`trialkit.reanalysis`) and draws each figure once (:mod:`trialkit.figures`); the
:class:`Report` then shows them as a self-contained HTML page (figures inline as SVG, styles
inline, no request leaves the file), a 16:9 deck with speaker notes, and CSV/Markdown tables.
Numbers are rounded only where they are shown (:mod:`trialkit.report._format`).

Needs the ``report`` extra: ``pip install 'trialkit[report]'`` (jinja2, python-pptx, tqdm).

>>> import trialkit, trialkit.report                         # doctest: +SKIP
>>> rep = trialkit.report.build(trialkit.load("mejuto2014"))  # doctest: +SKIP
>>> rep.save_html("mejuto2014_report.html")                   # doctest: +SKIP
"""

from __future__ import annotations

from trialkit.report._report import Report, build

__all__ = ["Report", "build"]
