"""GRIMMER's ``engine="numba"``: brute-force enumeration, and the same table as numpy's.

The kernel (trialkit/checks/_grimmer_numba.py) is checked against exact enumeration of every
multiset (the outside reference, as in test_grimmer.py) and, row for row, against the numpy
engine on seeded tables that mix the rows it tests itself with the rows it hands back
(n <= 4, wide texts, huge magnitudes).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from checks_reference import achievable, text

from trialkit import TrialDataError
from trialkit.checks import grimmer, grimmer_consistent

pytest.importorskip("numba")


PARALLEL = {"parallel": True}


def _enumeration(n, items, dm, ds, mean_xs, sd_xs, values, scheme, options=None):
    ach = achievable(n, values, items, dm, ds, scheme)
    pairs = [(m, s) for m in mean_xs for s in sd_xs]
    means, sds = [text(m, dm) for m, _ in pairs], [text(s, ds) for _, s in pairs]
    expected = np.array([p in ach for p in pairs])
    table = grimmer(means, sds, n, items, rounding=scheme, engine="numba",
                    engine_kwargs=options)
    verdicts = grimmer_consistent(means, sds, n, items, rounding=scheme, engine="numba",
                                  engine_kwargs=options)
    for got in (table.consistent.to_numpy(), verdicts):
        wrong = [p for p, g, e in zip(pairs, got, expected, strict=True) if g != e]
        assert not wrong, (n, scheme, wrong[:10])
    return int(expected.sum())


@pytest.mark.parametrize("options", [None, PARALLEL], ids=["one_thread", "parallel"])
@pytest.mark.parametrize("n", [5, 6, 7])
def test_numba_equals_enumeration_of_all_multisets(n, options):
    # every mean 0.00-3.00 and SD 0.00-1.20 against every multiset of n integers in a range
    # holding every sample with such an SD (|k - mean| <= SD sqrt(n - 1)); 36,421 rows, nine
    # blocks of the kernel, shared among threads with engine_kwargs={"parallel": True}
    width = math.ceil(1.205 * math.sqrt(n - 1)) + 1
    assert _enumeration(n, 1, 2, 2, range(0, 301), range(0, 121),
                        range(-width, 3 + width + 1), "up_or_down", options) > 0


@pytest.mark.parametrize("scheme", ["half_up", "half_down", "half_even", "half_away",
                                    "half_toward", "ceiling", "floor", "ceiling_or_floor",
                                    "trunc", "anti_trunc"])
def test_numba_equals_enumeration_under_every_rounding(scheme):
    n = 5
    width = math.ceil(1.01 * math.sqrt(n - 1)) + 2
    _enumeration(n, 1, 2, 2, range(-100, 201), range(0, 101), range(-3 - width, 2 + width + 1),
                 scheme)


def test_numba_equals_enumeration_with_items_and_one_decimal():
    n, items = 5, 2  # two-item scale (scores k / 2), one-decimal mean and SD
    width = math.ceil(items * 2.05 * math.sqrt(n - 1)) + 1
    _enumeration(n, items, 1, 1, range(0, 41), range(0, 21), range(-width, 8 + width + 1),
                 "up_or_down")


def _mixed(rows: int, seed: int) -> dict:
    rng = np.random.default_rng(seed)
    n = rng.integers(2, 60, rows)
    total = rng.integers(-3 * n, 7 * n)
    mean = total / n + rng.choice([0.0, 0.01, 0.1], rows, p=[0.6, 0.3, 0.1])
    decimals = rng.integers(0, 4, rows)
    sd = rng.uniform(0, 30, rows)
    return {"mean": np.array([f"{m:.{d}f}" for m, d in zip(mean, decimals, strict=True)]),
            "sd": np.array([f"{s:.{d}f}" for s, d in zip(sd, decimals[::-1], strict=True)]),
            "n": n, "items": rng.integers(1, 4, rows)}


@pytest.mark.parametrize("options", [None, PARALLEL], ids=["one_thread", "parallel"])
@pytest.mark.parametrize(("rows", "scheme"), [(3000, "up_or_down"), (9000, "half_even"),
                                              (2000, "trunc")])
def test_numba_table_is_the_numpy_table(rows, scheme, options):
    # texts of 1-7 characters (by key up to 4 or 5, else read digit by digit), negative
    # means, n = 2-4 (handed back to the numpy engine), items 1-3
    data = _mixed(rows, 20261202 + rows)
    numba = {"engine": "numba", "engine_kwargs": options}
    pd.testing.assert_frame_equal(grimmer(**data, rounding=scheme),
                                  grimmer(**data, rounding=scheme, **numba))
    assert np.array_equal(grimmer_consistent(**data, rounding=scheme),
                          grimmer_consistent(**data, rounding=scheme, **numba))


def test_numba_table_of_texts_read_by_key_is_the_numpy_table():
    # 20,000 rows of 4-character texts (every row read by key, numbered by the compiled
    # pass): the mean and SD columns hold the same categories and codes as numpy's
    rng = np.random.default_rng(20261203)
    n = rng.integers(5, 60, 20_000)
    data = {"mean": np.char.mod("%.2f", rng.integers(0, 7 * n) / n),
            "sd": np.char.mod("%.2f", rng.uniform(0.3, 3.0, n.size)), "n": n}
    expected = grimmer(**data)
    for options in (None, PARALLEL):
        pd.testing.assert_frame_equal(expected, grimmer(**data, engine="numba",
                                                        engine_kwargs=options))


@pytest.mark.parametrize(("engine", "options"), [
    ("numpy", {"parallel": True}), ("numba", {"parallel": True, "fastmath": True}),
    ("numba", {"nopython": False})])
def test_engine_kwargs_are_checked(engine, options):
    with pytest.raises(TrialDataError) as err:
        grimmer("5.19", "1.2", 28, engine=engine, engine_kwargs=options)
    assert err.value.field == "engine_kwargs"
    assert grimmer_consistent("5.23", "2.55", 31, engine="numba",
                              engine_kwargs={"nopython": True, "nogil": True}) is True


def test_numba_hands_back_huge_numbers_and_scalars():
    # sums of squares near 1e19 need exact integers (the numpy engine's Python integers)
    res = grimmer(["1000000.5", "1000000.5"], ["0.71", "0.70"], 2, engine="numba")
    assert res.consistent.tolist() == [True, False]
    # scrutiny's pigs5 rows 3 and 2: "5.23"/"2.55" with n 35 fails test 3, n 31 passes
    assert grimmer_consistent("5.23", "2.55", 35, engine="numba") is False
    assert grimmer_consistent("5.23", "2.55", 31, engine="numba") is True


@pytest.mark.parametrize(("kwargs", "field", "row"), [
    ({"mean": "5.19", "sd": "-1.2", "n": 28}, "sd", None),
    ({"mean": ["5.19", "5.2"], "sd": ["1.2", "x"], "n": 28}, "sd", 1),
    ({"mean": ["5.19", "5..2", "5.3"], "sd": "1.2", "n": 28}, "mean", 1),
])
def test_numba_bad_input_is_named_as_by_numpy(kwargs, field, row):
    with pytest.raises(TrialDataError) as err:
        grimmer(**kwargs, engine="numba")
    assert err.value.field == field and err.value.row == row


def test_unknown_engine():
    with pytest.raises(TrialDataError) as err:
        grimmer("5.19", "1.2", 28, engine="cython")
    assert err.value.field == "engine"


def test_numba_equals_enumeration_with_many_candidate_totals():
    # whole-number means of 5 or 6 values: 2n / 10**0 candidate totals a row, more than the
    # two the branch-free loop takes, so every row goes through the all-totals loop
    for n in (5, 6):
        width = math.ceil(3.05 * math.sqrt(n - 1)) + 1
        assert _enumeration(n, 1, 0, 1, range(0, 4), range(0, 31),
                            range(-width, 3 + width + 1), "up_or_down") > 0


@pytest.mark.parametrize("odd", ["1.2²", "1.2x", "1.2\u0132", "\u22121.2", "１.23", "1 23"])
@pytest.mark.parametrize("width", [4, 5])
def test_written_out_key_readers_find_the_same_odd_characters(width, odd):
    # the 4- and 5-character texts are read by key in written-out loops that test the
    # characters past ASCII once per row ("²" is code 178, whose low 7 bits are "2"): a
    # text with any character outside digits, signs and the point goes back to the numpy
    # engine, which names it as when numba is not asked for
    rng = np.random.default_rng(20261203 + width)
    n = rng.integers(5, 60, 9000)  # >= 8192 rows: 5-character texts are read by key too
    mean = np.char.mod("%.2f" if width == 4 else "%05.2f", rng.integers(0, 7 * n) / n)
    mean = mean.astype(f"<U{width}")
    mean[4321] = odd.rjust(width, "0")
    sd = np.char.mod("%.2f", rng.uniform(0.3, 3.0, n.size))
    try:
        expected = grimmer(mean, sd, n)
    except TrialDataError as err:
        with pytest.raises(TrialDataError) as got:
            grimmer(mean, sd, n, engine="numba")
        assert (got.value.field, got.value.row) == (err.field, err.row) == ("mean", 4321)
    else:
        pd.testing.assert_frame_equal(expected, grimmer(mean, sd, n, engine="numba"))
