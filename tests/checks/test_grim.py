"""GRIM: published worked examples, every rounding scheme, brute force and properties."""

from __future__ import annotations

import warnings
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from checks_reference import possible_means, round_fraction, text
from hypothesis import given, settings
from hypothesis import strategies as st

from trialkit import TrialDataError
from trialkit.checks import ROUNDING_SCHEMES, grim

# --- published examples ------------------------------------------------------------------


def test_brown_heathers_example_5_19_with_28():
    # Brown & Heathers (2017) GRIM paper, as reproduced in the scrutiny documentation
    # (reference/grim.md, "Examples": grim(x = "5.19", n = 28) -> FALSE; n = 32 -> TRUE) and
    # rsprite2 (tests/testthat/test-core-functions.R: GRIM_test(5.19, 28) is FALSE and the
    # closest consistent mean is 5.18). 145/28 = 5.1786 and 146/28 = 5.2143.
    res = grim(["5.19", "5.19"], [28, 32])
    assert res.consistent.tolist() == [False, True]
    assert res.nearest_below.iloc[0] == pytest.approx(145 / 28)
    assert res.nearest_above.iloc[0] == pytest.approx(146 / 28)
    assert round(res.nearest_below.iloc[0], 2) == 5.18


def test_wikipedia_die_rolled_20_times():
    # Wikipedia, "GRIM test", section Example: a die rolled 20 times cannot have a reported
    # mean of 3.48 ("dividing any whole number by 20 ... must be of the form X.X0 or X.X5").
    res = grim(["3.48", "3.45", "3.50"], 20)
    assert res.consistent.tolist() == [False, True, True]


def test_economist_summary_of_the_grim_paper():
    # The Economist (18 June 2016, "Come again"), summarising Brown & Heathers: 49
    # participants and a mean of 5.93 give 49 x 5.93 = 290.57, not a whole number; the
    # neighbours 290/49 = 5.918 and 291/49 = 5.939 round to 5.92 and 5.94.
    res = grim("5.93", 49)
    assert not res.consistent.iloc[0]
    assert res[["nearest_below", "nearest_above"]].round(2).iloc[0].tolist() == [5.92, 5.94]


def test_scrutiny_grim_test_expectations():
    # lhdjung/scrutiny tests/testthat/test-grim.R: vec1 = 5.19, 5.20, ..., 5.30 with n = 28.
    vec1 = [f"{x / 100:.2f}" for x in range(519, 531)]
    assert grim(vec1, 28).consistent.tolist() == [False, False, True, False, False, False,
                                                  True, False, False, False, True, False]
    # vec2 = 0.150 ... 0.159 with n = 120 and items = 3
    vec2 = [f"{x / 1000:.3f}" for x in range(150, 160)]
    assert grim(vec2, 120, items=3).consistent.tolist() == [True, False, False, True, False,
                                                           False, True, False, True, False]
    # vec3 = 0.80 ... 0.89 with n = 28 and items = 2
    vec3 = [f"{x / 100:.2f}" for x in range(80, 90)]
    assert grim(vec3, 28, items=2).consistent.tolist() == [True, False, True, False, True,
                                                          False, True, True, True, True]
    # vec4: percentages 519 ... 530 with n = 28; vec5: 6 ... 16 with n = 50
    vec4 = [str(x) for x in range(519, 531)]
    assert grim(vec4, 28, percent=True).consistent.tolist() == [False, False, True, False,
                                                               False, False, True, False,
                                                               False, False, True, False]
    vec5 = [str(x) for x in range(6, 17)]
    assert grim(vec5, 50, percent=True).consistent.tolist() == [True, False] * 5 + [True]


def test_scrutiny_vignette_flying_pigs_and_items():
    # scrutiny vignette "GRIM" (vignettes/grim.Rmd), section "Many cases: grim_map()":
    # flying_pigs1 with n = 28 -> FALSE TRUE FALSE TRUE FALSE TRUE TRUE, probability 0.72.
    pigs = ["8.97", "2.61", "7.26", "3.64", "9.26", "10.46", "7.39"]
    res = grim(pigs, 28)
    assert res.consistent.tolist() == [False, True, False, True, False, True, True]
    assert res.probability.tolist() == pytest.approx([0.72] * 7)
    # Section "Scale items": jpap_1 with n = 40 is T F T T F F as single items and all TRUE
    # with items = 3 (probability 0.6, then 0).
    jpap1 = ["5.90", "5.71", "3.50", "3.82", "4.61", "5.24"]
    assert grim(jpap1, 40).consistent.tolist() == [True, False, True, True, False, False]
    assert grim(jpap1, 40).probability.iloc[0] == pytest.approx(0.6)
    three = grim(jpap1, 40, items=3)
    assert three.consistent.all() and (three.probability == 0).all()
    # jpap_2: items per row 1, 1, 2, 2, 3, 3 with n = 30 -> F F F F T T; probability
    # 0.7, 0.7, 0.4, 0.4, 0.1, 0.1.
    jpap2 = grim(["6.92", "3.48", "1.59", "2.61", "4.04", "4.50"], 30, [1, 1, 2, 2, 3, 3])
    assert jpap2.consistent.tolist() == [False, False, False, False, True, True]
    assert jpap2.probability.tolist() == pytest.approx([0.7, 0.7, 0.4, 0.4, 0.1, 0.1])
    # Section "Percentage conversion": jpap_3 -> F T F T.
    jpap3 = grim(["32.5", "35.6", "21.7", "39.3"], [438, 455, 501, 516], percent=True)
    assert jpap3.consistent.tolist() == [False, True, False, True]
    # scrutiny reference/grim.md examples: grim("2.84", 16, items = 2) TRUE,
    # grim("71", 43, percent = TRUE) FALSE; vignette: grim("5.27", 43) FALSE.
    assert bool(grim("2.84", 16, items=2).consistent.iloc[0])
    assert not bool(grim("71", 43, percent=True).consistent.iloc[0])
    assert not bool(grim("5.27", 43).consistent.iloc[0])


PIGS1 = ["7.22", "4.74", "5.23", "2.57", "6.77", "2.68", "7.01", "7.38", "3.14", "6.89",
         "5.00", "0.24"]
PIGS1_N = [32, 25, 29, 24, 27, 28, 29, 26, 27, 31, 25, 28]
T, F = True, False


def test_scrutiny_pigs1_default():
    # scrutiny tests/testthat/test-grim-map.R: grim_map(pigs1)$consistency.
    assert grim(PIGS1, PIGS1_N).consistent.tolist() == [T, F, F, F, F, T, F, T, F, F, T, F]
    # ... and with items = 2, six values are consistent.
    assert int(grim(PIGS1, PIGS1_N, items=2).consistent.sum()) == 6


def _reachable_with_tolerance(x: str, n: int, scheme_interval: tuple[int, int],
                              tol: Fraction = Fraction(1, 10**9)) -> bool:
    """Is some total within ``tol`` of the scheme's interval around x (units of the last
    digit)? Used to show that a difference with scrutiny is its floating-point tolerance."""
    d = len(x.split(".")[1]) if "." in x else 0
    X = round(Fraction(x) * 10**d)
    lo, hi = Fraction(X + scheme_interval[0]) - tol, Fraction(X + scheme_interval[1]) + tol
    return any(lo <= Fraction(K * 10**d, n) <= hi for K in range(0, 20 * n))


_DIRECTED = {"ceiling": (-1, 0), "floor": (0, 1), "trunc": (0, 1), "anti_trunc": (-1, 0),
             "ceiling_or_floor": (-1, 1)}


@pytest.mark.parametrize(("rounding", "n40", "n80"), [
    # scrutiny tests/testthat/test-grim-map.R, "corner case of n = 40" and "n = 80" for the
    # directed schemes. scrutiny compares with a tolerance (its dustify(), ~1e-12), so a
    # total that lands exactly on the boundary of the interval counts for both neighbours:
    # 280/40 = 7.000 exactly is "7.01" under its ceiling. trialkit is exact. Every
    # difference below is such a boundary case (reachable only with the tolerance), and
    # trialkit equals exact brute-force enumeration (test_grim_equals_brute_force_enumeration).
    ("ceiling_or_floor", [T] * 12, [T] * 12),
    ("ceiling", [F, F, T, F, F, T, T, T, F, F, T, F], [T] * 12),
    ("floor", [T, T, F, T, T, F, F, F, T, T, T, T], [T] * 12),
    ("trunc", [T, T, F, T, T, F, F, F, T, T, T, T], [T] * 12),
    ("anti_trunc", [F, F, T, F, F, T, T, T, F, F, T, F], [T] * 12),
])
def test_scrutiny_directed_rounding_differs_only_at_exact_boundaries(rounding, n40, n80):
    for n, expected in ((40, n40), (80, n80)):
        ours = grim(PIGS1, n, rounding=rounding).consistent.tolist()
        for i, (a, b) in enumerate(zip(ours, expected, strict=True)):
            if a == b:
                continue
            assert not a and b  # trialkit is never the more lenient one
            interval = _DIRECTED[rounding]
            strict = (interval[0], interval[1]) if rounding != "ceiling_or_floor" else (-1, 1)
            exact = any(Fraction(strict[0]) < Fraction(K * 100, n) - round(
                Fraction(PIGS1[i]) * 100) < Fraction(strict[1]) for K in range(20 * n))
            assert not exact
            assert _reachable_with_tolerance(PIGS1[i], n, interval)


@pytest.mark.parametrize(("rounding", "n40", "n80"), [
    # scrutiny tests/testthat/test-grim-map.R, "corner case of n = 40" and "n = 80": the
    # pigs1 means with n = 40 and n = 80 under each rounding specification.
    ("up_or_down", [T, F, T, T, T, T, F, T, F, F, T, F], [T] * 12),
    ("up", [F, F, T, F, F, T, F, T, F, F, T, F], [F, T, T, F, F, T, T, T, T, T, T, T]),
    ("down", [T, F, F, T, T, F, F, F, F, F, T, F], [T, T, F, T, T, F, T, F, T, T, T, T]),
])
def test_scrutiny_rounding_corner_cases(rounding, n40, n80):
    assert grim(PIGS1, 40, rounding=rounding).consistent.tolist() == n40
    assert grim(PIGS1, 80, rounding=rounding).consistent.tolist() == n80


def test_half_even_is_exact_where_scrutiny_rounds_binary_doubles():
    # scrutiny's "even" (same test file) expects pigs1 with n = 40 to be
    # T F T T T T F T F F T F, like "up_or_down". trialkit's half_even differs at rows 3-5
    # (5.23, 2.57, 6.77): each is reached only from an exact tie (209/40 = 5.225,
    # 103/40 = 2.575, 271/40 = 6.775), and exact round-half-to-even sends those ties to the
    # even digit (5.22, 2.58, 6.78). scrutiny applies R's round() to the binary double, and
    # 5.225 is stored as 5.22499999999999964..., so the tie never reaches the rule. The brute
    # force in conftest (exact fractions) agrees with trialkit.
    scrutiny_even = [T, F, T, T, T, T, F, T, F, F, T, F]
    ours = grim(PIGS1, 40, rounding="even").consistent.tolist()
    differ = [i for i in range(12) if ours[i] != scrutiny_even[i]]
    assert differ == [2, 3, 4]
    for i in differ:
        X = round(float(PIGS1[i]) * 100)
        possible = possible_means(40, 1, 2, 0, 400, "half_even")
        assert X not in possible
        tie = Fraction(2 * X - 1, 200) * 40 if (2 * X - 1) * 40 % 200 == 0 else \
            Fraction(2 * X + 1, 200) * 40
        assert tie.denominator == 1  # the only total near X is an exact tie
    assert f"{5.225:.20f}".startswith("5.22499999")


def test_rsprite2_examples():
    # LukasWallrich/rsprite2 tests/testthat/test-core-functions.R and
    # test-statistical-regressions.R: GRIM_test(5.18, 14, n_items = 2) TRUE,
    # GRIM_test(-1.3, 3) TRUE, GRIM_test(1e-5, 10000) FALSE, GRIM_test(1.14, 8) FALSE with
    # closest 1.13, GRIM_test(1.07, 7) FALSE with neighbours 1 and 1.14.
    assert bool(grim("5.18", 14, items=2).consistent.iloc[0])
    assert bool(grim("-1.3", 3).consistent.iloc[0])
    assert not bool(grim("0.00001", 10000).consistent.iloc[0])
    r = grim(["1.14", "1.07"], [8, 7])
    assert r.consistent.tolist() == [False, False]
    assert r.nearest_below.iloc[0] == 9 / 8  # 1.125, which rounds half up to 1.13
    assert [round(r.nearest_below.iloc[1], 2), round(r.nearest_above.iloc[1], 2)] == [1.0, 1.14]


# --- brute force -------------------------------------------------------------------------


@pytest.mark.parametrize("scheme", sorted(ROUNDING_SCHEMES))
def test_grim_equals_brute_force_enumeration(scheme):
    # Every mean with 0-3 decimals between -3 and 3, n = 1..12, items = 1..3: GRIM says
    # consistent iff some total K gives K / (n items) rounding to it (enumerated exactly).
    for d in (0, 1, 2, 3):
        xs = list(range(-3 * 10**d, 3 * 10**d + 1))
        for n in range(1, 13):
            for items in (1, 2, 3):
                N = n * items
                ok = possible_means(n, items, d, -4 * N, 4 * N, scheme)
                res = grim([text(x, d) for x in xs], n, items, rounding=scheme)
                expected = [x in ok for x in xs]
                assert res.consistent.tolist() == expected, (scheme, d, n, items)


def test_possible_totals_counts_every_total():
    # n = 80, mean "2.57": totals 205.2 .. 206 -> 206 only; n = 400 -> 1026..1030 (5 totals)
    res = grim(["2.57", "2.57"], [80, 400])
    assert res.possible_totals.tolist() == [1, 5]


@settings(max_examples=200, deadline=None)
@given(values=st.lists(st.integers(0, 10), min_size=1, max_size=60),
       items=st.integers(1, 4), d=st.integers(0, 3))
def test_no_false_alarm_for_real_samples(values, items, d):
    # Property: the mean of real whole-number scores, rounded half up, is always consistent.
    n = len(values) // items if len(values) >= items else 1
    scores = values[: n * items] if len(values) >= items else values[:1] * items
    mean = Fraction(sum(scores), n * items)
    x = next(iter(round_fraction(mean, d, "half_up")))
    assert bool(grim(text(x, d), n, items, rounding="half_up").consistent.iloc[0])
    assert bool(grim(text(x, d), n, items).consistent.iloc[0])


# --- interface -----------------------------------------------------------------------------


def test_scalar_call_returns_one_row_and_records_rounding():
    res = grim("5.19", 28, rounding="even")
    assert len(res) == 1
    assert res.rounding.iloc[0] == "half_even"
    assert list(res.columns[:6]) == ["mean", "n", "items", "rounding", "consistent", "reason"]
    assert res["mean"].iloc[0] == "5.19"


def test_trailing_zeros_matter():
    # "5.10" claims two decimals; "5.1" one. With n = 7: 36/7 = 5.143 -> "5.1" possible,
    # but no total gives 5.10 exactly to two decimals (35/7 = 5.00, 36/7 = 5.14).
    res = grim(["5.1", "5.10"], 7)
    assert res.consistent.tolist() == [True, False]
    assert res.decimals.tolist() == [1, 2]


def test_numbers_warn_and_lose_trailing_zeros():
    with pytest.warns(UserWarning, match="trailing zeros"):
        res = grim(5.10, 7)
    assert res["mean"].iloc[0] == "5.1"
    assert bool(res.consistent.iloc[0])


def test_vectorized_inputs_are_not_mutated():
    means = np.array(["5.19", "5.18", "3.48"])
    ns = pd.Series([28, 28, 20])
    arr = np.array([28, 28, 20])
    before = (means.copy(), ns.copy(), arr.copy())
    grim(means, ns)
    res = grim(means, arr)
    res.loc[0, "n"] = 99  # the result's columns are its own, not views of the inputs
    res["items"] += 1
    np.testing.assert_array_equal(means, before[0])
    pd.testing.assert_series_equal(ns, before[1])
    np.testing.assert_array_equal(arr, before[2])


def test_huge_values_use_exact_big_integers():
    # 17 significant digits and n near 2**40 overflow int64 products: exact Python ints.
    res = grim(["12345678.123456789", "0.5"], [2**39, 2**39])
    assert res.consistent.tolist() == [True, True]
    # 1/3 to 16 decimals is 0.3333333333333333; a last digit 4 is impossible with n = 3
    res = grim(["0.3333333333333333", "0.3333333333333334"], 3)
    assert res.consistent.tolist() == [True, False]


@pytest.mark.parametrize(("kwargs", "field", "row"), [
    ({"mean": ["5.19", "5,19"], "n": 28}, "mean", 1),
    ({"mean": "1e3", "n": 28}, "mean", None),
    ({"mean": "abc", "n": 28}, "mean", None),
    ({"mean": ["1", None], "n": 28}, "mean", 1),
    ({"mean": "5.19", "n": [28, 0]}, "n", 1),
    ({"mean": "5.19", "n": 2.5}, "n", None),
    ({"mean": "5.19", "n": 28, "items": 0}, "items", None),
    ({"mean": ["1", "2", "3"], "n": [1, 2]}, "mean, n", None),
    ({"mean": "5.19", "n": 28, "rounding": "bankers"}, "rounding", None),
])
def test_bad_input_names_argument_and_element(kwargs, field, row):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        with pytest.raises(TrialDataError) as err:
            grim(**kwargs)
    assert err.value.field == field
    assert err.value.row == row
