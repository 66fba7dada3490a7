"""Standardized mean differences between two independent groups (Cohen's d, Hedges' g,
Glass's delta, Bonett's heteroscedastic d)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from trialkit.effects import _hedges_j, _intervals, _results, _validate
from trialkit.effects._validate import ArrayLike

__all__ = ["smd"]

_KINDS = ("hedges", "cohen", "glass", "bonett")
_CIS = ("nct", "normal")
_VTYPES = ("LS", "UB")

#: |d| above which the inputs are suspicious (SEs typed in as SDs give huge d).
LARGE_D = 5.0


def _warn_large(estimate: np.ndarray, top: float | None = None,
                bottom: float | None = None) -> None:
    """Warn about |estimate| > LARGE_D; ``top``, ``bottom``: max and min of ``estimate`` with
    ``initial=0.0``, when the caller has them."""
    if top is None or bottom is None:
        top, bottom = np.max(estimate, initial=0.0), np.min(estimate, initial=0.0)
    if not (top > LARGE_D or bottom < -LARGE_D):
        return  # the common case, without allocating |estimate|
    big = np.flatnonzero(np.abs(estimate) > LARGE_D)
    if big.size:
        rows = ", ".join(str(i) for i in big[:5]) + (" ..." if big.size > 5 else "")
        warnings.warn(
            f"|standardized difference| > {LARGE_D:g} at row(s) {rows} (largest "
            f"{np.max(np.abs(estimate[big])):.3g}): such effects are implausible in trials; "
            "check that standard errors were not entered as standard deviations",
            UserWarning,
            stacklevel=4,
        )


def smd(
    m1: ArrayLike,
    sd1: ArrayLike,
    n1: ArrayLike,
    m2: ArrayLike,
    sd2: ArrayLike,
    n2: ArrayLike,
    kind: str = "hedges",
    ci: str = "nct",
    vtype: str = "LS",
    level: float = 0.95,
    *,
    engine: str = "numpy",
) -> pd.DataFrame:
    """Standardized mean difference between two independent groups, ``(m1 - m2) / SD``.

    Four standardizers are available:

    ``"cohen"``
        Cohen's d with the pooled SD, ``sp = sqrt(((n1-1) sd1^2 + (n2-1) sd2^2) / df)``,
        ``df = n1 + n2 - 2``.
    ``"hedges"`` (default)
        Hedges' g = J(df) * d with the exact correction
        ``J(df) = Gamma(df/2) / (sqrt(df/2) Gamma((df-1)/2))`` (Hedges 1981, eq. 6c); this is
        metafor's ``measure="SMD"``.
    ``"glass"``
        Glass's delta, standardized by the SD of group 2 (the control arm); uncorrected.
    ``"bonett"``
        Heteroscedastic d standardized by ``sqrt((sd1^2 + sd2^2) / 2)`` with Bonett's (2008)
        variance; like metafor's ``measure="SMDH"`` the estimate is multiplied by
        J(n1 + n2 - 2) and the variance by J^2.

    Parameters
    ----------
    m1, sd1, n1 : array_like
        Mean, SD and size of group 1 (intervention).
    m2, sd2, n2 : array_like
        Mean, SD and size of group 2 (control; Glass's delta uses ``sd2``).
    kind : {"hedges", "cohen", "glass", "bonett"}, default "hedges"
        Which standardizer (see above).
    ci : {"nct", "normal"}, default "nct"
        ``"nct"`` inverts the noncentral t distribution (Steiger & Fouladi 1997), exact under
        normality with equal variances for cohen/hedges; for glass the noncentrality is
        scaled by ``sqrt(1/n2 + sd1^2 / (sd2^2 n1))`` with ``df = n2 - 1`` (Algina, Keselman &
        Penfield 2006), as R's effectsize does. Hedges' g limits are J times the d limits.
        Bonett's d has no noncentral-t interval: with ``ci="nct"`` it falls back to the
        normal interval with a UserWarning, recorded in ``method``. ``"normal"`` is
        ``estimate +/- z * se``.
    vtype : {"LS", "UB"}, default "LS"
        Sampling variance: ``"LS"`` large-sample ``1/n1 + 1/n2 + d^2 / (2 (n1 + n2))``
        (metafor's default; for glass ``1/n2 + sd1^2/(sd2^2 n1) + d^2/(2 (n2 - 1))``); ``"UB"``
        the unbiased estimate (Hedges 1983; metafor ``vtype="UB"``), available for cohen and
        hedges only.
    level : float, default 0.95
        Confidence level.
    engine : {"numpy", "numba"}, default "numpy"
        ``"numba"`` computes ``kind="cohen"`` or ``"hedges"`` with ``ci="normal"`` and
        ``vtype="LS"`` in one compiled loop over the rows, checking the inputs in the same
        loop (the optional extra ``trialkit[fast]``, as pandas' ``engine="numba"``): the
        same numbers to the last bit, for tables of many rows (100,000 rows in about half
        the numpy engine's time, after the first call of a process compiles the loop or
        loads it from numba's cache). Other kinds, intervals or variances raise.

    Returns
    -------
    pandas.DataFrame
        ``estimate, se, var, ci_low, ci_high, df, method``; ``df`` is the degrees of freedom
        of the standardizer (n1 + n2 - 2, or n2 - 1 for glass). Method strings look like
        ``"hedges_g/exact_J/nct_ci/var=LS"`` (a ``method`` that is the same for every row is a
        one-category Categorical of that string, at every size).

    Warns
    -----
    UserWarning
        When |estimate| > 5 (standard errors entered as SDs?), or when the noncentral-t
        interval is unavailable and the normal one is used.

    References
    ----------
    Hedges, L. V. (1981). Distribution theory for Glass's estimator of effect size and related
    estimators. Journal of Educational Statistics, 6, 107-128 (eq. 6c: exact J).

    Hedges, L. V. (1983). A random effects model for effect sizes. Psychological Bulletin, 93,
    388-395 (unbiased variance estimate).

    Hedges, L. V., & Olkin, I. (1985). Statistical Methods for Meta-Analysis, ch. 5, eq. 8
    (large-sample variance).

    Steiger, J. H., & Fouladi, R. T. (1997). Noncentrality interval estimation and the
    evaluation of statistical models. In What If There Were No Significance Tests? (ch. 9).

    Algina, J., Keselman, H. J., & Penfield, R. D. (2006). Confidence intervals for an effect
    size when variances are not equal. Journal of Modern Applied Statistical Methods, 5, 2-13.

    Bonett, D. G. (2008). Confidence intervals for standardized linear contrasts of means.
    Psychological Methods, 13, 99-109.

    Viechtbauer, W. (2010). Conducting meta-analyses in R with the metafor package. Journal of
    Statistical Software, 36(3) (``escalc`` measures "SMD" and "SMDH").

    Examples
    --------
    Study 1 of metafor's ``dat.normand1999`` (escalc gives yi = -0.3552, vi = 0.0131):

    >>> from trialkit.effects import smd
    >>> res = smd(55, 47, 155, 75, 64, 156)
    >>> round(float(res.estimate.iloc[0]), 4), round(float(res["var"].iloc[0]), 4)
    (-0.3552, 0.0131)
    >>> res.method.iloc[0]
    'hedges_g/exact_J/nct_ci/var=LS'
    """
    kind = _validate.check_choice(kind, "kind", _KINDS)
    ci = _validate.check_choice(ci, "ci", _CIS)
    vtype = _validate.check_choice(vtype, "vtype", _VTYPES)
    level = _validate.check_level(level)
    if vtype == "UB" and kind in ("glass", "bonett"):
        from trialkit.errors import TrialDataError

        raise TrialDataError(f"vtype='UB' is defined for kind='cohen' or 'hedges', not {kind!r}",
                             field="vtype")
    engine = _validate.check_choice(engine, "engine", ("numpy", "numba"))
    values = {"m1": m1, "sd1": sd1, "n1": n1, "m2": m2, "sd2": sd2, "n2": n2}
    fast = ci == "normal" and vtype == "LS" and kind in ("cohen", "hedges")
    if engine == "numba":
        done = _normal_ls_numba(values, kind, level, fast)
        if done is not None:
            return done
    raw, a, n = _validate.prepare(copy=False, **values)
    for name in ("sd1", "sd2"):  # prepare has checked that every input is finite
        _validate.check_positive(raw[name], name, finite_checked=True)
    for name in ("n1", "n2"):
        _validate.check_n(raw[name], name, 2, "a standard deviation needs at least two values",
                          finite_checked=True)

    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        if fast:
            return _smd_normal_ls(a, n, kind, level)
        return _smd_rows(a, n, kind, ci, vtype, level)


def _normal_ls_numba(values: dict[str, ArrayLike], kind: str, level: float,
                     fast: bool) -> pd.DataFrame | None:
    """``engine="numba"``: the compiled loop of :mod:`trialkit.effects._smd_numba`, its
    inputs checked in the loop; None when one is not valid (or a result not finite), for
    the numpy engine to name it (or to give the same result)."""
    if not fast:
        from trialkit.errors import TrialDataError

        raise TrialDataError("engine='numba' computes kind='cohen' or 'hedges' with "
                             "ci='normal' and vtype='LS'; use engine='numpy' for the others",
                             field="engine")
    try:
        from trialkit.effects import _smd_numba as fused
    except ImportError:
        raise ImportError("engine='numba' needs the optional dependency numba: "
                          "pip install 'trialkit[fast]'") from None
    raw = {name: _validate.as_float_array(v, name, copy=False) for name, v in values.items()}
    a, n = _validate.broadcast(raw, copy=False)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        done = fused.normal_ls_block(a, n, kind == "hedges", _intervals.z_quantile(level))
    if done is None:
        return None
    block, top, bottom = done
    _warn_large(block[0], top, bottom)
    label = "hedges_g/exact_J" if kind == "hedges" else "cohen_d/pooled_sd"
    return _results.frame(dict(zip(("estimate", "se", "var", "ci_low", "ci_high", "df"), block,
                                   strict=True)), f"{label}/normal_ci/var=LS", n, copy=False,
                          finite=())


#: Rows per chunk of :func:`_smd_normal_ls`: a chunk of a dozen arrays stays in the cache.
_CHUNK = 32768


def _smd_normal_ls(a: dict[str, np.ndarray], n: int, kind: str, level: float) -> pd.DataFrame:
    """Cohen's d or Hedges' g with the LS variance and the normal interval: the arithmetic of
    :func:`_smd_rows`, operation for operation (the same values to the last bit), written into
    one block of six result rows that double as the scratch space, chunk by chunk. On 100,000
    rows the cost is memory, not arithmetic: a fresh array is page faults, and an operation
    over whole columns streams them through the cache, so this path allocates the result block
    and nothing else of that size, and runs each chunk's dozen steps while it is in cache.
    """
    m1_, sd1_, n1_, m2_, sd2_, n2_ = (a[k] for k in ("m1", "sd1", "n1", "m2", "sd2", "n2"))
    block = np.empty((6, n))
    est, se, var, lo, hi, df = block  # rows, used as scratch until they get their values
    np.add(n1_, n2_, out=var)  # n1 + n2, kept until it becomes 2 (n1 + n2)
    np.subtract(var, 2, out=df)
    table = _hedges_j.hedges_j_table(df) if kind == "hedges" else None
    z = _intervals.z_quantile(level)
    for i in range(0, n, _CHUNK):
        c = slice(i, i + _CHUNK)
        _normal_ls_chunk(m1_[c], sd1_[c], n1_[c], m2_[c], sd2_[c], n2_[c], est[c], se[c],
                         var[c], lo[c], hi[c], df[c], kind, table, z)
    # One max and one min of the estimate, one max of se: NaN propagates through both, so
    # finite extremes prove every estimate and se finite (var = se^2 then is too), the limits
    # est -/+ z se are finite when the extremes plus z max(se) are, and the same extremes
    # serve the |estimate| > 5 warning. Anything else takes the elementwise checks.
    top, bottom, se_top = float(est.max(initial=0.0)), float(est.min(initial=0.0)), 0.0
    finite = np.isfinite(top) and np.isfinite(bottom)
    if finite:
        se_top = float(se.max(initial=0.0))
        finite = bool(np.isfinite(top + z * se_top) and np.isfinite(bottom - z * se_top))
    if not finite:
        _results.check_finite_result({"estimate": est, "se": se}, ("estimate", "se"),
                                     "|m1 - m2| / SD beyond ~1e150, or an SD below ~1e-150")
    _warn_large(est, top, bottom)
    cols = {"estimate": est, "se": se, "var": var, "ci_low": lo, "ci_high": hi, "df": df}
    if not finite:
        _results.check_no_nan(cols, ("estimate", "se", "ci_low", "ci_high"))
    label = "hedges_g/exact_J" if kind == "hedges" else "cohen_d/pooled_sd"
    return _results.frame(cols, f"{label}/normal_ci/var=LS", n, copy=False,
                          finite=() if finite else _results.FINITE)


def _normal_ls_chunk(m1: np.ndarray, sd1: np.ndarray, n1: np.ndarray, m2: np.ndarray,
                     sd2: np.ndarray, n2: np.ndarray, est: np.ndarray, se: np.ndarray,
                     var: np.ndarray, lo: np.ndarray, hi: np.ndarray, df: np.ndarray, kind: str,
                     table: tuple[np.ndarray, int] | None, z: float) -> None:
    """One chunk of :func:`_smd_normal_ls`; ``var`` holds n1 + n2 and ``df`` n1 + n2 - 2."""
    np.divide(1, n1, out=se)
    np.divide(1, n2, out=lo)
    se += lo  # 1/n1 + 1/n2, kept until it becomes se
    np.square(sd1, out=lo)  # the pooled SD, as in _pooled_sd
    np.subtract(n1, 1, out=hi)
    lo *= hi
    np.square(sd2, out=hi)
    np.subtract(n2, 1, out=est)
    hi *= est
    lo += hi
    lo /= df
    np.sqrt(lo, out=lo)
    np.subtract(m1, m2, out=est)
    est /= lo  # d
    if kind == "hedges":  # g = J d
        est *= (_hedges_j.hedges_j(df) if table is None
                else _hedges_j.hedges_j_lookup(table, df, hi))
    var *= 2
    np.square(est, out=lo)
    lo /= var
    np.add(lo, se, out=var)  # inv_n + estimate^2 / (2 (n1 + n2))
    np.sqrt(var, out=se)
    np.multiply(z, se, out=hi)  # normal_ci: estimate -/+ z se
    np.subtract(est, hi, out=lo)
    np.add(est, hi, out=hi)


def _pooled_sd(a: dict[str, np.ndarray], df: np.ndarray) -> np.ndarray:
    """``sqrt(((n1 - 1) sd1^2 + (n2 - 1) sd2^2) / df)``, with in-place steps (same arithmetic)."""
    sp = np.square(a["sd1"])
    sp *= a["n1"] - 1
    other = np.square(a["sd2"])
    other *= a["n2"] - 1
    sp += other
    sp /= df
    return np.sqrt(sp, out=sp)


def _ls_var(inv_n: np.ndarray, estimate: np.ndarray, n_sum: np.ndarray) -> np.ndarray:
    """``inv_n + estimate^2 / (2 (n1 + n2))`` with in-place steps (same arithmetic); ``n_sum``
    is n1 + n2, a temporary that is overwritten."""
    twice_n = n_sum
    twice_n *= 2
    var = np.square(estimate)
    var /= twice_n
    var += inv_n
    return var


def _smd_rows(a: dict[str, np.ndarray], n: int, kind: str, ci: str, vtype: str,
              level: float) -> pd.DataFrame:
    """The arithmetic of :func:`smd` on validated, broadcast arrays."""
    n1_, n2_ = a["n1"], a["n2"]
    # Fewer live temporaries, same arithmetic: on this scale (100,000 rows) a fresh array
    # costs more in page faults than its arithmetic, so dead intermediates are reused.
    diff = a["m1"] - a["m2"]
    inv_n = 1 / n1_
    inv_n += 1 / n2_
    n_sum = n1_ + n2_  # n1 + n2: df is n_sum - 2 and the LS variance's 2 (n1 + n2) is 2 n_sum
    df = n_sum - 2
    ci_used = ci

    if kind in ("cohen", "hedges"):
        d = diff
        d /= _pooled_sd(a, df)
        j = _hedges_j.hedges_j_whole(df)  # n1, n2 are validated whole numbers >= 2
        if kind == "cohen":
            estimate = d
            if vtype == "LS":
                var = _ls_var(inv_n, d, n_sum)
            else:
                var = inv_n / j**2 + d**2 * (1 - (df - 2) / (df * j**2))
            label = "cohen_d/pooled_sd"
            scale = None  # 1
        else:
            estimate = j * d
            if vtype == "LS":
                var = _ls_var(inv_n, estimate, n_sum)
            else:
                var = inv_n + estimate**2 * (1 - (df - 2) / (df * j**2))
            label = "hedges_g/exact_J"
            scale = j
        if ci == "nct":
            root_inv_n = np.sqrt(inv_n)
            pivot_t = d / root_inv_n
            pivot_scale = root_inv_n if scale is None else root_inv_n * scale
    elif kind == "glass":
        df = n2_ - 1
        estimate = diff / a["sd2"]
        factor = np.sqrt(1 / n2_ + a["sd1"] ** 2 / (a["sd2"] ** 2 * n1_))
        var = factor**2 + estimate**2 / (2 * (n2_ - 1))
        label = "glass_delta/sd2"
        pivot_t = estimate / factor
        pivot_scale = factor
    else:  # bonett
        s2 = (a["sd1"] ** 2 + a["sd2"] ** 2) / 2
        j = _hedges_j.hedges_j(df)
        estimate = j * diff / np.sqrt(s2)
        var = (estimate**2 * (a["sd1"] ** 4 / (n1_ - 1) + a["sd2"] ** 4 / (n2_ - 1)) / (8 * s2**2)
               + (a["sd1"] ** 2 / (n1_ - 1) + a["sd2"] ** 2 / (n2_ - 1)) / s2)
        var = j**2 * var
        label = "bonett_d/avg_sd/exact_J"
        if ci == "nct":
            warnings.warn(
                "kind='bonett' has no noncentral-t interval: used the normal interval "
                "(estimate +/- z*se, Bonett 2008); pass ci='normal' to silence this warning",
                UserWarning,
                stacklevel=3,
            )
            ci_used = "normal_ci(nct_unavailable)"

    se = np.sqrt(var)
    finite = _results.check_finite_result({"estimate": estimate, "se": se}, ("estimate", "se"),
                                 "|m1 - m2| / SD beyond ~1e150, or an SD below ~1e-150")
    note = np.array([], dtype=object)  # no fallback notes (the normal interval needs none)
    if ci == "nct" and kind != "bonett":
        ci_low, ci_high, note = _intervals.nct_or_normal(pivot_t, df, level, pivot_scale, estimate,
                                                         se, "smd", stacklevel=4)
        ci_label = "nct_ci"
    else:
        ci_low, ci_high = _intervals.normal_ci(estimate, se, level)
        ci_label = ci_used if ci_used.endswith(")") else "normal_ci"

    _warn_large(estimate)
    cols = {"estimate": estimate, "se": se, "var": var, "ci_low": ci_low, "ci_high": ci_high,
            "df": df}
    # estimate and se entirely finite (no NaN) and so the limits: var = se^2 is then finite too,
    # and neither the NaN guard nor the frame's overflow guard has anything left to find
    finite = finite and _validate.all_finite(ci_low) and _validate.all_finite(ci_high)
    if not finite:
        _results.check_no_nan(cols, ("estimate", "se", "ci_low", "ci_high"))
    var_label = "var=bonett2008" if kind == "bonett" else f"var={vtype}"
    # every column is computed here, so the frame may keep the arrays (copy=False)
    return _results.frame(cols, _intervals.with_note(f"{label}/{ci_label}/{var_label}", note), n,
                          copy=False, finite=() if finite else _results.FINITE)
