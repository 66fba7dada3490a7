"""Baseline p values of every trial x variable, from the summary rows, vectorized across trials.

Continuous variables: Student's t test (2 arms) or one-way ANOVA (3+ arms) from the arms'
n, mean and SD, as Carlisle (2017) and reappraised's ``pval_cont_fn`` compute them, with the
range the p can take over the box of means and SDs that round to the printed ones.
Categorical variables: Pearson's chi-squared test of the arms x (in category, not) table
(no continuity correction), or Fisher's exact test for two arms when an expected count is
below 5 (reappraised's ``chi_fish`` rule); with ``sims > 0``, ``p_carlisle`` is simdistr's
Monte Carlo mid-p (:mod:`trialkit.screen.categorical_p`), which is below 1 for identical
proportions.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from trialkit.screen.across._common import KEYS, column_decimals, require, sort_keys
from trialkit.screen.categorical_p import check_categorical_option

__all__ = ["baseline_p", "combine_baseline_p", "partial_baseline_p"]

COLUMNS = ["trial", "variable", "timepoint", "kind", "k_arms", "p", "p_low", "p_high",
           "p_carlisle", "reported_p", "method"]
NEEDED = ("trial", "variable", "arm", "timepoint", "kind", "n", "mean", "sd", "mean_text",
          "sd_text", "mean_decimals", "sd_decimals", "count", "percent", "reported_p")


def anova_p(ssb: np.ndarray, ssw: np.ndarray, k: np.ndarray, n_total: np.ndarray) -> np.ndarray:
    """p of the one-way ANOVA F = (SSB / (k - 1)) / (SSW / (N - k)); for two arms this is
    Student's pooled t test (F = t^2). NaN where F is undefined (no within-arm spread)."""
    from scipy import special

    with np.errstate(all="ignore"):
        f = (ssb / (k - 1)) / (ssw / (n_total - k))
        p = special.fdtrc(k - 1, n_total - k, f)
    ok = np.isfinite(f) | ((f == np.inf) & (ssw == 0) & (ssb > 0))
    return np.where(ok & (n_total > k) & (k >= 2), np.where(np.isinf(f), 0.0, p), np.nan)


def _group_index(rows: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Rows sorted by trial, variable, timepoint (then arm); start offsets and sizes of each
    variable's block of arms."""
    s = sort_keys(rows, [*KEYS, "arm"])
    key = s["trial"].astype(str) + "\x1f" + s["variable"].astype(str) + "\x1f" + \
        s["timepoint"].astype(str)
    codes = key.to_numpy()
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]]) if len(s) else \
        np.array([], int)
    sizes = np.diff(np.r_[starts, len(s)])
    return s, starts, sizes


def _continuous(rows: pd.DataFrame, sims: int = 0, seed: int = 1) -> pd.DataFrame:
    s, starts, sizes = _group_index(rows)
    if not len(s):
        return pd.DataFrame(columns=COLUMNS)
    n = s["n"].to_numpy(float)
    m = s["mean"].to_numpy(float)
    sd = s["sd"].to_numpy(float)
    dm, inf_m = column_decimals(s, "mean")
    ds, inf_s = column_decimals(s, "sd")
    # one decimals per variable and statistic: the most shown by any arm (reappraised)
    dm = np.maximum.reduceat(dm, starts)
    ds = np.maximum.reduceat(ds, starts)
    hm = np.where(dm >= 0, 0.5 * 10.0 ** -dm.astype(float), 0.0)
    hs = np.where(ds >= 0, 0.5 * 10.0 ** -ds.astype(float), 0.0)
    g = np.repeat(np.arange(len(starts)), sizes)
    k = sizes.astype(float)
    big_n = np.add.reduceat(n, starts)
    grand = np.add.reduceat(n * m, starts) / big_n
    ssb = np.add.reduceat(n * (m - grand[g]) ** 2, starts)
    ssw = np.add.reduceat((n - 1) * sd**2, starts)
    p = anova_p(ssb, ssw, k, big_n)
    s_lo = np.maximum(sd - hs[g], 0.0)
    s_hi = sd + hs[g]
    ssw_lo = np.add.reduceat((n - 1) * s_lo**2, starts)
    ssw_hi = np.add.reduceat((n - 1) * s_hi**2, starts)
    p_low = np.full(len(starts), np.nan)
    p_high = np.full(len(starts), np.nan)
    two = sizes == 2
    if two.any():
        i0 = starts[two]
        i1 = i0 + 1
        gap = np.abs(m[i0] - m[i1])
        w = hm[two] * 2  # each mean moves by up to half a unit of its last decimal
        h = n[i0] * n[i1] / (n[i0] + n[i1])
        p_low[two] = anova_p(h * (gap + w) ** 2, ssw_lo[two], k[two], big_n[two])
        p_high[two] = anova_p(h * np.maximum(gap - w, 0.0) ** 2, ssw_hi[two], k[two],
                              big_n[two])
    for j in np.flatnonzero(sizes >= 3):
        p_low[j], p_high[j] = _box_many(m[starts[j]:starts[j] + sizes[j]],
                                        n[starts[j]:starts[j] + sizes[j]], hm[j],
                                        ssw_lo[j], ssw_hi[j])
    inferred = np.logical_or.reduceat(inf_m | inf_s, starts)
    base = np.where(sizes == 2, "student_t/summary", "anova/summary")
    box = np.where(inferred, "/rounding_box(decimals_from_numbers)", "/rounding_box")
    method = np.char.add(base.astype(str), box.astype(str)).astype(object)
    method[~np.isfinite(p)] = np.where(
        (big_n <= k)[~np.isfinite(p)], "cannot_check/too_few_patients",
        "cannot_check/no_within_arm_spread_or_missing_numbers")
    frame = _frame(s, starts, sizes, "continuous", p, p_low, p_high, method)
    if sims > 0:
        from trialkit.screen.across.carlisle import carlisle_p

        trials = s["trial"].astype(str).to_numpy()[starts]
        frame["p_carlisle"] = carlisle_p(trials, n, m, sd, np.maximum(dm, 0), starts, sizes,
                                         sims, seed)
    return frame


def _box_many(m: np.ndarray, n: np.ndarray, h: float, ssw_lo: float,
              ssw_hi: float) -> tuple[float, float]:
    """p_low / p_high for 3+ arms: the between-arm sum of squares is convex in the means, so
    its maximum over the box is at a corner; its minimum has every mean clamped to a common
    value c (the box is a product of intervals), found on a fine grid then refined."""
    from scipy.optimize import minimize_scalar

    big_n = n.sum()
    k = float(len(m))

    def ssb(x: np.ndarray) -> np.ndarray:
        g = (x * n).sum(axis=-1, keepdims=True) / big_n
        return (n * (x - g) ** 2).sum(axis=-1)

    import itertools
    corners = np.array(list(itertools.product(*[(a - h, a + h) for a in m])))
    ssb_max = float(ssb(corners).max())
    lo, hi = m - h, m + h
    if lo.max() <= hi.min():
        ssb_min = 0.0
    else:
        res = minimize_scalar(lambda c: float(ssb(np.clip(c, lo, hi))),
                              bounds=(hi.min(), lo.max()), method="bounded",
                              options={"xatol": 1e-12 * max(1.0, abs(lo.max()))})
        ssb_min = float(ssb(np.clip(res.x, lo, hi)))
    p_low = anova_p(np.array([ssb_max]), np.array([ssw_lo]), np.array([k]),
                    np.array([big_n]))[0]
    p_high = anova_p(np.array([ssb_min]), np.array([ssw_hi]), np.array([k]),
                     np.array([big_n]))[0]
    return float(p_low), float(p_high)


def _counts(s: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    count = s["count"].to_numpy(float)
    pct = s["percent"].to_numpy(float)
    n = s["n"].to_numpy(float)
    from_pct = ~np.isfinite(count) & np.isfinite(pct)
    count = np.where(from_pct, np.round(pct * n / 100.0), count)
    return count, from_pct


def _categorical(rows: pd.DataFrame, sims: int = 0, seed: int = 1,
                 categorical: str = "simdistr") -> pd.DataFrame:
    from scipy import special

    s, starts, sizes = _group_index(rows)
    if not len(s):
        return pd.DataFrame(columns=COLUMNS)
    n = s["n"].to_numpy(float)
    c, from_pct = _counts(s)
    g = np.repeat(np.arange(len(starts)), sizes)
    big_n = np.add.reduceat(n, starts)
    yes = np.add.reduceat(c, starts)
    no = big_n - yes
    e_yes = n * (yes / big_n)[g]
    e_no = n * (no / big_n)[g]
    with np.errstate(all="ignore"):
        x2 = np.add.reduceat((c - e_yes) ** 2 / e_yes + ((n - c) - e_no) ** 2 / e_no, starts)
        p = special.chdtrc(sizes - 1.0, x2)
    ok = (yes > 0) & (no > 0) & np.isfinite(x2)
    p = np.where(ok, p, np.nan)
    small = np.minimum.reduceat(np.minimum(e_yes, e_no), starts) < 5
    method = np.where(ok, "chi2_pearson/counts", "cannot_check/no_one_or_everyone_in_category")
    method = method.astype(object)
    for j in np.flatnonzero(ok & small & (sizes == 2)):
        a, b = int(c[starts[j]]), int(c[starts[j] + 1])
        n1, n2 = int(n[starts[j]]), int(n[starts[j] + 1])
        p[j] = fisher_2x2(a, n1 - a, b, n2 - b)
        method[j] = "fisher_exact/counts"
    pct = np.logical_or.reduceat(from_pct, starts)
    method = np.where(pct, method + "(from_percent)", method)
    frame = _frame(s, starts, sizes, "categorical", p, p, p, method)
    if sims > 0 and categorical != "exact":
        from trialkit.screen.categorical_p import categorical_frame_p

        ties = "simdistr" if categorical == "simdistr_r" else "exact"
        frame["p_carlisle"], frame["method"] = categorical_frame_p(s, starts, sizes, frame,
                                                                   sims, seed, ties)
    return frame


def fisher_2x2(a: int, b: int, c: int, d: int) -> float:
    """Two-sided Fisher exact p of [[a, b], [c, d]]: the sum of the hypergeometric
    probabilities no greater than the observed table's (relative tolerance 1e-7, as R's
    ``fisher.test``).

    Not ``scipy.stats.fisher_exact``, which counts a table as no more probable than the
    observed one within 1e-14 (and finds the tables by bisection): the R packages these
    screens are checked against (simdistr, reappraised) call ``fisher.test``, and where two
    tables' probabilities differ by rounding error only, the two tolerances can disagree.
    """
    from scipy import stats

    row1, col1, total = a + b, a + c, a + b + c + d
    lo, hi = max(0, row1 + col1 - total), min(row1, col1)
    support = np.arange(lo, hi + 1)
    pmf = stats.hypergeom.pmf(support, total, col1, row1)
    obs = stats.hypergeom.pmf(a, total, col1, row1)
    return float(min(1.0, pmf[pmf <= obs * (1 + 1e-7)].sum()))


def _frame(s: pd.DataFrame, starts: np.ndarray, sizes: np.ndarray, kind: str, p: np.ndarray,
           p_low: np.ndarray, p_high: np.ndarray, method: np.ndarray) -> pd.DataFrame:
    rep = s["reported_p"].to_numpy(float)
    rep = np.where(np.isfinite(rep), rep, -np.inf)
    reported = np.maximum.reduceat(rep, starts)
    first = s.iloc[starts]
    return pd.DataFrame({
        "trial": first["trial"].to_numpy(), "variable": first["variable"].to_numpy(),
        "timepoint": first["timepoint"].to_numpy(), "kind": kind,
        "k_arms": sizes.astype(np.int64), "p": p, "p_low": p_low, "p_high": p_high,
        "p_carlisle": np.nan,
        "reported_p": np.where(np.isinf(reported), np.nan, reported),
        "method": np.asarray(method, dtype=object)}, columns=COLUMNS)


def partial_baseline_p(rows: pd.DataFrame, *, sims: int = 0, seed: int = 1,
                       categorical: str = "simdistr") -> pd.DataFrame:
    """The piece of :func:`baseline_p` one partition of whole trials gives (its variables'
    rows, unsorted); :func:`combine_baseline_p` joins pieces."""
    require(rows, NEEDED, "baseline_p")
    kinds = rows["kind"].astype(str)
    bad = ~kinds.isin(["continuous", "categorical"])
    if bad.any():
        from trialkit.errors import TrialDataError
        r = rows[bad].iloc[0]
        raise TrialDataError(f"{r.get('file', '')}: row {r.get('row', '?')}: field 'kind' is "
                             f"{r['kind']!r}; expected 'continuous' or 'categorical'")
    check_categorical_option(categorical)
    parts = [_continuous(rows[kinds == "continuous"], sims, seed),
             _categorical(rows[kinds == "categorical"], sims, seed, categorical)]
    parts = [x for x in parts if len(x)]
    if not parts:
        return pd.DataFrame(columns=COLUMNS)
    return pd.concat(parts, ignore_index=True)


def combine_baseline_p(pieces: pd.DataFrame) -> pd.DataFrame:
    """Join pieces of :func:`partial_baseline_p` (concatenated) into :func:`baseline_p`'s
    frame: sorted by trial, variable, timepoint.

    Examples
    --------
    >>> import pandas as pd
    >>> from trialkit.screen import example_rows
    >>> rows = example_rows()
    >>> from trialkit.screen.baseline import combine_baseline_p, partial_baseline_p, baseline_p
    >>> a = partial_baseline_p(rows[rows.trial == "T1"])
    >>> b = partial_baseline_p(rows[rows.trial == "T2"])
    >>> whole = baseline_p(rows)
    >>> whole.equals(combine_baseline_p(pd.concat([b, a], ignore_index=True)))
    True
    """
    return sort_keys(pieces, KEYS)[COLUMNS]


def baseline_p(rows: pd.DataFrame, *, sims: int = 0, seed: int = 1,
               categorical: str = "simdistr") -> pd.DataFrame:
    """The baseline p value of each trial x variable x timepoint, from its arms' summary rows.

    Continuous variables: one-way ANOVA of the arms' means, ``F = [sum n_i (m_i - m)^2 /
    (k - 1)] / [sum (n_i - 1) s_i^2 / (N - k)]`` on (k - 1, N - k) df, which for two arms is
    Student's pooled t test (F = t^2), as Carlisle (2017) and reappraised's
    ``pval_cont_fn`` compute them. ``p_low`` and ``p_high`` are the least and greatest p
    over the box of means and SDs that round to the printed ones (half a unit of the last
    decimal either way; decimals per variable are the most any arm shows, as reappraised
    assumes, because a stored number loses its trailing zeros): the least has the means as
    far apart and the SDs as small as the box allows, the greatest the means as close and
    the SDs as large (the same box as :func:`trialkit.checks.baseline_balance`).

    Categorical variables (one row per arm with ``count`` in the category out of ``n``, or
    ``percent``, then ``count = round(percent n / 100)``): Pearson's chi-squared test of the
    k x 2 table without continuity correction, or Fisher's exact test when the trial has two
    arms and an expected count is below 5 (reappraised's ``chi_fish`` rule). Counts are exact,
    so ``p_low = p_high = p``. A variable where nobody (or everybody) is in the category
    cannot be tested: p is NaN and ``method`` says why. These closed-form p values are
    exactly 1 when every arm has the same proportion, and are not uniform under
    randomisation (Bolland et al. 2019), so with ``sims > 0`` and ``categorical =
    "simdistr"`` (the default) ``p_carlisle`` of a categorical variable is the Monte Carlo
    p of simdistr's ``sim_distr`` (Carlisle & Loadsman 2017's method applied to
    proportions; :func:`trialkit.screen.categorical_p.simdistr_categorical_p`): the spread
    ``sum (p_i - P)^2`` of the printed proportions about their n-weighted mean P against
    ``sims`` simulations of binomial arms from one population (proportion itself drawn
    from Binomial(N, P) / N), each rounded to the decimals its percentage was printed
    with, ties counted half (the Monte Carlo mid-p of Carlisle & Loadsman 2017's appendix
    code, as for continuous variables): ``p = 1 - [P(D* < D) + P(D* <= D)] / 2``, which
    for identical proportions is ``1 - P(D* = 0) / 2 < 1`` (a conditional mid-p, as in
    reappraised's default ``chi_midp``, does not help there: for two equal arms with equal
    counts the hypergeometric is symmetric about the observed count and its two-sided
    mid-p is exactly 1), so the
    variable enters Carlisle's combination (:func:`trialkit.screen.combine_trials`)
    instead of being left out for a p of 1. Its draws come from ``trial_rng(seed, trial,
    "baseline_p", "categorical", variable + timepoint)``. ``method`` then ends in
    ``+p_carlisle:simdistr_monte_carlo_midp``.

    Parameters
    ----------
    rows : DataFrame
        A rows frame (:data:`trialkit.screen._rows.ROWS_COLUMNS`).
    sims, seed : int
        With ``sims > 0``, ``p_carlisle`` is Carlisle's Monte Carlo ANOVA p of each
        continuous variable (Carlisle & Loadsman 2017; reappraised's ``anova_fn``): the
        sum of squared differences of the printed means from their n-weighted mean, against
        ``sims`` simulations of arms drawn from one population and rounded to the printed
        decimals, ties counted half (``1 - [P(D* < D) + P(D* <= D)] / 2``). Draws come from
        :func:`trialkit.screen._rows.trial_rng` per trial. NaN when ``sims = 0``.
        Categorical variables: see above.
    categorical : {"simdistr", "simdistr_r", "exact"}, default "simdistr"
        ``"simdistr_r"`` counts ties as simdistr's R code does, by floating-point ``<`` and
        ``<=`` of the statistic (some exact ties then count as below or above; only to
        reproduce simdistr's numbers). ``"exact"`` leaves ``p_carlisle`` of categorical
        variables NaN (only the chi-squared / Fisher p, the behaviour before simdistr's p
        was added).

    Returns
    -------
    DataFrame
        ``trial, variable, timepoint, kind, k_arms, p, p_low, p_high, p_carlisle,
        reported_p, method``, one row per trial x variable x timepoint, sorted by them.

    References
    ----------
    Carlisle, J. B., & Loadsman, J. A. (2017). Evidence for non-random sampling in
    randomised, controlled trials by Yuhji Saitoh. Anaesthesia, 72, 17-27.
    Carlisle, J. B. (2017). Data fabrication and other reasons for non-random sampling in
    5087 randomised, controlled trials in anaesthetic and general medical journals.
    Anaesthesia, 72, 944-952. Bolland, M. J., et al. (2019). Baseline P value distributions
    in randomized trials were uniform for continuous but not categorical variables. J Clin
    Epidemiol, 112, 67-76 (reappraised's ``pval_cont_fn``, ``pval_cat_fn``).
    Sousa-Pinto, B., et al. simdistr 1.0.1 (CRAN), ``sim_distr``.

    Examples
    --------
    >>> import pandas as pd
    >>> from trialkit.screen.baseline import baseline_p
    >>> rows = pd.DataFrame({"trial": "T", "variable": "age", "arm": ["a", "b"],
    ...     "timepoint": "", "kind": "continuous", "n": [54, 54], "mean": [65.6, 66.3],
    ...     "sd": [7.3, 6.0], "mean_text": "", "sd_text": "", "mean_decimals": -1,
    ...     "sd_decimals": -1, "count": float("nan"), "percent": float("nan"),
    ...     "reported_p": float("nan"), "file": "", "row": [1, 2]})
    >>> round(float(baseline_p(rows).p.iloc[0]), 3)
    0.587
    """
    return combine_baseline_p(partial_baseline_p(rows, sims=sims, seed=seed,
                                                 categorical=categorical))


