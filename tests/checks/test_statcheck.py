"""statcheck: the R package's documented and tested cases (MicheleNuijten/statcheck)."""

from __future__ import annotations

import pytest
from scipy import stats

from trialkit import TrialDataError
from trialkit.checks import statcheck


def one(text: str, **kwargs):
    res = statcheck(text, **kwargs)
    assert len(res) == 1, (text, res)
    return res.iloc[0]


# --- extraction (tests/testthat/test-extract-*.R) -----------------------------------------


def test_t_test_is_parsed():
    # test-extract-t-tests.R "t-tests are correctly parsed"
    r = one("t(28) = 2.20, p = .03")
    assert (r.statistic, r.df2, r.test_comparison, r.value, r.p_comparison, r.reported_p) == (
        "t", 28, "=", 2.2, "=", 0.03)
    assert r.raw == "t(28) = 2.20, p = .03"


@pytest.mark.parametrize("text", [
    # test-extract-t-tests.R: spacing, test statistic and p-value variations, corrected df
    " t ( 28 ) = 2.20 , p = .03", "t(28)=2.20,p=.03", "t(28) = -2.20, p = .03",
    "t(28) = 2,000.20, p = .03", "t(28) < 2.20, p = .03", "t(28) > 2.20, p = .03",
    "t(28) = 2.20, p = 0.03", "t(28) = 2.20, p < .03", "t(28) = 2.20, p > .03",
    "t(28) = 2.20, ns", "t(28) = 2.20, p = .5e-3", "t(28.1) = 2.20, p = .03",
    # test-extract-chi2-tests.R: spellings of chi and of the 2, df with N
    "chi2(28) = 2.20, p = .03", "X2(28) = 2.20, p = .03", "x2(28) = 2.20, p = .03",
    "chi_2(28) = 2.20, p = .03", "\u03c72(28) = 2.20, p = .03", "x^2(28) = 2.20, p = .03",
    "chi\u00b2(28) = 2.20, p = .03", "chi2(28, N = 129) = 2.2, p = .03",
    "chi2(1, N = 11,455) = 16.78, p <.001", "chi2(1, n = 81) = 3.25, p = 0.07",
    " chi2 ( 28 ) = 2.20 , p = .03", "chi2(28)=2.20,p=.03",
])
def test_variants_are_retrieved(text):
    one(text)


@pytest.mark.parametrize("text", [
    # test-extract-t-tests.R: not retrieved
    "t(28) = 2.20; p = .03", "t[28] = 2.20, p = .03", "t(28) = 2.20, p = 1.03",
    "t(2,28) = 2.20, p = .03",
])
def test_non_results_are_not_retrieved(text):
    assert statcheck(text).empty


def test_sentences_and_values():
    # test-extract-t-tests.R "t-tests are retrieved from sentences"
    res = statcheck("Both effects were very significant, t(28) = 2.20, p = .03, "
                    "t(28) = 1.23, p = .04.")
    assert res.value.tolist() == [2.2, 1.23]
    assert statcheck("t(28.1) = 2.20, p = .03").df2.iloc[0] == 28.1
    assert statcheck("t(28) = 2,000.20, p = .03").value.iloc[0] == 2000.2
    assert statcheck("chi2(1, N = 11,455) = 16.78, p <.001").df1.iloc[0] == 1


# --- computed p (tests/testthat/test-compute-pvalues.R) ------------------------------------


def test_computed_p_values():
    # R: pt(-1 * abs(2.20), 28) * 2 = 0.03622548; pnorm(2.20, lower.tail = FALSE) * 2 =
    # 0.02780689 (normal table: P(Z > 2.2) = 0.0139034).
    assert one("t(28) = 2.20, p = .03").computed_p == pytest.approx(0.03622548, abs=1e-8)
    assert one(" z = 2.20, p = .04").computed_p == pytest.approx(0.02780689, abs=1e-8)
    # F, r, chi2 and Q use the distributions statcheck names (pf, r2t + pt, pchisq).
    assert one("F(2, 28) = 2.20, p = .15").computed_p == pytest.approx(
        stats.f.sf(2.2, 2, 28))
    r = 0.22
    t = r / ((1 - r * r) / 28) ** 0.5
    assert one("r(28) = .22, p = .26").computed_p == pytest.approx(2 * stats.t.sf(t, 28))
    assert one("chi2(28) = 22.20, p = .79").computed_p == pytest.approx(
        stats.chi2.sf(22.2, 28))
    assert one("Q(28) = 22.20, p = .79").computed_p == pytest.approx(stats.chi2.sf(22.2, 28))


# --- errors and decision errors (test-error.R, test-decisionerror.R) ----------------------


def test_error_and_decision_error():
    # test-error.R: "The effect was very significant (t(48) = 1.02, p < .05)"
    r = one("The effect was very significant (t(48) = 1.02, p < .05)")
    assert r.statistic == "t" and not r.consistent and r.decision_error


@pytest.mark.parametrize("text", [
    # test-decisionerror.R "simple decision errors are classified as such"
    "t(28) = 2.20, p = .06", "t(28) = 1.20, p = .03", "F(2, 28) = 22.20, p = .06",
    "F(2, 28) = 2.20, p = .03", "r(28) = .22, p = .03", "r(28) = .52, p = .06",
    "chi2(28) = 2.20, p = .03", "chi2(28) = 52.20, p = .06", " z = 1.20, p = .03",
    " z = 2.20, p = .06", "Q(28) = 2.20, p = .03", "Q(28) = 52.20, p = .06",
])
def test_simple_decision_errors(text):
    r = one(text)
    assert r.decision_error and not r.consistent


@pytest.mark.parametrize(("text", "alpha"), [
    # test-decisionerror.R "... when alpha levels are changed"
    ("t(28) = 2.20, p = .06", 0.05), ("t(28) = 1.20, p = .03", 0.05),
    ("t(28) = 2.20, p = .11", 0.10), ("t(28) = 1.20, p = .09", 0.10),
    ("t(28) = 5.20, p = .02", 0.01), ("t(28) = 1.20, p = .005", 0.01),
])
def test_decision_errors_at_other_alphas(text, alpha):
    assert one(text, alpha=alpha).decision_error


def test_p_equal_alpha():
    # test-decisionerror.R "... when argument p = alpha is changed"
    assert not one("t(28) = 2.20, p = .05").decision_error
    assert one("t(28) = 2.20, p = .05", p_equal_alpha_sig=False).decision_error
    assert not one("t(28) = 2.20, p = .10", alpha=0.10).decision_error
    assert one("t(28) = 2.20, p = .10", alpha=0.10, p_equal_alpha_sig=False).decision_error


T04, T05, T06 = (stats.t.isf(p / 2, 28) for p in (0.04, 0.05, 0.06))


@pytest.mark.parametrize(("t", "rel", "p", "eq_sig", "expected"), [
    # test-decisionerror.R "cases where t = ..., p = ... / p < ... / p > ..." (the t values
    # are qt(.04/2, 28, lower.tail = FALSE) etc., printed in full)
    (T04, "=", ".04", True, False), (T05 + .0001, "=", ".04", True, False),
    (T06, "=", ".04", True, True), (T04, "=", ".05", True, False),
    (T05, "=", ".05", True, False), (T06, "=", ".05", True, True),
    (T04, "=", ".06", True, True), (T05 + .0001, "=", ".06", True, True),
    (T06, "=", ".06", True, False),
    (T04, "=", ".04", False, False), (T05 - .0001, "=", ".04", False, True),
    (T06, "=", ".04", False, True), (T04, "=", ".05", False, True),
    (T05, "=", ".05", False, False), (T06, "=", ".05", False, False),
    (T04, "=", ".06", False, True), (T05 - .0001, "=", ".06", False, False),
    (T06, "=", ".06", False, False),
    (T04, "<", ".04", True, False), (T05 + .0001, "<", ".04", True, False),
    (T06, "<", ".04", True, True), (T04, "<", ".05", True, False),
    (T05 + .0001, "<", ".05", True, False), (T06, "<", ".05", True, True),
    (T04, "<", ".06", True, False), (T05 + .0001, "<", ".06", True, False),
    (T06, "<", ".06", True, False),
    (T05 - .0001, "<", ".04", False, True), (T05 - .0001, "<", ".05", False, True),
    (T04, ">", ".04", True, False), (T05 + .0001, ">", ".04", True, False),
    (T06, ">", ".04", True, False), (T04, ">", ".05", True, True),
    (T05 + .0001, ">", ".05", True, True), (T06, ">", ".05", True, False),
    (T04, ">", ".06", True, True), (T05 + .0001, ">", ".06", True, True),
    (T06, ">", ".06", True, False),
    (T05 - .0001, ">", ".05", False, False),
])
def test_decision_error_matrix(t, rel, p, eq_sig, expected):
    r = one(f"t(28) = {float(t)!r}, p {rel} {p}", p_equal_alpha_sig=eq_sig)
    assert bool(r.decision_error) is expected


# --- rounding of the test value ------------------------------------------------------------


def test_rounded_test_value_admits_a_range_of_p():
    # t(28) = 2.2 stands for 2.15-2.25, p from .0325 to .0403: p = .03 and .04 both fit.
    # With two decimals (2.20: 2.195-2.205, p .0358-.0366) only .04 does.
    assert one("t(28) = 2.2, p = .03").consistent
    assert one("t(28) = 2.2, p = .04").consistent
    assert not one("t(28) = 2.20, p = .03").consistent
    r = one("t(28) = 2.2, p = .03")
    assert r.p_low == pytest.approx(2 * stats.t.sf(2.25, 28))
    assert r.p_high == pytest.approx(2 * stats.t.sf(2.15, 28))


def test_negative_statistics_use_their_magnitude():
    # R statcheck 1.5 error_test: for negative values the bounds swap (low_stat = stat +
    # half_step); the p range is that of |t|.
    assert one("t(28) = -2.2, p = .03").consistent
    assert not one("t(28) = -2.20, p = .03").consistent


def test_value_interval_containing_zero():
    # t(28) = 0.0 stands for -0.05..0.05, so p can be anything from .96 up to 1: p = .99 is
    # consistent (a deliberate difference: statcheck takes the p of -0.05 as the upper end).
    assert one("t(28) = 0.0, p = .99").consistent
    assert one("t(28) = 0.0, p = .99").p_high == 1.0


def test_p_zero_and_ns():
    assert not one("t(28) = 5.20, p = .000").consistent  # pZeroError
    # without pZeroError: t in [5.195, 5.205] gives p ~ 1.6e-5, which rounds to .000
    assert one("t(28) = 5.20, p = .000", p_zero_error=False).consistent
    r = one("t(28) = 2.20, ns")  # ns read as p > .05: an error and a decision error
    assert not r.consistent and r.decision_error
    assert one("t(28) = 1.20, ns").consistent


def test_one_tailed_note():
    # statcheck's OneTailedTxt: consistent as a one-tailed test when the text says so.
    text = "As predicted, t(28) = 2.20, p = .02, one-tailed."
    assert not one(text).consistent
    r = one(text, one_tailed_txt=True)
    assert r.consistent and "one-tailed" in r.note and r.one_tailed_in_text


def test_results_in_text_order_and_empty_text():
    res = statcheck("z = 1.96, p = .05 then t(10) = 3.1, p < .05 and F(1, 10) = 9.61, "
                    "p = .01")
    assert res.statistic.tolist() == ["z", "t", "F"]
    empty = statcheck("No statistics here.")
    assert empty.empty and "consistent" in empty.columns


def test_bad_input():
    with pytest.raises(TrialDataError) as err:
        statcheck(["t(28) = 2.20, p = .03"])
    assert err.value.field == "text"
    with pytest.raises(TrialDataError):
        statcheck("t(28) = 2.20, p = .03", alpha=1.5)
