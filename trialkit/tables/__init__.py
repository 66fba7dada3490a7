"""Build a Trial from a table typed or pasted from a paper (or read from a file).

The reader is split along the steps of reading a table:

- :mod:`~trialkit.tables.reading`: the input (DataFrame, pasted text, a file read by content);
- :mod:`~trialkit.tables.columns`: which column is what (keys, declarations, p/t/F, arms);
- :mod:`~trialkit.tables.layout`: arms and their sizes, timepoints and "Change" rows;
- :mod:`~trialkit.tables.declarations`: per-outcome unit, direction, scale, ... ;
- :mod:`~trialkit.tables.records`: cells to records, every problem collected in one pass;
- :mod:`~trialkit.tables.signs`: change rows printed as baseline minus follow-up, negated;
- :mod:`~trialkit.tables.build`: :func:`from_table` putting them together.
"""

from __future__ import annotations

from trialkit.tables.build import from_table, table_outcomes
from trialkit.tables.reading import slug
from trialkit.tables.records import NOT_REPORTED

__all__ = ["NOT_REPORTED", "from_table", "slug", "table_outcomes"]
