"""GRIM: is a reported mean possible for n whole-number responses?"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from trialkit.checks import _numbers as num

__all__ = ["GRIM_REASONS", "grim"]

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
    Series); they broadcast like numpy arguments. There is no Python loop over rows.

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
    rounding = num.check_rounding(rounding)
    rep = num.parse_reported(mean, "mean", percent=percent)
    n_arr, _ = num.as_int_array(n, "n", 1)
    items_arr, _ = num.as_int_array(items, "items", 1)
    arrays, length = num.broadcast({"mean": rep.X, "n": n_arr, "items": items_arr})
    rep = num.take(rep, length)
    res = grim_core(rep.X, rep.d, arrays["n"] * arrays["items"], rounding)
    scale = 100.0 if percent else 1.0
    below = np.where(res["consistent"], np.nan, res["below"] * scale)
    above = np.where(res["consistent"], np.nan, res["above"] * scale)
    uninformative = res["consistent"] & (res["probability"] <= 0)
    codes = np.where(res["consistent"], np.where(uninformative, 1, 0), 2).astype(np.int8)
    out = pd.DataFrame(copy=False, data={
        "mean": num.text_column(rep, length),
        "n": arrays["n"],
        "items": arrays["items"],
        "rounding": num.constant(rounding, length),
        "consistent": res["consistent"],
        "reason": pd.Categorical.from_codes(codes, categories=list(GRIM_REASONS)),
        "decimals": rep.d - (2 if percent else 0),
        "possible_totals": res["count"],
        "nearest_below": below,
        "nearest_above": above,
        "probability": res["probability"],
        "method": num.constant("grim/exact_integer" + ("/percent" if percent else ""),
                               length),
    })
    return out


def grim_core(X: np.ndarray, d: np.ndarray, N: np.ndarray, rounding: str) -> dict[str, Any]:
    """Vectorized GRIM on parsed numbers: totals S with S / N rounding to X / 10**d.

    Returns ``consistent``, ``s_min`` and ``s_max`` (the possible totals, exact integers;
    s_min > s_max when none), ``count``, ``below`` / ``above`` (the means of the totals just
    outside, as floats) and ``probability``.
    """
    lo, hi, lo_closed, hi_closed = num.bounds(X, d, rounding)
    big = num.needs_objects(num.max_abs(N) * (num.max_abs(lo) + 2.0),
                            2.0 * 10.0 ** num.max_abs(d))
    M = 2 * (10 ** d.astype(object)) if big else 2 * num.pow10(d)
    Ne = num.as_exact(N, big)
    s_min = num.first_at_least(Ne * num.as_exact(lo, big), M, lo_closed)
    s_max = num.last_at_most(Ne * num.as_exact(hi, big), M, hi_closed)
    consistent = np.asarray(s_min <= s_max, dtype=bool)
    count = np.maximum(np.asarray(s_max - s_min + 1, dtype=np.int64), 0)
    Nf = N.astype(float)
    below = np.asarray(s_min - 1, dtype=float) / Nf
    above = np.asarray(s_min, dtype=float) / Nf
    probability = np.maximum(0.0, 1.0 - Nf / 10.0 ** d.astype(float))
    return {"consistent": consistent, "s_min": s_min, "s_max": s_max, "count": count,
            "below": below, "above": above, "probability": probability}
