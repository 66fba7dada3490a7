"""Printed change rows: the pre-post correlation each arm's three SDs imply."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from trialkit.checks import _numbers as num
from trialkit.checks._reported import _box, _corners, printed_text
from trialkit.tables.signs import NEGATED_METHOD, negate_text

if TYPE_CHECKING:
    from trialkit.trial import Trial

__all__ = ["change_vs_levels", "implied_r"]


def implied_r(trial: Trial, *, rounding: str = "up_or_down") -> pd.DataFrame:
    """The pre-post correlation implied by each arm's baseline, follow-up and change SDs.

    ``r = (sd_pre^2 + sd_post^2 - sd_change^2) / (2 sd_pre sd_post)`` (Cochrane Handbook
    6.5.2.8, :func:`trialkit.effects.r_from_sds`), computed at every corner of the rounding
    box of the three printed SDs (``r_low``, ``r_high``). No data can have ``|r| > 1``: when
    the whole range lies outside [-1, 1] the three SDs cannot all be right (``possible`` is
    False).

    Parameters
    ----------
    trial : Trial
    rounding : str, default "up_or_down"
        Rounding scheme of the printed SDs.

    Returns
    -------
    pandas.DataFrame
        ``outcome, arm, timepoint, printed`` (the three SDs as printed), ``sd_pre, sd_post,
        sd_change, r, r_low, r_high, possible, method``; one row per printed change row
        with a baseline and a follow-up row.

    References
    ----------
    Higgins, Li & Deeks (2023), Cochrane Handbook v6.4, section 6.5.2.8.

    Examples
    --------
    >>> import trialkit
    >>> from trialkit.checks.changes import implied_r
    >>> implied_r(trialkit.load("mejuto2014")).empty  # it prints no change rows
    True
    """
    from trialkit import effects
    rounding = num.check_rounding(rounding)
    cols = ["outcome", "arm", "timepoint", "printed", "sd_pre", "sd_post", "sd_change", "r",
            "r_low", "r_high", "possible", "method"]
    rows: list[dict[str, Any]] = []
    for (o, a, tp), pre, post, c in _with_levels(trial):
        box = _corners({"pre": _box(pre, "sd", rounding, True),
                        "post": _box(post, "sd", rounding, True),
                        "change": _box(c, "sd", rounding, True)})
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            r = effects.r_from_sds(box["pre"], box["post"], box["change"],
                                   impossible="return")
        lo, hi = float(np.nanmin(r)), float(np.nanmax(r))
        rows.append({"outcome": o, "arm": a, "timepoint": tp,
                     "printed": tuple(_text(x) for x in (pre, post, c)),
                     "sd_pre": float(pre["sd"]),
                     "sd_post": float(post["sd"]), "sd_change": float(c["sd"]),
                     "r": float(r[-1]), "r_low": lo, "r_high": hi,
                     "possible": bool(lo <= 1 and hi >= -1),
                     "method": "r_from_sds/cochrane_6.5.2.8/rounding_box"})
    return pd.DataFrame(rows, columns=cols)


def _with_levels(trial: Trial) -> Iterator[tuple[tuple[str, str, str], pd.Series, pd.Series,
                                                  pd.Series]]:
    """Each printed change row with its arm's baseline and follow-up rows, where both exist."""
    ch = trial.changes
    if ch.empty or trial.baseline is None:
        return
    s = trial.summary.set_index(["outcome", "arm", "timepoint"])
    for _, c in ch.iterrows():
        o, a, tp = c["outcome"], c["arm"], c["timepoint"]
        if (o, a, trial.baseline) in s.index and (o, a, tp) in s.index:
            yield (o, a, tp), s.loc[(o, a, trial.baseline)], s.loc[(o, a, tp)], c


def _text(row: pd.Series) -> str:
    text = printed_text(row, "sd")
    return f"{float(row['sd']):g}" if text is None else text


def change_vs_levels(trial: Trial, *, rounding: str = "up_or_down") -> pd.DataFrame:
    """Does each printed mean change agree with its own baseline and follow-up means?

    For the same patients the mean of the changes equals the difference of the means, so a
    printed change must lie within the rounding of ``mean_post - mean_pre``: the interval
    ``[post_low - pre_high, post_high - pre_low]`` from the printed numbers' rounding
    intervals. Where the three rows have different n (completers only, say) the identity
    need not hold, and the row says it cannot be checked. Many papers print a change as a
    magnitude, baseline minus follow-up for a fall: ``agrees_reversed`` says whether the
    change equals the difference with its sign reversed. Both compare the change as the trial
    stores it: a change row declared ``change = "baseline_minus_followup"`` was negated at
    load (``negated``; :mod:`trialkit.tables.signs`), and ``printed`` keeps its texts as
    printed.

    Returns
    -------
    pandas.DataFrame
        ``outcome, arm, timepoint, printed`` (baseline, follow-up and change means as
        printed), ``stored`` (the change's text as stored), ``negated, difference_low,
        difference_high, change_low, change_high, same_n, agrees, agrees_reversed, method``.

    Examples
    --------
    >>> import trialkit
    >>> from trialkit.checks import change_vs_levels
    >>> change_vs_levels(trialkit.load("mejuto2014")).empty  # it prints no change rows
    True
    """
    rounding = num.check_rounding(rounding)
    cols = ["outcome", "arm", "timepoint", "printed", "stored", "negated", "difference_low",
            "difference_high", "change_low", "change_high", "same_n", "agrees",
            "agrees_reversed", "method"]
    rows: list[dict[str, Any]] = []
    for (o, a, tp), pre, post, c in _with_levels(trial):
        if any(pd.isna(x["mean"]) for x in (pre, post, c)):
            continue
        p_lo, p_hi, _ = _box(pre, "mean", rounding)
        f_lo, f_hi, _ = _box(post, "mean", rounding)
        c_lo, c_hi, _ = _box(c, "mean", rounding)
        d_lo, d_hi = f_lo - p_hi, f_hi - p_lo
        same_n = int(pre["n"]) == int(post["n"]) == int(c["n"])
        negated = _negated(c)
        stored = _mean_text(c)
        rows.append({"outcome": o, "arm": a, "timepoint": tp,
                     "printed": (_mean_text(pre), _mean_text(post),
                                 negate_text(stored) if negated else stored),
                     "stored": stored, "negated": negated,
                     "difference_low": d_lo, "difference_high": d_hi, "change_low": c_lo,
                     "change_high": c_hi, "same_n": same_n,
                     "agrees": bool(c_lo <= d_hi and c_hi >= d_lo),
                     "agrees_reversed": bool(-c_hi <= d_hi and -c_lo >= d_lo),
                     "method": "mean_change=mean_post-mean_pre/rounding_box"})
    return pd.DataFrame(rows, columns=cols)


def _negated(row: pd.Series) -> bool:
    """Whether a change row was negated at load (printed baseline minus follow-up)."""
    return NEGATED_METHOD in str(row.get("method", "") if "method" in row.index else "")


def _mean_text(row: pd.Series) -> str:
    text = printed_text(row, "mean")
    return f"{float(row['mean']):g}" if text is None else text
