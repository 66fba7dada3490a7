"""percent_change and ratio_of_means against metafor and R effectsize."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from effects_refdata import MTCARS_BY_AM, NORMAND1999, SLEEP_RAW

from trialkit.effects import percent_change, ratio_of_means


def test_rom_matches_metafor_normand1999():
    d = NORMAND1999
    res = ratio_of_means(d["m1"], d["sd1"], d["n1"], d["m2"], d["sd2"], d["n2"],
                         bias_correction=False)
    # metafor tests/testthat/test_misc_escalc.r, "measure='SMD/SMDH/ROM'":
    # escalc(measure="ROM", ..., data=dat.NORMAND1999, subset=1:4) expects
    # yi = c(-0.3102, -0.0715, -0.6202, -0.7303), vi = c(0.0094, 0.0028, 0.0018, 0.0119).
    np.testing.assert_allclose(res.log_ratio, [-0.3102, -0.0715, -0.6202, -0.7303], atol=5e-5)
    np.testing.assert_allclose(res["var"], [0.0094, 0.0028, 0.0018, 0.0119], atol=5e-5)
    np.testing.assert_allclose(res.estimate, np.exp(res.log_ratio))
    assert (res.method == "ratio_of_means/log_ratio/normal_ci").all()


def test_rom_matches_effectsize_means_ratio_wt_by_am():
    (m0, s0, n0), (m1, s1, n1) = MTCARS_BY_AM["wt"][0], MTCARS_BY_AM["wt"][1]
    # R effectsize tests/testthat/test-rom.R, "means_ratio - not adjusted":
    # means_ratio(wt ~ am, data = mtcars, adjust = FALSE): 1.564, CI 1.323 to 1.848, each
    # with testthat's relative tolerance = 0.001 (the ratio is 1.5632, written as 1.564).
    raw = ratio_of_means(m0, s0, n0, m1, s1, n1, bias_correction=False).iloc[0]
    assert raw.estimate == pytest.approx(1.564, rel=1e-3)
    assert raw.ci_low == pytest.approx(1.323, rel=1e-3)
    assert raw.ci_high == pytest.approx(1.848, rel=1e-3)
    # "means_ratio - adjusted": log ratio log(1 / 1.561023) for the reversed comparison,
    # i.e. the Lajeunesse (2015) corrected ratio is 1.561023; CI printed as 1.32 and 1.845.
    # (effectsize's more precise CI limits 1.320838 / 1.844883 use a minus sign between the
    # two groups' variance-correction terms; we use Lajeunesse's sum, see ratio_of_means
    # Notes, so only the rounded limits are compared.)
    adj = ratio_of_means(m0, s0, n0, m1, s1, n1).iloc[0]
    assert adj.estimate == pytest.approx(1.561023, abs=5e-7)
    assert adj.ci_low == pytest.approx(1.32, abs=5e-3)
    assert adj.ci_high == pytest.approx(1.845, abs=5e-4)
    assert adj.percent == pytest.approx(100 * (1.561023 - 1), abs=5e-5)
    assert adj.pct_low == pytest.approx(100 * (adj.ci_low - 1))


def test_percent_change_log_ratio_matches_metafor_romc():
    # metafor tests/testthat/test_misc_escalc.r, "measure='ROMC'":
    # escalc(measure="ROMC", m1i=26, m2i=22, sd1i=sqrt(30), sd2i=sqrt(20), ni=60, ri=0.7)
    # expects yi = 0.1671 and vi = 0.0004.
    res = percent_change(22, 26, sd_pre=np.sqrt(20), sd_post=np.sqrt(30), n=60, r=0.7).iloc[0]
    assert res.log_ratio == pytest.approx(0.1671, abs=5e-5)
    assert res["var"] == pytest.approx(0.0004, abs=5e-5)
    assert res.estimate == pytest.approx(100 * 4 / 22)


def test_percent_change_matches_effectsize_paired_means_ratio():
    # R effectsize tests/testthat/test-rom.R, "means_ratio paired - not adjusted":
    # sleep$y <- sleep$extra + 4; means_ratio(y ~ group, data = sleep, adjust = FALSE,
    # paired = TRUE): 0.75, CI 0.651 to 0.865 (ratio of group 1 to group 2).
    g1, g2 = SLEEP_RAW[0] + 4, SLEEP_RAW[1] + 4
    m1, s1, n = g1.mean(), g1.std(ddof=1), g1.size
    m2, s2 = g2.mean(), g2.std(ddof=1)
    r = float(np.corrcoef(g1, g2)[0, 1])
    res = percent_change(m2, m1, sd_pre=s2, sd_post=s1, n=n, r=r).iloc[0]
    assert res.ratio == pytest.approx(0.75, abs=5e-4)
    assert (1 + res.ci_low / 100) == pytest.approx(0.651, abs=5e-4)
    assert (1 + res.ci_high / 100) == pytest.approx(0.865, abs=5e-4)


def test_percent_change_without_sds_is_descriptive():
    # Hand calculation: 100 * (6 - 8) / 8 = -25 %.
    res = percent_change(8.0, 6.0)
    row = res.iloc[0]
    assert row.estimate == pytest.approx(-25.0)
    assert np.isnan(row.ci_low) and np.isnan(row.se)
    assert "no_ci" in row.method
    assert res.improved.dtype == "boolean" and pd.isna(row.improved)


def test_direction_decides_improvement():
    res = percent_change([8.0, 8.0, 8.0], [6.0, 10.0, 8.0], direction="lower_is_better")
    assert res.improved.tolist() == [True, False, False]
    res = percent_change([8.0, 8.0], [6.0, 10.0], direction="higher_is_better")
    assert res.improved.tolist() == [False, True]
    res = percent_change([8.0, 8.0], [6.0, 6.0], direction=["lower_is_better", None])
    assert res.improved.iloc[0] is True or res.improved.iloc[0] == True  # noqa: E712
    assert pd.isna(res.improved.iloc[1])
    assert res.direction.iloc[0] == "lower_is_better" and pd.isna(res.direction.iloc[1])
    rom = ratio_of_means(5.0, 1.0, 10, 10.0, 2.0, 10, direction="lower_is_better")
    assert bool(rom.improved.iloc[0])


def test_partial_sd_arguments_are_refused():
    from trialkit.errors import TrialDataError

    with pytest.raises(TrialDataError) as err:
        percent_change(8.0, 6.0, sd_pre=1.0)
    assert "sd_post" in err.value.field and "n" in err.value.field


def test_percent_change_default_r_warns():
    with pytest.warns(UserWarning, match="assumed"):
        res = percent_change(8.0, 6.0, sd_pre=1.0, sd_post=1.0, n=20)
    assert res.method.iloc[0].endswith("r=0.5(assumed)")


def test_broadcasting_equals_rowwise_calls():
    d = NORMAND1999
    whole = ratio_of_means(d["m1"], d["sd1"], d["n1"], d["m2"], d["sd2"], d["n2"])
    for i in range(4):
        one = ratio_of_means(d["m1"][i], d["sd1"][i], d["n1"][i], d["m2"][i], d["sd2"][i],
                             d["n2"][i])
        np.testing.assert_allclose(whole.iloc[i][["estimate", "var", "ci_low", "ci_high"]]
                                   .astype(float),
                                   one.iloc[0][["estimate", "var", "ci_low", "ci_high"]]
                                   .astype(float), rtol=1e-12)


def test_rom_issue10_regression_geary_fails_no_correction():
    # Issue 10: m1 = 0.85, sd1 = 7.74, n1 = 8 vs m2 = 15.97, sd2 = 1.2, n2 = 60 was reported as
    # 9.48 (Lajeunesse's correction applied with a mean 0.31 SE from zero). The ratio of the
    # means is 0.85 / 15.97 = 0.0532248; metafor's escalc("ROM") (no bias correction) gives
    # yi = log(0.85 / 15.97) = ln 0.85 - ln 15.97 = -0.1625189 - 2.7707120 = -2.9332309 and
    # vi = 7.74^2 / (8 * 0.85^2) + 1.2^2 / (60 * 15.97^2) = 59.9076 / 5.78 + 1.44 / 15302.454
    #    = 10.3646367 + 0.0000941 = 10.3647308.
    # Geary (Hedges et al. 1999): arm 1: 0.85 * sqrt(8) / 7.74 = 2.4041631 / 7.74 = 0.3106154;
    # arm 2: 15.97 * sqrt(60) / 1.2 = 123.7031 / 1.2 = 103.0859.
    with pytest.warns(UserWarning, match=r"Geary.*row\(s\) 0.*not applied"):
        res = ratio_of_means(0.85, 7.74, 8, 15.97, 1.2, 60)
    row = res.iloc[0]
    assert row.estimate == pytest.approx(0.0532248, abs=5e-8)
    assert row.log_ratio == pytest.approx(-2.9332309, abs=5e-7)
    assert row["var"] == pytest.approx(10.3647308, abs=5e-7)
    assert row.geary1 == pytest.approx(0.3106154, abs=5e-7)
    assert row.geary2 == pytest.approx(103.0859, abs=5e-4)
    assert not row.geary_ok
    assert "geary=fail" in row.method and "lajeunesse" not in row.method
    # Without the correction asked for, the same numbers, and still flagged.
    with pytest.warns(UserWarning, match="Geary"):
        raw = ratio_of_means(0.85, 7.74, 8, 15.97, 1.2, 60, bias_correction=False).iloc[0]
    assert raw.estimate == pytest.approx(0.0532248, abs=5e-8)
    assert raw.method == "ratio_of_means/log_ratio/normal_ci/geary=fail"


def test_rom_geary_rowwise_correction_and_columns():
    # Row 0: the issue's failing pair; row 1: normand1999 study 1, where Geary holds
    # (55 sqrt(155) / 47 = 14.57 and 75 sqrt(156) / 64 = 14.64, hand calculation), so the
    # correction is applied there only.
    with pytest.warns(UserWarning, match=r"row\(s\) 0 \("):
        res = ratio_of_means([0.85, 55], [7.74, 47], [8, 155], [15.97, 75], [1.2, 64],
                             [60, 156])
    assert res.geary_ok.tolist() == [False, True]
    assert res.geary1.iloc[1] == pytest.approx(14.57, abs=5e-3)
    assert res.geary2.iloc[1] == pytest.approx(14.64, abs=5e-3)
    assert res.method.iloc[1] == "ratio_of_means/log_ratio_lajeunesse2015_corrected/normal_ci"
    assert "geary=fail" in res.method.iloc[0]
    # Row 1 corrected: yi(metafor) -0.3102 + (c1 - c2)/2 with c1 = 47^2/(155 55^2),
    # c2 = 64^2/(156 75^2): c1 = 2209/468875 = 0.0047113, c2 = 4096/877500 = 0.0046678,
    # so the log ratio moves by +0.0000217 (hand calculation).
    assert res.log_ratio.iloc[1] == pytest.approx(np.log(55 / 75) + 0.0000217, abs=2e-7)


def test_rom_geary_boundary_is_inclusive():
    # Geary's condition is ">= 3": mean 3, SD 4, n = 16 gives 3 * 4 / 4 = 3 exactly.
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = ratio_of_means(3.0, 4.0, 16, 10.0, 1.0, 16)
    assert res.geary1.iloc[0] == 3.0 and bool(res.geary_ok.iloc[0])
