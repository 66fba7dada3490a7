"""A table's arms (labels and sizes) and timepoints, including "Change" rows.

A row whose timepoint says change ("Change", "Δ", "Difference", "Mean change", "Change from
baseline", "Change at 6 weeks", "Change (0-6 wk)", any case) holds each arm's mean change
and the SD of that change to a follow-up; it is not a timepoint. The follow-up is:

1. the table's non-baseline timepoint whose label the change label names ("Change at
   6 weeks" -> "6 weeks"; or whose number it ends with: "Change (0-6 wk)" -> "6 weeks"),
2. else the last non-baseline timepoint of the table,
3. else, when the table has no follow-up rows, a new timepoint: the one the label names
   ("Change at 6 weeks" -> "6 weeks", "Change (0-6 wk)" -> "6 wk"), or "Follow-up"
   (id ``follow_up``).

The baseline (``baseline`` of :func:`~trialkit.tables.from_table` or of the table's TOML
file):

- a label: that timepoint is the baseline;
- ``False``: the table prints no baseline; every timepoint is a follow-up (a table without a
  timepoint column then has one, "Follow-up");
- not given: the first timepoint of the table, as tables print time in order (a table
  without a timepoint column is a baseline table). When that first timepoint's label does
  not read as a baseline ("Post-treatment", "Week 6", "Pre-test to post-test"), a warning
  says so and how to declare ``baseline=False``; nothing is changed silently.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from trialkit.cells import parse_count
from trialkit.errors import TrialDataError
from trialkit.tables.reading import slug

__all__ = ["Arms", "Timepoints", "finish_arm_sizes", "is_change", "read_arms", "read_timepoints"]

_N_IN_HEADER = re.compile(r"^(.*?)[\s,]*[(\[]\s*n\s*=\s*(\d+)\s*[)\]]\s*$", re.IGNORECASE)
_CHANGE = re.compile(r"^\s*(?:mean\s+)?(?:change(?:s|\s+scores?)?|difference|diff\.?|[Δδ])"
                     r"(?=$|[\s(\[:,0-9-])", re.IGNORECASE)
_CHANGE_WORDS = re.compile(r"\b(?:from|since|vs\.?|versus|relative\s+to)\s+baseline\b|"
                           r"\b(?:at|to|until|by|in|after)\b|[()\[\]:,]", re.IGNORECASE)
_RANGE_START = re.compile(r"^(?:baseline|0|pre)\s*(?:-|–|—|to)\s*", re.IGNORECASE)
#: Labels that read as a baseline ("Baseline", "Pre", "T0", "Week 0", "At inclusion"), unless
#: they also name a later time ("Pre-test to post-test", "Follow-up").
_BASELINE_WORDS = re.compile(
    r"baseline|\bpre\b|\bpre-?(?:test|treatment|intervention|rx|op)|\bbefore\b|\bbl\b|"
    r"\bt0\b|\b(?:week|wk|day|month|visit)\s*0\b|\b0\s*(?:weeks?|wk|days?|months?)\b|"
    r"inclusion|\bentry\b|admission|enrol+ment|randomi[sz]ation|screening|\binitial\b",
    re.IGNORECASE)
_LATER_WORDS = re.compile(r"post|after|follow|\bend\b|final|discharge|\bto\b",
                          re.IGNORECASE)


def reads_as_baseline(label: str) -> bool:
    """Whether a timepoint label reads as a baseline (used only to warn, never to decide).

    Examples
    --------
    >>> [reads_as_baseline(x) for x in ("Baseline", "Pre-Rx Baselineg", "T0", "Week 0",
    ...                                 "Pre-test to post-test", "Post-treatment", "6 weeks")]
    [True, True, True, True, False, False, False]
    """
    return bool(_BASELINE_WORDS.search(label)) and not _LATER_WORDS.search(label)


def is_change(label: str) -> bool:
    """Whether a timepoint label names a change row.

    Examples
    --------
    >>> [is_change(x) for x in ("Change", "Δ 0-6 wk", "Mean change", "Changed", "6 weeks")]
    [True, True, True, False, False]
    """
    return bool(_CHANGE.match(label))


def _named_followup(label: str) -> str:
    """What a change label names after its change words: "Change at 6 weeks" -> "6 weeks"."""
    rest = _CHANGE_WORDS.sub(" ", _CHANGE.sub("", label, count=1))
    rest = " ".join(rest.split())
    return _RANGE_START.sub("", rest).strip(" -–")


@dataclass
class Timepoints:
    """Timepoint ids and labels in order, the baseline's id, and each row's timepoint."""

    labels: dict[str, str]
    baseline: str | None
    of_row: list[str]
    change: list[bool]


def read_timepoints(texts: list[str], baseline: Any, name: str,
                    column: str | None) -> Timepoints:
    """Timepoints of the table's rows, change rows resolved to their follow-up; ``baseline``
    is a label, False (the table prints none) or None (the first timepoint)."""
    if baseline is not None and baseline is not False and (
            not isinstance(baseline, str) or not baseline.strip()):
        raise TrialDataError(f"expected the baseline timepoint's label (text), or False when "
                             f"the table prints no baseline, got {baseline!r}",
                             field="baseline")
    labels: dict[str, str] = {}
    change = [is_change(t) for t in texts]
    for i, (text, is_ch) in enumerate(zip(texts, change, strict=True), start=1):
        if not text:
            raise TrialDataError("empty timepoint", file=name, row=i, field=column)
        if not is_ch:
            labels.setdefault(slug(text), text)
    if baseline is False:
        of_row = [_followup(text, labels, None) if is_ch else slug(text)
                  for text, is_ch in zip(texts, change, strict=True)]
        return Timepoints(labels, None, of_row, change)
    if baseline is None and column is not None and labels:
        only = next(iter(labels.values()))
        which = "only" if len(labels) == 1 else "first"
        if not reads_as_baseline(only):
            warnings.warn(f"{name}: the table's {which} timepoint {only!r} is taken as the "
                          f"baseline (no baseline declared); if it is a follow-up, declare "
                          f"baseline=False (baseline = false in the table's TOML file, "
                          f"--baseline none on the command line) so that its comparisons are "
                          f"not described as baseline ones",
                          UserWarning, stacklevel=4)
    if baseline is None and column is None:
        warnings.warn(f"{name}: the table has no timepoint column, so its values are taken as "
                      f"baseline values (no baseline declared); if they are follow-up values, "
                      f"declare baseline=False (baseline = false in the table's TOML file, "
                      f"--baseline none on the command line)", UserWarning, stacklevel=4)
    base_id = slug(baseline) if baseline else next(iter(labels), "baseline")
    if not labels:
        labels[base_id] = baseline or "Baseline"
    if base_id not in labels:
        raise TrialDataError(f"baseline {baseline!r} is not a timepoint of the table; "
                             f"timepoints: {', '.join(labels.values())}", field="baseline")
    of_row = []
    for text, is_ch in zip(texts, change, strict=True):
        of_row.append(_followup(text, labels, base_id) if is_ch else slug(text))
    return Timepoints(labels, base_id, of_row, change)


def _followup(label: str, labels: dict[str, str], base_id: str | None) -> str:
    """The follow-up a change row runs to (adding it to ``labels`` when it is new)."""
    followups = {t: lab for t, lab in labels.items() if t != base_id}
    named = _named_followup(label)
    low = label.lower()
    hits = [t for t, lab in followups.items() if lab.lower() in low]
    if not hits and named:
        number = re.findall(r"\d+(?:\.\d+)?", named)
        if number:
            hits = [t for t, lab in followups.items()
                    if number[-1] in re.findall(r"\d+(?:\.\d+)?", lab)]
    if len(hits) >= 1:
        return max(hits, key=lambda t: len(followups[t]))
    if followups:
        return list(followups)[-1]
    new_label = named or "Follow-up"
    new_id = slug(new_label)
    labels.setdefault(new_id, new_label)
    return new_id


@dataclass
class Arms:
    """Arm ids and labels in order, each header's arm, and the sizes known so far."""

    labels: dict[str, str] = field(default_factory=dict)
    of_header: dict[str, str] = field(default_factory=dict)
    n: dict[str, int] = field(default_factory=dict)


def read_arms(headers: list[str], given: Any) -> Arms:
    """Arms from column headers ("TrPDN (n=9)") or a long table's arm cells, sizes from the
    header or the ``n`` argument (keyed by header, label or id; it wins over the header)."""
    if given is not None and not isinstance(given, Mapping):
        raise TrialDataError(f"n must map arms to their sizes, e.g. {{'Needling': 9}}, got "
                             f"{type(given).__name__}", field="n")
    given_n = {str(k): v for k, v in (given or {}).items()}
    arms = Arms()
    for raw in headers:
        header = str(raw).strip()
        m = _N_IN_HEADER.match(header)
        label = m.group(1).strip() if m else header
        arm_id = slug(label)
        arms.of_header[header] = arm_id
        arms.labels.setdefault(arm_id, label)
        n_value = parse_count(m.group(2), field=header) if m else None
        for key in (header, label, arm_id):
            if key in given_n:
                n_value = parse_count(given_n[key], field=f"n[{key!r}]")
        if n_value:
            arms.n[arm_id] = max(arms.n.get(arm_id, 0), n_value)
    unknown = set(given_n) - set(arms.of_header) - set(arms.labels.values()) - set(arms.labels)
    if unknown:
        raise TrialDataError(f"n given for {sorted(unknown)} but the table's arms are "
                             f"{', '.join(arms.labels.values())}", field="n")
    return arms


def finish_arm_sizes(arms: Arms, seen_n: Mapping[str, int], name: str, *,
                     grow: bool = False) -> None:
    """Fill each arm's size from the largest row or cell n where neither header nor argument
    gave it (or, with ``grow``, where that n is larger: a long table's n column); refuse an
    arm whose size is still unknown."""
    for arm_id, label in arms.labels.items():
        if arm_id in seen_n and (arm_id not in arms.n or grow):
            arms.n[arm_id] = max(arms.n.get(arm_id, 0), seen_n[arm_id])
        if arm_id not in arms.n and arm_id in seen_n:
            arms.n[arm_id] = seen_n[arm_id]
        if arm_id not in arms.n:
            raise TrialDataError(f"the number of patients in arm {label!r} is unknown: write "
                                 f"it in the header ('{label} (n=9)'), in the cells "
                                 f"('5.2 (1.3) [9]'), or pass n={{'{label}': 9}}",
                                 file=name, field=label)
