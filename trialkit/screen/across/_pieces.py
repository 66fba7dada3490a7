"""A trial's piece of the baseline p-value distribution (:mod:`.pvalues` for continuous
variables, :mod:`.pvalues_cat` for categorical ones): the deciles its p values fall in, the
blocks of one trial's rows, and the piece itself, which
:func:`~trialkit.screen.across.pvalues.combine_pvalue_distribution` adds up across trials."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd

__all__ = ["PIECE", "decile", "piece", "trial_blocks"]

#: The columns of a piece: one row per trial.
PIECE = ["which", "kind", "trial", "k", "p_values", "obs_bins", "exp_bins", "exp_sum",
         "sim_sums"]


def decile(p: np.ndarray) -> np.ndarray:
    """Decile index 0-9 with right-closed bins (a, b], as R's ``cut(p, seq(0, 1, 0.1))``;
    p = 0 joins the first bin."""
    return np.clip(np.ceil(np.asarray(p, float) * 10.0).astype(np.int64) - 1, 0, 9)


def trial_blocks(s: pd.DataFrame, starts: np.ndarray, p_obs: np.ndarray
                 ) -> Iterator[tuple[str, slice, slice, np.ndarray]]:
    """Each trial of the grouped rows ``s`` (variables starting at rows ``starts``, trials
    contiguous) with an observed p: its name, its variables (a slice of ``starts``), its
    rows (a slice of ``s``) and which of its variables have a finite observed p."""
    trials = s["trial"].astype(str).to_numpy()[starts]
    t_starts = np.flatnonzero(np.r_[True, trials[1:] != trials[:-1]])
    t_ends = np.r_[t_starts[1:], len(starts)]
    for v0, v1 in zip(t_starts, t_ends, strict=True):
        keep = np.isfinite(p_obs[v0:v1])
        if keep.any():
            r1 = starts[v1] if v1 < len(starts) else len(s)
            yield trials[v0], slice(v0, v1), slice(int(starts[v0]), int(r1)), keep


def piece(which: str, trial: str, p: np.ndarray, exp: np.ndarray, exp_sum: float,
           sim_sums: np.ndarray, kind: str = "continuous") -> dict:
    """One trial's row of :data:`PIECE`: its p values ``p`` and their decile counts, the
    expected decile counts ``exp``, the expected sum of its p values and the sums of its
    simulated p per replicate."""
    return {"which": which, "kind": kind, "trial": trial, "k": len(p),
            "p_values": tuple(p.tolist()),
            "obs_bins": tuple(np.bincount(decile(p), minlength=10).tolist()),
            "exp_bins": tuple(np.asarray(exp, float).tolist()), "exp_sum": float(exp_sum),
            "sim_sums": tuple(np.asarray(sim_sums, float).tolist())}
