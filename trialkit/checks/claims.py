"""Check each statement in a trial's ``reported.csv`` against numbers recomputed from the
trial's own data."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from trialkit.checks import _numbers as num
from trialkit.checks._claims_common import (
    _REL_WORDS,
    CANNOT,
    CONSISTENT,
    INCONSISTENT,
    VERDICTS,
    _fmt_value,
    _ids,
    _label,
    _result,
    _row_stats,
    no_nan_sentence,
)
from trialkit.checks._match import canonical_statistics
from trialkit.checks._reported import holds
from trialkit.checks.claims_change import (
    _claim_change,
    _claim_direction,
    _claim_mcid,
    _claim_percent_change,
)
from trialkit.checks.claims_counts import (
    _claim_n,
    _claim_n_arm,
    _claim_percent_female,
    _claim_percent_of_arm,
)
from trialkit.checks.claims_effects import _claim_inferential, _claim_ratio, _claim_smd
from trialkit.checks.pvalues import P_STATISTICS, recompute_p
from trialkit.errors import TrialDataError

if TYPE_CHECKING:
    from trialkit.trial import Trial

__all__ = ["VERDICTS", "claims"]






















# ------------------------------------------------------------------------------------------
# one handler per statistic
# ------------------------------------------------------------------------------------------
















def _claim_descriptive(trial: Trial, row: pd.Series, rounding: str, **_: Any) -> dict[str, Any]:
    stat = row["statistic"]
    outcome = row["outcome"]
    if row["comparison"]:
        return _paired_descriptive(trial, row, rounding)
    if row["arm"] in ("", "*") and stat not in ("min", "max"):
        return _result(CANNOT, "The statement names no arm.")
    arms = _ids([a.id for a in trial.arms], row["arm"])
    tps = _ids([t.id for t in trial.timepoints], row["timepoint"])
    text = str(row["value"]).lstrip("+").strip()
    lows, highs, shown = [], [], []
    for arm in arms:
        for tp in tps:
            st = _row_stats(trial, outcome, arm, tp, rounding)
            if st is None:
                continue
            if stat == "mean":
                lo, hi = st["mean_box"]
                shown.append(_fmt_value(st, "mean"))
            elif stat == "sd":
                lo, hi = st["sd_box"]
                shown.append(_fmt_value(st, "sd"))
            elif stat == "sd_divisor_n":
                f = math.sqrt((st["n"] - 1) / st["n"])
                lo, hi = st["sd_box"][0] * f, st["sd_box"][1] * f
                shown.append(f"{st['sd'] * f:.3f} (SD {st['sd']:.3f} x sqrt((n-1)/n))")
            elif stat in ("min", "max", "median"):
                if stat not in st:
                    return _result(CANNOT, f"The data do not give the {stat}.")
                lo = hi = st[stat]
                shown.append(f"{st[stat]:g} ({arm}, {tp})")
            else:  # pragma: no cover - dispatch guards
                return _result(CANNOT, f"No rule for {stat}.")
            lows.append(lo)
            highs.append(hi)
    if not lows:
        return _result(CANNOT, "The data hold no matching summary row.")
    results = [holds(row["relation"], text, lo, hi, rounding)[0]
               for lo, hi in zip(lows, highs, strict=True)]
    ok = all(results)
    name = {"sd_divisor_n": "SD with divisor n", "mean": "mean", "sd": "SD"}.get(stat, stat)
    where = (f"{_label(trial, 'outcome', outcome)}, {', '.join(arms)}, "
             f"{', '.join(tps) if len(tps) < 4 else 'all timepoints'}")
    return _result(CONSISTENT if ok else INCONSISTENT,
                   f"The data give a {name} of {', '.join(shown)} ({where}); the paper says "
                   f"{_REL_WORDS.get(row['relation'], row['relation'])} {row['value']}.",
                   float(np.mean([(a + b) / 2 for a, b in zip(lows, highs, strict=True)])),
                   f"{stat}/from_data")


def _paired_descriptive(trial: Trial, row: pd.Series, rounding: str) -> dict[str, Any]:
    """A descriptive statistic of within-patient differences (crossover)."""
    ipd = trial.ipd
    stat = row["statistic"]
    parts = str(row["comparison"]).split("-")
    if ipd is None or trial.design != "crossover" or len(parts) != 2:
        return _result(CANNOT, "Within-patient differences need patient data of a crossover "
                       "trial.")
    from trialkit.ipd._common import crossover_wide

    wide = crossover_wide(trial, row["outcome"], row["timepoint"]).dropna()
    diff = (wide[parts[0]] - wide[parts[1]]).to_numpy(float)
    if stat == "sd_divisor_n":
        value = float(diff.std(ddof=0))
    elif stat == "sd":
        value = float(diff.std(ddof=1))
    elif stat == "mean":
        value = float(diff.mean())
    else:
        return _result(CANNOT, f"No rule for {stat} of a comparison.")
    text = str(row["value"]).lstrip("+").strip()
    ok = holds(row["relation"], text, value, value, rounding)[0]
    return _result(CONSISTENT if ok else INCONSISTENT,
                   f"The {len(diff)} within-patient differences ({parts[0]} minus {parts[1]}) "
                   f"have a {'SD with divisor n' if stat == 'sd_divisor_n' else stat} of "
                   f"{value:.4f}; the paper says {row['value']}.", value,
                   f"{stat}/paired_differences")
























_HANDLERS: dict[str, Callable[..., dict[str, Any]]] = {
    "n": _claim_n,
    "n_arm": _claim_n_arm,
    "percent_female": _claim_percent_female,
    "percent_of_arm": _claim_percent_of_arm,
    "percent_change": _claim_percent_change,
    "percent_of_baseline": _claim_percent_change,
    "mean": _claim_descriptive,
    "sd": _claim_descriptive,
    "sd_divisor_n": _claim_descriptive,
    "median": _claim_descriptive,
    "min": _claim_descriptive,
    "max": _claim_descriptive,
    "mean_change": _claim_change,
    "sd_change": _claim_change,
    "smd": _claim_smd,
    "ratio_of_means": _claim_ratio,
    "direction": _claim_direction,
    "mcid_exceeded": _claim_mcid,
    **{s: _claim_inferential for s in P_STATISTICS},
}


def claims(trial: Trial, r: float | None = None, *, rounding: str = "up_or_down"
           ) -> pd.DataFrame:
    """Check every statement in ``trial.reported`` against the trial's own numbers.

    Each statement (one row of ``reported.csv``) gets a verdict, ``"consistent"``,
    ``"inconsistent"`` or ``"cannot check"``, and one sentence saying why. Printed numbers
    are compared as printed: ``~ -33`` (percent change) holds when the recomputed change
    rounds to -33 for some means within the rounding of the printed ones; ``> 0.56`` for
    outcome ``*`` holds when every matching comparison exceeds 0.56 in the favoured
    direction.

    Rules by statistic:

    - ``n``: patients randomized (or measured at the timepoint given); ``n_arm``: each
      arm's size (``~`` allows the nearest whole numbers, as for 8.5 of 17);
    - ``percent_of_arm``: a percentage of one arm's patients, possible for that arm's size
      (GRIM for a percentage), and which arm sizes would make it possible;
    - ``percent_female``: the patients' recorded sex where the data carry it, otherwise
      whether a whole number of women gives the percentage (GRIM for percentages);
    - ``percent_change`` / ``percent_of_baseline``: within-arm change relative to the arm's
      baseline mean, over the rounding box of the printed means;
    - ``mean``, ``sd``, ``sd_divisor_n``, ``median``, ``min``, ``max``: the summary table (or
      the within-patient differences of a crossover comparison);
    - ``mean_change``, ``sd_change``: change from baseline (the SD needs patient data);
    - ``ratio_of_means``: arm mean / reference mean at a follow-up, over the rounding box;
      called unreliable where Geary's condition (mean x sqrt(n) / SD >= 3) fails;
    - ``smd``: Hedges' g or Cohen's d at follow-up (papers print either, and often call g
      "d": consistent when one of them reproduces the printed value, inconsistent when
      neither does), signed so that positive favours the first arm of the comparison given
      the outcome's direction;
    - ``direction``: which arm the change from baseline favours (comparison), or whether an
      arm improved (arm);
    - ``mcid_exceeded``: within-arm improvement against each outcome's MCID (outcomes
      without one cannot be checked);
    - ``p``, ``t``, ``df``, ``ci``, ``mean_difference``: :func:`recompute_p`.

    Anything else is "cannot check", with the reason.

    Parameters
    ----------
    trial : Trial
    r : float, optional
        Pre-post correlation for summary-only change and ANCOVA analyses; by default several
        values are tried (see :func:`recompute_p`).
    rounding : str, default "up_or_down"
        Rounding scheme of printed numbers.

    Returns
    -------
    pandas.DataFrame
        ``id, statistic, outcome, arm, timepoint, comparison, relation, reported, computed,
        verdict, detail, method, source``.

    References
    ----------
    Brown & Heathers (2017), GRIM (percentages of whole counts); Nuijten et al. (2016),
    statcheck (printed values stand for intervals).

    Examples
    --------
    >>> import trialkit
    >>> from trialkit.checks import claims
    >>> res = claims(trialkit.load("mejuto2014"))
    >>> res.set_index("id").loc[["n_total", "pain_pct_10min"], "verdict"].tolist()
    ['consistent', 'consistent']
    """
    rounding = num.check_rounding(rounding)
    reported = trial.reported
    columns = ["id", "statistic", "outcome", "arm", "timepoint", "comparison", "relation",
               "reported", "computed", "verdict", "detail", "method", "source"]
    if reported.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    reported = canonical_statistics(reported.fillna(""))
    needs_p = reported["statistic"].isin(P_STATISTICS).any()
    recomputed = recompute_p(trial, r=r, rounding=rounding) if needs_p else None
    rows = []
    for _, row in reported.iterrows():
        handler = _HANDLERS.get(str(row["statistic"]))
        if handler is None:
            res = _result(CANNOT, f"trialkit has no rule to check a {row['statistic']!r} "
                          f"statement.")
        else:
            try:
                res = handler(trial, row, rounding, recomputed=recomputed)
            except (TrialDataError, KeyError, ValueError) as exc:
                res = _result(CANNOT, f"Could not be checked: {exc}.")
        res = no_nan_sentence(res)
        rows.append({"id": row["id"], "statistic": row["statistic"], "outcome": row["outcome"],
                     "arm": row["arm"], "timepoint": row["timepoint"],
                     "comparison": row["comparison"], "relation": row["relation"],
                     "reported": row["value"], **res, "source": row["source"]})
    return pd.DataFrame(rows, columns=columns)
