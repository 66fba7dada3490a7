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
