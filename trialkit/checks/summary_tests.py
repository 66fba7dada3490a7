"""Between-arm tests from summary statistics that :func:`trialkit.checks.recompute_p` matches:
those that need the pre-post correlation (solved for, see :mod:`rsolve`), those on printed
change scores (no correlation needed), and one-way (Welch) ANOVA across 3+ arms; plus which
analyses a named test allows, and why some tests cannot be recomputed from summary data.
"""

from __future__ import annotations

import itertools
import warnings
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from trialkit.checks.rsolve import R_GRID

if TYPE_CHECKING:
    from trialkit.trial import Trial

__all__ = ["CANNOT_TEST", "TEST_ANALYSES", "allowed_analyses", "anova_box", "change_rows",
           "implied_intervals", "r_evaluator", "solved_row"]

#: Analyses (``recompute_p``'s ``analysis`` column) each named test allows.
TEST_ANALYSES = {
    "t": ("student_followup", "student_change"),
    "welch": ("welch_followup", "welch_change"),
    "ancova": ("ancova",),
    "paired_t": ("paired_t",),
    "anova": ("student_followup", "student_change", "anova_followup", "anova_change"),
    "welch_anova": ("welch_followup", "welch_change", "welch_anova_followup",
                    "welch_anova_change"),
}
#: What each value of the ``analysis`` column of reported.csv allows.
KIND_ANALYSES = {
    "follow_up": ("student_followup", "welch_followup", "anova_followup",
                  "welch_anova_followup", "paired_t"),
    "change": ("student_change", "welch_change", "anova_change", "welch_anova_change"),
    "ancova": ("ancova",),
}
#: Tests summary data cannot reproduce, with the reason.
CANNOT_TEST = {
    "mann_whitney": "a Mann-Whitney p depends on the ranks, which a table of means and SDs "
                    "does not give",
    "wilcoxon": "a Wilcoxon signed-rank p depends on the ranks of the within-patient "
                "differences, which a table of means and SDs does not give",
    "kruskal_wallis": "a Kruskal-Wallis p depends on the ranks, which a table of means and "
                      "SDs does not give",
    "friedman": "a Friedman p depends on each patient's ranks across timepoints, which a "
                "table of means and SDs does not give",
    "mixed": "a mixed model's p depends on its covariance structure and on every patient's "
             "values at every timepoint, which the paper does not give",
    "chi2": "a chi-squared test compares counts, and this outcome is summarised by means "
            "and SDs",
    "fisher": "Fisher's exact test compares counts, and this outcome is summarised by means "
              "and SDs",
}


def allowed_analyses(test: str, kind: str) -> set[str] | None:
    """Analyses a statement naming ``test`` (and ``analysis`` kind) can be matched with;
    None when neither is given (every analysis is tried)."""
    test = "" if test in ("", "unknown") else test
    kind = "" if kind in ("", "unknown") else kind
    if not test and not kind:
        return None
    allowed = set(TEST_ANALYSES.get(test, ())) if test else set().union(
        *TEST_ANALYSES.values())
    if kind:
        allowed &= set(KIND_ANALYSES.get(kind, ()))
    return allowed


def _t_columns(est: np.ndarray, se: np.ndarray, df: np.ndarray,
               ci: bool, p: bool = True) -> dict[str, np.ndarray]:
    from scipy import special

    with np.errstate(all="ignore"):
        t = est / se
        out = {"estimate": est, "statistic": t, "df": df}
        if p:  # without: the caller takes p from the range of |t| (see rsolve._margin)
            out["p"] = 2 * special.stdtr(df, -np.abs(t))
        if ci:  # the t quantile is slow: only when an interval is matched
            q = special.stdtrit(df, 0.975)
            out.update(ci_low=est - q * se, ci_high=est + q * se)
    return out


def _change_corners(cc: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The corners that matter for a test on change: the difference in mean change enters
    linearly, so its two extremes (and 0 when the box straddles it, where |t| is least)
    times every corner of the four SDs, then the centre (last)."""
    est_all = (np.asarray(cc["m1_post"]) - cc["m1_pre"]) - (np.asarray(cc["m2_post"])
                                                            - cc["m2_pre"])
    lo, hi = float(est_all.min()), float(est_all.max())
    ests = [lo, hi] + ([0.0] if lo < 0 < hi else [])
    keys = ("sd1_pre", "sd1_post", "sd2_pre", "sd2_post")
    sds = np.unique(np.column_stack([np.asarray(cc[k])[:-1] for k in keys]), axis=0)
    e = np.repeat(ests, len(sds))
    sd = np.tile(sds, (len(ests), 1))
    out = {"est": np.append(e, est_all[-1])[:, None]}
    for i, k in enumerate(keys):
        out[k] = np.append(sd[:, i], np.asarray(cc[k])[-1])[:, None]
    return out


def r_evaluator(analysis: str, cc: dict[str, np.ndarray], n1: int, n2: int):
    """``evaluate(r)`` for :func:`trialkit.checks.rsolve.solve_r`: the statistics of one
    r-dependent analysis at every corner ``cc`` of the rounding box, for each r (one r for
    both arms; for the change-score tests ``evaluate(r, r2=...)`` gives the reference arm its
    own correlation ``r2``, used by :func:`trialkit.checks.rsolve_arms.solve_r_arms`), as
    arrays of shape (corners, len(r)).

    The formulas are those of :func:`trialkit.effects.diff_in_change` (Welch on change),
    Student's t on change scores and :func:`trialkit.effects.ancova_from_summary` (Riley et
    al. 2013), written out here over a (corners x r) grid: each arm's change SD is
    ``sqrt(sd_pre^2 + sd_post^2 - 2 r sd_pre sd_post)`` (Cochrane Handbook 6.5.2.8);
    p and the 95% interval come from the t distribution (``scipy.special.stdtr``).
    """
    col = {k: np.asarray(v, float)[:, None] for k, v in cc.items()}
    if analysis != "ancova":
        col = _change_corners(cc)
    n1f, n2f = float(n1), float(n2)

    def evaluate(r: np.ndarray, ci: bool = True, r2: np.ndarray | None = None,
                 p: bool = True) -> dict[str, np.ndarray]:
        r = np.atleast_1d(np.asarray(r, float))[None, :]
        # r2: the reference arm's own correlation (same length as r); default r, one for both
        rb = r if r2 is None else np.atleast_1d(np.asarray(r2, float))[None, :]
        if analysis == "ancova" and r2 is not None:
            raise ValueError("the aggregate-data ANCOVA takes one pooled r, not one per arm")
        c = col
        with np.errstate(all="ignore"):
            if analysis == "ancova":
                N = n1f + n2f
                ss_x = (n1f - 1) * c["sd1_pre"] ** 2 + (n2f - 1) * c["sd2_pre"] ** 2
                s_pre = np.sqrt(ss_x / (N - 2))
                s_post = np.sqrt(((n1f - 1) * c["sd1_post"] ** 2
                                  + (n2f - 1) * c["sd2_post"] ** 2) / (N - 2))
                pre_diff = c["m1_pre"] - c["m2_pre"]
                est = (c["m1_post"] - c["m2_post"]) - r * s_post / s_pre * pre_diff
                s_res2 = s_post**2 * (1 - r**2) * (N - 2) / (N - 3)
                se = np.sqrt(s_res2 * (1 / n1f + 1 / n2f + pre_diff**2 / ss_x))
                df = np.full_like(est, N - 3)
            else:
                s1 = np.sqrt(np.maximum(c["sd1_pre"] ** 2 + c["sd1_post"] ** 2
                                        - 2 * r * c["sd1_pre"] * c["sd1_post"], 0))
                s2 = np.sqrt(np.maximum(c["sd2_pre"] ** 2 + c["sd2_post"] ** 2
                                        - 2 * rb * c["sd2_pre"] * c["sd2_post"], 0))
                est = np.broadcast_to(c["est"], s1.shape)
                if analysis == "welch_change":
                    v1, v2 = s1**2 / n1f, s2**2 / n2f
                    se = np.sqrt(v1 + v2)
                    df = (v1 + v2) ** 2 / (v1**2 / (n1f - 1) + v2**2 / (n2f - 1))
                else:  # student_change
                    sp2 = ((n1f - 1) * s1**2 + (n2f - 1) * s2**2) / (n1f + n2f - 2)
                    se = np.sqrt(sp2 * (1 / n1f + 1 / n2f))
                    df = np.full_like(se, n1f + n2f - 2)
        return _t_columns(est, se, df, ci, p)

    evaluate.skips_p = True  # type: ignore[attr-defined]
    return evaluate


def change_rows(c: dict[str, np.ndarray], n1: int, n2: int,
                ranges: Any) -> list[dict[str, Any]]:
    """Student's and Welch's t tests on the printed change scores (no assumed r) over the
    corners ``c`` (keys m1, sd1, m2, sd2) of their rounding box."""
    from trialkit import effects

    rows = []
    for name, pooled in (("student_change", True), ("welch_change", False)):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            res = effects.mean_difference(c["m1"], c["sd1"], n1, c["m2"], c["sd2"], n2,
                                          pooled=pooled)
        rows.append({"analysis": name, "r": np.nan,
                     "method": f"{res['method'].iloc[0]}/on_printed_change", **ranges(res)})
    return rows


def anova_box(boxes: list[dict[str, tuple[float, float, float]]], ns: list[int],
              use_var: str) -> pd.DataFrame:
    """One-way ANOVA (``use_var="equal"``) or Welch's ANOVA (``"unequal"``) F and p from
    each arm's mean, SD and n, at every corner of the rounding box (centre last).

    Uses :func:`statsmodels.stats.oneway.anova_generic` (Welch 1951 for unequal variances).
    With more than 4 arms only the means' corners are taken (SDs at their printed values),
    to keep the box small.
    """
    from statsmodels.stats.oneway import anova_generic

    k = len(boxes)
    keys = ["m", "sd"] if k <= 4 else ["m"]
    axes = [(b[key][0], b[key][1]) for key in keys for b in boxes]
    corners = list(itertools.product(*[(0, 1)] * len(axes)))
    rows = []
    nobs = np.asarray(ns, float)
    for corner in [*corners, None]:
        means = np.array([b["m"][2] for b in boxes])
        sds = np.array([b["sd"][2] for b in boxes])
        if corner is not None:
            vals = [ax[i] for ax, i in zip(axes, corner, strict=True)]
            means = np.array(vals[:k])
            if "sd" in keys:
                sds = np.array(vals[k:])
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = anova_generic(means, np.maximum(sds, 1e-12) ** 2, nobs, use_var=use_var)
        rows.append({"statistic": float(res.statistic), "df": float(res.df_denom),
                     "p": float(res.pvalue)})
    return pd.DataFrame(rows)


def implied_intervals(trial: Trial, o: str, tp: str,
                       arms: tuple[str, str]) -> dict[int, tuple[float, float]]:
    """Each arm's pre-post correlation known from its printed change SD (1 = the arm, 2 =
    the reference): the range over the rounding of its three SDs, where it is possible."""
    if trial.changes.empty:
        return {}
    from trialkit.checks.changes import implied_r

    imp = implied_r(trial)
    out = {}
    for k, arm in enumerate(arms, start=1):
        sel = imp[(imp["outcome"] == o) & (imp["arm"] == arm) & (imp["timepoint"] == tp)]
        if len(sel) and bool(sel["possible"].iloc[0]):
            lo, hi = float(sel["r_low"].iloc[0]), float(sel["r_high"].iloc[0])
            out[k] = (max(lo, -0.999), min(hi, 0.999))
    return out


def solved_row(name: str, cc: dict[str, np.ndarray], n1: int, n2: int,
                known: dict[int, tuple[float, float]] | None = None) -> dict[str, Any]:
    """An r-dependent analysis whose correlation is solved for per statement: the ranges of
    its statistics over r in [0, 1) (for display), the evaluator :func:`solve_r` uses, and
    for the change-score tests the per-arm evaluator with any arm's known (implied) r."""
    evaluate = r_evaluator(name, cc, n1, n2)
    with np.errstate(all="ignore"):
        vals = evaluate(R_GRID[R_GRID >= 0], ci=False)
        vals.update({k: v for k, v in evaluate(np.linspace(0, 0.999, 11), ci=True).items()
                     if k.startswith("ci_")})
    out: dict[str, Any] = {"analysis": name, "r": np.nan, "evaluate": evaluate,
                           "evaluate_arms": None if name == "ancova" else evaluate,
                           "known_r": dict(known or {}),
                           "method": f"{name}/r_solved/one_r_both_arms"}
    for col in ("estimate", "ci_low", "ci_high", "statistic", "df", "p"):
        v = np.abs(vals[col]) if col == "statistic" else vals[col]
        key = "statistic_value" if col == "statistic" else col
        out[key] = np.nan
        out[f"{key}_low"], out[f"{key}_high"] = float(np.nanmin(v)), float(np.nanmax(v))
    return out
