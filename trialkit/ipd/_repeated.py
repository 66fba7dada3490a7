"""All follow-up visits at once: a random-intercept linear mixed model and GEEs."""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from trialkit.errors import TrialDataError
from trialkit.ipd._common import (
    Z_NOTE,
    check_choice,
    check_level,
    check_outcome,
    covariate_columns,
    data_error,
    finish,
    followups,
    require_ipd,
    resolve_reference,
)

if TYPE_CHECKING:
    from trialkit.trial import Trial

__all__ = ["repeated"]

REPEATED_COLUMNS = ["outcome", "timepoint", "comparison", "arm", "reference", "measure", "term",
                    "model", "estimate", "se", "ci_low", "ci_high", "df", "statistic", "p",
                    "n_patients", "n_obs", "group_var", "resid_var", "corr", "method", "note"]
GEE_CORR = ("exchangeable", "independence", "unstructured", "ar1")
TIME_CODINGS = ("categorical", "linear", "none")


def _long(trial: Trial, outcome: str, covariates: Sequence[str],
          ref: str) -> tuple[pd.DataFrame, pd.DataFrame, list[str], list[str]]:
    """Follow-up rows with the patient's baseline value and covariates; notes on exclusions."""
    ipd = require_ipd(trial, "repeated")
    base = trial.baseline
    if base is None:
        raise TrialDataError(f"trial {trial.id!r} has no baseline timepoint: repeated() adjusts "
                             f"for it (use paired() for a crossover)", field="trial")
    fu = followups(trial)
    data = ipd[ipd["outcome"] == outcome]
    pre = data[data["timepoint"] == base].set_index("patient")["value"]
    long = data[data["timepoint"].isin(fu)].copy()
    notes = []
    long["pre"] = long["patient"].map(pre)
    missing_pre = long.loc[long["pre"].isna(), "patient"].nunique()
    if missing_pre:
        notes.append(f"{missing_pre} patient(s) without a baseline value left out")
    long = long[long["pre"].notna()]
    order = {t.id: i for i, t in enumerate(trial.timepoints)}
    long["_t"] = long["timepoint"].map(order)
    long = long.sort_values(["patient", "_t"], kind="stable").reset_index(drop=True)
    cov, names = covariate_columns(trial, long["patient"], covariates)
    if names:
        bad = cov.isna().any(axis=1).to_numpy()
        if bad.any():
            notes.append(f"{long.loc[bad, 'patient'].nunique()} patient(s) with a missing "
                         f"covariate left out")
        long, cov = long[~bad].reset_index(drop=True), cov[~bad].reset_index(drop=True)
    if not long.empty and long.groupby("patient").size().max() == 1:
        notes.append("one follow-up visit per patient: the random intercept cannot be told "
                     "apart from the residual, and every model reduces to ANCOVA on that visit")
    if long.empty or (long["arm"] == ref).sum() == 0 or long["arm"].nunique() < 2:
        raise data_error(trial, "repeated() needs follow-up data in the reference arm and "
                         "another arm", outcome=outcome,
                         arms=[ref, *[a.id for a in trial.arms if a.id != ref]], field="outcome",
                         counts=long["arm"].value_counts() if not long.empty else None)
    return long, cov, names, notes


def _design(trial: Trial, long: pd.DataFrame, cov: pd.DataFrame, others: list[str],
            tps: list[str], time: str, interaction: bool,
            baseline_by_time: bool) -> pd.DataFrame:
    order = {t.id: float(t.order) for t in trial.timepoints}
    x = pd.DataFrame({"const": np.ones(len(long)), "pre": long["pre"].to_numpy(float)})
    if time == "categorical":
        for tp in tps[1:]:
            x[f"time[{tp}]"] = (long["timepoint"] == tp).to_numpy(float)
    elif time == "linear":
        x["time"] = long["timepoint"].map(order).to_numpy(float)
    if baseline_by_time:
        pre = x["pre"].to_numpy()
        if time == "categorical":
            for tp in tps[1:]:
                x[f"pre:time[{tp}]"] = pre * x[f"time[{tp}]"].to_numpy()
        else:
            x["pre:time"] = pre * x["time"].to_numpy()
    for arm in others:
        x[f"arm[{arm}]"] = (long["arm"] == arm).to_numpy(float)
    if interaction:
        for arm in others:
            is_arm = (long["arm"] == arm).to_numpy(float)
            if time == "categorical":
                for tp in tps[1:]:
                    x[f"arm[{arm}]:time[{tp}]"] = is_arm * x[f"time[{tp}]"].to_numpy()
            else:
                x[f"arm[{arm}]:time"] = is_arm * x["time"].to_numpy()
    for name in cov.columns:
        x[name] = cov[name].to_numpy()
    keep = [c for c in x.columns if c == "const" or np.ptp(x[c].to_numpy()) > 0]
    dropped = [c for c in x.columns if c not in keep]
    if dropped:
        raise TrialDataError(f"model term(s) {', '.join(dropped)} are constant in the analysed "
                             f"data; drop them", field="covariates")
    if np.linalg.matrix_rank(x.to_numpy()) < x.shape[1]:
        raise TrialDataError("the model cannot be fitted: its design matrix is singular",
                             field="covariates")
    return x


def _contrasts(trial: Trial, columns: list[str], others: list[str], tps: list[str], time: str,
               interaction: bool) -> list[tuple[str, str, np.ndarray]]:
    """(arm, timepoint, vector) for each arm difference the model defines."""
    order = {t.id: float(t.order) for t in trial.timepoints}
    out = []
    for arm in others:
        main = np.array([c == f"arm[{arm}]" for c in columns], dtype=float)
        if not interaction:
            out.append((arm, "*", main))
            continue
        for tp in tps:
            vec = main.copy()
            if time == "categorical" and tp != tps[0]:
                vec[columns.index(f"arm[{arm}]:time[{tp}]")] = 1.0
            elif time == "linear":
                vec[columns.index(f"arm[{arm}]:time")] = order[tp]
            out.append((arm, tp, vec))
    return out


def _fit_mixed(y: np.ndarray, x: pd.DataFrame, groups: np.ndarray,
               reml: bool) -> tuple[np.ndarray, np.ndarray, float, float, list[str]]:
    """Random-intercept LMM by statsmodels MixedLM; fixed-effect covariance as lme4's vcov."""
    import statsmodels.api as sm
    from statsmodels.tools.sm_exceptions import ConvergenceWarning

    model = sm.MixedLM(y, x, groups=groups)
    notes: list[str] = []
    attempts = []
    for method in ("bfgs", "lbfgs", "powell", "nm"):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                kwargs: dict[str, Any] = {"gtol": 1e-10} if method in ("bfgs", "lbfgs") else {}
                res = model.fit(reml=reml, method=method, maxiter=5000, **kwargs)
            except (np.linalg.LinAlgError, ValueError):
                continue
        clean = res.converged and not any(issubclass(w.category, ConvergenceWarning)
                                          for w in caught)
        attempts.append((clean, res))
        if clean:
            break
    if not attempts:
        raise TrialDataError("the mixed model could not be fitted", field="outcome")
    clean, result = attempts[-1]
    if not clean:
        clean, result = max(attempts, key=lambda a: a[1].llf)
        notes.append("the mixed model's optimizer did not converge cleanly (best of bfgs, "
                     "lbfgs, powell, nm kept)")
    tau2 = float(np.asarray(result.cov_re)[0, 0])
    sigma2 = float(result.scale)
    if tau2 <= 1e-8 * sigma2:
        notes.append("random-intercept variance estimated at (or near) zero")
    # (X' V^-1 X)^-1 with V_i = sigma2 I + tau2 11' (Woodbury), at the estimated variances:
    # the covariance lme4's vcov() reports, conditional on the variance components.
    xm = x.to_numpy(float)
    info = np.zeros((xm.shape[1], xm.shape[1]))
    for idx in pd.Series(np.arange(len(y))).groupby(groups, sort=False).indices.values():
        xi = xm[idx]
        s = xi.sum(axis=0)
        info += (xi.T @ xi - tau2 / (sigma2 + len(idx) * tau2) * np.outer(s, s)) / sigma2
    cov = np.linalg.inv(info)
    return np.asarray(result.fe_params, dtype=float), cov, tau2, sigma2, notes


def _fit_gee(y: np.ndarray, x: pd.DataFrame, groups: np.ndarray, visit: np.ndarray, corr: str,
             cov_type: str) -> tuple[np.ndarray, np.ndarray, float, float, list[str]]:
    import statsmodels.api as sm
    from statsmodels.tools.sm_exceptions import ConvergenceWarning

    structs = {"exchangeable": sm.cov_struct.Exchangeable, "independence":
               sm.cov_struct.Independence, "unstructured": sm.cov_struct.Unstructured,
               "ar1": sm.cov_struct.Autoregressive}
    struct = structs[corr]() if corr != "ar1" else sm.cov_struct.Autoregressive(grid=True)
    notes: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = sm.GEE(y, x, groups=groups, time=visit, family=sm.families.Gaussian(),
                       cov_struct=struct)
        res = model.fit(cov_type=cov_type, maxiter=200)
    if any(issubclass(w.category, ConvergenceWarning) for w in caught):
        notes.append("GEE did not converge cleanly")
    dep = struct.dep_params
    corr_value = float(dep) if np.ndim(dep) == 0 and dep is not None else math.nan
    return (np.asarray(res.params, dtype=float), np.asarray(res.cov_params(), dtype=float),
            float(res.scale), corr_value, notes)


def repeated(trial: Trial, outcome: str, covariates: Sequence[str] = (), *,
             model: str = "both", time: str = "categorical", interaction: bool | None = None,
             baseline_by_time: bool | None = None, reml: bool = True,
             gee_corr: Sequence[str] = ("exchangeable", "independence"),
             gee_cov: str = "bias_reduced", level: float = 0.95, reference: str | None = None,
             coefficients: bool = False) -> pd.DataFrame:
    """Every follow-up visit in one model, adjusted for baseline; arm differences per visit.

    The response at each follow-up visit is modelled on the patient's baseline value, time,
    baseline x time (a baseline slope per visit, as in an MMRM), arm, arm x time and optional
    covariates. Patients with missed visits
    keep the visits they attended (the models are valid when visits are missing at random
    given the observed data for the mixed model, completely at random for the GEE); patients
    without a baseline value, or with a missing covariate, are left out and the ``note`` says
    how many.

    - **mixed**: linear mixed model with a random intercept per patient (statsmodels
      ``MixedLM``), REML by default (``reml=False`` for maximum likelihood, as needed to
      compare fixed effects by likelihood ratio). Fixed-effect standard errors are
      ``(X' V^-1 X)^-1`` at the estimated variances, as ``lme4``'s ``vcov()``.
    - **gee**: generalized estimating equations (Gaussian, identity link) with each working
      correlation in ``gee_corr``, as a robustness view: the sandwich standard errors stay
      valid if the working correlation is wrong. With few patients the plain sandwich is
      too small; the default ``gee_cov="bias_reduced"`` is Mancl & DeRouen's correction
      (``"robust"`` gives the uncorrected sandwich, as R's ``gee`` prints it; ``"naive"``
      the model-based one).

    Both use Wald z tests and intervals (no small-sample degrees of freedom): ``df`` is NaN
    and the ``note`` column says so.

    Parameters
    ----------
    trial : Trial
        A parallel trial with patient data and a baseline.
    outcome : str
    covariates : sequence of str
        Columns of ``trial.patients`` to adjust for (text columns as indicators, named
        ``name[level]``).
    model : {"both", "mixed", "gee"}
    time : {"categorical", "linear", "none"}
        How time enters: one indicator per follow-up visit (default), a straight line in the
        timepoints' ``order`` values (months for btheb), or not at all.
    interaction : bool, optional
        Include arm x time (default: yes unless ``time="none"``). With it, the arm difference
        is given at each follow-up; without it, once, with ``timepoint`` ``"*"``.
    baseline_by_time : bool, optional
        Let the baseline slope differ between visits (default: yes with categorical time,
        no otherwise; ``False`` gives one common slope, as in HSAUR's Beat the Blues models).
    reml : bool
        Mixed model by REML (default) or maximum likelihood.
    gee_corr : sequence of str
        Working correlations, among "exchangeable", "independence", "unstructured", "ar1".
    gee_cov : {"bias_reduced", "robust", "naive"}
    level : float
        Confidence level.
    reference : str, optional
        The comparator arm (default: the trial's reference arm).
    coefficients : bool
        Also return every fixed-effect coefficient (``measure`` "coefficient", ``term`` its
        name: const, pre, time..., pre:time..., arm[...], arm[...]:time..., covariates).

    Returns
    -------
    DataFrame
        Columns outcome, timepoint, comparison, arm, reference, measure ("arm_difference" or
        "coefficient"), term, model ("mixed", "gee_exchangeable", ...), estimate, se,
        ci_low, ci_high, df (NaN: z-based), statistic (z), p, n_patients, n_obs, group_var
        and resid_var (mixed: random-intercept and residual variances; GEE: NaN and the
        scale), corr (GEE exchangeable/ar1 working correlation), method, note.

    References
    ----------
    Laird NM, Ware JH. Random-effects models for longitudinal data. Biometrics
    1982;38:963-974. Liang KY, Zeger SL. Longitudinal data analysis using generalized linear
    models. Biometrika 1986;73:13-22. Mancl LA, DeRouen TA. A covariance estimator for GEE
    with improved small-sample properties. Biometrics 2001;57:126-134. Everitt BS, Hothorn T.
    A Handbook of Statistical Analyses Using R, 2nd ed., 2010, chapters 12-13 (Beat the
    Blues).

    Examples
    --------
    >>> import trialkit
    >>> from trialkit.ipd import repeated
    >>> res = repeated(trialkit.load("btheb"), "bdi", model="mixed")
    >>> res[["timepoint", "estimate", "se"]].round(2)
      timepoint  estimate    se
    0        m2     -3.95  1.80
    1        m3     -3.57  1.96
    2        m5     -2.91  2.09
    3        m8     -1.14  2.15
    """
    level = check_level(level)
    check_outcome(trial, outcome)
    check_choice(model, "model", ("both", "mixed", "gee"))
    check_choice(time, "time", TIME_CODINGS)
    check_choice(gee_cov, "gee_cov", ("bias_reduced", "robust", "naive"))
    if not isinstance(reml, bool):
        raise TrialDataError(f"expected True or False, got {reml!r}", field="reml")
    corrs = [gee_corr] if isinstance(gee_corr, str) else list(gee_corr)
    for c in corrs:
        check_choice(c, "gee_corr", GEE_CORR)
    if interaction is None:
        interaction = time != "none"
    if interaction and time == "none":
        raise TrialDataError("an arm x time interaction needs time; use time='categorical' "
                             "or 'linear'", field="interaction")
    if baseline_by_time is None:
        baseline_by_time = time == "categorical"
    if baseline_by_time and time == "none":
        raise TrialDataError("a baseline x time interaction needs time; use "
                             "time='categorical' or 'linear'", field="baseline_by_time")
    ref = resolve_reference(trial, reference)
    long, cov, names, notes = _long(trial, outcome, covariates, ref)
    others = [a.id for a in trial.arms if a.id != ref and (long["arm"] == a.id).any()]
    tps = [t for t in followups(trial) if (long["timepoint"] == t).any()]
    x = _design(trial, long, cov, others, tps, time, interaction, baseline_by_time)
    cols = list(x.columns)
    y = long["value"].to_numpy(float)
    groups = long["patient"].to_numpy()
    visit = long["timepoint"].map({t: i for i, t in enumerate(tps)}).to_numpy(int)
    n_pat, n_obs = int(long["patient"].nunique()), len(long)

    adj = "".join(f"+{n}" for n in names)
    tterm = {"categorical": "+time(cat)", "linear": "+time(linear)", "none": ""}[time]
    inter = "+arm:time" if interaction else ""
    pre_t = "+pre:time" if baseline_by_time else ""
    formula = f"y~pre{tterm}{pre_t}+arm{inter}{adj}"

    fits: list[tuple[str, np.ndarray, np.ndarray, dict[str, float], str, list[str]]] = []
    if model in ("both", "mixed"):
        params, vcov, tau2, sigma2, fnotes = _fit_mixed(y, x, groups, reml)
        fits.append(("mixed", params, vcov,
                     {"group_var": tau2, "resid_var": sigma2, "corr": math.nan},
                     f"lmm/random_intercept/{'REML' if reml else 'ML'}/{formula}"
                     f"/vcov_conditional/z_wald", fnotes))
    if model in ("both", "gee"):
        for corr in corrs:
            params, vcov, scale, rho, fnotes = _fit_gee(y, x, groups, visit, corr, gee_cov)
            fits.append((f"gee_{corr}", params, vcov,
                         {"group_var": math.nan, "resid_var": scale, "corr": rho},
                         f"gee/gaussian/{corr}/{formula}/{gee_cov}_sandwich/z_wald", fnotes))

    from scipy import stats

    z = float(stats.norm.isf((1 - level) / 2))
    contrasts = _contrasts(trial, cols, others, tps, time, interaction)
    rows: list[dict[str, Any]] = []
    for name, params, vcov, extra, method, fnotes in fits:
        note = "; ".join([Z_NOTE, *notes, *fnotes])
        common = {"outcome": outcome, "model": name, "df": np.nan, "n_patients": n_pat,
                  "n_obs": n_obs, **extra, "method": method, "note": note}
        items: list[tuple[dict[str, Any], np.ndarray]] = []
        for arm, tp, vec in contrasts:
            items.append(({"timepoint": tp, "comparison": f"{arm}-{ref}", "arm": arm,
                           "reference": ref, "measure": "arm_difference", "term": None}, vec))
        if coefficients:
            for i, term in enumerate(cols):
                vec = np.zeros(len(cols))
                vec[i] = 1.0
                items.append(({"timepoint": None, "comparison": None, "arm": None,
                               "reference": None, "measure": "coefficient", "term": term}, vec))
        for keys, vec in items:
            est = float(vec @ params)
            se = float(np.sqrt(vec @ vcov @ vec))
            stat = est / se if se > 0 else math.nan
            p = float(2 * stats.norm.sf(abs(stat))) if se > 0 else math.nan
            rows.append({**common, **keys, "estimate": est, "se": se, "ci_low": est - z * se,
                         "ci_high": est + z * se, "statistic": stat, "p": p})
    return finish(rows, REPEATED_COLUMNS)
