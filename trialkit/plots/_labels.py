"""Labels at the end of lines (a trajectory's arm names and values), kept apart vertically
once the figure's layout is final."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["END_LABEL", "spread_labels"]

#: gid of the labels at the end of lines, which :func:`spread_labels` keeps apart.
END_LABEL = "trialkit-end-label"


def spread_labels(ax: Axes, gid: str = END_LABEL, gap_pt: float = 2.0) -> None:
    """Move the end-of-line labels of ``ax`` apart vertically so that none overlaps another.

    Measures each label's extent with the figure's renderer (after the layout has run), then
    pushes labels up in order of height until consecutive ones are ``gap_pt`` apart, and
    shifts the group back so that on average labels stay level with their lines. Offsets are
    set in points from each label's anchor, so the result does not depend on the resolution;
    calling it again (after a new layout) starts from the anchors, not from earlier nudges.
    """
    import numpy as np

    labels = [t for t in ax.texts if t.get_gid() == gid and t.get_visible()]
    if len(labels) < 2:
        return
    fig = ax.figure
    for t in labels:
        t.xyann = (t.xyann[0], 0.0)
    fig.draw_without_rendering()
    to_pt = 72.0 / fig.dpi
    anchor = np.array([ax.transData.transform(t.xy)[1] for t in labels]) * to_pt
    height = np.array([t.get_window_extent().height for t in labels]) * to_pt
    order = np.argsort(anchor, kind="stable")
    placed = anchor[order].copy()
    for k in range(1, len(placed)):
        need = (height[order][k - 1] + height[order][k]) / 2 + gap_pt
        placed[k] = max(placed[k], placed[k - 1] + need)
    placed -= (placed - anchor[order]).mean()
    for k, i in enumerate(order):
        labels[i].xyann = (labels[i].xyann[0], float(placed[k] - anchor[i]))
