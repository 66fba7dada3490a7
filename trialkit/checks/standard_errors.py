"""Signs that standard errors were printed as standard deviations."""

from __future__ import annotations

import itertools
import math
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from trialkit.checks._reported import printed_text, text_interval
from trialkit.checks.bounds import sd_bounds

if TYPE_CHECKING:
    from trialkit.trial import Trial

__all__ = ["se_as_sd"]

#: |Hedges' g| above which a between-arm difference is implausible for a clinical outcome.
LARGE_G = 3.0
#: An SD smaller than this share of the outcome's typical SD, and close to typical / sqrt(n),
#: looks like a standard error.
SMALL_RATIO = 0.5
#: How the detail of a row that looks like an SE begins.
SE_PREFIX = "Looks like an SE printed as an SD: "


def _printed(row: pd.Series, col: str) -> bool:
    return printed_text(row, col) is not None


def se_as_sd(trial: Trial) -> pd.DataFrame:
    """Flag SDs that look like standard errors (SE = SD / sqrt(n)) printed as SDs.

    Three signs, per summary row:

    1. *below the minimum*: for a whole-number outcome on a bounded scale, the printed SD
       is smaller than any sample with that mean can have (:func:`sd_bounds`), while
       ``SD x sqrt(n)`` would be possible (an SD too small to be an SE too is not called
       one: :func:`sd_bounds` reports it as impossible);
    2. *small relative to the outcome*: the SD is less than half the median SD of the same
       outcome's other rows, and ``SD x sqrt(n)`` is within 35% of that median (what an SE
       of a typical SD would look like). SDs shrink with the room a mean leaves on its scale
       (a mean near a floor of 0 has a small SD), so when the outcome's means all lie inside
       its scale, or above 0 when no scale is declared, the same must hold of the SDs
       divided by their rows' room (``ratio_for_mean``): ``sqrt((mean - lower) (upper -
       mean))``, the largest SD the scale allows (Bhatia & Davis 2000), or ``mean - lower``
       (the coefficient of variation) without an upper bound. An SD small only in one of the
       two readings is not flagged;
    3. *implausible effect size*: a between-arm Hedges' g (same timepoint) larger than 3 in
       absolute value involving this row.

    A fourth, weaker sign is reported but never flags on its own: across arms of unequal
    size, the SD ratio tracks ``sqrt(n_b / n_a)`` (as SEs of equal SDs would) rather than 1.

    Rows derived from patient data are real SDs and are never flagged.

    Parameters
    ----------
    trial : Trial

    Returns
    -------
    pandas.DataFrame
        One row per summary row: ``outcome, arm, timepoint, n, mean, sd, sd_times_sqrt_n,
        ratio_to_typical, typical_sd, ratio_for_mean, max_abs_g, below_minimum, tracks_sqrt_n,
        looks_like_se, detail, method``.

    References
    ----------
    Altman, D. G., & Bland, J. M. (2005). Standard deviations and standard errors. BMJ,
    331, 903. Bhatia, R., & Davis, C. (2000). A better bound on the variance. Amer. Math.
    Monthly, 107, 353-357. Heathers et al. (2018), SPRITE (SD limits on bounded scales).

    Examples
    --------
    >>> import trialkit
    >>> from trialkit.checks import se_as_sd
    >>> bool(se_as_sd(trialkit.load("mejuto2014")).looks_like_se.any())
    False
    """
    s = trial.summary.reset_index(drop=True)
    rows: list[dict[str, Any]] = []
    g_max = _max_abs_g(trial)
    for o in trial.outcomes:
        sub = s[s["outcome"] == o.id]
        if sub.empty:
            continue
        typical = float(np.median(sub["sd"])) if len(sub) > 1 else math.nan
        track = _tracks_sqrt_n(sub)
        room, sds = _room(sub, o.lower, o.upper), sub["sd"].to_numpy(float)
        for k, (_, row) in enumerate(sub.iterrows()):
            from_ipd = not _printed(row, "sd")
            ratio, scaled, small = _relative_size(sds, room, k, int(row["n"]))
            small = small and not from_ipd
            sd_sqrt_n = float(row["sd"]) * math.sqrt(int(row["n"]))
            below = not from_ipd and _below_minimum(row, o)
            g = g_max.get((o.id, row["arm"], row["timepoint"]), math.nan)
            large = bool(not from_ipd and g > LARGE_G)
            rows.append({"outcome": o.id, "arm": row["arm"], "timepoint": row["timepoint"],
                         "n": int(row["n"]), "mean": float(row["mean"]),
                         "sd": float(row["sd"]), "sd_times_sqrt_n": sd_sqrt_n,
                         "ratio_to_typical": ratio, "typical_sd": typical,
                         "ratio_for_mean": scaled, "max_abs_g": g, "below_minimum": below,
                         "tracks_sqrt_n": track.get((row["arm"], row["timepoint"]), False),
                         "looks_like_se": below or small or large,
                         "detail": _se_detail(row, from_ipd, below, small, large, ratio,
                                              scaled, g, sd_sqrt_n),
                         "method": "se_as_sd/bounds+relative_size+hedges_g"})
    return pd.DataFrame(rows)


def _room(sub: pd.DataFrame, lower: float | None, upper: float | None) -> np.ndarray | None:
    """Each row's room on the scale, ``sqrt((mean - lower) (upper - mean))`` or ``mean -
    lower``, when every mean of the outcome lies strictly inside the scale (lower taken as 0
    when none is declared and every mean is positive); None otherwise."""
    means = sub["mean"].to_numpy(float)
    floor = 0.0 if lower is None else float(lower)
    if not (means > floor).all() or (upper is not None and not (means < upper).all()):
        return None
    if upper is None:
        return means - floor
    return np.sqrt((means - floor) * (float(upper) - means))


def _relative_size(sd: np.ndarray, room: np.ndarray | None, k: int, n: int
                   ) -> tuple[float, float, bool]:
    """Sign 2 for row ``k`` (of size ``n``) of one outcome's SDs ``sd``: (its SD over the
    others' median SD, the same for SDs divided by their room (NaN without one), whether the
    SD looks like an SE).

    It does when the SD is under :data:`SMALL_RATIO` of the typical SD in both readings, and
    ``SD x sqrt(n)`` is within 35% of the typical SD in the reading the other rows follow more
    closely (the smaller median absolute deviation of their log SDs): the SE reading has to
    beat the SD reading whether SDs stay constant or shrink with the room on the scale.
    """
    ratio = _ratio(sd, k)
    if room is None:
        return ratio, math.nan, _se_sized(ratio, ratio, n)
    scaled = _ratio(sd / room, k)
    others, their_room = np.delete(sd, k), np.delete(room, k)
    closer = (others.size > 1 and bool(np.all(others > 0))
              and _mad(np.log(others / their_room)) < _mad(np.log(others)))
    return ratio, scaled, _se_sized(max(ratio, scaled), scaled if closer else ratio, n)


def _mad(v: np.ndarray) -> float:
    """Median absolute deviation from the median."""
    return float(np.median(np.abs(v - np.median(v))))


def _ratio(spread: np.ndarray, k: int) -> float:
    """Row ``k``'s value over the median of the others' (NaN without others)."""
    ref = float(np.median(np.delete(spread, k))) if spread.size > 1 else math.nan
    return float(spread[k]) / ref if ref > 0 else math.nan


def _se_sized(small: float, close: float, n: int) -> bool:
    """``small`` (a ratio to the typical SD) is under :data:`SMALL_RATIO`, and ``sqrt(n)``
    times ``close`` is within 35% of 1."""
    return bool(small < SMALL_RATIO and abs(close * math.sqrt(n) - 1) < 0.35)


def _below_minimum(row: pd.Series, o: Any) -> bool:
    """Sign 1: the printed SD is below the least a whole-number sample with this mean can
    have, while the SD it implies as an SE (``SD x sqrt(n)``, over the SD's rounding) is
    possible."""
    if not (o.integer and o.lower is not None and o.upper is not None
            and _printed(row, "mean") and int(row["n"]) >= 2):
        return False
    b = sd_bounds(str(row["mean_text"]), int(row["n"]), o.lower, o.upper, o.items).iloc[0]
    lo, hi, _ = text_interval(str(row["sd_text"]))
    root = math.sqrt(int(row["n"]))
    return bool(b["feasible"] and hi < b["sd_min"]
                and hi * root >= b["sd_min"] and lo * root <= b["sd_max"])


def _se_detail(row: pd.Series, from_ipd: bool, below: bool, small: bool, large: bool,
               ratio: float, scaled: float, g: float, sd_sqrt_n: float) -> str:
    """The sentence of one row of :func:`se_as_sd`."""
    if from_ipd:
        return "The SD is computed from patient data."
    for_mean = "" if math.isnan(scaled) else f" ({scaled:.2f} times for its mean)"
    flags = []
    if below:
        flags.append("the SD is below the smallest possible for this mean and n on this "
                     "scale, and SD x sqrt(n) is possible")
    if small:
        flags.append(f"the SD is {ratio:.2f} times the outcome's typical SD{for_mean} and "
                     f"SD x sqrt(n) = {sd_sqrt_n:.2f} is close to a typical SD")
    if large:
        flags.append(f"a between-arm Hedges' g of {g:.1f} involves this row")
    if flags:
        return SE_PREFIX + "; ".join(flags) + "."
    if math.isnan(ratio):
        return "No sign of an SE."
    return (f"No sign of an SE: SD {row['sd_text']} is {ratio:.2f} times the median of the "
            f"outcome's other SDs{for_mean}"
            + (f", and g is at most {g:.2f}" if not math.isnan(g) else "") + ".")


def _max_abs_g(trial: Trial) -> dict[tuple[str, str, str], float]:
    """Largest |Hedges' g| (:func:`trialkit.effects.smd`) of any pair of arms at the same
    timepoint, per row."""
    import warnings

    from trialkit.effects import smd

    pairs = []
    for (o, tp), grp in trial.summary.groupby(["outcome", "timepoint"], sort=False):
        for a, b in itertools.combinations(grp.to_dict("records"), 2):
            if int(a["n"]) >= 2 and int(b["n"]) >= 2 and a["sd"] > 0 and b["sd"] > 0:
                pairs.append((o, tp, a, b))
    out: dict[tuple[str, str, str], float] = {}
    if not pairs:
        return out
    col = {k: [p[2][k] for p in pairs] for k in ("mean", "sd", "n")}
    ref = {k: [p[3][k] for p in pairs] for k in ("mean", "sd", "n")}
    with warnings.catch_warnings():  # |g| > 5 warns: here it is what the sign looks for
        warnings.simplefilter("ignore", UserWarning)
        g = np.abs(smd(col["mean"], col["sd"], col["n"], ref["mean"], ref["sd"], ref["n"],
                       kind="hedges", ci="normal")["estimate"].to_numpy())
    for (o, tp, a, b), value in zip(pairs, g, strict=True):
        for r in (a, b):
            key = (o, r["arm"], tp)
            out[key] = max(out.get(key, 0.0), float(value))
    return out


def _tracks_sqrt_n(sub: pd.DataFrame) -> dict[tuple[str, str], bool]:
    """Per (arm, timepoint): across arms of clearly unequal n, is SD_a / SD_b nearer
    sqrt(n_b / n_a) (SEs of equal SDs) than 1 (equal SDs)?"""
    out: dict[tuple[str, str], bool] = {}
    for _, grp in sub.groupby("timepoint", sort=False):
        recs = grp.to_dict("records")
        for a, b in itertools.combinations(recs, 2):
            if max(a["n"], b["n"]) < 1.3 * min(a["n"], b["n"]) or not (a["sd"] > 0 < b["sd"]):
                continue
            log_ratio = math.log(a["sd"] / b["sd"])
            expected = 0.5 * math.log(b["n"] / a["n"])
            if abs(log_ratio - expected) < abs(log_ratio) / 3:
                out[(a["arm"], a["timepoint"])] = out[(b["arm"], b["timepoint"])] = True
    return out
