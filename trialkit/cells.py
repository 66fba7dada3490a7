"""Parse numbers and table cells as papers print them.

A published table writes a mean and its spread in one cell: "5.2 (1.3)", "5.2 ± 1.3",
"5.2 [4.1, 6.3]", "6 (4-8)". The caller says what the brackets hold (``spread``); this module
turns the cell into named numbers and keeps each number's text as printed, because trailing
zeros matter when checking whether a mean is possible ("5.10" is not "5.1").

Every function either returns a value or raises :class:`~trialkit.errors.TrialDataError`;
nothing else escapes and nothing becomes NaN.
"""

from __future__ import annotations

import math
import re
from typing import Literal

from trialkit.errors import TrialDataError

__all__ = ["SPREADS", "parse_cell", "parse_count", "parse_number"]

Spread = Literal["sd", "se", "ci95", "iqr", "range"]

#: What the brackets of a cell can hold, and the names of the numbers a cell then yields.
SPREADS: dict[str, tuple[str, ...]] = {
    "sd": ("mean", "sd"),
    "se": ("mean", "se"),
    "ci95": ("mean", "ci_low", "ci_high"),
    "iqr": ("median", "q1", "q3"),
    "range": ("median", "min", "max"),
}

# Typographic minus signs and dashes that papers (and PDF copy-paste) use.
_MINUS = str.maketrans({"\u2212": "-", "\u2012": "-", "\u2010": "-", "\u2011": "-"})
_NUM = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_NUMBER_RE = re.compile(rf"^{_NUM}$")
_PLUSMINUS_RE = re.compile(rf"^({_NUM})\s*(?:±|\+/-|\+-)\s*({_NUM})$")
_BRACKET_RE = re.compile(rf"^({_NUM})\s*([(\[])\s*(.*?)\s*([)\]])$")
_INTERVAL_RE = re.compile(rf"^({_NUM})\s*(?:,|;|\bto\b|–|—|-)\s*({_NUM})$")


def parse_number(text: object, *, file: str | None = None, row: int | None = None,
                 field: str | None = None) -> float:
    """Read one finite number written as text.

    Accepts an optional sign (including the typographic minus "−"), digits with an optional
    decimal point, a leading-dot decimal (".56") and an exponent. Rejects everything else,
    including empty strings, "NA", "nan", "inf" and thousands separators.

    Parameters
    ----------
    text : object
        The text (an ``int`` or ``float`` is accepted as is, if finite).
    file, row, field : optional
        Where the text comes from, for the error message.

    Returns
    -------
    float

    Raises
    ------
    TrialDataError
        If the text is not a finite number.

    Examples
    --------
    >>> parse_number("−0.56")
    -0.56
    >>> parse_number(".5")
    0.5
    """
    if isinstance(text, bool):
        raise TrialDataError(f"expected a number, got {text!r}", file=file, row=row, field=field)
    if isinstance(text, int | float):
        value = float(text)
        if not math.isfinite(value):
            raise TrialDataError(f"expected a finite number, got {text!r}", file=file, row=row,
                                 field=field)
        return value
    if not isinstance(text, str):
        raise TrialDataError(f"expected a number, got {text!r}", file=file, row=row, field=field)
    cleaned = text.strip().translate(_MINUS)
    if not _NUMBER_RE.match(cleaned):
        got = repr(text) if text.strip() else "an empty cell"
        raise TrialDataError(f"expected a number, got {got}", file=file, row=row, field=field)
    value = float(cleaned)
    if not math.isfinite(value):
        raise TrialDataError(f"number out of range: {text!r}", file=file, row=row, field=field)
    return value


def parse_count(text: object, *, minimum: int = 1, file: str | None = None,
                row: int | None = None, field: str | None = None) -> int:
    """Read a whole number of patients (or items), at least ``minimum``.

    Examples
    --------
    >>> parse_count("17")
    17
    >>> parse_count("9.0")
    9
    """
    value = parse_number(text, file=file, row=row, field=field)
    if value != int(value):
        raise TrialDataError(f"expected a whole number, got {text!r}", file=file, row=row,
                             field=field)
    if value < minimum:
        raise TrialDataError(f"expected a whole number >= {minimum}, got {text!r}", file=file,
                             row=row, field=field)
    return int(value)


def _clean(text: str) -> str:
    return " ".join(text.translate(_MINUS).split())


def parse_cell(text: object, spread: Spread = "sd", *, file: str | None = None,
               row: int | None = None, field: str | None = None) -> dict[str, float | str]:
    """Split a published table cell into named numbers.

    Parameters
    ----------
    text : str
        The cell as printed. Recognised forms: ``"5.2 (1.3)"``, ``"5.2 [1.3]"``,
        ``"5.2 ± 1.3"``, ``"5.2 +/- 1.3"`` for one spread number; ``"5.2 [4.1, 6.3]"``,
        ``"5.2 (4.1-6.3)"``, ``"5.2 (4.1 to 6.3)"``, ``"6 [4; 8]"`` for an interval.
        Negative numbers and the typographic minus are understood (``"-2.0 (-3.1 to -0.9)"``).
    spread : {"sd", "se", "ci95", "iqr", "range"}
        What the brackets hold: a standard deviation, a standard error, a 95% confidence
        interval around a mean, or the interquartile range or range around a median.
    file, row, field : optional
        Where the cell comes from, for the error message.

    Returns
    -------
    dict
        The numbers named as in :data:`SPREADS` (e.g. ``mean`` and ``sd``), each also as the
        text printed (``mean_text``, ``sd_text``), so that trailing zeros are kept.

    Raises
    ------
    TrialDataError
        If the cell does not have the expected form, or its numbers are impossible (a negative
        SD or SE, an interval whose lower end exceeds its upper end or excludes the centre).

    Examples
    --------
    >>> parse_cell("5.10 (1.30)")
    {'mean': 5.1, 'sd': 1.3, 'mean_text': '5.10', 'sd_text': '1.30'}
    >>> parse_cell("6 (4-8)", spread="iqr")["q3"]
    8.0
    """
    if spread not in SPREADS:
        raise TrialDataError(f"spread must be one of {', '.join(SPREADS)}, got {spread!r}",
                             field="spread")
    where = {"file": file, "row": row, "field": field}
    if not isinstance(text, str):
        raise TrialDataError(f"expected text such as '5.2 (1.3)', got {text!r}", **where)
    cell = _clean(text)
    names = SPREADS[spread]
    two = len(names) == 3
    example = {"sd": "5.2 (1.3)", "se": "5.2 (0.4)", "ci95": "5.2 [4.1, 6.3]",
               "iqr": "6 (4-8)", "range": "6 (2-10)"}[spread]
    bad = TrialDataError(
        f"cannot read {text!r} as {'/'.join(names)}; expected a cell like {example!r}", **where)

    parts: list[str]
    m = _PLUSMINUS_RE.match(cell)
    if m:
        if two:
            raise bad
        parts = [m.group(1), m.group(2)]
    else:
        m = _BRACKET_RE.match(cell)
        if not m or {"(": ")", "[": "]"}[m.group(2)] != m.group(4):
            raise bad
        inner = m.group(3)
        if two:
            mi = _INTERVAL_RE.match(inner)
            if not mi:
                raise bad
            parts = [m.group(1), mi.group(1), mi.group(2)]
        else:
            if not _NUMBER_RE.match(inner):
                raise bad
            parts = [m.group(1), inner]

    values = [parse_number(p, **where) for p in parts]
    out: dict[str, float | str] = dict(zip(names, values, strict=True))
    for name, part in zip(names, parts, strict=True):
        out[f"{name}_text"] = part
    if not two and values[1] < 0:
        raise TrialDataError(
            f"{text!r}: an {spread.upper()} cannot be negative ({parts[1]})", **where)
    if two:
        centre, low, high = values
        if low > high:
            raise TrialDataError(f"{text!r}: interval lower end {parts[1]} exceeds upper end "
                                 f"{parts[2]}", **where)
        if not low <= centre <= high:
            raise TrialDataError(f"{text!r}: {names[0]} {parts[0]} lies outside its own "
                                 f"interval", **where)
    return out
