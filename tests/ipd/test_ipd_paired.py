"""paired(): crossover and pre/post comparisons, d_z and d_av with the right df."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import special, stats

import trialkit
from trialkit import TrialDataError
from trialkit.ipd import paired


def test_parallel_pre_post_per_arm_and_follow_up():
    res = paired(trialkit.load("btheb"), "bdi")
    assert set(res["comparison"]) == {"m2-pre", "m3-pre", "m5-pre", "m8-pre"}
    assert set(res["arm"]) == {"tau", "btheb"} and res["reference"].isna().all()
    assert len(res) == 2 * 4 * 5
    md = res[(res["measure"] == "mean_difference") & (res["arm"] == "tau")
             & (res["timepoint"] == "m8")].iloc[0]
    # patients seen at 8 months only (dropout): the paired t test of scipy on the same pairs
    ipd = trialkit.load("btheb").ipd
    wide = ipd[ipd["arm"] == "tau"].pivot_table(index="patient", columns="timepoint",
                                                values="value")[["m8", "pre"]].dropna()
    t = stats.ttest_rel(wide["m8"], wide["pre"])
    assert md["n"] == len(wide) and md["df"] == len(wide) - 1
    assert md["statistic"] == pytest.approx(t.statistic) and md["p"] == pytest.approx(t.pvalue)


def test_effect_sizes_use_n_minus_1_and_nct_interval():
    x1 = np.array([2.0, 4.0, 5.0, 7.0, 9.0, 9.5])
    x2 = np.array([1.0, 3.5, 3.0, 6.0, 6.5, 9.0])
    from trialkit.ipd._paired import _rows

    rows = {r["measure"]: r for r in _rows(x1, x2, {}, "u", 0.95)}
    d = x1 - x2
    n = len(d)
    dz = d.mean() / d.std(ddof=1)
    j = np.exp(special.gammaln((n - 1) / 2) - 0.5 * np.log((n - 1) / 2)
               - special.gammaln((n - 2) / 2))  # J(df = n - 1)
    assert rows["cohens_dz"]["estimate"] == pytest.approx(dz)
    assert rows["hedges_gz"]["estimate"] == pytest.approx(j * dz)
    # the interval's ends put the observed t at the 2.5% and 97.5% points of noncentral t
    t = dz * np.sqrt(n)
    lo, hi = rows["cohens_dz"]["ci_low"] * np.sqrt(n), rows["cohens_dz"]["ci_high"] * np.sqrt(n)
    assert stats.nct.cdf(t, n - 1, lo) == pytest.approx(0.975, abs=1e-8)
    assert stats.nct.cdf(t, n - 1, hi) == pytest.approx(0.025, abs=1e-8)
    sd_av = np.sqrt((x1.var(ddof=1) + x2.var(ddof=1)) / 2)
    assert rows["cohens_dav"]["estimate"] == pytest.approx(d.mean() / sd_av)
    assert rows["hedges_gav"]["estimate"] == pytest.approx(j * d.mean() / sd_av)
    r = np.corrcoef(x1, x2)[0, 1]
    var = (1 / n + (d.mean() / sd_av) ** 2 / (2 * n)) * 2 * (1 - r)  # Borenstein eq. 4.28
    assert rows["cohens_dav"]["se"] == pytest.approx(np.sqrt(var))
    assert "J(n-1)" in rows["hedges_gav"]["method"]


def test_crossover_extreme_t_gives_finite_interval():
    res = paired(trialkit.load("polyps"), "polyps", arm="sulindac", timepoint="m3")
    dz = res[res["measure"] == "cohens_dz"].iloc[0]
    assert np.isfinite([dz["ci_low"], dz["ci_high"]]).all()


def test_bad_arguments():
    sleep = trialkit.load("sleep")
    with pytest.raises(TrialDataError) as info:
        paired(sleep, "extra_sleep", reference="drug3")
    assert info.value.field == "reference"
    with pytest.raises(TrialDataError) as info:
        paired(sleep, "extra_sleep", arm="drug1")
    assert info.value.field == "arm"
    with pytest.raises(TrialDataError) as info:
        paired(trialkit.load("anorexia"), "weight", timepoint="pre")
    assert info.value.field == "timepoint"
    with pytest.raises(TrialDataError) as info:
        paired(trialkit.load("anorexia"), "weight", reference="cbt")
    assert info.value.field == "reference"
    with pytest.raises(TrialDataError) as info:
        paired(sleep, "extra_sleep", level=-0.1)
    assert info.value.field == "level"


def test_comparison_with_too_few_pairs_warns(two_arm):
    trial = two_arm([1], [2], [1, 2, 3], [3, 4, 4])
    with pytest.warns(UserWarning, match="arm trt, post-pre left out"):
        res = paired(trial, "score")
    assert set(res["arm"]) == {"ctl"}
