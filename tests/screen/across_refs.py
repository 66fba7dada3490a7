"""Rows frames built from reappraised's shipped data sets (tests/data/screen_refs/, written
by tests/reference/screen_reappraised.R), and the stored outputs of reappraised 0.1.1."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
DATA = HERE.parent / "data" / "screen_refs"
OUT = HERE.parent / "reference" / "screen_reappraised_out"
NAN = math.nan


def _row(trial: str, variable: str, arm: str, n: float, **kw: object) -> dict:
    base = {"trial": str(trial), "variable": str(variable), "arm": arm, "timepoint": "",
            "kind": "continuous", "n": int(n), "mean": NAN, "sd": NAN, "mean_text": "",
            "sd_text": "", "mean_decimals": -1, "sd_decimals": -1, "count": NAN,
            "percent": NAN, "reported_p": NAN, "file": "SI", "row": 0}
    base.update(kw)
    return base


def frame(records: list[dict]) -> pd.DataFrame:
    df = pd.DataFrame(records)
    df["row"] = range(1, len(df) + 1)
    return df.astype({"n": "int64", "mean_decimals": "int64", "sd_decimals": "int64",
                      "row": "int64"})


def pvals_cont() -> pd.DataFrame:
    """SI_pvals_cont (30 Saitoh trials, 50 baseline variables, wide n1..n4 m1..m4 s1..s4 p)
    as a rows frame: one row per trial x variable x arm, numbers without their text (as
    reappraised stores them)."""
    wide = pd.read_csv(DATA / "SI_pvals_cont.csv")
    recs = []
    for _, r in wide.iterrows():
        for g in range(1, 5):
            if pd.isna(r[f"n{g}"]):
                continue
            recs.append(_row(r["study"], r["var"], f"g{g}", r[f"n{g}"], mean=float(r[f"m{g}"]),
                             sd=float(r[f"s{g}"]),
                             reported_p=float(r["p"]) if pd.notna(r["p"]) else NAN))
    return frame(recs)


def cat_all_selected() -> pd.DataFrame:
    """The categorical rows reappraised's cat_all_fn analysed in the vignette call (one level
    per variable, as it chose with seed 10): count = n_g with the characteristic of N_g."""
    sel = pd.read_csv(OUT / "cat_all_cat_all_dataset_abs.csv")
    recs = []
    for _, r in sel.iterrows():
        for g in range(1, 4):
            if pd.isna(r[f"N{g}"]):
                continue
            recs.append(_row(r["study"], r["var"], f"g{g}", r[f"N{g}"], kind="categorical",
                             count=float(r[f"n{g}"])))
    return frame(recs)


def cat_all_levels(level: int = 1) -> pd.DataFrame:
    """SI_cat_all: for each 2-level variable, the rows of one level (count n_g of N_g), with
    the reported p; variables with more levels are left out."""
    wide = pd.read_csv(DATA / "SI_cat_all.csv")
    wide = wide[(wide["levels_no"] == 2) & (wide["level"] == level)]
    recs = []
    for _, r in wide.iterrows():
        for g in range(1, 4):
            if pd.isna(r[f"N{g}"]):
                continue
            recs.append(_row(r["study"], r["var"], f"g{g}", r[f"N{g}"], kind="categorical",
                             count=float(r[f"n{g}"]),
                             reported_p=_p(r["p"])))
    return frame(recs)


def _p(text: object) -> float:
    """A reported p as a number; "NS", "<0.05" and blanks are not numbers (NaN)."""
    v = pd.to_numeric(pd.Series([text]), errors="coerce").iloc[0]
    return float(v) if pd.notna(v) else NAN


def cohort() -> pd.DataFrame:
    """SI_cohort (long: study, var, n, m, s, group) as a rows frame."""
    long = pd.read_csv(DATA / "SI_cohort.csv")
    recs = [_row(r["study"], r["var"], f"g{int(r['group'])}", r["n"], mean=float(r["m"]),
                 sd=float(r["s"]) if pd.notna(r["s"]) else NAN) for _, r in long.iterrows()]
    return frame(recs)


def split_trials(rows: pd.DataFrame, seed: int = 3) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Two partitions of whole trials, rows shuffled within each."""
    trials = sorted(rows["trial"].unique())
    first = set(trials[::2])
    a = rows[rows["trial"].isin(first)].sample(frac=1.0, random_state=seed)
    b = rows[~rows["trial"].isin(first)].sample(frac=1.0, random_state=seed + 1)
    return a, b


def cat_groups() -> pd.DataFrame:
    """SI_cat (trial group sizes n1..n3 and withdrawals w1..w3) as categorical rows
    "withdrawals" with count w_g of n_g."""
    wide = pd.read_csv(DATA / "SI_cat.csv")
    recs = []
    for _, r in wide.iterrows():
        for g in range(1, 4):
            if pd.isna(r[f"n{g}"]):
                continue
            recs.append(_row(r["study"], "withdrawals", f"g{g}", r[f"n{g}"],
                             kind="categorical", count=float(r[f"w{g}"])))
    return frame(recs)
