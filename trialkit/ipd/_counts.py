"""Count outcomes: Poisson, quasi-Poisson and negative binomial regression, rate ratios."""

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
    check_followup,
    check_level,
    check_outcome,
    covariate_columns,
    data_error,
    finish,
    require_ipd,
    resolve_reference,
    sort_by_arm,
)

if TYPE_CHECKING:
    from trialkit.trial import Trial

__all__ = ["count_model"]

FAMILIES = ("negative_binomial", "poisson", "quasi_poisson")
BASELINES = ("log", "offset", "none")
COUNT_COLUMNS = ["outcome", "timepoint", "comparison", "arm", "reference", "measure", "term",
                 "estimate", "se", "ci_low", "ci_high", "df", "statistic", "p", "log_estimate",
                 "n1", "n2", "n", "dispersion", "method", "note"]


def _data(trial: Trial, outcome: str, timepoint: str, baseline: str) -> pd.DataFrame:
    ipd = require_ipd(trial, "count_model")
    data = ipd[ipd["outcome"] == outcome]
    if baseline == "none":
        post = data[data["timepoint"] == timepoint][["patient", "arm", "value"]]
        frame = post.rename(columns={"value": "post"}).assign(pre=np.nan)
    else:
        base = data[data["timepoint"] == trial.baseline].set_index("patient")["value"]
        post = data[data["timepoint"] == timepoint][["patient", "arm", "value"]]
        frame = post.rename(columns={"value": "post"})
        frame = frame.assign(pre=frame["patient"].map(base)).dropna(subset=["pre"])
    frame = sort_by_arm(frame.reset_index(drop=True), trial)
    values = frame[["post", "pre"]].to_numpy(float)
    values = values[np.isfinite(values)]
    if (values < 0).any() or (values != np.round(values)).any():
        raise TrialDataError(f"outcome {outcome!r} is not a count (whole numbers >= 0)",
                             field="outcome")
    return frame


def count_model(trial: Trial, outcome: str, timepoint: str, covariates: Sequence[str] = (),
                family: str = "negative_binomial", *, baseline: str = "log",
                level: float = 0.95, reference: str | None = None,
                coefficients: bool = False) -> pd.DataFrame:
    """Rate ratio of a count outcome at follow-up, every arm vs reference.

    A log-linear regression of the follow-up count on arm (and covariates); the effect is the
    rate ratio ``exp(b_arm)`` (arm over reference) with its interval ``exp(b +- q se)``.

    How the baseline count enters (``baseline``):

    - ``"log"`` (default): ``log(baseline + 1)`` as a covariate with its own coefficient, the
      count analogue of ANCOVA; the + 1 keeps patients with a zero baseline count;
    - ``"offset"``: ``log(baseline)`` as an offset (coefficient fixed at 1), so the model is
      for the ratio follow-up / baseline count; needs every baseline count > 0;
    - ``"none"``: the baseline is ignored (as the published analyses of the polyps data do).

    Families (``family``):

    - ``"negative_binomial"`` (default): NB2, variance ``mu + alpha mu^2``, alpha estimated by
      maximum likelihood (statsmodels ``NegativeBinomial``; ``MASS::glm.nb`` has
      ``theta = 1 / alpha``); Wald z intervals;
    - ``"poisson"``: Poisson GLM; Wald z intervals; standard errors too small when the
      counts are overdispersed (the ``dispersion`` column shows Pearson X2 / df);
    - ``"quasi_poisson"``: Poisson estimates with standard errors scaled by the Pearson
      dispersion X2 / (n - p), and t tests on n - p df, as R's ``glm(family =
      quasipoisson)``.

    Parameters
    ----------
    trial : Trial
        A trial with patient data.
    outcome, timepoint : str
        A count outcome (whole numbers >= 0) and a follow-up timepoint.
    covariates : sequence of str
        Columns of ``trial.patients`` (text columns as indicators ``name[level]``).
    family : {"negative_binomial", "poisson", "quasi_poisson"}
    baseline : {"log", "offset", "none"}
    level : float
        Confidence level.
    reference : str, optional
        The comparator arm (default: the trial's reference arm).
    coefficients : bool
        Also return every coefficient on the log scale (``measure`` "coefficient", ``term``
        its name; ``estimate`` is the coefficient itself, not exponentiated).

    Returns
    -------
    DataFrame
        Columns outcome, timepoint, comparison, arm, reference, measure ("rate_ratio" or
        "coefficient"), term, estimate, se (of the log rate ratio), ci_low, ci_high, df (NaN
        for z-based families), statistic, p, log_estimate, n1, n2, n, dispersion (Pearson X2
        / df for Poisson families; alpha for the negative binomial), method, note.

    References
    ----------
    Everitt BS, Hothorn T. A Handbook of Statistical Analyses Using R, 2nd ed., 2010,
    chapter 7 (the polyps Poisson and quasi-Poisson models). Cameron AC, Trivedi PK.
    Regression Analysis of Count Data, 2nd ed., 2013 (NB2). Giardiello FM et al. N Engl J
    Med 1993;328:1313-1316.

    Examples
    --------
    >>> import trialkit
    >>> from trialkit.ipd import count_model
    >>> res = count_model(trialkit.load("polyps"), "polyps", "m12", covariates=["age"],
    ...                   family="quasi_poisson", baseline="none")
    >>> res[["comparison", "estimate", "ci_low", "ci_high"]].round(3)
             comparison  estimate  ci_low  ci_high
    0  sulindac-placebo     0.257   0.114    0.579
    """
    from scipy import stats

    level = check_level(level)
    out = check_outcome(trial, outcome)
    check_followup(trial, timepoint)
    check_choice(family, "family", FAMILIES)
    check_choice(baseline, "baseline", BASELINES)
    ref = resolve_reference(trial, reference)
    frame = _data(trial, outcome, timepoint, baseline)
    notes: list[str] = []
    if not out.integer:
        notes.append(f"outcome {outcome!r} is not declared integer in trial.toml")
    if baseline == "offset" and (frame["pre"] <= 0).any():
        raise TrialDataError("baseline='offset' needs every baseline count > 0 (log of 0); use "
                             "baseline='log' (log(baseline + 1) as a covariate)",
                             field="baseline")
    others = [a.id for a in trial.arms if a.id != ref and (frame["arm"] == a.id).any()]
    if not (frame["arm"] == ref).any() or not others:
        raise data_error(trial, "count_model needs patients in the reference arm and another "
                         "arm", outcome=outcome, timepoint=timepoint,
                         arms=[ref, *[a.id for a in trial.arms if a.id != ref]], field="arm",
                         counts=frame["arm"].value_counts())
    cov, names = covariate_columns(trial, frame["patient"], covariates)
    frame, x = _design(frame, cov, names, others, baseline, notes)
    y = frame["post"].to_numpy(float)
    offset = np.log(frame["pre"].to_numpy(float)) if baseline == "offset" else None
    params, cov_params, dispersion, df = _fit(family, y, x, offset, notes)
    dist = "t" if family == "quasi_poisson" else "z"
    if dist == "z":
        notes.insert(0, Z_NOTE)
        q = float(stats.norm.isf((1 - level) / 2))
    else:
        q = float(stats.t.isf((1 - level) / 2, df))

    fam_label = {"negative_binomial": "negbin_nb2/ml_alpha", "poisson": "poisson_glm",
                 "quasi_poisson": "quasi_poisson_glm/pearson_dispersion"}[family]
    base_label = {"log": "+log(baseline+1)", "offset": "+offset(log(baseline))",
                  "none": ""}[baseline]
    adj = "".join(f"+{n}" for n in names)
    method = f"count/{fam_label}/log(mu)~arm{base_label}{adj}/{dist}_wald/rate_ratio=exp(b)"
    counts = frame["arm"].value_counts()
    common = {"outcome": outcome, "timepoint": timepoint, "df": df, "n": len(y),
              "dispersion": dispersion, "method": method, "note": "; ".join(notes) or None}
    cols = list(x.columns)
    rows: list[dict[str, Any]] = []

    def test(i: int) -> dict[str, float]:
        b, se = float(params[i]), float(np.sqrt(cov_params[i, i]))
        stat = b / se
        p = float(2 * (stats.norm.sf(abs(stat)) if dist == "z" else stats.t.sf(abs(stat), df)))
        return {"b": b, "se": se, "lo": b - q * se, "hi": b + q * se, "stat": stat, "p": p}

    for arm in others:
        r = test(cols.index(f"arm[{arm}]"))
        rows.append({**common, "comparison": f"{arm}-{ref}", "arm": arm, "reference": ref,
                     "measure": "rate_ratio", "term": f"arm[{arm}]",
                     "estimate": math.exp(r["b"]), "se": r["se"], "ci_low": math.exp(r["lo"]),
                     "ci_high": math.exp(r["hi"]), "statistic": r["stat"], "p": r["p"],
                     "log_estimate": r["b"], "n1": int(counts.get(arm, 0)),
                     "n2": int(counts.get(ref, 0))})
    if coefficients:
        for i, term in enumerate(cols):
            r = test(i)
            rows.append({**common, "comparison": None, "arm": None, "reference": None,
                         "measure": "coefficient", "term": term, "estimate": r["b"],
                         "se": r["se"], "ci_low": r["lo"], "ci_high": r["hi"],
                         "statistic": r["stat"], "p": r["p"], "log_estimate": r["b"],
                         "n1": None, "n2": None})
    frame_out = finish(rows, COUNT_COLUMNS)
    frame_out["n1"] = frame_out["n1"].astype("Int64")
    frame_out["n2"] = frame_out["n2"].astype("Int64")
    return frame_out


def _design(frame: pd.DataFrame, cov: pd.DataFrame, names: list[str], others: list[str],
            baseline: str, notes: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The patients with every covariate, and the design matrix: a constant, log(baseline
    + 1) when ``baseline="log"``, one indicator per non-reference arm, the covariates."""
    if names:
        keep = cov.notna().all(axis=1).to_numpy()
        if not keep.all():
            notes.append(f"{int((~keep).sum())} patient(s) with a missing covariate left out")
        frame, cov = frame[keep].reset_index(drop=True), cov[keep].reset_index(drop=True)
    x = pd.DataFrame({"const": np.ones(len(frame))})
    if baseline == "log":
        x["log(baseline+1)"] = np.log1p(frame["pre"].to_numpy(float))
    for arm in others:
        x[f"arm[{arm}]"] = (frame["arm"] == arm).to_numpy(float)
    for name in names:
        x[name] = cov[name].to_numpy()
    if len(frame) <= x.shape[1] or np.linalg.matrix_rank(x.to_numpy()) < x.shape[1]:
        raise TrialDataError("too few patients, or a singular design, for this count model",
                             field="covariates")
    return frame, x


def _fit(family: str, y: np.ndarray, x: pd.DataFrame, offset: np.ndarray | None,
         notes: list[str]) -> tuple[np.ndarray, np.ndarray, float, float]:
    """The fitted model's coefficients, their covariance, the dispersion (NB2's alpha, or
    Pearson's chi-squared over the residual df) and the df of its Wald tests (NaN: z);
    statsmodels' convergence warnings and the dispersion's meaning go to ``notes``."""
    import statsmodels.api as sm

    df_resid = len(y) - x.shape[1]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if family == "negative_binomial":
            res = _negative_binomial(sm.NegativeBinomial(y, x, loglike_method="nb2",
                                                         offset=offset))
            k = x.shape[1]
            params = np.asarray(res.params)[:k]
            cov_params = np.asarray(res.cov_params())[:k, :k]
            dispersion, df = float(np.asarray(res.params)[k]), math.nan  # alpha
            if not res.mle_retvals.get("converged", True):
                notes.append("negative binomial fit did not converge")
            if dispersion < 1e-6:
                notes.append("alpha estimated at (or near) 0: no overdispersion beyond Poisson")
        else:
            glm = sm.GLM(y, x, family=sm.families.Poisson(), offset=offset)
            res = glm.fit(scale="X2" if family == "quasi_poisson" else None)
            params = np.asarray(res.params)
            cov_params = np.asarray(res.cov_params())
            dispersion = float(res.pearson_chi2 / df_resid)
            df = float(df_resid) if family == "quasi_poisson" else math.nan
            if family == "poisson" and dispersion > 1.5:
                notes.append(f"Pearson dispersion {dispersion:.3g} > 1: the Poisson "
                             f"intervals are too narrow; see quasi_poisson or "
                             f"negative_binomial")
    for w in caught:
        if "converge" in str(w.message).lower():
            notes.append(f"statsmodels: {w.message}")
    return params, cov_params, dispersion, df


def _negative_binomial(nb: Any) -> Any:
    """NB2 fitted by Newton, then BFGS, then Nelder-Mead, until one converges."""
    res = None
    for fit_method in ("newton", "bfgs", "nm"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                res = nb.fit(method=fit_method, maxiter=5000, disp=0)
            except (np.linalg.LinAlgError, ValueError):
                continue
        if res.mle_retvals.get("converged", False) and np.isfinite(res.llf):
            break
    if res is None:
        raise TrialDataError("the negative binomial model could not be fitted", field="family")
    return res
