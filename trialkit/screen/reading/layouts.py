"""The layouts R users already have, turned into the long layout.

- simdistr (Sousa-Pinto et al. 2019, ``sim_distr``): nine columns trial, variable, group,
  participants, mean (a proportion for categorical rows), sd, decimals (of the mean or
  proportion), type (1 continuous, 2 categorical), name.
- reappraised (Bolland & Gamble, ``load_clean(pval_cont = "yes")``): wide rows study, var,
  n1..nk, m1..mk, s1..sk and an optional reported p (separators such as ``n_1`` or ``n.1``
  allowed); or its long form study, var, group, n, m, s, p.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from trialkit.errors import ErrorCollector, TrialDataError
from trialkit.screen.reading import _parse as P

SIMDISTR = ("trial", "variable", "group", "participants", "mean", "sd", "decimals", "type",
            "name")
_SIMDISTR_FIELDS = {"trial": "name", "arm": "group", "n": "participants", "kind": "type",
                    "mean_decimals": "decimals", "percent": "mean"}
_WIDE = re.compile(r"^([nms])_?([0-9]+)$")


def is_simdistr(columns: list[str]) -> bool:
    """simdistr's layout: its nine column names (``trial`` and ``name`` both present)."""
    return {"participants", "decimals", "name", "type", "group"} <= set(columns)


def wide_groups(columns: list[str]) -> list[int]:
    """Group numbers of reappraised's wide columns (n1, m1, s1, n2, ...), sorted."""
    found = [_WIDE.match(c) for c in columns]
    return sorted({int(m.group(2)) for m in found if m})


def from_simdistr(frame: pd.DataFrame, where: P.Where) -> tuple[pd.DataFrame, P.Where]:
    """simdistr's nine columns as the long layout (trial named by ``name``)."""
    errors = ErrorCollector()
    frame = frame.reset_index(drop=True)
    name = P.as_text(frame["name"])
    number = P.as_text(frame["trial"])
    pairs = pd.DataFrame({"name": name, "number": number}).drop_duplicates()
    for col in ("name", "number"):
        clash = pairs[pairs.duplicated(col, keep=False)]
        for value in clash[col].unique():
            i = int(np.flatnonzero((name if col == "name" else number) == value)[0])
            where.error(errors, i, "name" if col == "name" else "trial",
                        f"trial {col} {value!r} goes with several trial "
                        f"{'numbers' if col == 'name' else 'names'}; each trial needs one "
                        f"name and one number")
    kind_text = P.as_text(frame["type"])
    bad = ~kind_text.isin(["1", "2"])
    for i in np.flatnonzero(bad.to_numpy()):
        where.error(errors, int(i), "type", f"expected 1 (continuous) or 2 (categorical), "
                    f"got {frame['type'].iloc[i]!r}")
    errors.raise_any()
    cat = (kind_text == "2").to_numpy()
    decimals = P.as_text(frame["decimals"])
    mean = frame["mean"].astype(object)
    out = pd.DataFrame({
        "trial": np.where(name != "", name, number), "variable": P.as_text(frame["variable"]),
        "arm": P.as_text(frame["group"]), "n": frame["participants"].astype(object),
        "kind": np.where(cat, "categorical", "continuous"),
        "mean": mean.where(~cat, ""), "sd": _as_numbers(frame["sd"]).where(~cat, ""),
        "mean_decimals": decimals.where(~cat, ""),
        "percent": [_percent(m, d) if c else "" for m, d, c in zip(mean, decimals, cat,
                                                                     strict=True)],
    })
    return out, P.Where(where.file, where.rows,
                        lambda field, i: _SIMDISTR_FIELDS.get(field, field))


def _as_numbers(values: pd.Series) -> pd.Series:
    """simdistr records no SD decimals (a CSV written by R drops trailing zeros): its SDs are
    read as numbers, with no printed text, so nothing is claimed about their decimals."""
    def one(v: object) -> object:
        if isinstance(v, str) and P._PLAIN.match(v.strip()):
            return float(v)
        return v

    return values.astype(object).map(one)


def _percent(proportion: object, decimals: str) -> object:
    """A proportion printed with ``decimals`` as a percentage: text with decimals - 2 when
    those are known (0.50 -> "50"), else the number (its printed precision is coarser than
    a whole percent, so no text is made up for it)."""
    try:
        value = float(proportion)  # type: ignore[arg-type]
        d = int(decimals)
    except (TypeError, ValueError):
        return proportion
    if not np.isfinite(value):
        return proportion
    return f"{value * 100:.{d - 2}f}" if d >= 2 else value * 100


def from_reappraised_wide(frame: pd.DataFrame,
                          where: P.Where) -> tuple[pd.DataFrame, P.Where]:
    """reappraised's wide rows (one per study x variable) as one long row per group."""
    frame = frame.reset_index(drop=True)
    cols = {}
    for c in frame.columns:
        m = _WIDE.match(c)
        if m:
            cols[(m.group(1), int(m.group(2)))] = c
    groups = sorted({g for _, g in cols})
    errors = ErrorCollector()
    for g in groups:
        for letter in "nms":
            if (letter, g) not in cols:
                raise TrialDataError(f"column {letter}{g} is missing: every group needs n, m "
                                     f"and s columns", file=where.file)
    pieces, sources, field_of = [], [], []
    for g in groups:
        n, m, s = (frame[cols[(k, g)]] for k in "nms")
        given = ~(P.is_missing(n) & P.is_missing(m) & P.is_missing(s))
        idx = np.flatnonzero(given)
        piece = pd.DataFrame({
            "trial": P.as_text(frame["trial"])[idx].to_numpy(),
            "variable": P.as_text(frame["variable"])[idx].to_numpy(),
            "arm": str(g), "n": n.to_numpy(object)[idx], "mean": m.to_numpy(object)[idx],
            "sd": s.to_numpy(object)[idx], "kind": "continuous",
            "reported_p": (frame["reported_p"].to_numpy(object)[idx]
                           if "reported_p" in frame.columns else ""),
        })
        pieces.append(piece)
        sources.append(idx)
        field_of.append(np.full(len(idx), g))
    errors.raise_any()
    order_src = np.concatenate(sources) if sources else np.zeros(0, int)
    group_of = np.concatenate(field_of) if field_of else np.zeros(0, int)
    out = pd.concat(pieces, ignore_index=True) if pieces else pd.DataFrame(
        columns=["trial", "variable", "arm", "n", "mean", "sd", "kind", "reported_p"])
    order = np.lexsort((group_of, order_src))
    out = out.iloc[order].reset_index(drop=True)
    rows, group_of = where.rows[order_src[order]], group_of[order]
    letters = {"n": "n", "mean": "m", "sd": "s", "reported_p": "p"}

    def field(name: str, i: int) -> str:
        if name in ("n", "mean", "sd"):
            return f"{letters[name]}{group_of[i]}"
        return {"trial": "study", "variable": "var", "reported_p": "p"}.get(name, name)

    return out, P.Where(where.file, rows, field)
