"""One-way and Welch's ANOVA across 3+ arms from summary statistics, at follow-up and on
change from baseline, as :func:`trialkit.checks.recompute_p` matches an F or its p.

On change, the arms' mean changes and SDs of change come from the printed change rows
(``trial.changes``) where every arm has one; else from the baseline and follow-up rows,
with each arm's SD of change ``sqrt(sd_pre^2 + sd_post^2 - 2 r sd_pre sd_post)`` (Cochrane
Handbook 6.5.2.8) for one pre-post correlation r shared by the arms, solved for like the
change-score t tests (:func:`trialkit.checks.rsolve.solve_r`).
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from trialkit.checks._reported import _box
from trialkit.checks.rsolve import R_GRID
from trialkit.checks.summary_tests import anova_box

if TYPE_CHECKING:
    from trialkit.trial import Trial

__all__ = ["anova_f", "anova_rows"]

#: The most rounding-box dimensions (2^dims corners) taken on change; past it, only the
#: arms' mean changes are varied (SDs at their printed values), as :func:`anova_box` does.
MAX_DIMS = 12


def anova_f(means: np.ndarray, variances: np.ndarray, nobs: np.ndarray,
            use_var: str = "equal") -> dict[str, np.ndarray]:
    """One-way ANOVA or Welch's ANOVA F, its df and p, vectorized over anything but the
    first axis (the arms).

    One-way: ``F = [sum n_i (m_i - m)^2 / (k - 1)] / [sum (n_i - 1) s_i^2 / (N - k)]`` on
    ``(k - 1, N - k)`` df. Welch (1951): ``w_i = n_i / s_i^2``, ``m_w = sum w_i m_i / W``,
    ``L = sum (1 - w_i / W)^2 / (n_i - 1)``, ``F = [sum w_i (m_i - m_w)^2 / (k - 1)] /
    [1 + 2 (k - 2) L / (k^2 - 1)]`` on ``(k - 1, (k^2 - 1) / (3 L))`` df.

    Parameters
    ----------
    means, variances : numpy.ndarray
        Shape ``(k, ...)``.
    nobs : numpy.ndarray
        Shape ``(k,)``.
    use_var : {"equal", "unequal"}

    Returns
    -------
    dict
        ``statistic, df (denominator df), p`` arrays of the trailing shape.

    References
    ----------
    Welch, B. L. (1951). On the comparison of several mean values: an alternative approach.
    Biometrika 38, 330-336.

    Examples
    --------
    >>> import numpy as np
    >>> res = anova_f(np.array([5.0, 6.0, 7.0]), np.array([1.0, 2.0, 3.0]),
    ...               np.array([10, 10, 10]))
    >>> float(res["statistic"]), float(res["df"])  # hand: MS_between 10 / MS_within 2
    (5.0, 27.0)
    """
    from scipy import special

    m = np.asarray(means, float)
    v = np.asarray(variances, float)
    n = np.asarray(nobs, float).reshape((-1,) + (1,) * (m.ndim - 1))
    k = m.shape[0]
    with np.errstate(all="ignore"):
        if use_var == "equal":
            big_n = float(n.sum())
            grand = (n * m).sum(axis=0) / big_n
            msb = (n * (m - grand) ** 2).sum(axis=0) / (k - 1)
            msw = ((n - 1) * v).sum(axis=0) / (big_n - k)
            f = msb / msw
            df2 = np.full_like(f, big_n - k)
        else:
            w = n / v
            total = w.sum(axis=0)
            mw = (w * m).sum(axis=0) / total
            lam = ((1 - w / total) ** 2 / (n - 1)).sum(axis=0)
            f = ((w * (m - mw) ** 2).sum(axis=0) / (k - 1)) / (
                1 + 2 * (k - 2) * lam / (k**2 - 1))
            df2 = (k**2 - 1) / (3 * lam)
        p = special.fdtrc(k - 1, df2, f)
    return {"statistic": f, "df": df2, "p": p}


def _level_evaluator(pre: list[pd.Series], post: list[pd.Series], ns: list[int],
                     rounding: str, use_var: str) -> Any:
    """``evaluate(r)`` over the rounding box of each arm's mean change (the difference of
    its printed means) and its two SDs, for one r shared by the arms; centre last."""
    k = len(ns)
    boxes = []
    for b, p in zip(pre, post, strict=True):
        (bl, bh, bc), (pl, ph, pc) = _box(b, "mean", rounding), _box(p, "mean", rounding)
        boxes.append({"m": (pl - bh, ph - bl, pc - bc), "pre": _box(b, "sd", rounding, True),
                      "post": _box(p, "sd", rounding, True)})
    keys = ["m", "pre", "post"] if 3 * k <= MAX_DIMS else ["m"]
    axes = [(key, i) for key in keys for i in range(k)]
    cols = {key: np.array([[bx[key][2] for bx in boxes]] * (2 ** len(axes) + 1), float)
            for key in ("m", "pre", "post")}
    for c, corner in enumerate(itertools.product((0, 1), repeat=len(axes))):
        for (key, i), side in zip(axes, corner, strict=True):
            cols[key][c, i] = boxes[i][key][side]
    m, sd_pre, sd_post = (cols[key].T[:, :, None] for key in ("m", "pre", "post"))
    nobs = np.asarray(ns, float)

    def evaluate(r: np.ndarray, ci: bool = True) -> dict[str, np.ndarray]:
        r = np.atleast_1d(np.asarray(r, float))[None, None, :]
        with np.errstate(all="ignore"):
            var = np.maximum(sd_pre**2 + sd_post**2 - 2 * r * sd_pre * sd_post, 1e-24)
        res = anova_f(np.broadcast_to(m, var.shape), var, nobs, use_var)
        nan = np.full(res["statistic"].shape, np.nan)
        return {**res, "estimate": nan, "ci_low": nan, "ci_high": nan}

    return evaluate


def _row(outcome: str, tp: str, name: str, method: str) -> dict[str, Any]:
    return {"outcome": outcome, "timepoint": tp, "arm": "*", "reference": "", "comparison": "*",
            "analysis": name, "r": np.nan, "flip": False, "method": method}


def _fixed(out: dict[str, Any], res: pd.DataFrame) -> dict[str, Any]:
    for col, key in (("statistic", "statistic_value"), ("df", "df"), ("p", "p")):
        v = res[col].to_numpy(float)
        out[key], out[f"{key}_low"], out[f"{key}_high"] = (
            float(v[-1]), float(np.nanmin(v)), float(np.nanmax(v)))
    for key in ("estimate", "ci_low", "ci_high"):
        out[key] = out[f"{key}_low"] = out[f"{key}_high"] = np.nan
    return out


def _solved(out: dict[str, Any], evaluate: Any) -> dict[str, Any]:
    vals = evaluate(R_GRID[R_GRID >= 0])
    out.update(evaluate=evaluate, evaluate_arms=None, known_r={})
    for col, key in (("statistic", "statistic_value"), ("df", "df"), ("p", "p"),
                     ("estimate", "estimate"), ("ci_low", "ci_low"), ("ci_high", "ci_high")):
        v = vals[col]
        out[key] = np.nan
        out[f"{key}_low"], out[f"{key}_high"] = (float(np.nanmin(v)), float(np.nanmax(v))) \
            if np.isfinite(v).any() else (np.nan, np.nan)
    return out


def anova_rows(trial: Trial, row: pd.Series, rounding: str, tests: tuple[str, ...],
               kind: str = "") -> tuple[pd.DataFrame, str]:
    """One-way and Welch's ANOVA across every arm at the statement's outcome and timepoint:
    on the follow-up values, and on change (printed change rows, else solved over r).

    ``kind`` (the statement's ``analysis``) restricts them: ``follow_up``, ``change``;
    "" or ``unknown`` tries both. Returns the rows (as :func:`recompute_p`'s analyses
    table) or an empty frame and the reason nothing could be recomputed.
    """
    outcome, tp = str(row["outcome"]), str(row["timepoint"])
    if outcome in ("", "*") or tp in ("", "*"):
        return pd.DataFrame(), "an ANOVA statement must name its outcome and timepoint"
    if kind == "ancova":
        return pd.DataFrame(), ("an ANCOVA across 3+ arms is not recomputed from summary "
                                "data (the aggregate-data ANCOVA compares two arms)")
    s = trial.summary
    grp = s[(s["outcome"] == outcome) & (s["timepoint"] == tp)]
    rows = []
    if kind != "change" and len(grp) >= 2 and not (grp["n"] < 2).any():
        boxes = [{"m": _box(r, "mean", rounding), "sd": _box(r, "sd", rounding, True)}
                 for _, r in grp.iterrows()]
        for test in tests:
            name = "anova_followup" if test == "anova" else "welch_anova_followup"
            res = anova_box(boxes, [int(n) for n in grp["n"]],
                            "equal" if test == "anova" else "unequal")
            rows.append(_fixed(_row(outcome, tp, name,
                                    f"{name}/statsmodels.anova_generic/summary"), res))
    if kind != "follow_up" and tp != trial.baseline:
        rows += _change_rows(trial, outcome, tp, rounding, tests)
    if not rows:
        what = "on change" if kind == "change" else "here"
        return pd.DataFrame(), f"the data hold fewer than two arms with n >= 2 {what}"
    return pd.DataFrame(rows), ""


def _change_rows(trial: Trial, outcome: str, tp: str, rounding: str,
                 tests: tuple[str, ...]) -> list[dict[str, Any]]:
    """ANOVA rows on change: from every arm's printed change row, else from its levels."""
    arms = [a.id for a in trial.arms]
    ch = trial.changes
    printed = ch[(ch["outcome"] == outcome) & (ch["timepoint"] == tp)] if not ch.empty \
        else ch
    printed = printed.set_index("arm") if not printed.empty else printed
    s = trial.summary.set_index(["outcome", "arm", "timepoint"])
    rows = []
    names = {"anova": "anova_change", "welch_anova": "welch_anova_change"}
    if not printed.empty and all(a in printed.index for a in arms):
        sel = [printed.loc[a] for a in arms]
        if any(int(x["n"]) < 2 for x in sel):
            return []
        boxes = [{"m": _box(x, "mean", rounding), "sd": _box(x, "sd", rounding, True)}
                 for x in sel]
        for test in tests:
            res = anova_box(boxes, [int(x["n"]) for x in sel],
                            "equal" if test == "anova" else "unequal")
            rows.append(_fixed(_row(outcome, tp, names[test],
                                    f"{names[test]}/statsmodels.anova_generic/"
                                    f"on_printed_change"), res))
        return rows
    base = trial.baseline
    keys = [((outcome, a, base), (outcome, a, tp)) for a in arms]
    if base is None or not all(b in s.index and p in s.index for b, p in keys):
        return []
    pre, post = [s.loc[b] for b, _ in keys], [s.loc[p] for _, p in keys]
    ns = [min(int(b["n"]), int(p["n"])) for b, p in zip(pre, post, strict=True)]
    if min(ns) < 2:
        return []
    for test in tests:
        ev = _level_evaluator(pre, post, ns, rounding,
                              "equal" if test == "anova" else "unequal")
        rows.append(_solved(_row(outcome, tp, names[test],
                                 f"{names[test]}/r_solved/one_r_all_arms"), ev))
    return rows
