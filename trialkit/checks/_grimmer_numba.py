"""GRIMMER's ``engine="numba"``: the text reading, GRIM and the SD test fused into one loop.

The numpy engine (:func:`trialkit.checks._grimmer_numpy.grimmer_core`) makes about forty passes
over the rows, each writing a temporary array; this kernel reads each row's two texts and
tests its candidate totals in one pass, with the same float64 arithmetic in the same order
(exact: every product below 2**52, as in the numpy engine), so both engines return the same
numbers. Rows it does not handle are marked and sent back to the numpy engine: texts that
are not a plain number (the numpy engine reads them or names the row), n <= 4 (the lattice
search), magnitudes at or above 2**52 (exact integer arithmetic) and rows with more than
``_MAX_CANDIDATES`` totals (the error). Imported only when ``engine="numba"`` is asked for:
numba is an optional dependency (``pip install trialkit[fast]``).

The first call in a process compiles the kernel, or loads it from numba's cache (written
beside this file, or in the user's cache directory when the package folder is read-only).
Everything the cached kernels call lives in this one file, text readers included: numba
checks a cached kernel against its own file only, so a compiled function moved to another
file could change without the cache noticing.
"""

from __future__ import annotations

from typing import Any

import numba
import numpy as np

from trialkit.checks import _numbers as num
from trialkit.checks import _texts as txt

__all__: list[str] = []

_LIMIT = 2.0**52  # float64 holds every integer below this exactly
_MAX_WIDTH = 15  # characters the kernel reads (as the numpy engine's fast path)
_BLOCK = 4096  # rows whose texts are read ahead, into buffers that stay in the CPU cache
#: rounding scheme -> the kernel's code (its place in ``_numbers.ROUNDING_SCHEMES``)
_ORDER = list(num.ROUNDING_SCHEMES)
UD, HU, HD, HE, HA, HT, CE, FL, CF, TR, AT = (_ORDER.index(k) for k in (
    "up_or_down", "half_up", "half_down", "half_even", "half_away", "half_toward",
    "ceiling", "floor", "ceiling_or_floor", "trunc", "anti_trunc"))
POW10 = num.pow10(np.arange(23), float)  # the numpy engine's table: exact to 10**22


#: Each ASCII code's 4-bit value in a key (NUL 0, "+" .. "9" 1 .. 15), 255 for the others.
KEY_DIGIT = np.full(128, 255, np.int64)
KEY_DIGIT[0], KEY_DIGIT[43:58] = 0, np.arange(1, 16)


@numba.njit(inline="always", error_model="numpy")
def key_of(codes: Any, i: int) -> int:
    """4-bit key of text row i (NUL 0, "+" .. "9" 1 .. 15, the first character the most
    significant, as ``_texts._keys4``), or -1 when a character is none of those: one lookup
    in :data:`KEY_DIGIT` per character, the characters past ASCII caught by one test."""
    key = 0
    seen = 0  # the values' bits or-ed: above 15 when a character is out of the alphabet
    high = np.uint32(0)  # the codes or-ed: 128 or more when one is past ASCII
    for j in range(codes.shape[1]):
        c = codes[i, j]
        high |= c
        t = KEY_DIGIT[c & 127]
        seen |= t
        key = key * 16 + t
    return -1 if (high >= 128) | (seen > 15) else key


@numba.njit(inline="always", error_model="numpy")
def key4_of(codes: Any, i: int) -> int:
    """:func:`key_of` for four-character texts, written out (twice as fast as the loop)."""
    c0, c1, c2, c3 = codes[i, 0], codes[i, 1], codes[i, 2], codes[i, 3]
    t0, t1, t2, t3 = (KEY_DIGIT[c0 & 127], KEY_DIGIT[c1 & 127], KEY_DIGIT[c2 & 127],
                      KEY_DIGIT[c3 & 127])
    bad = ((c0 | c1 | c2 | c3) >= 128) | ((t0 | t1 | t2 | t3) > 15)
    return -1 if bad else (t0 << 12) | (t1 << 8) | (t2 << 4) | t3


@numba.njit(inline="always", error_model="numpy")
def key5_of(codes: Any, i: int) -> int:
    """:func:`key_of` for five-character texts, written out."""
    c0, c1, c2, c3, c4 = codes[i, 0], codes[i, 1], codes[i, 2], codes[i, 3], codes[i, 4]
    t0, t1, t2, t3, t4 = (KEY_DIGIT[c0 & 127], KEY_DIGIT[c1 & 127], KEY_DIGIT[c2 & 127],
                          KEY_DIGIT[c3 & 127], KEY_DIGIT[c4 & 127])
    bad = ((c0 | c1 | c2 | c3 | c4) >= 128) | ((t0 | t1 | t2 | t3 | t4) > 15)
    return -1 if bad else (t0 << 16) | (t1 << 12) | (t2 << 8) | (t3 << 4) | t4


@numba.njit(inline="always", error_model="numpy")
def packed(codes: Any, i: int) -> int:
    """Text row i read as ``_texts.parse_plain`` reads it (an optional leading sign, digits
    and at most one point, at least one digit, then only the NUL padding), packed into one
    integer ``(|X| * 32 + d) * 2 + negative``; -1 when it is not such a number."""
    x = 0
    ndig = 0
    ndot = 0
    before = 0
    ok = True
    live = True
    for j in range(codes.shape[1]):
        c = np.int64(codes[i, j])
        if c == 0:
            live = False
        elif not live:  # a character after the padding
            ok = False
        elif 48 <= c <= 57:
            x = x * 10 + (c - 48)
            ndig += 1
        elif c == 46:
            before = ndig
            ndot += 1
        elif j > 0 or (c != 45 and c != 43):
            ok = False
    if not ok or ndot > 1 or ndig == 0:
        return -1
    d = (ndig - before) if ndot == 1 else 0
    return (x * 32 + d) * 2 + (1 if codes[i, 0] == 45 else 0)


@numba.njit(error_model="numpy")
def read_block(codes: Any, start: int, stop: int, by_key: bool, out: Any) -> None:
    """Texts ``start:stop`` (all the first one when there is one text) into the block
    buffer, as keys (:func:`key_of`) or packed numbers (:func:`packed`). The texts are read
    ahead of the arithmetic, in loops of their own: read inside the main loop, either way
    of reading makes it several times slower."""
    one = codes.shape[0] == 1
    width = codes.shape[1]
    if by_key and not one and width == 4:  # the commonest widths, written out
        for i in range(start, stop):
            out[i - start] = key4_of(codes, i)
    elif by_key and not one and width == 5:
        for i in range(start, stop):
            out[i - start] = key5_of(codes, i)
    elif by_key:
        for i in range(start, stop):
            out[i - start] = key_of(codes, 0 if one else i)
    else:
        for i in range(start, stop):
            out[i - start] = packed(codes, 0 if one else i)


@numba.njit(inline="always", error_model="numpy")
def bounds(X: float, code: int) -> tuple[float, float, bool, bool]:
    """``_numbers.bounds`` for one value: the interval in half units, closed ends."""
    two = 2.0 * X
    pos = X > 0
    zero = X == 0
    if code == UD:
        return two - 1, two + 1, True, True
    if code == HU:
        return two - 1, two + 1, True, False
    if code == HD:
        return two - 1, two + 1, False, True
    if code == HE:
        even = (X % 2.0) == 0
        return two - 1, two + 1, even, even
    if code == CE:
        return two - 2, two, False, True
    if code == FL:
        return two, two + 2, True, False
    if code == CF:
        return two - 2, two + 2, False, False
    if code == HA:
        return two - 1, two + 1, pos, (not pos) and (not zero)
    if code == HT:
        return two - 1, two + 1, not pos, pos or zero
    if code == TR:
        lo = two if pos else (-2.0 if zero else two - 2)
        hi = two + 2 if pos else (2.0 if zero else two)
        return lo, hi, pos, (not pos) and (not zero)
    # anti_trunc
    lo = two - 2 if pos else two
    hi = two if pos else (two if zero else two + 2)
    return lo, hi, not pos, pos or zero

# Rows of the block buffer ``F`` (float64, one column per row of the block): what the
# decoding loops write and the arithmetic loop reads.
N_, NV, IT, LO, HI, LC, HC, M_, SLO, SHI, SLC, SHC, D_, BAD, ABS_XM = range(15)
# Rows of the result buffer ``R``.
STAGE, SLOW, TOTAL, SUM_SQ, Q_LO, Q_HI, Q_MIN = range(7)


@numba.njit(error_model="numpy")
def decode(bm: Any, bs: Any, L: int, mX: Any, md: Any, sX: Any, sd: Any, n: Any,
           items: Any, i0: int, code: int, F: Any) -> None:
    """The block's texts (keys or packed numbers), n and items, into the rows of ``F``:
    the mean's and SD's rounding intervals (half units, closed ends as 1.0 / 0.0 terms),
    10**d factors, and ``BAD`` for rows the kernel does not test. Several short loops, each
    with one kind of work: one loop doing it all ran five times slower (numba/LLVM)."""
    for b in range(L):
        vm, vs = bm[b], bs[b]
        if mX.shape[0]:  # by key; a key outside the alphabet (-1) reads as key 0, marked bad
            km = max(vm, 0)
            F[LO, b], F[M_, b] = float(mX[km]), float(md[km])
        else:
            F[LO, b] = float(vm >> 6) * (-1.0 if vm & 1 else 1.0)
            F[M_, b] = float((vm >> 1) & 31)
        if sX.shape[0]:
            ks = max(vs, 0)
            F[SLO, b], F[D_, b] = float(sX[ks]), float(sd[ks])
        else:
            F[SLO, b] = float(vs >> 6) * (-1.0 if vs & 1 else 1.0)
            F[D_, b] = float((vs >> 1) & 31)
    for b in range(L):
        nv = float(n[i0 + b if n.shape[0] > 1 else 0])
        it = float(items[i0 + b if items.shape[0] > 1 else 0])
        F[N_, b], F[NV, b], F[IT, b] = nv * it, nv, it
    for b in range(L):  # unread texts, negative SDs, n <= 4, SDs past 11 decimals
        ok = ((bm[b] >= 0) & (bs[b] >= 0) & (F[M_, b] >= 0) & (F[D_, b] >= 0)
              & (F[D_, b] <= 11) & (F[SLO, b] >= 0) & (F[NV, b] >= 5))
        F[BAD, b] = 0.0 if ok else 1.0
        F[ABS_XM, b] = abs(F[LO, b])
    for b in range(L):
        dm = min(max(np.int64(F[M_, b]), 0), 22)
        ds = min(max(np.int64(F[D_, b]), 0), 11)
        F[M_, b], F[D_, b] = 2.0 * POW10[dm], 4.0 * POW10[2 * ds]
    for b in range(L):
        lo, hi, lc, hc = bounds(F[LO, b], code)
        F[LO, b], F[HI, b] = lo, hi
        F[LC, b], F[HC, b] = 1.0 if lc else 0.0, 0.0 if hc else 1.0
    for b in range(L):  # the SD's interval, at zero closed
        slo, shi, slc, shc = bounds(F[SLO, b], code)
        neg = slo < 0
        F[SLO, b], F[SHI, b] = 0.0 if neg else slo, shi
        F[SLC, b], F[SHC, b] = 1.0 if (slc | neg) else 0.0, 0.0 if shc else 1.0


@numba.njit(inline="always", error_model="numpy")
def candidate(K: float, D: float, nD: float, nv: float, A: float,
              B: float) -> tuple[float, float, float, float, float]:
    """GRIMMER's tests 1-3 for one total K: (stage 1, 2, 3 or 5, q_lo, q_hi, q_min, the
    witness q1); ``A`` and ``B`` carry the SD interval's ends, their closed terms taken off."""
    KKD = K * K * D
    q_lo = np.floor((KKD + A) / nD) + 1.0
    q_hi = np.floor((KKD + B) / nD)
    c = np.floor(K / nv)
    r = K - nv * c
    q_min = c * (K + r) + r
    q1 = max(q_lo, q_min)
    q1 = K + 2.0 * np.ceil((q1 - K) * 0.5)
    t1 = q_lo <= q_hi
    t2 = t1 & (q_hi >= q_min)
    t3 = t2 & (q1 <= q_hi)
    return 1.0 + t1 + t2 + 2.0 * t3, q_lo, q_hi, q_min, q1


@numba.njit(inline="always", error_model="numpy")
def totals(F: Any, b: int) -> tuple[float, float]:
    """GRIM for row b: the first candidate total and the number of totals (at most one
    period of 2n: that is enough), <= 0 when the mean fails GRIM."""
    N, M = F[N_, b], F[M_, b]
    s_min = np.floor((N * F[LO, b] - F[LC, b]) / M) + 1.0
    s_max = np.floor((N * F[HI, b] - F[HC, b]) / M)
    return s_min, min(s_max - s_min + 1.0, 2.0 * F[NV, b])


@numba.njit(inline="always", error_model="numpy")
def past_limit(F: Any, b: int, s_min: float, count: float) -> bool:
    """Whether row b's products can reach 2**52, past which float64 is not exact."""
    nv, it, shi = F[NV, b], F[IT, b], F[SHI, b]
    kf = abs(s_min) + count
    return bool((F[N_, b] * (2.0 * F[ABS_XM, b] + 2.0) >= _LIMIT)
                | (kf * kf * F[D_, b] * 8 >= _LIMIT)
                | (nv * nv * it * it * (shi + 1) * (shi + 1) * 8 >= _LIMIT))


@numba.njit(inline="always", error_model="numpy")
def sd_terms(F: Any, b: int) -> tuple[float, float, float, float]:
    """Row b's SD window in sum-of-squares units: D, n D, and the ends A and B (each with
    its closed-end term taken off: exact, as every term is an integer below 2**52)."""
    nv, it, slo, shi, D = F[NV, b], F[IT, b], F[SLO, b], F[SHI, b], F[D_, b]
    spread = nv * (nv - 1.0) * it * it
    return D, nv * D, spread * slo * slo - F[SLC, b], spread * shi * shi - F[SHC, b]


@numba.njit(error_model="numpy")
def two_totals(F: Any, L: int, R: Any) -> None:
    """GRIM and GRIMMER for rows with at most two candidate totals (most rows of printed
    tables: 2n / 10**d + 1 candidates), both totals evaluated without a branch so that the
    loop runs on SIMD lanes; rows with more, and rows past the float64 limits, are marked
    ``SLOW`` for :func:`one_row`. The numpy engine's operations; every term is an
    integer below 2**52, so float64 computes each exactly, in any order."""
    nan = np.nan
    for b in range(L):
        s_min, count = totals(F, b)
        bad = (F[BAD, b] > 0) | past_limit(F, b, s_min, count)
        D, nD, A, B = sd_terms(F, b)
        nv = F[NV, b]
        st0, l0, h0, m0, w0 = candidate(s_min, D, nD, nv, A, B)
        st1, l1, h1, m1, w1 = candidate(s_min + 1.0, D, nD, nv, A, B)
        pick = (count >= 2.0) & (st1 > st0)  # the first total of the highest stage
        st = st1 if pick else st0
        fail = count <= 0  # the mean fails GRIM
        many = count > 2.0
        keep = not (fail | bad)
        R[STAGE, b] = 0.0 if (fail | bad | many) else st
        R[SLOW, b] = 1.0 if (bad | (many & (not fail))) else 0.0
        R[TOTAL, b] = (s_min + 1.0 if pick else s_min) if keep else nan
        R[SUM_SQ, b] = (w1 if pick else w0) if (keep & (st == 5.0)) else nan
        R[Q_LO, b] = (l1 if pick else l0) if keep else nan
        R[Q_HI, b] = (h1 if pick else h0) if keep else nan
        R[Q_MIN, b] = (m1 if pick else m0) if keep else nan


@numba.njit(error_model="numpy")
def one_row(F: Any, b: int, max_candidates: int, R: Any) -> bool:
    """GRIMMER of row b of the block over all its candidate totals (a row
    :func:`two_totals` marked ``SLOW``) into ``R``; False when the row goes back to the
    numpy engine (float64 limits, or more than ``max_candidates`` totals)."""
    nan = np.nan
    for k in (TOTAL, SUM_SQ, Q_LO, Q_HI, Q_MIN):
        R[k, b] = nan
    R[STAGE, b] = 0.0
    if F[BAD, b] > 0 or F[N_, b] * (2.0 * F[ABS_XM, b] + 2.0) >= _LIMIT:
        return False  # the mean's totals themselves would not be exact
    s_min, count = totals(F, b)
    if count <= 0:
        return True
    if count > max_candidates or past_limit(F, b, s_min, count):
        return False
    D, nD, A, B = sd_terms(F, b)
    nv = F[NV, b]
    best = 0.0
    for j in range(int(count)):
        K = s_min + j
        st, q_lo, q_hi, q_min, q1 = candidate(K, D, nD, nv, A, B)
        if st > best:
            best = st
            R[TOTAL, b], R[Q_LO, b], R[Q_HI, b], R[Q_MIN, b] = K, q_lo, q_hi, q_min
            if st == 5.0:
                R[SUM_SQ, b] = q1
                break
    R[STAGE, b] = best
    return True


@numba.njit(error_model="numpy")
def block(mcodes: Any, scodes: Any, n: Any, items: Any, code: int, max_candidates: int,
          mX: Any, md: Any, sX: Any, sd: Any, stage: Any, back: Any, total: Any,
          sum_sq: Any, q_lo_out: Any, q_hi_out: Any, q_min_out: Any, key_m: Any,
          key_s: Any, i: int, bm: Any, bs: Any, F: Any, R: Any) -> None:
    """GRIMMER of rows ``i:i + _BLOCK`` into the output arrays, through the block buffers
    ``bm``, ``bs``, ``F`` and ``R``: read the texts (:func:`read_block`), decode them
    (:func:`decode`), test the rows with one or two candidate totals (:func:`two_totals`),
    then the others (:func:`one_row`)."""
    rows = stage.shape[0]
    stop = min(rows, i + _BLOCK)
    L = stop - i
    read_block(mcodes, i, stop, mX.shape[0] > 0, bm)
    read_block(scodes, i, stop, sX.shape[0] > 0, bs)
    decode(bm, bs, L, mX, md, sX, sd, n, items, i, code, F)
    two_totals(F, L, R)
    for b in range(L):
        if R[SLOW, b] > 0:
            back[i + b] = not one_row(F, b, max_candidates, R)
        stage[i + b] = np.int8(R[STAGE, b])
    if total.shape[0] == rows:
        for b in range(L):
            total[i + b], sum_sq[i + b] = R[TOTAL, b], R[SUM_SQ, b]
            q_lo_out[i + b], q_hi_out[i + b] = R[Q_LO, b], R[Q_HI, b]
            q_min_out[i + b] = R[Q_MIN, b]
        if key_m.shape[0]:
            key_m[i:stop] = bm[:L]
        if key_s.shape[0]:
            key_s[i:stop] = bs[:L]


@numba.njit(cache=True, nogil=True, error_model="numpy")
def kernel(mcodes: Any, scodes: Any, n: Any, items: Any, code: int, max_candidates: int,
           mX: Any, md: Any, sX: Any, sd: Any, stage: Any, back: Any, total: Any,
           sum_sq: Any, q_lo_out: Any, q_hi_out: Any, q_min_out: Any, key_m: Any,
           key_s: Any) -> None:
    """GRIMMER of every row into the output arrays (made by numpy, which asks the kernel
    for huge pages: a million-row table's fresh memory costs less to fault in); a table
    when ``total`` has a row for each row, else the stages alone. One :func:`block` after
    another, through one set of block buffers."""
    buf = min(stage.shape[0], _BLOCK)
    bm, bs = np.empty(buf, np.int64), np.empty(buf, np.int64)
    F, R = np.empty((15, buf)), np.empty((7, buf))
    for i in range(0, stage.shape[0], _BLOCK):
        block(mcodes, scodes, n, items, code, max_candidates, mX, md, sX, sd, stage, back,
              total, sum_sq, q_lo_out, q_hi_out, q_min_out, key_m, key_s, i, bm, bs, F, R)


@numba.njit(cache=True, nogil=True, parallel=True, error_model="numpy")
def kernel_parallel(mcodes: Any, scodes: Any, n: Any, items: Any, code: int,
                    max_candidates: int, mX: Any, md: Any, sX: Any, sd: Any, stage: Any,
                    back: Any, total: Any, sum_sq: Any, q_lo_out: Any, q_hi_out: Any,
                    q_min_out: Any, key_m: Any, key_s: Any) -> None:
    """:func:`kernel` with the blocks shared among numba's threads (``parallel=True``):
    each block writes only its own rows, so the result does not depend on the threads."""
    rows = stage.shape[0]
    buf = min(rows, _BLOCK)
    for k in numba.prange((rows + _BLOCK - 1) // _BLOCK):
        bm, bs = np.empty(buf, np.int64), np.empty(buf, np.int64)
        F, R = np.empty((15, buf)), np.empty((7, buf))
        block(mcodes, scodes, n, items, code, max_candidates, mX, md, sX, sd, stage, back,
              total, sum_sq, q_lo_out, q_hi_out, q_min_out, key_m, key_s, k * _BLOCK, bm,
              bs, F, R)


def codes_of(text: np.ndarray) -> np.ndarray | None:
    """The character codes of a numpy unicode array as a C-contiguous (rows, width) uint32
    array, or None when the kernel does not read texts this wide."""
    width = text.dtype.itemsize // 4
    if width == 0 or width > _MAX_WIDTH:
        return None
    return np.ascontiguousarray(text).view(np.uint32).reshape(text.shape[0], width)


def run(tm: np.ndarray, ts: np.ndarray, n: np.ndarray, items: np.ndarray, rounding: str,
        table: bool, max_candidates: int, parallel: bool = False
        ) -> dict[str, np.ndarray] | None:
    """The kernel's results (``stage``, ``back`` and, for a table, the float columns and the
    texts' keys), or None when the texts are too wide for it; ``parallel``: on numba's
    threads (:func:`kernel_parallel`)."""
    mc, sc = codes_of(tm), codes_of(ts)
    if mc is None or sc is None:
        return None
    rows = max(mc.shape[0], sc.shape[0], n.shape[0], items.shape[0])
    size = rows if table else 0
    out = {"stage": np.empty(rows, np.int8), "back": np.zeros(rows, bool)}
    for key in ("total", "sum_squares", "q_lo", "q_hi", "q_min"):
        out[key] = np.empty(size)
    tm_X, tm_d = _tables(mc)
    ts_X, ts_d = _tables(sc)
    # the texts' keys, for the printed-text columns, where they are read by key
    out["key_mean"] = np.empty(size if tm_X.size else 0, np.uint32)
    out["key_sd"] = np.empty(size if ts_X.size else 0, np.uint32)
    (kernel_parallel if parallel else kernel)(
        mc, sc, _one_or_all(n), _one_or_all(items), _ORDER.index(rounding), max_candidates,
        tm_X, tm_d, ts_X, ts_d, *out.values())
    return out


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _seen(key: Any, size: int) -> Any:
    """Which of the ``size`` possible keys occur."""
    seen = np.zeros(size, np.bool_)
    for k in key:
        seen[k] = True
    return seen


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _ranks(key: Any, rank: Any, out: Any) -> None:
    for i in range(key.shape[0]):
        out[i] = rank[key[i]]


def ranked(key: np.ndarray, width: int) -> tuple[np.ndarray, np.ndarray]:
    """The texts' 4-bit keys numbered as ``_texts.text_column`` numbers them: each row's rank
    among the distinct keys, and the distinct keys in order (two compiled passes, where
    numpy's bincount and take each first copy the keys to intp)."""
    seen = _seen(key, 2 ** (4 * width))
    distinct = np.flatnonzero(seen).astype(key.dtype)
    rank = (np.cumsum(seen) - 1).astype(np.int16 if len(distinct) < 2**15 else np.int32)
    out = np.empty(key.shape[0], rank.dtype)
    _ranks(key, rank, out)
    return out, distinct


def _one_or_all(a: np.ndarray) -> np.ndarray:
    """A contiguous int64 array: one value when every row has the same (a broadcast view)."""
    if a.shape[0] > 1 and a.strides[0] == 0:
        return np.ascontiguousarray(a[:1], np.int64)
    return np.ascontiguousarray(a, np.int64)


def _tables(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The reading tables for these texts' width, as ``_texts.parse_plain`` chooses them
    (none, so read by :func:`parse`, beyond 4 characters unless there are many rows)."""
    rows, width = codes.shape
    if width > txt.KEY4_WIDTH or (width == txt.KEY4_WIDTH and rows < txt.TABLE5_ROWS):
        return np.zeros(0, np.int64), np.zeros(0, np.int8)
    return txt.plain_table(width)
