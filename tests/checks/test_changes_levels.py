"""A printed change must agree with the arm's own baseline and follow-up means."""

from __future__ import annotations

import trialkit
from trialkit.checks import change_vs_levels, check

# BMC Sports Sci Med Rehabil 2023 (hip/knee, tests/data/published): the AH group's NRS row
# prints Week 0 3.50 and Week 6 3.17 but a change of 1.50 (a copied cell). By hand: the
# difference lies in [3.165 - 3.505, 3.175 - 3.495] = [-0.34, -0.32]; a printed change of
# -1.50 (or 1.50) cannot be it. The other arm agrees: 4.10 - 5.20 = -1.10, printed -1.10.
TABLE = ("outcome\ttimepoint\tAH (n=18)\tControl (n=18)\n"
         "NRS\tWeek 0\t3.50 (1.20)\t5.20 (1.30)\n"
         "NRS\tWeek 6\t3.17 (1.10)\t4.10 (1.20)\n"
         "NRS\tChange\t-1.50 (0.90)\t-1.10 (0.80)\n")


def test_change_contradicting_its_levels_is_inconsistent():
    trial = trialkit.from_table(TABLE)
    res = change_vs_levels(trial).set_index("arm")
    ah = res.loc["ah"]
    assert round(ah["difference_low"], 3) == -0.34
    assert round(ah["difference_high"], 3) == -0.32
    assert not ah["agrees"] and res.loc["control", "agrees"]
    c = check(trial)
    rows = c[c["check"] == "change_vs_levels"].set_index("arm")
    assert rows.loc["ah", "verdict"] == "inconsistent"
    assert rows.loc["control", "verdict"] == "consistent"
    assert "contradicts the arm's own levels" in rows.loc["ah", "detail"]


def test_change_printed_as_a_magnitude_is_consistent_and_says_its_sign():
    # Hahm et al. 2020 (tests/data/published/hahm2020_mud), pain at rest, intervention arm:
    # Pre 4.9, Post 2.0, "Difference pre-post" 2.9 (the paper prints pre minus post). By hand:
    # post - pre lies in [1.95 - 4.95, 2.05 - 4.85] = [-3.0, -2.8]; the printed 2.9, read as
    # post - pre, is outside it, but -2.9 is inside: the sign convention, not an error.
    table = ("outcome\ttimepoint\tIntervention (n = 16)\tControl (n = 15)\n"
             "Pain\tPre\t4.9 ± 1.4\t4.9 ± 1.5\n"
             "Pain\tPost\t2.0 ± 1.1.\t3.4 ± 1.4\n"
             "Pain\tDifference pre-post\t2.9 ± 1.9\t1.6 ± 1.3\n")
    trial = trialkit.from_table(table)
    res = change_vs_levels(trial).set_index("arm")
    assert round(res.loc["intervention", "difference_low"], 3) == -3.0
    assert round(res.loc["intervention", "difference_high"], 3) == -2.8
    assert not res["agrees"].any() and res["agrees_reversed"].all()
    c = check(trial)
    rows = c[c["check"] == "change_vs_levels"].set_index("arm")
    assert (rows["verdict"] == "consistent").all()
    assert "sign reversed" in rows.loc["intervention", "detail"]
    # Nothing is flipped silently: the sentence names the declaration that negates it at
    # load (trialkit.tables.signs; tests/test_change_sign.py).
    assert 'Declare change = "baseline_minus_followup" for \'Pain\'' in rows.loc[
        "intervention", "detail"]
    assert trial.changes["mean"].tolist() == [2.9, 1.6]
    # The hip/knee copied cell stays an error either way round: -1.50 and 1.50 are both
    # outside [-0.34, -0.32].
    hip = change_vs_levels(trialkit.from_table(TABLE)).set_index("arm")
    assert not hip.loc["ah", "agrees_reversed"]
