"""How numbers look where the report shows them (formatting only; nothing is computed here).

Digits suit the quantity: p values to 3 significant digits ("< 0.001" below), estimates and
intervals to 2 decimals, probabilities and power as whole percentages, sample sizes as whole
numbers, exaggeration ratios to 2 decimals.
"""

from __future__ import annotations

import math
from typing import Any

__all__ = ["fmt_ci", "fmt_est", "fmt_int", "fmt_p", "fmt_pct", "fmt_prob", "fmt_value",
           "is_missing"]

MISSING = "–"


def is_missing(value: Any) -> bool:
    """True for None, NaN and empty text."""
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip() == ""
    try:
        return bool(math.isnan(float(value)))
    except (TypeError, ValueError):
        return False


def fmt_est(value: Any, digits: int = 2) -> str:
    """An estimate, SE or interval bound: fixed decimals, a true minus sign."""
    if is_missing(value):
        return MISSING
    text = f"{float(value):.{digits}f}"
    if text.startswith("-"):
        text = "−" + text[1:] if float(text) != 0 else text[1:]
    return text


def fmt_ci(low: Any, high: Any, digits: int = 2) -> str:
    """An interval as "low to high" (never a hyphen that could be read as a minus)."""
    if is_missing(low) or is_missing(high):
        return MISSING
    return f"{fmt_est(low, digits)} to {fmt_est(high, digits)}"


def fmt_p(value: Any) -> str:
    """A p value: 3 significant digits, "< 0.001" below 0.001.

    >>> fmt_p(0.000906), fmt_p(0.04321), fmt_p(0.5)
    ('< 0.001', '0.0432', '0.500')
    """
    if is_missing(value):
        return MISSING
    p = float(value)
    if p < 0.001:
        return "< 0.001"
    digits = max(2 - math.floor(math.log10(p)), 0)
    return f"{p:.{digits}f}"


def fmt_prob(value: Any) -> str:
    """A probability shown as a whole percentage, with "< 1%" / "> 99%" at the ends.

    >>> fmt_prob(0.553643), fmt_prob(0.999096), fmt_prob(0.000904)
    ('55%', '> 99%', '< 1%')
    """
    if is_missing(value):
        return MISSING
    p = float(value)
    if p > 0.995:
        return "> 99%"
    if p < 0.005:
        return "< 1%"
    return f"{100 * p:.0f}%"


def fmt_pct(value: Any) -> str:
    """A percentage already on the 0-100 scale (e.g. percent change), 0 decimals."""
    if is_missing(value):
        return MISSING
    return fmt_est(value, 0) + "%"


def fmt_int(value: Any) -> str:
    """A count."""
    if is_missing(value):
        return MISSING
    return f"{round(float(value))}"


def fmt_value(value: Any) -> str:
    """Any other cell: text as is, numbers with :func:`fmt_est`."""
    if is_missing(value):
        return MISSING
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return fmt_est(value)
    return str(value)
