"""Identical summary statistics across cohorts (trial arms) of one population in different
trials, against their frequency when each cohort is sampled afresh (Bolland et al. 2021;
reappraised's ``cohort_fn``)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from trialkit.screen._rows import trial_rng
from trialkit.screen.across._common import (
    bin_label,
    binned_chisq,
    column_decimals,
    require,
    sort_keys,
)

__all__ = ["cohort_matches", "cohort_matches_by_variable", "combine_cohort_matches",
           "combine_cohort_matches_by_variable", "median_tail_p", "partial_cohort_matches",
           "partial_cohort_matches_by_variable"]

NEEDED = ("trial", "variable", "arm", "timepoint", "kind", "n", "mean", "sd", "mean_text",
          "sd_text", "mean_decimals", "sd_decimals")
PIECE = ["trial", "arm", "variable", "timepoint", "n", "n_max", "mean", "sd", "dm", "ds"]
STATS = ("mean", "sd", "both")


def partial_cohort_matches(rows: pd.DataFrame) -> pd.DataFrame:
    """The cohorts of one partition of whole trials: one row per trial x arm x variable with
    its numbers, their decimals and the cohort's size (its largest n over variables)."""
    require(rows, NEEDED, "cohort_matches")
    c = rows[rows["kind"].astype(str) == "continuous"]
    c = sort_keys(c, ["trial", "arm", "variable", "timepoint"])
    dm, _ = column_decimals(c, "mean")
    ds, _ = column_decimals(c, "sd")
    n_max = c.groupby(["trial", "arm"])["n"].transform("max")
    return pd.DataFrame({"trial": c["trial"].astype(str), "arm": c["arm"].astype(str),
                         "variable": c["variable"].astype(str),
                         "timepoint": c["timepoint"].astype(str), "n": c["n"].astype("int64"),
                         "n_max": n_max.astype("int64"), "mean": c["mean"].astype(float),
                         "sd": c["sd"].astype(float), "dm": dm, "ds": ds}, columns=PIECE)


def _dup_count(eq: np.ndarray) -> np.ndarray:
    """Entries in a run of equals, per row, from ``eq`` (sorted neighbours equal)."""
    pad = np.zeros((*eq.shape[:-1], 1), bool)
    dup = np.concatenate([eq, pad], axis=-1) | np.concatenate([pad, eq], axis=-1)
    return dup.sum(axis=-1)


def _ranks(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Dense rank of each entry within its row (equal entries share a rank; every NaN has
    its own), and the sorted rows' neighbour equality."""
    order = np.argsort(values, axis=-1)
    srt = np.take_along_axis(values, order, axis=-1)
    eq = srt[..., 1:] == srt[..., :-1]
    dense = np.concatenate([np.zeros((*eq.shape[:-1], 1), np.int64),
                            np.cumsum(~eq, axis=-1, dtype=np.int64)], axis=-1)
    ranks = np.empty_like(dense)
    np.put_along_axis(ranks, order, dense, axis=-1)
    return ranks, eq


def _match_counts(m: np.ndarray, s: np.ndarray) -> dict[str, np.ndarray]:
    """Per row, the entries whose mean (SD; mean and SD) equals another entry's.

    The pair (mean, SD) is compared through the dense ranks of each: two entries have equal
    pairs exactly when both ranks are equal, so sorting one int64 key per entry replaces a
    (slower) lexicographic sort of complex numbers; a NaN mean or SD never matches."""
    rm, eqm = _ranks(m)
    rs, eqs = _ranks(s)
    key = np.sort(rm * (m.shape[-1] + 1) + rs, axis=-1)
    return {"mean": _dup_count(eqm), "sd": _dup_count(eqs),
            "both": _dup_count(key[..., 1:] == key[..., :-1])}


def _centre(g: pd.DataFrame) -> tuple[float, float]:
    """The population the cohorts are drawn from: the modal (mean, SD) pair when one pair is
    the single most frequent, else the n-weighted means rounded to the most decimals shown
    (reappraised's ``modems`` / weighted mean)."""
    pairs = g.dropna(subset=["mean", "sd"])
    counts = pairs.groupby(["mean", "sd"]).size()
    if len(counts) and counts.max() > 1 and (counts == counts.max()).sum() == 1:
        m, s = counts.idxmax()
        return float(m), float(s)
    ok_m, ok_s = g["mean"].notna(), g["sd"].notna()
    m = float((g["mean"][ok_m] * g["n"][ok_m]).sum() / g["n"][ok_m].sum())
    s = float((g["sd"][ok_s] * g["n"][ok_s]).sum() / g["n"][ok_s].sum())
    return round(m, int(g["dm"].max())), round(s, int(g["ds"].max()))


def _round(x: np.ndarray, d: np.ndarray) -> np.ndarray:
    scale = 10.0 ** d
    return np.round(x * scale) / scale


def _variable(g: pd.DataFrame, sims: int, seed: int) -> dict[str, tuple[int, np.ndarray]]:
    """Observed matches and ``sims`` simulated match counts of one variable."""
    m0, s0 = g["mean"].to_numpy(float), g["sd"].to_numpy(float)
    obs = {k: int(v[0]) for k, v in _match_counts(m0[None, :], s0[None, :]).items()}
    mu, sigma = _centre(g)
    n = g["n_max"].to_numpy(float)
    key = g["variable"].iloc[0]
    rng = trial_rng(seed, f"cohort_matches:{key}", g["timepoint"].iloc[0])
    z = rng.standard_normal((sims, len(g)))
    c = rng.chisquare(np.maximum(n - 1, 1), (sims, len(g)))
    sm = _round(mu + sigma / np.sqrt(n) * z, g["dm"].to_numpy())
    ss = _round(sigma * np.sqrt(c / np.maximum(n - 1, 1)), g["ds"].to_numpy())
    ss = np.where(np.isnan(s0), np.nan, ss)
    sim = _match_counts(sm, ss)
    return {k: (obs[k], sim[k]) for k in STATS}


def combine_cohort_matches(pieces: pd.DataFrame, *, sims: int = 1000, seed: int = 1,
                           min_cohorts: int = 10) -> pd.DataFrame:
    """Count and simulate matches over all cohorts of the pieces of
    :func:`partial_cohort_matches` (concatenated, from any split of whole trials).

    Examples
    --------
    >>> import pandas as pd
    >>> from trialkit.screen import example_rows
    >>> rows = example_rows()
    >>> import trialkit.screen.across as A
    >>> a = A.partial_cohort_matches(rows[rows.trial == "T1"])
    >>> b = A.partial_cohort_matches(rows[rows.trial == "T2"])
    >>> whole = A.cohort_matches(rows, sims=50, min_cohorts=2)
    >>> whole.equals(A.combine_cohort_matches(pd.concat([b, a], ignore_index=True), sims=50,
    ...                                        min_cohorts=2))
    True
    """
    return _summarise(_records(pieces, sims, seed, min_cohorts), sims)


def _records(pieces: pd.DataFrame, sims: int, seed: int, min_cohorts: int) -> list[dict]:
    """Per variable and statistic: cohorts, observed matches and the simulated ones."""
    pc = sort_keys(pieces, ["variable", "timepoint", "trial", "arm"])
    recs = []
    for (var, tp), g in pc.groupby(["variable", "timepoint"], sort=False):
        if len(g) < min_cohorts:
            continue
        for stat, (obs, sim) in _variable(g, sims, seed).items():
            recs.append({"variable": var, "timepoint": tp, "statistic": stat,
                         "n_cohorts": len(g) if stat == "mean" else int(g["sd"].notna().sum()),
                         "matches": obs, "sim": sim})
    return recs


def _summarise(recs: list[dict], sims: int) -> pd.DataFrame:
    out = []
    for stat in STATS:
        sub = [r for r in recs if r["statistic"] == stat]
        if not sub:
            continue
        top = max(max(r["matches"] for r in sub), max(int(r["sim"].max()) for r in sub))
        observed = np.bincount([r["matches"] for r in sub], minlength=top + 1).astype(float)
        expected = sum(np.bincount(r["sim"], minlength=top + 1) for r in sub) / sims
        groups, p, _ = binned_chisq(observed, expected)
        if not groups:  # fewer than 5 variables expected in all: nothing to test
            groups = [(0, top, float(observed.sum()), float(expected.sum()))]
        for i, (a, b, _o, _e) in enumerate(groups):
            label = bin_label(a, b, i == len(groups) - 1)
            for j in range(a, b + 1):
                out.append({"statistic": stat, "matches": j, "observed": int(observed[j]),
                            "expected": float(expected[j]), "bin": label,
                            "n_variables": len(sub), "p": p, "sims": sims,
                            "method": "simulated_cohorts/bins_expected_ge_5/chi2"})
    return pd.DataFrame(out, columns=["statistic", "matches", "observed", "expected", "bin",
                                      "n_variables", "p", "sims", "method"])


def cohort_matches(table: pd.DataFrame, *, sims: int = 1000, seed: int = 1,
                   min_cohorts: int = 10) -> pd.DataFrame:
    """Identical means, SDs, or both, between cohorts of the same population in different
    trials, against the number expected if each cohort were a fresh sample.

    Every arm of every trial is a cohort. For each variable (name and timepoint) reported by
    at least ``min_cohorts`` cohorts, count the cohorts whose mean (SD, both) equals another
    cohort's. Expected: each cohort resampled ``sims`` times from one normal population (the
    modal mean and SD pair when a single pair is most frequent, else the n-weighted mean and
    SD, as reappraised's ``cohort_fn``) with the cohort's size (its largest n over the
    variables), its sample mean and SD rounded to the decimals the cohort printed, and the
    matches counted again. The table is the number of variables with 0, 1, 2, ... matching
    cohorts, observed and expected, bins merged from the left until each expects at least 5
    variables (reappraised's ``compress``), and ``p`` of Pearson's chi-squared test of the
    merged bins. The whole table should describe one population (one population per call).
    Draws come from :func:`trialkit.screen._rows.trial_rng` keyed by the variable, so any
    split of the table into partitions gives the same result.

    Parameters
    ----------
    table : DataFrame
        A rows frame.
    sims, seed : int
    min_cohorts : int
        Variables reported by fewer cohorts are left out (reappraised's ``n_vars``).

    Returns
    -------
    DataFrame
        One row per statistic (mean, sd, both) x number of matching cohorts (``matches``
        0, 1, 2, ...): ``observed`` and ``expected`` numbers of variables, ``bin`` (the
        merged bin the test used, "0-4", "5+"), ``n_variables, p, sims, method``.

    References
    ----------
    Bolland, M. J., Gamble, G. D., Avenell, A., & Grey, A. (2021). Identical summary
    statistics were uncommon in randomized trials and cohort studies. J Clin Epidemiol,
    136, 180-188.

    Examples
    --------
    >>> import pandas as pd
    >>> from trialkit.screen.across.cohorts import cohort_matches
    >>> rows = pd.DataFrame({"trial": [f"T{i}" for i in range(10)], "variable": "age",
    ...     "arm": "a", "timepoint": "", "kind": "continuous", "n": 40,
    ...     "mean": [70.1, 70.1] + [69.0 + i / 10 for i in range(8)], "sd": 5.2,
    ...     "mean_text": "", "sd_text": "", "mean_decimals": 1, "sd_decimals": 1})
    >>> res = cohort_matches(rows, sims=200)
    >>> sorted(res.statistic.unique())
    ['both', 'mean', 'sd']
    """
    return combine_cohort_matches(partial_cohort_matches(table), sims=sims, seed=seed,
                                  min_cohorts=min_cohorts)




#: :func:`cohort_matches_by_variable`'s columns
BY_VARIABLE = ["variable", "timepoint", "statistic", "n_cohorts", "matches",
               "expected_matches", "median_matches", "direction", "p", "sims", "method"]


def median_tail_p(observed: int, sim: np.ndarray) -> tuple[float, str, int]:
    """reappraised's per-variable p of ``cohort_fn``: the share of simulations at least as
    extreme as the observed number of matching cohorts, in the direction away from the
    simulations' median, the observed value included (ties count as extreme).

    The median is reappraised's: the number of matches (0, 2, 3, ...; one cohort cannot
    match alone) whose cumulative simulated count is nearest half the simulations, the
    smallest such number on a tie. Above it: ``P(X >= observed)``; below:
    ``P(X <= observed)``; at it, ``P(X >= observed)`` when ``P(X <= median) >
    P(X >= median)``, else ``P(X <= observed)``; the two are equal only when every
    simulation and the observation are 0 (a tie with the position before would otherwise
    have won), where reappraised returns NA and this returns p = 1 ("more"). A p of 0
    is given as ``1 / sims``, as reappraised prints it.

    Returns (p, direction "more" or "fewer", median number of matches).

    Examples
    --------
    >>> import numpy as np
    >>> sim = np.array([0] * 60 + [2] * 30 + [3] * 10)   # median 0 matches
    >>> median_tail_p(3, sim)
    (0.1, 'more', 0)
    >>> median_tail_p(0, sim)   # at the median: P(X <= 0) = 0.6 < P(X >= 0) = 1
    (0.6, 'fewer', 0)
    """
    sim = np.asarray(sim, np.int64)
    n = len(sim)
    pos = np.maximum(sim, 1)
    cum = np.cumsum(np.bincount(pos, minlength=2)[1:])
    med = int(np.argmin(np.abs(cum - n / 2.0))) + 1  # first position, as which.min
    below = float(cum[med - 1])  # positions 1..med
    above = float(n - (cum[med - 2] if med >= 2 else 0))  # positions med..end
    v = max(int(observed), 1)
    if v > med or (v == med and below >= above):
        p, direction = float(np.mean(sim >= observed)), "more"
    else:
        p, direction = float(np.mean(sim <= observed)), "fewer"
    return max(p, 1.0 / n), direction, 0 if med == 1 else med


def partial_cohort_matches_by_variable(rows: pd.DataFrame) -> pd.DataFrame:
    """The same pieces as :func:`partial_cohort_matches`."""
    return partial_cohort_matches(rows)


def combine_cohort_matches_by_variable(pieces: pd.DataFrame, *, sims: int = 1000,
                                       seed: int = 1, min_cohorts: int = 10) -> pd.DataFrame:
    """:func:`cohort_matches_by_variable` from the pieces of
    :func:`partial_cohort_matches` (concatenated, any split of whole trials); the
    simulations are :func:`combine_cohort_matches`'s own (same seed, same draws)."""
    out = []
    for r in _records(pieces, sims, seed, min_cohorts):
        p, direction, med = median_tail_p(r["matches"], r["sim"])
        out.append({"variable": r["variable"], "timepoint": r["timepoint"],
                    "statistic": r["statistic"], "n_cohorts": r["n_cohorts"],
                    "matches": r["matches"], "expected_matches": float(r["sim"].mean()),
                    "median_matches": med, "direction": direction, "p": p, "sims": sims,
                    "method": "simulated_cohorts/one_sided_from_median/ties_extreme"})
    return pd.DataFrame(out, columns=BY_VARIABLE)


def cohort_matches_by_variable(table: pd.DataFrame, *, sims: int = 1000, seed: int = 1,
                               min_cohorts: int = 10) -> pd.DataFrame:
    """Each variable's own Monte Carlo p for its number of cohorts with a matching mean
    (SD, both), as reappraised's ``cohort_fn`` reports them beside its binned test.

    The simulations are those of :func:`cohort_matches` (same ``sims``, ``seed`` and
    ``min_cohorts`` give the same draws). For each variable and statistic, ``matches`` is
    the observed number of cohorts whose value equals another cohort's, ``p`` the share of
    the ``sims`` simulated numbers at least as extreme, one-sided, in the direction away from
    the simulated median (:func:`median_tail_p`, reappraised's rule): ``P(X >= matches)``
    when more cohorts match than the median, ``P(X <= matches)`` when fewer; ties with the
    observed number count as extreme, ``#/sims`` (not ``(1 + #)/(1 + sims)``), and 0 is
    given as ``1 / sims``, as reappraised prints it. Small p in ``direction = "more"`` is
    the suspicious one (more identical summaries than fresh samples give); ``"fewer"``
    means fewer matches than usual. The p are not adjusted for the number of variables.

    Parameters
    ----------
    table : DataFrame
        A rows frame.
    sims, seed, min_cohorts : int
        As for :func:`cohort_matches`.

    Returns
    -------
    DataFrame
        One row per variable (name and timepoint) x statistic (mean, sd, both):
        ``variable, timepoint, statistic, n_cohorts, matches, expected_matches`` (mean
        simulated number), ``median_matches``, ``direction, p, sims, method``.

    References
    ----------
    Bolland, M. J., Gamble, G. D., Avenell, A., & Grey, A. (2021). Identical summary
    statistics were uncommon in randomized trials and cohort studies. J Clin Epidemiol,
    136, 180-188. reappraised 0.1.1 (CRAN), ``cohort_fn``, ``cohort_prob_data``.

    Examples
    --------
    >>> import pandas as pd
    >>> rows = pd.DataFrame({"trial": [f"T{i}" for i in range(10)], "variable": "age",
    ...     "arm": "a", "timepoint": "", "kind": "continuous", "n": 40,
    ...     "mean": [70.1, 70.1] + [69.0 + i / 10 for i in range(8)], "sd": 5.2,
    ...     "mean_text": "", "sd_text": "", "mean_decimals": 1, "sd_decimals": 1})
    >>> res = cohort_matches_by_variable(rows, sims=200)
    >>> res[["statistic", "matches"]].values.tolist()
    [['mean', 2], ['sd', 10], ['both', 2]]
    """
    return combine_cohort_matches_by_variable(partial_cohort_matches(table), sims=sims,
                                              seed=seed, min_cohorts=min_cohorts)
