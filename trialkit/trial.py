"""The Trial: one randomized trial's description and numbers, immutable once loaded."""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING

from trialkit.meta import Arm, Outcome, Timepoint, TrialMeta, short_ref
from trialkit.schema import REPORTED_COLUMNS, REPORTED_OPTIONAL

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Trial"]

ILLUSTRATIVE = "illustrative"


def is_illustrative(source: object) -> bool:
    """True when a row's ``source`` marks its numbers as illustrative, not published."""
    return isinstance(source, str) and source.strip().lower().startswith(ILLUSTRATIVE)


class Trial:
    """A randomized trial: metadata, summary statistics, patient data and reported results.

    Build one with :func:`trialkit.load`, :func:`trialkit.read_trial` or
    :func:`trialkit.from_table`; they validate the input. A Trial never changes: every
    table it hands out is a copy, so editing it cannot alter the trial.

    Attributes
    ----------
    meta : TrialMeta
        The parsed ``trial.toml`` (``meta.raw`` holds the document itself, read-only).
    summary : DataFrame
        outcome, arm, timepoint, n, mean, sd, the optional statistics, source, mean_text,
        sd_text; derived from ``ipd`` (source "derived from ipd") when patient data exist.
    ipd : DataFrame or None
        patient, arm, timepoint, outcome, value; None without patient data.
    patients : DataFrame or None
        One row per patient with its arm and covariates, where the trial has them.
    reported : DataFrame
        What the publication states about its own results (may be empty).

    Examples
    --------
    >>> import trialkit
    >>> trial = trialkit.load("anorexia")
    >>> [a.id for a in trial.arms], trial.baseline
    (['control', 'cbt', 'ft'], 'pre')
    >>> trial.summary.query("arm == 'ft'")[["timepoint", "n", "mean"]].round(2)
      timepoint   n   mean
    4       pre  17  83.23
    5      post  17  90.49
    """

    __slots__ = ("_changes", "_ipd", "_meta", "_path", "_patients", "_reported", "_summary")

    def __init__(self, meta: TrialMeta, summary: pd.DataFrame, *,
                 ipd: pd.DataFrame | None = None, patients: pd.DataFrame | None = None,
                 reported: pd.DataFrame | None = None, changes: pd.DataFrame | None = None,
                 path: Path | None = None) -> None:
        import pandas as pd

        object.__setattr__(self, "_meta", meta)
        object.__setattr__(self, "_summary", summary.copy())
        object.__setattr__(self, "_ipd", None if ipd is None else ipd.copy())
        object.__setattr__(self, "_patients", None if patients is None else patients.copy())
        columns = [*REPORTED_COLUMNS, *REPORTED_OPTIONAL]
        if reported is None:
            reported = pd.DataFrame(columns=columns, dtype="string")
        reported = reported.copy()
        for col in REPORTED_OPTIONAL:
            if col not in reported.columns:
                reported[col] = pd.Series([""] * len(reported), index=reported.index,
                                          dtype="string")
        object.__setattr__(self, "_reported", reported)
        if changes is None:
            changes = summary.iloc[0:0]
        object.__setattr__(self, "_changes", changes.copy())
        object.__setattr__(self, "_path", path)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("a Trial cannot be changed; build a new one")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("a Trial cannot be changed; build a new one")

    # -- what the trial is ------------------------------------------------------------------
    @property
    def meta(self) -> TrialMeta:
        """The trial's metadata (frozen)."""
        return self._meta

    @property
    def id(self) -> str:
        """Short id, e.g. ``"mejuto2014"``."""
        return self._meta.id

    @property
    def title(self) -> str:
        """Title of the publication."""
        return self._meta.title

    @property
    def citation(self) -> str:
        """Full citation of the publication the numbers come from."""
        return self._meta.citation

    @property
    def design(self) -> str:
        """``"parallel"`` or ``"crossover"``."""
        return self._meta.design

    @property
    def arms(self) -> tuple[Arm, ...]:
        """Arms in the order declared in trial.toml."""
        return self._meta.arms

    @property
    def outcomes(self) -> tuple[Outcome, ...]:
        """Outcomes in the order declared in trial.toml."""
        return self._meta.outcomes

    @property
    def timepoints(self) -> tuple[Timepoint, ...]:
        """Timepoints ordered in time, baseline first."""
        return self._meta.timepoints

    @property
    def reference_arm(self) -> str:
        """The comparator arm's id."""
        return self._meta.reference_arm

    @property
    def baseline(self) -> str | None:
        """The baseline timepoint's id (None for a crossover without one, or when the trial
        declares ``baseline = false``)."""
        return self._meta.baseline

    @property
    def no_baseline(self) -> bool:
        """True when the publication prints no baseline (``baseline = false``): every
        timepoint is a follow-up (see :attr:`TrialMeta.no_baseline`)."""
        return self._meta.no_baseline

    @property
    def n(self) -> int:
        """Number of patients randomized (a crossover's patients are counted once)."""
        if self._meta.design == "crossover":
            if self._ipd is not None:
                return int(self._ipd["patient"].nunique())
            return max(a.n for a in self.arms)
        return sum(a.n for a in self.arms)

    @property
    def level(self) -> str:
        """``"ipd"`` when patient data exist, else ``"summary"``."""
        return "ipd" if self._ipd is not None else "summary"

    @property
    def path(self) -> Path | None:
        """The folder the trial was read from (None if built in memory)."""
        return self._path

    # -- the numbers ---------------------------------------------------------------------------
    @property
    def summary(self) -> pd.DataFrame:
        """Summary statistics per outcome x arm x timepoint (a copy)."""
        return self._summary.copy()

    @property
    def changes(self) -> pd.DataFrame:
        """Published changes from baseline (a copy; empty when the table printed none).

        Same columns as :attr:`summary`; each row is one arm's mean change from the baseline
        to its ``timepoint`` and the SD of that change, as printed in a "Change" row.
        """
        return self._changes.copy()

    @property
    def ipd(self) -> pd.DataFrame | None:
        """Patient-level data in long form (a copy), or None."""
        return None if self._ipd is None else self._ipd.copy()

    @property
    def patients(self) -> pd.DataFrame | None:
        """One row per patient with arm and covariates (a copy), or None."""
        return None if self._patients is None else self._patients.copy()

    @property
    def reported(self) -> pd.DataFrame:
        """Statements the publication makes about its results (a copy)."""
        return self._reported.copy()

    @property
    def illustrative(self) -> bool:
        """True when any summary number is illustrative rather than published."""
        return bool(self._summary["source"].map(is_illustrative).any())

    def arm(self, arm_id: str) -> Arm:
        """The arm with this id."""
        return self._meta.arm(arm_id)

    def outcome(self, outcome_id: str) -> Outcome:
        """The outcome with this id."""
        return self._meta.outcome(outcome_id)

    def timepoint(self, timepoint_id: str) -> Timepoint:
        """The timepoint with this id."""
        return self._meta.timepoint(timepoint_id)

    # -- views -----------------------------------------------------------------------------
    def _banner(self) -> str | None:
        if not self.illustrative:
            return None
        flags = self._summary["source"].map(is_illustrative)
        return (f"ILLUSTRATIVE: {int(flags.sum())} of {len(flags)} summary rows are "
                f"illustrative values chosen to match the published statements, not the "
                f"article's table.")

    def describe(self) -> str:
        """A readable multi-line text summary (what ``print(trial)`` shows)."""
        m = self._meta
        cited = m.citation.strip() not in ("", "not given")
        lines = [f"Trial {m.id}: {m.title}", f"  {m.citation if cited else 'Citation not given'}"]
        if m.doi:
            lines.append(f"  doi:{m.doi}")
        lines.append(f"  Design: {m.design}; data: {self.level}; {self.n} patients")
        lines.append("  Arms:")
        for a in m.arms:
            ref = "  (reference)" if a.id == m.reference_arm else ""
            lines.append(f"    {a.id:<12} {a.label}, n = {a.n}{ref}")
        lines.append("  Timepoints: " + ", ".join(
            f"{t.id}{' (baseline)' if t.baseline else ''}" for t in m.timepoints)
            + ("; no baseline printed (every timepoint is a follow-up)" if m.no_baseline
               else ""))
        lines.append("  Outcomes:")
        width = max([24, *(len(o.id) for o in m.outcomes)])
        for o in m.outcomes:
            direction = (o.direction or "direction not stated").replace("_", " ")
            mcid = f"; MCID {o.mcid:g} ({short_ref(o.mcid_source)})" if o.mcid is not None else ""
            if o.mdc is not None:
                mcid += f"; MDC {o.mdc:g} ({short_ref(o.mdc_source)})"
            scale = f" [{o.scale}]" if o.scale else ""
            lines.append(f"    {o.id:<{width}} {o.label}{scale}, {direction}{mcid}")
        banner = self._banner()
        if banner:
            lines.append(f"  ! {banner}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return self.describe()

    def _repr_html_(self) -> str:
        m = self._meta
        esc = html.escape
        parts = [f"<div class='trialkit-trial'><h4 style='margin-bottom:0.2em'>{esc(m.title)}"
                 f"</h4><p style='margin-top:0'><code>{esc(m.id)}</code> &middot; "
                 f"{esc(m.citation)}"]
        if m.doi:
            parts.append(f" doi:{esc(m.doi)}")
        parts.append(f"<br>Design: {esc(m.design)}; data: {self.level}; {self.n} patients</p>")
        banner = self._banner()
        if banner:
            parts.append("<p style='background:#fff3cd;border:1px solid #d39e00;padding:4px 8px;"
                         f"color:#533f03'><b>&#9888; {esc(banner)}</b></p>")
        left = "style='text-align:left'"
        parts.append(f"<table><tr><th {left}>Arm</th><th {left}>Label</th><th>n</th></tr>")
        for a in m.arms:
            ref = " (reference)" if a.id == m.reference_arm else ""
            parts.append(f"<tr><td {left}><code>{esc(a.id)}</code></td>"
                         f"<td {left}>{esc(a.label)}{ref}</td><td>{a.n}</td></tr>")
        parts.append(f"</table><table><tr><th {left}>Outcome</th><th {left}>Label</th>"
                     f"<th {left}>Scale</th><th {left}>Direction</th><th {left}>MCID</th></tr>")
        for o in m.outcomes:
            direction = esc((o.direction or "not stated").replace("_", " "))
            mcid = (f"<span title='{esc(o.mcid_source)}'>{o.mcid:g} "
                    f"({esc(short_ref(o.mcid_source))})</span>" if o.mcid is not None else "")
            parts.append(f"<tr><td {left}><code>{esc(o.id)}</code></td>"
                         f"<td {left}>{esc(o.label)}</td><td {left}>{esc(o.scale)}</td>"
                         f"<td {left}>{direction}</td><td {left}>{mcid}</td></tr>")
        parts.append("</table><p>Timepoints: " + ", ".join(
            esc(t.label) + (" (baseline)" if t.baseline else "") for t in m.timepoints)
            + ("; no baseline printed (every timepoint is a follow-up)" if m.no_baseline
               else "") + "</p></div>")
        return "".join(parts)
