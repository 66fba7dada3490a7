"""Screening at scale: streamed chunks of whole trials, and Dask DataFrames.

Both run :func:`trialkit.screen.chunks.screen_chunk` unchanged on each chunk (or partition)
and :func:`trialkit.screen.chunks.finish` on the pieces, so a table screened at once, in
chunks or on a cluster gives the same frames: every per-trial result depends only on the
trial's own rows (and :func:`trialkit.screen._rows.trial_rng`), the across-trial techniques
combine per-partition pieces, and the final frames are sorted by a total order.

Dask and pyarrow are imported only here, inside functions (``pip install trialkit[scale]``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from trialkit.errors import TrialDataError
from trialkit.screen.chunks import finish, screen_chunk
from trialkit.screen.reading import (
    CSV_SUFFIXES,
    PARQUET_SUFFIXES,
    load_table,
    read_rows_dask,
    rows_from_frame,
)
from trialkit.screen.reading.layouts import is_simdistr
from trialkit.screen.reading.long import normalise_header

__all__ = ["screen_dask", "stream_rows"]


def _raw_chunks(path: Path, chunk_rows: int) -> Iterator[pd.DataFrame]:
    """Chunks of a CSV (as text) or Parquet file (pyarrow record batches)."""
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        sep = "\t" if suffix in (".tsv", ".tab") else ","
        yield from pd.read_csv(path, dtype=str, keep_default_na=False, sep=sep,
                               chunksize=chunk_rows, encoding="utf-8-sig")
    elif suffix in PARQUET_SUFFIXES:
        import pyarrow.parquet as pq

        for batch in pq.ParquetFile(path).iter_batches(batch_size=chunk_rows):
            yield batch.to_pandas()
    else:
        raise TrialDataError(f"streaming reads CSV, TSV or Parquet files, not {suffix!r}; "
                             f"screen it without stream=True", file=str(path))


def stream_rows(path: str | Path, *, chunk_rows: int = 50_000,
                layout: str = "auto") -> Iterator[pd.DataFrame]:
    """Rows frames of a file read chunk by chunk, each holding whole trials.

    Memory stays bounded by about one chunk: the rows of the chunk's last trial are held
    back and joined to the next chunk. A trial's rows must therefore be next to each other
    in the file; a trial met again after its rows were screened raises an error.

    Raises
    ------
    TrialDataError
        Bad cells (as :func:`trialkit.screen.read_rows`), or a trial whose rows are not
        together.
    """
    path = Path(path)
    if not path.is_file():
        raise TrialDataError("no such file", file=str(path))
    held: pd.DataFrame | None = None
    first_row = 1
    seen: set[str] = set()
    key = None
    for chunk in _raw_chunks(path, chunk_rows):
        if key is None:
            raw = [normalise_header(c, aliases=False) for c in chunk.columns]
            simdistr = layout == "simdistr" or (layout == "auto" and is_simdistr(raw))
            names = raw if simdistr else [normalise_header(c) for c in chunk.columns]
            if "trial" not in names:
                load_table(path)  # the reader's own message for a table it cannot read
                raise TrialDataError("no trial (or study) column to keep trials together",
                                     file=str(path))
            key = chunk.columns[names.index("trial")]
        frame = chunk if held is None else pd.concat([held, chunk], ignore_index=True)
        trial = frame[key].astype(str).str.strip().to_numpy()
        last = trial[-1]
        tail = len(trial) - int(np.argmax(trial[::-1] != last)) if (trial != last).any() else 0
        done, held = frame.iloc[:tail], frame.iloc[tail:]
        if len(done):
            yield _checked(done, trial[:tail], seen, first_row, path, layout)
            first_row += len(done)
    if held is not None and len(held):
        yield _checked(held, held[key].astype(str).str.strip().to_numpy(), seen, first_row,
                       path, layout)


def _checked(frame: pd.DataFrame, trial: np.ndarray, seen: set[str], first_row: int,
             path: Path, layout: str) -> pd.DataFrame:
    again = [t for t in pd.unique(trial) if t in seen]
    if again:
        i = int(np.flatnonzero(trial == again[0])[0])
        raise TrialDataError(f"the rows of trial {again[0]!r} are not together (it appeared "
                             f"earlier in the file); sort the table by trial to stream it, "
                             f"or screen it without stream=True", file=str(path),
                             row=first_row + i, field="trial")
    seen.update(pd.unique(trial))
    return rows_from_frame(frame, str(path), layout=layout, first_row=first_row)


def screen_dask(ddf: Any, settings: Any, *, layout: str = "auto") -> Any:
    """:func:`trialkit.screen.screen` on a Dask DataFrame.

    The rows are read in each partition, shuffled so that each partition holds whole trials
    (``shuffle(on="trial")``), screened partition by partition with
    :func:`~trialkit.screen.chunks.screen_chunk` (on the workers of the current
    ``dask.distributed`` client, if there is one), and the per-partition pieces combined
    by :func:`~trialkit.screen.chunks.finish`.
    """
    import dask

    rows = read_rows_dask(ddf, layout=layout)
    rows = rows.shuffle(on="trial", npartitions=max(int(ddf.npartitions), 1))
    parts = [dask.delayed(screen_chunk)(p, settings) for p in rows.to_delayed()]
    return finish(dask.compute(*parts), settings)
