"""Which way round a table prints its change rows, and the stored sign.

trialkit stores a change from baseline as follow-up minus baseline (a fall is negative).
Many papers print a change as a magnitude instead: Hahm et al. (2020, Table 2) print pain
"pre minus post" (4.9 - 2.0 = 2.9) but pressure thresholds "post minus pre". A table declares
which (``change = "baseline_minus_followup"``, for the whole table or per outcome); the
change rows of an outcome declared so are negated at load, so that every analysis takes the
same direction as the levels. Nothing is flipped without a declaration: an undeclared change
that agrees with its levels only when reversed is reported by
:func:`trialkit.checks.change_vs_levels`, whose sentence names the declaration to add.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from trialkit.errors import TrialDataError
from trialkit.schema import CHANGE

__all__ = ["BASELINE_MINUS_FOLLOWUP", "CONVENTIONS", "FOLLOWUP_MINUS_BASELINE",
           "NEGATED_METHOD", "negate_text", "parse_change", "reverse_changes"]

FOLLOWUP_MINUS_BASELINE = "followup_minus_baseline"
BASELINE_MINUS_FOLLOWUP = "baseline_minus_followup"
#: The values ``change`` may declare (the first is the default).
CONVENTIONS = (FOLLOWUP_MINUS_BASELINE, BASELINE_MINUS_FOLLOWUP)
_WORDS = {FOLLOWUP_MINUS_BASELINE: FOLLOWUP_MINUS_BASELINE,
          "post_minus_pre": FOLLOWUP_MINUS_BASELINE,
          BASELINE_MINUS_FOLLOWUP: BASELINE_MINUS_FOLLOWUP,
          "pre_minus_post": BASELINE_MINUS_FOLLOWUP}
#: The ``method`` of a change row negated at load (carried into the effects built on it).
NEGATED_METHOD = "negated(printed baseline_minus_followup)"
#: Numbers of a record that swap places when the sign is reversed (an interval [a, b]
#: becomes [-b, -a]); ``mean`` and ``median`` are negated, SD and SE kept.
_PAIRS = (("ci_low", "ci_high"), ("q1", "q3"), ("min", "max"))


def parse_change(value: object, *, file: str | None = None, row: int | None = None,
                 field: str | None = "change") -> str | None:
    """Read a ``change`` declaration: which way round a change row is printed.

    "followup_minus_baseline" (the default) or "baseline_minus_followup"; any case, with
    spaces, "-" or "_" between the words ("baseline minus follow-up"), and "post_minus_pre"
    / "pre_minus_post" as synonyms. "" and None give None (not declared).

    Parameters
    ----------
    value : str or None
        The declaration as typed.
    file, row, field : optional
        Where it was typed, for the error message.

    Returns
    -------
    str or None
        One of :data:`CONVENTIONS`, or None.

    Raises
    ------
    TrialDataError
        Naming file, row and field, when the value is neither.

    References
    ----------
    Hahm et al. (2020), Evid Based Complement Alternat Med 2020:7547452, Table 2 (pain
    printed pre minus post, pressure thresholds post minus pre).

    Examples
    --------
    >>> parse_change("Baseline minus follow-up"), parse_change("post-minus-pre")
    ('baseline_minus_followup', 'followup_minus_baseline')
    """
    expected = ("expected 'followup_minus_baseline' (the default: a change row holds "
                "follow-up minus baseline) or 'baseline_minus_followup' (the table prints "
                "baseline minus follow-up, e.g. a fall in pain as a positive number)")
    if value is None:
        return None
    if not isinstance(value, str):
        raise TrialDataError(f"{expected}, got {value!r}", file=file, row=row, field=field)
    key = "_".join(value.strip().lower().replace("-", " ").replace("_", " ").split())
    key = key.replace("follow_up", "followup")
    if not key:
        return None
    found = _WORDS.get(key)
    if found is None:
        raise TrialDataError(f"{expected}, got {value!r}", file=file, row=row, field=field)
    return found


def negate_text(text: str) -> str:
    """A printed number with its sign reversed, its digits (and so its rounding) kept.

    Examples
    --------
    >>> negate_text("2.9"), negate_text("-1.30"), negate_text("+0.5"), negate_text("0.0")
    ('-2.9', '1.30', '-0.5', '0.0')
    """
    body = text.strip()
    negative = body[:1] in ("-", "\u2212")
    if body[:1] in ("-", "+", "\u2212"):
        body = body[1:].lstrip()
    if not body.strip("0.,"):  # zero has no sign
        return body
    return body if negative else f"-{body}"


def reverse_changes(records: Iterable[dict[str, str]], reversed_ids: Mapping[str, Any]
                    ) -> list[str]:
    """Negate, in place, the change records of the outcomes printed baseline minus follow-up.

    Each such record's mean (or median) is negated, a CI or quartile/range pair ``[a, b]``
    becomes ``[-b, -a]``, SD and SE are kept; ``printed`` keeps the cell as printed,
    ``source`` says that the numbers were negated and why, and the row's ``method`` will
    name :data:`NEGATED_METHOD`.

    Parameters
    ----------
    records : iterable of dict
        Text records from :func:`trialkit.tables.records.read_cells`.
    reversed_ids : mapping
        The outcome ids declared ``baseline_minus_followup`` (to where it was declared).

    Returns
    -------
    list of str
        The outcome ids whose change rows were negated, in order of first appearance.

    Examples
    --------
    >>> rec = {"outcome": "pain", "measure": "change", "mean": "2.9", "sd": "1.9",
    ...        "source": "Table 2", "_cell": "2.9 ± 1.9"}
    >>> reverse_changes([rec], {"pain": "table.toml"})
    ['pain']
    >>> rec["mean"], rec["sd"], rec["printed"]
    ('-2.9', '1.9', '2.9 ± 1.9')
    """
    done: list[str] = []
    for rec in records:
        if rec.get("measure") != CHANGE or rec["outcome"] not in reversed_ids:
            continue
        for key in ("mean", "median"):
            if rec.get(key):
                rec[key] = negate_text(rec[key])
        for low, high in _PAIRS:
            if rec.get(low) or rec.get(high):
                rec[low], rec[high] = (negate_text(rec.get(high, "")) if rec.get(high) else "",
                                       negate_text(rec.get(low, "")) if rec.get(low) else "")
        cell = rec.get("_cell", "")
        rec["printed"] = cell
        rec["_negated"] = NEGATED_METHOD
        rec["source"] = (f"{rec['source']} (printed as baseline minus follow-up, "
                         f"{cell!r}; negated at load to follow-up minus baseline, as declared "
                         f"by change = \"{BASELINE_MINUS_FOLLOWUP}\")")
        if rec["outcome"] not in done:
            done.append(rec["outcome"])
    return done
