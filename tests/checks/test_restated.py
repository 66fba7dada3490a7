"""Restated statements (``checks.restated``) and the verdict on statements no analysis tried
reproduces when the paper names no test.

The table is Hahm et al. (2020), Evid Based Complement Alternat Med 2020:7547452, Table 2,
typed as printed (PPT 2 cm lateral to L3 and L5, kg/cm²; "Difference pre-post" rows); the
abstract's p values are those of the paper's abstract. Hand calculations, pooled two-sample t
on the printed change rows (n = 16 and 15, df = 29):

- L3: 3.2 ± 2.1 vs 2.0 ± 2.2: sp = sqrt((15 * 2.1² + 14 * 2.2²) / 29) = 2.149,
  t = 1.2 / (2.149 * sqrt(1/16 + 1/15)) = 1.554, p = 0.131 (rounding of the printed numbers:
  0.096 to 0.175). It reproduces neither the table's 0.009 nor the abstract's 0.045.
- L5: 4.4 ± 3.5 vs 1.4 ± 3.2: sp = 3.358, t = 2.486, p = 0.019 (rounding: 0.014 to 0.025):
  the abstract's 0.015 lies inside, the table's 0.011 outside.
- L3 at Post: 7.5 ± 2.7 vs 6.5 ± 2.4: sp = 2.559, t = 1.087, p = 0.286.
"""

from __future__ import annotations

import pandas as pd
import pytest

import trialkit
from trialkit.checks import check, claims, restated

TABLE = ("outcome\ttimepoint\tIntervention (n = 16)\tControl (n = 15)\tp\n"
         "PPT L3-M\tPre\t4.3 ± 1.8\t4.5 ± 1.6\t\n"
         "PPT L3-M\tPost\t7.5 ± 2.7\t6.5 ± 2.4\t\n"
         "PPT L3-M\tDifference pre-post\t3.2 ± 2.1\t2.0 ± 2.2\t0.009\n"
         "PPT L5-M\tPre\t4.6 ± 2.8\t4.9 ± 2.7\t\n"
         "PPT L5-M\tPost\t9.0 ± 3.6\t6.2 ± 3.7\t\n"
         "PPT L5-M\tDifference pre-post\t4.4 ± 3.5\t1.4 ± 3.2\t0.011\n")
COLUMNS = ["id", "statistic", "outcome", "arm", "timepoint", "comparison", "relation",
           "value", "text", "source", "test", "analysis"]


def _trial(*statements: dict[str, str], table: str = TABLE) -> trialkit.Trial:
    rows = [{"statistic": "p", "arm": "", "timepoint": "post", "relation": "=",
             "comparison": "intervention-control", "text": "", "source": "abstract",
             "test": "", "analysis": "change", **s} for s in statements]
    return trialkit.from_table(table, baseline="Pre",
                               reported=pd.DataFrame(rows, columns=COLUMNS).fillna(""))


def _verdicts(frame: pd.DataFrame) -> dict[str, str]:
    return dict(zip(frame["id"], frame["verdict"], strict=True))


def test_table_and_abstract_that_cannot_both_be_right_reproduced_by_neither() -> None:
    # L3: table 0.009 (0.0085-0.0095), abstract 0.045 (0.0445-0.0455) do not overlap; the
    # change t gives 0.131, neither: both are called inconsistent.
    trial = _trial({"id": "abs_l3", "outcome": "ppt_l3_m", "value": "0.045"})
    res = restated(trial)
    assert _verdicts(res) == {"ppt_l3_m_post_change_p": "inconsistent",
                              "abs_l3": "inconsistent"}
    row = res.set_index("id").loc["abs_l3"]
    assert row["others"] == "ppt_l3_m_post_change_p"
    assert "0.0445 to 0.0455" in row["detail"] and "0.0085 to 0.0095" in row["detail"]
    assert "reproduce neither" in row["detail"]


def test_the_restatement_the_numbers_reproduce_is_not_flagged() -> None:
    # L5: the abstract's 0.015 is reproduced (0.014-0.025), the table's 0.011 is not.
    trial = _trial({"id": "abs_l5", "outcome": "ppt_l5_m", "value": "0.015"})
    assert _verdicts(restated(trial)) == {"ppt_l5_m_post_change_p": "inconsistent"}
    assert _verdicts(claims(trial))["abs_l5"] == "consistent"


def test_check_shows_the_restated_rows_beside_the_recomputed_ones() -> None:
    trial = _trial({"id": "abs_l3", "outcome": "ppt_l3_m", "value": "0.045"})
    table = check(trial)
    mine = table[table["reported"].str.endswith("(abs_l3)")]
    assert mine.set_index("check")["verdict"].to_dict() == {
        "recompute_p: p": "cannot check", "restated: p": "inconsistent"}


@pytest.mark.parametrize(("relation", "value"), [("<", "0.05"), ("<=", "0.0095"),
                                                 ("=", "0.01"), ("<", "0.009")])
def test_statements_that_can_both_be_right_get_no_row(relation: str, value: str) -> None:
    # 0.009 stands for 0.0085-0.0095: "< 0.05", "<= 0.0095" and "= 0.01" (0.0095-0.0105,
    # touching at 0.0095) all allow a value in it; so does "< 0.009" (0.0085 to 0.009).
    trial = _trial({"id": "abs", "outcome": "ppt_l3_m", "relation": relation, "value": value})
    assert restated(trial).empty


def test_a_strict_bound_at_the_edge_of_the_interval_excludes_it() -> None:
    # "< 0.0085" leaves nothing of 0.0085-0.0095 (the open end excludes 0.0085 itself).
    trial = _trial({"id": "abs", "outcome": "ppt_l3_m", "relation": "<", "value": "0.0085"})
    assert set(restated(trial)["id"]) == {"abs", "ppt_l3_m_post_change_p"}


def test_different_named_tests_or_analyses_are_not_restatements() -> None:
    # A Mann-Whitney p and a t-test p of the same comparison may differ; so may the p of
    # the change scores and of the follow-up values.
    rank = _trial({"id": "abs", "outcome": "ppt_l3_m", "value": "0.045",
                   "test": "mann_whitney"},
                  {"id": "tab", "outcome": "ppt_l3_m", "value": "0.2", "test": "t"})
    pairs = {(r["id"], o) for _, r in restated(rank).iterrows() for o in r["others"].split(",")}
    assert ("abs", "tab") not in pairs and ("tab", "abs") not in pairs
    assert ("abs", "ppt_l3_m_post_change_p") in pairs  # the table names no test: compared
    post = _trial({"id": "abs", "outcome": "ppt_l3_m", "value": "0.045",
                   "analysis": "follow_up"})
    assert restated(post).empty


def test_p_is_order_free_in_the_comparison_and_t_is_not() -> None:
    swapped = _trial({"id": "abs", "outcome": "ppt_l3_m", "value": "0.045",
                      "comparison": "control-intervention"})
    assert "abs" in set(restated(swapped)["id"])
    t_pair = _trial({"id": "t1", "statistic": "t", "outcome": "ppt_l3_m", "value": "1.55"},
                    {"id": "t2", "statistic": "t", "outcome": "ppt_l3_m", "value": "-1.55",
                     "comparison": "control-intervention"})
    assert restated(t_pair).empty  # the same t, signed by the order of the arms
    t_clash = _trial({"id": "t1", "statistic": "t", "outcome": "ppt_l3_m", "value": "1.55"},
                     {"id": "t2", "statistic": "t", "outcome": "ppt_l3_m", "value": "2.9"})
    assert set(restated(t_clash)["id"]) == {"t2"}  # 1.554 reproduces t1 only


def test_two_values_each_reproduced_by_a_different_analysis_cannot_be_checked() -> None:
    # With no analysis named, 0.13 is the change t (0.131) and 0.29 the Post t (0.286):
    # the paper may report both analyses; neither is called wrong.
    trial = _trial({"id": "a", "outcome": "ppt_l3_m", "value": "0.13", "analysis": ""},
                   {"id": "b", "outcome": "ppt_l3_m", "value": "0.29", "analysis": ""})
    res = restated(trial).set_index("id")
    # the table's 0.009 contradicts both and is reproduced by nothing tried
    assert res["verdict"].to_dict() == {"ppt_l3_m_post_change_p": "inconsistent",
                                        "a": "cannot check", "b": "cannot check"}
    assert "may report two analyses" in res.loc["a", "detail"]
    assert res.loc["a", "others"] == "b"  # the table's p, proved wrong, leaves a in no doubt


def test_no_test_named_and_not_reproduced_is_cannot_check_not_inconsistent() -> None:
    # 0.009 is not what the change t gives (0.131), but the paper names no test: an
    # adjusted model or a rank test could give it. Named as a t test, it is inconsistent.
    unnamed = _verdicts(claims(_trial()))
    assert unnamed["ppt_l3_m_post_change_p"] == "cannot check"
    named = _trial({"id": "tab_t", "outcome": "ppt_l3_m", "value": "0.009", "test": "t"})
    assert _verdicts(claims(named))["tab_t"] == "inconsistent"


@pytest.mark.parametrize(("relation", "value", "why"), [
    ("=", "1.2", "cannot exceed 1"), (">", "1", "cannot exceed 1"),
    ("<", "0", "cannot be negative"), ("=", "-0.01", "cannot be negative")])
def test_a_p_no_test_can_give_is_inconsistent_even_unnamed(relation, value, why):
    # p lies in [0, 1] under every test: "p = 1.2" (1.15-1.25), "p > 1", "p < 0" and
    # "p = -0.01" leave nothing in it, whichever test the paper used
    trial = _trial({"id": "odd", "outcome": "ppt_l3_m", "relation": relation, "value": value})
    row = claims(trial).set_index("id").loc["odd"]
    assert row["verdict"] == "inconsistent" and why in row["detail"]


def test_wildcards_and_intervals_are_not_compared() -> None:
    trial = _trial({"id": "all", "outcome": "*", "relation": "<", "value": "0.001"},
                   {"id": "ci", "statistic": "ci", "outcome": "ppt_l3_m",
                    "value": "0.1 to 2.3"})
    assert not ({"all", "ci"} & set(restated(trial)["id"]))
