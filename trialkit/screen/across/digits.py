"""The final digits of the printed means and SDs, against a uniform distribution
(reappraised's ``final_digit_fn``; Carlisle's 2017 trials were close to uniform except for
fewer zeros)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from trialkit.screen._rows import trial_rng
from trialkit.screen.across._common import (
    decimals_of,
    decimals_of_text,
    decimals_of_texts,
    per_unique,
    plain_texts,
    require,
)

__all__ = ["combine_final_digits", "final_digits", "partial_final_digits"]

NEEDED = ("trial", "variable", "arm", "timepoint", "kind", "mean", "sd", "mean_text",
          "sd_text", "mean_decimals", "sd_decimals")


def final_digit(value: float, decimals: int, text: str = "") -> int:
    """The last digit of a number as printed: of its text when given, else of the value
    written with ``decimals`` decimals (3 with one decimal is 3.0: final digit 0)."""
    t = str(text).strip().lstrip("+-")
    if t and decimals_of_text(t) >= 0:
        return int(t[-1])
    return int(f"{abs(value):.{max(decimals, 0)}f}"[-1])


def partial_final_digits(rows: pd.DataFrame, *, stats: tuple[str, ...] = ("mean", "sd")
                         ) -> pd.DataFrame:
    """Final-digit counts per trial (columns ``d0`` .. ``d9``); :func:`combine_final_digits`
    adds them up."""
    from trialkit.screen.baseline import _group_index

    require(rows, NEEDED, "final_digits")
    s, starts, sizes = _group_index(rows[rows["kind"].astype(str) == "continuous"])
    cols = ["trial", *[f"d{i}" for i in range(10)]]
    if not len(s):
        return pd.DataFrame(columns=cols)
    trials, code = np.unique(s["trial"].astype(str).to_numpy(), return_inverse=True)
    g = np.repeat(np.arange(len(starts)), sizes)
    counts = np.zeros(len(trials) * 10, np.int64)
    for stat in stats:
        vals = s[stat].to_numpy(float)
        texts = s[f"{stat}_text"].astype(str).str.strip().to_numpy()
        known = s[f"{stat}_decimals"].to_numpy(np.int64).copy()
        todo = known < 0
        known[todo] = decimals_of_texts(texts[todo])
        shown = per_unique(decimals_of, vals)
        # decimals of a number without text: the most any arm of the variable shows
        guess = np.maximum.reduceat(np.maximum(np.maximum(known, shown), 0), starts)[g]
        dec = np.where(known >= 0, known, guess)
        ok = np.isfinite(vals)
        t_ok, plain = plain_texts(texts[ok])
        digit = np.zeros(int(ok.sum()), np.int64)
        digit[plain] = t_ok[plain].str[-1].astype(int).to_numpy()
        rest = ~plain
        digit[rest] = per_unique(lambda v, d, t: final_digit(v, int(d), t), vals[ok][rest],
                                 dec[ok][rest], texts[ok][rest])
        counts += np.bincount(code[ok] * 10 + digit, minlength=len(trials) * 10)
    counts = counts.reshape(-1, 10)
    out = pd.DataFrame(counts, columns=cols[1:])
    out.insert(0, "trial", trials)
    return out[counts.sum(axis=1) > 0].reset_index(drop=True)


#: Below this many values some digit expects fewer than 5 (Cochran's rule), and the
#: chi-squared distribution is no longer a safe guide to the p value: it is simulated.
SIMULATE_BELOW = 50


def _digits_p(obs: np.ndarray, sims: int, seed: int) -> tuple[float, str]:
    """Pearson's chi-squared p of ten digit counts against equal proportions, and how.

    From ``SIMULATE_BELOW`` values on, the chi-squared distribution on 9 df; below, ``sims``
    multinomial tables of the same size drawn under equal proportions, ``p = (1 + #{X2_sim
    >= X2_obs}) / (1 + sims)``, ties (within 64 machine epsilons) counted as at least as
    large: R's ``chisq.test(simulate.p.value = TRUE)`` rule.
    """
    from scipy import stats

    total = int(obs.sum())
    if not total:
        return math.nan, "final_digit/chi2_vs_uniform"
    e = total / 10
    x2 = float(((obs - e) ** 2 / e).sum())
    if total >= SIMULATE_BELOW:
        return float(stats.chi2.sf(x2, 9)), "final_digit/chi2_vs_uniform"
    draws = trial_rng(seed, "final_digits").multinomial(total, np.full(10, 0.1), size=sims)
    sim = ((draws - e) ** 2 / e).sum(axis=1)
    hits = int(np.sum(sim >= (1 - 64 * np.finfo(float).eps) * x2))
    return ((1 + hits) / (1 + sims),
            f"final_digit/chi2_vs_uniform/simulated_p(sims={sims},ties_count)")


def combine_final_digits(pieces: pd.DataFrame, *, sims: int = 1000,
                         seed: int = 0) -> pd.DataFrame:
    """Add up pieces of :func:`partial_final_digits` into :func:`final_digits`' frame.

    Examples
    --------
    >>> import pandas as pd
    >>> from trialkit.screen import example_rows
    >>> rows = example_rows()
    >>> import trialkit.screen.across as A
    >>> a = A.partial_final_digits(rows[rows.trial == "T1"])
    >>> b = A.partial_final_digits(rows[rows.trial == "T2"])
    >>> whole = A.final_digits(rows)
    >>> whole.equals(A.combine_final_digits(pd.concat([b, a], ignore_index=True)))
    True
    """
    obs = pieces[[f"d{i}" for i in range(10)]].sum().to_numpy(np.int64)
    total = int(obs.sum())
    p, method = _digits_p(obs, sims, seed)
    trials = int((pieces[[f"d{i}" for i in range(10)]].sum(axis=1) > 0).sum())
    return pd.DataFrame({"digit": np.arange(10), "observed": obs, "expected": total / 10,
                         "percent": 100 * obs / total if total else math.nan,
                         "n_values": total, "n_trials": trials, "p": p, "method": method})


def final_digits(table: pd.DataFrame, *, stats: tuple[str, ...] = ("mean", "sd"),
                 sims: int = 1000, seed: int = 0) -> pd.DataFrame:
    """The final digits of every printed mean and SD against a uniform distribution.

    Each continuous row contributes the last digit of its mean and of its SD as printed:
    from ``mean_text`` / ``sd_text`` when the table gave text (trailing zeros kept), else
    from the number written with its decimals (``mean_decimals``), else with the most
    decimals any arm of the variable shows (a stored number has lost its trailing zeros:
    reappraised's assumption). ``p`` is Pearson's chi-squared test of the ten counts against
    equal proportions (9 df), as reappraised's ``final_digit_fn``; with fewer than 50 values
    (some digit expecting fewer than 5) its p is simulated instead (``sims`` multinomial
    tables under equal proportions, ties counted as at least as extreme, as R's
    ``chisq.test(simulate.p.value = TRUE)``), and ``method`` says so. Unlike it, a number
    such as 3 in a variable printed with one decimal counts as 3.0 (final digit 0), where
    reappraised reads the 3. The expected distribution of final digits of rounded
    measurements is not exactly uniform (Carlisle's 2017 trials had fewer zeros), so a small
    p is a reason to look, not a finding.

    Parameters
    ----------
    table : DataFrame
        A rows frame.
    stats : tuple of {"mean", "sd"}
    sims, seed : int
        Simulated tables when fewer than 50 values (seeded: the same seed, the same p).

    Returns
    -------
    DataFrame
        One row per digit 0-9: ``digit, observed, expected, percent, n_values, n_trials, p,
        method``.

    References
    ----------
    Bolland, M. J. reappraised: Statistical Tools for Assessing Publication Integrity of
    Groups of Trials (R package 0.1.1, 2023), ``final_digit_fn``. Carlisle, J. B. (2017).
    Anaesthesia, 72, 944-952.

    Examples
    --------
    >>> import pandas as pd
    >>> from trialkit.screen.across.digits import final_digits
    >>> rows = pd.DataFrame({"trial": "T", "variable": "age", "arm": ["a", "b"],
    ...     "timepoint": "", "kind": "continuous", "mean": [65.6, 66.0], "sd": [7.3, 6.1],
    ...     "mean_text": ["", "66.0"], "sd_text": "", "mean_decimals": -1,
    ...     "sd_decimals": -1})
    >>> final_digits(rows).set_index("digit").observed[[0, 1, 3, 6]].tolist()
    [1, 1, 1, 1]
    """
    return combine_final_digits(partial_final_digits(table, stats=stats), sims=sims,
                                seed=seed)
