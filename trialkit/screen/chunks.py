"""One chunk of whole trials screened (:func:`screen_chunk`: the within-trial checks, the
baseline p values, their combination per trial and each across-trial technique's piece),
and the chunks' pieces combined into one :class:`ScreenResult` (:func:`finish`): the same
functions for a table screened at once, in streamed chunks or as Dask partitions
(:mod:`trialkit.screen.core` chooses which)."""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["CHUNK_ROWS", "DEFAULT_SIMS", "TECHNIQUES", "VARIABLES_COLUMNS", "ScreenResult",
           "Settings", "chunks_of_trials", "finish", "screen_chunk"]

#: The across-trial techniques: ``trialkit.screen.across`` exports, for each, ``<name>``,
#: ``partial_<name>(rows)`` (one chunk of whole trials, a DataFrame) and
#: ``combine_<name>(pieces)`` (the pieces concatenated).
TECHNIQUES = ("pvalue_distribution", "matches", "cohort_matches", "final_digits",
              "categorical", "group_sizes")
VARIABLES_COLUMNS = ("trial", "variable", "timepoint", "kind", "k_arms", "p", "p_low",
                     "p_high", "p_carlisle", "reported_p", "method")
DEFAULT_SIMS = 1000
CHUNK_ROWS = 50_000


@dataclass
class Settings:
    """What every chunk is screened with (picklable, for Dask workers)."""

    sims: int = DEFAULT_SIMS
    seed: int = 0
    rounding: str = "up_or_down"
    alpha: float = 0.001
    techniques: tuple[str, ...] = TECHNIQUES


def _call(fn: Callable[..., Any], *args: Any, **options: Any) -> Any:
    """``fn(*args, **options)`` with only the options ``fn`` takes."""
    params = inspect.signature(fn).parameters
    if any(p.kind is p.VAR_KEYWORD for p in params.values()):
        return fn(*args, **options)
    return fn(*args, **{k: v for k, v in options.items() if k in params})


def _load(module: str, name: str) -> tuple[Callable[..., Any] | None, str]:
    """A function of another module, or None and why it is not available."""
    try:
        return getattr(importlib.import_module(module), name), ""
    except (ImportError, AttributeError) as exc:
        return None, f"not available ({module}.{name} cannot be imported: {exc})"


def baseline_function() -> tuple[Callable[..., Any] | None, str]:
    """``trialkit.screen.baseline.baseline_p`` (imported on use)."""
    return _load("trialkit.screen.baseline", "baseline_p")


def technique_functions(name: str) -> tuple[tuple[Callable[..., Any], Callable[..., Any]] | None,
                                            str]:
    """``(partial_<name>, combine_<name>)`` of ``trialkit.screen.across``."""
    module = "trialkit.screen.across"
    part, why = _load(module, f"partial_{name}")
    comb, why2 = _load(module, f"combine_{name}")
    if part is None or comb is None:
        return None, why or why2
    return (part, comb), ""


def screen_chunk(rows: pd.DataFrame, settings: Settings) -> dict[str, Any]:
    """Everything that can be computed from one chunk of whole trials.

    Returns ``variables``, ``within``, ``trials`` (unranked) and ``pieces`` (one partial
    result per available technique). Used unchanged for in-memory tables, streamed chunks
    and Dask partitions.
    """
    from trialkit.screen.combine import combine_trials
    from trialkit.screen.within import within_checks

    options = {"sims": settings.sims, "seed": settings.seed, "rounding": settings.rounding}
    within = within_checks(rows, rounding=settings.rounding)
    fn, _ = baseline_function()
    if fn is not None and len(rows):
        variables = _call(fn, rows, **options)
    else:
        variables = pd.DataFrame({c: pd.Series(dtype=float if c.startswith("p") or
                                               c == "reported_p" else object)
                                  for c in VARIABLES_COLUMNS})
    trials = combine_trials(variables, within, trials=pd.unique(rows["trial"]),
                            alpha=settings.alpha,
                            no_p="not computed (trialkit.screen.baseline is not available)"
                            if fn is None else None)
    pieces: dict[str, Any] = {}
    for name in settings.techniques:
        funcs, _ = technique_functions(name)
        if funcs is not None:
            pieces[name] = _call(funcs[0], rows, variables=variables, **options)
    return {"variables": variables, "within": within, "trials": trials, "pieces": pieces,
            "n_rows": len(rows)}


def finish(parts: Iterable[dict[str, Any]], settings: Settings) -> ScreenResult:
    """Combine the chunks' results into one :class:`ScreenResult` (order-independent)."""
    from trialkit.screen.combine import rank_trials

    parts = list(parts)
    notes: dict[str, str] = {}
    fn, why = baseline_function()
    if fn is None:
        notes["variables"] = why
    frames = {}
    for key, sort in (("variables", ["trial", "variable", "timepoint"]),
                      ("within", ["trial", "variable", "timepoint", "check", "arm"])):
        pieces = [p[key] for p in parts if len(p[key])]
        frame = pd.concat(pieces, ignore_index=True) if pieces else parts[0][key] if parts \
            else pd.DataFrame()
        if len(frame):
            frame = frame.sort_values(sort, kind="stable").reset_index(drop=True)
        frames[key] = frame
    ranked = [p["trials"] for p in parts if len(p["trials"])]
    trials = rank_trials(pd.concat(ranked, ignore_index=True) if ranked else pd.DataFrame())
    techniques: dict[str, pd.DataFrame | None] = {}
    for name in settings.techniques:
        funcs, why = technique_functions(name)
        if funcs is None:
            techniques[name] = None
            notes[name] = why
            continue
        pieces = [p["pieces"][name] for p in parts if name in p["pieces"]]
        frames_ = [x for x in pieces if isinstance(x, pd.DataFrame)]
        if len(frames_) == len(pieces) and pieces:  # the pieces of whole trials, concatenated
            joined: Any = pd.concat(frames_, ignore_index=True)
        else:
            joined = pieces
        techniques[name] = _call(funcs[1], joined, sims=settings.sims, seed=settings.seed)
    return ScreenResult(trials=_tidy(trials), variables=_tidy(frames["variables"]),
                        within=_tidy(frames["within"]),
                        techniques={k: _tidy(v) for k, v in techniques.items()}, notes=notes,
                        n_rows=int(sum(p["n_rows"] for p in parts)), settings=settings)


def _tidy(frame: pd.DataFrame | None) -> pd.DataFrame | None:
    """Text columns as pandas' string dtype, whichever way the frame was built (a Dask
    partition comes back with object columns), so equal results compare equal."""
    if frame is None or not isinstance(frame, pd.DataFrame):
        return frame
    out = frame.copy()
    for c in out.columns:
        col = out[c]
        if (col.dtype == object or pd.api.types.is_string_dtype(col)) and len(col) \
                and pd.api.types.infer_dtype(col, skipna=False) == "string":
            out[c] = col.astype(str)
    return out.reset_index(drop=True)


def chunks_of_trials(rows: pd.DataFrame, chunk_rows: int = CHUNK_ROWS) -> Iterator[pd.DataFrame]:
    """Split a rows frame into chunks of whole trials of about ``chunk_rows`` rows."""
    if rows.empty:
        yield rows
        return
    codes, _ = pd.factorize(rows["trial"])
    sizes = np.bincount(codes)
    group = np.cumsum(sizes) // max(int(chunk_rows), 1)
    chunk_of = group[codes]
    for g in np.unique(chunk_of):
        yield rows[chunk_of == g]


@dataclass
class ScreenResult:
    """The result of :func:`trialkit.screen.screen`: frames to look at, and notes on what was
    not run."""

    trials: pd.DataFrame
    variables: pd.DataFrame
    within: pd.DataFrame
    techniques: dict[str, pd.DataFrame | None] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    n_rows: int = 0
    settings: Settings = field(default_factory=Settings)

    def __getattr__(self, name: str) -> Any:
        techniques = self.__dict__.get("techniques", {})
        if name in techniques:
            return techniques[name]
        raise AttributeError(f"ScreenResult has no attribute {name!r}")

    def frames(self) -> dict[str, pd.DataFrame]:
        """Every available frame by name (trials, variables, within, techniques)."""
        out = {"trials": self.trials, "variables": self.variables, "within": self.within}
        out.update({k: v for k, v in self.techniques.items() if v is not None})
        return out

    def _summary(self) -> tuple[str, pd.DataFrame]:
        flagged = int((self.trials["flags"] != "").sum()) if len(self.trials) else 0
        head = (f"Screened {len(self.trials)} trials ({self.n_rows} rows, "
                f"{len(self.variables)} baseline variables, seed {self.settings.seed}, "
                f"{self.settings.sims} simulations): {flagged} flagged at "
                f"alpha = {self.settings.alpha:g}.")
        top = self.trials.head(10)[["trial", "n_variables", "p_combined", "flags", "reason"]]
        return head, top

    def __repr__(self) -> str:
        head, top = self._summary()
        lines = [head, "", top.to_string(index=False) if len(top) else "(no trials)", ""]
        for name in self.settings.techniques:
            lines.append(f"{name}: " + ("available" if self.techniques.get(name) is not None
                                        else self.notes.get(name, "not run")))
        if "variables" in self.notes:
            lines.append(f"baseline p values: {self.notes['variables']}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        import html

        head, top = self._summary()
        items = "".join(
            f"<li><b>{html.escape(name)}</b>: " + html.escape(
                "available" if self.techniques.get(name) is not None
                else self.notes.get(name, "not run")) + "</li>"
            for name in self.settings.techniques)
        return (f"<p>{html.escape(head)}</p>" + top.to_html(index=False, escape=True)
                + f"<ul>{items}</ul>")
