"""A printed standardized mean difference is checked as Hedges' g and as Cohen's d."""

from __future__ import annotations

import math
import warnings

import pytest

import trialkit
from trialkit.checks import claims

# Two arms of 5, printed to two decimals. By hand: the pooled SD is 2.00, so Cohen's d =
# (10.00 - 8.00) / 2.00 = 1.000; J(8) = Gamma(4) / (sqrt(4) Gamma(3.5)) = 6 / (2 x 3.32335)
# = 0.90270, so Hedges' g = 0.903. Over the rounding of the printed means and SDs (+-0.005)
# g stays within 0.894-0.912, so "d = 1.00" cannot be g; it is d.
TABLE = ("outcome\ttimepoint\tA (n=5)\tB (n=5)\n"
         "Score\tPost\t10.00 ± 2.00\t8.00 ± 2.00\n")
REPORTED = ("id,statistic,outcome,arm,timepoint,comparison,relation,value,text,source,test,"
            "analysis\n"
            'as_d,smd,score,,post,a-b,=,1.00,"d = 1.00",text,,follow_up\n'
            'as_g,smd,score,,post,a-b,=,0.90,"g = 0.90",text,,follow_up\n'
            'neither,smd,score,,post,a-b,=,0.50,"d = 0.50",text,,follow_up\n')


@pytest.fixture(scope="module")
def res(tmp_path_factory):
    path = tmp_path_factory.mktemp("smd") / "reported.csv"
    path.write_text(REPORTED, encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        trial = trialkit.from_table(TABLE, reported=path,
                                    outcomes={"Score": {"direction": "higher_is_better"}})
        return claims(trial).set_index("id")


def test_hand_values():
    j = math.gamma(4) / (math.sqrt(4) * math.gamma(3.5))
    assert j == pytest.approx(0.90270, abs=5e-6)


def test_a_printed_cohens_d_is_not_called_inconsistent_for_not_being_g(res):
    row = res.loc["as_d"]
    assert row.verdict == "consistent"
    assert row.computed == pytest.approx(1.000, abs=5e-4)
    assert row.method.startswith("cohen_d/")
    assert row.detail.startswith("Cohen's d at post is 1.00 (Hedges' g, 0.90, would not")


def test_a_printed_g_is_checked_as_g(res):
    row = res.loc["as_g"]
    assert row.verdict == "consistent" and row.method.startswith("hedges_g/")
    assert row.computed == pytest.approx(0.9027, abs=5e-5)


def test_a_value_neither_gives_is_inconsistent_and_says_both(res):
    row = res.loc["neither"]
    assert row.verdict == "inconsistent"
    assert row.detail == ("Hedges' g at post is 0.90 (Cohen's d 1.00) in favour of a "
                          "(reported = 0.50).")
