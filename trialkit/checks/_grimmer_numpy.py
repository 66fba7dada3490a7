"""GRIMMER's numpy engine: the exact test of :mod:`trialkit.checks.grimmer` on parsed
numbers, vectorized over rows (the compiled engine is :mod:`._grimmer_numba`)."""

from __future__ import annotations

from typing import Any

import numpy as np

from trialkit.checks import _numbers as num
from trialkit.checks._sums_of_squares import lattice_search
from trialkit.checks.grim import grim_core
from trialkit.errors import TrialDataError

__all__ = ["MAX_CANDIDATES", "grimmer_core"]

#: More candidate totals than this in one row is an error (n too large for the decimals).
MAX_CANDIDATES = 5_000_000


def grimmer_core(Xm: np.ndarray, dm: np.ndarray, Xs: np.ndarray, ds: np.ndarray,
                 n: np.ndarray, items: np.ndarray, rounding: str,
                 what: str = "table") -> dict[str, np.ndarray]:
    """Vectorized exact GRIMMER on parsed numbers (the algorithm: :mod:`trialkit.checks.grimmer`).

    Returns per row ``stage`` (0-5), a witness ``total``/``sum_squares`` (NaN when none) and
    the sum-of-squares window of the candidate that got furthest; with ``what="verdict"``
    only ``consistent``. The arithmetic is exact: in float64 when every product is below
    2**52 (integers and the floor of their quotients are exact there, as in
    :func:`trialkit.checks.grim.grim_core`), else in int64, else in Python integers.

    Each row has ``count`` candidate totals K (usually one or two). With at most
    ``_PASSES`` per row they are tested in passes over the rows (the j-th candidate of every
    row at once); otherwise they are expanded into one flat array and reduced per row.
    """
    rows = Xm.shape[0]
    N = num.times(n, items)
    g = grim_core(Xm, dm, N, rounding)
    # Feasibility depends on the total K only through K mod 2n (module doc), so one period
    # of 2n candidates is enough.
    count = g["count"]
    if int(count.max()) > 2 * int(n.min()):
        count = np.minimum(count, 2 * n)
    if np.any(count > MAX_CANDIDATES):
        i = int(np.flatnonzero(count > MAX_CANDIDATES)[0])
        raise TrialDataError(f"{int(count[i])} possible totals for this mean: n is too large "
                             f"for the mean's decimals to test", field="n", row=i)
    widest = int(count.max()) if rows else 0
    if what == "verdict" and widest == 0:
        return {"consistent": np.zeros(rows, bool)}
    # stage 0-5: a byte a row (the table widens it once); the float columns are made where
    # they are filled (_by_passes builds them from its first pass, so no NaN fill of its own)
    out = {} if what == "verdict" else {"stage": np.zeros(rows, np.int8)}
    if widest == 0:
        return _with_nan_columns(out, rows)
    # SD bounds in half units of its last digit; an SD is never negative.
    exact_float = Xs.dtype != object and num.max_abs(Xs) < 2.0**51
    slo, shi, slc, shc = num.bounds(Xs.astype(float) if exact_float else Xs, ds, rounding,
                                    arrays=False)
    at_zero = slo < 0
    if at_zero.any():  # SD "0.00": the interval starts at 0, closed
        slo = np.where(at_zero, 0, slo)
        slc = slc | at_zero
    s_min = g["s_min"]
    # magnitudes: K^2 D and n^2 items^2 (SD bound)^2, with headroom for the sums
    ds_max = int(ds.max())
    kf = num.max_abs(np.asarray(s_min, dtype=float)) + widest
    mags = (kf * kf * 4.0 * 10.0 ** (2 * ds_max) * 8,  # n, items >= 1 and shi >= 0 here
            float(n.max()) ** 2 * float(items.max()) ** 2 * (float(shi.max()) + 1) ** 2 * 8)
    mode = "float" if max(mags) < 2.0**52 else "object" if num.needs_objects(*mags) else "int"
    nn, it = num.as_mode(n, mode), num.as_mode(items, mode)
    if int(ds.min()) == ds_max:  # the usual table: every SD with the same decimals
        D: Any = 4 * 10 ** (2 * ds_max)
        D = float(D) if mode == "float" else D
    elif mode == "object":
        D = (2 * 10 ** ds.astype(object)) ** 2
    else:
        D = num.as_mode((2 * num.pow10(ds)) ** 2, mode)
    spread = nn * (nn - 1) if items.max() == 1 else nn * (nn - 1) * it * it
    lo_v, hi_v = (a if mode == "float" and a.dtype.kind == "f" else num.as_mode(a, mode)
                  for a in (slo, shi))
    row = {"nn": nn, "D": D, "nD": nn * D, "A": spread * lo_v * lo_v,
           "B": spread * hi_v * hi_v, "lc": slc, "hc": shc}
    s_min = num.as_mode(np.asarray(s_min), mode)
    if widest <= _PASSES:
        return _by_passes(s_min, count, row, widest, what, out)
    return _expanded(s_min, count, row, what, out if what == "verdict"
                     else _with_nan_columns(out, rows))


def _with_nan_columns(out: dict[str, np.ndarray], rows: int) -> dict[str, np.ndarray]:
    """``out`` with the table's float columns, all NaN until filled."""
    for key in ("total", "sum_squares", "q_lo", "q_hi", "q_min"):
        out[key] = np.full(rows, np.nan)
    return out


_PASSES = 8  # at most this many candidate totals per row: test them in passes over rows


def _evaluate(K: np.ndarray, r_: dict[str, np.ndarray],
              what: str = "table") -> tuple[np.ndarray, ...]:
    """Stage (1-5), sum-of-squares window, minimum and witness Q of candidate totals K.

    ``r_`` holds arrays aligned with K: ``nn``, ``D``, ``nD`` (n D), ``A`` and ``B`` (n (n-1)
    items^2 times the squared SD bounds) and the bounds' closed flags ``lc``, ``hc``.
    """
    nn = r_["nn"]
    KKD = K * K * r_["D"]
    q_lo = num.first_at_least(KKD + r_["A"], r_["nD"], r_["lc"])
    q_hi = num.last_at_most(KKD + r_["B"], r_["nD"], r_["hc"])
    c = num.floor_div(K, nn)
    r = K - nn * c
    q_min = c * (K + r) + r  # n c^2 + 2 c r + r, as K = n c + r
    q1 = np.maximum(q_lo, q_min) if q_lo.dtype != object else np.where(
        q_lo > q_min, q_lo, q_min)
    # the first Q >= both with the parity of K (test 3): K + 2 ceil((q1 - K) / 2)
    if q1.dtype.kind == "f":  # in place: halving, ceiling and doubling are exact
        q1 -= K
        q1 *= 0.5
        np.ceil(q1, out=q1)
        q1 += q1
        q1 += K
    else:
        q1 = q1 + num.is_odd(q1 - K)
    if what == "verdict":  # tests 1-3 pass together iff q1 <= q_hi; stage 1 otherwise
        ok = np.asarray(q1 <= q_hi, dtype=bool)
        st = ok.view(np.int8) * np.int8(3) + np.int8(1)
        witness_q = q1
    else:  # stage = 1 + each test passed in turn (booleans added as int8)
        ok = np.asarray(q_lo <= q_hi, dtype=bool)  # test 1-2: some whole Q gives the SD
        st = ok.view(np.int8) + np.int8(1)
        ok &= np.asarray(q_hi >= q_min, dtype=bool)  # not below the smallest possible SD
        st += ok.view(np.int8)
        ok &= np.asarray(q1 <= q_hi, dtype=bool)
        st += ok.view(np.int8)
        witness_q = q1  # read only where the row reaches stage 5
    small = ok & np.asarray(nn < 5, dtype=bool)
    st += (ok & ~small).view(np.int8)  # n >= 5: tests 1-3 are sufficient
    if small.any():
        sel = np.flatnonzero(small)
        found, q_found = lattice_search(sel, nn, c, r, q1, q_hi)
        st[sel] = np.where(found, 5, 4)
        witness_q = np.array(witness_q, dtype=object if witness_q.dtype == object
                             else witness_q.dtype)
        witness_q[sel] = np.where(found, q_found, witness_q[sel])
    return st, q_lo, q_hi, q_min, witness_q


def _by_passes(s_min: np.ndarray, count: np.ndarray, row: dict[str, np.ndarray],
               widest: int, what: str, out: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Candidates j = 0, 1, ... of every row at once; keep the first that got furthest.

    After the first pass only rows with another candidate and not yet consistent are
    tested again (gathered: usually a small share).
    """
    best = np.zeros(count.shape[0], np.int8)
    for j in range(widest):
        if j == 0:
            sel: Any = slice(None)
            K = s_min
            st, q_lo, q_hi, q_min, witness_q = _evaluate(K, row, what)
            st *= (count > 0).view(np.int8)
        else:
            sel = np.flatnonzero((count > j) & (best < 5))
            if sel.size == 0:
                break
            K = s_min[sel] + j
            st, q_lo, q_hi, q_min, witness_q = _evaluate(
                K, {k: v[sel] if np.ndim(v) else v for k, v in row.items()}, what)
        if what == "verdict":
            best[sel] = np.maximum(best[sel], st)
            continue
        if j == 0:  # every row: whole-array operations
            best[:] = st
            # q_lo, q_hi, q_min and the witness are this pass's own arrays: when already
            # float64 they are masked in place (a million-row table is mostly copying)
            none, not_five = np.flatnonzero(st < 1), np.flatnonzero(st < 5)
            for key, values in (("q_lo", q_lo), ("q_hi", q_hi), ("q_min", q_min),
                                ("total", K), ("sum_squares", witness_q)):
                owned = values is not K and values.dtype == np.float64
                filled = values if owned else np.array(values, dtype=float)
                filled[not_five if key == "sum_squares" else none] = np.nan
                out[key] = filled
            continue
        better = st > best[sel]
        at = sel[better]
        best[at] = st[better]
        for key, values in (("q_lo", q_lo), ("q_hi", q_hi), ("q_min", q_min), ("total", K)):
            out[key][at] = _to_float(np.asarray(values)[better])
        five = better & (st == 5)
        out["sum_squares"][sel[five]] = _to_float(np.asarray(witness_q)[five])
    if what == "verdict":
        return {"consistent": best == 5}
    out["stage"][:] = best
    return out


def _expanded(s_min: np.ndarray, count: np.ndarray, row: dict[str, np.ndarray], what: str,
              out: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """All candidates of all rows in one flat array, reduced per row with reduceat."""
    rows = count.shape[0]
    total_candidates = int(count.sum())
    idx = np.repeat(np.arange(rows), count)
    start = np.repeat(np.cumsum(count) - count, count)
    K = s_min[idx] + num.as_mode(np.arange(total_candidates) - start, "float"
                                 if s_min.dtype.kind == "f" else "int")
    st, q_lo, q_hi, q_min, witness_q = _evaluate(K, {k: v[idx] if np.ndim(v) else v
                                                     for k, v in row.items()}, what)
    # Candidates of a row are contiguous: reduce with reduceat over the row starts.
    has = count > 0
    starts = (np.cumsum(count) - count)[has]
    best = np.zeros(rows, np.int8)
    best[has] = np.maximum.reduceat(st, starts)
    if what == "verdict":
        return {"consistent": best == 5}
    is_best = st == best[idx]
    positions = np.where(is_best, np.arange(total_candidates), total_candidates)
    first = np.full(rows, -1, np.int64)
    first[has] = np.minimum.reduceat(positions, starts)
    pick = first[has]
    out["stage"][:] = best
    out["q_lo"][has] = _to_float(np.asarray(q_lo)[pick])
    out["q_hi"][has] = _to_float(np.asarray(q_hi)[pick])
    out["q_min"][has] = _to_float(np.asarray(q_min)[pick])
    out["total"][has] = _to_float(np.asarray(K)[pick])
    good = has & (out["stage"] == 5)
    out["sum_squares"][good] = _to_float(np.asarray(witness_q)[first[good]])
    return out


def _to_float(a: np.ndarray) -> np.ndarray:
    return np.asarray(a, dtype=float)
