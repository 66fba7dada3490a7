"""ANCOVA on baseline, with the change-score and follow-up-only analyses beside it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from trialkit.errors import TrialDataError
from trialkit.ipd._common import (
    check_followup,
    check_level,
    check_outcome,
    covariate_columns,
    data_error,
    require_ipd,
    resolve_reference,
    sort_by_arm,
)

if TYPE_CHECKING:
    from trialkit.trial import Trial

__all__ = ["ancova", "ancova_table", "baseline_followup"]


def baseline_followup(trial: Trial, outcome: str, timepoint: str) -> pd.DataFrame:
    """Patients measured at both baseline and ``timepoint``: one row each.

    Parameters
    ----------
    trial : Trial
        A trial with patient data and a baseline timepoint.
    outcome, timepoint : str
        The outcome and the follow-up timepoint.

    Returns
    -------
    DataFrame
        Columns patient, arm, pre, post, change (post - pre), in the trial's arm order.

    Examples
    --------
    >>> import trialkit
    >>> from trialkit.ipd import baseline_followup
    >>> wide = baseline_followup(trialkit.load("anorexia"), "weight", "post")
    >>> len(wide), list(wide.columns)
    (72, ['patient', 'arm', 'pre', 'post', 'change'])
    """
    ipd = require_ipd(trial, "baseline_followup")
    check_outcome(trial, outcome)
    check_followup(trial, timepoint)
    base = trial.baseline
    rows = ipd[(ipd["outcome"] == outcome) & ipd["timepoint"].isin([base, timepoint])]
    wide = rows.pivot_table(index=["patient", "arm"], columns="timepoint", values="value",
                            aggfunc="first")
    for col in (base, timepoint):
        if col not in wide.columns:
            wide[col] = np.nan
    wide = wide.dropna(subset=[base, timepoint]).reset_index()
    wide = wide.rename(columns={base: "pre", timepoint: "post"})
    wide.columns.name = None
    wide["change"] = wide["post"] - wide["pre"]
    wide = sort_by_arm(wide, trial)
    return wide[["patient", "arm", "pre", "post", "change"]]


class _Fit:
    """One OLS fit of a response on arm indicators (+ baseline) (+ covariates)."""

    def __init__(self, wide: pd.DataFrame, response: str, others: list[str],
                 covariates: pd.DataFrame, with_pre: bool) -> None:
        import statsmodels.api as sm

        design = pd.DataFrame({"const": np.ones(len(wide))})
        if with_pre:
            design["pre"] = wide["pre"].to_numpy(dtype=float)
        for arm in others:
            design[arm] = (wide["arm"] == arm).to_numpy(dtype=float)
        for name in covariates.columns:
            design[name] = covariates[name].to_numpy()
        if np.linalg.matrix_rank(design.to_numpy()) < design.shape[1]:
            raise TrialDataError("the model cannot be fitted: its design matrix is singular "
                                 "(a covariate is constant or duplicates another column)",
                                 field="covariates")
        self.design = design
        self.fit = sm.OLS(wide[response].to_numpy(dtype=float), design).fit()

    def contrast(self, vector: np.ndarray, level: float) -> dict[str, float]:
        from scipy import stats

        fit = self.fit
        params = np.asarray(fit.params)
        cov = np.asarray(fit.cov_params())
        est = float(vector @ params)
        se = float(np.sqrt(vector @ cov @ vector))
        df = float(fit.df_resid)
        q = float(stats.t.isf((1 - level) / 2, df))
        t = est / se if se > 0 else np.nan
        p = float(2 * stats.t.sf(abs(t), df)) if se > 0 else np.nan
        return {"estimate": est, "se": se, "ci_low": est - q * se, "ci_high": est + q * se,
                "df": df, "statistic": t, "p": p}

    def coefficient(self, name: str, level: float) -> dict[str, float]:
        vector = (self.design.columns == name).astype(float)
        return self.contrast(vector, level)


def _prepare(trial: Trial, outcome: str, timepoint: str, covariates: Sequence[str],
             reference: str | None) -> tuple[pd.DataFrame, str, list[str], pd.DataFrame,
                                             list[str]]:
    wide = baseline_followup(trial, outcome, timepoint)
    ref = resolve_reference(trial, reference)
    others = [a.id for a in trial.arms if a.id != ref and (wide["arm"] == a.id).any()]
    if (wide["arm"] == ref).sum() < 1 or not others:
        raise data_error(trial, "ANCOVA needs patients in the reference arm and another arm",
                         outcome=outcome, timepoint=timepoint,
                         arms=[ref, *[a.id for a in trial.arms if a.id != ref]], field="arm",
                         counts=wide["arm"].value_counts())
    cov, names = covariate_columns(trial, wide["patient"], covariates)
    if names:
        keep = cov.notna().all(axis=1).to_numpy()
        wide = wide[keep].reset_index(drop=True)
        cov = cov[keep].reset_index(drop=True)
    return wide, ref, others, cov, names


def ancova(trial: Trial, outcome: str, timepoint: str, covariates: Sequence[str] = (),
           level: float = 0.95, *, reference: str | None = None) -> pd.DataFrame:
    """Follow-up value on baseline and arm (ordinary least squares), every arm vs reference.

    Fits ``post = b0 + b1 * pre + sum_k g_k [arm = k] (+ covariates)`` on the patients
    measured at both times, with one common slope for all arms (as
    ``lm(Postwt ~ Prewt + Treat)`` does), so a three-arm trial's comparisons share the
    residual variance and its degrees of freedom. See :func:`ancova_table` for the adjusted
    means and the change-score and follow-up-only estimates beside this one.

    Parameters
    ----------
    trial : Trial
        A trial with patient data.
    outcome, timepoint : str
        The outcome and the follow-up timepoint.
    covariates : sequence of str
        Columns of ``trial.patients`` to adjust for as well (numeric, or categorical as
        indicators of each level but the first in sorted order, named ``name[level]``).
        Patients with a missing covariate are left out.
    level : float
        Confidence level.
    reference : str, optional
        The comparator arm (default: the trial's reference arm).

    Returns
    -------
    DataFrame
        One row per non-reference arm: outcome, timepoint, comparison, arm, reference,
        estimate, se, ci_low, ci_high, df, statistic, p, n1, n2, slope, method, var.

    References
    ----------
    Senn S. Change from baseline and analysis of covariance revisited. Stat Med
    2006;25:4334-4344. Venables WN, Ripley BD. Modern Applied Statistics with S, 4th ed.,
    2002, section 6.1 (the anorexia ANCOVA).

    Examples
    --------
    >>> import trialkit
    >>> from trialkit.ipd import ancova
    >>> res = ancova(trialkit.load("anorexia"), "weight", "post")
    >>> res[["arm", "estimate", "se"]].round(4)
       arm  estimate      se
    0  cbt    4.0971  1.8935
    1   ft    8.6601  2.1931
    """
    level = check_level(level)
    wide, ref, others, cov, names = _prepare(trial, outcome, timepoint, covariates, reference)
    fit = _Fit(wide, "post", others, cov, with_pre=True)
    n_ref = int((wide["arm"] == ref).sum())
    adj = f"+{'+'.join(names)}" if names else ""
    rows = []
    for arm in others:
        res = fit.coefficient(arm, level)
        rows.append({
            "outcome": outcome, "timepoint": timepoint, "comparison": f"{arm}-{ref}",
            "arm": arm, "reference": ref, **res,
            "n1": int((wide["arm"] == arm).sum()), "n2": n_ref,
            "slope": float(fit.fit.params["pre"]),
            "method": f"ancova/ols/post~pre+arm{adj}/common_slope/t_ci",
        })
    out = pd.DataFrame(rows)
    out["var"] = out["se"] ** 2
    if not np.isfinite(out[["estimate", "se"]].to_numpy()).all():
        raise TrialDataError("ANCOVA gave a non-finite estimate or standard error (too few "
                             "patients for the number of parameters?)", field="covariates")
    return out


_TABLE_COLUMNS = ["outcome", "timepoint", "measure", "comparison", "arm", "reference",
                  "estimate", "se", "ci_low", "ci_high", "df", "statistic", "p", "n1", "n2",
                  "baseline_weight", "method", "note"]


def ancova_table(trial: Trial, outcome: str, timepoint: str, covariates: Sequence[str] = (),
                 level: float = 0.95, *, reference: str | None = None) -> pd.DataFrame:
    """ANCOVA with its adjusted means, and the change-score and follow-up-only estimates.

    The three classic analyses of a randomized comparison with a baseline differ only in the
    weight ``b`` they give the baseline: the arm effect on ``post - b * pre``, with ``b``
    estimated (ANCOVA), fixed at 1 (change score) or fixed at 0 (follow-up only). All three
    are unbiased in a randomized trial; ANCOVA has the smallest variance (Senn 2006). Showing
    them side by side shows how much the choice matters for this trial.

    Parameters
    ----------
    trial : Trial
        A trial with patient data.
    outcome, timepoint : str
        The outcome and the follow-up timepoint.
    covariates : sequence of str
        Columns of ``trial.patients`` adjusted for in all three models.
    level : float
        Confidence level.
    reference : str, optional
        The comparator arm (default: the trial's reference arm).

    Returns
    -------
    DataFrame
        Long format, column ``measure``:

        - ``adjusted_mean``: each arm's follow-up mean from the ANCOVA, at the mean baseline
          (and mean covariate values, i.e. observed proportions for categorical ones) of the
          analysed patients; ``comparison`` and ``reference`` are empty, ``n1`` is the arm's n;
        - ``ancova``: as :func:`ancova` (``baseline_weight`` = the fitted slope);
        - ``change_score``: OLS of ``post - pre`` on arm (``baseline_weight`` = 1);
        - ``post_only``: OLS of ``post`` on arm (``baseline_weight`` = 0).

        Columns outcome, timepoint, measure, comparison, arm, reference, estimate, se,
        ci_low, ci_high, df, statistic, p, n1, n2, baseline_weight, method, note. All use
        the same patients (measured at both times) and a common residual variance across
        arms, with t intervals.

    References
    ----------
    Senn S. Change from baseline and analysis of covariance revisited. Stat Med
    2006;25:4334-4344. Vickers AJ, Altman DG. Analysing controlled trials with baseline and
    follow up measurements. BMJ 2001;323:1123-1124.

    Examples
    --------
    >>> import trialkit
    >>> from trialkit.ipd import ancova_table
    >>> tab = ancova_table(trialkit.load("anorexia"), "weight", "post")
    >>> tab.query("arm == 'ft'")[["measure", "estimate", "baseline_weight"]].round(3)
             measure  estimate  baseline_weight
    2  adjusted_mean    90.137            0.434
    4         ancova     8.660            0.434
    6   change_score     7.715            1.000
    8      post_only     9.386            0.000
    """
    level = check_level(level)
    wide, ref, others, cov, names = _prepare(trial, outcome, timepoint, covariates, reference)
    adj = f"+{'+'.join(names)}" if names else ""
    counts = wide["arm"].value_counts()
    base = {"outcome": outcome, "timepoint": timepoint}
    rows: list[dict[str, Any]] = []

    an = _Fit(wide, "post", others, cov, with_pre=True)
    slope = float(an.fit.params["pre"])
    at = an.design.mean(axis=0).to_numpy()
    cols = list(an.design.columns)
    pre_mean = float(wide["pre"].mean())
    for arm in [ref, *others]:
        x = at.copy()
        for other in others:
            x[cols.index(other)] = 1.0 if other == arm else 0.0
        res = an.contrast(x, level)
        res.pop("statistic"), res.pop("p")
        rows.append({**base, "measure": "adjusted_mean", "comparison": None, "arm": arm,
                     "reference": None, **res, "statistic": np.nan, "p": np.nan,
                     "n1": int(counts.get(arm, 0)), "n2": pd.NA, "baseline_weight": slope,
                     "method": f"ancova/ols/post~pre+arm{adj}/adjusted_mean_at_means/t_ci",
                     "note": f"at mean baseline {pre_mean:.6g}"
                             + (" and mean covariates" if names else "")})

    fits = [("ancova", an, None, f"ancova/ols/post~pre+arm{adj}/common_slope/t_ci"),
            ("change_score", _Fit(wide, "change", others, cov, with_pre=False), 1.0,
             f"change_score/ols/(post-pre)~arm{adj}/pooled_variance/t_ci"),
            ("post_only", _Fit(wide, "post", others, cov, with_pre=False), 0.0,
             f"post_only/ols/post~arm{adj}/pooled_variance/t_ci")]
    for measure, fit, weight, method in fits:
        for arm in others:
            res = fit.coefficient(arm, level)
            rows.append({**base, "measure": measure, "comparison": f"{arm}-{ref}", "arm": arm,
                         "reference": ref, **res, "n1": int(counts.get(arm, 0)),
                         "n2": int(counts.get(ref, 0)),
                         "baseline_weight": slope if weight is None else weight,
                         "method": method, "note": None})
    frame = pd.DataFrame(rows, columns=_TABLE_COLUMNS)
    frame["n2"] = frame["n2"].astype("Int64")
    order = {"adjusted_mean": 0, "ancova": 1, "change_score": 2, "post_only": 3}
    return frame.sort_values("measure", key=lambda c: c.map(order),
                             kind="stable").reset_index(drop=True)
