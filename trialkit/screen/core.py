"""``screen``: read a body of trials, check each, combine, rank, and run the across-trial
techniques, in chunks of whole trials (or Dask partitions) whose pieces combine exactly
(:mod:`trialkit.screen.chunks`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from trialkit.errors import TrialDataError
from trialkit.screen.chunks import (
    CHUNK_ROWS,
    DEFAULT_SIMS,
    ScreenResult,
    Settings,
    chunks_of_trials,
    finish,
    screen_chunk,
)
from trialkit.screen.reading import is_dask, read_rows
from trialkit.screen.scale import screen_dask, stream_rows

__all__ = ["screen"]


def screen(table: Any, *, sims: int = DEFAULT_SIMS, seed: int = 0, alpha: float = 0.001,
           rounding: str = "up_or_down", layout: str = "auto", sheet: str | int | None = None,
           chunk_rows: int | None = None, stream: bool = False,
           progress: bool = False) -> ScreenResult:
    """Screen a body of trials: within-trial checks, baseline p values and their per-trial
    combination, ranked, plus the across-trial techniques.

    Parameters
    ----------
    table : path, pandas.DataFrame or dask.dataframe.DataFrame
        A long table of summary rows (see :func:`trialkit.screen.read_rows` for the layouts).
        A Dask DataFrame is screened on its cluster (see :mod:`trialkit.screen.scale`).
    sims : int, default 1000
        Simulations for the Monte Carlo techniques.
    seed : int, default 0
        Seed; each trial's random numbers depend only on it and the trial's name
        (:func:`trialkit.screen._rows.trial_rng`), so chunking never changes a result.
    alpha : float, default 0.001
        Combined baseline p below which a trial is flagged (either direction).
    rounding : str, default "up_or_down"
        How the printed numbers were rounded (see :func:`trialkit.checks.grim`).
    layout, sheet
        As for :func:`trialkit.screen.read_rows`.
    chunk_rows : int, optional
        Rows per chunk (default 50,000): chunks hold whole trials.
    stream : bool, default False
        Read a CSV or Parquet file chunk by chunk (bounded memory) instead of at once; a
        trial's rows must then be next to each other in the file.
    progress : bool, default False
        Show a tqdm progress bar over the chunks.

    Returns
    -------
    ScreenResult
        ``.trials`` (ranked, most anomalous first), ``.variables``, ``.within`` and one
        frame per technique (``.matches``, ...; None with a note where not available).

    Raises
    ------
    TrialDataError
        Bad input: one error naming the file, row and field of every bad cell.

    Examples
    --------
    >>> import pandas as pd
    >>> from trialkit.screen import screen
    >>> table = pd.DataFrame({"trial": ["T"] * 2, "variable": ["pain"] * 2,
    ...     "arm": ["A", "B"], "n": ["28", "28"], "mean": ["5.19", "5.18"],
    ...     "sd": ["1.1", "1.2"], "integer": ["yes", "yes"]})
    >>> res = screen(table)
    >>> res.trials[["trial", "flags"]].values.tolist()
    [['T', 'grim']]
    """
    settings = Settings(sims=_whole(sims, "sims", 1), seed=_whole(seed, "seed", 0),
                        rounding=rounding, alpha=float(alpha))
    if not 0 < settings.alpha < 1:
        raise TrialDataError(f"alpha must be between 0 and 1, got {alpha!r}", field="alpha")
    from trialkit.checks._numbers import check_rounding
    settings.rounding = check_rounding(rounding)

    size = CHUNK_ROWS if chunk_rows is None else _whole(chunk_rows, "chunk_rows", 1)
    if is_dask(table):
        return screen_dask(table, settings, layout=layout)
    if stream:
        chunks: Iterable[pd.DataFrame] = stream_rows(table, chunk_rows=size, layout=layout)
    else:
        chunks = chunks_of_trials(read_rows(table, layout=layout, sheet=sheet), size)
    if progress:
        try:
            from tqdm.auto import tqdm
        except ImportError:  # tqdm comes with the report and scale extras
            pass
        else:
            chunks = tqdm(chunks, desc="screening", unit="chunk")
    return finish((screen_chunk(c, settings) for c in chunks), settings)


def _whole(value: Any, name: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        raise TrialDataError(f"{name} must be a whole number >= {minimum}, got {value!r}",
                             field=name)
    return int(value)
