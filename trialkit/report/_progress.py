"""A progress line on stderr (tqdm) for the slow steps, silent when stderr is not a terminal."""

from __future__ import annotations

import sys
from typing import Any

__all__ = ["Progress"]


class Progress:
    """``with Progress(total) as step: step("drawing figures")`` advances one stage a call."""

    def __init__(self, total: int, *, enabled: bool | None = None) -> None:
        self.total = total
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self._bar: Any = None

    def __enter__(self) -> Progress:
        if self.enabled:
            from tqdm import tqdm

            self._bar = tqdm(total=self.total, file=sys.stderr, leave=False,
                             bar_format="{desc}: {n}/{total} {bar} {elapsed}",
                             desc="trialkit report")
        return self

    def __call__(self, what: str) -> None:
        if self._bar is not None:
            if self._bar.n or self._bar.desc != "trialkit report":
                self._bar.update(1)
            self._bar.set_description_str(what)

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.close()
