"""SD bounds on a bounded scale: published values, hand calculations and brute force."""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import numpy as np
import pytest
from checks_reference import round_fraction, text
from hypothesis import given, settings
from hypothesis import strategies as st

from trialkit import TrialDataError
from trialkit.checks import check_sd_bounds, sd_bounds


def test_rsprite2_sd_limits():
    # LukasWallrich/rsprite2 tests/testthat/test-core-and-plot-functions.R, ".sd_limits works":
    # .sd_limits(n_obs = 5, mean = 4.2, min_val = 1, max_val = 7, sd_prec = 2) == c(.45, 3.03)
    # and with n_items = 2 c(.27, 3.03) (limits printed to two decimals).
    one = sd_bounds("4.2", 5, 1, 7).iloc[0]
    two = sd_bounds("4.2", 5, 1, 7, items=2).iloc[0]
    assert [round(one.sd_min, 2), round(one.sd_max, 2)] == [0.45, 3.03]
    assert [round(two.sd_min, 2), round(two.sd_max, 2)] == [0.27, 3.03]
    # Hand calculation: 4, 4, 4, 4, 5 gives SD sqrt(0.2) = 0.4472; 7, 7, 5, 1, 1 gives
    # sqrt(9.2) = 3.0332.
    assert one.sd_min == pytest.approx(math.sqrt(0.2))
    assert one.sd_max == pytest.approx(math.sqrt(9.2))
    # .sd_limits(n_obs = 100, mean = 1, 1, 7) == c(0, 0): a mean at the floor forces all
    # values to 1 (printed here with two decimals, so that the mean is exactly 1).
    floor = sd_bounds("1.00", 100, 1, 7).iloc[0]
    assert (floor.sd_min, floor.sd_max) == (0.0, 0.0)


def test_rsprite2_boundary_test_cases():
    # rsprite2 tests/testthat/test-statistical-regressions.R: boundary_test(.71, 2, 1.5, 1, 2)
    # TRUE; boundary_test(3.1, 10, 4, 1, 7) TRUE; boundary_test(1.2, 20, 3.33, 1, 5) gives NA
    # (the mean fails GRIM); boundary_test(1, 10, 8, 1, 5) NA (mean outside the scale).
    res = check_sd_bounds(["1.5", "4", "3.33", "8"], [".71", "3.1", "1.2", "1"],
                          [2, 10, 20, 10], [1, 1, 1, 1], [2, 7, 5, 5])
    assert res.consistent.tolist() == [True, True, False, False]
    assert "GRIM" in str(res.reason.iloc[2]) and "outside" in str(res.reason.iloc[3])


def test_issue_example_mean_1_sd_4_on_0_10():
    # The issue's example: a 0-10 scale cannot have mean 1.0 and SD 4.0 with n = 10. The
    # widest sample is nine 0s and one 10: SD sqrt((9 * 1 + 81) / 9) = sqrt(10) = 3.162.
    for integer in (True, False):
        res = check_sd_bounds("1.0", "4.0", 10, 0, 10, integer=integer).iloc[0]
        assert not res.consistent
        assert res.sd_max == pytest.approx(math.sqrt(10), rel=0.02)
        assert "larger" in str(res.reason)
    assert bool(check_sd_bounds("1.0", "3.1", 10, 0, 10).consistent.iloc[0])


def test_continuous_hand_calculation():
    # n = 3 on [0, 1] with mean 0.5: the widest sample is 0, 0.5, 1 (SD 0.5); no
    # three-point sample on [0, 1] with that mean has an SD above 0.5 (Bhatia-Davis with
    # n/(n-1): sqrt(1.5 * 0.25) = 0.61 is not attainable with three values).
    res = sd_bounds("0.500", 3, 0, 1, integer=False).iloc[0]
    assert res.sd_max == pytest.approx(0.5, abs=2e-3)
    assert res.sd_min == 0.0
    assert not bool(check_sd_bounds("0.500", "0.51", 3, 0, 1, integer=False).consistent[0])
    assert bool(check_sd_bounds("0.500", "0.50", 3, 0, 1, integer=False).consistent[0])


@pytest.mark.parametrize(("n", "items"), [(2, 1), (3, 1), (4, 1), (5, 1), (6, 1), (3, 2),
                                          (4, 3)])
def test_extremes_equal_brute_force(n, items):
    # Like rsprite2's "known samples ... give exact SD bound extrema": enumerate every
    # multiset of n scores on 0-2 (steps of 1/items); for each rounded mean (0-2 decimals),
    # the smallest and largest SD among samples whose mean rounds to it must equal
    # sd_min / sd_max.
    lattice = range(0, 2 * items + 1)
    samples = list(itertools.combinations_with_replacement(lattice, n))
    for d in (0, 1, 2):
        table: dict[int, list[Fraction]] = {}
        for s in samples:
            K, Q = sum(s), sum(v * v for v in s)
            var = Fraction(n * Q - K * K, n * (n - 1) * items * items)
            for x in round_fraction(Fraction(K, n * items), d, "up_or_down"):
                table.setdefault(x, []).append(var)
        xs = sorted(table)
        res = sd_bounds([text(x, d) for x in xs], n, 0, 2, items)
        for x, (_, r) in zip(xs, res.iterrows(), strict=True):
            assert r.sd_min == pytest.approx(math.sqrt(min(table[x])), abs=1e-12), (d, x)
            assert r.sd_max == pytest.approx(math.sqrt(max(table[x])), abs=1e-12), (d, x)


def test_check_sd_bounds_exact_at_the_edge():
    # n = 2 on 0-1: mean 0.5 -> SD exactly sqrt(0.5) = 0.70711 -> "0.71" possible, "0.72"
    # not; half up the rounding interval of "0.70" is [0.695, 0.705) -> impossible.
    res = check_sd_bounds("0.5", ["0.71", "0.72", "0.70"], 2, 0, 1)
    assert res.consistent.tolist() == [True, False, False]


@settings(max_examples=150, deadline=None)
@given(values=st.lists(st.integers(0, 10), min_size=2, max_size=40), d=st.integers(0, 2),
       ds=st.integers(1, 3))
def test_real_samples_are_within_bounds(values, d, ds):
    n = len(values)
    mean = Fraction(sum(values), n)
    xm = next(iter(round_fraction(mean, d, "half_up")))
    sd = float(np.std(values, ddof=1))
    sd_text = f"{sd:.{ds}f}"
    res = check_sd_bounds(text(xm, d), sd_text, n, 0, 10).iloc[0]
    assert res.consistent
    # and the continuous bound is never tighter than the whole-number one
    cont = sd_bounds(text(xm, d), n, 0, 10, integer=False).iloc[0]
    assert cont.sd_max >= res.sd_max - 1e-9


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"mean": "1", "n": 10, "lo": 5, "hi": 1}, "lo, hi"),
    ({"mean": "1", "n": 10, "lo": 0.5, "hi": 4}, "lo"),
    ({"mean": "1", "n": 1, "lo": 0, "hi": 4}, "n"),
    ({"mean": "1", "n": 10, "lo": float("nan"), "hi": 4}, "lo"),
])
def test_bad_input(kwargs, field):
    with pytest.raises(TrialDataError) as err:
        sd_bounds(**kwargs)
    assert err.value.field == field
