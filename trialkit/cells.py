"""Parse numbers and table cells as papers print them.

A published table writes a mean and its spread in one cell: "5.2 (1.3)", "5.2 ± 1.3",
"5.2 [4.1, 6.3]", "6 (4-8)". The caller says what the brackets hold (``spread``); this module
turns the cell into named numbers and keeps each number's text as printed, because trailing
zeros matter when checking whether a mean is possible ("5.10" is not "5.1").

What papers add around the numbers is understood, never thrown away:

- trailing punctuation ("2.0 ± 1.1.") is dropped;
- footnote marks after the cell, glued or after one space ("1.3 ± 1.1a", "5175.7 ± 3126.1ab",
  "4.1 (1.2)*", "†", "‡", "§", "¶", "#", superscripts such as "¹" or "ᵃ", letters "a,b") and
  marks glued to the mean ("4.1* (1.2)") are returned as ``footnote``. A letter counts as a
  footnote only where no digit follows it, so "1e5" is an exponent and "1.1e" is 1.1 with
  footnote "e". At most three glued letters (or one after a space) are read as a mark;
- a bare "+" between mean and SD ("4.75 + 4.372", a ± lost by a PDF) is read as ±, and
  flagged (``plus``) so that the table reader can check it against the rest of the column;
- typographic minus signs, thin and non-breaking spaces;
- thousands separators where unambiguous: a comma followed by three digits and then a
  decimal point ("5,175.7"), or two or more such groups ("1,234,567"). A comma that could be
  a decimal comma ("5,175", "5,2") is refused with an explanation;
- a per-cell n after the spread: "5.2 (1.3) [12]", "5.2 (1.3) (n=12)", "5.2 ± 1.3 (12)";
- percent signs glued to the numbers ("41.5% (15.7%)"): the numbers are read without them and
  the cell is flagged (``percent``), so that the table reader can take "%" as the unit;
- a range after a mean and its spread, separated by a comma or semicolon ("41.5 (15.7),
  19–75", "6 (4-8); 1-12" for a median, IQR and range): returned as ``min`` and ``max``.

Every function either returns a value or raises :class:`~trialkit.errors.TrialDataError`;
nothing else escapes and nothing becomes NaN.
"""

from __future__ import annotations

import math
import re
from typing import Literal

from trialkit.errors import TrialDataError

__all__ = ["MAX_N", "SPREADS", "parse_cell", "parse_count", "parse_number"]

Spread = Literal["sd", "se", "ci95", "iqr", "range"]

#: What the brackets of a cell can hold, and the names of the numbers a cell then yields.
SPREADS: dict[str, tuple[str, ...]] = {
    "sd": ("mean", "sd"),
    "se": ("mean", "se"),
    "ci95": ("mean", "ci_low", "ci_high"),
    "iqr": ("median", "q1", "q3"),
    "range": ("median", "min", "max"),
}

#: Largest magnitude of a number read from a table or file (beyond it, sums of squares and
#: the statistics built on them overflow or lose all precision).
MAX_ABS = 1e15
#: Largest arm or row size read: no randomized trial arm holds ten million patients, and
#: checks that loop over patients must finish.
MAX_N = 10**7

# Typographic minus signs and dashes that papers (and PDF copy-paste) use.
_MINUS = str.maketrans({"\u2212": "-", "\u2012": "-", "\u2010": "-", "\u2011": "-"})
_SPACES = str.maketrans({c: " " for c in "\u00a0\u2009\u202f\u2007\u200a\u2002\u2003\u2005"}
                        | {"\u200b": None, "\ufeff": None})
_NUM = r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
_NUMBER_RE = re.compile(rf"^{_NUM}$")
_PLUSMINUS_RE = re.compile(rf"^({_NUM})\s*(±|\+/-|\+-|\+)\s*({_NUM})$")
_BRACKET_RE = re.compile(rf"^({_NUM})\s*([(\[])\s*(.*?)\s*([)\]])$")
_INTERVAL_RE = re.compile(rf"^({_NUM})\s*(?:,|;|\bto\b|–|—|-)\s*({_NUM})$")
_SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻ⁺"
_MARKS = f"*†‡§¶#{_SUPERSCRIPTS}"
_MARK_TAIL = re.compile(rf"^(.*?)\s*([{re.escape(_MARKS)}]+)$")
_LETTER_TAIL = re.compile(r"^(.*?[0-9)\]])(?:([A-Za-z]{1,3}|[A-Za-z](?:,[A-Za-z])+)| ([A-Za-z]))$")
_PUNCT_TAIL = re.compile(r"^(.*?)\s*[.,;:]$")
_MEAN_MARK = re.compile(rf"^({_NUM})([{re.escape(_MARKS)}]+|[A-Za-z]{{1,2}})(?=\s*[(\[±+])")
_N_TAIL = re.compile(r"^(.*[0-9)\]])\s*[(\[]\s*(?:n\s*=\s*)?([0-9]+)\s*[)\]]$", re.IGNORECASE)
_THOUSANDS = re.compile(r"(?<![0-9.,])[0-9]{1,3}(?:,[0-9]{3})+(?=\.[0-9])"
                        r"|(?<![0-9.,])[0-9]{1,3}(?:,[0-9]{3}){2,}(?![0-9,.])")
_COMMA_NUMBER = re.compile(r"[0-9],[0-9]")
_PERCENT = re.compile(r"(?<=[0-9])\s*%")
_RANGE_TAIL = re.compile(rf"^(.*?[0-9)\]])\s*[,;]\s*(?:range:?\s*)?({_NUM})\s*"
                         rf"(?:–|—|-|\bto\b)\s*({_NUM})$", re.IGNORECASE)


def _where(file: str | None, row: int | None, field: str | None) -> dict[str, object]:
    return {"file": file, "row": row, "field": field}


def parse_number(text: object, *, file: str | None = None, row: int | None = None,
                 field: str | None = None) -> float:
    """Read one finite number written as text.

    Accepts an optional sign (including the typographic minus "−"), digits with an optional
    decimal point, a leading-dot decimal (".56") and an exponent. Rejects everything else,
    including empty strings, "NA", "nan", "inf" and thousands separators, numbers larger
    than 1e15 in magnitude (:data:`MAX_ABS`), and numbers so small that they underflow to 0
    ("1e-400" is not 0).

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
        If the text is not a finite number in range.

    Examples
    --------
    >>> parse_number("−0.56")
    -0.56
    >>> parse_number(".5")
    0.5
    """
    where = _where(file, row, field)
    if isinstance(text, bool):
        raise TrialDataError(f"expected a number, got {text!r}", **where)
    if isinstance(text, int | float):
        if isinstance(text, int) and abs(text) > MAX_ABS:
            raise TrialDataError(f"number out of range: {text!r} (trialkit reads numbers up "
                                 f"to 1e15 in magnitude)", **where)
        value = float(text)
        if not math.isfinite(value):
            raise TrialDataError(f"expected a finite number, got {text!r}", **where)
    elif isinstance(text, str):
        cleaned = text.translate(_SPACES).strip().translate(_MINUS)
        if not _NUMBER_RE.match(cleaned):
            got = repr(text) if text.strip() else "an empty cell"
            raise TrialDataError(f"expected a number, got {got}", **where)
        value = float(cleaned)
        mantissa = re.split("[eE]", cleaned)[0]
        if value == 0 and re.search("[1-9]", mantissa):
            raise TrialDataError(f"{text!r} is too small to be represented (it would "
                                 f"underflow to 0, which it is not)", **where)
    else:
        raise TrialDataError(f"expected a number, got {text!r}", **where)
    if not math.isfinite(value) or abs(value) > MAX_ABS:
        raise TrialDataError(f"number out of range: {text!r} (trialkit reads numbers up to "
                             f"1e15 in magnitude)", **where)
    if value != 0 and abs(value) < 1e-300:
        raise TrialDataError(f"{text!r} is too small to compute with", **where)
    return value


def parse_count(text: object, *, minimum: int = 1, file: str | None = None,
                row: int | None = None, field: str | None = None) -> int:
    """Read a whole number of patients (or items), at least ``minimum``, at most
    :data:`MAX_N` (ten million: no trial arm is larger, and checks that loop over patients
    must finish).

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
    if value > MAX_N:
        raise TrialDataError(f"expected at most {MAX_N:,} patients, got {text!r}", file=file,
                             row=row, field=field)
    return int(value)


def _clean(text: str) -> str:
    return " ".join(text.translate(_SPACES).translate(_MINUS).split())


def split_footnote(cell: str) -> tuple[str, str]:
    """Split trailing punctuation and footnote marks off a cleaned cell.

    Returns the cell without them and the marks as printed ("" when none), in order.

    Examples
    --------
    >>> split_footnote("5175.7 ± 3126.1ab.")
    ('5175.7 ± 3126.1', 'ab')
    >>> split_footnote("4.1* (1.2)†")
    ('4.1 (1.2)', '*†')
    >>> split_footnote("1e5 (2)")
    ('1e5 (2)', '')
    """
    marks: list[str] = []
    while True:
        m = _PUNCT_TAIL.match(cell)
        if m and m.group(1):
            cell = m.group(1)
            continue
        m = _MARK_TAIL.match(cell)
        if m and m.group(1):
            cell, mark = m.group(1), m.group(2)
            marks.insert(0, mark)
            continue
        m = _LETTER_TAIL.match(cell)
        if m:
            cell = m.group(1)
            marks.insert(0, m.group(2) or m.group(3))
            continue
        break
    m = _MEAN_MARK.match(cell)
    if m:
        marks.insert(0, m.group(2))
        cell = m.group(1) + cell[m.end():]
    return cell.strip(), "".join(marks)


def _example(spread: str, text: str, notation: str | None) -> str:
    """A well-formed cell in the user's own notation."""
    style = notation or ("±" if "±" in text else "+/-" if "+/-" in text else
                         "[" if "[" in text else "(")
    if spread in ("sd", "se"):
        spread_value = "1.3" if spread == "sd" else "0.4"
        if style in ("±", "+/-", "+-", "+"):
            return f"5.2 {'±' if style == '+' else style} {spread_value}"
        return f"5.2 [{spread_value}]" if style == "[" else f"5.2 ({spread_value})"
    centre, low, high = {"ci95": ("5.2", "4.1", "6.3"), "iqr": ("6", "4", "8"),
                         "range": ("6", "2", "10")}[spread]
    sep = " to " if " to " in text else ", " if spread == "ci95" or "," in text else "-"
    return f"{centre} [{low}{sep}{high}]" if style == "[" else f"{centre} ({low}{sep}{high})"


def _split_parts(cell: str, two: bool) -> tuple[list[str], bool] | None:
    """The numbers' texts of a cell without footnotes, and whether '+' stood for ±."""
    m = _PLUSMINUS_RE.match(cell)
    if m:
        return (None if two else ([m.group(1), m.group(3)], m.group(2) == "+"))
    m = _BRACKET_RE.match(cell)
    if not m or {"(": ")", "[": "]"}[m.group(2)] != m.group(4):
        return None
    inner = m.group(3)
    if two:
        mi = _INTERVAL_RE.match(inner)
        return ([m.group(1), mi.group(1), mi.group(2)], False) if mi else None
    return ([m.group(1), inner], False) if _NUMBER_RE.match(inner) else None


def _split_range(cell: str, two: bool, spread: str
                 ) -> tuple[tuple[list[str], bool] | None, list[str] | None]:
    """Like :func:`_split_parts`, also reading a trailing range ("41.5 (15.7), 19–75").

    The whole cell is tried first, so that a 95% CI written with a comma ("5.2 (4.1, 6.3)")
    keeps its meaning; a range is split off only where the rest is a complete cell.
    """
    found = _split_parts(cell, two)
    if found is not None or spread == "range":
        return found, None
    m = _RANGE_TAIL.match(cell)
    if m:
        main = _split_parts(m.group(1), two)
        if main is not None:
            return main, [m.group(2), m.group(3)]
    return None, None


def parse_cell(text: object, spread: Spread = "sd", *, file: str | None = None,
               row: int | None = None, field: str | None = None,
               notation: str | None = None) -> dict[str, float | str | int | bool]:
    """Split a published table cell into named numbers.

    Parameters
    ----------
    text : str
        The cell as printed. Recognised forms: ``"5.2 (1.3)"``, ``"5.2 [1.3]"``,
        ``"5.2 ± 1.3"``, ``"5.2 +/- 1.3"``, ``"5.2 + 1.3"`` (flagged) for one spread number;
        ``"5.2 [4.1, 6.3]"``, ``"5.2 (4.1-6.3)"``, ``"5.2 (4.1 to 6.3)"``, ``"6 [4; 8]"`` for
        an interval; each with footnote marks, trailing punctuation, thousands separators,
        percent signs, a trailing range (``"41.5% (15.7%), 19–75%"``) and a per-cell n as
        described in the module docstring. Negative numbers and the
        typographic minus are understood (``"-2.0 (-3.1 to -0.9)"``).
    spread : {"sd", "se", "ci95", "iqr", "range"}
        What the brackets hold: a standard deviation, a standard error, a 95% confidence
        interval around a mean, or the interquartile range or range around a median.
    file, row, field : optional
        Where the cell comes from, for the error message.
    notation : str, optional
        The notation the rest of the column uses ("±", "(", "["), for the example in an
        error message; default: the cell's own.

    Returns
    -------
    dict
        The numbers named as in :data:`SPREADS` (e.g. ``mean`` and ``sd``), each also as the
        text printed (``mean_text``, ``sd_text``; thousands separators removed), so that
        trailing zeros are kept. Also, only when present: ``footnote`` (the marks as
        printed), ``n`` (a per-cell n), ``plus`` (True when a bare "+" was read as ±),
        ``percent`` (True when the numbers were printed with "%") and ``min``, ``max``
        (with ``min_text``, ``max_text``) for a range printed after the spread.

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
    >>> parse_cell("1.3 ± 1.1a.")
    {'mean': 1.3, 'sd': 1.1, 'mean_text': '1.3', 'sd_text': '1.1', 'footnote': 'a'}
    >>> parse_cell("5,175.7 ± 3,126.1 [24]")["n"]
    24
    >>> cell = parse_cell("41.5% (15.7%), 19–75%")
    >>> cell["mean"], cell["sd"], cell["min"], cell["max"], cell["percent"]
    (41.5, 15.7, 19.0, 75.0, True)
    """
    if not isinstance(spread, str) or spread not in SPREADS:
        raise TrialDataError(f"spread must be one of {', '.join(SPREADS)}, got {spread!r}",
                             field="spread")
    where = _where(file, row, field)
    if not isinstance(text, str):
        raise TrialDataError(f"expected text such as '5.2 (1.3)', got {text!r}", **where)
    names = SPREADS[spread]
    two = len(names) == 3
    cleaned = _clean(text)
    percent = _PERCENT.search(cleaned) is not None
    cell, footnote = split_footnote(_PERCENT.sub("", cleaned))
    cell = _THOUSANDS.sub(lambda m: m.group(0).replace(",", ""), cell)
    found, bounds = _split_range(cell, two, spread)
    n_text = None
    if found is None:
        m = _N_TAIL.match(cell)
        if m:
            inner, inner_note = split_footnote(m.group(1))
            found, bounds = _split_range(inner, two, spread)
            n_text = m.group(2) if found else None
            footnote = inner_note + footnote
    if found is None:
        example = _example(spread, text, notation)
        if _COMMA_NUMBER.search(cell) and (_split_parts(cell.replace(",", "."), two)
                                           or _split_parts(cell.replace(",", ""), two)):
            raise TrialDataError(
                f"cannot read {text!r} as {'/'.join(names)}: a comma between digits could be "
                f"a decimal comma or a thousands separator; write a decimal point ('5.2'), "
                f"and a thousands separator only before one ('5,175.7'), e.g. {example!r}",
                **where)
        raise TrialDataError(f"cannot read {text!r} as {'/'.join(names)}; expected a cell "
                             f"like {example!r}", **where)
    parts, plus = found
    values = [parse_number(p, **where) for p in parts]
    out: dict[str, float | str | int | bool] = dict(zip(names, values, strict=True))
    for name, part in zip(names, parts, strict=True):
        out[f"{name}_text"] = part
    _check_values(text, spread, names, parts, values, where)
    if bounds is not None:
        low, high = (parse_number(b, **where) for b in bounds)
        inside = values if spread == "iqr" else values[:1]  # quartiles lie in the range too
        for name, part, value in zip(names, parts, inside, strict=False):
            _check_range(text, name, part, value, bounds, low, high, where)
        out.update({"min": low, "max": high, "min_text": bounds[0], "max_text": bounds[1]})
    if footnote:
        out["footnote"] = footnote
    if n_text is not None:
        out["n"] = parse_count(n_text, **where)
    if plus:
        out["plus"] = True
    if percent:
        out["percent"] = True
    return out


def _check_range(text: str, centre_name: str, centre_text: str, centre: float,
                 bounds: list[str], low: float, high: float, where: dict[str, object]) -> None:
    """A printed range is ordered and holds its own mean (or median)."""
    if low > high:
        raise TrialDataError(f"{text!r}: range minimum {bounds[0]} exceeds its maximum "
                             f"{bounds[1]}", **where)
    if not low <= centre <= high:
        raise TrialDataError(f"{text!r}: {centre_name} {centre_text} lies outside its own "
                             f"range {bounds[0]}-{bounds[1]}", **where)


def _check_values(text: str, spread: str, names: tuple[str, ...], parts: list[str],
                  values: list[float], where: dict[str, object]) -> None:
    if len(names) == 2 and values[1] < 0:
        raise TrialDataError(
            f"{text!r}: an {spread.upper()} cannot be negative ({parts[1]})", **where)
    if len(names) == 3:
        centre, low, high = values
        if low > high:
            raise TrialDataError(f"{text!r}: interval lower end {parts[1]} exceeds upper end "
                                 f"{parts[2]}", **where)
        if not low <= centre <= high:
            raise TrialDataError(f"{text!r}: {names[0]} {parts[0]} lies outside its own "
                                 f"interval", **where)
