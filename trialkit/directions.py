"""Outcome directions as users type them ("lower", "higher is better", ...)."""

from __future__ import annotations

from typing import Literal

from trialkit.errors import TrialDataError

__all__ = ["DIRECTIONS", "parse_direction"]

Direction = Literal["higher_is_better", "lower_is_better"]
DIRECTIONS: tuple[str, ...] = ("higher_is_better", "lower_is_better")
_DIRECTION_WORDS = {
    "higher_is_better": "higher_is_better", "higher": "higher_is_better",
    "higher is better": "higher_is_better", "high": "higher_is_better",
    "up": "higher_is_better", "lower_is_better": "lower_is_better", "lower": "lower_is_better",
    "lower is better": "lower_is_better", "low": "lower_is_better", "down": "lower_is_better",
}


def parse_direction(text: object, *, file: str | None = None, row: int | None = None,
                    field: str | None = "direction") -> Direction | None:
    """Read an outcome's direction as a user types it.

    "higher_is_better", "higher is better", "higher", "high", "up" (and the same for lower;
    any case, '-' or '_' or spaces between words) give the canonical spelling; "" and None
    give None (not declared). Anything else raises :class:`TrialDataError`.

    Examples
    --------
    >>> parse_direction("Lower"), parse_direction("higher-is-better"), parse_direction("")
    ('lower_is_better', 'higher_is_better', None)
    """
    if text is None:
        return None
    if not isinstance(text, str):
        raise TrialDataError(f"expected 'higher' or 'lower' (higher_is_better or "
                             f"lower_is_better), got {text!r}", file=file, row=row, field=field)
    key = " ".join(text.strip().lower().replace("-", " ").replace("_", " ").split())
    if not key:
        return None
    found = _DIRECTION_WORDS.get(key) or _DIRECTION_WORDS.get(key.replace(" ", "_"))
    if found is None:
        raise TrialDataError(f"expected 'higher' or 'lower' (higher_is_better or "
                             f"lower_is_better), got {text!r}", file=file, row=row, field=field)
    return found  # type: ignore[return-value]
