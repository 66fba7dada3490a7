"""se_as_sd on tables typed in as printed: SDs near a floor are not SEs; planted SEs are.

Both tables are from tests/data/published (see its README for the papers). The numbers in the
comments are hand calculations from the printed cells; no value below came from trialkit.
"""

from __future__ import annotations

import math
import warnings

import pytest

import trialkit
from trialkit.checks import check, se_as_sd

# Zibiri et al. 2019, Table 2, the ND (neck disability, NDI 0-50) rows as printed, with the
# abstract's n (12, 12, 11). Some cells print '+' for '±' (the reader warns and reads ±).
ZIBIRI_ND = ("outcome\ttimepoint\tGroup 1b (n=12)\tGroup 2c (n=12)\tGroup 3d (n=11)\n"
             "ND\tPre-Rx Baselineg\t28.67 ± 14.53\t34.50 ± 13.81\t27.27 ± 11.32\n"
             "ND\tMid-Rx 4th week\t12.50 + 4.83\t23.33 + 9.43\t23.27 + 11.77\n"
             "ND\tPost-Rx 8th week\t7.17 ± 3.56\t12.00 ± 6.21\t9.27 ± 6.64\n")
NDI = {"ND": {"lower": 0, "upper": 50, "integer": True}}


def _rows(table: str, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # the '+' read as '±'
        trial = trialkit.from_table(table, **kwargs)
    return trial, se_as_sd(trial).set_index(["arm", "timepoint"])


def test_an_sd_near_the_floor_is_not_called_an_se():
    # Group 1b at week 8: SD 3.56 is 3.56 / 10.375 = 0.343 times the median of the outcome's
    # eight other SDs ((9.43 + 11.32) / 2), and 3.56 x sqrt(12) = 12.33 is within 35% of
    # 10.375 (ratio 1.19): as printed, it looks like an SE. But its mean, 7.17, is near the
    # scale's floor. Divided by the room the scale leaves, sqrt(7.17 x 42.83) = 17.52 (the
    # Bhatia-Davis bound), the SD is 0.2031 against a median of 0.4164 for the other rows
    # (0.3780 and 0.4547 in the middle): ratio 0.488. Both readings are under 0.5, so the SD
    # is small; but the other rows' log SDs spread less after dividing by their room (median
    # absolute deviation 0.271 against 0.316), and in that reading 0.488 x sqrt(12) = 1.69 is
    # far from 1: an SE of a typical SD would be much smaller. Not an SE.
    trial, res = _rows(ZIBIRI_ND, outcomes=NDI)
    row = res.loc[("group_1b", "post_rx_8th_week")]
    assert row.ratio_to_typical == pytest.approx(0.343, abs=5e-4)
    assert row.ratio_for_mean == pytest.approx(0.488, abs=5e-4)
    assert not res.looks_like_se.any()
    verdict = check(trial).set_index("check").loc["se_as_sd", "verdict"]
    assert verdict == "consistent"


def test_an_se_planted_in_a_typical_row_is_found():
    # Group 2c at week 4 prints 23.33 ± 9.43, a typical row (9.43 is 1.05 times the others'
    # median SD). Its SE, 9.43 / sqrt(12) = 2.72, printed in its place: 2.72 / 8.98 = 0.303
    # times the others' median SD ((6.64 + 11.32) / 2 = 8.98), and 2.72 x sqrt(12) = 9.42 is
    # within 35% of 8.98. Divided by the room sqrt(23.33 x 26.67) = 24.94, 0.1091 against the
    # others' median 0.3983 ((0.3417 + 0.4547) / 2): 0.274, and 0.274 x sqrt(12) = 0.95.
    trial, res = _rows(ZIBIRI_ND.replace("23.33 + 9.43", "23.33 + 2.72"), outcomes=NDI)
    row = res.loc[("group_2c", "mid_rx_4th_week")]
    assert row.looks_like_se and not row.below_minimum
    assert row.ratio_to_typical == pytest.approx(0.303, abs=5e-4)
    assert row.ratio_for_mean == pytest.approx(0.274, abs=5e-4)
    assert res.looks_like_se.sum() == 1
    found = check(trial).set_index("check").loc["se_as_sd"]
    assert found.verdict == "inconsistent"
    assert found.detail.startswith("1 of 9 SDs of ND look like SEs, e.g. group_2c at "
                                   "mid_rx_4th_week: the SD is 0.30 times")


def test_a_floor_without_a_declared_scale_is_zero():
    # Espí-López et al. 2020, Table 2, VAS a as printed (no scale declared: means all above
    # 0, so SDs are compared as coefficients of variation). EG at T1, 0.5 ± 0.5: 0.5 / 2.1 =
    # 0.238 times the others' median SD (2.3, 1.9, 2.1, 2.3, 0.9), and 0.5 x sqrt(8) = 1.41;
    # but its CV, 0.5 / 0.5 = 1.0, is 1.0 / 0.528 = 1.89 times the others' median CV (0.479,
    # 0.528, 0.420, 0.575, 0.692): not small for its mean, so not an SE.
    table = ("outcome\ttimepoint\tCG (n = 8)\tEG (n = 8)\n"
             "VAS a\tT0\t4.8 ± 2.3\t3.6 ± 1.9\n"
             "VAS a\tT1\t5.0 ± 2.1\t0.5 ± 0.5 *\n"
             "VAS a\tT2\t4.0 ± 2.3\t1.3 ± 0.9 *,†\n")
    _, res = _rows(table)
    row = res.loc[("eg", "t1")]
    assert row.ratio_to_typical == pytest.approx(0.238, abs=5e-4)
    assert row.ratio_for_mean == pytest.approx(1.89, abs=5e-3)
    assert not res.looks_like_se.any()


def test_an_sd_too_small_to_be_an_se_is_not_called_one():
    # Zibiri et al. 2019, sleep disturbance (ISI, 0-28) at baseline, Group 2c: '11.08 + .055'
    # with n = 12. The least SD of 12 whole numbers with a mean rounding to 11.08 (sum 133:
    # eleven 11s and one 12) is sqrt((11 x (1/12)^2 + (11/12)^2) / 11) = 0.289. Read as an
    # SE, .055 (0.0545 to 0.0555) gives an SD of at most 0.0555 x sqrt(12) = 0.192, still
    # below 0.289: impossible either way, which sd_bounds reports; it is not an SE.
    table = ("outcome\ttimepoint\tGroup 1b (n=12)\tGroup 2c (n=12)\tGroup 3d (n=11)\n"
             "SD\tPre-Rx Baselineg\t6.00 + 3.814\t11.08 + .055\t9.27 + 6.635\n")
    trial, res = _rows(table, outcomes={"SD": {"lower": 0, "upper": 28, "integer": True}})
    row = res.loc[("group_2c", "pre_rx_baselineg")]
    assert not row.below_minimum and not row.looks_like_se
    assert 0.0555 * math.sqrt(12) < 0.289
    bounds = check(trial)
    bounds = bounds[(bounds.check == "sd_bounds") & (bounds.arm == "group_2c")]
    assert bounds.verdict.tolist() == ["inconsistent"]


def test_an_implausible_between_arm_g_is_the_third_sign():
    # Two arms of 10 at one visit (no scale declared, not whole numbers, so only sign 3 can
    # fire). By hand: pooled SD sqrt((9 x 0.9^2 + 9 x 1.0^2) / 18) = 0.9513; d = (5.0 - 1.5)
    # / 0.9513 = 3.679; J(18) = Gamma(9) / (3 Gamma(8.5)) = 40320 / (3 x 14034.41) = 0.95764;
    # g = 3.523 > 3: read as SDs the arms barely overlap, as randomised arms would not.
    table = ("outcome\ttimepoint\tA (n=10)\tB (n=10)\n"
             "Score\tPost\t5.0 ± 0.9\t1.5 ± 1.0\n")
    _, res = _rows(table)
    for arm in ("a", "b"):
        row = res.loc[(arm, "post")]
        assert row.max_abs_g == pytest.approx(3.523, abs=5e-4)
        assert row.looks_like_se and not row.below_minimum
        assert "a between-arm Hedges' g of 3.5 involves this row" in row.detail
