"""Which column of a table is what: keys, per-outcome declarations, statistics, arms."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from trialkit.errors import TrialDataError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["DECLARATIONS", "KEYS", "Columns", "StatColumn", "classify"]

#: Columns that say what a row is.
KEYS = ("outcome", "timepoint", "arm", "n", "value", "source")
#: Columns that declare something about the row's outcome (the same on all its rows).
DECLARATIONS = ("unit", "direction", "scale", "integer", "primary", "change")

_STAT_HEADER = re.compile(
    r"^\s*(?P<stat>p(?:[\s-]*values?)?|t(?:[\s-]*values?)?|f(?:[\s-]*values?)?)\.?\s*"
    r"(?:[(\[]\s*(?P<note>[^)\]]*?)\s*[)\]])?\s*$", re.IGNORECASE)

#: Words in a statistic column's header that name the test behind it (longest first).
_TESTS = (
    ("mann-whitney", "mann_whitney"), ("mann whitney", "mann_whitney"),
    ("wilcoxon rank", "mann_whitney"), ("kruskal", "kruskal_wallis"),
    ("wilcoxon", "wilcoxon"), ("friedman", "friedman"), ("welch anova", "welch_anova"),
    ("welch", "welch"), ("ancova", "ancova"), ("anova", "anova"), ("paired", "paired_t"),
    ("t-test", "t"), ("t test", "t"), ("student", "t"), ("mixed", "mixed"),
    ("group x time", "mixed"), ("group × time", "mixed"), ("group*time", "mixed"),
    ("interaction", "mixed"), ("chi", "chi2"), ("χ", "chi2"), ("fisher", "fisher"),
)


@dataclass(frozen=True)
class StatColumn:
    """A column of p, t or F values: its header, the statistic and the test it names."""

    header: str
    statistic: str  # "p", "t" or "f"
    test: str = ""
    analysis: str = ""


@dataclass
class Columns:
    """The table's columns by role (each value is the table's own spelling)."""

    keys: dict[str, str] = field(default_factory=dict)
    declarations: dict[str, str] = field(default_factory=dict)
    stats: list[StatColumn] = field(default_factory=list)
    arms: list[str] = field(default_factory=list)


def stat_column(header: str) -> StatColumn | None:
    """The statistic a header names ("p", "P value", "p (Mann-Whitney)", "t", "F"), or None.

    Examples
    --------
    >>> stat_column("p (Mann-Whitney)")
    StatColumn(header='p (Mann-Whitney)', statistic='p', test='mann_whitney', analysis='')
    >>> stat_column("Placebo (n=9)") is None
    True
    """
    m = _STAT_HEADER.match(header)
    if not m:
        return None
    stat = m.group("stat")[0].lower()
    note = (m.group("note") or "").lower()
    test = next((t for word, t in _TESTS if word in note), "")
    analysis = "change" if "change" in note else "ancova" if test == "ancova" else ""
    return StatColumn(header, stat, test, analysis)


def classify(frame: pd.DataFrame, name: str) -> Columns:
    """Sort the columns of a table by role; refuse a table with no outcome column."""
    cols = Columns()
    for c in frame.columns:
        low = str(c).strip().lower()
        stat = stat_column(str(c))
        if low in KEYS:
            cols.keys[low] = c
        elif low in DECLARATIONS:
            cols.declarations[low] = c
        elif stat is not None:
            cols.stats.append(stat)
        else:
            cols.arms.append(c)
    if "outcome" not in cols.keys:
        raise TrialDataError("missing column 'outcome' (the first column should name the "
                             "outcome of each row)", file=name, field="outcome")
    if "arm" in cols.keys:
        for key in ("n", "value"):
            if key not in cols.keys:
                raise TrialDataError(f"a long table (with an 'arm' column) needs '{key}'",
                                     file=name, field=key)
        cols.arms = []
    elif not cols.arms:
        raise TrialDataError("no arm columns: after 'outcome' and 'timepoint' each column "
                             "should be one arm", file=name)
    return cols
