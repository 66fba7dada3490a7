"""Styles, colours, figure creation, the illustrative stamp and deterministic saving.

Nothing here changes matplotlib's global state: styles apply through ``rc_context`` while a
figure is drawn and saved, and figures are created with :class:`matplotlib.figure.Figure`
directly (not through pyplot), so they are not registered anywhere and display once when a
notebook cell returns them.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from trialkit.errors import TrialDataError

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

#: Okabe & Ito (2008) colour-blind-safe palette, in the order arms receive them.
OKABE_ITO = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#56B4E9", "#E69F00", "#F0E442")
#: The reference (control) arm is drawn in a neutral dark grey.
REFERENCE_GREY = "#5F6B73"
INK = "#1F2328"
MUTED = "#5F6B73"
GRID = "#E3E6E8"
AMBER_BG, AMBER_EDGE, AMBER_INK = "#FFF3CD", "#C98A00", "#5C4100"

ILLUSTRATIVE_TEXT = ("ILLUSTRATIVE NUMBERS: chosen to match the published statements, "
                     "not the article's table")

_BASE = {
    "font.family": "DejaVu Sans",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": "#9AA4AB",
    "axes.labelcolor": INK,
    "axes.titlecolor": INK,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.grid": True,
    "axes.grid.axis": "y",
    "axes.axisbelow": True,
    "grid.color": GRID,
    "grid.linewidth": 0.8,
    "xtick.color": MUTED,
    "ytick.color": MUTED,
    "xtick.labelcolor": INK,
    "ytick.labelcolor": INK,
    "legend.frameon": False,
    "text.color": INK,
    "svg.fonttype": "path",
    "svg.hashsalt": "trialkit",
    "pdf.fonttype": 42,
    "path.simplify": True,
}

STYLES: dict[str, dict[str, Any]] = {
    # Journal column: 3.5 in wide, 8-9 pt type.
    "paper": {
        "size": (3.5, 3.0), "wide": (7.2, 3.4), "dpi": 300, "screen_dpi": 150,
        "rc": {**_BASE, "font.size": 8, "axes.titlesize": 9, "axes.labelsize": 8,
               "xtick.labelsize": 7.5, "ytick.labelsize": 7.5, "legend.fontsize": 7.5,
               "lines.linewidth": 1.4, "lines.markersize": 4.5, "axes.linewidth": 0.7,
               "xtick.major.width": 0.7, "ytick.major.width": 0.7},
        "title": 9, "subtitle": 7.5, "note": 6.5, "label": 7,
    },
    # Projector: 16:9, large type.
    "slide": {
        "size": (13.33, 7.5), "wide": (13.33, 7.5), "dpi": 150, "screen_dpi": 72,
        "rc": {**_BASE, "font.size": 18, "axes.titlesize": 22, "axes.labelsize": 18,
               "xtick.labelsize": 16, "ytick.labelsize": 16, "legend.fontsize": 16,
               "lines.linewidth": 3.0, "lines.markersize": 10, "axes.linewidth": 1.2,
               "xtick.major.width": 1.2, "ytick.major.width": 1.2, "xtick.major.size": 6,
               "ytick.major.size": 6},
        "title": 26, "subtitle": 17, "note": 13, "label": 16,
    },
}


def get_style(style: str) -> dict[str, Any]:
    """The named style (``"paper"`` or ``"slide"``)."""
    if style not in STYLES:
        raise TrialDataError(f"style must be one of {', '.join(STYLES)}, got {style!r}",
                             field="style")
    return STYLES[style]


@contextlib.contextmanager
def style_context(style: str) -> Iterator[dict[str, Any]]:
    """Apply a style's rcParams for the duration of a ``with`` block (nothing global)."""
    import matplotlib as mpl

    spec = get_style(style)
    with mpl.rc_context(spec["rc"]):
        yield spec


def new_figure(style: str, *, nrows: int = 1, ncols: int = 1, size: tuple[float, float] | None
               = None, wide: bool = False, **kwargs: Any) -> tuple[Figure, Any]:
    """A pyplot-free Figure with a constrained layout and its axes."""
    from matplotlib.figure import Figure

    spec = get_style(style)
    with style_context(style):
        fig = Figure(figsize=size or spec["wide" if wide else "size"], layout="constrained",
                     dpi=spec["screen_dpi"])
        axes = fig.subplots(nrows, ncols, squeeze=True, **kwargs)
    return fig, axes


def arm_colours(arms: Sequence[str], reference: str | None) -> dict[str, str]:
    """Colour per arm: the reference arm grey, the others from the Okabe-Ito palette."""
    colours, k = {}, 0
    for arm in arms:
        if arm == reference:
            colours[arm] = REFERENCE_GREY
        else:
            colours[arm] = OKABE_ITO[k % len(OKABE_ITO)]
            k += 1
    return colours


def _wrap(text: str, width_in: float, fontsize: float, em: float = 0.55) -> list[str]:
    """Wrap text to a width in inches (average glyph about ``em`` of the font size)."""
    import textwrap

    chars = max(20, int(width_in * 72 / (em * fontsize)))
    lines: list[str] = []
    for para in text.split("\n"):
        lines.extend(textwrap.wrap(para, chars) or [""])
    return lines


def header(fig: Figure, title: str, subtitle: str = "", *, style: str,
           right_margin: float = 0.0) -> None:
    """A bold left-aligned title and a grey subtitle above all axes.

    The title is the figure's ``suptitle`` (so the constrained layout makes room for it); it
    carries blank lines that reserve the subtitle's space, and the subtitle is anchored to
    the bottom of the title's box.
    """
    from matplotlib.text import Annotation

    spec = get_style(style)
    title_lines = _wrap(title, fig.get_figwidth() * (0.98 - right_margin), spec["title"],
                        em=0.64)
    sub_lines = (_wrap(subtitle, fig.get_figwidth() * 0.98, spec["subtitle"], em=0.52)
                 if subtitle else [])
    reserve = -(-len(sub_lines) * spec["subtitle"] * 1.3 // (spec["title"] * 1.2))
    text = "\n".join(title_lines) + "\n " * int(reserve)
    suptitle = fig.suptitle(text, x=0.01, ha="left", fontsize=spec["title"],
                            fontweight="bold", color=INK, linespacing=1.2)
    if sub_lines:
        note = Annotation("\n".join(sub_lines), xy=(0, 0), xycoords=suptitle,
                          xytext=(0, spec["subtitle"] * 0.2), textcoords="offset points",
                          ha="left", va="bottom", fontsize=spec["subtitle"], color=MUTED,
                          linespacing=1.25, gid="trialkit-subtitle")
        note.set_in_layout(False)
        fig.add_artist(note)


def footer(fig: Figure, text: str, *, style: str) -> None:
    """A small grey note under the figure (source, method, definitions).

    Drawn as plain text in a strip that the constrained layout keeps free (its ``rect``), so
    that a legend placed "outside lower center" sits above it rather than on it.
    """
    spec = get_style(style)
    lines = _wrap(text, fig.get_figwidth() * 0.98, spec["note"])
    height_in = (len(lines) * spec["note"] * 1.3 + spec["note"] * 0.8) / 72
    share = min(0.4, height_in / fig.get_figheight())
    fig.text(0.01, 0.004, "\n".join(lines), ha="left", va="bottom", fontsize=spec["note"],
             color=MUTED, linespacing=1.3, gid="trialkit-footer")
    engine = fig.get_layout_engine()
    if engine is not None and hasattr(engine, "set"):
        engine.set(rect=(0, share, 1, 1 - share))


def stamp_illustrative(target: Figure | Axes, *, style: str) -> None:
    """Mark a figure (or one axes) as drawn from illustrative numbers, in an amber box."""
    from matplotlib.figure import Figure

    spec = get_style(style)
    box = {"boxstyle": "round,pad=0.35", "facecolor": AMBER_BG, "edgecolor": AMBER_EDGE,
           "linewidth": 1.0}
    if isinstance(target, Figure):
        stamp = target.text(0.995, 0.99, "ILLUSTRATIVE", ha="right", va="top",
                            fontsize=spec["label"], fontweight="bold", color=AMBER_INK,
                            bbox=box, gid="trialkit-illustrative",
                            transform=target.transSubfigure)
        stamp.set_in_layout(False)
    else:
        target.text(0.99, 0.98, "ILLUSTRATIVE", ha="right", va="top",
                    fontsize=spec["note"], fontweight="bold", color=AMBER_INK, bbox=box,
                    transform=target.transAxes, gid="trialkit-illustrative", zorder=10)


def save(fig: Figure, path: str | Path, formats: Sequence[str] = ("png",), *,
         dpi: int | None = None, style: str = "paper") -> list[Path]:
    """Save a figure in each format; SVG and PDF are byte-identical across runs.

    Parameters
    ----------
    fig : Figure
    path : str or Path
        File name without (or with, ignored) extension.
    formats : sequence of {"png", "svg", "pdf"}
    dpi : int, optional
        Resolution of PNG output (default: the style's).

    Returns
    -------
    list of Path
        The files written.
    """
    allowed = ("png", "svg", "pdf")
    bad = [f for f in formats if f not in allowed]
    if bad:
        raise TrialDataError(f"formats must be among {', '.join(allowed)}, got {bad}",
                             field="format")
    import matplotlib as mpl

    spec = get_style(style)
    stem = Path(path)
    if stem.suffix.lower() in (".png", ".svg", ".pdf"):
        stem = stem.with_suffix("")
    stem.parent.mkdir(parents=True, exist_ok=True)
    metadata = {
        "png": {"Software": None},
        "svg": {"Date": None, "Creator": None},
        "pdf": {"CreationDate": None, "ModDate": None, "Creator": None, "Producer": None},
    }
    written = []
    with mpl.rc_context({**spec["rc"], "svg.hashsalt": "trialkit"}):
        # Run the constrained layout once and freeze it: each draw would otherwise re-run it
        # and move artists by tiny amounts, so two saves would not give the same bytes.
        if fig.get_layout_engine() is not None:
            fig.draw_without_rendering()
            fig.set_layout_engine("none")
        from trialkit.plots._labels import spread_labels

        for ax in fig.axes:  # measured once the layout is final
            spread_labels(ax)
        for fmt in formats:
            out = stem.with_suffix(f".{fmt}")
            fig.savefig(out, format=fmt, dpi=dpi or spec["dpi"], metadata=metadata[fmt],
                        facecolor="white")
            written.append(out)
    return written
