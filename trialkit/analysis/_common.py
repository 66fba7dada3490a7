"""What every trial-level table shares: the assumed correlation, the outcome and follow-up
lists, error context naming trial, outcome and arms, display labels, and neutral wording."""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from trialkit.errors import TrialDataError

if TYPE_CHECKING:
    import pandas as pd

    from trialkit.trial import Trial

#: The pre-post correlation assumed when a summary-only trial needs one and none is given.
DEFAULT_R = 0.5
#: The correlations :func:`sensitivity` runs through by default.
SENSITIVITY_R = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8)

WITHIN_MEASURES = ("mean_change", "percent_change", "smcr")
BETWEEN_MEASURES = ("mean_difference", "diff_in_change", "ancova", "hedges_g", "ratio_of_means")
_RESULT = ["estimate", "se", "ci_low", "ci_high", "df", "p"]


def _resolve_r(trial: Trial, r: float | None) -> tuple[float, str]:
    if r is None:
        # With printed change rows the correlation comes from the table; a fallback to the
        # assumed value is warned where it happens (_assumed_warning).
        if trial.level == "summary" and trial.changes.empty and not trial.no_baseline:
            warnings.warn(
                f"{trial.id}: no pre-post correlation given; r = {DEFAULT_R} assumed for change "
                f"scores and ANCOVA (pass r=..., and see trialkit.analysis.sensitivity)",
                UserWarning, stacklevel=3)
        return DEFAULT_R, "assumed"
    if not -1 < float(r) < 1:
        raise TrialDataError(f"r must lie strictly between -1 and 1, got {r}", field="r")
    return float(r), "given"


def _labels(method: str, r: float, source: str) -> str:
    return (method.replace("r=given", f"r={r:g}({source})")
            .replace(f"r={DEFAULT_R}(assumed)", f"r={r:g}({source})"))


@contextmanager
def _context(trial: Trial, outcome: str, timepoint: str, arms: tuple[str, ...]) -> Iterator[None]:
    """Re-raise a TrialDataError from the statistics naming the trial, outcome and arms."""
    try:
        yield
    except TrialDataError as exc:
        if str(exc.reason).startswith(f"trial {trial.id!r}"):
            raise
        names = ", ".join(repr(a) for a in arms)
        label = "arms" if len(arms) > 1 else "arm"
        file = exc.file
        if file is None and trial.path is not None:
            file = str(trial.path / "summary.csv")
        raise TrialDataError(
            f"trial {trial.id!r}, outcome {outcome!r}, timepoint {timepoint!r}, {label} {names}: "
            f"{exc.reason}", file=file, row=exc.row, field=exc.field) from exc


def _outcomes(trial: Trial, outcome: str | Iterable[str] | None) -> list[str]:
    if outcome is None:
        return [o.id for o in trial.outcomes]
    ids = [outcome] if isinstance(outcome, str) else list(outcome)
    for oid in ids:
        trial.outcome(oid)
    return ids


def _followups(trial: Trial) -> list[str]:
    if trial.no_baseline:  # baseline = false: every timepoint is a follow-up
        return [t.id for t in trial.timepoints]
    if trial.baseline is None:
        raise TrialDataError(f"trial {trial.id!r} has no baseline timepoint: within- and "
                             f"between-arm change needs one (a crossover is analysed with "
                             f"trialkit.ipd)", field="trial")
    return [t.id for t in trial.timepoints if t.id != trial.baseline]


def add_labels(frame: pd.DataFrame, trial: Trial) -> pd.DataFrame:
    """Add display labels and reference values beside the ids (for tables and figures).

    Adds outcome_label, outcome_short, arm_label, timepoint_label, timepoint_short (and
    reference_label where there is a
    reference column), plus the outcome's mcid and mdc where defined (NaN otherwise).
    """
    import numpy as np

    outcomes = {o.id: o for o in trial.outcomes}
    arms = {a.id: a.label for a in trial.arms}
    tps = {t.id: t.label for t in trial.timepoints}
    tps_short = {t.id: t.short for t in trial.timepoints}
    frame = frame.copy()
    if "outcome" in frame:
        frame["outcome_label"] = frame["outcome"].map(lambda o: outcomes[o].label)
        frame["outcome_short"] = frame["outcome"].map(lambda o: outcomes[o].short)
        frame["mcid"] = frame["outcome"].map(
            lambda o: np.nan if outcomes[o].mcid is None else outcomes[o].mcid)
        frame["mdc"] = frame["outcome"].map(
            lambda o: np.nan if outcomes[o].mdc is None else outcomes[o].mdc)
    if "arm" in frame:
        frame["arm_label"] = frame["arm"].map(arms)
    if "reference" in frame:
        frame["reference_label"] = frame["reference"].map(arms)
    if "timepoint" in frame:
        frame["timepoint_label"] = frame["timepoint"].map(tps)
        frame["timepoint_short"] = frame["timepoint"].map(tps_short)
    return frame



def _illustrative(*sources: Any) -> bool:
    from trialkit.trial import is_illustrative

    return any(is_illustrative(s) for s in sources)


def _zero_sd(trial: Trial, outcome: str, arms: tuple[str, ...], timepoint: str) -> bool:
    """True (with a warning) when a printed SD the statistics need is 0.

    An SD of 0 is a real printed value (every patient scored the same), kept at load; the
    SD-based statistics for that arm and visit are undefined, so they are left out, and the
    warning names what was left out and why.
    """
    if trial.ipd is not None:
        return False
    s = trial.summary
    rows = s[(s["outcome"] == outcome) & s["arm"].isin(arms)
             & s["timepoint"].isin([timepoint, trial.baseline])]
    zero = rows[rows["sd"] == 0]
    if zero.empty:
        return False
    where = ", ".join(f"{a} at {t}" for a, t in zip(zero["arm"], zero["timepoint"], strict=True))
    warnings.warn(f"{trial.id}: {outcome} has an SD of 0 ({where}); effect sizes, tests and "
                  f"intervals that divide by it are undefined and left out for "
                  f"{', '.join(arms)} at {timepoint}", UserWarning, stacklevel=3)
    return True


def _higher_lower(estimate: float, null: float = 0.0) -> str:
    """Neutral wording of a change or difference: "higher", "lower" or "no change"."""
    if estimate != estimate:
        return ""
    return "higher" if estimate > null else "lower" if estimate < null else "no change"


def _favours(estimate: float, direction: str | None, arm: str, reference: str,
             ratio: bool = False) -> str:
    null = 1.0 if ratio else 0.0
    if direction is None:
        return "direction not stated"
    if estimate == null:
        return "neither"
    higher = estimate > null
    return arm if higher == (direction == "higher_is_better") else reference


def _summary_view(trial: Trial) -> Trial:
    """The same trial with its patient data hidden, so that only summaries are used."""
    from trialkit.trial import Trial as TrialClass

    return TrialClass(trial.meta, trial.summary, reported=trial.reported, changes=trial.changes)

