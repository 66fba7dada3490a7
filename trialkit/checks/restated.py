"""Restated statements: one number printed twice (table and abstract, say) with values that
cannot both be right."""

from __future__ import annotations

from itertools import combinations
from typing import TYPE_CHECKING, Any

import pandas as pd

from trialkit.checks._claims_common import _REL_WORDS, CANNOT, CONSISTENT, INCONSISTENT
from trialkit.checks._match import canonical_statistics
from trialkit.checks._reported import Range, statement_range

if TYPE_CHECKING:
    from trialkit.trial import Trial

__all__ = ["restated"]

COLUMNS = ["id", "statistic", "outcome", "arm", "timepoint", "comparison", "relation",
           "reported", "verdict", "detail", "others"]
#: Statistics whose value does not change when the two arms of a comparison swap places.
_ORDER_FREE = frozenset({"p", "F"})
#: The format's wildcard: "every outcome" (or timepoint, arm) is not one number.
WILDCARD = "*"


def _key(row: pd.Series) -> tuple[str, ...] | None:
    """What a statement is about; two statements with the same key state the same number."""
    fields = [str(row[c]).strip() for c in ("statistic", "outcome", "arm", "timepoint")]
    comparison = str(row["comparison"]).strip()
    if WILDCARD in [*fields[1:], *comparison.split("-")]:
        return None
    if fields[0] in _ORDER_FREE and "-" in comparison:
        comparison = "-".join(sorted(comparison.split("-")))
    return (*fields, comparison)


def _compatible(a: pd.Series, b: pd.Series) -> bool:
    """The same test and analysis, or one of them unnamed (it may be the same one)."""
    for column in ("test", "analysis"):
        x, y = (str(r.get(column) or "").strip().lower() for r in (a, b))
        if x not in ("", "unknown") and y not in ("", "unknown") and x != y:
            return False
    return True


def restated(trial: Trial, claimed: pd.DataFrame | None = None, *,
             rounding: str = "up_or_down") -> pd.DataFrame:
    """Statements that restate one number with values that cannot both be right.

    Two statements of ``trial.reported`` state the same number when they have the same
    statistic, outcome, arm, timepoint and comparison (the two arms in either order for p
    and F, which do not change sign) and the same test and analysis, or leave either
    unnamed. Each printed value stands for the interval of values that round to it (as in
    :func:`claims`; ``< 0.05`` for everything below 0.05). When the two intervals do not
    overlap, at least one statement is wrong, whatever the data. Which one, the
    recomputation decides:

    - one reproduced by :func:`claims` and the other not: the other is inconsistent;
    - neither reproduced: both are inconsistent (they cannot both be right, and the data
      support neither);
    - both reproduced (by different analyses or pre-post correlations): both "cannot check",
      since the paper may report two analyses.

    Statements that agree, or that no other statement restates, get no row.

    Parameters
    ----------
    trial : Trial
    claimed : pandas.DataFrame, optional
        The result of :func:`claims` for the trial (computed when not given).
    rounding : str, default "up_or_down"
        Rounding scheme of printed numbers.

    Returns
    -------
    pandas.DataFrame
        One row per statement contradicted by a restatement: ``id, statistic, outcome, arm,
        timepoint, comparison, relation, reported, verdict, detail, others`` (``others``:
        the ids of the statements that contradict it, comma separated).

    References
    ----------
    Nuijten et al. (2016), statcheck: a printed value stands for its rounding interval.
    Carlisle (2017) and Bolland et al. (2016) on values a paper prints twice, differently.

    Examples
    --------
    A table prints p = 0.009 for the between-arm difference in change; the abstract gives
    p = 0.045 for the same comparison (Hahm et al. 2020, PPT 2 cm lateral to L3):

    >>> import pandas as pd
    >>> import trialkit
    >>> from trialkit.checks import restated
    >>> table = ("outcome\\ttimepoint\\tMud (n = 16)\\tControl (n = 15)\\tp\\n"
    ...          "PPT\\tPre\\t4.3 ± 1.8\\t4.5 ± 1.6\\t\\n"
    ...          "PPT\\tPost\\t7.5 ± 2.7\\t6.5 ± 2.4\\t\\n"
    ...          "PPT\\tChange\\t3.2 ± 2.1\\t2.0 ± 2.2\\t0.009\\n")
    >>> abstract = pd.DataFrame([{
    ...     "id": "abstract_p", "statistic": "p", "outcome": "ppt", "arm": "",
    ...     "timepoint": "post", "comparison": "mud-control", "relation": "=",
    ...     "value": "0.045", "text": "p=0.045", "source": "abstract", "analysis": "change"}])
    >>> trial = trialkit.from_table(table, baseline="Pre", reported=abstract)
    >>> restated(trial).set_index("reported")["verdict"].to_dict()
    {'0.009': 'inconsistent', '0.045': 'inconsistent'}
    """
    from trialkit.checks.claims import claims

    reported = canonical_statistics(trial.reported.fillna(""))
    if claimed is None:
        claimed = claims(trial, rounding=rounding)
    verdict_of = dict(zip(claimed["id"], claimed["verdict"], strict=True))
    statements = []
    for _, row in reported.iterrows():
        rng = statement_range(str(row["relation"]).strip(), str(row["value"]), rounding)
        key = _key(row)
        if key is not None and rng is not None:
            statements.append((key, rng, row))
    against: dict[str, list[tuple[pd.Series, Range, pd.Series, Range]]] = {}
    for (ka, ra, a), (kb, rb, b) in combinations(statements, 2):
        if ka == kb and _compatible(a, b) and (ra.before(rb) or rb.before(ra)):
            against.setdefault(a["id"], []).append((a, ra, b, rb))
            against.setdefault(b["id"], []).append((b, rb, a, ra))
    rows = [_row(pairs, verdict_of) for pairs in against.values()]
    return pd.DataFrame([r for r in rows if r is not None], columns=COLUMNS)


def _row(pairs: list[tuple[pd.Series, Range, pd.Series, Range]],
         verdict_of: dict[str, str]) -> dict[str, Any] | None:
    """The verdict on one statement from the statements that contradict it."""
    me, mine = pairs[0][0], pairs[0][1]
    mine_ok = verdict_of.get(me["id"]) == CONSISTENT
    if mine_ok:  # only a statement that is reproduced as well leaves this one in doubt
        pairs = [p for p in pairs if verdict_of.get(p[2]["id"]) == CONSISTENT]
        if not pairs:
            return None  # the others are the ones proved wrong; their rows say so
    theirs_ok = [verdict_of.get(other["id"]) == CONSISTENT for _, _, other, _ in pairs]
    verdict = CANNOT if mine_ok else INCONSISTENT
    stat = "P" if me["statistic"] == "p" else str(me["statistic"])

    def said(row: pd.Series) -> str:
        return f"{stat} {_REL_WORDS.get(row['relation'], row['relation'])} {row['value']}"

    others = [f"{said(o)} ({o['id']}{', ' + str(o['source']) if o['source'] else ''})"
              for (_, _, o, _) in pairs]
    ranges = "; ".join(r.text() for r in [mine, *(theirs for *_, theirs in pairs)])
    every = "both" if len(others) == 1 else "all"
    head = (f"{said(me)} and, for the same comparison, {' and '.join(others)} cannot {every} "
            f"be right: the values they stand for ({ranges}) do not overlap")
    if mine_ok:
        tail = ("yet each is reproduced by an analysis tried (different analyses or pre-post "
                "correlations): the paper may report two analyses")
    elif any(theirs_ok):
        tail = "the printed numbers reproduce the other statement, not this one"
    else:
        tail = "the printed numbers reproduce neither"
    return {"id": me["id"], "statistic": me["statistic"], "outcome": me["outcome"],
            "arm": me["arm"], "timepoint": me["timepoint"], "comparison": me["comparison"],
            "relation": me["relation"], "reported": me["value"], "verdict": verdict,
            "detail": f"{head}; {tail}.",
            "others": ",".join(str(o["id"]) for _, _, o, _ in pairs)}
