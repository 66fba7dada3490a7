"""Draw the trial's figures once; keep each as inline SVG (HTML) and PNG (slides)."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from trialkit.trial import Trial

__all__ = ["Rendered", "render"]

KINDS = {
    "trajectory": "Line chart of the mean and 95% CI by arm at each visit",
    "percent_change": "Chart of the percent change from baseline within each arm, with 95% CI",
    "forest": "Forest plot of standardized between-arm differences (Hedges' g) with 95% CI",
    "rom_deltas": "Chart of range-of-motion change in degrees by direction, with 95% CI",
    "estimation": "Estimation plot: every patient's value by arm, and the bootstrap "
                  "distribution of the difference in means",
    "sensitivity": "Chart of the between-arm difference for assumed correlations from 0.2 "
                   "to 0.8",
}


@dataclass(frozen=True)
class Rendered:
    """One figure: ``name``, ``title`` and ``alt`` text, ``svg`` (inline markup), ``png``."""

    name: str
    title: str
    alt: str
    svg: str
    png: bytes


def _texts(fig: Figure) -> tuple[str, str]:
    title = " ".join(fig._suptitle.get_text().split()) if fig._suptitle else ""
    sub = next((" ".join(a.get_text().split()) for a in fig.get_children()
                if getattr(a, "get_gid", lambda: None)() == "trialkit-subtitle"), "")
    return title, sub


def _inline(svg: str, prefix: str, alt: str) -> str:
    """An SVG document as markup to inline: no prolog, ids unique in the page, labelled."""
    from markupsafe import escape

    svg = svg[svg.index("<svg"):]
    svg = re.sub(r'\bid="([^"]+)"', rf'id="{prefix}-\1"', svg)
    svg = re.sub(r'href="#([^"]+)"', rf'href="#{prefix}-\1"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", rf"url(#{prefix}-\1)", svg)
    svg = re.sub(r'<svg ([^>]*?)width="[^"]*" height="[^"]*"',
                 r'<svg \1', svg, count=1)
    return svg.replace("<svg ", f'<svg role="img" aria-label="{escape(alt)}" ', 1)


def _save(fig: Figure, fmt: str, dpi: int) -> bytes:
    buf = io.BytesIO()
    metadata = {"svg": {"Date": None, "Creator": None}, "png": {"Software": None}}[fmt]
    fig.savefig(buf, format=fmt, dpi=dpi, metadata=metadata, facecolor="white")
    return buf.getvalue()


def render(trial: Trial, *, style: str = "slide", r: float | None = None, png_dpi: int = 110,
           step: Callable[[str], None] | None = None) -> list[Rendered]:
    """Draw :func:`trialkit.figures.figure_set` once and save each figure as SVG and PNG.

    The SVG is byte-identical across runs (the style's rc with ``svg.hashsalt``, no date),
    as :func:`trialkit.plots._style.save` writes files; ``step`` is called before each stage
    (for a progress display).
    """
    import matplotlib as mpl

    from trialkit.figures import figure_set
    from trialkit.plots._style import get_style

    spec = get_style(style)
    if step:
        step("drawing figures")
    figures = figure_set(trial, style=style, r=r)
    out = []
    for k, (name, fig) in enumerate(figures.items()):
        if step:
            step(f"rendering {name}")
        with mpl.rc_context({**spec["rc"], "svg.hashsalt": "trialkit"}):
            if fig.get_layout_engine() is not None:  # freeze the layout (see plots.save)
                fig.draw_without_rendering()
                fig.set_layout_engine("none")
            svg = _save(fig, "svg", 72).decode("utf-8")
            png = _save(fig, "png", png_dpi)
        title, sub = _texts(fig)
        kind = KINDS.get(next((p for p in KINDS if name.startswith(p)), ""), "Figure")
        alt = f"{kind}. {title}. {sub}".strip(" .") + "."
        out.append(Rendered(name=name, title=title or name, alt=alt,
                            svg=_inline(svg, f"f{k}", alt), png=png))
    return out
