"""The between-arm effects that depend on the pre-post correlation, across assumed values
(:func:`sensitivity`), with the correlation the table's printed change SDs imply."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING

from trialkit.analysis._between import between
from trialkit.analysis._changes import IMPLIED, _change, _implied_r, _pairs, _pooled_implied_r
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
        impossible), ``r_implied_arm`` and ``r_implied_reference`` (each arm's own), the
        ANCOVA at the pooled implied r (``implied_estimate, implied_ci_low,
        implied_ci_high``, NaN for other rows), and ``r_note`` (a sentence for a figure's
        footnote, "" when the correlation is not given by the table).

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
    implied = _implied(trial, frame)
    keys = list(zip(frame["outcome"], frame["timepoint"], frame["arm"], frame["reference"],
                    strict=True))
    for col, pos in (("r_implied", 0), ("r_implied_arm", 1), ("r_implied_reference", 2)):
        frame[col] = [implied[k][pos] for k in keys]
    frame["r_note"] = [_sensitivity_note(implied[k][0], m)
                       for k, m in zip(keys, frame["measure"], strict=True)]
    return _at_implied(trial, frame, outcome, level)


def _implied(trial: Trial, frame: pd.DataFrame) -> dict[tuple, tuple[float, float, float]]:
    """(pooled, arm, reference) r the printed SDs imply, per comparison; NaN where not.

    Each arm's r is ``(sd_pre^2 + sd_post^2 - sd_change^2) / (2 sd_pre sd_post)`` (Cochrane
    Handbook 6.5.2.8), NaN when outside (-1, 1); the pooled one as :func:`between`'s
    ANCOVA uses it (NaN unless both arms give a possible r).
    """
    nan = float("nan")
    out = {}
    view = _summary_view(trial)
    for key in frame[["outcome", "timepoint", "arm", "reference"]].drop_duplicates().itertuples(
            index=False):
        oid, tp, arm, ref = key
        pairs = [(_pairs(view, oid, a, tp), _change(trial, oid, a, tp)) for a in (arm, ref)]
        each = [_implied_r(st, ch) for st, ch in pairs]
        each_f = [nan if v is None or not -1 < v < 1 else v for v in each]
        pooled = (_pooled_implied_r(pairs)[0] if all(c is not None for _, c in pairs)
                  else None)
        out[tuple(key)] = (nan if pooled is None else pooled, *each_f)
    return out


def _at_implied(trial: Trial, frame: pd.DataFrame, outcome: str | Sequence[str] | None,
                level: float) -> pd.DataFrame:
    """Add ``implied_estimate, implied_ci_low, implied_ci_high``: the ANCOVA at the pooled
    implied r (what :func:`between` reports when r is not given), NaN elsewhere."""
    import numpy as np

    cols = ("implied_estimate", "implied_ci_low", "implied_ci_high")
    for col in cols:
        frame[col] = np.nan
    if not frame["r_implied"].notna().any():
        return frame
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # the fallbacks: r_note says why
        at = between(trial, outcome=outcome, level=level, use="summary")
    at = at[(at["measure"] == "ancova") & (at["r_source"] == IMPLIED)]
    at = at.set_index(["outcome", "timepoint", "comparison"])
    for idx, row in frame[frame["measure"] == "ancova"].iterrows():
        key = (row["outcome"], row["timepoint"], row["comparison"])
        if key in at.index:
            hit = at.loc[key]
            frame.loc[idx, list(cols)] = [hit["estimate"], hit["ci_low"], hit["ci_high"]]
    return frame


def _sensitivity_note(implied: float | None, measure: str) -> str:
    if implied is None or implied != implied:
        return ""
    if measure == "diff_in_change":
        return ("the table prints each arm's change and its SD: this difference uses them and "
                "does not depend on r")
    return (f"the printed baseline, follow-up and change SDs imply a pooled r = {implied:.2f}; "
            "other values of r are hypothetical")
