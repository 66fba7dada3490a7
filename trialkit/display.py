"""Formatting for people: rounding happens here, never inside a statistic."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from trialkit.trial import Trial

__all__ = ["fmt_number", "fmt_p", "fmt_probability", "frame_to_text", "meta_record", "readable",
           "reported_for_display", "results_for_display", "summary_for_display"]


def fmt_number(value: Any, digits: int = 2) -> str:
    """A number for display: fixed decimals, "" for missing, integers without decimals.

    Infinities are shown as text (``inf``, ``-inf``), never formatted as numbers.

    Examples
    --------
    >>> fmt_number(3.14159), fmt_number(17), fmt_number(float("nan"))
    ('3.14', '17', '')
    >>> fmt_number(float("inf"), 0), fmt_number(float("-inf"))
    ('inf', '-inf')
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    try:
        x = float(value)
    except (TypeError, ValueError):
        return str(value)
    if math.isnan(x):
        return ""
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if x == int(x) and abs(x) < 1e15 and digits == 0:
        return str(int(x))
    return f"{x:.{digits}f}"


def summary_for_display(trial: Trial, digits: int = 2, *,
                        changes: bool = False) -> pd.DataFrame:
    """The summary table as text, numbers shown as printed where the source printed them;
    with ``changes``, the published changes from baseline (:attr:`Trial.changes`) instead.
    The printed footnote marks and cells, where the table has any, are shown beside them."""
    frame = trial.changes if changes else trial.summary
    shown = frame[["outcome", "arm", "timepoint", "n"]].astype({"n": "string"}).copy()
    for col in ("mean", "sd"):
        text_col = frame[f"{col}_text"] if f"{col}_text" in frame else None
        shown[col] = [
            t if isinstance(t, str) else fmt_number(v, digits)
            for t, v in zip(text_col if text_col is not None else [None] * len(frame),
                            frame[col], strict=True)
        ]
    for col in ("se", "ci_low", "ci_high", "median", "q1", "q3", "min", "max"):
        if col in frame and frame[col].notna().any():
            # no printed text is kept for these: the shortest form of the stored number, so
            # a printed "19" is not shown as "19.00" (a precision the paper did not print)
            shown[col] = [_shortest(v) for v in frame[col]]
    for col in ("footnote", "printed"):
        if col in frame and frame[col].fillna("").astype(str).str.strip().ne("").any():
            shown[col] = frame[col].fillna("").astype(str)
    shown["source"] = frame["source"]
    return shown


def reported_for_display(trial: Trial) -> pd.DataFrame:
    """The published statements (``reported.csv``, and the p / t / F columns of a typed-in
    table) as text: what each states and where it is printed."""
    frame = trial.reported.fillna("")
    shown = frame[["id", "statistic", "outcome"]].copy()
    shown["about"] = [c if c else a for a, c in zip(frame["arm"], frame["comparison"],
                                                     strict=True)]
    shown["timepoint"] = frame["timepoint"]
    shown["stated"] = (frame["relation"].astype(str) + " " + frame["value"].astype(str))
    shown["source"] = frame["source"]
    return shown


def _shortest(value: Any) -> str:
    """The shortest text that reads back as ``value`` ("" for missing): 19.0 -> "19"."""
    x = float(value)
    if math.isnan(x):
        return ""
    return fmt_number(x, 0) if math.isinf(x) else np.format_float_positional(x, trim="-")


def frame_to_text(frame: pd.DataFrame) -> str:
    """A plain, left-aligned text table (no index)."""
    columns = [str(c) for c in frame.columns]
    cells = [["" if v is None else str(v) for v in row] for row in frame.itertuples(index=False)]
    widths = [max([len(c), *(len(r[i]) for r in cells)]) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for r in cells:
        lines.append("  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip())
    return "\n".join(lines)


def meta_record(trial: Trial) -> dict[str, Any]:
    """The trial's metadata as plain JSON-ready data."""
    m = trial.meta
    return {
        "id": m.id, "title": m.title, "citation": m.citation, "doi": m.doi, "design": m.design,
        "reference_arm": m.reference_arm, "level": trial.level, "n": trial.n,
        "illustrative": trial.illustrative, "no_baseline": trial.no_baseline,
        "arms": [{"id": a.id, "label": a.label, "n": a.n} for a in m.arms],
        "timepoints": [{"id": t.id, "label": t.label, "order": t.order, "baseline": t.baseline}
                       for t in m.timepoints],
        "outcomes": [{"id": o.id, "label": o.label, "unit": o.unit, "direction": o.direction,
                      "lower": o.lower, "upper": o.upper, "integer": o.integer,
                      "mcid": o.mcid, "mcid_source": o.mcid_source, "domain": o.domain}
                     for o in m.outcomes],
    }


def fmt_probability(p: float) -> str:
    """A probability for display: two decimals, but never a rounded 0 or 1.

    Examples
    --------
    >>> fmt_probability(0.2894), fmt_probability(0.9961), fmt_probability(0.001)
    ('0.29', '> 0.99', '< 0.01')
    """
    if p >= 0.995:
        return "> 0.99"
    if p < 0.005:
        return "< 0.01"
    return f"{p:.2f}"


def fmt_p(p: Any) -> str:
    """A p value for display: ``"<0.001"``, else three decimals; "" when not defined.

    Examples
    --------
    >>> fmt_p(0.0004), fmt_p(0.0449), fmt_p(float("nan"))
    ('<0.001', '0.045', '')
    """
    text = fmt_number(p, 3)
    if not text:
        return ""
    return "<0.001" if float(p) < 0.001 else text


def results_for_display(frame: pd.DataFrame, keys: list[str], digits: int = 2) -> pd.DataFrame:
    """A result frame (estimate, ci_low, ci_high, p, method) as a readable text table."""
    shown = frame[keys].astype(str).copy()
    shown["estimate"] = [fmt_number(v, digits) for v in frame["estimate"]]
    shown["95% CI"] = [
        f"[{fmt_number(lo, digits)}, {fmt_number(hi, digits)}]" if fmt_number(lo, digits)
        else "" for lo, hi in zip(frame["ci_low"], frame["ci_high"], strict=True)]
    shown["p"] = [fmt_p(p) for p in frame["p"]]
    if "unit" in frame:
        shown["unit"] = frame["unit"].astype(str)
    if "favours" in frame:
        shown["favours"] = frame["favours"].astype(str)
    if "improved" in frame and frame["improved"].notna().any():
        # Left out when no outcome shown declares its direction: nothing can be "improved".
        shown["improved"] = ["" if v is None or v is pd.NA else ("yes" if v else "no")
                             for v in frame["improved"].astype(object)]
    shown["method"] = frame["method"]
    return shown


def readable(frame: pd.DataFrame, digits: int = 4) -> pd.DataFrame:
    """Any result frame as text: floats to ``digits`` significant digits, missing as blank.

    Examples
    --------
    >>> import pandas as pd
    >>> readable(pd.DataFrame({"x": [1.23456, float("nan")], "y": ["a", None]})).values.tolist()
    [['1.235', 'a'], ['', '']]
    """
    out = pd.DataFrame(index=frame.index)
    for col in frame.columns:
        values = frame[col]
        if values.dtype.kind == "f":
            out[col] = ["" if v != v else f"{v:.{digits}g}" for v in values]
        else:
            out[col] = ["" if v is None or v is pd.NA or (isinstance(v, float) and v != v)
                        else str(v) for v in values.astype(object)]
    return out
