"""The between-arm effects that depend on the pre-post correlation, across assumed values
(:func:`sensitivity`), with the correlation the table's printed change SDs imply."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from trialkit.analysis._between import between
from trialkit.analysis._changes import _change, _pairs, _pooled_implied_r
from trialkit.analysis._common import SENSITIVITY_R, _summary_view
from trialkit.errors import TrialDataError

if TYPE_CHECKING:
    import pandas as pd

    from trialkit.trial import Trial

__all__ = ["sensitivity"]


def sensitivity(trial: Trial, r: Sequence[float] = SENSITIVITY_R, *,
                outcome: str | Sequence[str] | None = None,
                measures: Sequence[str] = ("diff_in_change", "ancova"),
                level: float = 0.95) -> pd.DataFrame:
    """Between-arm effects that depend on the pre-post correlation, across assumed values.

    Runs :func:`between` from the summary table (``use="summary"``) once per value of ``r``
    and keeps the measures that depend on it.

    Parameters
    ----------
    trial : Trial
    r : sequence of float
        Correlations to try (default 0.2 to 0.8).
    outcome : str or sequence of str, optional
    measures : sequence of str
        Among ``diff_in_change`` and ``ancova``.
    level : float

    Returns
    -------
    DataFrame
        The :func:`between` columns, one block per ``r`` (``r`` is the value tried; where a
        row did not use it, ``r_source`` says so), plus ``r_implied`` (the pooled pre-post
        correlation the table's printed change SDs imply, NaN when it prints none or it is
        impossible) and ``r_note`` (a sentence for a figure's footnote, "" when the
        correlation is not given by the table).

    Examples
    --------
    >>> import trialkit
    >>> from trialkit.analysis import sensitivity
    >>> s = sensitivity(trialkit.load("mejuto2014"), r=[0.2, 0.8], outcome="pain")
    >>> sorted(s["r"].unique().tolist())
    [0.2, 0.8]
    """
    import pandas as pd

    bad = [m for m in measures if m not in ("diff_in_change", "ancova")]
    if bad:
        raise TrialDataError(f"measures must be among diff_in_change, ancova; got {bad}",
                             field="measures")
    values = list(r)
    if not values:
        raise TrialDataError("give at least one value of r", field="r")
    frames = []
    for value in values:
        one = between(trial, r=value, outcome=outcome, level=level, use="summary")
        one["r"] = value  # the value tried; r_source says where a row did not use it
        frames.append(one)
    frame = pd.concat(frames, ignore_index=True)
    frame = frame[frame["measure"].isin(measures)].reset_index(drop=True)
    implied = {}
    for key in frame[["outcome", "timepoint", "arm", "reference"]].drop_duplicates().itertuples(
            index=False):
        oid, tp, arm, ref = key
        pairs = [(_pairs(_summary_view(trial), oid, a, tp), _change(trial, oid, a, tp))
                 for a in (arm, ref)]
        implied[tuple(key)] = (_pooled_implied_r(pairs)[0]
                               if all(c is not None for _, c in pairs) else None)
    keys = list(zip(frame["outcome"], frame["timepoint"], frame["arm"], frame["reference"],
                    strict=True))
    frame["r_implied"] = [float("nan") if implied[k] is None else implied[k] for k in keys]
    frame["r_note"] = [_sensitivity_note(implied[k], m)
                       for k, m in zip(keys, frame["measure"], strict=True)]
    return frame


def _sensitivity_note(implied: float | None, measure: str) -> str:
    if implied is None:
        return ""
    if measure == "diff_in_change":
        return ("the table prints each arm's change and its SD: this difference uses them and "
                "does not depend on r")
    return (f"the printed baseline, follow-up and change SDs imply a pooled r = {implied:.2f}; "
            "other values of r are hypothetical")
