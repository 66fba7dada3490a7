"""``check(trial)``: every applicable consistency check of a trial, as one table."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from trialkit.checks.balance import baseline_balance
from trialkit.checks.bounds import check_sd_bounds
from trialkit.checks.claims import (
    CANNOT,
    CONSISTENT,
    INCONSISTENT,
    claims,
    no_nan_sentence,
)
from trialkit.checks.grim import grim
from trialkit.checks.grimmer import grimmer
from trialkit.checks.pvalues import P_STATISTICS
from trialkit.checks.restated import restated
from trialkit.checks.standard_errors import SE_PREFIX, se_as_sd

if TYPE_CHECKING:
    from trialkit.trial import Trial

__all__ = ["COLUMNS", "check"]

COLUMNS = ["check", "outcome", "arm", "timepoint", "reported", "verdict", "detail"]
#: Combined baseline p values beyond this (either tail) count as surprising.
BALANCE_THRESHOLD = 0.001


def _printed_rows(trial: Trial, integer_only: bool) -> pd.DataFrame:
    s = trial.summary
    mask = s["mean_text"].notna()
    if integer_only:
        ints = {o.id for o in trial.outcomes if o.integer}
        mask &= s["outcome"].isin(ints)
    return s[mask].reset_index(drop=True)


def _half_up(value: float, d: int) -> str:
    """A mean printed with d decimals, ties rounded up (as most papers print them)."""
    return str(Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-d), ROUND_HALF_UP))


def _responses(n: int, items: int) -> str:
    return (f"n = {n} integer responses" if items == 1 else
            f"n = {n} responses that each average {items} integer items")


def _grim_rows(trial: Trial) -> list[dict[str, Any]]:
    rows = _printed_rows(trial, integer_only=True)
    if rows.empty:
        return []
    items = rows["outcome"].map(lambda o: trial.outcome(o).items).to_numpy()
    res = grim(rows["mean_text"].astype(str).to_numpy(dtype=object), rows["n"].to_numpy(),
               items)
    out = []
    for (_, r), (_, g) in zip(rows.iterrows(), res.iterrows(), strict=True):
        mean, n, it, d = str(r["mean_text"]), int(r["n"]), int(g["items"]), int(g["decimals"])
        if not g["consistent"]:
            detail = (f"Mean {mean} with {_responses(n, it)} is impossible: the nearest "
                      f"possible means are {_half_up(g['nearest_below'], d)} and "
                      f"{_half_up(g['nearest_above'], d)}.")
        elif g["probability"] <= 0:
            detail = (f"Mean {mean} with {_responses(n, it)} is possible, but with "
                      f"n x items >= {10 ** d} every mean with {d} decimals is, so GRIM "
                      f"cannot detect an error here.")
        else:
            # the smallest whole-number total whose mean rounds to the printed one
            low = (Fraction(mean) - Fraction(1, 2 * 10**d)) * (n * it)
            total = math.ceil(low)
            detail = (f"Mean {mean} with {_responses(n, it)} is possible "
                      f"({total} / {n * it} = {total / (n * it):.4f}).")
        out.append({"check": "grim", "outcome": r["outcome"], "arm": r["arm"],
                    "timepoint": r["timepoint"], "reported": f"mean {mean}, n = {n}",
                    "verdict": CONSISTENT if g["consistent"] else INCONSISTENT,
                    "detail": detail})
    return out


def _grimmer_rows(trial: Trial) -> list[dict[str, Any]]:
    rows = _printed_rows(trial, integer_only=True)
    rows = rows[rows["sd_text"].notna() & (rows["n"] >= 2)].reset_index(drop=True)
    if rows.empty:
        return []
    items = rows["outcome"].map(lambda o: trial.outcome(o).items).to_numpy()
    res = grimmer(rows["mean_text"].astype(str).to_numpy(dtype=object),
                  rows["sd_text"].astype(str).to_numpy(dtype=object), rows["n"].to_numpy(),
                  items)
    out = []
    for (_, r), (_, g) in zip(rows.iterrows(), res.iterrows(), strict=True):
        mean, sd, n, it = str(r["mean_text"]), str(r["sd_text"]), int(r["n"]), int(g["items"])
        what = f"SD {sd} with mean {mean} and {_responses(n, it)}"
        unit = "whole numbers" if it == 1 else f"scores (sums of {it} items)"
        test = int(g["test"])
        if test == 5:
            detail = (f"{what} is possible: {n} {unit} summing to {g['total']:.0f} with "
                      f"squares summing to {g['sum_squares']:.0f} have this mean and SD.")
        elif test == 0:
            detail = f"{what} cannot be right: the mean itself fails GRIM."
        elif test == 1:
            detail = (f"{what} is impossible: no whole-number sum of squares gives an SD that "
                      f"rounds to {sd}.")
        elif test == 2:
            q_min, K = g["min_sum_squares"], g["total"]
            sd_min = math.sqrt(max(q_min - K * K / n, 0) / (n - 1)) / it
            detail = (f"{what} is impossible: the least spread {unit} with this mean already "
                      f"have SD {sd_min:.4f}.")
        elif test == 3:
            K, lo, hi = g["total"], g["sum_squares_low"], g["sum_squares_high"]
            parity = "odd" if int(K) % 2 else "even"
            qs = (f"{lo:.0f}" if lo == hi else f"{lo:.0f} to {hi:.0f}")
            detail = (f"{what} is impossible: the total {K:.0f} is {parity}, so the sum of "
                      f"squares must be {parity} too, but the sums of squares giving SD {sd} "
                      f"({qs}) are not.")
        else:
            detail = (f"{what} is impossible: no {n} {unit} have total {g['total']:.0f} and a "
                      f"sum of squares giving SD {sd}.")
        out.append({"check": "grimmer", "outcome": r["outcome"], "arm": r["arm"],
                    "timepoint": r["timepoint"], "reported": f"mean {mean}, SD {sd}, n = {n}",
                    "verdict": CONSISTENT if test == 5 else INCONSISTENT, "detail": detail})
    return out


def _bounds_rows(trial: Trial) -> list[dict[str, Any]]:
    out = []
    s = _printed_rows(trial, integer_only=False)
    s = s[s["sd_text"].notna() & (s["n"] >= 2)]
    for o in trial.outcomes:
        if o.lower is None or o.upper is None:
            continue
        rows = s[s["outcome"] == o.id].reset_index(drop=True)
        if rows.empty:
            continue
        res = check_sd_bounds(rows["mean_text"].astype(str).to_numpy(dtype=object),
                              rows["sd_text"].astype(str).to_numpy(dtype=object),
                              rows["n"].to_numpy(), o.lower, o.upper, o.items,
                              integer=o.integer)
        scale = f"{o.lower:g}-{o.upper:g}"
        for (_, r), (_, b) in zip(rows.iterrows(), res.iterrows(), strict=True):
            mean, sd, n = str(r["mean_text"]), str(r["sd_text"]), int(r["n"])
            kind = "whole-number" if o.integer else "continuous"
            if b["consistent"]:
                detail = (f"SD {sd} lies within {b['sd_min']:.2f}-{b['sd_max']:.2f}, the range "
                          f"possible for mean {mean} with n = {n} {kind} values on {scale}.")
            elif str(b["reason"]).startswith("inconsistent: the SD is larger"):
                detail = (f"SD {sd} is impossible: {n} {kind} values on {scale} with mean "
                          f"{mean} have an SD of at most {b['sd_max']:.2f}.")
            elif str(b["reason"]).startswith("inconsistent: the SD is smaller"):
                detail = (f"SD {sd} is impossible: {n} {kind} values on {scale} with mean "
                          f"{mean} have an SD of at least {b['sd_min']:.2f}.")
            else:
                detail = f"Mean {mean} is impossible on {scale}: {str(b['reason'])[14:]}."
            out.append({"check": "sd_bounds", "outcome": o.id, "arm": r["arm"],
                        "timepoint": r["timepoint"],
                        "reported": f"mean {mean}, SD {sd}, n = {n}, scale {scale}",
                        "verdict": CONSISTENT if b["consistent"] else INCONSISTENT,
                        "detail": detail})
    return out


def _se_rows(trial: Trial) -> list[dict[str, Any]]:
    res = se_as_sd(trial)
    out = []
    if res.empty:
        return out
    for oid, grp in res.groupby("outcome", sort=False):
        printed = grp[grp["detail"] != "The SD is computed from patient data."]
        if printed.empty:
            continue
        flagged = printed[printed["looks_like_se"]]
        label = trial.outcome(oid).label
        if len(flagged):
            first = flagged.iloc[0]
            detail = (f"{len(flagged)} of {len(printed)} SDs of {label} look like SEs, e.g. "
                      f"{first['arm']} at {first['timepoint']}: "
                      f"{first['detail'].removeprefix(SE_PREFIX)}")
            verdict = INCONSISTENT
        else:
            g = printed["max_abs_g"].max()
            ratio = printed["ratio_to_typical"].dropna()
            within = (f", each within {ratio.min():.2f}-{ratio.max():.2f} times the others' "
                      f"median" if len(ratio) else "")
            detail = (f"No SD of {label} looks like an SE: SDs range "
                      f"{printed['sd'].min():g}-{printed['sd'].max():g}{within}"
                      + (f", and between-arm |g| is at most {g:.2f}." if np.isfinite(g)
                         else "."))
            verdict = CONSISTENT
        out.append({"check": "se_as_sd", "outcome": oid, "arm": "*", "timepoint": "*",
                    "reported": f"{len(printed)} SDs", "verdict": verdict, "detail": detail})
    return out


def _balance_rows(trial: Trial) -> list[dict[str, Any]]:
    if trial.design != "parallel" or (trial.baseline is None and not trial.no_baseline):
        return []
    res = baseline_balance(trial)
    single = res[~res["variable"].str.startswith("combined (")]
    usable = single[np.isfinite(single["p_least"].to_numpy(float))]
    k = len(usable)
    head = {"check": "baseline_balance", "outcome": "*", "arm": "*",
            "timepoint": trial.baseline or "*"}
    if "cannot" in res.attrs:  # baseline = false: the table prints no baseline
        return [{**head, "reported": "no baseline printed", "verdict": CANNOT,
                 "detail": res.attrs["cannot"][0].upper() + res.attrs["cannot"][1:] + "."}]
    if len(single) and k == 0:
        return [{**head, "reported": f"{len(single)} baseline variable(s)", "verdict": CANNOT,
                 "detail": "No baseline p value could be computed from the printed means and "
                           "SDs (they are not finite numbers a test can use)."}]
    if k == 0:
        return []
    if k < 3:
        return [{**head, "reported": f"{k} baseline variable(s)", "verdict": CANNOT,
                 "detail": f"Only {k} baseline variable(s): too few to judge whether the arms "
                           f"are more alike (or unlike) than randomization makes likely."}]
    comb = res.set_index("variable")
    stouffer = comb.loc["combined (Stouffer)"]
    by_domain = ("combined (Stouffer, by domain)" in comb.index)
    judge = comb.loc["combined (Stouffer, by domain)"] if by_domain else stouffer
    ps = usable["p_least"]
    left = len(single) - k
    detail = (f"Baseline p values of {k} variables, each the least extreme the rounding of "
              f"the printed means and SDs allows, range {ps.min():.2f}-{ps.max():.2f}"
              + (f" ({left} could not be computed)" if left else "")
              + f"; combined (Stouffer, independent) p = {stouffer['p_similar']:.2g} for arms "
              f"this alike and {stouffer['p_different']:.2g} for arms this different")
    if by_domain:
        detail += (f"; counting each correlated domain once ({int(judge['k'])} domains), "
                   f"{judge['p_similar']:.2g} and {judge['p_different']:.2g}")
    surprising = min(judge["p_similar"], judge["p_different"]) < BALANCE_THRESHOLD
    if surprising:
        which = "alike" if judge["p_similar"] < judge["p_different"] else "different"
        detail += (f": the arms are more {which} at baseline than randomization makes likely "
                   f"(a reason to look closer, not proof of misconduct).")
    else:
        detail += f", neither below {BALANCE_THRESHOLD:g} (Carlisle's method)."
    if trial.illustrative:
        detail = detail[:-1] + "; the baseline numbers are illustrative."
    return [{**head, "reported": f"{k} baseline variables",
             "verdict": INCONSISTENT if surprising else CONSISTENT, "detail": detail}]


def _claim_rows(res: pd.DataFrame) -> list[dict[str, Any]]:
    out = []
    for _, c in res.iterrows():
        kind = "recompute_p" if c["statistic"] in P_STATISTICS else "claim"
        out.append({"check": f"{kind}: {c['statistic']}", "outcome": c["outcome"],
                    "arm": c["arm"] if c["arm"] or not c["comparison"] else c["comparison"],
                    "timepoint": c["timepoint"],
                    "reported": f"{c['relation']} {c['reported']} ({c['id']})",
                    "verdict": c["verdict"], "detail": c["detail"]})
    return out


def _restated_rows(trial: Trial, claimed: pd.DataFrame) -> list[dict[str, Any]]:
    return [{"check": f"restated: {c['statistic']}", "outcome": c["outcome"],
             "arm": c["arm"] if c["arm"] or not c["comparison"] else c["comparison"],
             "timepoint": c["timepoint"],
             "reported": f"{c['relation']} {c['reported']} ({c['id']})",
             "verdict": c["verdict"], "detail": c["detail"]}
            for _, c in restated(trial, claimed).iterrows()]


def check(trial: Trial, r: float | None = None) -> pd.DataFrame:
    """Every applicable consistency check of a trial, one row each.

    - ``grim`` and ``grimmer``: printed means and SDs of whole-number outcomes
      (``integer = true`` in trial.toml; ``items`` from the outcome), read from the
      summary's ``mean_text`` / ``sd_text`` as printed;
    - ``sd_bounds``: printed SDs of outcomes with a lower and an upper bound;
    - ``se_as_sd``: one row per outcome, whether its SDs look like SEs;
    - ``baseline_balance``: Carlisle's test of baseline similarity (parallel trials);
    - ``implied_r``: the pre-post correlation each arm's printed SDs imply (change rows);
    - ``claim: <statistic>`` and ``recompute_p: <statistic>``: each statement in
      ``reported.csv`` (see :func:`trialkit.checks.claims`, :func:`recompute_p`);
    - ``restated: <statistic>``: statements that print one number twice with values that
      cannot both be right (see :func:`trialkit.checks.restated`).

    Summary rows computed from patient data are not GRIM-tested (they are the data).

    Parameters
    ----------
    trial : Trial
    r : float, optional
        Pre-post correlation for summary-based change-score and ANCOVA analyses; by default
        several values are tried.

    Returns
    -------
    pandas.DataFrame
        Columns ``check, outcome, arm, timepoint, reported, verdict, detail``; ``verdict`` is
        "consistent", "inconsistent" or "cannot check" and ``detail`` one sentence.

    References
    ----------
    Brown & Heathers (2017) GRIM; Anaya (2016) and Allard (2018) GRIMMER; Heathers et al.
    (2018) SPRITE; Nuijten et al. (2016) statcheck; Carlisle (2017) baseline balance.

    Examples
    --------
    >>> import trialkit
    >>> from trialkit.checks import check
    >>> table = check(trialkit.load("mejuto2014"))
    >>> table.groupby("check").verdict.first().loc[["grim", "grimmer", "sd_bounds"]].tolist()
    ['consistent', 'consistent', 'consistent']
    """
    rows: list[dict[str, Any]] = []
    rows += _grim_rows(trial)
    rows += _grimmer_rows(trial)
    rows += _bounds_rows(trial)
    rows += _se_rows(trial)
    rows += _balance_rows(trial)
    rows += _implied_r_rows(trial)
    rows += _change_level_rows(trial)
    claimed = claims(trial, r=r)
    rows += _claim_rows(claimed)
    rows += _restated_rows(trial, claimed)
    return pd.DataFrame([no_nan_sentence(row) for row in rows], columns=COLUMNS)


def _change_level_rows(trial: Trial) -> list[dict[str, Any]]:
    from trialkit.checks.changes import change_vs_levels

    out = []
    for _, r in change_vs_levels(trial).iterrows():
        pre, post, change = r["printed"]
        diff = (f"{post} - {pre} = {r['difference_low']:.3g} to {r['difference_high']:.3g} "
                f"within the rounding")
        label = trial.outcome(r["outcome"]).label
        shown = (f"{change} (baseline minus follow-up, as declared; stored as "
                 f"{r['stored']})" if r["negated"] else change)
        if not r["same_n"]:
            verdict, detail = CANNOT, (f"Cannot check the printed change {shown} against "
                                       f"{diff}: the rows have different numbers of patients.")
        elif r["agrees"]:
            verdict, detail = CONSISTENT, (f"The printed change {shown} agrees with the "
                                           f"levels: {diff}.")
        elif r["agrees_reversed"] and r["negated"]:
            verdict, detail = INCONSISTENT, (
                f"The printed change {change} agrees with the levels as printed ({diff}), "
                f"but it is declared change = \"baseline_minus_followup\" and was negated "
                f"to {r['stored']}: the table prints this change as follow-up minus "
                f"baseline; remove the declaration for {label!r}.")
        elif r["agrees_reversed"]:
            verdict, detail = CONSISTENT, _reversed_sentence(change, pre, post, label)
        else:
            verdict, detail = INCONSISTENT, (f"The printed change {shown} contradicts the "
                                             f"arm's own levels: {diff}; for the same "
                                             f"patients the mean change is the difference "
                                             f"of the means.")
        out.append({"check": "change_vs_levels", "outcome": r["outcome"], "arm": r["arm"],
                    "timepoint": r["timepoint"],
                    "reported": f"change {change}" + (" (negated at load)" if r["negated"]
                                                      else ""),
                    "verdict": verdict, "detail": detail})
    return out


def _reversed_sentence(change: str, pre: str, post: str, label: str) -> str:
    """A change printed as baseline minus follow-up, undeclared: what to declare."""
    # The numbers add up, but an analysis that reads the row as follow-up minus baseline
    # gets the sign wrong; nothing is flipped without a declaration (trialkit.tables.signs).
    return (f"The printed change {change} agrees with the levels with its sign reversed "
            f"({pre} - {post}): the paper prints the change as baseline minus follow-up. "
            f"trialkit stores a change as follow-up minus baseline and its analyses take the "
            f"printed sign, so they point the wrong way for this row. Declare change = "
            f"\"baseline_minus_followup\" for {label!r} (in the table's TOML file under "
            f"[outcomes.\"{label}\"], or --change \"{label}=baseline_minus_followup\") "
            f"and it is negated at load.")


def _implied_r_rows(trial: Trial) -> list[dict[str, Any]]:
    from trialkit.checks.changes import implied_r

    out = []
    for _, r in implied_r(trial).iterrows():
        pre, post, change = r["printed"]
        sds = f"SDs {pre} at baseline, {post} at follow-up and {change} of the change"
        span = (f"{r['r_low']:.2f} to {r['r_high']:.2f}" if r["r_high"] - r["r_low"] >= 0.005
                else f"{r['r']:.2f}")
        if r["possible"]:
            verdict = CONSISTENT
            detail = (f"The {sds} imply a pre-post correlation of {r['r']:.2f} (within the "
                      f"rounding, {span}).")
            if r["r_high"] < 0:
                detail = detail[:-1] + ("; a negative correlation is unusual for the same "
                                        "measure.")
        else:
            verdict = INCONSISTENT
            detail = (f"Impossible table: the {sds} imply a pre-post correlation of "
                      f"{r['r']:.2f} (within the rounding, {span}), outside [-1, 1], so they "
                      f"cannot all be right.")
        out.append({"check": "implied_r", "outcome": r["outcome"], "arm": r["arm"],
                    "timepoint": r["timepoint"],
                    "reported": f"SD {pre}, {post}, change {change}",
                    "verdict": verdict, "detail": detail})
    return out
