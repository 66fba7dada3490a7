"""Shared helpers for the plotting functions: selecting rows, axes, direction hints."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from trialkit.errors import TrialDataError

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes


MINUS = "\u2212"


def select(frame: pd.DataFrame, what: str, **keys: Any) -> pd.DataFrame:
    """Rows of a result frame matching ``keys`` (None means any); an error if none match."""
    missing = [k for k in keys if keys[k] is not None and k not in frame.columns]
    if missing:
        raise TrialDataError(f"{what} needs a frame with column(s) {', '.join(missing)} "
                             f"(from trialkit.analysis)", field="frame")
    sel = frame
    for key, value in keys.items():
        if value is None:
            continue
        if isinstance(value, list | tuple | set):
            sel = sel[sel[key].isin(value)]
        else:
            sel = sel[sel[key] == value]
    if sel.empty:
        shown = ", ".join(f"{k}={v!r}" for k, v in keys.items() if v is not None)
        raise TrialDataError(f"{what}: no rows with {shown}", field="frame")
    return sel


def only_outcome(frame: pd.DataFrame, outcome: str | None, what: str) -> pd.DataFrame:
    """The rows of one outcome: ``outcome``, or the frame's only one."""
    if outcome is None:
        outcomes = frame["outcome"].unique()
        if len(outcomes) != 1:
            raise TrialDataError(f"{what}: the frame holds {len(outcomes)} outcomes; pass "
                                 f"outcome= (one of {', '.join(map(str, outcomes))})",
                                 field="outcome")
        outcome = outcomes[0]
    return select(frame, what, outcome=outcome)


def ensure_ax(ax: Axes | None, style: str, **size: Any) -> Axes:
    """The given axes, or the axes of a new pyplot-free figure in ``style``."""
    if ax is not None:
        return ax
    from trialkit.plots._style import new_figure

    _, ax = new_figure(style, **size)
    return ax


def direction_hint(ax: Axes, direction: str | None, *, style: str, axis: str = "y") -> None:
    """A small grey note in the corner: which way is better for patients (or that the
    direction was not given)."""
    from trialkit.plots._style import MUTED, get_style

    spec = get_style(style)
    if direction not in ("higher_is_better", "lower_is_better"):
        ax.text(0.0, 1.01, "direction of benefit not given", transform=ax.transAxes,
                ha="left", va="bottom", fontsize=spec["note"], color=MUTED,
                gid="trialkit-direction")
        return
    better = "higher" if direction == "higher_is_better" else "lower"
    arrow = {"y": {"higher": "\u2191", "lower": "\u2193"},
             "x": {"higher": "\u2192", "lower": "\u2190"}}[axis][better]
    ax.text(0.0, 1.01, f"{arrow} {better} is better", transform=ax.transAxes, ha="left",
            va="bottom", fontsize=spec["note"], color=MUTED, gid="trialkit-direction")


def arm_order(frame: pd.DataFrame) -> list[str]:
    """Arms in the order they appear (analysis frames follow the trial's arm order)."""
    return list(dict.fromkeys(frame["arm"]))


def signed(value: float, digits: int, suffix: str = "") -> str:
    """A number with an explicit sign and a true minus: ``+13.5°``, ``−33%``."""
    text = f"{abs(value):.{digits}f}"
    if float(text) == 0:
        return f"{text}{suffix}"
    sign = "+" if value > 0 else MINUS
    return f"{sign}{text}{suffix}"


def tick_labels(rows: pd.DataFrame, ids: list[str], width: int | None = None) -> list[str]:
    """Short, wrapped labels for timepoint ticks (``timepoint_short`` where present).

    With four or more ticks the labels wrap at word boundaries after about six characters.
    """
    import textwrap

    column = "timepoint_short" if "timepoint_short" in rows else "timepoint_label"
    names = dict(zip(rows["timepoint"], rows[column], strict=False))
    width = width or (6 if len(ids) >= 4 else 14)
    return ["\n".join(textwrap.wrap(str(names[t]), width, break_long_words=False))
            for t in ids]


def with_unit(text: str, unit: object) -> str:
    """``"Pain (points)"``; just ``"Pain"`` when no unit is given (no empty brackets).

    Examples
    --------
    >>> with_unit("Pain", "points"), with_unit("Pain", ""), with_unit("Pain", None)
    ('Pain (points)', 'Pain', 'Pain')
    """
    unit_text = "" if unit is None or unit != unit else str(unit).strip()
    return f"{text} ({unit_text})" if unit_text else text
