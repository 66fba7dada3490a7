"""Per-trial combination of the variables' baseline p values, flags and ranking.

Under random allocation each baseline variable's p value is uniform on (0, 1), so for k
independent variables ``Z = sum(Phi^-1(p_i)) / sqrt(k)`` is standard normal (Stouffer et al.
1949). With the usual convention (p near 1 when the arms' means are close), a large Z says
the arms are more alike than chance makes likely, a very negative Z that they differ more.

Carlisle's method, which :func:`combine_trials` follows for ``p_carlisle`` and the ranking,
accounts for the rounding of the printed numbers. Each variable's p is, in order of
preference: the Monte Carlo p of Carlisle & Loadsman (2017) over arms simulated from one
population and rounded to the printed decimals (``p_carlisle`` of
:func:`trialkit.screen.baseline.baseline_p` with ``sims > 0``; what simdistr computes), or
else, as in Carlisle (2017), the p closest to 0.5 that the rounding allows (the p in
``[p_low, p_high]`` nearest 0.5), or else the p at the printed values. Carlisle "inverted"
the p values (dissimilar means give p near 1), so a trial's combined p near 0 means arms too
alike and near 1 too different: ``p_carlisle = Phi(sum(Phi^-1(1 - p_i)) / sqrt(k))``, the
combined p simdistr's ``sim_distr`` returns.

Categorical variables take part in the same way: with ``sims > 0`` their ``p_carlisle`` is
simdistr's Monte Carlo mid-p of the arms' proportions (:mod:`trialkit.screen.categorical_p`),
which is below 1 even when every arm has the same proportion, so identical counts, the
signal Carlisle's method looks for, enter the combination.

A Monte Carlo p of 0 or 1 (every simulation on one side) is replaced by the closed-form p
over the rounding. A p that is still exactly 0 or 1 (a discrete test of identical counts
without simulations, ``sims = 0``) would make Stouffer's z infinite: such variables are left
out of the combinations, counted in ``n_extreme`` and named in the reason (simdistr would
return a combined p of 0 or 1).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

__all__ = ["TRIALS_COLUMNS", "combine_trials", "least_extreme", "rank_trials", "stouffer"]

TRIALS_COLUMNS = ("trial", "n_variables", "n_extreme", "z_stouffer", "p_similar",
                  "p_different", "p_carlisle", "p_combined", "n_checks", "n_inconsistent",
                  "n_reported_mismatch", "flags", "reason", "method")
#: within-check names and the words a reason uses for an inconsistent row
CHECK_WORDS = {
    "grim": "GRIM: {} impossible for whole-number data",
    "grimmer": "GRIMMER: {} whose mean and SD are impossible together for whole-number data",
    "grim_percent": "{} whose percentage no whole number of the arm's patients gives",
    "sd_bounds": "{} whose SD is impossible on the variable's scale",
    "se_as_sd": "{} whose SDs look like standard errors",
}
_UNITS = {"grim": "mean", "se_as_sd": "variable"}


def stouffer(p: Any) -> tuple[float, float, float]:
    """Stouffer's combination of independent p values, both one-sided directions.

    Parameters
    ----------
    p : sequence of float
        The p values (NaN ones are left out).

    Returns
    -------
    (z, p_upper, p_lower) : tuple of float
        ``z = sum(Phi^-1(p_i)) / sqrt(k)``, ``p_upper = 1 - Phi(z)`` (the chance of a z this
        large or larger) and ``p_lower = Phi(z)``; NaN when no p is left, or when one p is
        0 and another 1 (the sum is undefined).

    References
    ----------
    Stouffer, S. A., Suchman, E. A., DeVinney, L. C., Star, S. A., & Williams, R. M. (1949).
    The American Soldier, vol. 1. Princeton University Press. Whitlock, M. C. (2005).
    Combining probability from independent tests. J Evol Biol 18, 1368-1373.

    Examples
    --------
    >>> z, upper, lower = stouffer([0.5, 0.975])
    >>> round(z, 4), round(upper, 4)
    (1.3859, 0.0829)
    """
    from scipy import stats

    values = np.asarray(p, dtype=float)
    values = values[~np.isnan(values)]
    if values.size == 0:
        return np.nan, np.nan, np.nan
    with np.errstate(invalid="ignore"):
        z = float(stats.norm.ppf(values).sum() / np.sqrt(values.size))
    if np.isnan(z):
        return np.nan, np.nan, np.nan
    return z, float(stats.norm.sf(z)), float(stats.norm.cdf(z))


def least_extreme(p: Any, p_low: Any, p_high: Any) -> np.ndarray:
    """The p in ``[p_low, p_high]`` closest to 0.5 (Carlisle 2017's choice); ``p`` where the
    interval is not known.

    Examples
    --------
    >>> least_extreme([0.2, 0.9, 0.3], [0.1, 0.8, np.nan], [0.3, 0.95, np.nan]).tolist()
    [0.3, 0.8, 0.3]
    """
    p, lo, hi = (np.asarray(a, dtype=float) for a in (p, p_low, p_high))
    known = np.isfinite(lo) & np.isfinite(hi)
    return np.where(known, np.clip(0.5, lo, hi), p)


def combine_trials(variables: pd.DataFrame, within: pd.DataFrame | None = None, *,
                   trials: Any = None, alpha: float = 0.001,
                   no_p: str | None = None) -> pd.DataFrame:
    """One row per trial: combined baseline p values, within-trial problems, flags, reason.

    Parameters
    ----------
    variables : pandas.DataFrame
        One row per trial x variable (x timepoint) with ``trial`` and ``p`` (the usual
        convention: near 1 when the arms are alike), and optionally ``p_low``/``p_high``
        (the p values the rounding of the printed numbers allows), ``p_carlisle`` (the Monte
        Carlo p over the rounding, same convention) and ``reported_p``:
        :func:`trialkit.screen.baseline.baseline_p`'s frame.
    within : pandas.DataFrame, optional
        :func:`trialkit.screen.within_checks` output (``trial, check, verdict``).
    trials : sequence of str, optional
        Every trial screened, so that trials without a computable p still get a row.
    alpha : float, default 0.001
        A combined p below ``alpha`` (either direction) is flagged.
    no_p : str, optional
        Why no baseline p was computed at all (said in the reason of every trial).

    Returns
    -------
    pandas.DataFrame
        :data:`TRIALS_COLUMNS`, most anomalous first: trials with more flags first, then by
        ``p_combined`` (smallest first; trials without one last), then by name.
        ``z_stouffer``, ``p_similar`` (arms this alike or more: ``1 - Phi(z)``) and
        ``p_different`` (``Phi(z)``) combine the p at the printed values; ``p_carlisle``
        combines each variable's p over the rounding (module documentation) in Carlisle's
        inverted convention (near 0: too alike; near 1: too different); ``p_combined`` is
        its two-sided version ``2 min(p_carlisle, 1 - p_carlisle)``. ``n_variables`` counts
        the variables with a p, ``n_extreme`` those left out for a p of exactly 0 or 1.
        ``flags`` names the problems (comma-separated: ``too_similar``, ``too_different``,
        the within checks with an inconsistent row, ``reported_p``), ``reason`` says them in
        words.

    References
    ----------
    Carlisle, J. B. (2017). Data fabrication and other reasons for non-random sampling in
    5087 randomised, controlled trials in anaesthetic and general medical journals.
    Anaesthesia, 72(8), 944-952. https://doi.org/10.1111/anae.13938

    Carlisle, J. B., & Loadsman, J. A. (2017). Evidence for non-random sampling in
    randomised, controlled trials by Yuhji Saitoh. Anaesthesia, 72(1), 17-27; simdistr
    1.0.1 ``sim_distr`` (its combined p is ``p_carlisle``).

    Examples
    --------
    >>> import pandas as pd
    >>> v = pd.DataFrame({"trial": ["A", "A", "B"], "p": [0.99, 0.995, 0.4]})
    >>> res = combine_trials(v)
    >>> res[["trial", "n_variables", "flags"]].values.tolist()
    [['A', 2, 'too_similar'], ['B', 1, '']]
    """
    from scipy import stats

    v = variables.reset_index(drop=True)
    names = pd.Index(pd.unique(pd.concat([v["trial"].astype(str), pd.Series(
        [] if trials is None else list(trials), dtype=str)])))
    p = v["p"].to_numpy(float)
    lo = v["p_low"].to_numpy(float) if "p_low" in v else np.full(len(v), np.nan)
    hi = v["p_high"].to_numpy(float) if "p_high" in v else np.full(len(v), np.nan)
    mc = v["p_carlisle"].to_numpy(float) if "p_carlisle" in v else np.full(len(v), np.nan)
    keys = v["trial"].astype(str).to_numpy()
    closed = least_extreme(p, lo, hi)
    # a Monte Carlo p of 0 or 1 only says "beyond every simulation": the closed form over
    # the rounding then says how far
    usable = np.isfinite(mc) & ~(((mc == 0) | (mc == 1)) & (closed > 0) & (closed < 1))
    p_c = np.where(usable, mc, closed)
    z_point = _stouffer_by(keys, np.where((p > 0) & (p < 1), p, np.nan), names)
    z_least = _stouffer_by(keys, np.where((p_c > 0) & (p_c < 1), p_c, np.nan), names)
    out = pd.DataFrame({"trial": names})

    def per_trial(mask: np.ndarray) -> np.ndarray:
        return pd.Series(keys[mask]).value_counts().reindex(names, fill_value=0).to_numpy(
            np.int64)

    out["n_variables"] = per_trial(np.isfinite(p_c))
    out["n_extreme"] = per_trial((p_c == 0) | (p_c == 1))
    out["z_stouffer"] = z_point
    out["p_similar"] = stats.norm.sf(z_point)
    out["p_different"] = stats.norm.cdf(z_point)
    out["p_carlisle"] = stats.norm.sf(z_least)
    out["p_combined"] = np.minimum(1.0, 2 * np.minimum(stats.norm.sf(z_least),
                                                      stats.norm.cdf(z_least)))
    mismatch = _reported_mismatch(v, lo, hi)
    out["n_reported_mismatch"] = pd.Series(keys[mismatch]).value_counts().reindex(
        names, fill_value=0).to_numpy(np.int64)
    bad, checked = _within_counts(within, names)
    out["n_checks"] = (checked.sum(axis=1).to_numpy(np.int64) if len(checked.columns)
                       else np.zeros(len(out), np.int64))
    out["n_inconsistent"] = (bad.sum(axis=1).to_numpy(np.int64) if len(bad.columns)
                             else np.zeros(len(out), np.int64))
    out["flags"], out["reason"] = _words(out, bad, z_least, alpha, no_p)
    out["method"] = ("stouffer/printed_p + carlisle/monte_carlo_p_else_least_extreme_p/"
                     "inverted")
    return rank_trials(out)


def rank_trials(trials: pd.DataFrame) -> pd.DataFrame:
    """Most anomalous first: more flags, then smaller ``p_combined`` (none last), then name.

    The order is total (ties broken by the trial's name), so trials screened in any chunks
    rank the same.
    """
    if trials.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in TRIALS_COLUMNS})
    n_flags = trials["flags"].map(lambda f: len(f.split(",")) if f else 0).to_numpy()
    order = np.lexsort((trials["trial"].astype(str).to_numpy(),
                        trials["p_combined"].fillna(2.0).to_numpy(float), -n_flags))
    return trials.iloc[order].reset_index(drop=True)[list(TRIALS_COLUMNS)]


def _stouffer_by(keys: np.ndarray, p: np.ndarray, names: pd.Index) -> np.ndarray:
    """Stouffer's z per trial (NaN: no p, or one p 0 and another 1)."""
    from scipy import stats

    with np.errstate(divide="ignore", invalid="ignore"):
        z = stats.norm.ppf(p)
    frame = pd.DataFrame({"trial": keys, "z": z}).dropna()
    grouped = frame.groupby("trial", sort=False)["z"]
    with np.errstate(invalid="ignore"):
        total = grouped.sum().reindex(names).to_numpy(float)
        k = grouped.count().reindex(names).to_numpy(float)
        pos = frame.assign(z=np.isposinf(frame["z"])).groupby("trial", sort=False)["z"].any()
        neg = frame.assign(z=np.isneginf(frame["z"])).groupby("trial", sort=False)["z"].any()
        both = (pos.reindex(names, fill_value=False).to_numpy(bool)
                & neg.reindex(names, fill_value=False).to_numpy(bool))
        total = np.where(both, np.nan, total)
        return total / np.sqrt(k)


def _reported_mismatch(v: pd.DataFrame, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Reported p outside the recomputed range [p_low, p_high], beyond its own rounding
    (half a unit of its last printed digit)."""
    if "reported_p" not in v:
        return np.zeros(len(v), bool)
    rep = v["reported_p"].to_numpy(float)
    text = (v["reported_p_text"].astype(str) if "reported_p_text" in v
            else pd.Series([repr(x) for x in rep]))
    decimals = text.str.extract(r"\.([0-9]+)$", expand=False).str.len().fillna(0)
    half = 0.5 * 10.0 ** -decimals.to_numpy(float)
    known = np.isfinite(rep) & np.isfinite(lo) & np.isfinite(hi)
    return known & ((rep + half < lo) | (rep - half > hi))


def _within_counts(within: pd.DataFrame | None,
                   names: pd.Index) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per trial and check: rows inconsistent, and rows checked (not "cannot check")."""
    if within is None or within.empty:
        empty = pd.DataFrame(index=names)
        return empty, empty
    w = within.assign(trial=within["trial"].astype(str))
    # a mean failing GRIM fails GRIMMER and the SD bounds too: counted once, as GRIM
    echo = w["check"].isin(["grimmer", "sd_bounds"]) & w["reason"].astype(str).str.contains(
        "the mean fails GRIM", regex=False)
    checked = w[(w["verdict"] != "cannot check") & ~echo]
    bad = pd.crosstab(checked["trial"], checked["check"],
                      values=(checked["verdict"] == "inconsistent").astype(int), aggfunc="sum")
    done = pd.crosstab(checked["trial"], checked["check"])
    return (bad.reindex(names, fill_value=0).fillna(0).astype(int),
            done.reindex(names, fill_value=0).fillna(0).astype(int))


def _fmt(p: float) -> str:
    return f"{p:.1e}" if p < 0.001 else f"{p:.3f}"


def _words(out: pd.DataFrame, bad: pd.DataFrame, z: np.ndarray, alpha: float,
           no_p: str | None) -> tuple[list[str], list[str]]:
    from scipy import stats

    flags, reasons = [], []
    for i, row in enumerate(out.itertuples(index=False)):
        f, words = [], []
        k = int(row.n_variables) - int(row.n_extreme)
        plural = "s" if k != 1 else ""
        if not np.isnan(z[i]) and stats.norm.sf(z[i]) < alpha:
            f.append("too_similar")
            words.append(f"the arms are more alike at baseline than random allocation makes "
                         f"likely (Carlisle's combined p = {_fmt(row.p_carlisle)} over {k} "
                         f"variable{plural})")
        elif not np.isnan(z[i]) and stats.norm.cdf(z[i]) < alpha:
            f.append("too_different")
            words.append(f"the arms differ more at baseline than random allocation makes "
                         f"likely (combined p = {_fmt(float(stats.norm.cdf(z[i])))} for "
                         f"differences this large, over {k} variable{plural})")
        for check in bad.columns:
            count = int(bad.loc[row.trial, check]) if row.trial in bad.index else 0
            if count:
                f.append(check)
                unit = _UNITS.get(check, "row")
                what = f"{count} {unit}{'s' if count != 1 else ''}"
                words.append(CHECK_WORDS.get(check, check + ": {} inconsistent").format(what))
        if row.n_reported_mismatch:
            f.append("reported_p")
            words.append(f"{int(row.n_reported_mismatch)} reported p value(s) outside what the "
                         f"printed numbers allow")
        flags.append(",".join(f))
        checks = (f"{int(row.n_checks)} within-trial checks consistent" if row.n_checks
                  else "no within-trial check applied")
        if no_p:
            words.append(f"baseline p values {no_p}")
        if row.n_extreme:
            words.append(f"{int(row.n_extreme)} variable{'s' if row.n_extreme != 1 else ''} "
                         f"with a baseline p of exactly 0 or 1 (identical counts, or every "
                         f"simulation on one side) left out of the combination, where its z "
                         f"would be infinite")
        if words:
            text = "; ".join(words)
            reasons.append(text[0].upper() + text[1:] + ".")
        elif np.isfinite(row.p_combined):
            reasons.append(f"Not flagged: combined p = {_fmt(row.p_combined)} over {k} "
                           f"variable{plural} (flagged below {alpha:g}); {checks}.")
        else:
            reasons.append(f"No baseline p to combine (a variable needs two arms with "
                           f"summary statistics); {checks}.")
    return flags, reasons
