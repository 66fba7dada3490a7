"""final_digits against reappraised 0.1.1's final_digit_fn on SI_pvals_cont (vignette call:
means and SDs, decimals from the numbers), stored in tests/reference/screen_reappraised_out/."""

from __future__ import annotations

import pandas as pd
import pytest
from across_refs import OUT, pvals_cont, split_trials

from trialkit.screen.across.digits import (
    combine_final_digits,
    final_digit,
    final_digits,
    partial_final_digits,
)


def test_final_digits_reproduce_final_digit_fn_with_its_zero_reading_corrected():
    # final_digit_fn's digit_table: 212 values in 30 trials, digits 0-9 counted
    # 9, 21, 19, 19, 30, 36, 25, 14, 25, 14 (p = 0.0011; R chisq.test 0.001063436775).
    # Its digit_data reads a whole number in a variable printed with one decimal from the
    # number's own text (3 -> "3", final digit 3) where the printed value is 3.0: 11 values
    # (H2 Finger m2 3.0, H12 CMA s1 4.0 x2, H31 s1 2.0, I5 s1 6.0, H2 Age s2 6.0, H11 s2
    # 3.0, H30 s2 4.0, I4 s2 2.0, I6 s2 1.0, I1 Weight s3 5.0). Moving those to digit 0
    # gives 20, 20, 17, 17, 27, 35, 23, 14, 25, 14; R: chisq.test(that, p = rep(.1, 10))
    # p = 0.03409467475.
    table = pd.read_csv(OUT / "digit_table.csv")
    data = pd.read_csv(OUT / "digit_data.csv")
    # (a whole number of two or more digits happens to come out right: "31" is padded to
    # "310", final digit 0)
    misread = data[(data["dp"] > 0) & (data["val"] % 1 == 0) & (data["final_digit"] != 0)]
    assert len(misread) == 11
    corrected = table.set_index("Final digit")["Number"].copy()
    for d in misread["final_digit"]:
        corrected[d] -= 1
        corrected[0] += 1
    got = final_digits(pvals_cont())
    assert got["observed"].tolist() == corrected.tolist()
    assert got["n_values"].iloc[0] == 212 and got["n_trials"].iloc[0] == 30
    assert got["p"].iloc[0] == pytest.approx(0.03409467475, rel=1e-8)


def test_final_digit_reads_text_first():
    assert final_digit(4.5, -1, "4.50") == 0
    assert final_digit(3.0, 1) == 0 and final_digit(65.0, 0) == 5


def test_split_exact():
    rows = pvals_cont()
    whole = final_digits(rows)
    a, b = split_trials(rows)
    pieces = pd.concat([partial_final_digits(b), partial_final_digits(a)], ignore_index=True)
    pd.testing.assert_frame_equal(whole, combine_final_digits(pieces))


def _counts_frame(counts: list[int]) -> pd.DataFrame:
    """Pieces holding these ten digit counts (one trial)."""
    return pd.DataFrame([{"trial": "T", **{f"d{i}": c for i, c in enumerate(counts)}}])


@pytest.mark.parametrize(("case", "counts"), [
    ("review", [9, 2, 3, 3, 1, 2, 0, 0, 2, 2]),
    ("few", [3, 0, 1, 0, 2, 0, 0, 1, 0, 1]),
    ("even", [2, 3, 2, 3, 2, 3, 2, 3, 2, 3]),
])
def test_few_values_get_a_simulated_p_as_r_chisq_test_simulates(case, counts):
    # tests/reference/screen_final_digits_mc.R: R's chisq.test(x, p = rep(.1, 10),
    # simulate.p.value = TRUE, B = 200000) on these counts (fewer than 50 values, so some
    # digit expects fewer than 5 and the chi-squared p on 9 df is not to be trusted).
    # Ours with 20,000 tables: within 4 Monte Carlo standard errors of R's p.
    import math

    ref = pd.read_csv(OUT.parent / "screen_final_digits_mc_out.csv").set_index("case")
    got = combine_final_digits(_counts_frame(counts), sims=20_000, seed=3)
    p_r = float(ref.loc[case, "p_simulated"])
    se = math.sqrt(p_r * (1 - p_r) / 20_000) + 1 / 20_001
    assert got["p"].iloc[0] == pytest.approx(p_r, abs=4 * se)
    assert "simulated_p(sims=20000" in got["method"].iloc[0]
    # seeded: the same seed, the same p; the asymptotic p would have been R's p_asymptotic
    again = combine_final_digits(_counts_frame(counts), sims=20_000, seed=3)
    assert again.equals(got)
    if case == "review":
        assert float(ref.loc[case, "p_asymptotic"]) == pytest.approx(0.003804289886)


def test_fifty_values_or_more_keep_the_chi_squared_p():
    # 5 of each digit: X2 = 0, p = 1 on 9 df, no simulation
    got = combine_final_digits(_counts_frame([5] * 10), sims=10, seed=1)
    assert got["p"].iloc[0] == pytest.approx(1.0) and got["method"].iloc[0] == (
        "final_digit/chi2_vs_uniform")
