"""Change rows: each arm's baseline and follow-up pair, its printed change row, the pre-post
correlation the three SDs imply, and the between-arm change effects built on them.

The seam: everything here is about the change from baseline of one arm (or the two arms of
one comparison) and where its correlation comes from (observed, given, implied by printed
SDs, or assumed); :mod:`._within` and :mod:`._between` only assemble rows.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from trialkit.trial import Trial

def _pairs(trial: Trial, outcome: str, arm: str, timepoint: str) -> dict[str, Any] | None:
    """Baseline and follow-up statistics of one arm; from patient data where they exist."""
    import numpy as np

    if trial.baseline is None:  # baseline = false: no pair to take a change from
        return None
    if trial.ipd is not None:
        from trialkit.ipd import baseline_followup

        wide = baseline_followup(trial, outcome, timepoint)
        wide = wide[wide["arm"] == arm]
        if len(wide) < 2:
            return None
        r = float(np.corrcoef(wide["pre"], wide["post"])[0, 1])
        return {"m_pre": wide["pre"].mean(), "sd_pre": wide["pre"].std(ddof=1),
                "m_post": wide["post"].mean(), "sd_post": wide["post"].std(ddof=1),
                "n": len(wide), "r": r, "r_source": "observed",
                "m_change": wide["change"].mean(), "sd_change": wide["change"].std(ddof=1),
                "source": "derived from ipd"}
    s = trial.summary.set_index(["outcome", "arm", "timepoint"])
    base, post = (outcome, arm, trial.baseline), (outcome, arm, timepoint)
    if base not in s.index or post not in s.index:
        return None
    b, p = s.loc[base], s.loc[post]
    return {"m_pre": b["mean"], "sd_pre": b["sd"], "m_post": p["mean"], "sd_post": p["sd"],
            "n": int(p["n"]), "r": None, "r_source": None, "converted": _converted(b, p),
            "source": f"{b['source']}; {p['source']}" if b["source"] != p["source"]
            else p["source"]}


# --- printed change rows and conversions recorded at the boundary ------------------------------



#: r_source for an effect that used the printed change SD (no correlation needed).
PRINTED = "not needed (printed change)"
IMPLIED = "implied by printed SDs"


def _converted(*rows: Any) -> str:
    """``/method`` suffix naming boundary conversions (sd_from_se, ...) of summary rows used."""
    seen: list[str] = []
    for row in rows:
        if row is None or "method" not in row.index:
            continue
        value = row["method"]
        text = "" if value is None or (isinstance(value, float) and value != value) else str(value)
        if text and text not in seen:
            seen.append(text)
    return "".join(f"/{m}" for m in seen)


def _change(trial: Trial, outcome: str, arm: str, timepoint: str) -> Any:
    """The printed change row of one arm at one follow-up, or None."""
    ch = trial.changes
    if ch.empty:
        return None
    sel = ch[(ch["outcome"] == outcome) & (ch["arm"] == arm) & (ch["timepoint"] == timepoint)]
    return None if sel.empty else sel.iloc[0]


def _implied_r(st: dict[str, Any] | None, change: Any) -> float | None:
    """Pre-post correlation implied by an arm's baseline, follow-up and change SDs.

    None when an SD is missing; the unclipped value otherwise (|r| >= 1: impossible table).
    """
    import math

    from trialkit import effects

    if st is None or change is None:
        return None
    sds = (st["sd_pre"], st["sd_post"], change["sd"])
    if not all(isinstance(v, int | float) and math.isfinite(v) and v > 0 for v in map(float, sds)):
        return None
    return float(effects.r_from_sds(*map(float, sds), impossible="return")[0])


def _pooled_implied_r(pairs: list[tuple[dict[str, Any] | None, Any]]) -> tuple[float | None, str]:
    """Pooled within-arm r implied by each arm's three SDs, and why not when it is None.

    ``sum (n_i - 1) r_i sd_pre_i sd_post_i / sqrt(sum (n_i - 1) sd_pre_i^2 *
    sum (n_i - 1) sd_post_i^2)``: the pooled covariance over the pooled SDs, the correlation
    whose slope the aggregate-data ANCOVA uses (as :func:`_pooled_r` does with patient data).
    """
    import math

    cov = var_pre = var_post = 0.0
    for st, change in pairs:
        r = _implied_r(st, change)
        if r is None:
            return None, "SDs missing"
        if not -1 < r < 1:
            return None, f"implied r = {r:.3g} outside (-1, 1)"
        w = float(st["n"]) - 1
        cov += w * r * float(st["sd_pre"]) * float(st["sd_post"])
        var_pre += w * float(st["sd_pre"]) ** 2
        var_post += w * float(st["sd_post"]) ** 2
    return cov / math.sqrt(var_pre * var_post), ""


def _printed_change_effect(change: Any, level: float) -> dict[str, Any]:
    """Mean change with its paired-t interval from a printed mean change and SD of change.

    ``se = sd_change / sqrt(n)``, ``df = n - 1``, ``mean +/- t(1 - alpha/2, df) se``.
    """
    import math

    from scipy import stats

    n, m, sd = int(change["n"]), float(change["mean"]), float(change["sd"])
    se = sd / math.sqrt(n) if math.isfinite(sd) else math.nan
    q = float(stats.t.ppf(0.5 + level / 2, n - 1))
    p = float(2 * stats.t.sf(abs(m / se), n - 1)) if se > 0 else math.nan
    return {"estimate": m, "se": se, "ci_low": m - q * se, "ci_high": m + q * se,
            "df": float(n - 1), "p": p,
            "method": "mean_change/paired_t/from printed change" + _converted(change)}


def _assumed_warning(trial: Trial, where: str, why: str, r: float) -> None:
    warnings.warn(f"{trial.id} {where}: the printed change SDs give no usable correlation "
                  f"({why}); r = {r:g} assumed (see trialkit.analysis.sensitivity)",
                  UserWarning, stacklevel=4)


def _join_conversions(*stats: dict[str, Any] | None) -> str:
    seen: list[str] = []
    for st in stats:
        for part in ((st or {}).get("converted") or "").split("/"):
            if part and part not in seen:
                seen.append(part)
    return "".join(f"/{m}" for m in seen)


def _summary_change_rows(trial: Trial, out: Any, keys: dict[str, Any], p1: dict[str, Any],
                         p2: dict[str, Any], level: float,
                         r_info: tuple[float, str, bool]) -> list[tuple]:
    """diff_in_change and ancova of one comparison from summaries.

    With both arms' printed change rows the difference in change is Welch's t on the printed
    changes and their SDs (no r); ANCOVA uses the given r, else the pooled r the three SDs
    of each arm imply, else the assumed one (warned, with the reason in ``method``).
    """
    from trialkit import effects

    r_value, r_source, given = r_info
    oid, tp = keys["outcome"], keys["timepoint"]
    c1, c2 = _change(trial, oid, keys["arm"], tp), _change(trial, oid, keys["reference"], tp)
    pre_post = (p1["m_pre"], p1["sd_pre"], p1["m_post"], p1["sd_post"],
                p2["m_pre"], p2["sd_pre"], p2["m_post"], p2["sd_post"], p1["n"], p2["n"])
    ns = (p1["n"], p2["n"])
    rows: list[tuple] = []
    if c1 is not None and c2 is not None:
        dc = effects.mean_difference(c1["mean"], c1["sd"], c1["n"], c2["mean"], c2["sd"],
                                     c2["n"], level=level).iloc[0].copy()
        dc["method"] = ("diff_in_change/welch/t_ci/from printed change"
                        + _converted(c1, c2))
        rows.append(("diff_in_change", dc, out.unit, (c1["n"], c2["n"]), None, PRINTED))
        r_an, src = r_value, r_source
        if not given:
            implied, why = _pooled_implied_r([(p1, c1), (p2, c2)])
            if implied is not None:
                r_an, src = implied, IMPLIED
            else:
                _assumed_warning(trial, f"{oid} {tp} {keys['comparison']} ANCOVA", why, r_value)
                src = f"assumed; {why}"
    else:
        dc = effects.diff_in_change(*pre_post, r=r_value, level=level).iloc[0]
        rows.append(("diff_in_change", dc, out.unit, ns, r_value, r_source))
        r_an, src = r_value, r_source
    an = effects.ancova_from_summary(*pre_post, r=r_an, level=level).iloc[0]
    rows.append(("ancova", an, out.unit, ns, r_an, src))
    return rows


def _pooled_r(trial: Trial, outcome: str, timepoint: str) -> float:
    """Pooled within-arm correlation of baseline and follow-up (patient data)."""
    import numpy as np

    from trialkit.ipd import baseline_followup

    wide = baseline_followup(trial, outcome, timepoint)
    centred = wide[["pre", "post"]] - wide.groupby("arm")[["pre", "post"]].transform("mean")
    sxy = float((centred["pre"] * centred["post"]).sum())
    return sxy / float(np.sqrt((centred["pre"] ** 2).sum() * (centred["post"] ** 2).sum()))

