"""The fast vectorized paths of GRIM: parser, blocks of rows, float/int64/big-integer
arithmetic and the categorical text column, each against an oracle outside trialkit
(Python's decimal and fractions modules, and brute-force enumeration)."""

from __future__ import annotations

import itertools
import math
import re
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from checks_reference import possible_means, round_fraction, text
from hypothesis import given, settings
from hypothesis import strategies as st

from trialkit import TrialDataError
from trialkit.checks import ROUNDING_SCHEMES, grim, grim_consistent, grimmer, grimmer_consistent
from trialkit.checks import _numbers as num
from trialkit.checks import _texts as txt

# --- parsing: every printed number equals Python's Decimal reading of it ------------------


def decimal_reading(t: str) -> tuple[int, int]:
    """(X, d) with value X / 10**d and d decimals, as Python's decimal module reads t."""
    sign, digits, exponent = Decimal(t.strip()).as_tuple()
    X = int("".join(map(str, digits)))
    return (-X if sign else X), -exponent


number_text = st.builds(
    lambda blank, sign, whole, point, frac: blank + sign + whole + point + frac,
    st.sampled_from(["", "", "", " "]),
    st.sampled_from(["", "", "-", "+"]),
    st.text("0123456789", max_size=9),
    st.sampled_from(["", "."]),
    st.text("0123456789", max_size=8),
).filter(lambda t: any(c.isdigit() for c in t))


@settings(max_examples=300, deadline=None)
@given(texts=st.lists(number_text, min_size=1, max_size=40))
def test_parser_equals_decimal(texts):
    # "5." and ".5" are numbers; a point with no digit after it has 0 decimals
    for values in (texts, np.array(texts), pd.Series(texts)):
        rep = txt.parse_reported(values, "mean")
        assert list(zip(rep.X.tolist(), rep.d.tolist(), strict=True)) == [
            decimal_reading(t) for t in texts]


def test_parser_across_blocks_and_widths():
    # More rows than one block (65,536), texts of 1 to 15 characters (the fast path's
    # widths: uint16, uint32 and int64 accumulators) and then of 18 (the general parser).
    rng = np.random.default_rng(7)
    rows = 2 * num.BLOCK + 11
    for width in (4, 5, 9, 15, 18):
        digits = rng.integers(0, 10, (rows, width - 1))
        point = rng.integers(0, width, rows)
        texts = []
        for row, p in zip(digits, point, strict=True):
            s = "".join(map(str, row))
            texts.append(("-" if p % 3 == 0 else "") + s[:p] + "." + s[p:])
        rep = txt.parse_reported(np.array(texts), "mean")
        sample = rng.integers(0, rows, 3000)
        assert [(rep.X[i], rep.d[i]) for i in sample] == [decimal_reading(texts[i])
                                                          for i in sample]


def test_every_short_text_reads_as_decimal_reads_it():
    # Texts of up to 4 characters are read by a lookup table of every 4-bit key (the
    # characters "+" to "9"); every such text, and every text with one blank or letter in
    # it, must read as Python's decimal module reads it, or be refused as it refuses it.
    alphabet = list("+,-./0123456789 e")
    texts = ["".join(p) for w in (1, 2, 3, 4) for p in itertools.product(alphabet, repeat=w)
             if w < 4 or sum(c in " e" for c in p) <= 1]
    plain = [t for t in texts if re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)", t)]
    assert len(plain) > 10_000
    rep = txt.parse_reported(np.array(plain), "mean")
    assert list(zip(rep.X.tolist(), rep.d.tolist(), strict=True)) == [
        decimal_reading(t) for t in plain]
    refused = sorted(set(texts) - set(plain) - {t for t in texts if t.strip() != t})
    for t in refused[::97]:  # a spread sample: one call each raises
        with pytest.raises(TrialDataError):
            txt.parse_reported(np.array(["1.00", t]), "mean")


def test_bad_text_in_a_later_block_names_its_row():
    texts = np.array(["5.19"] * (num.BLOCK + 10))
    texts[num.BLOCK + 5] = "5.1.9"
    with pytest.raises(TrialDataError) as err:
        grim(texts, 28)
    assert err.value.row == num.BLOCK + 5 and err.value.field == "mean"


@pytest.mark.parametrize("bad", ["", "-", ".", "+-1", "1-", "1 2", "5,19", "1e3", "0x1",
                                 "nan", "inf", "5\u00b719", "\u0665"])
def test_parser_rejects_what_is_not_a_printed_number(bad):
    with pytest.raises(TrialDataError):
        txt.parse_reported(np.array(["1.00", bad]), "mean")


# --- GRIM arithmetic: float64, int64 and Python integers against exact enumeration ------


def grim_by_fractions(X: int, d: int, N: int, scheme: str) -> bool:
    """Some whole total S with S / N rounding to X / 10**d (enumerates every candidate S)."""
    lo = math.floor(Fraction(N * (X - 1), 10**d)) - 1
    hi = math.ceil(Fraction(N * (X + 1), 10**d)) + 1
    return any(X in round_fraction(Fraction(S, N), d, scheme) for S in range(lo, hi + 1))


@settings(max_examples=400, deadline=None)
@given(X=st.integers(-10**17 + 1, 10**17 - 1), d=st.integers(0, 16), N=st.integers(1, 2**40),
       scheme=st.sampled_from(sorted(ROUNDING_SCHEMES)))
def test_grim_arithmetic_at_every_magnitude(X, d, N, scheme):
    # Magnitudes from tiny to beyond int64 products, so the float64 path (N * 2X < 2**52),
    # the int64 path and the Python-integer path are all exercised; at most 41 candidates.
    N = min(N, 20 * 10**d)
    expected = grim_by_fractions(X, d, N, scheme)
    assert grim_consistent(text(X, d), N, rounding=scheme) is expected


def test_one_call_mixing_small_and_huge_rows_across_blocks():
    # The first block runs in float64, the second needs Python integers: one joined answer.
    rows = num.BLOCK + 4
    X = np.full(rows, 519)
    d = np.full(rows, 2)
    N = np.full(rows, 28)
    X[-4:] = [12345678901234567, 12345678901234568, 3333333333333333, 3333333333333334]
    d[-4:] = [9, 9, 16, 16]
    N[-4:] = [2**39, 2**39, 3, 3]
    texts = np.array([text(int(x), int(k)) for x, k in zip(X, d, strict=True)])
    res = grim(texts, N)
    expected_tail = [grim_by_fractions(int(x), int(k), int(m), "up_or_down")
                     for x, k, m in zip(X[-4:], d[-4:], N[-4:], strict=True)]
    assert res.consistent.tolist()[-4:] == expected_tail == [True, True, True, False]
    assert not res.consistent.iloc[:-4].any()  # 5.19 with n = 28 (Brown & Heathers 2017)
    assert res.possible_totals.iloc[-4:].tolist() == [
        sum(X_ in round_fraction(Fraction(S, int(m)), int(k), "up_or_down")
            for S in range(math.floor(Fraction(int(m) * (X_ - 1), 10**int(k))),
                           math.ceil(Fraction(int(m) * (X_ + 1), 10**int(k))) + 1))
        for X_, k, m in zip(X[-4:].tolist(), d[-4:], N[-4:], strict=True)]


@pytest.mark.parametrize("scheme", sorted(ROUNDING_SCHEMES))
def test_grim_consistent_equals_brute_force(scheme):
    # every mean with 2 decimals from -3 to 3, n = 1..30: as enumerated from the totals
    xs = list(range(-300, 301))
    for n in range(1, 31):
        ok = possible_means(n, 1, 2, -4 * n, 4 * n, scheme)
        got = grim_consistent([text(x, 2) for x in xs], n, rounding=scheme)
        assert isinstance(got, np.ndarray) and got.dtype == bool
        assert got.tolist() == [x in ok for x in xs], (scheme, n)


def test_grim_consistent_scalar_and_published_example():
    # Brown & Heathers (2017): 5.19 is impossible with n = 28; 5.18 (145/28) is possible
    assert grim_consistent("5.19", 28) is False
    assert grim_consistent("5.18", 28) is True
    assert grim_consistent(["5.19"], 28).tolist() == [False]


# --- the text column ------------------------------------------------------------------------


def test_text_column_keeps_every_text_as_printed():
    texts = ["5.1", "5.10", " 5.1", "-0.50", "+3", "12.", ".5", "123456789.12", "0.000001",
             "5.10"]
    res = grim(texts, 7)
    assert res["mean"].tolist() == texts
    assert isinstance(res["mean"].dtype, pd.CategoricalDtype)
    cats = res["mean"].cat.categories.tolist()
    assert cats == sorted(set(texts))


@pytest.mark.parametrize("width", [1, 4, 5, 6, 9, 11])
@pytest.mark.parametrize("alphabet", ["0123456789.-", "0123456789. "])
def test_text_column_packed_keys_round_trip(width, alphabet):
    # Keys of 4 bits a character (digits, point, sign; up to 5), of 7 bits (up to 9, e.g.
    # with blanks) and Python strings beyond: texts come back exactly, with the categories
    # sorted as Python sorts strings. grim() builds 4-bit keys while parsing.
    rng = np.random.default_rng(width)
    texts = ["".join(rng.choice(list(alphabet), rng.integers(1, width + 1)))
             for _ in range(3000)]
    col = txt.text_column(np.array(texts), len(texts))
    assert list(col) == texts
    assert list(col.categories) == sorted(set(texts))
    numbers = [t for t in texts if t.strip(" -.") and t.count(".") <= 1
               and "-" not in t.strip()[1:] and " " not in t.strip()]
    res = grim(np.array(numbers), 7)
    assert res["mean"].tolist() == numbers
    assert list(res["mean"].cat.categories) == sorted(set(numbers))


# --- blocks ---------------------------------------------------------------------------------


def test_an_error_inside_a_later_block_names_the_row_in_all_rows():
    def fails_at_row_3_of_the_second_block(a):
        if a[0] == 1:
            raise TrialDataError("bad", field="x", row=3)
        return (a * 2,)

    values = np.r_[np.zeros(num.BLOCK), np.ones(10)]
    with pytest.raises(TrialDataError) as err:
        num.by_blocks(fails_at_row_3_of_the_second_block, values)
    assert err.value.row == num.BLOCK + 3 and err.value.field == "x"


def test_grimmer_verdicts_in_blocks_with_a_negative_sd_in_a_later_block():
    means = np.array(["5.23"] * (num.BLOCK + 5))
    sds = np.array(["2.55"] * (num.BLOCK + 5))
    sds[num.BLOCK + 2] = "-2.55"
    with pytest.raises(TrialDataError) as err:
        grimmer_consistent(means, sds, 31)
    assert err.value.row == num.BLOCK + 2 and err.value.field == "sd"
    sds[num.BLOCK + 2] = "2.55"
    # scrutiny's pigs5: mean 5.23, SD 2.55 fails test 3 with n = 35. With n = 31, by hand:
    # K = 162 (5.226), SD in [2.545, 2.555] needs Q in [1040.9, 1042.4]; 1042 is even like K.
    assert grimmer_consistent(means, sds, 31).all()
    assert not grimmer_consistent(means, sds, 35).any()


def test_grimmer_result_columns_are_not_views_of_the_inputs():
    n = np.array([31, 35])
    means, sds = np.array(["5.23", "5.23"]), np.array(["2.55", "2.55"])
    res = grimmer(means, sds, n)
    res.loc[0, "n"] = 99
    res["items"] += 1
    assert n.tolist() == [31, 35]
    assert means.tolist() == ["5.23", "5.23"] and sds.tolist() == ["2.55", "2.55"]
