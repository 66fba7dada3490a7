"""GRIMMER: is a reported SD possible together with the mean, for n whole-number responses?

The algorithm is exact, not a set of necessary conditions. Write ``k_i`` for the whole-number
score of participant i (the sum of its ``items`` item scores), ``K = sum k_i`` and
``Q = sum k_i**2``. The reported mean and SD are possible iff there is a pair ``(K, Q)`` with

1. ``K / (n * items)`` rounding to the reported mean (GRIM);
2. the SD ``sqrt((Q - K**2 / n) / (n - 1)) / items`` rounding to the reported SD, with ``Q`` a
   whole number (Anaya 2016; Allard 2018, "test 1" and "test 2");
3. ``Q >= Qmin(K)``, the sum of squares of the least spread integers with total K (``r``
   values ``c + 1`` and ``n - r`` values ``c``, ``c = K // n``): an SD below that of the
   tightest possible sample is impossible;
4. ``Q`` of the same parity as ``K``, because ``k**2`` and ``k`` are both odd or both even
   (Allard 2018, "test 3");
5. some n integers with total K having sum of squares exactly Q. For n >= 5 conditions 3-4
   are already sufficient (proof below); for n = 2, 3 and 4 they are not, and the exact
   conditions are checked:

   - shift the integers by ``c`` so that they sum to ``r`` (0 <= r < n) and have sum of
     squares ``Q' = Q - n c**2 - 2 c r``;
   - n = 2: ``2 Q' - r**2`` must be a perfect square (it is ``(k_1 - k_2)**2``);
   - n = 3: ``(3 Q' - r**2) / 2`` must be of the form ``a**2 + a b + b**2`` (with
     ``a = k_1 - k_2``, ``b = k_2 - k_3``; the congruence on a and b is automatic);
   - n = 4: with the Hadamard transform ``v = H k``, ``4 Q' = r**2 + v_1**2 + v_2**2 +
     v_3**2``; by Legendre's three-square theorem this is possible iff r is odd, or r = 0 and
     ``Q'`` is not of the form ``4**a (8 b + 7)``, or r = 2 and ``Q'`` is not a multiple of 8.

   Proof that 3-4 suffice for n >= 5: for n = 5 write the sample as one value ``a`` plus four
   values; choosing ``a`` so that the four values have an odd total (a = 0 when r is odd,
   a = 1 when r is even) leaves an n = 4 problem whose odd-total case has no gaps above its
   minimum, and the minimum lines up with ``Qmin`` for n = 5. Adding a value 0 (or 1 when
   r = n) carries the property from n to n + 1. The tests check all of this against brute
   force enumeration of every multiset for small n.

There are usually one or a few candidate totals K; each is tested (scrutiny's original
implementation tested only the rounded total, which produced false "test 3" alarms; see
scrutiny issue #80).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from trialkit.checks import _numbers as num
from trialkit.checks import _texts as txt
from trialkit.checks.grim import grim_core
from trialkit.errors import TrialDataError

__all__ = ["GRIMMER_REASONS", "grimmer", "grimmer_consistent"]

#: Reasons :func:`grimmer` gives, ordered from the earliest failed step to success.
GRIMMER_REASONS = (
    "inconsistent: the mean fails GRIM (no whole-number total gives it)",
    "inconsistent: no whole-number sum of squares gives this SD (GRIMMER test 1-2)",
    "inconsistent: the SD is below the smallest SD possible for this mean and n",
    "inconsistent: every sum of squares giving this SD has the wrong parity (GRIMMER test 3)",
    "inconsistent: no n integers have this total and sum of squares (exact test, n <= 4)",
    "consistent: some whole-number responses have this mean and SD",
)
_MAX_CANDIDATES = 5_000_000
#: ``engine`` values: numpy (the default) and a compiled kernel (numba, an optional extra)
ENGINES = ("numpy", "numba")
#: The ``reason`` column's dtype: codes are the stages 0-5, valid by construction.
_REASON_DTYPE = pd.CategoricalDtype(list(GRIMMER_REASONS))


def grimmer(mean: Any, sd: Any, n: Any, items: Any = 1, *,
            rounding: str = "up_or_down", engine: str = "numpy",
            engine_kwargs: dict[str, bool] | None = None) -> pd.DataFrame:
    """GRIMMER test: can ``n`` whole-number responses have both the reported mean and SD?

    Exact (see the module documentation for the algorithm and its proof): a reported pair is
    consistent iff some sample of ``n`` integers (or of ``n`` averages of ``items`` integer
    items) has a mean and a sample SD (divisor n - 1) that round to the reported ones. The
    scale's bounds are not used (see :func:`trialkit.checks.check_sd_bounds` and
    :func:`trialkit.checks.sprite` for bounded scales). Means and SDs are read as printed:
    give them as strings.

    Vectorized over all arguments (numpy broadcasting), with no Python loop over rows: the
    texts are read and tested in blocks of 65,536 rows, and the candidate totals of a block
    are tested together (the j-th candidate of every row at once, or all of them expanded
    into one flat array). A million printed means and SDs take about 0.1 s (``make bench``);
    :func:`grimmer_consistent` returns the verdicts alone in less than half that.

    Parameters
    ----------
    mean, sd : str or sequence of str
        Reported mean and SD as printed.
    n : int or sequence of int
        Sample sizes (>= 2: an SD needs two values).
    items : int or sequence of int, default 1
        Integer items averaged into each response.
    rounding : str, default "up_or_down"
        Rounding scheme of both the mean and the SD (see :func:`trialkit.checks.grim`).
    engine : {"numpy", "numba"}, default "numpy"
        ``"numba"`` reads and tests each row in one compiled loop (the optional extra
        ``trialkit[fast]``, as pandas' ``engine="numba"``); the same numbers, about 1.3
        times faster for a million-row table after the first call of a process (which
        compiles the loop or loads it from numba's cache). Rows it does not test itself
        (n <= 4, magnitudes past 2**52, unreadable texts) go through the numpy engine.
    engine_kwargs : dict, optional
        For ``engine="numba"``, as pandas' ``engine_kwargs``: ``{"parallel": True}`` shares
        the rows among numba's threads (``NUMBA_NUM_THREADS``, by default one per core);
        the result does not depend on the threads. ``nopython`` and ``nogil`` are accepted
        as True (the loop is always compiled so).

    Returns
    -------
    pandas.DataFrame
        One row per input: ``mean``, ``sd`` (as given), ``n``, ``items``, ``rounding``,
        ``consistent``, ``reason`` (categorical, ``GRIMMER_REASONS``), ``test`` (the step
        reached: 0 GRIM failed, 1 no whole-number sum of squares, 2 SD below the minimum,
        3 parity, 4 n <= 4 lattice, 5 consistent), ``total`` and ``sum_squares`` (a witness
        when consistent: the total K and sum of squares Q of a possible sample, in item-sum
        units), ``sum_squares_low`` and ``sum_squares_high`` (for the total that got
        furthest, the whole-number sums of squares matching the SD), ``min_sum_squares``
        (Qmin for that total) and ``method``.

    Raises
    ------
    TrialDataError
        Unreadable numbers, a negative SD, n < 2, lengths that do not broadcast, or a row
        with more than five million candidate totals.

    References
    ----------
    Anaya, J. (2016). The GRIMMER test: a method for testing the validity of reported
    measures of variability. PeerJ Preprints 4:e2400v1.

    Allard, A. (2018). Analytic-GRIMMER: a new way of testing the possibility of standard
    deviations. https://aurelienallard.netlify.app/post/anaytic-grimmer-possibility-standard-deviations/

    Brown, N. J. L., & Heathers, J. A. J. (2017). The GRIM test. Social Psychological and
    Personality Science, 8(4), 363-369.

    Examples
    --------
    >>> from trialkit.checks import grimmer
    >>> res = grimmer(["5.23", "5.23"], ["2.55", "2.55"], [35, 31])
    >>> res.consistent.tolist()
    [False, True]
    >>> str(res.reason.iloc[0])
    'inconsistent: every sum of squares giving this SD has the wrong parity (GRIMMER test 3)'
    """
    run = _run(mean, sd, n, items, rounding, "table", engine, engine_kwargs)
    res, length = run["result"], run["length"]
    stage = res["stage"]
    return pd.DataFrame(copy=False, data={
        "mean": txt.text_column(run["mean"], length, res.get("key_mean"),
                                ranked=res.get("ranked_mean")),
        "sd": txt.text_column(run["sd"], length, res.get("key_sd"),
                              ranked=res.get("ranked_sd")),
        "n": num.own_copy(run["n"], length),  # copies: the user's arrays stay theirs
        "items": num.own_copy(run["items"], length),
        "rounding": txt.constant(run["rounding"], length),
        "consistent": stage == 5,
        "reason": pd.Categorical.from_codes(stage, dtype=_REASON_DTYPE, validate=False),
        "test": stage.astype(np.int64),
        "total": res["total"],
        "sum_squares": res["sum_squares"],
        "sum_squares_low": res["q_lo"],
        "sum_squares_high": res["q_hi"],
        "min_sum_squares": res["q_min"],
        "method": txt.constant("grimmer/exact_integer/all_totals/lattice_n<=4", length),
    })


def grimmer_consistent(mean: Any, sd: Any, n: Any, items: Any = 1, *,
                       rounding: str = "up_or_down", engine: str = "numpy",
                       engine_kwargs: dict[str, bool] | None = None) -> Any:
    """GRIMMER verdicts only: True where ``n`` whole-number responses can have mean and SD.

    The same exact test as :func:`grimmer`, returning only its ``consistent`` column, as a
    numpy boolean array (or one bool when every argument is a single value), for screening
    and filtering large tables; it skips the witness and explanatory columns.

    Parameters
    ----------
    mean, sd, n, items, rounding, engine, engine_kwargs
        As for :func:`grimmer`.

    Returns
    -------
    numpy.ndarray of bool, or bool

    Raises
    ------
    TrialDataError
        As for :func:`grimmer`.

    References
    ----------
    Anaya, J. (2016). The GRIMMER test: a method for testing the validity of reported
    measures of variability. PeerJ Preprints 4:e2400v1.

    Allard, A. (2018). Analytic-GRIMMER: a new way of testing the possibility of standard
    deviations. https://aurelienallard.netlify.app/post/anaytic-grimmer-possibility-standard-deviations/

    Examples
    --------
    >>> from trialkit.checks import grimmer_consistent
    >>> grimmer_consistent(["5.23", "5.23"], ["2.55", "2.55"], [35, 31]).tolist()
    [False, True]
    >>> grimmer_consistent("5.23", "2.55", 31)
    True
    """
    run = _run(mean, sd, n, items, rounding, "verdict", engine, engine_kwargs)
    ok = run["result"]["consistent"]
    return bool(ok[0]) if run["scalar"] else ok


def _run(mean: Any, sd: Any, n: Any, items: Any, rounding: str, what: str,
         engine: str = "numpy", engine_kwargs: dict[str, bool] | None = None
         ) -> dict[str, Any]:
    """Validate the arguments and run GRIMMER with the engine asked for."""
    rounding = num.check_rounding(rounding)
    parallel = _parallel(engine, engine_kwargs)
    tm, m_scalar = txt.as_unicode(mean, "mean")
    ts, s_scalar = txt.as_unicode(sd, "sd")
    n_arr, n_scalar = num.as_int_array(n, "n", 2, why="an SD needs at least two values",
                                       copy=False)
    items_arr, items_scalar = num.as_int_array(items, "items", 1, copy=False)
    length = num.common_length({"mean": len(tm), "sd": len(ts), "n": len(n_arr),
                                "items": len(items_arr)})
    args = (mean if m_scalar else tm, sd if s_scalar else ts, tm, ts,
            num.stretch(n_arr, length), num.stretch(items_arr, length), length, rounding, what)
    res = _numba_result(*args, parallel=parallel) if engine == "numba" else None
    if res is None:
        res = _numpy_result(*args)
    return {"result": res, "mean": tm, "sd": ts, "n": n_arr, "items": items_arr,
            "length": length, "rounding": rounding,
            "scalar": m_scalar and s_scalar and n_scalar and items_scalar}


def _parallel(engine: str, engine_kwargs: dict[str, bool] | None) -> bool:
    """Check ``engine`` and ``engine_kwargs``: whether the numba engine runs on threads."""
    if engine not in ENGINES:
        raise TrialDataError(f"unknown engine {engine!r}; expected one of "
                             f"{', '.join(map(repr, ENGINES))}", field="engine")
    if not engine_kwargs:
        return False
    if engine != "numba":
        raise TrialDataError("engine_kwargs applies to engine='numba' only",
                             field="engine_kwargs")
    unknown = set(engine_kwargs) - {"parallel", "nopython", "nogil"}
    fixed = [k for k in ("nopython", "nogil") if engine_kwargs.get(k, True) is not True]
    if unknown or fixed:
        raise TrialDataError(f"engine_kwargs takes 'parallel' (True or False); 'nopython' and "
                             f"'nogil' can only be True; got {engine_kwargs!r}",
                             field="engine_kwargs")
    return bool(engine_kwargs.get("parallel", False))


def _numpy_result(mean: Any, sd: Any, tm: np.ndarray, ts: np.ndarray, nv: np.ndarray,
                  iv: np.ndarray, length: int, rounding: str,
                  what: str) -> dict[str, np.ndarray]:
    """The numpy engine, reading and testing in one pass over blocks.

    As :func:`trialkit.checks.grim._run`: each block of rows is parsed by the fast path
    and tested while in the CPU cache; texts it does not read go through the general parser
    for all rows, which reads them or names the bad row.
    """
    table = what == "table"

    def block(tm_: np.ndarray, ts_: np.ndarray, n_: np.ndarray,
              it_: np.ndarray) -> dict[str, np.ndarray] | None:
        pm, ps = txt.parse_plain(tm_, key=table), txt.parse_plain(ts_, key=table)
        if pm is None or ps is None or ps[0].min() < 0:
            return None
        out = grimmer_core(pm[0], pm[1], ps[0], ps[1], n_, it_, rounding, what)
        if table and pm[2].size:
            out["key_mean"] = pm[2]
        if table and ps[2].size:
            out["key_sd"] = ps[2]
        return out

    res = None
    if len(tm) == length and len(ts) == length:
        res = num.by_blocks(block, tm, ts, nv, iv)
    if res is None:
        rep_m = txt.parse_reported(mean, "mean")  # the value given, for its messages
        rep_s = txt.parse_reported(sd, "sd")
        if np.any(rep_s.X < 0):
            i = int(np.flatnonzero(rep_s.X < 0)[0])
            raise TrialDataError(f"an SD cannot be negative, got {rep_s.value[i]!r}",
                                 field="sd", row=None if np.ndim(sd) == 0 else i)
        res = num.by_blocks(lambda *a: grimmer_core(*a, rounding, what),
                            *(num.stretch(a, length) for a in (rep_m.X, rep_m.d, rep_s.X,
                                                                rep_s.d)), nv, iv)
    return res


def _numba_result(mean: Any, sd: Any, tm: np.ndarray, ts: np.ndarray, nv: np.ndarray,
                  iv: np.ndarray, length: int, rounding: str, what: str, *,
                  parallel: bool = False) -> dict[str, np.ndarray] | None:
    """The numba engine (:mod:`trialkit.checks._grimmer_numba`); the rows it hands back go
    through the numpy engine. None when it reads none of the rows (texts too wide)."""
    try:
        from trialkit.checks import _grimmer_numba as fused
    except ImportError:
        raise ImportError("engine='numba' needs the optional dependency numba: "
                          "pip install 'trialkit[fast]'") from None
    table = what == "table"
    k = fused.run(tm, ts, nv, iv, rounding, table, _MAX_CANDIDATES, parallel)
    if k is None:
        return None
    stage, back = k["stage"], np.flatnonzero(k["back"])
    columns = ("total", "sum_squares", "q_lo", "q_hi", "q_min") if table else ()
    out = {key: k[key] for key in ("stage", *columns)} if table else {}
    if back.size:  # the numpy engine on those rows (or, for an error, on all rows)
        part = [num.stretch(a, length)[back] for a in (tm, ts, nv, iv)]
        try:
            sub = _numpy_result(part[0], part[1], *part, back.size, rounding, what)
        except TrialDataError:
            return _numpy_result(mean, sd, tm, ts, nv, iv, length, rounding, what)
        if not table:
            stage[back] = np.where(sub["consistent"], 5, 0)
        for key in out:
            out[key][back] = sub[key]
    for key, text in (("mean", tm), ("sd", ts)):  # the texts numbered, if all were read
        if table and k[f"key_{key}"].size and not back.size:
            out[f"ranked_{key}"] = fused.ranked(k[f"key_{key}"], text.dtype.itemsize // 4)
    return out if table else {"consistent": stage == 5}


def grimmer_core(Xm: np.ndarray, dm: np.ndarray, Xs: np.ndarray, ds: np.ndarray,
                 n: np.ndarray, items: np.ndarray, rounding: str,
                 what: str = "table") -> dict[str, np.ndarray]:
    """Vectorized exact GRIMMER on parsed numbers; see the module documentation.

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
    if np.any(count > _MAX_CANDIDATES):
        i = int(np.flatnonzero(count > _MAX_CANDIDATES)[0])
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
        found, q_found = _lattice_search(sel, nn, c, r, q1, q_hi)
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


# ---------------------------------------------------------------------------------------
# exact representability for n = 2, 3, 4
# ---------------------------------------------------------------------------------------


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


def _lattice_search(sel: np.ndarray, nn: np.ndarray, c: np.ndarray, r: np.ndarray,
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
