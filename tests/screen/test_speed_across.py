"""Correctness of the fast paths of the across-trial techniques (no timings here).

The faster code must give the numbers the direct computation gives: closed forms and hand
counts written out below, and, for the convolution, the very bits of ``np.convolve``.
"""

import math

import numpy as np
import pytest
from scipy import stats

from trialkit.screen.across._common import per_unique, sig_digits_many
from trialkit.screen.across.cohorts import _match_counts
from trialkit.screen.across.matches import _poisson_binomial_p, convolve_nonnegative


def test_convolve_small_by_hand():
    # Binomial(2, 1/2) = (1/4, 1/2, 1/4) convolved with Binomial(1, 1/4) = (3/4, 1/4):
    # (3/16, 3/8 + 1/16, 3/16 + 1/8, 1/16) = (0.1875, 0.4375, 0.3125, 0.0625)
    out = convolve_nonnegative(np.array([0.25, 0.5, 0.25]), np.array([0.75, 0.25]))
    assert out.tolist() == [0.1875, 0.4375, 0.3125, 0.0625]


@pytest.mark.parametrize(("n1", "n2"), [(2000, 3000), (9000, 1200), (5000, 5000)])
def test_convolve_binomials_closed_form(n1, n2):
    # Binomial(n1, q) + Binomial(n2, q) is Binomial(n1 + n2, q) (textbook identity); both
    # pmfs are mostly exact zeros (underflow) at these n, the case the fast path skips.
    q = 0.2
    a = stats.binom.pmf(np.arange(n1 + 1), n1, q)
    b = stats.binom.pmf(np.arange(n2 + 1), n2, q)
    out = convolve_nonnegative(a, b)
    exact = stats.binom.pmf(np.arange(n1 + n2 + 1), n1 + n2, q)
    assert out.shape == exact.shape
    big = exact > 1e-300
    np.testing.assert_allclose(out[big], exact[big], rtol=1e-9)
    assert float(out[~big].max(initial=0.0)) < 1e-290


@pytest.mark.parametrize("sizes", [(3000, 4000, 2500, 600, 40), (0, 17, 8000, 3, 1500)])
def test_convolve_same_bits_as_numpy(sizes):
    # Every dot product slice is at most 10,000 long here, where OpenBLAS does not split a
    # dot product between threads: np.convolve's bits do not depend on the thread count.
    probs = (0.664, 0.206, 0.075, 0.016, 0.008)
    fast = slow = np.array([1.0])
    for n, q in zip(sizes, probs, strict=True):
        pmf = stats.binom.pmf(np.arange(n + 1), n, q)
        fast = convolve_nonnegative(fast, pmf)
        slow = np.convolve(slow, pmf)
    assert np.array_equal(fast.view(np.int64), slow.view(np.int64))


def test_poisson_binomial_single_group_is_binomial_test():
    # R 4.2.2: print(binom.test(30, 100, 0.2)$p.value, digits=10) -> 0.01694535968
    assert _poisson_binomial_p(30, [100], [0.2]) == pytest.approx(0.01694535968, rel=1e-9)


def test_match_counts_by_hand():
    m = np.array([[1.0, 1.0, 2.0, np.nan, np.nan, 2.0]])
    s = np.array([[3.0, 4.0, 3.0, 3.0, 3.0, 3.0]])
    got = {k: int(v[0]) for k, v in _match_counts(m, s).items()}
    # means: the two 1.0 and the two 2.0 (NaN never matches) -> 4
    # SDs: the five 3.0 -> 5
    # both: (1, 3), (1, 4), (2, 3), (NaN, 3), (NaN, 3), (2, 3) -> the two (2, 3) -> 2
    assert got == {"mean": 4, "sd": 5, "both": 2}
    # -0.0 equals 0.0, as numbers compare; rows are counted separately
    m2 = np.array([[0.0, -0.0, 5.0], [5.0, 6.0, 7.0]])
    s2 = np.array([[1.0, 1.0, np.nan], [1.0, 1.0, 1.0]])
    got2 = {k: v.tolist() for k, v in _match_counts(m2, s2).items()}
    assert got2 == {"mean": [2, 0], "sd": [2, 3], "both": [2, 0]}


def test_sig_digits_many_by_hand():
    # reappraised's counting: 65.6 -> 3, "0.070" -> 1, 150 -> 2, 0.25 -> 2; NaN -> 0
    values = np.array([65.6, 0.07, 150.0, 0.25, math.nan, 65.6])
    texts = np.array(["", "0.070", "", "", "", "65.60"])
    assert sig_digits_many(values, texts).tolist() == [3, 1, 2, 2, 0, 3]


def test_per_unique_calls_once_per_distinct_row():
    calls = []

    def f(a, b):
        calls.append((a, b))
        return len(a) + int(b)

    out = per_unique(f, np.array(["x", "yy", "x", "x"]), np.array([1.0, 2.0, 1.0, 3.0]))
    assert out.tolist() == [2, 4, 2, 4]
    assert sorted(calls) == [("x", 1.0), ("x", 3.0), ("yy", 2.0)]
    assert per_unique(f, np.array([], str)).tolist() == []


def test_decimals_of_texts_by_hand():
    from trialkit.screen.across._common import decimals_of_texts

    texts = np.array(["4.50", " -3 ", "", ".", "5.", ".5", "+-1.20", "1.2.3", "abc",
                      "\u0663.\u0665", "0.070", "150", " ", "1e3"], dtype=object)
    # "4.50" two decimals; "-3" none; "" and " " unknown (-1); "." and "5." none; ".5" one;
    # signs are stripped; two points, letters and exponents are not plain numbers (-1);
    # Arabic-Indic digits count as digits (str.isdigit), as decimals_of_text counts them
    assert decimals_of_texts(texts).tolist() == [2, 0, -1, 0, 0, 1, 2, -1, -1, 1, 3, 0, -1,
                                                 -1]
