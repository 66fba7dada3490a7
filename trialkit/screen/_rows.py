"""The rows frame every screening technique takes, and seeds that do not depend on chunking.

The rows frame has one row per trial x variable x arm (x timepoint), with the columns of
:data:`ROWS_COLUMNS`:

``trial``, ``variable``, ``arm``, ``timepoint`` (str; ``""`` means baseline)
    what the row describes.
``kind``
    ``"continuous"`` or ``"categorical"``.
``n``
    the arm's size for this variable (int64).
``mean``, ``sd``
    float; NaN for categorical rows.
``mean_text``, ``sd_text``
    the numbers as printed (str; ``""`` when the input gave numbers, not text).
``mean_decimals``, ``sd_decimals``
    decimals printed (int64; -1 where unknown).
``count``, ``percent``
    categorical rows: patients in the category and its percentage (float; NaN otherwise).
``reported_p``
    the paper's p for this variable (float; NaN when none), repeated on each arm's row.
``file``, ``row``
    where the row came from (str, 1-based int64), for error messages.

The reader (:func:`trialkit.screen.read_rows`) adds the columns of :data:`EXTRA_COLUMNS`
after these:

``percent_text``, ``percent_decimals``
    a categorical row's percentage as printed ("" when given as a number) and its decimals
    (-1 where unknown).
``reported_p_text``
    the paper's p as printed ("0.04", "<0.001", "ns"; "" when none): ``reported_p`` is NaN
    for an inequality or "ns", and the text says what was printed.
``integer``, ``items``
    whether the variable's values are whole numbers (or averages of ``items`` whole-number
    items): only then do GRIM and GRIMMER apply (bool, int64; default False and 1).
``scale_min``, ``scale_max``
    the bounds of the variable's scale (float; NaN when not given): only then are the SD's
    bounds checked.

Monte Carlo techniques draw from :func:`trial_rng`, so a trial's random numbers depend only
on the seed and the trial's name: a table split into chunks or Dask partitions (whole
trials in each) gives the same results as the whole table at once.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

ROWS_COLUMNS: tuple[str, ...] = (
    "trial", "variable", "arm", "timepoint", "kind", "n", "mean", "sd",
    "mean_text", "sd_text", "mean_decimals", "sd_decimals", "count", "percent",
    "reported_p", "file", "row",
)
KINDS: tuple[str, ...] = ("continuous", "categorical")
EXTRA_COLUMNS: tuple[str, ...] = (
    "percent_text", "percent_decimals", "reported_p_text", "integer", "items", "scale_min",
    "scale_max",
)
#: Keys of one row: a trial's variable in one arm (at one timepoint).
ROW_KEYS: tuple[str, ...] = ("trial", "variable", "arm", "timepoint")


def stable_hash(text: str) -> int:
    """A 64-bit hash of ``text`` that is the same in every process and Python version.

    Python's own ``hash`` of a string changes between processes (PYTHONHASHSEED), so it
    cannot seed anything that must be reproduced.

    Examples
    --------
    >>> stable_hash("Saitoh 2001") == stable_hash("Saitoh 2001")
    True
    """
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "little")


def trial_rng(seed: int, trial: str, *keys: str) -> np.random.Generator:
    """The random generator for one trial (and optionally one variable) under ``seed``.

    Examples
    --------
    >>> a = trial_rng(1, "T1", "age").standard_normal(2)
    >>> b = trial_rng(1, "T1", "age").standard_normal(2)
    >>> bool((a == b).all())
    True
    """
    words = [int(seed) & 0xFFFFFFFFFFFFFFFF, stable_hash(trial)]
    words.extend(stable_hash(k) for k in keys)
    return np.random.default_rng(words)


def example_rows() -> pd.DataFrame:
    """A tiny rows frame of two 2-arm trials and one variable, for examples and docstrings.

    Trial T2's arms print the same mean (60.1), so the match techniques have something to
    find.

    Examples
    --------
    >>> example_rows()[["trial", "arm", "n", "mean", "sd"]].values.tolist()[:2]
    [['T1', 'a', 40, 65.6, 7.3], ['T1', 'b', 41, 66.3, 6.0]]
    """
    return pd.DataFrame({
        "trial": ["T1", "T1", "T2", "T2"], "variable": "age", "arm": ["a", "b", "a", "b"],
        "timepoint": "", "kind": "continuous", "n": [40, 41, 30, 30],
        "mean": [65.6, 66.3, 60.1, 60.1], "sd": [7.3, 6.0, 5.0, 5.2], "mean_text": "",
        "sd_text": "", "mean_decimals": -1, "sd_decimals": -1, "count": float("nan"),
        "percent": float("nan"), "reported_p": float("nan"), "file": "", "row": [1, 2, 3, 4]})
