"""One arm's numbers: each arm's mean at each visit (:func:`means`) and its change from
baseline (:func:`within`)."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from trialkit.analysis._changes import (
    IMPLIED,
    PRINTED,
    _assumed_warning,
    _change,
    _implied_r,
    _pairs,
    _printed_change_effect,
)
from trialkit.analysis._common import (
    _RESULT,
    _context,
    _followups,
    _higher_lower,
    _illustrative,
    _labels,
    _outcomes,
    _resolve_r,
    _zero_sd,
    add_labels,
)
from trialkit.errors import TrialDataError

if TYPE_CHECKING:
    import pandas as pd

    from trialkit.trial import Trial

__all__ = ["means", "within"]


def means(trial: Trial, *, outcome: str | Sequence[str] | None = None,
          level: float = 0.95) -> pd.DataFrame:
    """Each arm's mean at each timepoint with a t-based confidence interval.

    ``mean +/- t(1 - alpha/2, n - 1) sd / sqrt(n)``, the one-sample t interval (as R's
    ``t.test(x)`` prints it), from the summary table (derived from patient data where they
    exist).

    Returns
    -------
    DataFrame
        Columns outcome, arm, timepoint, order (the timepoint's sort key), estimate (the mean),
        se, ci_low, ci_high, df, n, sd, unit, direction, illustrative, method. A row whose SD
        is not reported keeps its mean and has NaN interval columns, with method saying so.

    Examples
    --------
    >>> import trialkit
    >>> from trialkit.analysis import means
    >>> m = means(trialkit.load("sleep"))
    >>> m[["arm", "estimate", "ci_low", "ci_high"]].round(4)
         arm  estimate  ci_low  ci_high
    0  drug1      0.75 -0.5298   2.0298
    1  drug2      2.33  0.8977   3.7623
    """
    import numpy as np
    import pandas as pd
    from scipy import stats

    from trialkit.trial import is_illustrative

    if not 0 < level < 1:
        raise TrialDataError(f"level must lie between 0 and 1, got {level}", field="level")
    frame = trial.summary
    frame = frame[frame["outcome"].isin(_outcomes(trial, outcome))].reset_index(drop=True)
    n = frame["n"].to_numpy(dtype=float)
    sd = frame["sd"].to_numpy(dtype=float)
    has_ci = (n >= 2) & np.isfinite(sd)
    df = np.where(has_ci, n - 1, np.nan)
    se = np.where(has_ci, sd / np.sqrt(n), np.nan)
    q = stats.t.ppf(0.5 + level / 2, np.where(has_ci, df, 1.0))
    est = frame["mean"].to_numpy(dtype=float)
    order = {t.id: t.order for t in trial.timepoints}
    outcomes = {o.id: o for o in trial.outcomes}
    out = pd.DataFrame({
        "outcome": frame["outcome"], "arm": frame["arm"], "timepoint": frame["timepoint"],
        "order": frame["timepoint"].map(order).astype(float), "estimate": est, "se": se,
        "ci_low": np.where(has_ci, est - q * se, np.nan),
        "ci_high": np.where(has_ci, est + q * se, np.nan), "df": df,
        "n": frame["n"].astype(int), "sd": sd,
        "unit": frame["outcome"].map(lambda o: outcomes[o].unit),
        "direction": frame["outcome"].map(lambda o: outcomes[o].direction),
        "illustrative": frame["source"].map(is_illustrative).astype(bool),
        "method": np.where(has_ci, "mean/one_sample_t_ci", "mean/no_ci(sd not reported)"),
        "reference_arm": trial.reference_arm,
    })
    return add_labels(out, trial)


def within(trial: Trial, r: float | None = None, *, outcome: str | Sequence[str] | None = None,
           level: float = 0.95) -> pd.DataFrame:
    """Change from baseline within each arm, at each follow-up.

    For every outcome x arm x follow-up timepoint: the mean change (for range-of-motion
    outcomes, the degrees gained), the percent change relative to the arm's own baseline mean,
    and the standardized mean change (baseline-SD standardization, Becker 1988), each with its
    confidence interval.

    Parameters
    ----------
    trial : Trial
    r : float, optional
        Pre-post correlation for summary-only trials (ignored with patient data, where the
        observed correlation is used). Default: the correlation the table's printed change
        SDs imply (``trial.changes``, Cochrane Handbook 6.5.2.8), else 0.5 with a warning.
        Where the table prints an arm's change and its SD, the mean change uses them and
        needs no r (``method`` says ``from printed change``).
    outcome : str or sequence of str, optional
        Restrict to these outcomes.
    level : float
        Confidence level.

    Returns
    -------
    DataFrame
        Columns outcome, arm, timepoint, measure (mean_change, percent_change, smcr),
        estimate, se, ci_low, ci_high, df, p, unit, m_pre, m_post, n, r, r_source, direction,
        improved (the change is an improvement for this outcome; NA when the direction is not
        declared), change_direction ("lower", "higher" or "no change": no judgement), domain,
        illustrative, method, and the display columns of :func:`add_labels`. Boundary
        conversions of the summary rows used (their ``method``, e.g. ``sd_from_se``) are
        appended to ``method``.
        ``percent_change`` is ``100 (m_post - m_pre) / m_pre``: negative is a decrease.

    References
    ----------
    Becker BJ. Synthesizing standardized mean-change measures. Br J Math Stat Psychol
    1988;41:257-278. Cochrane Handbook 6.5.2.8 (SD of change from r).

    Examples
    --------
    >>> import trialkit
    >>> from trialkit.analysis import within
    >>> w = within(trialkit.load("anorexia"))
    >>> ft = w.query("arm == 'ft' and measure == 'mean_change'").iloc[0]
    >>> round(float(ft["estimate"]), 4), round(float(ft["p"]), 4)
    (7.2647, 0.0007)
    """
    import pandas as pd


    r_value, r_source = _resolve_r(trial, r)
    rows: list[dict[str, Any]] = []
    for oid in _outcomes(trial, outcome):
        out = trial.outcome(oid)
        for arm in trial.arms:
            for tp in _followups(trial):
                if _zero_sd(trial, oid, (arm.id,), tp):
                    continue
                with _context(trial, oid, tp, (arm.id,)):
                    st = _pairs(trial, oid, arm.id, tp)
                    change = None if trial.ipd is not None else _change(trial, oid, arm.id, tp)
                    if st is None and change is None:
                        continue
                    rows.extend(_within_rows(trial, out, arm.id, tp, st, change, level,
                                             (r_value, r_source, r is not None)))
    columns = ["outcome", "arm", "timepoint", "measure", *_RESULT, "unit", "m_pre", "m_post",
               "n", "r", "r_source", "direction", "improved", "change_direction", "domain",
               "illustrative", "method"]
    frame = pd.DataFrame(rows, columns=columns)
    frame["improved"] = frame["improved"].astype("boolean")
    if trial.no_baseline and frame.empty:
        from trialkit.meta import NO_BASELINE

        warnings.warn(f"{trial.id}: no within-arm change from baseline: {NO_BASELINE} "
                      f"(baseline = false)", UserWarning, stacklevel=2)
    return add_labels(frame, trial)


def _within_r(trial: Trial, where: str, st: dict[str, Any] | None, change: Any,
              r_info: tuple[float, str, bool]) -> tuple[float, str]:
    """The pre-post r a within-arm row uses: observed, given, implied by the SDs, or assumed."""
    r_value, r_source, given = r_info
    if st is not None and st["r"] is not None:
        return st["r"], st["r_source"]
    if change is None or given:
        return r_value, r_source
    implied = _implied_r(st, change)
    if implied is not None and -1 < implied < 1:
        return implied, IMPLIED
    why = "SDs missing" if implied is None else f"implied r = {implied:.3g} outside (-1, 1)"
    if st is not None:
        _assumed_warning(trial, where, why, r_value)
    return r_value, f"assumed; {why}"


def _within_rows(trial: Trial, out: Any, arm: str, tp: str, st: dict[str, Any] | None,
                 change: Any, level: float, r_info: tuple[float, str, bool]) -> list[dict]:
    """The within-arm rows (mean change, percent change, smcr) of one arm at one follow-up."""
    import math

    from trialkit import effects

    rr, rsrc = _within_r(trial, f"{out.id} {arm} {tp}", st, change, r_info)
    conv = "" if st is None else st.get("converted", "")
    results: list[tuple[str, Any, str, float, str]] = []
    if change is not None:
        results.append(("mean_change", _printed_change_effect(change, level), out.unit,
                        math.nan, PRINTED))
    if st is not None:
        args = (st["m_pre"], st["sd_pre"], st["m_post"], st["sd_post"], st["n"])
        if change is None:
            results.append(("mean_change", effects.mean_change(*args, r=rr, level=level).iloc[0],
                            out.unit, rr, rsrc))
        if st["m_pre"] > 0 and st["m_post"] > 0:
            pc = effects.percent_change(st["m_pre"], st["m_post"], st["sd_pre"], st["sd_post"],
                                        st["n"], r=rr, level=level,
                                        direction=out.direction).iloc[0]
            results.append(("percent_change", pc, "%", rr, rsrc))
        sm = effects.smcr(st["m_pre"], st["sd_pre"], st["m_post"], st["n"], r=rr,
                          level=level).iloc[0]
        results.append(("smcr", sm, "baseline SD", rr, rsrc))
    change_est = float(results[0][1]["estimate"])
    improved = (None if out.direction is None or change_est == 0 else
                (change_est > 0) == (out.direction == "higher_is_better"))
    rows = []
    for measure, res, unit, r_used, r_src in results:
        row = {"outcome": out.id, "arm": arm, "timepoint": tp, "measure": measure}
        row.update({c: float(res[c]) if c in res and res[c] is not None else math.nan
                    for c in _RESULT})
        method = str(res["method"])
        if r_src != PRINTED:
            method = _labels(method, r_used, r_src) + conv
        row.update(unit=unit, m_pre=math.nan if st is None else st["m_pre"],
                   m_post=math.nan if st is None else st["m_post"],
                   n=int(change["n"]) if st is None else st["n"], r=r_used, r_source=r_src,
                   direction=out.direction, domain=out.domain,
                   illustrative=_illustrative(st["source"] if st else change["source"]),
                   improved=improved, change_direction=_higher_lower(change_est),
                   method=method)
        rows.append(row)
    return rows

