"""GRIMMER: published examples and exact agreement with brute-force enumeration."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from checks_reference import achievable, round_fraction, round_sqrt, text
from hypothesis import given, settings
from hypothesis import strategies as st

from trialkit import TrialDataError
from trialkit.checks import grimmer, grimmer_consistent
from trialkit.checks._sums_of_squares import representable

# --- published examples ------------------------------------------------------------------

PIGS5 = {
    # scrutiny tests/testthat/test-grimmer-map.R ("pigs5_exp") and reference/grimmer_map.md
    "x": ["7.22", "4.74", "5.23", "2.57", "6.77", "2.68", "7.01", "7.38", "3.14", "6.89",
          "5.00", "0.24"],
    "sd": ["5.30", "6.55", "2.55", "2.57", "2.18", "2.59", "6.68", "3.65", "5.32", "4.18",
           "2.18", "6.43"],
    "n": [38, 31, 35, 30, 33, 34, 35, 32, 33, 37, 31, 34],
    "consistency": [False, True, False, True, False, True, False, True, False, True, True,
                    True],
    "reason": ["GRIM", "", "test 3", "", "GRIM", "", "GRIM", "", "GRIM", "", "", ""],
}


def test_scrutiny_pigs5():
    res = grimmer(PIGS5["x"], PIGS5["sd"], PIGS5["n"])
    assert res.consistent.tolist() == PIGS5["consistency"]
    for reason, got in zip(PIGS5["reason"], res.reason.astype(str), strict=True):
        if reason == "GRIM":
            assert "fails GRIM" in got
        elif reason == "test 3":
            assert "(GRIMMER test 3)" in got


def test_scrutiny_grimmer_documentation_examples():
    # scrutiny reference/grimmer.md, "Examples": grimmer("5.23", "2.55", 35) FALSE;
    # n = 31 TRUE; grimmer("2.74", "0.96", 63, items = 2) TRUE.
    res = grimmer(["5.23", "5.23", "2.74"], ["2.55", "2.55", "0.96"], [35, 31, 63],
                  items=[1, 1, 2])
    assert res.consistent.tolist() == [False, True, True]


def test_scrutiny_source_example_from_a_real_distribution():
    # scrutiny R/grimmer.R, "Example inputs 2": x = "3.10", sd = "1.37", n = 10, "actually
    # derived from this distribution: c(1, 1, 2, 3, 3, 4, 4, 4, 4, 5)".
    data = [1, 1, 2, 3, 3, 4, 4, 4, 4, 5]
    assert f"{np.mean(data):.2f}" == "3.10" and f"{np.std(data, ddof=1):.2f}" == "1.37"
    res = grimmer("3.10", "1.37", 10)
    assert bool(res.consistent.iloc[0])
    assert res.total.iloc[0] == 31 and res.sum_squares.iloc[0] == sum(v * v for v in data)


def test_rsprite2_examples():
    # LukasWallrich/rsprite2 tests/testthat/test-core-and-plot-functions.R:
    # GRIMMER_test(5.21, 1.6, 28) TRUE; GRIMMER_test(3.44, 2.47, 18) FALSE.
    res = grimmer(["5.21", "3.44"], ["1.6", "2.47"], [28, 18])
    assert res.consistent.tolist() == [True, False]
    # test-statistical-regressions.R: GRIMMER_test(1.33, 0, 3, n_items = 3) TRUE,
    # GRIMMER_test(1.1, 0, 10, sd_prec = 0) TRUE, GRIMMER_test(1.83, .2, 9, n_items = 2,
    # m_prec = 2, sd_prec = 1) TRUE; "rejects SDs below each total's lattice minimum":
    # GRIMMER_test(1.5, 0, 8) FALSE but TRUE with n_items = 2; (2.5, 0, 10) FALSE;
    # (1.44, .17, 9) FALSE; (-1.44, .17, 9) FALSE.
    ok = grimmer(["1.33", "1.1", "1.83", "1.5"], ["0", "0", "0.2", "0.00"], [3, 10, 9, 8],
                 items=[3, 1, 2, 2])
    assert ok.consistent.all()
    bad = grimmer(["1.5", "1.5", "2.5", "1.44", "-1.44"], ["0.00", "0", "0", "0.17", "0.17"],
                  [8, 8, 10, 9, 9])
    assert not bad.consistent.any()
    assert set(bad.test) == {2}  # the SD is below the least spread sample's


def test_witness_is_a_real_sample():
    # The witness (total K, sum of squares Q) must give back the reported mean and SD.
    res = grimmer(PIGS5["x"], PIGS5["sd"], PIGS5["n"])
    for _, r in res[res.consistent].iterrows():
        n, K, Q = int(r.n), int(r.total), int(r.sum_squares)
        assert f"{K / n:.2f}" in {r["mean"], f"{(K + 0.0) / n:.2f}"}
        sd = math.sqrt((Q - K * K / n) / (n - 1))
        assert abs(sd - float(r.sd)) <= 0.005 + 1e-12


# --- brute force ---------------------------------------------------------------------------


def _grid_check(n, items, dm, ds, mean_xs, sd_xs, values, scheme="up_or_down"):
    ach = achievable(n, values, items, dm, ds, scheme)
    pairs = [(m, s) for m in mean_xs for s in sd_xs]
    res = grimmer([text(m, dm) for m, _ in pairs], [text(s, ds) for _, s in pairs], n, items,
                  rounding=scheme)
    expected = np.array([p in ach for p in pairs])
    # the table and the verdict-only function (which skips the witness columns) both
    verdicts = grimmer_consistent([text(m, dm) for m, _ in pairs],
                                  [text(s, ds) for _, s in pairs], n, items, rounding=scheme)
    for got in (res.consistent.to_numpy(), verdicts):
        wrong = [(text(m, dm), text(s, ds)) for (m, s), g, e in zip(pairs, got, expected,
                                                                    strict=True) if g != e]
        assert not wrong, (n, items, scheme, wrong[:10])
    return int(expected.sum())


@pytest.mark.parametrize("n", [2, 3, 4, 5, 6])
def test_grimmer_equals_enumeration_of_all_multisets(n):
    # Every mean 0.00-4.00 and SD 0.00-1.50 (two decimals) against every multiset of n
    # integers in a range wide enough to hold every sample with such an SD
    # (|k - mean| <= SD sqrt(n - 1)). Small SDs are where the n <= 4 lattice gaps matter.
    width = math.ceil(1.505 * math.sqrt(n - 1)) + 1
    found = _grid_check(n, 1, 2, 2, range(0, 401), range(0, 151), range(-width, 4 + width + 1))
    assert found > 0


@pytest.mark.parametrize("n", [2, 3, 4])
def test_grimmer_lattice_gaps_at_larger_sds(n):
    # n <= 4: not every sum of squares of the right parity is reachable (e.g. n = 4,
    # total 0: never 28 = 4 x 7). Means on the GRIM grid (K / n), SDs 0.00-6.00.
    width = math.ceil(6.005 * math.sqrt(n - 1)) + 1
    means = sorted({x for K in range(0, 10 * n + 1)
                    for x in round_fraction(Fraction(K, n), 2, "half_up")})
    _grid_check(n, 1, 2, 2, means, range(0, 601), range(-width, 10 + width + 1))


@pytest.mark.parametrize("scheme", ["half_up", "half_down", "half_even", "ceiling", "floor"])
def test_grimmer_equals_enumeration_under_other_roundings(scheme):
    n = 4
    width = math.ceil(2.01 * math.sqrt(n - 1)) + 1
    _grid_check(n, 1, 2, 2, range(0, 301), range(0, 201), range(-width, 3 + width + 1),
                scheme)


def test_grimmer_equals_enumeration_with_items_and_one_decimal():
    # Two-item scale (scores k / 2, k whole), one-decimal mean and SD, n = 4.
    n, items = 4, 2
    width = math.ceil(items * 2.05 * math.sqrt(n - 1)) + 1
    _grid_check(n, items, 1, 1, range(0, 41), range(0, 21), range(-width, 8 + width + 1))


def test_lattice_conditions_against_enumeration():
    # representable(n, r, Q') versus all integer vectors with sum r (0 <= r < n) and
    # sum of squares Q' <= 400, for n = 2..6.
    for n in range(2, 7):
        reach = {r: set() for r in range(n)}
        lim = 21
        import itertools

        for vec in itertools.product(range(-lim, lim + 1), repeat=n - 1):
            s = sum(vec)
            q0 = sum(v * v for v in vec)
            if q0 > 400:
                continue
            for r in range(n):
                last = r - s
                q = q0 + last * last
                if q <= 400:
                    reach[r].add(q)
        for r in range(n):
            qs = np.array([q for q in range(r, 401) if (q - r) % 2 == 0])
            got = representable(np.full(qs.size, n), np.full(qs.size, r), qs)
            expected = np.array([q in reach[r] for q in qs])
            assert np.array_equal(got, expected), (n, r, qs[got != expected][:5])
        if n > 4:
            break  # n = 5 enumerates 43**4 vectors; enough to confirm no gaps


@settings(max_examples=200, deadline=None)
@given(values=st.lists(st.integers(0, 20), min_size=2, max_size=40), items=st.integers(1, 3),
       dm=st.integers(0, 3), ds=st.integers(0, 3))
def test_no_false_alarm_for_real_samples(values, items, dm, ds):
    # Property: any real sample's mean and SD, rounded half up, are GRIMMER-consistent.
    n = len(values)
    K, Q = sum(values), sum(v * v for v in values)
    mean = Fraction(K, n * items)
    var = Fraction(n * Q - K * K, n * (n - 1) * items * items)
    xm = next(iter(round_fraction(mean, dm, "half_up")))
    xs = next(iter(round_sqrt(var, ds, "half_up")))
    res = grimmer(text(xm, dm), text(xs, ds), n, items, rounding="half_up")
    assert bool(res.consistent.iloc[0]), (text(xm, dm), text(xs, ds), n, items)
    assert grimmer_consistent(text(xm, dm), text(xs, ds), n, items, rounding="half_up")


def test_many_possible_totals():
    # n = 2000 with a one-decimal mean: about 200 possible totals are each tested. SD 0.00
    # needs 2000 equal whole numbers: mean 3.0 (total 6000) can, but no total for "2.4"
    # (4700-4900) is a multiple of 2000, and the least spread such sample has SD 0.48.
    res = grimmer(["3.0", "2.4"], ["0.00", "0.00"], 2000)
    assert res.consistent.tolist() == [True, False]
    assert res.test.tolist() == [5, 2]


def test_many_totals_per_row_expanded_into_one_array():
    # Mean "5" (no decimals) with n = 30: totals 135..165 (31 candidates, more than the
    # passes over rows handle) are expanded. By hand: SD 0 needs thirty 5s (total 150);
    # the least spread non-constant sample with total 150 (one 4, one 6) has
    # sum((k - 5)^2) = 2, SD = sqrt(2 / 29) = 0.2626, so "0.10" is impossible and "0.26"
    # possible. With n = 30 and mean "5.0" the totals are 149..151, tested in passes.
    means, sds = ["5", "5", "5", "5.0", "5.0"], ["0.00", "0.10", "0.26", "0.10", "0.26"]
    expected = [True, False, True, False, True]
    assert grimmer(means, sds, 30).consistent.tolist() == expected
    assert grimmer_consistent(means, sds, 30).tolist() == expected


def test_big_numbers_use_exact_integers():
    # sums of squares near 1e19 overflow int64: checked with Python integers
    res = grimmer(["1000000.5", "1000000.5"], ["0.71", "0.70"], 2)
    assert res.consistent.tolist() == [True, False]


@pytest.mark.parametrize(("kwargs", "field", "row"), [
    ({"mean": "5.19", "sd": "1.2", "n": 1}, "n", None),
    ({"mean": "5.19", "sd": "-1.2", "n": 28}, "sd", None),
    ({"mean": ["5.19", "5.2"], "sd": ["1.2", "x"], "n": 28}, "sd", 1),
    ({"mean": "5.19", "sd": "1.2", "n": 28, "items": [1, 0]}, "items", 1),
])
def test_bad_input(kwargs, field, row):
    with pytest.raises(TrialDataError) as err:
        grimmer(**kwargs)
    assert err.value.field == field and err.value.row == row
