"""Which sums of squares n whole numbers with a given total can have, exactly, for n <= 4.

GRIMMER's last condition (see :mod:`trialkit.checks.grimmer`, condition 5): shifted by
``c = K // n``, n integers summing to ``r`` (0 <= r < n) with sum of squares ``Q'``. For
n >= 5 the necessary conditions ``Q' >= r`` and ``Q'`` of the parity of r suffice; below,
the exact conditions are:

- n = 2: ``2 Q' - r**2`` is a perfect square (it is ``(k_1 - k_2)**2``);
- n = 3: ``(3 Q' - r**2) / 2`` is of the form ``a**2 + a b + b**2`` (a Loeschian number);
- n = 4: by Legendre's three-square theorem, r odd, or r = 0 and ``Q'`` not of the form
  ``4**a (8 b + 7)``, or r = 2 and ``Q'`` not a multiple of 8.

Vectorized over candidates; exact on int64 and on Python integers (object arrays).
tests/checks/test_grimmer.py checks :func:`representable` against every integer vector.
"""

from __future__ import annotations

import math

import numpy as np

from trialkit.checks import _numbers as num

__all__ = ["lattice_search", "representable"]


def _isqrt(v: np.ndarray) -> np.ndarray:
    """Exact integer square root of non-negative integers (int64 or object arrays)."""
    if v.dtype == object:
        return np.array([math.isqrt(int(x)) for x in v], dtype=object)
    s = np.floor(np.sqrt(v.astype(float))).astype(np.int64)
    s = np.where(s * s > v, s - 1, s)
    s = np.where((s + 1) * (s + 1) <= v, s + 1, s)
    s = np.where(s * s > v, s - 1, s)
    return s


def _is_square(v: np.ndarray) -> np.ndarray:
    nonneg = np.asarray(v >= 0, dtype=bool)
    safe = np.where(nonneg, v, 0)
    s = _isqrt(safe)
    return nonneg & np.asarray(s * s == safe, dtype=bool)


def _is_loeschian(m: np.ndarray) -> np.ndarray:
    """True where m = a^2 + a b + b^2 for some integers a, b (m >= 0)."""
    m = np.asarray(m)
    result = np.asarray(m == 0, dtype=bool).copy()
    if m.size == 0:
        return result
    a_max = _isqrt(np.where(m > 0, (4 * m) // 3, 0))
    top = int(np.max(a_max)) if m.size else 0
    for a in range(top + 1):
        active = ~result & np.asarray(a <= a_max, dtype=bool)
        if not active.any():
            continue
        disc = 4 * m[active] - 3 * a * a
        result[np.flatnonzero(active)] = _is_square(disc)
    return result


def _strip_fours(q: np.ndarray) -> np.ndarray:
    q = q.copy()
    for _ in range(64):
        div = np.asarray((q > 0) & (q % 4 == 0), dtype=bool)
        if not div.any():
            break
        q = np.where(div, q // 4, q)
    return q


def representable(n: np.ndarray, r: np.ndarray, qp: np.ndarray) -> np.ndarray:
    """True where n integers summing to r (0 <= r < n) can have sum of squares qp.

    Assumes the necessary conditions ``qp >= r`` and ``qp = r (mod 2)`` already hold; exact
    for n <= 4 (see the module documentation), and True for n >= 5.
    """
    out = np.ones(n.shape[0], bool)
    n2, n3, n4 = (np.asarray(n == k, dtype=bool) for k in (2, 3, 4))
    if n2.any():
        out[n2] = _is_square(2 * qp[n2] - r[n2] * r[n2])
    if n3.any():
        t = 3 * qp[n3] - r[n3] * r[n3]
        even = np.asarray(t % 2 == 0, dtype=bool) & np.asarray(t >= 0, dtype=bool)
        res = np.zeros(t.shape[0], bool)
        if even.any():
            res[even] = _is_loeschian(t[even] // 2)
        out[n3] = res
    if n4.any():
        rr, qq = r[n4], qp[n4]
        odd = np.asarray(rr % 2 == 1, dtype=bool)
        r0 = np.asarray(rr == 0, dtype=bool)
        r2 = np.asarray(rr == 2, dtype=bool)
        res = odd.copy()
        if r0.any():
            res[r0] = np.asarray(_strip_fours(qq[r0]) % 8 != 7, dtype=bool)
        if r2.any():
            res[r2] = np.asarray(qq[r2] % 8 != 0, dtype=bool)
        out[n4] = res
    return out


def lattice_search(sel: np.ndarray, nn: np.ndarray, c: np.ndarray, r: np.ndarray,
                    q1: np.ndarray, q_hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For candidates ``sel`` (n <= 4): is some Q in q1, q1 + 2, ..., q_hi representable?

    Returns (found, the first representable Q). The candidate Qs are expanded into a flat
    array (in blocks), not looped over one by one.
    """
    n_s, c_s, r_s = (num.as_integers(a[sel]) for a in (nn, c, r))
    lo, hi = num.as_integers(q1[sel]), num.as_integers(q_hi[sel])
    steps = np.asarray((hi - lo) // 2 + 1, dtype=np.int64)
    found = np.zeros(sel.shape[0], bool)
    q_found = np.array(lo, copy=True)
    offset = np.zeros(sel.shape[0], np.int64)
    block = 256
    while True:
        todo = np.flatnonzero(~found & (offset < steps))
        if todo.size == 0:
            break
        take = np.minimum(steps[todo] - offset[todo], block)
        idx = np.repeat(todo, take)
        starts = np.repeat(np.cumsum(take) - take, take)
        k = np.arange(idx.shape[0]) - starts + offset[idx]
        q = lo[idx] + 2 * k
        shift = n_s[idx] * c_s[idx] * c_s[idx] + 2 * c_s[idx] * r_s[idx]
        ok = representable(n_s[idx], r_s[idx], q - shift)
        hit = np.flatnonzero(ok)
        if hit.size:
            rows_hit, first = np.unique(idx[hit], return_index=True)
            found[rows_hit] = True
            q_found[rows_hit] = q[hit[first]]
        offset[todo] += take
    return found, q_found
