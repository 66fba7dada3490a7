"""The bundled trials, one call away (seaborn's ``load_dataset`` habit)."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING

from trialkit.errors import TrialDataError

if TYPE_CHECKING:
    import pandas as pd

    from trialkit.trial import Trial

__all__ = ["data_dir", "datasets", "load"]


def data_dir() -> Path:
    """The folder holding the bundled trials.

    Inside an installed wheel the trials live in ``trialkit/data``; in a source checkout
    (including an editable install) they live in the repository's top-level ``data/``.
    """
    here = Path(__file__).resolve().parent
    for candidate in (here / "data", here.parent / "data"):
        if (candidate / "README.md").is_file() or any(candidate.glob("*/trial.toml")):
            return candidate
    raise TrialDataError("the bundled data folder is missing from this installation",
                         file=str(here / "data"))


def trial_ids() -> list[str]:
    """Ids of the bundled trials, sorted."""
    return sorted(p.parent.name for p in data_dir().glob("*/trial.toml"))


@functools.cache
def _load(trial_id: str) -> Trial:
    from trialkit.io import read_trial

    return read_trial(data_dir() / trial_id)


def load(trial_id: str) -> Trial:
    """Load a bundled trial by id.

    Parameters
    ----------
    trial_id : str
        One of the ids listed by :func:`datasets` (e.g. ``"mejuto2014"``, ``"anorexia"``).

    Returns
    -------
    Trial
        Immutable, so the same object may be returned on every call.

    Raises
    ------
    TrialDataError
        For an unknown id (the message lists the bundled ones).

    Examples
    --------
    >>> import trialkit
    >>> trialkit.load("sleep").design
    'crossover'
    """
    ids = trial_ids()
    if trial_id not in ids:
        raise TrialDataError(f"unknown trial id {trial_id!r}; bundled trials: "
                             f"{', '.join(ids)} (use read_trial(path) for your own folder)",
                             field="trial_id")
    return _load(trial_id)


def datasets() -> pd.DataFrame:
    """One row per bundled trial.

    Returns
    -------
    DataFrame
        Columns id, title, citation, design, arms (id and n of each arm), n (patients),
        level (``summary`` or ``ipd``) and illustrative (True when summary numbers are
        illustrative rather than published).

    Examples
    --------
    >>> import trialkit
    >>> "mejuto2014" in set(trialkit.datasets()["id"])
    True
    """
    import pandas as pd

    rows = []
    for trial_id in trial_ids():
        t = _load(trial_id)
        rows.append({
            "id": t.id, "title": t.title, "citation": t.citation, "design": t.design,
            "arms": ", ".join(f"{a.id} ({a.n})" for a in t.arms), "n": t.n, "level": t.level,
            "illustrative": t.illustrative,
        })
    return pd.DataFrame(rows, columns=["id", "title", "citation", "design", "arms", "n",
                                       "level", "illustrative"])
