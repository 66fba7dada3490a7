"""The command line's per-outcome options: parse them, and apply them to a table or a trial.

``--direction pain=lower,rom=higher``, ``--scale pain=0-10`` (or ``--scale 0-10`` for every
outcome), ``--integer pain`` (or ``--integer``, ``--integer '*'`` for every outcome),
``--change pain=baseline_minus_followup`` (or ``--change baseline_minus_followup`` for every
outcome: how the table prints its change rows) and ``--reported FILE``.

``--integer`` takes an optional value, so ``trialkit check --integer table.csv`` could mean
"the outcome table.csv". The rule: the word after ``--integer`` is the command's trial, not an
outcome list, when it names one (:func:`names_trial`: a table file suffix, an existing file
or folder, a path separator, or a bundled trial id); ``--integer`` then means every outcome.
Both orders, ``check --integer table.csv`` and ``check table.csv --integer``, mean the same.
For a table file they describe the outcomes :func:`trialkit.from_table` builds; for a bundled
trial or a trial folder they may only repeat what its ``trial.toml`` says (a contradiction is
an error, never a silent override).
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from trialkit.errors import TrialDataError

if TYPE_CHECKING:
    from trialkit.meta import Outcome
    from trialkit.trial import Trial

#: The key that stands for every outcome (a plain ``--scale 0-10`` or ``--integer``).
ALL = "*"
#: Suffixes of the table files the command line reads (the one list; ``trialkit.cli`` imports it).
TABLE_SUFFIXES = (".csv", ".tsv", ".tab", ".txt", ".md", ".xlsx", ".xlsm", ".xls")

_DIRECTIONS = {"lower": "lower_is_better", "higher": "higher_is_better"}
_NUMBER = r"-?\d+(?:\.\d+)?"
_SCALE = re.compile(rf"\s*({_NUMBER})\s*(?:-|to|,)\s*({_NUMBER})\s*")


def _parse_direction(text: str) -> str:
    """``lower``/``higher`` (or the trial.toml spelling) -> ``lower_is_better``/...

    A private stand-in for ``trialkit.meta.parse_direction`` (reader helper), to be replaced
    by it once it lands.
    """
    key = re.sub(r"[\s\-]+", "_", text.strip().lower())
    for short, full in _DIRECTIONS.items():
        if key in (short, full, f"{short}_better"):
            return full
    raise argparse.ArgumentTypeError(f"a direction is lower or higher (lower_is_better, "
                                     f"higher_is_better), got {text!r}")


def scale(text: str) -> tuple[float, float]:
    """``"0-10"`` -> ``(0.0, 10.0)``; also ``"0 to 10"`` and ``"0,10"``."""
    m = _SCALE.fullmatch(text)
    if not m or float(m.group(1)) >= float(m.group(2)):
        raise argparse.ArgumentTypeError(f"expected a scale such as 0-10, got {text!r}")
    return float(m.group(1)), float(m.group(2))


def _pairs(text: str, option: str) -> list[tuple[str, str]]:
    out = []
    for item in text.split(","):
        if not item.strip():
            continue
        name, sep, value = item.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise argparse.ArgumentTypeError(f"{option} takes OUTCOME=VALUE pairs separated "
                                             f"by commas, got {item.strip()!r}")
        out.append((name.strip(), value.strip()))
    if not out:
        raise argparse.ArgumentTypeError(f"{option} needs at least one OUTCOME=VALUE pair")
    return out


def directions(text: str) -> list[tuple[str, str]]:
    """``"pain=lower,rom=higher"`` -> ``[("pain", "lower_is_better"), ...]``."""
    return [(name, _parse_direction(value)) for name, value in _pairs(text, "--direction")]


def scales(text: str) -> list[tuple[str, tuple[float, float]]]:
    """``"0-10"`` (every outcome) or ``"pain=0-10,rom=0-90"``."""
    if "=" not in text:
        return [(ALL, scale(text))]
    return [(name, scale(value)) for name, value in _pairs(text, "--scale")]


def changes(text: str) -> list[tuple[str, str]]:
    """``"baseline_minus_followup"`` (every outcome) or ``"pain=baseline_minus_followup"``."""
    from trialkit.tables.signs import parse_change

    pairs = [(ALL, text)] if "=" not in text else _pairs(text, "--change")
    out = []
    for name, value in pairs:
        try:
            found = parse_change(value, field="--change")
        except TrialDataError as exc:
            raise argparse.ArgumentTypeError(exc.reason) from None
        if found is None:
            raise argparse.ArgumentTypeError("--change needs baseline_minus_followup or "
                                             "followup_minus_baseline")
        out.append((name, found))
    return out


def integers(text: str) -> list[str]:
    """``"pain,rom"`` -> ``["pain", "rom"]``; the bare option means every outcome."""
    names = [n.strip() for n in text.split(",") if n.strip()]
    if not names:
        raise argparse.ArgumentTypeError("--integer takes outcome names separated by commas "
                                         "(or nothing, for every outcome)")
    return names


def names_trial(word: str) -> bool:
    """Whether a command-line word is a trial or table rather than an outcome list.

    Examples
    --------
    >>> names_trial("table.csv"), names_trial("mejuto2014"), names_trial("pain,rom")
    (True, True, False)
    """
    if word.startswith("-"):
        return False
    if Path(word).suffix.lower() in TABLE_SUFFIXES or "/" in word or "\\" in word:
        return True
    if Path(word).exists():
        return True
    from trialkit.bundled import trial_ids

    return word in trial_ids()


def integer_before_trial(args: Sequence[str]) -> list[str]:
    """``[..., "--integer", TRIAL, ...]`` -> ``[..., "--integer=*", TRIAL, ...]``: a bare
    ``--integer`` written before the trial means every outcome (see the module docstring).

    Examples
    --------
    >>> integer_before_trial(["--integer", "table.csv", "--strict"])
    ['--integer=*', 'table.csv', '--strict']
    >>> integer_before_trial(["table.csv", "--integer", "pain"])
    ['table.csv', '--integer', 'pain']
    """
    out = list(args)
    for i, word in enumerate(out[:-1]):
        if word == "--integer" and names_trial(out[i + 1]):
            out[i] = f"--integer={ALL}"
    return out


def _with_integer_rule(parser: argparse.ArgumentParser) -> None:
    """Apply :func:`integer_before_trial` whenever ``parser`` parses (as a subcommand too)."""
    parse = parser.parse_known_args

    def parse_known_args(args: Sequence[str] | None = None,
                         namespace: argparse.Namespace | None = None) -> Any:
        return parse(None if args is None else integer_before_trial(args), namespace)

    parser.parse_known_args = parse_known_args  # type: ignore[method-assign]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The per-outcome options of every command that takes a trial or a table."""
    parser.add_argument("--direction", type=directions, action="append", default=[],
                        metavar="OUTCOME=lower|higher", help="which direction is better for "
                        "patients, per outcome (label or id), e.g. pain=lower,rom=higher")
    parser.add_argument("--scale", type=scales, action="append", default=[],
                        metavar="[OUTCOME=]LO-HI", help="the scale of every outcome (0-10) "
                        "or of some (pain=0-10,disability=0-50)")
    parser.add_argument("--integer", type=integers, nargs="?", const=[ALL], action="append",
                        default=[], metavar="OUTCOME,...", help="responses are whole numbers "
                        "(enables GRIM): for the outcomes named, or for all without a name "
                        "(before or after the trial)")
    parser.add_argument("--change", type=changes, action="append", default=[],
                        metavar="[OUTCOME=]baseline_minus_followup", help="for a table file: "
                        "its change rows print baseline minus follow-up (a fall as a positive "
                        "number), for every outcome or the ones named; they are negated at "
                        "load (default followup_minus_baseline)")
    parser.add_argument("--reported", default=None, metavar="FILE",
                        help="the paper's statements in the reported.csv format, to check")
    _with_integer_rule(parser)


def outcome_options(args: argparse.Namespace) -> dict[str, dict[str, Any]]:
    """The options as ``{outcome name or ALL: {"direction", "lower", "upper", "integer"}}``."""
    spec: dict[str, dict[str, Any]] = {}

    def put(name: str, key: str, value: Any, option: str) -> None:
        entry = spec.setdefault(name, {})
        if key in entry and entry[key] != value:
            raise TrialDataError(f"{option} gives {name!r} twice, differently",
                                 field=option)
        entry[key] = value

    for name, direction in _flat(getattr(args, "direction", [])):
        put(name, "direction", direction, "--direction")
    for name, (lo, hi) in _flat(getattr(args, "scale", [])):
        put(name, "lower", lo, "--scale")
        put(name, "upper", hi, "--scale")
    for name in _flat(getattr(args, "integer", [])):
        put(name, "integer", True, "--integer")
    for name, change in _flat(getattr(args, "change", [])):
        put(name, "change", change, "--change")
    return spec


def _flat(groups: Iterable[Sequence[Any]] | None) -> list[Any]:
    return [item for group in groups or [] for item in group]


def _match(name: str, outcomes: Sequence[tuple[str, str]], option: str, where: str,
           by_id: bool = False) -> str:
    """The id of the outcome ``name`` refers to (by id or label, case aside)."""
    from trialkit.tables import slug

    key = name.strip().lower()
    for oid, label in outcomes:
        if key in (oid.lower(), label.lower()):
            return oid
    try:
        key_slug = slug(name)
    except TrialDataError:
        key_slug = ""
    for oid, _label in outcomes:
        if key_slug == oid:
            return oid
    names = [oid if by_id else label for oid, label in outcomes]
    raise TrialDataError(f"{option}: unknown outcome {name!r}; {where} has "
                         f"{', '.join(names)}")


def _by_outcome(spec: dict[str, dict[str, Any]], outcomes: Sequence[tuple[str, str]],
                where: str, by_id: bool = False) -> dict[str, dict[str, Any]]:
    """Spread the options over the outcomes (ALL first, then each named one)."""
    out: dict[str, dict[str, Any]] = {oid: dict(spec.get(ALL, {})) for oid, _ in outcomes}
    for name, entry in spec.items():
        if name == ALL:
            continue
        option = ("--direction" if "direction" in entry else
                  "--scale" if "lower" in entry else
                  "--change" if "change" in entry else "--integer")
        out[_match(name, outcomes, option, where, by_id)].update(entry)
    return out


def table_outcomes_spec(path: Path, spec: dict[str, dict[str, Any]]
                        ) -> dict[str, dict[str, Any]]:
    """``from_table(outcomes=...)`` for a table file, keyed by the table's labels."""
    from trialkit.tables import slug, table_outcomes

    labels = table_outcomes(path)
    pairs = [(slug(label), label) for label in labels]
    per_id = _by_outcome(spec, pairs, path.name)
    return {label: dict(per_id[oid]) for oid, label in pairs}


def check_against_toml(trial: Trial, spec: dict[str, dict[str, Any]]) -> None:
    """Options given for a trial folder must agree with its trial.toml (which they cannot
    change: a trial folder says everything about itself)."""
    if any("change" in entry for entry in spec.values()):
        raise TrialDataError("--change describes a table file; a trial folder's summary.csv "
                             "stores change rows as follow-up minus baseline", field="--change")
    pairs = [(o.id, o.label) for o in trial.outcomes]
    for oid, entry in _by_outcome(spec, pairs, f"trial {trial.id!r}", by_id=True).items():
        for problem in _contradictions(trial.outcome(oid), entry):
            raise TrialDataError(f"{problem} (edit trial.toml to change it)",
                                 file=f"{trial.id}/trial.toml", field=f"outcome {oid}")


def _contradictions(outcome: Outcome, entry: dict[str, Any]) -> list[str]:
    found = []
    if "direction" in entry and entry["direction"] != outcome.direction:
        found.append(f"--direction {entry['direction']} contradicts "
                     f"{outcome.direction or 'no direction'}")
    if "lower" in entry and (entry["lower"], entry["upper"]) != (outcome.lower, outcome.upper):
        told = (f"the scale {outcome.lower:g}-{outcome.upper:g}"
                if outcome.lower is not None and outcome.upper is not None else
                "no scale" if outcome.lower is None and outcome.upper is None else
                f"the scale {outcome.scale}")
        found.append(f"--scale {entry['lower']:g}-{entry['upper']:g} contradicts {told}")
    if entry.get("integer") and not outcome.integer:
        found.append("--integer contradicts integer = false")
    return found


def with_reported(trial: Trial, path: str) -> Trial:
    """The same trial with its reported statements read from ``path`` (replacing its own)."""
    from trialkit.io import read_reported
    from trialkit.trial import Trial

    file = Path(path)
    if not file.is_file():
        raise TrialDataError("no such file", file=str(file), field="--reported")
    reported = read_reported(file, trial.meta)
    return Trial(trial.meta, trial.summary, ipd=trial.ipd, patients=trial.patients,
                 reported=reported, changes=trial.changes, path=trial.path)
