"""build() and the Report it returns."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from trialkit.report._built import Built

if TYPE_CHECKING:
    import pandas as pd

    from trialkit.report._frames import Frames
    from trialkit.trial import Trial

__all__ = ["Report", "build"]


def _markdown(table: dict) -> str:
    def cell(text: str) -> str:
        return str(text).replace("|", "\\|").replace("\n", " ")

    cols = table["columns"]
    lines = [f"**{cell(table['title'])}**", "", "| " + " | ".join(map(cell, cols)) + " |",
             "|" + "|".join("---:" if i in table["numeric"] else "---"
                            for i in range(len(cols))) + "|"]
    lines += ["| " + " | ".join(map(cell, row)) + " |" for row in table["rows"]]
    if table.get("note"):
        lines += ["", cell(table["note"])]
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Report(Built):
    """A built report: the frames, the shown tables, the rendered figures and the record
    (the fields of :class:`trialkit.report._built.Built`), and the ways to show them.

    Use :meth:`html`, :meth:`save_html`, :meth:`save_pptx`, :meth:`tables`,
    :meth:`save_tables`; in Jupyter the report shows itself as its HTML page.
    """

    def html(self) -> str:
        """The self-contained HTML page (one line, ``id="generated-at"``, varies by run)."""
        from trialkit.report._html import render_html

        return render_html(self.trial, self.frames, self.views, self.figures, self.record,
                           generated_at=self.generated_at, command=self.command)

    def _repr_html_(self) -> str:
        return self.html()

    def save_html(self, path: str | Path) -> Path:
        """Write :meth:`html` to ``path`` (UTF-8); returns the path."""
        out = Path(path)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(self.html(), encoding="utf-8", newline="\n")
        return out

    def save_pptx(self, path: str | Path, *, date: str | None = None) -> Path:
        """Write the 16:9 deck (see :func:`trialkit.report._pptx.deck`)."""
        from trialkit.report._pptx import deck

        return deck(self, Path(path), date=date)

    def tables(self) -> dict[str, pd.DataFrame]:
        """The result tables by name, at full precision, as the library returned them."""
        from trialkit.report._content import tables

        return tables(self.frames, self.record)

    def save_tables(self, folder: str | Path) -> list[Path]:
        """Each table as ``{trial}_{name}.csv`` (full precision) and ``.md`` (as shown)."""
        out = Path(folder)
        out.mkdir(parents=True, exist_ok=True)
        shown = {t["key"]: t for t in self.views}
        written = []
        for name, frame in self.tables().items():
            csv = out / f"{self.trial.id}_{name}.csv"
            frame.to_csv(csv, index=False, lineterminator="\n")
            md = out / f"{self.trial.id}_{name}.md"
            table = shown.get(name) or {
                "title": name.capitalize(), "columns": list(frame.columns), "numeric": [],
                "rows": frame.astype(str).to_numpy().tolist(), "note": ""}
            md.write_text(_markdown(table), encoding="utf-8", newline="\n")
            written += [csv, md]
        return written


def build(trial: Trial, *, r: float | None = None, style: str = "slide",
          figures: bool = True, data_files: Sequence[str | Path] = (),
          generated_at: str | None = None, command: str = "",
          progress: bool | None = None, parallel: bool = False, png_now: bool = False
          ) -> Report:
    """Compute everything a report shows, once, and draw each figure once.

    Parameters
    ----------
    trial : Trial
    r : float, optional
        Pre-post correlation for a summary-only trial; when None the library assumes one,
        warns, and the record says so.
    style : {"slide", "paper"}
        Figure style (slide: 16:9, large type, the deck's pictures).
    figures : bool, default True
        Draw the figures (the slowest step).
    data_files : paths, optional
        Files the trial was read from when it has no folder (e.g. a typed-in table); their
        SHA-256 goes in the record with the trial folder's files.
    generated_at : str, optional
        The one line of the HTML that varies by run (default: now, UTC, to the second).
    command : str
        The command line that made the report, for the record.
    progress : bool, optional
        A progress bar on stderr (default: only when stderr is a terminal).
    parallel : bool, default False
        Compute the checks and the reanalysis in a forked second process while this one
        draws the figures of the data (where ``fork`` and a second CPU exist; the results
        are the same). The command line turns it on; a notebook need not fork its kernel.
    png_now : bool, default False
        Draw the deck's PNGs during the build (the command line, when ``--pptx`` is asked,
        so that they are drawn in both processes); otherwise each is drawn the first time
        the deck needs it. With ``parallel`` and not ``png_now`` the reanalysis figures have
        no PNG (the deck cannot be saved).

    Returns
    -------
    Report

    Examples
    --------
    >>> import trialkit
    >>> from trialkit.report import build
    >>> rep = build(trialkit.load("anorexia"), figures=False)
    >>> sorted(rep.tables())[:3]
    ['between', 'checks', 'reanalysis']
    """
    from trialkit.plots._style import get_style
    from trialkit.report._content import compute
    from trialkit.report._figures import render, render_sure, warm
    from trialkit.report._progress import Progress
    from trialkit.report._record import data_files as files_of
    from trialkit.report._record import record, seeds_for
    from trialkit.report._views import views

    get_style(style)
    n_steps = 2 + (len(trial.outcomes) * 2 + 5 if figures else 0)
    with Progress(n_steps, enabled=progress) as step:
        step("analysis, checks, reanalysis")
        # Two halves: the figures of the data here; the checks, the reanalysis and its
        # figures where compute() runs them (a forked process when parallel). With png_now
        # each half draws its PNGs at once (the child cannot hand back a Figure).
        def draw(base: Frames) -> list[Any]:
            out = render(trial, style=style, r=r, step=step,
                         frames=(base.means, base.within, base.between)) if figures else []
            return [x.detach(png=True) for x in out] if png_now else out

        def draw_sure(full: Frames) -> list[Any]:
            out = render_sure(trial, full, style=style,
                              step=None if parallel else step) if figures else []
            return [x.detach(png=png_now) for x in out] if parallel or png_now else out

        if parallel and figures:
            warm(style)  # matplotlib and its fonts loaded once, before the fork
        frames, rendered, sure = compute(trial, r=r, meanwhile=draw, then=draw_sure,
                                         parallel=parallel)
        rendered = [*rendered, *sure]
        step("record")
        names = [f.name for f in rendered]
        rec = record(trial, frames, files=files_of(trial, data_files),
                     seeds=seeds_for(trial, names))
    when = generated_at or dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    return Report(trial=trial, frames=frames, views=views(trial, frames), figures=rendered,
                  record=rec, generated_at=when,
                  command=command or f"trialkit.report.build(trialkit.load({trial.id!r}))")
