"""Run the patient-level analyses that fit a trial's data: one table per analysis."""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

import pandas as pd

from trialkit.errors import TrialDataError
from trialkit.ipd._ancova import ancova_table
from trialkit.ipd._bootstrap import bootstrap
from trialkit.ipd._common import check_level, check_outcome, check_seed, followups, require_ipd
from trialkit.ipd._counts import count_model
from trialkit.ipd._paired import paired
from trialkit.ipd._permutation import permutation_test
from trialkit.ipd._repeated import repeated

if TYPE_CHECKING:
    from collections.abc import Callable

    from trialkit.meta import Outcome
    from trialkit.trial import Trial

__all__ = ["analyse", "is_count"]


def is_count(outcome: Outcome) -> bool:
    """True for a count outcome: whole numbers from 0 with no upper bound, or domain "count".

    A bounded integer scale (a questionnaire score such as the BDI, 0-63) is not a count.
    """
    if outcome.domain in ("count", "counts"):
        return True
    return bool(outcome.integer and outcome.lower == 0 and outcome.upper is None)


def analyse(trial: Trial, outcome: str, *, level: float = 0.95, seed: int = 0,
            n_resamples: int = 10_000) -> dict[str, pd.DataFrame]:
    """Every patient-level analysis that fits the trial's design and outcome, as tables.

    Parallel trial with a baseline:

    - ``"ancova"``: :func:`ancova_table` at each follow-up (adjusted means; ANCOVA,
      change-score and follow-up-only estimates side by side);
    - ``"repeated"`` (more than one follow-up): :func:`repeated` (random-intercept mixed
      model by REML and GEEs, arm difference at each follow-up);
    - ``"paired"``: :func:`paired`, within-arm change from baseline (t test, d_z, d_av);
    - ``"permutation"``: :func:`permutation_test` of the follow-up and the change-score
      difference at each follow-up (exact when the splits can be enumerated);
    - ``"bootstrap"``: :func:`bootstrap` BCa interval of the follow-up mean difference at each
      follow-up (the ``distribution`` column is dropped; use :func:`bootstrap_distribution`);
    - ``"count_model"`` (count outcome, see :func:`is_count`): :func:`count_model`, negative
      binomial rate ratio adjusted for log(baseline + 1), at each follow-up.

    Crossover trial: ``"paired"`` (each condition vs the reference within patients) and
    ``"bootstrap"`` (BCa interval of the mean within-patient difference).

    An analysis (or part of one) that cannot be run on these data (too few patients, a model
    that cannot be fitted) is listed in a ``"skipped"`` table with the reason (columns
    analysis, detail, reason), never dropped silently.

    Parameters
    ----------
    trial : Trial
        A trial with patient data.
    outcome : str
    level : float
        Confidence level for every interval.
    seed : int
        Seed for the resampling analyses.
    n_resamples : int
        Bootstrap resamples (and Monte Carlo re-randomizations when a permutation test
        cannot be exact).

    Returns
    -------
    dict of str to DataFrame
        Table name -> result frame, in the order above.

    Examples
    --------
    >>> import trialkit
    >>> from trialkit.ipd import analyse
    >>> list(analyse(trialkit.load("sleep"), "extra_sleep"))
    ['paired', 'bootstrap']
    >>> list(analyse(trialkit.load("polyps"), "polyps"))
    ['ancova', 'repeated', 'paired', 'permutation', 'bootstrap', 'count_model']
    """
    require_ipd(trial, "analyse")
    out = check_outcome(trial, outcome)
    level = check_level(level)
    seed = check_seed(seed)
    tables: dict[str, pd.DataFrame] = {}
    skipped: list[dict[str, Any]] = []

    def attempt(name: str, detail: str, run: Callable[[], pd.DataFrame]) -> pd.DataFrame | None:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", UserWarning)
            try:
                result = run()
            except TrialDataError as exc:
                skipped.append({"analysis": name, "detail": detail, "reason": str(exc)})
                result = None
        for w in caught:
            if issubclass(w.category, UserWarning):
                skipped.append({"analysis": name, "detail": detail, "reason": str(w.message)})
            else:
                warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
        return result

    def collect(name: str, parts: list[pd.DataFrame | None]) -> None:
        frames = [p for p in parts if p is not None and not p.empty]
        if frames:
            tables[name] = pd.concat(frames, ignore_index=True)

    ipd = require_ipd(trial, "analyse")
    present = set(ipd.loc[ipd["outcome"] == outcome, "timepoint"])
    if trial.design == "crossover":
        collect("paired", [attempt("paired", "all timepoints",
                                   lambda: paired(trial, outcome, level=level))])
        collect("bootstrap", [
            attempt("bootstrap", tp, lambda tp=tp: bootstrap(
                trial, outcome, tp, "paired_difference", n_resamples=n_resamples, seed=seed,
                level=level).drop(columns="distribution"))
            for tp in [t.id for t in trial.timepoints] if tp in present])
    elif trial.baseline is not None:
        fus = [tp for tp in followups(trial) if tp in present]
        collect("ancova", [attempt("ancova", tp, lambda tp=tp: ancova_table(
            trial, outcome, tp, level=level)) for tp in fus])
        if len(fus) > 1:
            collect("repeated", [attempt("repeated", "all follow-ups",
                                         lambda: repeated(trial, outcome, level=level))])
        collect("paired", [attempt("paired", "within-arm change",
                                   lambda: paired(trial, outcome, level=level))])
        collect("permutation", [
            attempt("permutation", f"{tp} {stat}", lambda tp=tp, stat=stat: permutation_test(
                trial, outcome, tp, stat, n_resamples=n_resamples, seed=seed))
            for tp in fus for stat in ("mean_difference", "change_difference")])
        collect("bootstrap", [
            attempt("bootstrap", tp, lambda tp=tp: bootstrap(
                trial, outcome, tp, "mean_difference", n_resamples=n_resamples, seed=seed,
                level=level).drop(columns="distribution"))
            for tp in fus])
        if is_count(out):
            collect("count_model", [attempt("count_model", tp, lambda tp=tp: count_model(
                trial, outcome, tp, level=level)) for tp in fus])
    else:
        raise TrialDataError(f"trial {trial.id!r} is parallel without a baseline timepoint: "
                             f"nothing here analyses it yet", field="trial")
    if skipped:
        tables["skipped"] = pd.DataFrame(skipped, columns=["analysis", "detail", "reason"])
    return tables
