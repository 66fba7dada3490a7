"""Categorical variables and group sizes against the binomial distributions randomisation
gives them (Bolland et al. 2016, 2021, 2023; reappraised's ``cat_all_fn`` and ``sr_fn``)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from trialkit.screen.across._common import bin_label, binned_chisq, require, sort_keys

__all__ = ["categorical", "combine_categorical", "combine_group_sizes", "group_sizes",
           "partial_categorical", "partial_group_sizes"]

NEEDED = ("trial", "variable", "arm", "timepoint", "kind", "n", "count", "percent")
COLUMNS = ["measure", "value", "observed", "expected", "bin", "n_variables", "n_trials", "p",
           "method"]
#: Two-arm trials whose arm sizes differ by more than this ratio are left out of the
#: differences (reappraised's ``del.disparate``: N1/N2 outside 0.8-1.2).
DISPARATE = (0.8, 1.2)


def _add(acc: np.ndarray, pmf: np.ndarray) -> np.ndarray:
    if len(pmf) > len(acc):
        acc = np.r_[acc, np.zeros(len(pmf) - len(acc))]
    acc[:len(pmf)] += pmf
    return acc


def _hist(values: list[int]) -> np.ndarray:
    return np.bincount(np.asarray(values, np.int64), minlength=1).astype(float) if values \
        else np.zeros(1)


def partial_categorical(rows: pd.DataFrame) -> pd.DataFrame:
    """Per trial: observed counts and differences, their expected binomial distributions
    (as tuples), and how many variables; :func:`combine_categorical` adds trials up."""
    from scipy import stats

    from trialkit.screen.baseline import _counts, _group_index

    require(rows, NEEDED, "categorical")
    s, starts, sizes = _group_index(rows[rows["kind"].astype(str) == "categorical"])
    cols = ["trial", "k", "k_diff", "obs_count", "exp_count", "obs_diff", "exp_diff"]
    if not len(s):
        return pd.DataFrame(columns=cols)
    count, _ = _counts(s)
    n = s["n"].to_numpy(np.int64)
    ok = np.logical_and.reduceat(np.isfinite(count), starts) & (
        np.add.reduceat(n, starts) > 0)
    g = np.repeat(np.arange(len(starts)), sizes)
    with np.errstate(all="ignore"):
        p = (np.add.reduceat(np.nan_to_num(count), starts) / np.add.reduceat(n, starts))[g]
    trials = s["trial"].astype(str).to_numpy()[starts]
    t_starts = np.flatnonzero(np.r_[True, trials[1:] != trials[:-1]])
    t_ends = np.r_[t_starts[1:], len(starts)]
    out = []
    for v0, v1 in zip(t_starts, t_ends, strict=True):
        keep = np.flatnonzero(ok[v0:v1]) + v0
        rws = np.concatenate([np.arange(starts[v], starts[v] + sizes[v]) for v in keep]) \
            if len(keep) else np.array([], np.int64)
        obs_d, exp_d, kd = [], np.zeros(1), 0
        if len(rws):
            grid = np.arange(int(n[rws].max()) + 1)
            pmf = stats.binom.pmf(grid[None, :], n[rws][:, None], p[rws][:, None])
            exp_c = pmf.sum(axis=0)
            at = {r: i for i, r in enumerate(rws.tolist())}
            for v in keep[sizes[keep] == 2]:
                a, b = starts[v], starts[v] + 1
                if not DISPARATE[0] <= n[a] / n[b] <= DISPARATE[1]:
                    continue
                pa, pb = pmf[at[a], :n[a] + 1], pmf[at[b], :n[b] + 1]
                diff = np.convolve(pa, pb[::-1])  # X1 - X2 from -n2 to n1
                folded = np.zeros(max(n[a], n[b]) + 1)
                folded[:n[a] + 1] += diff[n[b]:]
                folded[1:n[b] + 1] += diff[:n[b]][::-1]
                exp_d = _add(exp_d, folded)
                obs_d.append(abs(int(count[a]) - int(count[b])))
                kd += 1
            obs_c = _hist(count[rws].astype(np.int64).tolist())
        else:
            exp_c, obs_c = np.zeros(1), np.zeros(1)
        out.append({"trial": str(trials[v0]), "k": len(keep), "k_diff": kd,
                    "obs_count": tuple(obs_c.tolist()), "exp_count": tuple(exp_c.tolist()),
                    "obs_diff": tuple(_hist(obs_d).tolist()), "exp_diff": tuple(exp_d.tolist())})
    return pd.DataFrame(out, columns=cols)


def _sum(series: pd.Series) -> np.ndarray:
    acc = np.zeros(1)
    for t in series:
        acc = _add(acc, np.asarray(t, float))
    return acc


def _table(measure: str, obs: np.ndarray, exp: np.ndarray, n_var: int, n_trials: int,
           method: str) -> list[dict]:
    m = max(len(obs), len(exp))
    obs, exp = np.r_[obs, np.zeros(m - len(obs))], np.r_[exp, np.zeros(m - len(exp))]
    groups, p, _ = binned_chisq(obs, exp)
    if not groups:  # fewer than 5 expected in all: nothing to test
        groups = [(0, m - 1, float(obs.sum()), float(exp.sum()))]
    recs = []
    for i, (a, b, _o, _e) in enumerate(groups):
        label = bin_label(a, b, i == len(groups) - 1)
        for j in range(a, b + 1):
            recs.append({"measure": measure, "value": j, "observed": int(obs[j]),
                         "expected": float(exp[j]), "bin": label, "n_variables": n_var,
                         "n_trials": n_trials, "p": p, "method": method})
    return recs


def combine_categorical(pieces: pd.DataFrame) -> pd.DataFrame:
    """Add up pieces of :func:`partial_categorical` into :func:`categorical`'s frame.

    Examples
    --------
    >>> import pandas as pd
    >>> rows = pd.DataFrame({"trial": ["T1", "T1", "T2", "T2"], "variable": "male",
    ...     "arm": ["a", "b", "a", "b"], "timepoint": "", "kind": "categorical",
    ...     "n": 20, "count": [10.0, 11.0, 4.0, 9.0], "percent": float("nan")})
    >>> import trialkit.screen.across as A
    >>> a = A.partial_categorical(rows[rows.trial == "T1"])
    >>> b = A.partial_categorical(rows[rows.trial == "T2"])
    >>> whole = A.categorical(rows)
    >>> whole.equals(A.combine_categorical(pd.concat([b, a], ignore_index=True)))
    True
    """
    pc = sort_keys(pieces, ["trial"])
    recs = _table("count", _sum(pc["obs_count"]), _sum(pc["exp_count"]), int(pc["k"].sum()),
                  int((pc["k"] > 0).sum()), "binomial_pooled_p/bins_expected_ge_5/chi2")
    recs += _table("difference", _sum(pc["obs_diff"]), _sum(pc["exp_diff"]),
                   int(pc["k_diff"].sum()), int((pc["k_diff"] > 0).sum()),
                   "binomial_pooled_p_difference/bins_expected_ge_5/chi2")
    return pd.DataFrame(recs, columns=COLUMNS)


def categorical(table: pd.DataFrame) -> pd.DataFrame:
    """Counts of baseline categorical variables against the binomial distribution that
    randomisation gives them.

    Under randomisation each arm's count in a category is Binomial(n_arm, p), with p the
    variable's pooled proportion over its arms. Two comparisons, summed over all variables
    and trials (reappraised's ``cat_all_fn`` with ``binom = "yes"``): ``count``, the number
    of patients in the category per arm against the sum of the binomial distributions; and
    ``difference``, in two-arm trials whose arm sizes are within a ratio of 0.8-1.2, the
    absolute difference between the arms' counts against the distribution of ``|X1 - X2|``.
    Trials with integrity problems show too many small differences (Bolland et al. 2023).
    Bins are merged from the left until each expects at least 5 (10, 15, ... if 22 or more
    bins remain; reappraised's ``compress``), and ``p`` is Pearson's chi-squared test of the
    merged bins. Each row of a categorical variable is one level (``count`` of ``n``); give
    one level of a two-level variable, as both carry the same information.

    Parameters
    ----------
    table : DataFrame
        A rows frame.

    Returns
    -------
    DataFrame
        ``measure`` (count, difference), ``value`` (0, 1, 2, ...), ``observed, expected,
        bin, n_variables, n_trials, p, method``.

    References
    ----------
    Bolland, M. J., Gamble, G. D., Avenell, A., Cooper, D. J., & Grey, A. (2023).
    Distributions of baseline categorical variables were different from the expected
    distributions in randomized trials with integrity concerns. J Clin Epidemiol, 154,
    117-124.

    Examples
    --------
    >>> import pandas as pd
    >>> from trialkit.screen.across.categorical import categorical
    >>> rows = pd.DataFrame({"trial": ["T1", "T1", "T2", "T2"], "variable": "male",
    ...     "arm": ["a", "b", "a", "b"], "timepoint": "", "kind": "categorical",
    ...     "n": 20, "count": [10.0, 11.0, 4.0, 9.0], "percent": float("nan")})
    >>> res = categorical(rows)
    >>> int(res[res.measure == "count"].observed.sum())
    4
    """
    return combine_categorical(partial_categorical(table))


def partial_group_sizes(rows: pd.DataFrame) -> pd.DataFrame:
    """Per two-arm trial: its arm sizes (each arm's largest n over its rows)."""
    require(rows, ("trial", "arm", "n"), "group_sizes")
    sizes = rows.groupby(["trial", "arm"], sort=True)["n"].max().reset_index()
    two = sizes[sizes.groupby("trial", sort=True)["n"].transform("size").to_numpy() == 2]
    if not len(two):
        return pd.DataFrame([], columns=["trial", "n1", "n2"])
    n = two["n"].to_numpy().astype(np.int64)
    return pd.DataFrame({"trial": [str(t) for t in two["trial"].to_numpy()[0::2]],
                         "n1": n[0::2], "n2": n[1::2]}, columns=["trial", "n1", "n2"])


def simple_randomisation_pmf(total: int) -> np.ndarray:
    """Distribution of ``|n1 - n2|`` when each of ``total`` patients is allocated by a fair
    coin: ``|2X - total|`` with X ~ Binomial(total, 1/2)."""
    from scipy import stats

    x = np.arange(total + 1)
    pmf = stats.binom.pmf(x, total, 0.5)
    out = np.zeros(total + 1)
    np.add.at(out, np.abs(2 * x - total), pmf)
    return out


def combine_group_sizes(pieces: pd.DataFrame) -> pd.DataFrame:
    """Add up pieces of :func:`partial_group_sizes` into :func:`group_sizes`' frame."""
    pc = sort_keys(pieces, ["trial"])
    exp = np.zeros(1)
    pmfs: dict[int, np.ndarray] = {}  # one pmf per total (many trials share one)
    for a, b in zip(pc["n1"], pc["n2"], strict=True):
        total = int(a) + int(b)
        if total not in pmfs:
            pmfs[total] = simple_randomisation_pmf(total)
        exp = _add(exp, pmfs[total])
    obs = _hist([abs(int(a) - int(b)) for a, b in zip(pc["n1"], pc["n2"], strict=True)])
    return pd.DataFrame(_table("difference", obs, exp, len(pc), len(pc),
                               "simple_randomisation/bins_expected_ge_5/chi2"),
                        columns=COLUMNS)


def group_sizes(table: pd.DataFrame) -> pd.DataFrame:
    """Differences between the arm sizes of two-arm trials against simple randomisation.

    If every patient is allocated by a fair coin, ``|n1 - n2|`` is distributed as
    ``|2X - N|`` with X ~ Binomial(N, 1/2); summed over trials this is the expected number
    of trials with each difference (reappraised's ``sr_fn``; Bolland et al. 2016). Bins are
    merged as in :func:`categorical` and tested with Pearson's chi-squared test. Block or
    stratified randomisation makes equal arms far more likely, so a small p means "too
    balanced for simple randomisation": check what randomisation the trials report. Each
    arm's size is its largest ``n`` over the trial's rows (the randomised number, when some
    variables were measured on fewer patients).

    Parameters
    ----------
    table : DataFrame
        A rows frame.

    Returns
    -------
    DataFrame
        ``measure`` ("difference"), ``value, observed, expected, bin, n_variables`` (trials),
        ``n_trials, p, method``.

    References
    ----------
    Bolland, M. J., Avenell, A., Gamble, G. D., & Grey, A. (2016). Systematic review and
    statistical analysis of the integrity of 33 randomized controlled trials. Neurology, 87,
    2391-2402.

    Examples
    --------
    >>> import pandas as pd
    >>> from trialkit.screen.across.categorical import simple_randomisation_pmf
    >>> [round(float(x), 4) for x in simple_randomisation_pmf(4)]
    [0.375, 0.0, 0.5, 0.0, 0.125]
    """
    return combine_group_sizes(partial_group_sizes(table))
