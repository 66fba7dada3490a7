"""The HTML page: a Jinja2 template (autoescaped) filled with text made from the frames."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from trialkit.report._format import is_missing

if TYPE_CHECKING:
    import pandas as pd

    from trialkit.report._frames import Frames
    from trialkit.trial import Trial

__all__ = ["card", "render_html"]

ILLUSTRATIVE_WHY = ("They were chosen to match the published statements (reported.csv); "
                    "read every number below as a demonstration of the method, not as the "
                    "trial's result.")


def card(trial: Trial) -> dict[str, Any]:
    """The trial card: citation, design, arms, outcomes with direction and MCID, provenance."""
    meta = trial.meta
    outcomes = []
    for o in trial.outcomes:
        mcid = (f"{o.mcid:g} {o.unit} ({o.mcid_source})" if o.mcid is not None
                else "none given")
        outcomes.append({"label": o.label, "unit": o.unit, "primary": o.primary,
                         "direction": (o.direction.replace("_", " ") if o.direction
                                       else "direction of benefit not declared"),
                         "mcid": mcid})
    data = dict(meta.data)
    provenance = [(k.capitalize(), str(data[k])) for k in ("source", "licence") if k in data]
    provenance += [("Note", str(n)) for n in data.get("notes", ())]
    return {
        "id": trial.id, "title": trial.title, "citation": trial.citation, "doi": meta.doi,
        "design": trial.design, "n": trial.n, "level": trial.level,
        "illustrative": trial.illustrative, "illustrative_why": ILLUSTRATIVE_WHY,
        "arms": [{"label": a.label, "n": a.n, "description": getattr(a, "description", ""),
                  "reference": a.id == trial.reference_arm} for a in trial.arms],
        "timepoints": ", ".join(t.label + (" (baseline)" if t.baseline else "")
                                for t in trial.timepoints)
        + ("; no baseline printed (every visit is a follow-up)" if trial.no_baseline else ""),
        "outcomes": outcomes, "provenance": provenance,
    }


def reanalysis_sentences(trial: Trial, re: pd.DataFrame | None) -> list[str]:
    """What the reanalysis could not do, said in words (outcomes without MCID or direction)."""
    if re is None:
        return []
    out = []
    skipped = re[re["method"].astype(str).str.startswith("reanalyse/skipped")]
    for oid in dict.fromkeys(skipped["outcome"]):
        out.append(f"{trial.outcome(oid).label}: the direction of benefit is not declared, "
                   "so no probability of benefit is given.")
    rest = re.drop(skipped.index)
    no_mcid = [trial.outcome(o).label for o in dict.fromkeys(
        rest.loc[rest["mcid"].isna(), "outcome"])]
    if no_mcid:
        out.append(f"No MCID is given for {', '.join(no_mcid)}: for these only the flat-prior "
                   "probability of any benefit is shown; P(benefit ≥ MCID), power and "
                   "exaggeration at the MCID are not defined.")
    for oid, mcid in rest.dropna(subset=["mcid"]).drop_duplicates("outcome")[
            ["outcome", "mcid"]].itertuples(index=False):
        out.insert(0, f"{trial.outcome(oid).label}: probabilities against an MCID of "
                   f"{mcid:g} {trial.outcome(oid).unit}.")
    return out


def _record_sections(record: pd.DataFrame) -> list[tuple[str, list[tuple[str, str]]]]:
    titles = {"assumption": "Assumptions", "method": "Methods (as the frames name them)",
              "version": "Versions", "data file sha256": "Data files (SHA-256)",
              "seed": "Seeds"}
    out = []
    for key, title in titles.items():
        part = record[record["section"] == key]
        if not part.empty:
            out.append((title, list(zip(part["item"], part["value"], strict=True))))
    return out


def render_html(trial: Trial, frames: Frames, tables: list[dict], figures: list[Any],
                record: pd.DataFrame, *, generated_at: str, command: str) -> str:
    """Fill the template."""
    import jinja2

    from trialkit import __version__
    from trialkit.report._sure import is_sure

    env = jinja2.Environment(loader=jinja2.PackageLoader("trialkit.report", "templates"),
                             autoescape=True, keep_trailing_newline=True,
                             undefined=jinja2.StrictUndefined)
    counts = Counter(frames.checks["verdict"])
    figure_of = {"reanalysis": "posterior_", "exaggeration": "exaggeration_",
                 "responders": "responders_"}
    sure_tables = [{**t, "figure": figure_of[t["key"]]} for t in tables
                   if t["key"] in figure_of]
    return env.get_template("report.html.j2").render(
        version=__version__, card=card(trial), tables=tables, sure_keys=tuple(figure_of),
        sure_tables=sure_tables, sure_figures=[f for f in figures if is_sure(f.name)],
        figures=[f for f in figures if not is_sure(f.name)],
        check_counts=[(k, counts.get(k, 0)) for k in ("consistent", "inconsistent",
                                                       "cannot check")],
        reanalysis_sentences=reanalysis_sentences(trial, frames.reanalysis),
        reanalysis_note=frames.reanalysis_note, record=_record_sections(record),
        generated_at=generated_at, command=command,
        missing=is_missing)
