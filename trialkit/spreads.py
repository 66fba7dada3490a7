"""SDs for rows printed with another spread (SE, 95% CI, quartiles or range).

The conversions are the engine's own (:mod:`trialkit.effects`); this module only decides
which applies to a row and names it:

- SE of the mean: ``SD = SE sqrt(n)`` (Cochrane Handbook 6.5.2.2),
  :func:`~trialkit.effects.sd_from_se`;
- 95% CI of the mean: ``SD = sqrt(n) (high - low) / (2 t_{0.975, n-1})`` (Cochrane Handbook
  6.5.2.2; the t quantile for small samples), :func:`~trialkit.effects.sd_from_ci`;
- median with quartiles and/or range: mean and SD by Luo et al. (2018) and Wan et al.
  (2014) (or Shi et al. 2020 with all five numbers), assuming normality,
  :func:`~trialkit.effects.mean_sd_from_quantiles`.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from typing import Any

from trialkit.errors import TrialDataError

__all__ = ["convert_spread"]

_SOURCE_NOTE = {
    "se": "SD from SE x sqrt(n), Cochrane Handbook 6.5.2.2",
    "ci": "SD from the 95% CI with the t quantile, Cochrane Handbook 6.5.2.2",
    "quantiles": "mean and SD estimated from the median and quartiles/range assuming "
                 "normality, Luo et al. 2018, Wan et al. 2014",
}


def _has(row: Mapping[str, Any], key: str) -> bool:
    value = row.get(key)
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def convert_spread(row: Mapping[str, Any], *, file: str | None = None, row_number: int | None
                   = None, field: str | None = None, **kwargs: Any) -> dict[str, Any]:
    """The SD (and, for a median, the mean) of a validated row that lacks them.

    Parameters
    ----------
    row : mapping
        The row's numbers: ``n`` and the ones present among ``mean, sd, se, ci_low, ci_high,
        median, q1, q3, min, max`` (NaN or absent for the others), and its ``source``.
    file, row_number, field : optional
        Where the row comes from, for the error message (``row=`` is accepted too).

    Returns
    -------
    dict
        ``sd`` (and ``mean`` where it was missing), ``source`` with the conversion appended,
        and ``method`` naming it (the engine's method text, prefixed with the function).

    Raises
    ------
    TrialDataError
        Naming the row, when the numbers given cannot be converted (e.g. a median with only
        one quartile, a CI with one end, fewer than 3 patients for quantiles).

    Examples
    --------
    SE 0.4 with n = 25: SD = 0.4 x sqrt(25) = 2.0 (Cochrane Handbook 6.5.2.2).

    >>> out = convert_spread({"n": 25, "mean": 5.0, "sd": float("nan"), "se": 0.4,
    ...                       "source": "Table 2"})
    >>> round(out["sd"], 10), out["method"]
    (2.0, 'sd_from_se/cochrane_6.5.2.2')
    """
    from trialkit import effects

    where = {"file": file, "row": kwargs.get("row", row_number), "field": field}
    n = row["n"]
    need_mean = not _has(row, "mean")
    if not need_mean and _has(row, "se"):
        res, kind, prefix = effects.sd_from_se(row["se"], n), "se", ""
    elif not need_mean and _has(row, "ci_low") and _has(row, "ci_high"):
        res, kind, prefix = effects.sd_from_ci(row["ci_low"], row["ci_high"], n), "ci", ""
    elif _has(row, "median"):
        res, kind = _from_quantiles(row, n, where), "quantiles"
        prefix = "mean_sd_from_quantiles/"
    else:
        given = [k for k in ("se", "ci_low", "ci_high", "median", "q1", "q3", "min", "max")
                 if _has(row, k)]
        raise TrialDataError(f"no SD, and {' and '.join(given) or 'nothing'} cannot be "
                             f"converted to one: give an SD, an SE, both ends of a CI, or a "
                             f"median with its quartiles or range", **where)
    out = {"sd": float(res["sd"].iloc[0]), "method": prefix + str(res["method"].iloc[0]),
           "source": f"{row['source']} ({_SOURCE_NOTE[kind]})"}
    if need_mean:
        out["mean"] = float(res["mean"].iloc[0])
    if not math.isfinite(out["sd"]) or out["sd"] <= 0:
        raise TrialDataError(f"the converted SD is {out['sd']!r}, not a usable spread",
                             **where)
    return out


def _from_quantiles(row: Mapping[str, Any], n: int, where: Mapping[str, Any]) -> Any:
    from trialkit import effects

    quartiles = _has(row, "q1") and _has(row, "q3")
    ends = _has(row, "min") and _has(row, "max")
    if not (quartiles or ends):
        have = [k for k in ("q1", "q3", "min", "max") if _has(row, k)]
        raise TrialDataError(f"a median with only {' and '.join(have) or 'itself'} cannot be "
                             f"converted to a mean and SD: give both quartiles (q1 and q3) "
                             f"or both ends of the range (min and max)", **where)
    given = {k: row[k] for k in ("q1", "q3") if quartiles} | {
        k: row[k] for k in ("min", "max") if ends}
    if n < 3:
        raise TrialDataError(f"n = {n}: the median-based estimators need at least 3 patients",
                             **where)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # the method records normal(assumed)
        try:
            return effects.mean_sd_from_quantiles(n, median=row["median"], **given)
        except TrialDataError as exc:
            raise TrialDataError(f"cannot convert the quantiles: {exc.reason}",
                                 **where) from None
