"""categorical and group_sizes against reappraised 0.1.1's cat_all_fn (binom = "yes", the
vignette call, on the levels it kept with seed 10) and sr_fn (SI_cat), stored in
tests/reference/screen_reappraised_out/."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from across_refs import OUT, cat_all_selected, cat_groups, split_trials

from trialkit.screen.across.categorical import (
    categorical,
    combine_categorical,
    combine_group_sizes,
    group_sizes,
    partial_categorical,
    partial_group_sizes,
    simple_randomisation_pmf,
)


def _merged(ref: pd.DataFrame) -> pd.DataFrame:
    return ref.dropna(subset=["obsm__5"])[["range__5", "obsm__5", "exsm__5"]]


def _check(got: pd.DataFrame, ref: pd.DataFrame) -> None:
    # every expected value per count, and the merged bins and their chi-squared p
    m = min(len(got), len(ref))
    assert np.allclose(got["expected"].to_numpy()[:m], ref["exp"].to_numpy()[:m], rtol=1e-9,
                       atol=1e-12)
    assert got["observed"].to_numpy()[:m].tolist() == ref["obs"].to_numpy()[:m].tolist()
    bins = got.groupby("bin", sort=False)[["observed", "expected"]].sum()
    r = _merged(ref)
    assert bins.index.tolist() == r["range__5"].tolist()
    assert bins["observed"].tolist() == r["obsm__5"].tolist()
    assert np.allclose(bins["expected"], r["exsm__5"], rtol=1e-9)
    assert got["p"].iloc[0] == pytest.approx(ref["p_XS__5"].iloc[0], rel=1e-7)


def test_counts_and_differences_match_cat_all_fn():
    # cat_all_data_abs: counts per group vs summed Binomial(N_g, pooled p): 18 merged bins
    # "0-2" .. "103+", p = 0.994526213258909; cat_all_data_df: |n1 - n2| in 2-arm
    # trials with N1/N2 in 0.8-1.2: bins "0-1", "2", "3", "4-5", "6-8", "9+",
    # p = 7.31678784688101e-05.
    got = categorical(cat_all_selected())
    _check(got[got.measure == "count"].reset_index(drop=True),
           pd.read_csv(OUT / "cat_all_cat_all_data_abs.csv"))
    _check(got[got.measure == "difference"].reset_index(drop=True),
           pd.read_csv(OUT / "cat_all_cat_all_data_df.csv"))


def test_group_sizes_match_sr_fn():
    # sr_fn(SI_cat): 19 two-arm trials; expected |n1 - n2| per value (sr_data$exp), bins
    # 0-4 (18 observed, 6.5467 expected), 5-10, 11+; p = 2.19863635109786e-07.
    got = group_sizes(cat_groups())
    assert got["n_trials"].iloc[0] == 19
    _check(got, pd.read_csv(OUT / "sr_data.csv"))


def test_simple_randomisation_by_hand():
    # N = 3: |2X - 3| is 3 with prob 2/8 and 1 with prob 6/8
    assert simple_randomisation_pmf(3).tolist() == pytest.approx([0, 0.75, 0, 0.25])


def test_split_exact():
    rows = cat_all_selected()
    whole = categorical(rows)
    a, b = split_trials(rows)
    pieces = pd.concat([partial_categorical(b), partial_categorical(a)], ignore_index=True)
    pd.testing.assert_frame_equal(whole, combine_categorical(pieces))
    rows = cat_groups()
    a, b = split_trials(rows)
    pieces = pd.concat([partial_group_sizes(b), partial_group_sizes(a)], ignore_index=True)
    pd.testing.assert_frame_equal(group_sizes(rows), combine_group_sizes(pieces))
