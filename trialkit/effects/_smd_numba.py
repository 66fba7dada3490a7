"""``smd(..., engine="numba")``: Cohen's d or Hedges' g with the LS variance and the normal
interval in one compiled loop over the rows.

The numpy engine (:func:`trialkit.effects.standardized._smd_normal_ls`) makes about thirty
passes over the rows; this loop reads each row once and does the same float64 operations in
the same order (no fused multiply-add, no reassociation: numba compiles without fast-math),
so both engines return the same bits. The inputs are checked in the same loop (finite, SDs
above 0, sizes whole numbers of at least 2); when a row fails, the caller runs the numpy
engine's checks, which name it. Imported only when ``engine="numba"`` is asked for: numba is
an optional dependency (``pip install trialkit[fast]``).
"""

from __future__ import annotations

from typing import Any

import numba
import numpy as np

from trialkit.effects._hedges_j import hedges_j, hedges_j_range

__all__: list[str] = []


@numba.njit(cache=True, nogil=True, error_model="numpy")
def normal_ls(m1: Any, sd1: Any, n1: Any, m2: Any, sd2: Any, n2: Any, hedges: bool,
              j: Any, j_first: int, per_row: bool, z: float, est_: Any, se_: Any, var_: Any,
              lo_: Any, hi_: Any, df_: Any) -> tuple[bool, bool, float, float]:
    """``estimate, se, var, ci_low, ci_high, df`` of every row into the arrays ``est_`` ..
    ``df_``, in four loops, each of one kind of work (so that LLVM runs the arithmetic on
    SIMD lanes; one loop doing it all was two to three times slower).

    ``j``: Hedges' J, per row (``per_row``) or a table whose entry ``k`` is J of
    ``df = j_first + k``. Returns whether every input was valid, whether every estimate, se
    and limit is finite, and the largest and smallest estimate (with 0 among them, as
    ``np.max(..., initial=0.0)``).
    """
    rows = est_.shape[0]
    bad = 0
    for i in range(rows):  # the numpy engine's checks: finite, SDs > 0, whole sizes >= 2
        a1, a2, s1, s2, k1, k2 = m1[i], m2[i], sd1[i], sd2[i], n1[i], n2[i]
        ok = (np.isfinite(a1) & np.isfinite(a2) & np.isfinite(s1) & np.isfinite(s2)
              & (s1 > 0.0) & (s2 > 0.0) & (k1 >= 2.0) & (k2 >= 2.0) & np.isfinite(k1)
              & np.isfinite(k2) & (k1 == np.floor(k1)) & (k2 == np.floor(k2)))
        bad |= not ok
    for i in range(rows):  # df, and J parked in lo_ (kept in range even for a bad row)
        df = n1[i] + n2[i] - 2.0
        df_[i] = df
        if not hedges:
            lo_[i] = 1.0
        elif per_row:
            lo_[i] = j[i]
        else:
            lo_[i] = j[min(max(np.int64(df) - j_first, 0), j.size - 1)]
    for i in range(rows):  # _smd_normal_ls's operations, in its order
        k1, k2 = n1[i], n2[i]
        inv_n = 1.0 / k1 + 1.0 / k2
        sp = np.sqrt((sd1[i] * sd1[i] * (k1 - 1.0) + sd2[i] * sd2[i] * (k2 - 1.0)) / df_[i])
        est = (m1[i] - m2[i]) / sp
        if hedges:
            est = est * lo_[i]
        var = est * est / ((k1 + k2) * 2.0) + inv_n
        se = np.sqrt(var)
        half = z * se
        est_[i], se_[i], var_[i], lo_[i], hi_[i] = est, se, var, est - half, est + half
    zero = 0.0  # stays 0 unless a value is NaN or infinite (x * 0 is then NaN)
    top = 0.0
    bottom = 0.0
    for i in range(rows):
        e = est_[i]
        zero += e * 0.0 + se_[i] * 0.0 + lo_[i] * 0.0 + hi_[i] * 0.0
        top = max(top, e)
        bottom = min(bottom, e)
    return bad == 0, zero == 0.0, top, bottom


def normal_ls_block(a: dict[str, np.ndarray], n: int, hedges: bool,
                    z: float) -> tuple[np.ndarray, float, float] | None:
    """The 6 x n result block of :func:`normal_ls` for the broadcast arrays ``a`` (and the
    largest and smallest estimate), or None when an input is not valid or a result not
    finite: the numpy engine then says which row (or computes the same result)."""
    j, first, per_row = _j(a["n1"], a["n2"]) if hedges else (np.zeros(1), 0, False)
    block = np.empty((6, n))
    valid, finite, top, bottom = normal_ls(a["m1"], a["sd1"], a["n1"], a["m2"], a["sd2"],
                                           a["n2"], hedges, j, first, per_row, z, *block)
    return (block, top, bottom) if valid and finite else None


def _j(n1: np.ndarray, n2: np.ndarray) -> tuple[np.ndarray, int, bool]:
    """Hedges' J as a table over the df the sizes can give (``hedges_j_table``'s rule, from
    the sizes' extremes: no df array is made), else per row; each entry is ``hedges_j`` of
    the same df, so the numbers are the numpy engine's."""
    table = hedges_j_range(float(n1.min()) + float(n2.min()) - 2.0,
                           float(n1.max()) + float(n2.max()) - 2.0, n1.size)
    if table is not None:
        return table[0], table[1], False
    with np.errstate(all="ignore"):
        return hedges_j(n1 + n2 - 2.0), 0, True
