"""The record: what a colleague needs to reproduce the report exactly.

Assumptions (read from the frames' ``r``/``r_source``, priors and ``method`` columns, and
the library's warnings), versions, SHA-256 of the data files, and the seeds used.
"""

from __future__ import annotations

import hashlib
import platform
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from trialkit.report._format import fmt_est, is_missing

if TYPE_CHECKING:
    import pandas as pd

    from trialkit.report._frames import Frames
    from trialkit.trial import Trial

__all__ = ["PACKAGES", "PRIOR_SOURCES", "record"]

#: Where each named prior's definition comes from (trialkit.reanalysis.prior_parameters).
PRIOR_SOURCES = {
    "skeptical": "mean 0, SD = MCID/1.645: 5% prior probability of a benefit of at least the "
                 "MCID (Spiegelhalter, Freedman & Parmar 1994, 3.1.2)",
    "enthusiastic": "mean = MCID, SD = MCID/1.645: 5% prior probability of harm "
                    "(Spiegelhalter, Freedman & Parmar 1994, 3.1.3)",
    "neutral": "mean 0, SD = 2 MCID/1.96: trialkit's weakly informative convention "
               "(after Spiegelhalter, Abrams & Myles 2004, 5.5)",
    "flat": "improper uniform: the posterior is the likelihood",
}

PACKAGES = ("trialkit", "numpy", "pandas", "scipy", "statsmodels", "matplotlib", "jinja2",
            "python-pptx")


def _versions() -> list[tuple[str, str]]:
    from importlib.metadata import PackageNotFoundError, version

    out = [("python", platform.python_version())]
    for name in PACKAGES:
        try:
            out.append((name, version(name)))
        except PackageNotFoundError:
            out.append((name, "not installed"))
    return out


def data_files(trial: Trial, extra: Sequence[str | Path] = ()) -> list[Path]:
    """The files a trial was read from: its folder's files, or the given table file(s)."""
    files = [Path(p) for p in extra]
    if trial.path is not None:
        folder = Path(trial.path)
        files += sorted(p for p in folder.iterdir() if p.is_file()) if folder.is_dir() \
            else [folder]
    return files


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _assumptions(frames: Frames) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for name, frame in (("within", frames.within), ("between", frames.between)):
        if frame is None or "r" not in frame.columns:
            continue
        pairs = frame[["r", "r_source"]].drop_duplicates()
        for _, x in pairs.iterrows():
            if is_missing(x["r"]):
                continue
            out.append((f"pre-post correlation ({name})",
                        f"r = {x['r']:g} ({x['r_source']})"))
    if frames.reanalysis is not None and "prior" in frames.reanalysis.columns:
        pri = frames.reanalysis.dropna(subset=["prior"]).drop_duplicates(["outcome", "prior"])
        shapes: dict[tuple[str, str], list[str]] = {}
        for _, x in pri.iterrows():  # one row per prior, naming the outcomes it served
            shape = ("flat (improper)" if is_missing(x["prior_sd"]) else
                     f"normal, mean {fmt_est(x['prior_mean'])}, SD {fmt_est(x['prior_sd'])}")
            shapes.setdefault((str(x["prior"]), shape), []).append(str(x["outcome"]))
        for (prior, shape), outcomes in shapes.items():
            why = PRIOR_SOURCES.get(prior, "given")
            out.append((f"prior: {prior}", f"{shape}; for {', '.join(outcomes)}; {why}"))
        mcids = frames.reanalysis.drop_duplicates("outcome")
        for _, x in mcids.iterrows():
            out.append((f"MCID: {x['outcome']}", str(x["mcid_source"]) if is_missing(x["mcid"])
                        else f"{x['mcid']:g}; source: {x['mcid_source']}"))
    if frames.responders is not None:
        for _, x in frames.responders.drop_duplicates(["outcome", "r"]).iterrows():
            out.append((f"responders: {x['outcome']}",
                        f"threshold {x['threshold']:g} (the MCID on the side of benefit); SD "
                        f"of change = SE x sqrt(n) of the within-arm mean change, r = "
                        f"{x['r']:g} ({x['r_source']}); {x['method']}"))
    s = frames.summary
    if "method" in s.columns:
        for _, x in s[s["method"].astype(str) != ""].iterrows():
            out.append((f"conversion: {x['outcome']}, {x['arm']}, {x['timepoint']}",
                        str(x["method"])))
    out += [("note from the library", n) for n in frames.notes]
    return out


def _methods(frames: Frames) -> list[tuple[str, str]]:
    out = []
    for name in ("within", "between", "reanalysis"):
        frame = getattr(frames, name)
        if frame is None:
            continue
        for m in dict.fromkeys(frame["method"].astype(str)):
            out.append((name, m))
    return out


def record(trial: Trial, frames: Frames, *, files: Sequence[Path] = (),
           seeds: Sequence[tuple[str, str]] = ()) -> pd.DataFrame:
    """One long table ``section, item, value`` with everything above."""
    import pandas as pd

    rows = [("assumption", k, v) for k, v in _assumptions(frames)]
    rows += [("method", k, v) for k, v in _methods(frames)]
    rows += [("version", k, v) for k, v in _versions()]
    rows += [("data file sha256", p.name, _sha256(p)) for p in files]
    rows += [("seed", k, v) for k, v in seeds]
    return pd.DataFrame(rows, columns=["section", "item", "value"])


def seeds_for(trial: Trial, figure_names: Sequence[str]) -> list[tuple[str, str]]:
    """Seeds behind random steps: the bootstrap of the estimation figures (its default)."""
    import inspect

    from trialkit.ipd import bootstrap

    out = []
    if any(n.startswith("estimation_") for n in figure_names):
        seed = inspect.signature(bootstrap).parameters["seed"].default
        out.append(("bootstrap (estimation figures)", f"seed = {seed}"))
    if not out:
        out.append(("random steps", "none: every number is closed-form or grid-integrated"))
    return out
