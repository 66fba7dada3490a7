"""A seeded synthetic corpus of baseline tables shaped like Carlisle's (Anaesthesia 2017).

Carlisle screened the baseline tables of 5,087 trials: mostly two arms, a few dozen variables
each, means and SDs printed to a few decimals, some categorical rows (counts and
percentages). :func:`make_corpus` draws such a corpus from the model screening assumes
(simple randomisation from one population per variable), by simulating every participant,
so that every printed mean and SD is that of a real sample (integer-valued variables are
GRIM- and GRIMMER-consistent), plus a few fabricated trials whose arms are too alike.

The same trials in four layouts:

- :func:`long_table`: the long layout ``trialkit.screen.screen`` reads (one row per trial x
  variable x arm, printed text, ``kind``, ``count``/``percent``, ``integer``);
- :func:`rows_frame`: the rows frame of ``trialkit/screen/_rows.py`` (``ROWS_COLUMNS``);
- :func:`simdistr_frame`: simdistr's nine columns (trial, variable, group, participants,
  mean, sd, decimals, type, name; categorical means as proportions);
- :func:`reappraised_wide`: reappraised's wide sheet of continuous variables (study, var,
  n1..n4, m1..m4, s1..s4, p).

Run ``python bench/carlisle_corpus.py`` for a summary.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

SEED = 20171017
N_TRIALS = 5_000
VARIABLES = 30  # mean number of variables per trial
#: Column order of the rows frame (trialkit/screen/_rows.py ROWS_COLUMNS), repeated here so
#: that the corpus does not need trialkit.screen.
ROWS_COLUMNS = ("trial", "variable", "arm", "timepoint", "kind", "n", "mean", "sd",
                "mean_text", "sd_text", "mean_decimals", "sd_decimals", "count", "percent",
                "reported_p", "file", "row")


@dataclass(frozen=True)
class Corpus:
    """One row per trial x variable x arm, as numbers and as printed text."""

    table: pd.DataFrame  # trial, trial_no, variable, variable_no, arm_no, kind, integer, n,
    # mean, sd, decimals, count, percent, percent_decimals, mean_text, sd_text, percent_text
    fabricated: tuple[str, ...]  # trials whose arms were copied (too alike)


def _fmt(values: np.ndarray, decimals: np.ndarray) -> np.ndarray:
    """Printed numbers: each value with its own number of decimals (numpy strings)."""
    out = np.empty(values.shape[0], dtype="<U24")
    for d in np.unique(decimals):
        at = decimals == d
        out[at] = np.char.mod(f"%.{int(d)}f", np.round(values[at], int(d)))
    return out


def make_corpus(n_trials: int = N_TRIALS, *, variables: int = VARIABLES, seed: int = SEED,
                fabricated_share: float = 0.01) -> Corpus:
    """Draw the corpus (seeded: the same arguments give the same corpus)."""
    rng = np.random.default_rng(seed)
    arms = rng.choice([2, 3, 4], n_trials, p=[0.9, 0.08, 0.02])
    n_vars = np.clip(rng.poisson(variables, n_trials), 5, 3 * variables)
    arm_n = np.round(np.exp(rng.uniform(np.log(10), np.log(200), n_trials))).astype(np.int64)
    # variables: trial index, kind, population mean and SD, decimals, whole-number or not
    v_trial = np.repeat(np.arange(n_trials), n_vars)
    nv = v_trial.shape[0]
    categorical = rng.random(nv) < 0.2
    integer = ~categorical & (rng.random(nv) < 0.25)
    scale = 10.0 ** rng.uniform(0, 2.5, nv)
    mu = scale * rng.uniform(1, 10, nv)
    sigma = mu * rng.uniform(0.05, 0.5, nv)
    # printed to about three significant figures of the SD (0 to 3 decimals)
    decimals = np.clip(2 - np.floor(np.log10(sigma)).astype(np.int64), 0, 3)
    decimals = np.where(integer, np.maximum(decimals, 1), decimals)
    prop = rng.uniform(0.05, 0.95, nv)
    # rows: variable x arm; arm sizes differ a little around the trial's
    r_var = np.repeat(np.arange(nv), arms[v_trial])
    r_arm = np.concatenate([np.arange(k) for k in arms[v_trial]]) if nv else np.zeros(0, int)
    t = v_trial[r_var]
    arm_jitter = rng.integers(-2, 3, (n_trials, 4))  # the same arm sizes on every variable
    n = np.maximum(arm_n[t] + arm_jitter[t, r_arm], 5)
    # every participant of every continuous row (integer variables rounded to whole numbers)
    cont_rows = np.flatnonzero(~categorical[r_var])
    who = np.repeat(cont_rows, n[cont_rows])
    x = rng.normal(mu[r_var[who]], sigma[r_var[who]])
    x = np.where(integer[r_var[who]], np.round(x), x)
    k = np.searchsorted(cont_rows, who)  # position of each participant's row in cont_rows
    total = np.bincount(k, weights=x, minlength=cont_rows.shape[0])
    m = total / n[cont_rows]
    ss = np.bincount(k, weights=(x - m[k]) ** 2, minlength=cont_rows.shape[0])
    mean = np.full(r_var.shape[0], np.nan)
    sd = np.full(r_var.shape[0], np.nan)
    mean[cont_rows] = m
    sd[cont_rows] = np.sqrt(ss / (n[cont_rows] - 1))
    count = np.where(categorical[r_var], rng.binomial(n, prop[r_var]), -1)
    # a few fabricated trials: every arm copies arm 1's printed numbers (too alike)
    fake = rng.choice(n_trials, max(1, int(fabricated_share * n_trials)), replace=False)
    starts = np.flatnonzero(r_arm == 0)
    first = starts[np.searchsorted(starts, np.arange(r_var.shape[0]), side="right") - 1]
    copy = np.isin(t, fake)
    mean = np.where(copy, mean[first] * (1 + rng.normal(0, 1e-4, mean.shape[0])), mean)
    sd = np.where(copy, sd[first], sd)
    n = np.where(copy, n[first], n)
    count = np.where(copy, count[first], count)
    dec = decimals[r_var]
    pct_dec = np.where(n >= 100, 1, 0)
    percent = np.where(count >= 0, 100.0 * count / n, np.nan)
    names = np.char.add("T", np.char.zfill(np.arange(n_trials).astype(str), 4))
    cat = categorical[r_var]
    table = pd.DataFrame({
        "trial": names[t], "trial_no": t + 1,
        "variable": np.char.add("v", (np.arange(nv) - np.repeat(np.cumsum(n_vars) - n_vars,
                                                                n_vars) + 1).astype(str))[r_var],
        "variable_no": (np.arange(nv) - np.repeat(np.cumsum(n_vars) - n_vars, n_vars))[r_var] + 1,
        "arm_no": r_arm + 1, "kind": np.where(cat, "categorical", "continuous"),
        "integer": integer[r_var], "n": n, "mean": mean, "sd": sd, "decimals": dec,
        "count": count, "percent": percent, "percent_decimals": pct_dec,
        "mean_text": np.where(cat, "", _fmt(np.nan_to_num(mean), dec)),
        "sd_text": np.where(cat, "", _fmt(np.nan_to_num(sd), dec)),
        "percent_text": np.where(cat, _fmt(np.nan_to_num(percent), pct_dec), ""),
    })
    return Corpus(table=table, fabricated=tuple(sorted(names[fake].tolist())))


def long_table(corpus: Corpus) -> pd.DataFrame:
    """The long layout of ``trialkit.screen.screen``: printed text, as a paper shows it."""
    c = corpus.table
    cat = (c["kind"] == "categorical").to_numpy()
    return pd.DataFrame({
        "trial": c["trial"], "variable": c["variable"], "arm": "arm" + c["arm_no"].astype(str),
        "n": c["n"].astype(str), "mean": c["mean_text"], "sd": c["sd_text"],
        "kind": c["kind"], "count": np.where(cat, c["count"].astype(str), ""),
        "percent": c["percent_text"], "integer": np.where(c["integer"], "yes", "no"),
    })


def rows_frame(corpus: Corpus) -> pd.DataFrame:
    """The rows frame (``ROWS_COLUMNS`` of trialkit/screen/_rows.py), numbers as printed."""
    c = corpus.table
    cat = (c["kind"] == "categorical").to_numpy()
    printed_mean = pd.to_numeric(c["mean_text"].replace("", np.nan))
    printed_sd = pd.to_numeric(c["sd_text"].replace("", np.nan))
    frame = pd.DataFrame({
        "trial": c["trial"], "variable": c["variable"], "arm": "arm" + c["arm_no"].astype(str),
        "timepoint": "", "kind": c["kind"], "n": c["n"].astype(np.int64),
        "mean": printed_mean.astype(float), "sd": printed_sd.astype(float),
        "mean_text": c["mean_text"], "sd_text": c["sd_text"],
        "mean_decimals": np.where(cat, -1, c["decimals"]).astype(np.int64),
        "sd_decimals": np.where(cat, -1, c["decimals"]).astype(np.int64),
        "count": np.where(cat, c["count"], np.nan).astype(float),
        "percent": pd.to_numeric(c["percent_text"].replace("", np.nan)).astype(float),
        "reported_p": np.nan, "file": "carlisle_corpus",
        "row": np.arange(1, len(c) + 1, dtype=np.int64),
    })
    return frame[list(ROWS_COLUMNS)]


def simdistr_frame(corpus: Corpus, trials: int | None = None) -> pd.DataFrame:
    """simdistr's nine columns; categorical means are proportions with their decimals
    (a percentage printed with d decimals is a proportion with d + 2)."""
    c = corpus.table if trials is None else corpus.table[corpus.table["trial_no"] <= trials]
    cat = (c["kind"] == "categorical").to_numpy()
    mean = np.where(cat, pd.to_numeric(c["percent_text"].replace("", np.nan)) / 100,
                    pd.to_numeric(c["mean_text"].replace("", np.nan)))
    return pd.DataFrame({
        "trial": c["trial_no"].to_numpy(), "variable": c["variable_no"].to_numpy(),
        "group": c["arm_no"].to_numpy(), "participants": c["n"].to_numpy(),
        "mean": mean, "sd": np.where(cat, np.nan, pd.to_numeric(c["sd_text"].replace("",
                                                                                     np.nan))),
        "decimals": np.where(cat, c["percent_decimals"] + 2, c["decimals"]),
        "type": np.where(cat, 2, 1), "name": c["trial"].to_numpy(),
    })


def reappraised_wide(corpus: Corpus, trials: int | None = None) -> pd.DataFrame:
    """reappraised's wide sheet (continuous variables): study, var, n1..n4, m1..m4, s1..s4, p."""
    c = corpus.table
    c = c[(c["kind"] == "continuous") & ((c["trial_no"] <= trials) if trials else True)]
    key = ["trial", "variable"]
    out = c[key].drop_duplicates().reset_index(drop=True)
    for prefix, col in (("n", "n"), ("m", "mean_text"), ("s", "sd_text")):
        wide = c.pivot(index=key, columns="arm_no", values=col).reindex(columns=[1, 2, 3, 4])
        wide = wide.apply(pd.to_numeric).reset_index()
        wide.columns = key + [f"{prefix}{j}" for j in range(1, 5)]
        out = out.merge(wide, on=key, how="left")
    out["p"] = np.nan
    return out.rename(columns={"trial": "study", "variable": "var"})


def main() -> None:
    corpus = make_corpus()
    c = corpus.table
    print(f"{c['trial'].nunique():,} trials, {len(c):,} rows, "
          f"{c.groupby('trial')['variable'].nunique().mean():.1f} variables a trial, "
          f"{(c['kind'] == 'categorical').mean():.0%} categorical rows, "
          f"fabricated: {', '.join(corpus.fabricated[:5])} ...")
    print(long_table(corpus).head(6).to_string(index=False))


if __name__ == "__main__":
    main()
