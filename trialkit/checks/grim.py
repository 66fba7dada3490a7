"""GRIM: is a reported mean possible for n whole-number responses?"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from trialkit.checks import _numbers as num
from trialkit.checks import _texts as txt

__all__ = ["GRIM_REASONS", "grim", "grim_consistent"]

#: The reasons :func:`grim` gives, in the order of its ``reason`` categories.
GRIM_REASONS = (
    "consistent: a whole-number total gives this mean",
    "consistent, but uninformative: with n x items >= 10^decimals every mean is possible",
    "inconsistent: no whole-number total gives this mean",
)


def grim(mean: Any, n: Any, items: Any = 1, *, percent: bool = False,
         rounding: str = "up_or_down") -> pd.DataFrame:
    """GRIM test: can ``n`` whole-number responses have the reported mean?

    A mean of ``n`` integers (or of ``n`` averages of ``items`` integer items) is a fraction
    ``S / (n * items)`` with a whole-number total ``S``. The reported mean is consistent when
    some such fraction rounds to it, under the rounding ``scheme`` given. The test works in
    exact integer arithmetic on the number *as printed*: give means as strings, because
    "5.10" (two decimals) and "5.1" (one) are different claims.

    Vectorized: every argument may be one value or a sequence (list, numpy array, pandas
    Series); they broadcast like numpy arguments. There is no Python loop over rows: the
    texts are read and tested in blocks of 65,536 rows that stay in the CPU cache. A
    million printed means take about 30 ms (``make bench``); :func:`grim_consistent`
    returns the verdicts alone in about half that.

    Parameters
    ----------
    mean : str or sequence of str
        Reported means (or percentages with ``percent=True``) as printed. Numbers are
        accepted with a warning, but lose trailing zeros.
    n : int or sequence of int
        Sample sizes (>= 1).
    items : int or sequence of int, default 1
        Number of integer items averaged into each response (a multi-item scale).
    percent : bool, default False
        The reported value is a percentage of ``n`` (e.g. "53" for 53% of participants);
        its decimals count two more.
    rounding : str, default "up_or_down"
        How the reported number was rounded. ``"up_or_down"`` (scrutiny's default) accepts
        rounding half up or half down; also ``"half_up"``, ``"half_down"``, ``"half_even"``,
        ``"ceiling"``, ``"floor"``, ``"ceiling_or_floor"``, ``"trunc"`` and ``"anti_trunc"``,
        and scrutiny's aliases ``"up"``, ``"down"``, ``"even"`` (see
        ``trialkit.checks.ROUNDING_SCHEMES``). Recorded in the ``rounding`` column.

    Returns
    -------
    pandas.DataFrame
        One row per input: ``mean`` (as given), ``n``, ``items``, ``rounding``,
        ``consistent`` (bool), ``reason`` (categorical, see ``GRIM_REASONS``), ``decimals``,
        ``possible_totals`` (how many whole-number totals give the mean), ``nearest_below``
        and ``nearest_above`` (for inconsistent means: the closest possible means on each
        side, full precision, in the units of ``mean``; NaN otherwise), ``probability``
        (share of values with these decimals that GRIM could flag at this n,
        ``max(0, 1 - n * items / 10**decimals)``, scrutiny's "probability") and ``method``.

    Raises
    ------
    TrialDataError
        A mean that is not a number as printed, an ``n`` or ``items`` that is not a whole
        number >= 1, or lengths that do not broadcast; the message names the argument and
        the element.

    References
    ----------
    Brown, N. J. L., & Heathers, J. A. J. (2017). The GRIM test: a simple technique detects
    numerous anomalies in the reporting of results in psychology. Social Psychological and
    Personality Science, 8(4), 363-369. https://doi.org/10.1177/1948550616673876

    Jung, L. (2024). scrutiny: Error Detection in Science (R package); rounding schemes and
    the "probability" column follow its ``grim_map()``.

    Examples
    --------
    >>> from trialkit.checks import grim
    >>> res = grim("5.19", 28)
    >>> bool(res.consistent.iloc[0])
    False
    >>> res[["nearest_below", "nearest_above"]].round(4).iloc[0].tolist()
    [5.1786, 5.2143]
    >>> grim(["5.19", "5.18"], [32, 28]).consistent.tolist()
    [True, True]
    """
    run = _run(mean, n, items, percent, rounding, "table")
    res, length = run["result"], run["length"]
    below, above = res["below"], res["above"]
    if percent:
        below, above = below * 100.0, above * 100.0
    out = pd.DataFrame(copy=False, data={
        "mean": txt.text_column(run["text"], length, res.get("key")),
        "n": num.own_copy(run["n"], length),  # copies: the user's arrays stay theirs
        "items": num.own_copy(run["items"], length),
        "rounding": txt.constant(run["rounding"], length),
        "consistent": res["consistent"],
        "reason": pd.Categorical.from_codes(res["code"], categories=list(GRIM_REASONS)),
        "decimals": res["decimals"],
        "possible_totals": res["count"],
        "nearest_below": below,
        "nearest_above": above,
        "probability": res["probability"],
        "method": txt.constant("grim/exact_integer" + ("/percent" if percent else ""),
                               length),
    })
    return out


def grim_consistent(mean: Any, n: Any, items: Any = 1, *, percent: bool = False,
                    rounding: str = "up_or_down") -> Any:
    """GRIM verdicts only: True where ``n`` whole-number responses can have the mean.

    The same exact test as :func:`grim`, returning only its ``consistent`` column, as a
    numpy boolean array (or one bool when every argument is a single value). Use it to
    screen or filter large tables (``df[grim_consistent(df["mean"], df["n"])]``): it skips
    the explanatory columns and so runs several times faster than :func:`grim`. scrutiny
    makes the same split between ``grim()`` and ``grim_map()``.

    Parameters
    ----------
    mean, n, items, percent, rounding
        As for :func:`grim`.

    Returns
    -------
    numpy.ndarray of bool, or bool

    Raises
    ------
    TrialDataError
        As for :func:`grim`.

    References
    ----------
    Brown, N. J. L., & Heathers, J. A. J. (2017). The GRIM test: a simple technique detects
    numerous anomalies in the reporting of results in psychology. Social Psychological and
    Personality Science, 8(4), 363-369. https://doi.org/10.1177/1948550616673876

    Examples
    --------
    >>> from trialkit.checks import grim_consistent
    >>> grim_consistent("5.19", 28)
    False
    >>> grim_consistent(["5.19", "5.18"], [28, 28]).tolist()
    [False, True]
    """
    run = _run(mean, n, items, percent, rounding, "verdict")
    ok = run["result"]["consistent"]
    return bool(ok[0]) if run["scalar"] else ok


def _run(mean: Any, n: Any, items: Any, percent: bool, rounding: str,
         what: str) -> dict[str, Any]:
    """Validate the arguments and run GRIM, reading and testing in one pass over blocks.

    Each block of rows is parsed (the fast path of ``_texts.parse_plain``) and tested
    while it is in the CPU cache, so the parsed numbers never exist for all rows at once.
    Texts the fast path does not read (blanks, 16+ characters, errors) go through the
    general parser for all rows, which reads them or names the bad row.
    """
    rounding = num.check_rounding(rounding)
    text, m_scalar = txt.as_unicode(mean, "mean")
    n_arr, n_scalar = num.as_int_array(n, "n", 1, copy=False)
    items_arr, items_scalar = num.as_int_array(items, "items", 1, copy=False)
    length = num.common_length({"mean": len(text), "n": len(n_arr), "items": len(items_arr)})
    N = num.stretch(num.times(n_arr, items_arr), length)
    shift = 2 if percent else 0

    def block(t: np.ndarray, N_: np.ndarray) -> dict[str, np.ndarray] | None:
        plain = txt.parse_plain(t, key=what == "table")
        if plain is None:
            return None
        out = grim_block(plain[0], plain[1] + shift, N_, rounding, what)
        if what == "table":
            out["decimals"] = plain[1]
            if plain[2].size:
                out["key"] = plain[2]
        return out

    res = num.by_blocks(block, text, N) if len(text) == length else None
    if res is None:
        rep = txt.parse_reported(mean if m_scalar else text, "mean", percent=percent)
        X, d = num.stretch(rep.X, length), num.stretch(rep.d, length)
        res = grim_core(X, d, N, rounding, what=what)
        if what == "table":
            res["decimals"] = np.array(d - shift)
    return {"result": res, "text": text, "n": n_arr, "items": items_arr, "length": length,
            "rounding": rounding, "scalar": m_scalar and n_scalar and items_scalar}


def grim_core(X: np.ndarray, d: np.ndarray, N: np.ndarray, rounding: str, *,
              what: str = "totals") -> dict[str, np.ndarray]:
    """Vectorized GRIM on parsed numbers: totals S with S / N rounding to X / 10**d.

    Works through the rows in blocks (:func:`trialkit.checks._numbers.by_blocks`) and returns
    only what the caller needs, because at a million rows every extra output array costs
    time:

    - ``what="verdict"``: ``consistent``;
    - ``what="totals"``: also ``s_min`` and ``s_max`` (the possible totals, exact integers
      held as float64, int64 or Python integers; ``s_min > s_max`` when none) and ``count``
      (how many);
    - ``what="table"``: ``consistent``, ``count``, ``code`` (index into ``GRIM_REASONS``),
      ``below`` / ``above`` (for inconsistent rows the means of the totals just outside,
      NaN otherwise) and ``probability``.

    The arithmetic is exact. When every product ``N * (2 X +- 2)`` is below 2**52 (always,
    for printed means of real samples) it runs in float64, where these integers and the
    floor of their quotients are exact (a quotient within one ulp of an integer would need
    a numerator of 2**53 or more) and fast; otherwise in int64, or in Python integers.
    """
    return num.by_blocks(lambda *a: grim_block(*a, rounding, what), X, d, N)


def grim_block(X: np.ndarray, d: np.ndarray, N: np.ndarray, rounding: str,
                what: str) -> dict[str, np.ndarray]:
    """:func:`grim_core` on one block of rows."""
    d_max = int(d.max())
    if float(N.max()) * (2.0 * num.max_abs(X) + 2.0) < 2.0**52 and d_max <= 22:
        Nf = N.astype(float)
        lo, hi, lo_closed, hi_closed = num.bounds(X.astype(float), d, rounding, arrays=False)
        # 10**d: one number when every row has the same decimals (the usual table)
        P = 10.0**d_max if int(d.min()) == d_max else num.pow10(d, float)
        M = 2.0 * P
        s_min = Nf * lo
        s_min -= lo_closed
        s_min /= M
        np.floor(s_min, out=s_min)
        s_min += 1.0
        s_max = Nf * hi
        s_max -= ~hi_closed
        s_max /= M
        np.floor(s_max, out=s_max)
    else:
        lo, hi, lo_closed, hi_closed = num.bounds(X, d, rounding)
        big = num.needs_objects(num.max_abs(N) * (num.max_abs(lo) + 2.0),
                                2.0 * 10.0 ** num.max_abs(d))
        M = 2 * (10 ** d.astype(object)) if big else 2 * num.pow10(d)
        Ne = num.as_exact(N, big)
        s_min = num.first_at_least(Ne * num.as_exact(lo, big), M, lo_closed)
        s_max = num.last_at_most(Ne * num.as_exact(hi, big), M, hi_closed)
        Nf = N.astype(float)
        P = num.pow10(d, float)
    consistent = np.asarray(s_min <= s_max, dtype=bool)
    if what == "verdict":
        return {"consistent": consistent}
    count = s_max - s_min
    count += 1
    count = np.asarray(np.maximum(count, 0), dtype=np.int64)
    if what == "totals":  # float64 (exact integers), int64 or Python integers
        return {"consistent": consistent, "s_min": s_min, "s_max": s_max, "count": count}
    s_min = np.asarray(s_min, dtype=float)
    above = s_min / Nf
    np.putmask(above, consistent, np.nan)
    below = s_min - 1.0
    below /= Nf
    np.putmask(below, consistent, np.nan)
    probability = Nf / P
    np.subtract(1.0, probability, out=probability)
    np.maximum(probability, 0.0, out=probability)
    # reason codes 0, 1 (consistent, uninformative: probability 0) and 2 (inconsistent);
    # an inconsistent mean always has probability > 0, as n * items < 10**decimals
    code = (probability <= 0).view(np.int8) + 2 * (~consistent).view(np.int8)
    return {"consistent": consistent, "count": count, "code": code, "below": below,
            "above": above, "probability": probability}
