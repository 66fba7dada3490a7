"""statcheck: extract APA-style test results from text and recompute their p values."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from trialkit.errors import TrialDataError

__all__ = ["statcheck"]

_NUM = r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d*\.\d+|\d+)"
# A minus sign may have been typeset as a hyphen, a Unicode minus, an en or em dash.
_MINUS = r"(?:[-\u2212\u2013\u2014]\s?)?"
_VALUE = rf"(?P<comp>[<>=])\s?(?P<val>{_MINUS}{_NUM})"
_P = (r"(?:(?P<pns>\bn\.?\s?s\.?(?![a-z]))|p\s?(?P<pcomp>[<>=])\s?"
      r"(?P<pval>\d?\.\d+(?:[eE]-?\d+)?))")
_DF = r"\(\s?(?P<df2>\d*\.?\d+)\s?\)"
_TAIL = rf"\s?{_VALUE}\s?,\s?{_P}"
_PATTERNS = {
    "t": rf"(?<![a-z])t\s?{_DF}{_TAIL}",
    "r": rf"(?<![a-z])r\s?{_DF}{_TAIL}",
    "F": (rf"(?<![a-z])F\s?\(\s?(?P<df1>\d*\.?(?:\d+|I|l))\s?,\s?(?P<df2>\d*\.?\d+)\s?\)"
          rf"{_TAIL}"),
    "chi2": (r"(?:\u03c7\s?(?:2|\u00b2|\^2)|chi\s?[-_]?\s?(?:squared?|2|\u00b2|\^2)|"
             r"(?<![a-z])x\s?(?:2|\u00b2|\^2))\s?\(\s?(?P<df1>\d*\.?\d+)\s?"
             r"(?:,\s?n\s?=\s?(?P<N>[\d,]+)\s?)?\)" + _TAIL),
    "Q": (r"(?<![a-z])Q\s?-?\s?(?:within|between|w|b)?\s?\(\s?(?P<df1>\d*\.?\d+)\s?\)"
          + _TAIL),
    "z": rf"(?<![a-z])z{_TAIL}",
}
_COMPILED = {k: re.compile(v, re.IGNORECASE) for k, v in _PATTERNS.items()}
_ONE_TAILED = re.compile(r"one.?tailed|one.?sided|directional", re.IGNORECASE)


def _decimals(text: str) -> int:
    m = re.search(r"\.(\d+)", text)
    return len(m.group(1)) if m else 0


def _number(text: str) -> float:
    clean = re.sub(r"[\u2212\u2013\u2014]", "-", text).replace(",", "").replace(" ", "")
    return float(clean)


def _p_two_or_one(kind: str, stat: np.ndarray, df1: np.ndarray, df2: np.ndarray,
                  two_tailed: bool) -> np.ndarray:
    """p value of |stat| for each test kind (statcheck's compute_p, vectorized)."""
    a = np.abs(stat)
    if kind == "t":
        p = stats.t.sf(a, df2)
    elif kind == "z":
        p = stats.norm.sf(a)
    elif kind == "r":
        with np.errstate(divide="ignore", invalid="ignore"):
            t = a / np.sqrt((1 - a * a) / df2)
        p = np.where(a >= 1, 0.0, stats.t.sf(t, df2))
    elif kind == "F":
        return stats.f.sf(stat, df1, df2)
    else:  # chi2, Q
        return stats.chi2.sf(stat, df1)
    return np.minimum(2 * p, 1.0) if two_tailed else p


def statcheck(text: str, *, alpha: float = 0.05, p_equal_alpha_sig: bool = True,
              p_zero_error: bool = True, one_tailed_txt: bool = False,
              two_tailed: bool = True) -> pd.DataFrame:
    """Extract APA-style results from text, recompute p and flag inconsistencies.

    Recognises ``t(28) = 2.20, p = .03``, ``F(2, 45) = 3.1, p < .05``,
    ``r(40) = .32, p = .04``, ``chi2(1, N = 50) = 4.2, p = .04`` (also ``χ2``, ``χ²``,
    ``chi-square``), ``Q(3) = ...`` and ``z = 1.96, p = .05``, with ``p =``, ``p <``,
    ``p >`` or ``ns``.

    The rules are those of the R package statcheck (Nuijten et al. 2016; ``error_test`` and
    ``decision_error_test`` of statcheck 1.5): a test statistic reported with k decimals
    stands for any value within half a unit of its last digit, which gives a range of p
    values ``[p_low, p_high]``. A result is *inconsistent* when the reported p cannot come
    from that range: for ``p = x`` with d decimals, when x lies outside
    ``[round(p_low, d), round(p_high, d)]``; for ``p < x``, when ``x < p_low``; for
    ``p > x``, when ``x > p_high`` (``ns`` is read as ``p > alpha``); a reported p of 0 is
    an error (``p_zero_error``). An inconsistent result is a *decision error* when the
    reported and the recomputed p fall on different sides of alpha. One deliberate
    difference: when the rounding interval of a t, z or r value contains 0, ``p_high`` is 1
    (statcheck evaluates the interval's negative end instead).

    Parameters
    ----------
    text : str
        Any text (an abstract, a results section).
    alpha : float, default 0.05
        Significance level for decision errors.
    p_equal_alpha_sig : bool, default True
        Count p = alpha as significant (statcheck's ``pEqualAlphaSig``).
    p_zero_error : bool, default True
        Count a reported p of 0 (e.g. ``p = .000``) as an error (``pZeroError``).
    one_tailed_txt : bool, default False
        statcheck's ``OneTailedTxt``: when the text mentions "one-tailed", "one-sided" or
        "directional", a result that is consistent as a one-tailed test is accepted as such
        (and the ``note`` says so).
    two_tailed : bool, default True
        Recompute t, z and r tests as two-tailed (statcheck's ``OneTailedTests = FALSE``).

    Returns
    -------
    pandas.DataFrame
        One row per result, in text order: ``raw`` (the matched text), ``statistic`` (t, F,
        r, chi2, Q, z), ``df1``, ``df2``, ``test_comparison``, ``value``, ``value_decimals``,
        ``p_comparison`` (=, <, > or ns), ``reported_p``, ``p_decimals``, ``computed_p``
        (from the value as printed), ``p_low``, ``p_high`` (over the value's rounding
        interval), ``consistent``, ``decision_error``, ``one_tailed_in_text``, ``note``,
        ``location`` (character offset) and ``method``. Empty (with these columns) when no
        result is found.

    References
    ----------
    Nuijten, M. B., Hartgerink, C. H. J., van Assen, M. A. L. M., Epskamp, S., & Wicherts,
    J. M. (2016). The prevalence of statistical reporting errors in psychology (1985-2013).
    Behavior Research Methods, 48(4), 1205-1226. https://doi.org/10.3758/s13428-015-0664-2

    Epskamp, S., & Nuijten, M. B. statcheck: Extract statistics from articles and recompute
    p values. R package, version 1.5.0 (``R/error_test.R``, ``R/decision_error_test.R``).

    Examples
    --------
    >>> from trialkit.checks import statcheck
    >>> res = statcheck("The effect was significant, t(28) = 2.20, p = .04, but not "
    ...                 "F(2, 28) = 2.20, p = .03.")
    >>> res[["statistic", "consistent", "decision_error"]].values.tolist()
    [['t', True, False], ['F', False, True]]
    >>> round(float(res.computed_p.iloc[0]), 4)
    0.0362
    """
    if not isinstance(text, str):
        raise TrialDataError(f"expected a string of text, got {type(text).__name__}",
                             field="text")
    if not 0 < float(alpha) < 1:
        raise TrialDataError(f"must lie strictly between 0 and 1, got {alpha!r}", field="alpha")
    flat = text.replace("\n", " ")
    rows: list[dict[str, Any]] = []
    taken: list[tuple[int, int]] = []
    for kind, rx in _COMPILED.items():
        for m in rx.finditer(flat):
            span = m.span()
            if any(s < span[1] and span[0] < e for s, e in taken):
                continue
            taken.append(span)
            rows.append(_parse_match(kind, m))
    columns = ["raw", "statistic", "df1", "df2", "test_comparison", "value", "value_decimals",
               "p_comparison", "reported_p", "p_decimals", "computed_p", "p_low", "p_high",
               "consistent", "decision_error", "one_tailed_in_text", "note", "location",
               "method"]
    if not rows:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    frame = pd.DataFrame(rows).sort_values("location", kind="stable").reset_index(drop=True)
    # statcheck drops impossible values: |r| > 1 and p > 1 (a misread, not a result)
    frame = frame[~((frame.statistic == "r") & (frame.value.abs() > 1))]
    frame = frame[~(frame.reported_p > 1)].reset_index(drop=True)
    if frame.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    one_tailed_in_text = bool(_ONE_TAILED.search(flat))
    frame["one_tailed_in_text"] = one_tailed_in_text
    result = _evaluate(frame, alpha, p_equal_alpha_sig, p_zero_error, two_tailed)
    for key, value in result.items():
        frame[key] = value
    frame["note"] = ""
    if one_tailed_txt and two_tailed and one_tailed_in_text:
        one = _evaluate(frame, alpha, p_equal_alpha_sig, p_zero_error, False)
        fix = ~frame["consistent"].to_numpy() & one["consistent"]
        for key in ("computed_p", "p_low", "p_high", "consistent", "decision_error"):
            frame.loc[fix, key] = one[key][fix]
        frame.loc[fix, "note"] = "consistent as a one-tailed test (the text mentions one)"
    frame["method"] = "statcheck/nuijten2016/rounding_interval"
    return frame[columns]


def _parse_match(kind: str, m: re.Match[str]) -> dict[str, Any]:
    g = m.groupdict()
    df1 = g.get("df1")
    if df1 in ("I", "l"):
        df1 = "1"
    val_text = g["val"]
    if g.get("pns"):
        pcomp, pval, pdec = "ns", np.nan, 0
    else:
        pcomp, pval, pdec = g["pcomp"], float(g["pval"]), _decimals(g["pval"])
    return {
        "raw": m.group(0), "statistic": kind,
        "df1": float(df1) if df1 is not None else np.nan,
        "df2": float(g["df2"]) if g.get("df2") is not None else np.nan,
        "test_comparison": g["comp"], "value": _number(val_text),
        "value_decimals": _decimals(val_text), "p_comparison": pcomp, "reported_p": pval,
        "p_decimals": pdec, "location": m.start(),
    }


def _evaluate(frame: pd.DataFrame, alpha: float, p_equal_alpha_sig: bool,
              p_zero_error: bool, two_tailed: bool) -> dict[str, np.ndarray]:
    n = len(frame)
    value = frame["value"].to_numpy(float)
    dec = frame["value_decimals"].to_numpy(int)
    df1 = frame["df1"].to_numpy(float)
    df2 = frame["df2"].to_numpy(float)
    kind = frame["statistic"].to_numpy(object)
    half = 0.5 / 10.0 ** dec
    mag = np.abs(value)
    low_mag = np.maximum(mag - half, 0.0)
    up_mag = mag + half
    computed = np.full(n, np.nan)
    p_low = np.full(n, np.nan)
    p_high = np.full(n, np.nan)
    for k in np.unique(kind):
        sel = kind == k
        computed[sel] = _p_two_or_one(k, value[sel], df1[sel], df2[sel], two_tailed)
        p_high[sel] = _p_two_or_one(k, low_mag[sel], df1[sel], df2[sel], two_tailed)
        p_low[sel] = _p_two_or_one(k, up_mag[sel], df1[sel], df2[sel], two_tailed)
    pcomp = frame["p_comparison"].to_numpy(object).copy()
    reported = frame["reported_p"].to_numpy(float).copy()
    pdec = frame["p_decimals"].to_numpy(int)
    ns = pcomp == "ns"
    reported[ns] = alpha
    pcomp[ns] = ">"
    tcomp = frame["test_comparison"].to_numpy(object)
    error = np.zeros(n, bool)
    for i in range(n):  # a handful of results per text: statcheck's scalar rules
        error[i] = _error(reported[i], pcomp[i], tcomp[i], p_low[i], p_high[i], int(pdec[i]),
                          p_zero_error)
    decision = np.zeros(n, bool)
    for i in np.flatnonzero(error):
        decision[i] = _decision_error(reported[i], computed[i], pcomp[i], tcomp[i], alpha,
                                      p_equal_alpha_sig)
    return {"computed_p": computed, "p_low": p_low, "p_high": p_high,
            "consistent": ~error, "decision_error": decision}


def _error(rep: float, pcomp: str, tcomp: str, low_p: float, up_p: float, pdec: int,
           p_zero_error: bool) -> bool:
    """statcheck's error_test for one result (R/error_test.R)."""
    if p_zero_error and rep <= 0:
        return True
    if tcomp == "=":
        if pcomp == "=":
            return bool(rep > round(up_p, pdec) or rep < round(low_p, pdec))
        if pcomp == "<":
            return bool(rep < low_p)
        return bool(rep > up_p)
    if tcomp == "<":
        if pcomp == "=":
            return bool(rep < round(up_p, pdec))
        if pcomp == "<":
            return bool(rep < up_p)
        return False
    if pcomp == "=":
        return bool(rep > round(low_p, pdec))
    if pcomp == "<":
        return False
    return bool(rep > low_p)


def _decision_error(rep: float, comp: float, pcomp: str, tcomp: str, alpha: float,
                    equal_sig: bool) -> bool:
    """statcheck's decision_error_test for one result (R/decision_error_test.R)."""
    if equal_sig:
        if tcomp == "=":
            if pcomp == "=":
                return bool((rep <= alpha < comp) or (rep > alpha >= comp))
            if pcomp == "<":
                return bool(rep <= alpha < comp)
            return bool(rep >= alpha >= comp)
        if tcomp == "<":
            if pcomp in ("=", "<"):
                return bool(rep <= alpha <= comp)
            return False
        if pcomp == "=":
            return bool(rep > alpha >= comp)
        if pcomp == "<":
            return False
        return bool(rep >= alpha >= comp)
    if tcomp == "=":
        if pcomp == "=":
            return bool((rep < alpha <= comp) or (rep >= alpha > comp))
        if pcomp == "<":
            return bool(rep <= alpha <= comp)
        return bool(rep >= alpha > comp)
    if tcomp == "<":
        if pcomp == "=":
            return bool(rep < alpha <= comp)
        if pcomp == "<":
            return bool(rep <= alpha <= comp)
        return False
    if pcomp == "=":
        return bool(rep >= alpha >= comp)
    if pcomp == "<":
        return False
    return bool(rep >= alpha >= comp)
