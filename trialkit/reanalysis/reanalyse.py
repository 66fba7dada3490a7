"""One call for a whole trial: every outcome and follow-up, reanalysed against its MCID."""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from trialkit.errors import TrialDataError

if TYPE_CHECKING:
    from trialkit.trial import Trial

__all__ = ["DEFAULT_PRIORS", "reanalyse", "sentences"]

DEFAULT_PRIORS = ("skeptical", "neutral", "enthusiastic", "flat")
_MEASURES = ("ancova", "mean_difference", "diff_in_change")


def _mcid_for(trial: Trial, outcome: str, mcid: float | Mapping[str, float] | None
              ) -> tuple[float | None, str]:
    """The MCID to use for an outcome and where it comes from."""
    if isinstance(mcid, Mapping):
        if outcome in mcid:
            return float(mcid[outcome]), "given"
    elif mcid is not None:
        return float(mcid), "given"
    out = trial.outcome(outcome)
    if out.mcid is not None:
        return out.mcid, f"trial.toml ({out.mcid_source})"
    return None, "none: the trial gives no MCID for this outcome"


def reanalyse(trial: Trial, *, r: float | None = None, priors: Any = DEFAULT_PRIORS,
              mcid: float | Mapping[str, float] | None = None, measure: str | None = None,
              outcome: str | None = None, level: float = 0.95) -> pd.DataFrame:
    """Bayesian and design reanalysis of every outcome, follow-up and comparison of a trial.

    For each between-arm effect (arm minus reference, from :func:`trialkit.analysis.between`)
    the frame gives, per prior, the posterior probability of any benefit and of a benefit of
    at least the MCID (:func:`~trialkit.reanalysis.bayes`, with a Student-t likelihood row
    beside the normal one), and, from the effect's standard error, what a trial of this size
    can show about an effect the size of the MCID: its power, and how exaggerated and how
    often wrong in sign a significant estimate would be (:func:`~trialkit.reanalysis.design`).

    Parameters
    ----------
    trial : Trial
    r : float, optional
        Pre-post correlation for the ANCOVA and change-score estimates of a summary-only
        trial (see :func:`trialkit.analysis.between`); when not given the analysis layer
        assumes one, warns, and says so in ``method``.
    priors : str, (mean, sd) or list of them
        Passed to :func:`~trialkit.reanalysis.bayes` (default: skeptical, neutral, enthusiastic
        and flat).
    mcid : float or mapping, optional
        Overrides the outcomes' MCIDs (one number for all, or keyed by outcome id). By default
        each outcome's MCID from trial.toml; an outcome without one gets only the flat-prior
        rows, and ``mcid_source`` says so.
    measure : {"ancova", "mean_difference", "diff_in_change"}, optional
        Which between-arm effect to reanalyse: default ANCOVA where the trial has a baseline,
        else the follow-up mean difference.
    outcome : str, optional
        One outcome only.
    level : float, default 0.95

    Returns
    -------
    pandas.DataFrame
        One row per outcome x timepoint x comparison x prior x likelihood: the keys, the
        effect (``effect``, ``effect_se``, ``effect_df``, ``effect_method``), the posterior
        (``estimate, se, ci_low, ci_high, p_benefit, p_mcid, p_harm``), the prior, ``mcid``
        and ``mcid_source``, the design at the MCID (``power_mcid, type_s_mcid,
        type_m_mcid``), ``direction``, ``illustrative`` and ``method``.

    Examples
    --------
    >>> import trialkit
    >>> from trialkit.reanalysis import reanalyse
    >>> res = reanalyse(trialkit.load("mejuto2014"), r=0.5, outcome="pain")
    >>> res.query("prior == 'skeptical' and likelihood == 'normal'")[
    ...     ["timepoint", "p_benefit", "p_mcid"]].round(3)
      timepoint  p_benefit  p_mcid
    0     10min        1.0   0.816
    8       1wk        1.0   0.956
    """
    from trialkit.analysis import between
    from trialkit.reanalysis.bayes import bayes
    from trialkit.reanalysis.design import design

    if measure is None:
        measure = "ancova" if trial.baseline is not None else "mean_difference"
    if measure not in _MEASURES:
        raise TrialDataError(f"measure must be one of {', '.join(_MEASURES)}, got {measure!r}",
                             field="measure")
    if outcome is not None:
        trial.outcome(outcome)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        effects = between(trial, r=r, outcome=outcome)
    for w in caught:  # pass the analysis layer's warnings (an assumed r) on, once each
        warnings.warn(str(w.message), w.category, stacklevel=2)
    effects = effects[effects["measure"] == measure]
    if effects.empty:
        raise TrialDataError(f"trial {trial.id!r} has no {measure} estimates to reanalyse",
                             field="measure")
    frames = []
    for _, eff in effects.iterrows():
        frames.append(_one_effect(trial, eff, priors, mcid, level, bayes, design))
    return pd.concat(frames, ignore_index=True)


def _one_effect(trial: Trial, eff: pd.Series, priors: Any,
                mcid: float | Mapping[str, float] | None, level: float, bayes: Any,
                design: Any) -> pd.DataFrame:
    value, source = _mcid_for(trial, str(eff["outcome"]), mcid)
    direction = trial.outcome(str(eff["outcome"])).direction
    keys = {"outcome": eff["outcome"], "timepoint": eff["timepoint"],
            "comparison": eff["comparison"], "measure": eff["measure"],
            "effect": eff["estimate"], "effect_se": eff["se"], "effect_df": eff["df"],
            "effect_method": eff["method"]}
    if direction is None:
        return pd.DataFrame([{**keys, "direction": None, "mcid": value, "mcid_source": source,
                              "illustrative": bool(eff["illustrative"]),
                              "method": "reanalyse/skipped: the outcome's direction of "
                                        "benefit is not declared, so benefit is undefined"}])
    use: Sequence[Any] = priors if value is not None else ["flat"]
    df = eff["df"] if not (isinstance(eff["df"], float) and math.isnan(eff["df"])) else None
    post = bayes(eff["estimate"], eff["se"], prior=list(use) if not isinstance(use, str)
                 else use, mcid=value, df=df, level=level, direction=direction)
    post = post.drop(columns=["row", "data_estimate", "data_se"])
    for key, val in reversed(list(keys.items())):
        post.insert(0, key, val)
    if value is not None:
        d = design(value, eff["se"], df=df).iloc[0]
        post["power_mcid"], post["type_s_mcid"], post["type_m_mcid"] = (
            d["power"], d["type_s"], d["type_m"])
    else:
        post["power_mcid"] = post["type_s_mcid"] = post["type_m_mcid"] = math.nan
    post["mcid_source"] = source
    post["direction"] = direction
    post["illustrative"] = bool(eff["illustrative"])
    return post


def sentences(frame: pd.DataFrame, trial: Trial, *, prior: str = "skeptical",
              likelihood: str = "normal") -> list[str]:
    """One plain-language sentence per outcome, follow-up and comparison of :func:`reanalyse`.

    The sentence reads the frame's ``p_mcid`` (or ``p_benefit`` where the outcome has no
    MCID) under the chosen prior; it says when the numbers are illustrative, when the
    outcome has no MCID, and when its direction is not declared.

    Examples
    --------
    >>> import trialkit
    >>> from trialkit.reanalysis import reanalyse, sentences
    >>> trial = trialkit.load("mejuto2014")
    >>> text = sentences(reanalyse(trial, r=0.5, outcome="pain"), trial)[1]
    >>> text.startswith("Under a skeptical prior, the probability that Dry needling lowers")
    True
    >>> text.endswith("by at least 1.3 points at 1 week is 0.96 (illustrative data).")
    True
    """
    from trialkit.display import fmt_probability

    out = []
    keys = ["outcome", "timepoint", "comparison"]
    for (oid, tp, comp), rows in frame.groupby(keys, sort=False):
        o, t = trial.outcome(str(oid)), trial.timepoint(str(tp))
        arm = trial.arm(str(comp).split("-")[0]).label
        tail = " (illustrative data)." if bool(rows["illustrative"].iloc[0]) else "."
        if "p_benefit" not in rows or rows["direction"].isna().all():
            out.append(f"{o.label} at {t.label}: no probability of benefit, because the "
                       f"direction of benefit is not declared{tail}")
            continue
        pick = rows[(rows["likelihood"] == likelihood) & (rows["prior"] == prior)]
        if pick.empty:
            pick = rows[(rows["likelihood"] == likelihood) & (rows["prior"] == "flat")]
        r = pick.iloc[0]
        verb = "lowers" if o.direction == "lower_is_better" else "raises"
        if math.isfinite(r["mcid"]):
            what = f"{verb} {o.label} by at least {r['mcid']:g} {o.unit}".rstrip()
            p, prior_text = r["p_mcid"], f"a {r['prior']} prior"
        else:
            what = f"{verb} {o.label}"
            p, prior_text = r["p_benefit"], "a flat prior (no MCID is given for it)"
        shown = fmt_probability(p)
        out.append(f"Under {prior_text}, the probability that {arm} {what} at {t.label} is "
                   f"{shown}{tail}")
    return out
