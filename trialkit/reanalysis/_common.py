"""Shared helpers for :mod:`trialkit.reanalysis`: direction, argument checks."""

from __future__ import annotations

from typing import Any

import numpy as np

from trialkit.errors import TrialDataError

__all__: list[str] = []

DIRECTIONS = ("higher_is_better", "lower_is_better")


def benefit_sign(direction: Any) -> float:
    """+1 when higher values are better for patients, -1 when lower values are.

    ``direction`` is "higher_is_better" / "lower_is_better" (or "higher" / "lower").
    """
    text = {"higher": "higher_is_better", "lower": "lower_is_better"}.get(direction, direction)
    if text not in DIRECTIONS:
        raise TrialDataError(f"direction must be 'higher_is_better' or 'lower_is_better', got "
                             f"{direction!r}: benefit cannot be defined without it",
                             field="direction")
    return 1.0 if text == "higher_is_better" else -1.0


def positive_scalar(value: Any, name: str, *, allow_none: bool = False) -> float | None:
    """A finite number > 0 (or None where allowed)."""
    if value is None and allow_none:
        return None
    try:
        out = float(value)
    except (TypeError, ValueError):
        raise TrialDataError(f"expected a positive number, got {value!r}", field=name) from None
    if not np.isfinite(out) or out <= 0:
        raise TrialDataError(f"expected a finite number > 0, got {value!r}", field=name)
    return out
