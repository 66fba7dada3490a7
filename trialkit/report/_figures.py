"""Draw the trial's figures once; keep each as inline SVG (HTML) and PNG (slides)."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from trialkit.report._frames import Frames
    from trialkit.trial import Trial

__all__ = ["Rendered", "render", "render_sure", "rendered", "warm"]

KINDS = {
    "trajectory": "Line chart of the mean and 95% CI by arm at each visit",
    "percent_change": "Chart of the percent change from baseline within each arm, with 95% CI",
    "forest": "Forest plot of standardized between-arm differences (Hedges' g) with 95% CI",
    "rom_deltas": "Chart of range-of-motion change in degrees by direction, with 95% CI",
    "estimation": "Estimation plot: every patient's value by arm, and the bootstrap "
                  "distribution of the difference in means",
    "sensitivity": "Chart of the between-arm difference for assumed correlations from 0.2 "
                   "to 0.8",
    "posterior": "Posterior densities of the true difference under each prior, with the "
                 "MCID marked and the probability of a benefit of at least the MCID shaded",
    "exaggeration": "Chart of the exaggeration ratio (type M) of a significant estimate "
                    "against plausible true effects, the MCID marked",
    "responders": "Bar chart of the share of each arm improved by at least the MCID, with "
                  "the difference and the number needed to treat",
}


class Rendered:
    """One figure: ``name``, ``title`` and ``alt`` text, ``svg`` (inline markup), ``png``.

    The SVG is drawn when the figure is rendered (its constrained layout is computed by that
    draw and then frozen); the PNG, which only the deck needs, is drawn from the same frozen
    layout the first time ``png`` is read, and kept.
    """

    __slots__ = ("_figure", "_png", "_rc", "alt", "name", "png_dpi", "svg", "title")

    def __init__(self, name: str, title: str, alt: str, svg: str, png: bytes | None = None,
                 *, figure: Figure | None = None, rc: dict | None = None,
                 png_dpi: int = 110) -> None:
        self.name, self.title, self.alt, self.svg = name, title, alt, svg
        self._png, self._figure, self._rc, self.png_dpi = png, figure, rc or {}, png_dpi

    @property
    def png(self) -> bytes:
        """The figure as PNG at ``png_dpi`` (drawn on first use)."""
        if self._png is None:
            import matplotlib as mpl

            if self._figure is None:
                raise ValueError(f"figure {self.name!r} has no PNG and no figure to draw")
            with mpl.rc_context(self._rc):
                self._png = _save(self._figure, "png", self.png_dpi)
            self._figure = None  # drawn once; the Figure is no longer needed
        return self._png

    def detach(self, *, png: bool) -> Rendered:
        """Drop the Figure (so that this pickles), drawing the PNG first when ``png``."""
        if png:
            self.png  # noqa: B018 - drawn and kept
        self._figure = None
        return self

    def __getstate__(self) -> dict[str, Any]:
        if self._figure is not None:
            raise TypeError(f"figure {self.name!r}: detach() before pickling")
        return {k: getattr(self, k) for k in self.__slots__}

    def __setstate__(self, state: dict[str, Any]) -> None:
        for k, v in state.items():
            setattr(self, k, v)

    def __repr__(self) -> str:
        return f"Rendered(name={self.name!r}, title={self.title!r})"


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
    # zlib level 1 for the PNG: a few % larger, several times faster to encode.
    extra = {"pil_kwargs": {"compress_level": 1}} if fmt == "png" else {}
    fig.savefig(buf, format=fmt, dpi=dpi, metadata=metadata, facecolor="white", **extra)
    return buf.getvalue()


def warm(style: str = "slide") -> None:
    """Import matplotlib and load the style's fonts now, before a fork, so that both
    processes share them instead of each paying for them (about half a second)."""
    import matplotlib as mpl

    import trialkit.plots  # noqa: F401 - imported for its side effect (loaded once)
    from trialkit.plots._style import get_style, new_figure

    fig, ax = new_figure(style)
    ax.set_title("warm")
    with mpl.rc_context(get_style(style)["rc"]):
        fig.draw_without_rendering()


def render(trial: Trial, *, style: str = "slide", r: float | None = None, png_dpi: int = 110,
           step: Callable[[str], None] | None = None,
           frames: tuple[Any, Any, Any] | None = None) -> list[Rendered]:
    """Draw :func:`trialkit.figures.figure_set` once; each figure as SVG now, PNG on demand.

    Each figure's layout is computed once, by the SVG draw, then frozen, so that the PNG (for
    the deck, drawn only when it is asked for) has exactly the same layout and no second
    layout pass is made. The SVG is byte-identical across runs (the style's rc with
    ``svg.hashsalt``, no date), as :func:`trialkit.plots._style.save` writes files. ``frames``
    are the trial's (means, within, between) when the caller has computed them; ``step`` is
    called before each stage (for a progress display).
    """
    from trialkit.figures import figure_set
    from trialkit.plots._style import get_style

    spec = get_style(style)
    if step:
        step("drawing figures")
    figures = figure_set(trial, style=style, r=r, frames=frames)
    return [rendered(name, fig, f"f{k}", spec, png_dpi=png_dpi, step=step)
            for k, (name, fig) in enumerate(figures.items())]


def render_sure(trial: Trial, frames: Frames, *, style: str = "slide", start: int = 0,
                png_dpi: int = 110, step: Callable[[str], None] | None = None
                ) -> list[Rendered]:
    """The reanalysis figures (:func:`trialkit.report._sure.sure_figures`), rendered like
    :func:`render`; their SVG ids are ``r{start + k}-...`` (the data figures' ``f{k}-...``)."""
    from trialkit.plots._style import get_style
    from trialkit.report._sure import sure_figures

    spec = get_style(style)
    figures = sure_figures(trial, frames, style=style)
    return [rendered(name, fig, f"r{start + k}", spec, png_dpi=png_dpi, step=step)
            for k, (name, fig) in enumerate(figures.items())]


def rendered(name: str, fig: Figure, prefix: str, spec: dict[str, Any], *,
             png_dpi: int = 110, step: Callable[[str], None] | None = None) -> Rendered:
    """One drawn figure as :class:`Rendered`: SVG now (its layout then frozen), PNG later."""
    import matplotlib as mpl

    if step:
        step(f"rendering {name}")
    rc = {**spec["rc"], "svg.hashsalt": "trialkit"}
    with mpl.rc_context(rc):
        svg = _save(fig, "svg", 72).decode("utf-8")  # runs the layout engine once
    fig.set_layout_engine("none")  # freeze it: the PNG reuses this layout (see plots.save)
    title, sub = _texts(fig)
    kind = KINDS.get(next((p for p in KINDS if name.startswith(p)), ""), "Figure")
    alt = f"{kind}. {title}. {sub}".strip(" .") + "."
    return Rendered(name=name, title=title or name, alt=alt, svg=_inline(svg, prefix, alt),
                    figure=fig, rc=rc, png_dpi=png_dpi)
