"""Bounds on the SD: how small and how large can an SD be for this mean on this scale?

For values confined to ``[lo, hi]`` with a given total, the sum of squared deviations is
smallest when the values are as equal as possible and largest when all but at most one of
them sit at the scale's ends (a convex function on a box is maximised at a vertex, and the
total fixes all but one coordinate there). Over the totals compatible with the reported
(rounded) mean, the maximum is reached at an end of the range of totals or at a total that
puts as close to half of the values at each end as possible (the bound is convex between
such totals and concave across them); the minimum at an end of the range or at a multiple of
n (whole-number data). Whole-number data use exact integer arithmetic.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from trialkit.checks import _numbers as num
from trialkit.checks import _texts as txt
from trialkit.checks.grim import grim_core
from trialkit.errors import TrialDataError

__all__ = ["BOUNDS_REASONS", "check_sd_bounds", "sd_bounds"]

BOUNDS_REASONS = (
    "inconsistent: the mean lies outside the scale",
    "inconsistent: the mean fails GRIM (no whole-number total gives it)",
    "inconsistent: the SD is larger than any sample with this mean on this scale can have",
    "inconsistent: the SD is smaller than any sample with this mean on this scale can have",
    "consistent: the SD lies within the range possible for this mean on this scale",
)


def _as_float(values: Any, name: str) -> tuple[np.ndarray, bool]:
    if isinstance(values, str):
        raise TrialDataError(f"expected a number, got the string {values!r}", field=name)
    if isinstance(values, pd.Series):
        values = values.to_numpy()
    scalar = np.ndim(values) == 0
    try:
        arr = np.array(values, dtype=float, copy=True).ravel()
    except (TypeError, ValueError):
        raise TrialDataError(f"expected numbers, got {values!r}", field=name) from None
    if not np.all(np.isfinite(arr)):
        i = int(np.flatnonzero(~np.isfinite(arr))[0])
        raise TrialDataError("must be a finite number", field=name, row=None if scalar else i)
    return arr, bool(scalar)


def _prepare(mean: Any, n: Any, lo: Any, hi: Any, items: Any, integer: bool,
             rounding: str, sd: Any = None) -> dict[str, Any]:
    rounding = num.check_rounding(rounding)
    rep = txt.parse_reported(mean, "mean")
    named = {"mean": rep.X}
    rep_s = None
    if sd is not None:
        rep_s = txt.parse_reported(sd, "sd")
        named["sd"] = rep_s.X
    n_arr, _ = num.as_int_array(n, "n", 2, why="an SD needs at least two values")
    items_arr, _ = num.as_int_array(items, "items", 1)
    lo_arr, _ = _as_float(lo, "lo")
    hi_arr, _ = _as_float(hi, "hi")
    named.update({"n": n_arr, "items": items_arr, "lo": lo_arr, "hi": hi_arr})
    arrays, length = num.broadcast(named)
    if np.any(arrays["lo"] >= arrays["hi"]):
        i = int(np.flatnonzero(arrays["lo"] >= arrays["hi"])[0])
        raise TrialDataError(f"the scale's lower bound must be below its upper bound, got "
                             f"{arrays['lo'][i]:g} and {arrays['hi'][i]:g}", field="lo, hi",
                             row=None if length == 1 else i)
    if integer:
        for name in ("lo", "hi"):
            scaled = arrays[name] * arrays["items"]
            bad = scaled != np.round(scaled)
            if np.any(bad):
                i = int(np.flatnonzero(bad)[0])
                raise TrialDataError(f"with whole-number data (integer=True) {name} x items "
                                     f"must be a whole number, got {arrays[name][i]:g}",
                                     field=name, row=None if length == 1 else i)
    rep = txt.take(rep, length)
    if rep_s is not None:
        rep_s = txt.take(rep_s, length)
        if np.any(rep_s.X < 0):
            i = int(np.flatnonzero(rep_s.X < 0)[0])
            raise TrialDataError("an SD cannot be negative", field="sd",
                                 row=None if length == 1 else i)
    return {"rep": rep, "rep_s": rep_s, "rounding": rounding, "length": length, **arrays}


def _integer_extremes(p: dict[str, Any]) -> dict[str, np.ndarray]:
    """Exact extremes of n*sum(k^2) - K^2 (= n (n-1) items^2 var) over the possible totals."""
    n, items = p["n"], p["items"]
    L = np.round(p["lo"] * items).astype(np.int64)
    H = np.round(p["hi"] * items).astype(np.int64)
    W = H - L
    g = grim_core(p["rep"].X, p["rep"].d, n * items, p["rounding"])
    grim_ok = g["consistent"]
    ka = np.maximum(np.asarray(g["s_min"], dtype=np.int64), n * L)
    kb = np.minimum(np.asarray(g["s_max"], dtype=np.int64), n * H)
    inside = grim_ok & (ka <= kb)
    ka = np.where(inside, ka, n * L)
    kb = np.where(inside, kb, n * L)

    def v_min(K: np.ndarray) -> np.ndarray:
        r = K - n * (K // n)
        return r * (n - r)

    multiple = (kb // n) * n >= ka  # a multiple of n within [ka, kb]
    vmin = np.where(multiple, 0, np.minimum(v_min(ka), v_min(kb)))

    def v_max(K: np.ndarray) -> np.ndarray:
        E = K - n * L
        safe_w = np.where(W > 0, W, 1)
        q = E // safe_w
        rem = E - q * safe_w
        return np.where(W > 0, n * (q * safe_w * safe_w + rem * rem) - E * E, 0)

    j_lo = num.ceil_div(ka - n * L, np.maximum(W, 1))
    j_hi = (kb - n * L) // np.maximum(W, 1)
    cands = [v_max(ka), v_max(kb)]
    for j in (n // 2, n - n // 2):
        jj = np.clip(j, j_lo, j_hi)
        ok = j_lo <= j_hi
        cands.append(np.where(ok, v_max(n * L + jj * W), 0))
    vmax = np.max(np.vstack(cands), axis=0)
    mean_lo = (np.asarray(g["s_min"], dtype=float)) / (n * items)
    mean_hi = (np.asarray(g["s_max"], dtype=float)) / (n * items)
    outside = grim_ok & ~inside
    return {"vmin": vmin, "vmax": vmax, "grim_ok": grim_ok, "outside": outside,
            "scale": (n * (n - 1)).astype(float) * items.astype(float) ** 2,
            "mean_lo": mean_lo, "mean_hi": mean_hi}


def _continuous_extremes(p: dict[str, Any]) -> dict[str, np.ndarray]:
    n = p["n"].astype(float)
    lo, hi = p["lo"], p["hi"]
    X, d = p["rep"].X, p["rep"].d
    b_lo, b_hi, _, _ = num.bounds(X, d, p["rounding"])
    M = 2.0 * 10.0 ** d.astype(float)
    m_lo = np.maximum(b_lo / M, lo)
    m_hi = np.minimum(b_hi / M, hi)
    inside = m_lo <= m_hi
    W = hi - lo

    def v_max(m: np.ndarray) -> np.ndarray:
        E = n * (m - lo)
        q = np.minimum(np.floor(E / W), n)
        rem = E - q * W
        return n * (q * W * W + rem * rem) - E * E

    cands = [v_max(m_lo), v_max(m_hi)]
    j_lo = np.ceil(n * (m_lo - lo) / W)
    j_hi = np.floor(n * (m_hi - lo) / W)
    for j in (np.floor(n / 2), np.ceil(n / 2)):
        jj = np.clip(j, j_lo, j_hi)
        cands.append(np.where(j_lo <= j_hi, v_max(lo + jj * W / n), 0.0))
    vmax = np.maximum(np.max(np.vstack(cands), axis=0), 0.0)
    return {"vmin": np.zeros_like(vmax), "vmax": np.where(inside, vmax, np.nan),
            "grim_ok": np.ones(X.shape[0], bool), "outside": ~inside,
            "scale": n * (n - 1), "mean_lo": m_lo, "mean_hi": m_hi}


def sd_bounds(mean: Any, n: Any, lo: Any, hi: Any, items: Any = 1, *, integer: bool = True,
              rounding: str = "up_or_down") -> pd.DataFrame:
    """Smallest and largest SD a sample of ``n`` values on ``[lo, hi]`` can have with this mean.

    The reported mean is read as printed (a string): every true mean that rounds to it is
    allowed. With ``integer=True`` the values are whole numbers (or averages of ``items``
    whole-number items, so multiples of ``1 / items``); otherwise any real values in the
    scale. The SD is the sample SD (divisor n - 1). Vectorized over all arguments.

    Parameters
    ----------
    mean : str or sequence of str
        Reported means as printed.
    n : int or sequence of int
        Sample sizes (>= 2).
    lo, hi : float or sequence of float
        The scale's bounds (``lo * items`` and ``hi * items`` whole numbers when integer).
    items : int or sequence of int, default 1
    integer : bool, default True
        Whole-number responses (True) or continuous values (False).
    rounding : str, default "up_or_down"
        Rounding scheme of the mean (see :func:`trialkit.checks.grim`).

    Returns
    -------
    pandas.DataFrame
        ``mean, n, lo, hi, items, integer, rounding, sd_min, sd_max`` (full precision; NaN
        when no sample has this mean), ``feasible`` (some sample on the scale has this mean),
        ``reason`` and ``method``.

    References
    ----------
    Heathers, J. A., Anaya, J., van der Zee, T., & Brown, N. J. L. (2018). Recovering data
    from summary statistics: Sample Parameter Reconstruction via Iterative TEchniques
    (SPRITE). PeerJ Preprints 6:e26968v1 (the SD limits SPRITE starts from).

    Bhatia, R., & Davis, C. (2000). A better bound on the variance. The American Mathematical
    Monthly, 107(4), 353-357 (the population bound ``(hi - m)(m - lo)`` that the
    finite-sample maximum here sharpens).

    Examples
    --------
    >>> from trialkit.checks import sd_bounds
    >>> sd_bounds("4.2", 5, 1, 7)[["sd_min", "sd_max"]].round(4).iloc[0].tolist()
    [0.4472, 3.0332]
    >>> float(sd_bounds("1.0", 10, 0, 10, integer=False).sd_max.iloc[0].round(3))
    3.162
    """
    p = _prepare(mean, n, lo, hi, items, integer, rounding)
    ext = _integer_extremes(p) if integer else _continuous_extremes(p)
    feasible = ext["grim_ok"] & ~ext["outside"]
    sd_min = np.where(feasible, np.sqrt(np.asarray(ext["vmin"], float) / ext["scale"]), np.nan)
    sd_max = np.where(feasible, np.sqrt(np.asarray(ext["vmax"], float) / ext["scale"]), np.nan)
    codes = np.where(~ext["grim_ok"], 1, np.where(ext["outside"], 0, 4))
    return pd.DataFrame({
        "mean": txt.text_column(p["rep"].text, p["length"]),
        "n": p["n"], "lo": p["lo"], "hi": p["hi"], "items": p["items"],
        "integer": integer, "rounding": p["rounding"],
        "sd_min": sd_min, "sd_max": sd_max, "feasible": feasible,
        "reason": pd.Categorical.from_codes(codes.astype(np.int8),
                                            categories=list(BOUNDS_REASONS)).rename_categories(
            {BOUNDS_REASONS[4]: "feasible: some sample on the scale has this mean"}),
        "method": "sd_bounds/" + ("integer/exact" if integer else "continuous")
                  + "/vertex_extremes",
    })


def check_sd_bounds(mean: Any, sd: Any, n: Any, lo: Any, hi: Any, items: Any = 1, *,
                    integer: bool = True, rounding: str = "up_or_down") -> pd.DataFrame:
    """Is the reported SD achievable by ``n`` values on ``[lo, hi]`` with the reported mean?

    The SD (read as printed, with its rounding interval) must overlap the range
    ``[sd_min, sd_max]`` of :func:`sd_bounds`; a mean outside the scale (or failing GRIM,
    for whole-number data) is inconsistent too. For example, a 0-10 scale cannot have mean
    1.0 and SD 4.0 with n = 10: the largest possible SD is 3.16 (nine zeros and one 10).
    This is a necessary condition; :func:`trialkit.checks.sprite` searches for actual samples.

    Parameters
    ----------
    mean, sd : str or sequence of str
        Reported mean and SD as printed.
    n, lo, hi, items, integer, rounding
        As in :func:`sd_bounds`.

    Returns
    -------
    pandas.DataFrame
        ``mean, sd, n, lo, hi, items, integer, rounding, sd_min, sd_max, consistent, reason,
        method``.

    References
    ----------
    Heathers et al. (2018), SPRITE (PeerJ Preprints 6:e26968v1).

    Examples
    --------
    >>> from trialkit.checks import check_sd_bounds
    >>> res = check_sd_bounds("1.0", "4.0", 10, 0, 10)
    >>> bool(res.consistent.iloc[0]), round(float(res.sd_max.iloc[0]), 2)
    (False, 3.16)
    """
    p = _prepare(mean, n, lo, hi, items, integer, rounding, sd=sd)
    ext = _integer_extremes(p) if integer else _continuous_extremes(p)
    rep_s = p["rep_s"]
    slo, shi, slc, shc = num.bounds(rep_s.X, rep_s.d, p["rounding"])
    at_zero = slo < 0
    slo = np.where(at_zero, 0, slo)
    slc = slc | at_zero
    feasible = ext["grim_ok"] & ~ext["outside"]
    if integer:
        Ms2 = (2 * num.pow10(rep_s.d)).astype(object) ** 2
        scale = (p["n"] * (p["n"] - 1)).astype(object) * p["items"].astype(object) ** 2
        vmax = np.asarray(ext["vmax"]).astype(object)
        vmin = np.asarray(ext["vmin"]).astype(object)
        lhs_lo = slo.astype(object) ** 2 * scale
        lhs_hi = shi.astype(object) ** 2 * scale
        not_too_big = np.where(slc, lhs_lo <= vmax * Ms2, lhs_lo < vmax * Ms2).astype(bool)
        not_too_small = np.where(shc, lhs_hi >= vmin * Ms2, lhs_hi > vmin * Ms2).astype(bool)
    else:
        Ms = 2.0 * 10.0 ** rep_s.d.astype(float)
        s_lo = slo / Ms
        sd_max_c = np.sqrt(np.asarray(ext["vmax"], float) / ext["scale"])
        tol = 1e-12 * np.maximum(1.0, sd_max_c)
        not_too_big = np.where(slc, s_lo <= sd_max_c + tol, s_lo < sd_max_c + tol)
        not_too_small = np.ones_like(not_too_big)
    consistent = feasible & not_too_big & not_too_small
    codes = np.where(~ext["grim_ok"], 1, np.where(ext["outside"], 0, np.where(
        ~not_too_big, 2, np.where(~not_too_small, 3, 4))))
    sd_min = np.where(feasible, np.sqrt(np.asarray(ext["vmin"], float) / ext["scale"]), np.nan)
    sd_max = np.where(feasible, np.sqrt(np.asarray(ext["vmax"], float) / ext["scale"]), np.nan)
    return pd.DataFrame({
        "mean": txt.text_column(p["rep"].text, p["length"]),
        "sd": txt.text_column(rep_s.text, p["length"]),
        "n": p["n"], "lo": p["lo"], "hi": p["hi"], "items": p["items"],
        "integer": integer, "rounding": p["rounding"],
        "sd_min": sd_min, "sd_max": sd_max, "consistent": consistent,
        "reason": pd.Categorical.from_codes(codes.astype(np.int8),
                                            categories=list(BOUNDS_REASONS)),
        "method": "check_sd_bounds/" + ("integer/exact" if integer else "continuous")
                  + "/vertex_extremes",
    })
