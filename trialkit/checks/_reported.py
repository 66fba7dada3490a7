"""Reported numbers: the rounding interval a printed number stands for, and whether a
computed range satisfies a stated relation."""

from __future__ import annotations

import functools
import itertools
import math
import re
from typing import NamedTuple

import numpy as np
import pandas as pd

from trialkit.checks import _numbers as num
from trialkit.checks import _texts as txt
from trialkit.errors import TrialDataError

__all__ = ["Range", "holds", "holds_margin", "parse_ci", "printed_text", "statement_range",
           "text_interval"]


def text_interval(text: str, rounding: str = "up_or_down") -> tuple[float, float, int]:
    """The interval of true values a printed number stands for: (low, high, decimals)."""
    return _text_interval(str(text), rounding)


@functools.lru_cache(maxsize=4096)  # a root finder asks for the same text many times
def _text_interval(text: str, rounding: str) -> tuple[float, float, int]:
    rep = txt.parse_reported(str(text).replace("\u2212", "-").strip(), "value")
    lo, hi, _, _ = num.bounds(rep.X, rep.d, rounding)
    M = 2.0 * 10.0 ** float(rep.d[0])
    return float(lo[0]) / M, float(hi[0]) / M, int(rep.d[0])


@functools.lru_cache(maxsize=4096)
def _value(text: str) -> float:
    return float(txt.parse_reported(str(text).strip(), "value").value[0])


class Range(NamedTuple):
    """The true values a printed statement allows: low..high, each end open or closed."""

    low: float
    high: float
    low_open: bool
    high_open: bool

    def before(self, other: Range) -> bool:
        """Every value of self lies below every value of other."""
        return self.high < other.low or (self.high == other.low
                                         and (self.high_open or other.low_open))

    def text(self) -> str:
        if self.low == -math.inf:
            return f"{'<' if self.high_open else '<='} {self.high:g}"
        if self.high == math.inf:
            return f"{'>' if self.low_open else '>='} {self.low:g}"
        return f"{self.low:g} to {self.high:g}"


def statement_range(relation: str, text: str, rounding: str = "up_or_down") -> Range | None:
    """The values ``relation text`` allows (``=`` and ``~``: the printed number's rounding
    interval, as :func:`holds` reads it), or None when it is not one printed number."""
    try:
        if relation in ("=", "~"):
            low, high, _ = text_interval(text, rounding)
            return Range(low, high, False, False)
        v = _value(text)
    except (TrialDataError, ValueError, IndexError):
        return None
    return {"<": Range(-math.inf, v, True, True), "<=": Range(-math.inf, v, True, False),
            ">": Range(v, math.inf, True, True), ">=": Range(v, math.inf, False, True)
            }.get(relation)


def holds(relation: str, text: str, low: float, high: float,
          rounding: str = "up_or_down") -> tuple[bool, bool]:
    """Does a computed range ``[low, high]`` satisfy ``relation text``?

    Returns (possible, robust): possible when some value in the range satisfies it (the
    exact value, known only up to the rounding of the inputs, could), robust when every
    value does. ``=`` and ``~`` compare with the rounding interval of the printed number.
    """
    relation = "=" if relation == "~" else relation
    if relation == "=":
        rl, rh, _ = text_interval(text, rounding)
        return bool(low <= rh and high >= rl), bool(rl <= low and high <= rh)
    v = _value(text)
    if relation == "<":
        return bool(low < v), bool(high < v)
    if relation == "<=":
        return bool(low <= v), bool(high <= v)
    if relation == ">":
        return bool(high > v), bool(low > v)
    if relation == ">=":
        return bool(high >= v), bool(low >= v)
    raise TrialDataError(f"unknown relation {relation!r}", field="relation")


def holds_margin(relation: str, text: str, low: np.ndarray, high: np.ndarray,
                 rounding: str = "up_or_down") -> np.ndarray:
    """Vectorized :func:`holds` (possible): a margin that is >= 0 exactly where some value of
    ``[low, high]`` satisfies ``relation text``, and continuous in ``low`` and ``high``
    (so that a root finder can locate where a statement stops holding)."""
    relation = "=" if relation == "~" else relation
    low, high = np.asarray(low, float), np.asarray(high, float)
    if relation == "=":
        rl, rh, _ = text_interval(text, rounding)
        return np.minimum(rh - low, high - rl)
    v = _value(text)
    tiny = 1e-12 * max(abs(v), 1e-300)
    if relation == "<":
        return v - low - tiny
    if relation == "<=":
        return v - low
    if relation == ">":
        return high - v - tiny
    if relation == ">=":
        return high - v
    raise TrialDataError(f"unknown relation {relation!r}", field="relation")


_CI_RE = re.compile(r"^\s*[\[(]?\s*([-\u2212+]?\d*\.?\d+)\s*"
                    r"(?:,|;|to|\u2013|\u2014|-(?=\s*[-\u2212]?\d))"
                    r"\s*([-\u2212+]?\d*\.?\d+)\s*[\])]?\s*$")


def parse_ci(text: str) -> tuple[str, str]:
    """Split a printed interval ("1.2 to 3.4", "[-0.5, 2.1]", "1.2-3.4") into two texts."""
    m = _CI_RE.match(str(text))
    if not m:
        raise TrialDataError(f"expected an interval such as '1.2 to 3.4', got {text!r}",
                             field="value")
    return m.group(1).replace("\u2212", "-"), m.group(2).replace("\u2212", "-")


def printed_text(row: pd.Series, col: str) -> str | None:
    """The text a summary row's ``col`` was printed as, None when it was computed."""
    text = row.get(f"{col}_text") if f"{col}_text" in row.index else None
    return None if text is None or pd.isna(text) else str(text)


def _box(row: pd.Series, col: str, rounding: str, positive: bool = False) -> tuple[
        float, float, float]:
    """(low, high, centre) of a summary value: its rounding interval when printed."""
    value = float(row[col])
    text = printed_text(row, col)
    if text is None:
        return value, value, value
    lo, hi, _ = text_interval(str(text), rounding)
    if positive:
        # A printed SD of "0.00" stands for a true SD in [0, 0.005): the tests divide by
        # it, so its box starts just above 0, and so does its centre.
        lo = max(lo, min(1e-9, value) if value > 0 else 1e-9)
        value = max(value, lo)
    return lo, hi, value


def _corners(inputs: dict[str, tuple[float, float, float]]) -> dict[str, np.ndarray]:
    """Every corner of the box, then the centre (last element)."""
    names = list(inputs)
    grid = np.array(list(itertools.product((0, 1), repeat=len(names))), dtype=int)
    out = {}
    for i, name in enumerate(names):
        lo, hi, c = inputs[name]
        out[name] = np.append(np.where(grid[:, i] == 0, lo, hi), c)
    return out
