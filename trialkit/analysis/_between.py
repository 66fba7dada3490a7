"""Each arm against the reference arm (:func:`between`): follow-up difference, difference in
change, ANCOVA, Hedges' g and ratio of means, one row per measure."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from trialkit.analysis._changes import (
    PRINTED,
    _converted,
    _join_conversions,
    _pairs,
    _pooled_r,
    _summary_change_rows,
)
from trialkit.analysis._common import (
    _RESULT,
    DEFAULT_R,
    _context,
    _favours,
    _followups,
    _higher_lower,
    _illustrative,
    _labels,
    _outcomes,
    _resolve_r,
    _summary_view,
    _zero_sd,
    add_labels,
)
from trialkit.errors import TrialDataError

if TYPE_CHECKING:
    import pandas as pd

    from trialkit.trial import Trial

__all__ = ["between"]

#: Geary's condition of a ratio of means (see effects.ratio_of_means); NaN for other measures.
_GEARY = ("geary1", "geary2", "geary_ok")
_COLUMNS = ["outcome", "timepoint", "comparison", "arm", "reference", "measure", *_RESULT,
            "unit", "n1", "n2", "r", "r_source", "direction", "favours",
            "difference_direction", "domain", "illustrative", *_GEARY, "method"]

#: One computed measure: (measure, result row, unit, (n1, n2), r used or None, r_source).
Result = tuple[str, Any, str, tuple[int, int], float | None, str]


def between(trial: Trial, r: float | None = None, *,
            outcome: str | Sequence[str] | None = None, level: float = 0.95,
            use: str = "auto") -> pd.DataFrame:
    """Each arm versus the reference arm, at each follow-up timepoint.

    Measures (``measure`` column), all as arm minus reference:

    - ``mean_difference``: follow-up means, Welch t interval;
    - ``diff_in_change``: difference in mean change from baseline (from summaries it needs r,
      unless the table prints each arm's change and SD: then Welch's t on those, no r);
    - ``ancova``: follow-up difference adjusted for baseline (OLS on patient data, with one
      slope across all arms; from summaries, the aggregate-data ANCOVA given r, or with the
      pooled r the printed change SDs imply when r is not given);
    - ``hedges_g``: standardized difference of follow-up means, exact J and noncentral-t CI;
    - ``ratio_of_means``: follow-up ratio of means (estimate and CI as ratios).

    Parameters
    ----------
    trial : Trial
    r : float, optional
        Pre-post correlation for summary-only trials, or with ``use="summary"`` (default 0.5,
        with a warning). Not used with patient data, where the data give the change scores.
    outcome : str or sequence of str, optional
        Restrict to these outcomes.
    level : float
        Confidence level.
    use : {"auto", "summary"}
        "summary" computes from the summary table even when patient data exist (what a reader
        holding only the paper could do).

    Returns
    -------
    DataFrame
        Columns outcome, timepoint, comparison, arm, reference, measure, estimate, se,
        ci_low, ci_high, df, p, unit, n1, n2, r, r_source, direction, favours (the arm the
        point estimate favours, given the outcome's direction; "direction not stated" when it
        is not declared), difference_direction ("higher"/"lower" for the arm against the
        reference), domain, illustrative, geary1, geary2, geary_ok (Geary's condition of the
        ratio of means, NaN/NA for the other measures; a failed one is warned and the ratio is
        unreliable), method, and the display columns of :func:`add_labels`.

    References
    ----------
    Riley RD et al. Stat Med 2013;32:2747-2766 (aggregate-data ANCOVA). Hedges LV. J Educ Stat
    1981;6:107-128 (exact J). Lajeunesse MJ. Ecology 2015;96:2056-2063 (ratio of means).

    Examples
    --------
    >>> import trialkit
    >>> from trialkit.analysis import between
    >>> b = between(trialkit.load("anorexia"))
    >>> b.query("measure == 'ancova'")[["comparison", "estimate", "se"]].round(4)
        comparison  estimate      se
    2  cbt-control    4.0971  1.8935
    7   ft-control    8.6601  2.1931
    """
    import pandas as pd

    if use not in ("auto", "summary"):
        raise TrialDataError(f"use must be 'auto' or 'summary', got {use!r}", field="use")
    # (no baseline: nothing to adjust for; the follow-up summaries derived from ipd are used)
    from_ipd = trial.ipd is not None and use == "auto" and trial.baseline is not None
    # With patient data the change scores and ANCOVA use the data themselves; r is not needed.
    r_value, r_source = (DEFAULT_R, "observed") if from_ipd else _resolve_r(trial, r)
    r_info = (r_value, r_source, r is not None)
    stats_of = trial if from_ipd else _summary_view(trial)
    ref = trial.reference_arm
    summary = trial.summary.set_index(["outcome", "arm", "timepoint"])
    rows: list[dict[str, Any]] = []
    for oid in _outcomes(trial, outcome):
        out = trial.outcome(oid)
        for tp in _followups(trial):
            ancova_rows = {}
            if from_ipd:
                from trialkit.ipd import ancova

                with _context(trial, oid, tp, tuple(a.id for a in trial.arms)):
                    ancova_rows = ancova(trial, oid, tp, level=level).set_index(
                        "arm").to_dict("index")
            for arm in trial.arms:
                if arm.id == ref or _zero_sd(trial, oid, (arm.id, ref), tp):
                    continue
                k1, k2 = (oid, arm.id, tp), (oid, ref, tp)
                if k1 not in summary.index or k2 not in summary.index:
                    continue
                with _context(trial, oid, tp, (arm.id, ref)):
                    s1, s2 = summary.loc[k1], summary.loc[k2]
                    p1, p2 = (_pairs(stats_of, oid, a, tp) for a in (arm.id, ref))
                    keys = {"outcome": oid, "timepoint": tp, "comparison": f"{arm.id}-{ref}",
                            "arm": arm.id, "reference": ref}
                    if from_ipd:
                        changes = _ipd_change_results(trial, keys, out.unit, p1, p2,
                                                      ancova_rows.get(arm.id), level)
                    elif p1 is not None and p2 is not None:
                        changes = _summary_change_rows(trial, out, keys, p1, p2, level, r_info)
                    else:
                        changes = []
                    results = _comparison_results(trial, keys, out, s1, s2, changes, level)
                    rows += _result_rows(keys, out, results, (s1, s2, p1, p2))
    frame = pd.DataFrame(rows, columns=_COLUMNS)
    frame["geary_ok"] = frame["geary_ok"].astype("boolean")
    return add_labels(frame, trial)


def _ipd_change_results(trial: Trial, keys: dict[str, Any], unit: str,
                        p1: dict[str, Any] | None, p2: dict[str, Any] | None,
                        an: dict[str, Any] | None, level: float) -> list[Result]:
    """Difference in change (Welch on the patients' changes) and the OLS ANCOVA row."""
    from trialkit import effects

    if p1 is None or p2 is None:
        return []
    dc = effects.mean_difference(p1["m_change"], p1["sd_change"], p1["n"], p2["m_change"],
                                 p2["sd_change"], p2["n"], level=level).iloc[0].copy()
    dc["method"] = "diff_in_change/welch/t_ci/from_patient_changes"
    pooled_r = _pooled_r(trial, keys["outcome"], keys["timepoint"])
    results: list[Result] = [("diff_in_change", dc, unit, (p1["n"], p2["n"]), pooled_r,
                              "observed")]
    if an is not None:
        results.append(("ancova", an, unit, (an["n1"], an["n2"]), pooled_r, "observed"))
    return results


def _comparison_results(trial: Trial, keys: dict[str, Any], out: Any, s1: Any, s2: Any,
                        changes: list[Result], level: float) -> list[Result]:
    """Every measure of one comparison, in the frame's order: the follow-up difference, the
    change measures, Hedges' g and (both means positive) the ratio of means."""
    from trialkit import effects

    follow = (s1["mean"], s1["sd"], s1["n"], s2["mean"], s2["sd"], s2["n"])
    ns = (s1["n"], s2["n"])
    md = effects.mean_difference(*follow, level=level).iloc[0]
    results: list[Result] = [("mean_difference", md, out.unit, ns, None, ""), *changes]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # |d| > 5 warning: see below
        g = effects.smd(*follow, kind="hedges", ci="nct", level=level).iloc[0]
    if abs(g["estimate"]) > 5:
        warnings.warn(f"{trial.id} {keys['outcome']} {keys['timepoint']}: |g| = "
                      f"{abs(g['estimate']):.1f}; were SEs entered as SDs?", UserWarning,
                      stacklevel=3)
    results.append(("hedges_g", g, "SD", ns, None, ""))
    if s1["mean"] > 0 and s2["mean"] > 0:
        rom = _ratio_of_means(trial, keys, follow, out.direction, level)
        results.append(("ratio_of_means", rom, "ratio", ns, None, ""))
    return results


def _result_rows(keys: dict[str, Any], out: Any, results: list[Result],
                 used: tuple[Any, Any, Any, Any]) -> list[dict[str, Any]]:
    """Frame rows of one comparison's measures, with method labels (the r used, boundary
    conversions of the rows used) and the neutral and directional wording."""
    import numpy as np

    s1, s2, p1, p2 = used
    conv = {"follow": _converted(s1, s2), "pre_post": _join_conversions(p1, p2)}
    common = {"direction": out.direction, "domain": out.domain,
              "illustrative": _illustrative(s1["source"], s2["source"])}
    rows = []
    for measure, res, unit, (n1, n2), rr, rsrc in results:
        row: dict[str, Any] = {**keys, "measure": measure}
        row.update({c: float(res[c]) if c in res and res[c] is not None else np.nan
                    for c in _RESULT})
        method = str(res["method"])
        if rr is not None and rsrc != "observed":
            method = _labels(method, rr, rsrc)
        if rsrc != PRINTED:
            method += conv["pre_post" if measure in ("diff_in_change", "ancova") else "follow"]
        ratio = measure == "ratio_of_means"
        row.update(unit=unit, n1=int(n1), n2=int(n2), r=np.nan if rr is None else rr,
                   r_source=rsrc or None,
                   favours=_favours(row["estimate"], out.direction, keys["arm"],
                                    keys["reference"], ratio=ratio),
                   difference_direction=_higher_lower(row["estimate"], 1.0 if ratio else 0.0),
                   **common, method=method)
        row.update({c: res[c] if c in res else np.nan for c in _GEARY})
        rows.append(row)
    return rows
def _ratio_of_means(trial: Trial, keys: dict[str, Any], follow: tuple, direction: str | None,
                    level: float) -> Any:
    """One ratio of means; a failed Geary condition is warned naming trial, outcome, arms."""
    from trialkit import effects

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UserWarning)
        rom = effects.ratio_of_means(*follow, direction=direction, level=level).iloc[0]
    for w in caught:
        if issubclass(w.category, UserWarning) and "Geary" in str(w.message):
            warnings.warn(
                f"{trial.id} {keys['outcome']} {keys['timepoint']} {keys['comparison']}: ratio "
                f"of means unreliable: Geary's condition (mean x sqrt(n) / SD >= 3) fails "
                f"({keys['arm']} {rom['geary1']:.3g}, {keys['reference']} "
                f"{rom['geary2']:.3g}); no bias correction applied (method says geary=fail)",
                UserWarning, stacklevel=4)
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    return rom

