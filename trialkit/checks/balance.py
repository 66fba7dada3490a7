"""How surprising the baseline balance is (Carlisle 2017)."""

from __future__ import annotations

import itertools
import math
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy import stats

from trialkit.checks import _numbers as num
from trialkit.checks import _reported
from trialkit.meta import NO_BASELINE

if TYPE_CHECKING:
    from trialkit.trial import Trial

__all__ = ["baseline_balance"]


def _anova_p(means: np.ndarray, sds: np.ndarray, ns: np.ndarray) -> np.ndarray:
    """One-way ANOVA p from summary statistics; rows are corners, columns arms (NaN where
    the numbers overflow or the SDs are all zero)."""
    N = ns.sum()
    k = ns.shape[0]
    with np.errstate(all="ignore"):
        grand = (means * ns).sum(axis=-1, keepdims=True) / N
        between = (ns * (means - grand) ** 2).sum(axis=-1) / (k - 1)
        within = ((ns - 1) * sds**2).sum(axis=-1) / (N - k)
        F = between / within
        p = stats.f.sf(F, k - 1, N - k)
    return np.where(np.isfinite(F) | (F == np.inf), p, np.nan)


def _least_extreme(p_low: float, p_high: float) -> float:
    """The p in [p_low, p_high] closest to 0.5: the least evidence either way that the
    printed (rounded) means and SDs allow. Carlisle (2017) computes baseline p values from
    the printed means, SDs and n; taking the least extreme over the rounding box is
    trialkit's choice, so that rounding alone never counts as evidence."""
    if not (math.isfinite(p_low) and math.isfinite(p_high)):
        return math.nan
    return min(max(0.5, p_low), p_high)


def _rounded_p(grp: pd.DataFrame, rounding: str) -> tuple[float, float, float]:
    """(p at the printed values, least p, greatest p) over the rounding box of the arms'
    means and SDs. The greatest p has the means as close together as the box allows (each
    mean clamped to a common value c, the minimiser of the between-arm sum of squares) and
    the largest SDs; the least p the means at the corner farthest apart and the smallest SDs.
    """
    from scipy.optimize import minimize_scalar

    ns = grp["n"].to_numpy(float)
    mb = np.array([_box(r, "mean", rounding) for _, r in grp.iterrows()], float)
    sb = np.array([_box(r, "sd", rounding) for _, r in grp.iterrows()], float)
    sb = np.maximum(sb, 1e-12)
    centre = float(_anova_p(grp["mean"].to_numpy(float)[None, :],
                            grp["sd"].to_numpy(float)[None, :], ns)[0])
    corners = np.array(list(itertools.product(*[(lo, hi) for lo, hi in mb])), float)
    p_low = float(np.nanmin(_anova_p(corners, sb[:, 0][None, :], ns), initial=np.inf))
    lo, hi = mb[:, 0], mb[:, 1]
    if not (np.all(np.isfinite(mb)) and np.all(np.isfinite(sb))):
        return math.nan, math.nan, math.nan

    def ss(c: float) -> float:
        m = np.clip(c, lo, hi)
        return float((ns * (m - (m * ns).sum() / ns.sum()) ** 2).sum())

    if lo.max() <= hi.min():
        closest = np.full_like(lo, lo.max())
    else:
        with np.errstate(all="ignore"):
            c = minimize_scalar(ss, bounds=(hi.min(), lo.max()), method="bounded",
                                options={"xatol": 1e-12 * max(1.0, abs(lo.max()))}).x
        closest = np.clip(c, lo, hi)
    p_high = float(_anova_p(closest[None, :], sb[:, 1][None, :], ns)[0])
    if not math.isfinite(p_low):
        p_low = math.nan
    return centre, p_low, p_high


def baseline_balance(trial: Trial, *, rounding: str = "up_or_down") -> pd.DataFrame:
    """How surprising is the similarity (or difference) of the arms at baseline?

    Carlisle's method: for each baseline variable, the p value of the difference between
    arms (one-way ANOVA from the summary statistics; Student's t test for two arms; a
    chi-squared test for categorical patient covariates); then the p values are combined.
    Under randomization they are uniform on (0, 1). Many p values near 1 mean arms more
    alike than chance makes likely; many near 0 mean more different. Two combinations are
    given: Stouffer's ``Z = sum(Phi^-1(p_i)) / sqrt(k)`` and Fisher's
    ``X = -2 sum(log p_i)`` (chi-squared on 2k df), each one-sided in both directions.
    Because the printed means and SDs are rounded, each p is recomputed over the box of
    values that round to them (``p_low``, ``p_high``), and the combination uses the least
    extreme of these, ``p_least`` (the p in [p_low, p_high] closest to 0.5), so that means
    that are identical once rounded (4.9 vs 4.9) are not evidence by themselves. Variables
    whose p cannot be computed (NaN, overflow) are left out of the combination; when none is
    left there are no combined rows. A trial that declares ``baseline = false`` (the table
    prints no baseline) has no baseline variables: the frame has none of its outcomes and
    ``attrs["cannot"]`` says "cannot check: the table prints no baseline" (patient
    covariates, where a trial has them, are still compared, and then it is not set).

    Caveats (also in the ``note`` column of the combined rows and in ``attrs["caveats"]``):
    few variables give little information; correlated variables (the same measure at
    several sites, related outcomes) are not independent, as both combinations assume;
    rounding makes p values of near-identical means uncertain; and a surprising result is a
    reason to look closer, not evidence of misconduct.

    Parameters
    ----------
    trial : Trial
    rounding : str, default "up_or_down"
        Rounding scheme of the printed means and SDs.

    Returns
    -------
    pandas.DataFrame
        One row per baseline variable (``variable, source, k, p, p_low, p_high, p_least,
        method``)
        then the combined rows (``variable`` "combined (Stouffer)" and "combined (Fisher)",
        with ``k`` variables, ``p_similar``, ``p_different`` and ``note``; when several
        outcomes share a domain, also "combined (Stouffer, by domain)", which counts each
        domain once with the mean z of its variables: a conservative bound for correlated
        variables).

    References
    ----------
    Carlisle, J. B. (2017). Data fabrication and other reasons for non-random sampling in
    5087 randomised, controlled trials in anaesthetic and general medical journals.
    Anaesthesia, 72(8), 944-952. https://doi.org/10.1111/anae.13938

    Stouffer, S. A., et al. (1949). The American Soldier, vol. 1. Fisher, R. A. (1932).
    Statistical Methods for Research Workers, 4th ed., section 21.1.

    Examples
    --------
    >>> import trialkit
    >>> from trialkit.checks import baseline_balance
    >>> res = baseline_balance(trialkit.load("mejuto2014"))
    >>> res.variable.iloc[-3:].tolist()
    ['combined (Stouffer)', 'combined (Fisher)', 'combined (Stouffer, by domain)']
    """
    rounding = num.check_rounding(rounding)
    rows: list[dict[str, Any]] = []
    base = trial.baseline
    s = trial.summary
    if base is not None and trial.design == "parallel":
        for o in trial.outcomes:
            grp = s[(s["outcome"] == o.id) & (s["timepoint"] == base)]
            if len(grp) < 2 or (grp["n"] < 2).any():
                continue
            p, p_low, p_high = _rounded_p(grp, rounding)
            method = "student_t/summary" if len(grp) == 2 else "anova/summary"
            rows.append({"variable": o.id, "source": f"{o.label} at baseline",
                         "k": 1, "p": p, "p_low": p_low, "p_high": p_high,
                         "p_least": _least_extreme(p_low, p_high), "p_similar": math.nan,
                         "p_different": math.nan, "method": method + "/rounding_box",
                         "note": ""})
    patients = trial.patients
    if patients is not None and trial.design == "parallel":
        for col in patients.columns:
            if col in ("patient", "arm"):
                continue
            values = patients[col]
            if pd.api.types.is_numeric_dtype(values):
                grp = patients.groupby("arm")[col].agg(["mean", "std", "count"])
                grp = grp[grp["count"] >= 2]
                if len(grp) < 2:
                    continue
                p = float(_anova_p(grp["mean"].to_numpy(float)[None, :],
                                   grp["std"].to_numpy(float)[None, :],
                                   grp["count"].to_numpy(float))[0])
                method = "anova/patients"
            else:
                table = pd.crosstab(patients["arm"], values)
                if table.shape[0] < 2 or table.shape[1] < 2:
                    continue
                p = float(stats.chi2_contingency(table.to_numpy(), correction=False).pvalue)
                method = "chi2_contingency/patients"
            rows.append({"variable": col, "source": "patient covariate", "k": 1, "p": p,
                         "p_low": p, "p_high": p, "p_least": p, "p_similar": math.nan,
                         "p_different": math.nan, "method": method, "note": ""})
    frame = pd.DataFrame(rows, columns=["variable", "source", "k", "p", "p_low", "p_high",
                                        "p_least", "p_similar", "p_different", "method",
                                        "note"])
    caveats = _caveats(trial, frame)
    finite = frame[np.isfinite(frame["p_least"].to_numpy(float))]
    k = len(finite)
    if k:
        p = np.clip(finite["p_least"].to_numpy(float), 1e-300, 1 - 1e-16)
        z = stats.norm.ppf(p).sum() / math.sqrt(k)
        x = float(-2 * np.log(p).sum())
        combined = [
            {"variable": "combined (Stouffer)", "source": f"{k} baseline variables", "k": k,
             "p": math.nan, "p_low": math.nan, "p_high": math.nan,
             "p_similar": float(stats.norm.sf(z)), "p_different": float(stats.norm.cdf(z)),
             "method": "stouffer/one_sided", "note": caveats},
            {"variable": "combined (Fisher)", "source": f"{k} baseline variables", "k": k,
             "p": math.nan, "p_low": math.nan, "p_high": math.nan,
             "p_similar": float(stats.chi2.cdf(x, 2 * k)),
             "p_different": float(stats.chi2.sf(x, 2 * k)),
             "method": "fisher/one_sided", "note": caveats},
        ]
        domains = _domains(trial, finite)
        if len(set(domains)) < k:
            # Conservative: variables of one domain counted as one (their mean z).
            zs = pd.Series(stats.norm.ppf(p)).groupby(domains).mean()
            zd = float(zs.sum() / math.sqrt(len(zs)))
            combined.append(
                {"variable": "combined (Stouffer, by domain)",
                 "source": f"{len(zs)} domains of {k} baseline variables", "k": len(zs),
                 "p": math.nan, "p_low": math.nan, "p_high": math.nan,
                 "p_similar": float(stats.norm.sf(zd)), "p_different": float(stats.norm.cdf(zd)),
                 "method": "stouffer/one_sided/domain_mean_z", "note": caveats})
        frame = pd.concat([frame, pd.DataFrame(combined)], ignore_index=True)
    frame.attrs["caveats"] = caveats
    if trial.no_baseline and k == 0:
        frame.attrs["cannot"] = (f"cannot check: {NO_BASELINE} (every timepoint is a "
                                 f"follow-up), so there are no baseline values to compare")
    return frame


def _domains(trial: Trial, frame: pd.DataFrame) -> list[str]:
    ids = {o.id: o for o in trial.outcomes}
    return [(ids[v].domain or v) if v in ids else v for v in frame["variable"]]


def _box(row: pd.Series, col: str, rounding: str) -> tuple[float, float]:
    """(low, high) of a summary value: its rounding interval when printed."""
    return _reported._box(row, col, rounding)[:2]


def _caveats(trial: Trial, frame: pd.DataFrame) -> str:
    k = len(frame)
    notes = [f"{k} baseline variable{'s' if k != 1 else ''}"
             + (" is too few for a combined p value to say much" if k < 5 else "")]
    domains = [trial.outcome(v).domain for v in frame["variable"]
               if v in [o.id for o in trial.outcomes]]
    shared = {d for d in domains if d and domains.count(d) > 1}
    if shared:
        notes.append("variables in the same domain (" + ", ".join(sorted(shared)).replace(
            "_", " ") + ") are correlated, while Stouffer and Fisher assume independence")
    else:
        notes.append("correlated variables would break the independence both combinations "
                     "assume")
    notes.append("means and SDs are rounded, so each p is uncertain (see p_low, p_high)")
    if trial.illustrative:
        notes.append("the summary numbers are illustrative, not the article's")
    notes.append("a surprising result is a reason to look closer, not proof of misconduct")
    return "Caveats: " + "; ".join(notes) + "."
