"""Within-trial checks of the rows frame, vectorized across all trials at once.

Each check runs on the rows it applies to and returns one row per row checked, with a
``verdict`` ("consistent", "inconsistent" or "cannot check"), the ``method`` and a
plain-language ``reason``:

``grim``
    a mean of whole-number values (rows with ``integer`` true, printed mean): Brown &
    Heathers (2017), :func:`trialkit.checks.grim`.
``grimmer``
    mean and SD together for whole-number values: Anaya (2016), Allard (2018),
    :func:`trialkit.checks.grimmer`.
``grim_percent``
    a categorical row's printed percentage: some whole number of the arm's n patients gives
    it (GRIM on a percentage), or, when the count is given too, 100 x count / n rounds to it.
``sd_bounds``
    rows with a scale (``scale_min``, ``scale_max``): the SD is possible for n values on the
    scale with that mean (:func:`trialkit.checks.check_sd_bounds`; Heathers et al. 2018).
``se_as_sd``
    one row per variable with two or more arms: does the "SD" look like a standard error
    (SE = SD / sqrt(n); Altman & Bland 2005)? See :func:`se_as_sd_rows` for the rule.

A row is "cannot check" when the check applies in principle but the table lacks what it
needs (a mean given as a number has no printed decimals; an SD needs n >= 2).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from trialkit.screen._rows import ROW_KEYS

__all__ = ["WITHIN_COLUMNS", "se_as_sd_rows", "within_checks"]

WITHIN_COLUMNS = ("trial", "variable", "arm", "timepoint", "check", "verdict", "method",
                  "reason", "file", "row")
#: |standardized difference| between two arms at baseline beyond which the "SDs" read as
#: SDs would describe arms that do not overlap (Cohen's d of 3: 93% of one arm beyond the
#: other's mean); read as SEs (SD = SE x sqrt(n)) the difference is ordinary.
LARGE_D = 3.0


def _frame(rows: pd.DataFrame, mask: np.ndarray, check: str, verdict: np.ndarray,
           method: object, reason: object) -> pd.DataFrame:
    sub = rows.loc[mask, [*list(ROW_KEYS), "file", "row"]].reset_index(drop=True)
    sub.insert(4, "check", check)
    sub.insert(5, "verdict", verdict)
    sub.insert(6, "method", method)
    sub.insert(7, "reason", reason)
    return sub


def _verdicts(ok: np.ndarray) -> np.ndarray:
    return np.where(ok, "consistent", "inconsistent").astype(object)


def _cannot(rows: pd.DataFrame, mask: np.ndarray, check: str, why: str) -> pd.DataFrame:
    return _frame(rows, mask, check, "cannot check", f"{check}/not_run", f"cannot check: {why}")


def grim_rows(rows: pd.DataFrame, rounding: str = "up_or_down") -> list[pd.DataFrame]:
    """GRIM and GRIMMER on whole-number rows (see the module documentation)."""
    from trialkit.checks import grim, grimmer

    cont = (rows["kind"] == "continuous").to_numpy() & rows["integer"].to_numpy(bool)
    text = rows["mean_text"].to_numpy(str) != ""
    out = [_cannot(rows, cont & ~text, "grim", "the mean was given as a number, so its "
                   "printed decimals are not known (give it as text or add mean_decimals)")]
    m = cont & text
    if m.any():
        res = grim(rows.loc[m, "mean_text"].to_numpy(str), rows.loc[m, "n"].to_numpy(),
                   rows.loc[m, "items"].to_numpy())
        out.append(_frame(rows, m, "grim", _verdicts(res["consistent"].to_numpy()),
                          res["method"].to_numpy(object), res["reason"].astype(str).to_numpy()))
    sd_text = rows["sd_text"].to_numpy(str) != ""
    small = rows["n"].to_numpy() < 2
    out.append(_cannot(rows, m & (~sd_text | small), "grimmer",
                       "an SD needs n >= 2 and its printed decimals"))
    m2 = m & sd_text & ~small
    if m2.any():
        res = grimmer(rows.loc[m2, "mean_text"].to_numpy(str),
                      rows.loc[m2, "sd_text"].to_numpy(str), rows.loc[m2, "n"].to_numpy(),
                      rows.loc[m2, "items"].to_numpy(), rounding=rounding)
        out.append(_frame(rows, m2, "grimmer", _verdicts(res["consistent"].to_numpy()),
                          res["method"].to_numpy(object), res["reason"].astype(str).to_numpy()))
    return out


def percent_rows(rows: pd.DataFrame, rounding: str = "up_or_down") -> list[pd.DataFrame]:
    """A categorical row's printed percentage against n (and the count, when given)."""
    from trialkit.checks import grim

    cat = (rows["kind"] == "categorical").to_numpy()
    text = rows["percent_text"].to_numpy(str) != ""
    count = rows["count"].to_numpy(float)
    out = []
    m = cat & text & np.isnan(count)
    if m.any():
        res = grim(rows.loc[m, "percent_text"].to_numpy(str), rows.loc[m, "n"].to_numpy(),
                   percent=True, rounding=rounding)
        ok = res["consistent"].to_numpy()
        reason = np.where(ok, "consistent: a whole number of the arm's patients gives this "
                          "percentage", "inconsistent: no whole number of the arm's patients "
                          "gives this percentage")
        out.append(_frame(rows, m, "grim_percent", _verdicts(ok),
                          res["method"].to_numpy(object), reason))
    m = cat & text & np.isfinite(count)
    if m.any():
        pct = 100.0 * count[m] / rows.loc[m, "n"].to_numpy(float)
        d = rows.loc[m, "percent_decimals"].to_numpy(float)
        half = 0.5 * 10.0 ** -d
        printed = rows.loc[m, "percent"].to_numpy(float)
        ok = np.abs(pct - printed) <= half * (1 + 1e-9)
        reason = [f"{'consistent' if o else 'inconsistent'}: 100 x {int(c)} / {int(nn)} = "
                  f"{q:.{int(dd) + 2}f}" + ("" if o else f", which does not round to {t}")
                  for o, c, nn, q, dd, t in zip(ok, count[m], rows.loc[m, "n"], pct, d,
                                                rows.loc[m, "percent_text"], strict=True)]
        out.append(_frame(rows, m, "grim_percent", _verdicts(ok),
                          "percent_vs_count/rounding_interval", reason))
    return out


def bounds_rows(rows: pd.DataFrame, rounding: str = "up_or_down") -> list[pd.DataFrame]:
    """The SD's bounds on the variable's scale, for rows with scale_min and scale_max."""
    from trialkit.checks import check_sd_bounds

    scaled = (rows["kind"] == "continuous").to_numpy() & np.isfinite(
        rows["scale_min"].to_numpy(float))
    printed = ((rows["mean_text"].to_numpy(str) != "") & (rows["sd_text"].to_numpy(str) != "")
               & (rows["n"].to_numpy() >= 2))
    integer = rows["integer"].to_numpy(bool)
    items = rows["items"].to_numpy(float)
    whole = (np.round(rows["scale_min"].to_numpy(float) * items)
             == rows["scale_min"].to_numpy(float) * items) & (
        np.round(rows["scale_max"].to_numpy(float) * items)
        == rows["scale_max"].to_numpy(float) * items)
    out = [_cannot(rows, scaled & ~printed, "sd_bounds", "needs the printed mean and SD "
                   "and n >= 2"),
           _cannot(rows, scaled & printed & integer & ~whole, "sd_bounds", "with whole-number "
                   "data the scale's ends times items must be whole numbers")]
    for flag in (True, False):
        m = scaled & printed & (integer == flag) & (whole | ~integer)
        if not m.any():
            continue
        sub = rows.loc[m]
        res = check_sd_bounds(sub["mean_text"].to_numpy(str), sub["sd_text"].to_numpy(str),
                              sub["n"].to_numpy(), sub["scale_min"].to_numpy(float),
                              sub["scale_max"].to_numpy(float), sub["items"].to_numpy(),
                              integer=flag, rounding=rounding)
        out.append(_frame(rows, m, "sd_bounds", _verdicts(res["consistent"].to_numpy()),
                          res["method"].to_numpy(object), res["reason"].astype(str).to_numpy()))
    return out


def within_checks(rows: pd.DataFrame, *, rounding: str = "up_or_down") -> pd.DataFrame:
    """All within-trial checks of a rows frame, vectorized across trials.

    Parameters
    ----------
    rows : pandas.DataFrame
        The rows frame (:func:`trialkit.screen.read_rows`).
    rounding : str, default "up_or_down"
        How the printed numbers were rounded (see :func:`trialkit.checks.grim`).

    Returns
    -------
    pandas.DataFrame
        :data:`WITHIN_COLUMNS`: one row per row (or, for ``se_as_sd``, per variable) and
        check that applies; ``verdict`` is "consistent", "inconsistent" or "cannot check".
        Sorted by trial, variable, timepoint, check, arm.

    References
    ----------
    Brown, N. J. L., & Heathers, J. A. J. (2017). The GRIM test. Social Psychological and
    Personality Science, 8(4), 363-369. Anaya, J. (2016). The GRIMMER test. PeerJ Preprints
    4:e2400v1. Heathers, J. A., et al. (2018). SPRITE. PeerJ Preprints 6:e26968v1. Altman,
    D. G., & Bland, J. M. (2005). Standard deviations and standard errors. BMJ, 331, 903.

    Examples
    --------
    >>> import pandas as pd
    >>> from trialkit.screen import read_rows, within_checks
    >>> rows = read_rows(pd.DataFrame({"trial": ["T", "T"], "variable": ["pain", "pain"],
    ...     "arm": ["A", "B"], "n": ["28", "28"], "mean": ["5.19", "5.18"],
    ...     "sd": ["1.1", "1.2"], "integer": ["yes", "yes"]}))
    >>> res = within_checks(rows)
    >>> res[res.check == "grim"][["arm", "verdict"]].values.tolist()
    [['A', 'inconsistent'], ['B', 'consistent']]
    """
    pieces = [*grim_rows(rows, rounding), *percent_rows(rows, rounding),
              *bounds_rows(rows, rounding), se_as_sd_rows(rows)]
    pieces = [p for p in pieces if len(p)]
    if not pieces:
        return pd.DataFrame({c: pd.Series(dtype=object if c != "row" else np.int64)
                             for c in WITHIN_COLUMNS})
    out = pd.concat(pieces, ignore_index=True)[list(WITHIN_COLUMNS)]
    out["verdict"] = out["verdict"].astype(str)
    return out.sort_values(["trial", "variable", "timepoint", "check", "arm"],
                           kind="stable").reset_index(drop=True)


def se_as_sd_rows(rows: pd.DataFrame) -> pd.DataFrame:
    """SDs that look like standard errors, one row per variable with two or more arms.

    An SE is ``SD / sqrt(n)``: printed in place of SDs, SEs make the arms look far apart
    (the standardized difference is inflated by about ``sqrt(n)``), and across arms of
    unequal size they shrink with ``sqrt(n)`` where SDs would not. The rule, for each pair of
    arms of a variable (n >= 2, SD > 0):

    - *looks like SE* (inconsistent) when the standardized difference
      ``|m_a - m_b| / SD_pooled`` exceeds :data:`LARGE_D` (3): read as SDs the arms would
      barely overlap at baseline, which randomization does not produce; read as SEs the
      difference is ``sqrt(n)`` times smaller;
    - a weaker sign, reported in the reason but not flagged on its own: arms whose sizes
      differ by 30% or more have SDs whose ratio follows ``sqrt(n_b / n_a)`` (within a
      third of the log ratio) rather than 1.

    References
    ----------
    Altman, D. G., & Bland, J. M. (2005). Standard deviations and standard errors. BMJ, 331,
    903. Carlisle, J. B. (2017), Anaesthesia 72, 944-952 (SEs printed as SDs among the
    causes of extreme baseline p values).
    """
    keys = ["trial", "variable", "timepoint"]
    cols = [*keys, "arm", "n", "mean", "sd", "file", "row"]
    base = rows.loc[(rows["kind"] == "continuous").to_numpy() & (rows["n"].to_numpy() >= 2)
                    & (rows["sd"].to_numpy(float) > 0), cols]
    if base.empty:
        return pd.DataFrame(columns=list(WITHIN_COLUMNS))
    a = base.reset_index(drop=True).assign(_i=lambda f: np.arange(len(f)))
    pairs = a.merge(a, on=keys, suffixes=("_a", "_b"))
    pairs = pairs[pairs["_i_a"] < pairs["_i_b"]]
    na, nb = pairs["n_a"].to_numpy(float), pairs["n_b"].to_numpy(float)
    sa, sb = pairs["sd_a"].to_numpy(float), pairs["sd_b"].to_numpy(float)
    pooled = np.sqrt(((na - 1) * sa**2 + (nb - 1) * sb**2) / (na + nb - 2))
    d = np.abs(pairs["mean_a"].to_numpy(float) - pairs["mean_b"].to_numpy(float)) / pooled
    log_ratio = np.log(sa / sb)
    tracks = ((np.maximum(na, nb) >= 1.3 * np.minimum(na, nb))
              & (np.abs(log_ratio - 0.5 * np.log(nb / na)) < np.abs(log_ratio) / 3))
    per = pd.DataFrame({**{k: pairs[k].to_numpy() for k in keys}, "d": d, "tracks": tracks,
                        "file": pairs["file_a"].to_numpy(),
                        "row": np.minimum(pairs["row_a"], pairs["row_b"]).to_numpy()})
    g = per.groupby(keys, sort=False).agg(d=("d", "max"), tracks=("tracks", "any"),
                                           file=("file", "first"), row=("row", "min"))
    g = g.reset_index()
    large = g["d"].to_numpy() > LARGE_D
    reason = [
        (f"looks like SE: read as SDs, the arms differ by {dd:.1f} SDs at baseline"
         if big else f"no sign of an SE: the arms differ by at most {dd:.2f} SDs")
        + ("; across arms of unequal size the SDs shrink with sqrt(n), as SEs would"
           if tr else "")
        for dd, big, tr in zip(g["d"], large, g["tracks"], strict=True)]
    g.insert(3, "arm", "")
    g.insert(4, "check", "se_as_sd")
    g.insert(5, "verdict", _verdicts(~large))
    g.insert(6, "method", "se_as_sd/standardized_difference>3+sqrt_n_pattern")
    g.insert(7, "reason", reason)
    return g[list(WITHIN_COLUMNS)]
