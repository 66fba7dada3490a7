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

from typing import Any

import numpy as np
import pandas as pd

from trialkit.checks import _numbers as num
from trialkit.checks import _texts as txt
from trialkit.checks._grimmer_numpy import MAX_CANDIDATES, grimmer_core
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
        ``trialkit[fast]``, as pandas' ``engine="numba"``); the same numbers, about 1.5
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
    k = fused.run(tm, ts, nv, iv, rounding, table, MAX_CANDIDATES, parallel)
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
