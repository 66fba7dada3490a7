"""Rogers et al. 2019 (J Neuroeng Rehabil 16:56, Table 4): cells "41.5% (15.7%), 19–75%".

The table prints each arm's proportion of achieved recovery as mean% (SD%) and the range
(footnote a: "Mean (SD) range"), with the between-group t test of footnote b. These tests
check that trialkit reads the cells as printed (unit %, the range kept as min and max), and
re-derive the corpus' hand checks (tests/data/published/rogers2019_vr/source.toml) with scipy
from the printed numbers typed in below, never from trialkit.
"""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import pytest

import trialkit

HERE = Path(__file__).parent / "data" / "published" / "rogers2019_vr"

#: Table 4 as printed (https://jneuroengrehab.biomedcentral.com/articles/10.1186/
#: s12984-019-0531-y/tables/4): (mean, SD, min, max) per arm, n = 10 (VR) and 11 (TAU),
#: then the printed t and p.
PRINTED = {
    "bbt_totala": ((41.5, 15.7, 19, 75), (20.5, 11.7, 8, 48), 3.49, 0.002),
    "nfi_totala": ((37.4, 13.0, 23, 62), (21.5, 16.5, 0, 39), 2.45, 0.02),
}
N1, N2 = 10, 11


def _trial() -> trialkit.Trial:
    return trialkit.from_table(
        HERE / "table.tsv", baseline=False,
        reference_arm="Treatment As Usual", trial_id="rogers2019_vr")


def _pooled_t(m1: float, s1: float, m2: float, s2: float) -> float:
    """Student's two-sample t: (m1 - m2) / (sp sqrt(1/n1 + 1/n2)), sp^2 pooled over
    n1 + n2 - 2 = 19 df (Armitage, Berry & Matthews, Statistical Methods in Medical
    Research, 4th ed., 2002, section 4.3)."""
    sp = math.sqrt(((N1 - 1) * s1**2 + (N2 - 1) * s2**2) / (N1 + N2 - 2))
    return (m1 - m2) / (sp * math.sqrt(1 / N1 + 1 / N2))


def _t_range(vr: tuple[float, ...], tau: tuple[float, ...]) -> tuple[float, float]:
    """Smallest and largest pooled t over the rounding of the printed means and SDs (each
    +-0.05, one decimal printed): t is monotone in each, so the corners bound it."""
    ts = [_pooled_t(vr[0] + a, vr[1] + b, tau[0] + c, tau[1] + d)
          for a, b, c, d in itertools.product((-0.05, 0.05), repeat=4)]
    return min(ts), max(ts)


def test_cells_load_as_printed_with_percent_unit_and_range() -> None:
    trial = _trial()
    assert [(o.id, o.unit) for o in trial.meta.outcomes] == [("bbt_totala", "%"),
                                                             ("nfi_totala", "%")]
    summary = trial.summary.set_index(["outcome", "arm"])
    for outcome, (vr, tau, _, _) in PRINTED.items():
        for arm, printed in (("virtual_rehabilitation", vr), ("treatment_as_usual", tau)):
            row = summary.loc[(outcome, arm)]
            assert (row["mean"], row["sd"], row["min"], row["max"]) == pytest.approx(printed)
    # The SD keeps its printed trailing zero ("13.0%").
    assert summary.loc[("nfi_totala", "virtual_rehabilitation"), "sd_text"] == "13.0"
    assert [a.n for a in trial.meta.arms] == [N1, N2]


def test_a_declared_unit_that_is_not_a_percentage_is_refused() -> None:
    with pytest.raises(trialkit.TrialDataError) as info:
        trialkit.from_table(HERE / "table.tsv", baseline=False,
                            outcomes={"BBT Totala": {"unit": "points"}})
    assert "table.tsv, row 1, field 'Virtual Rehabilitation (n = 10)'" in str(info.value)
    assert "'points'" in str(info.value)


@pytest.mark.parametrize("outcome", sorted(PRINTED))
def test_printed_t_and_p_are_reproduced_by_a_pooled_t_test(outcome: str) -> None:
    """The hand check behind the corpus' "consistent" verdicts, redone here with scipy."""
    from scipy import stats

    vr, tau, printed_t, printed_p = PRINTED[outcome]
    low, high = _t_range(vr, tau)
    # Printed t has two decimals: it stands for [t - 0.005, t + 0.005].
    assert low - 0.005 <= printed_t <= high + 0.005, (outcome, low, high)
    # p over the same range, two-sided on 19 df; printed p (3 or 2 decimals, truncated to
    # its first significant digit by the paper: 0.002, 0.02) must overlap its rounding.
    p_high, p_low = (2 * stats.t.sf(t, N1 + N2 - 2) for t in (low, high))
    half = 0.0005 if printed_p == 0.002 else 0.005
    assert p_low <= printed_p + half and p_high >= printed_p - half, (outcome, p_low, p_high)


def test_hand_values_written_in_source_toml() -> None:
    """source.toml quotes t = 3.498 (BBT) and 2.435 (NFI), p = 0.0024 and 0.025."""
    from scipy import stats

    t_bbt = _pooled_t(41.5, 15.7, 20.5, 11.7)
    t_nfi = _pooled_t(37.4, 13.0, 21.5, 16.5)
    assert t_bbt == pytest.approx(3.498, abs=5e-4)
    assert t_nfi == pytest.approx(2.435, abs=5e-4)
    assert 2 * stats.t.sf(t_bbt, 19) == pytest.approx(0.0024, abs=5e-5)
    assert 2 * stats.t.sf(t_nfi, 19) == pytest.approx(0.025, abs=5e-4)
    # The same t from scipy's own two-sample test on the summary statistics.
    res = stats.ttest_ind_from_stats(41.5, 15.7, N1, 20.5, 11.7, N2, equal_var=True)
    assert res.statistic == pytest.approx(t_bbt, rel=1e-12)
