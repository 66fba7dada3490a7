"""The long layout: one row per trial x variable x arm (x timepoint)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from trialkit.cells import parse_cell
from trialkit.errors import ErrorCollector, TrialDataError
from trialkit.screen._rows import EXTRA_COLUMNS, KINDS, ROW_KEYS, ROWS_COLUMNS
from trialkit.screen.reading import _parse as P

#: Header spellings read as the long layout's columns (after lower-casing and turning
#: spaces, dots and dashes into underscores).
ALIASES = {
    "study": "trial", "trial_id": "trial", "var": "variable", "group": "arm", "grp": "arm",
    "p": "reported_p", "p_value": "reported_p", "pvalue": "reported_p",
    "mean_sd": "mean_sd", "mean_(sd)": "mean_sd", "mean_(sd_)": "mean_sd",
    "mean_±_sd": "mean_sd", "cell": "mean_sd", "type": "kind", "n_items": "items",
    "min_scale": "scale_min", "max_scale": "scale_max", "pct": "percent", "%": "percent",
}
REQUIRED = ("trial", "variable", "arm", "n")
KNOWN = frozenset({*REQUIRED, "mean", "sd", "mean_sd", "kind", "count", "percent",
                   "reported_p", "timepoint", "integer", "items", "scale_min", "scale_max",
                   "mean_decimals", "sd_decimals"})
_P_TEXT = re.compile(r"^(?:[<>≤≥]=?|=)\s*(?:0?\.[0-9]+|1(?:\.0*)?|0)$|^n\.?s\.?$", re.I)


def normalise_header(name: object, *, aliases: bool = True) -> str:
    """A header as the reader compares it: "Mean (SD)" -> "mean_(sd)" -> "mean_sd"."""
    text = re.sub(r"[\s.\-]+", "_", str(name).strip().lower()).strip("_")
    return ALIASES.get(text, text) if aliases else text


def parse_long(frame: pd.DataFrame, where: P.Where) -> pd.DataFrame:
    """The rows frame of a long-layout table whose headers are already normalised.

    Every bad cell is collected; one :class:`~trialkit.errors.TrialDataError` names them all.
    """
    errors = ErrorCollector()
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise TrialDataError(f"missing column{'s' if len(missing) > 1 else ''} "
                             f"{', '.join(missing)}; a screening table needs trial, variable, "
                             f"arm, n and mean, sd (or a 'mean (SD)' cell) or count/percent",
                             file=where.file)
    frame = frame.reset_index(drop=True)
    length = len(frame)
    col = {c: frame[c] if c in frame.columns else None for c in KNOWN}
    keys = {k: P.as_text(col[k], length) for k in ("trial", "variable", "arm", "timepoint")}
    for k in ("trial", "variable", "arm"):
        for i in np.flatnonzero((keys[k] == "").to_numpy()):
            where.error(errors, int(i), k, f"expected the {k}'s name, got an empty cell")
    mean_col, sd_col = _split_cells(col["mean_sd"], col["mean"], col["sd"], length, where,
                                    errors)
    mean, mean_text, mean_dec = P.numbers(mean_col, "mean", where, errors, length=length)
    sd, sd_text, sd_dec = P.numbers(sd_col, "sd", where, errors, length=length)
    count, _, _ = P.numbers(col["count"], "count", where, errors, length=length)
    percent, percent_text, percent_dec = P.numbers(col["percent"], "percent", where, errors,
                                                   length=length)
    kind = _kinds(col["kind"], mean, count, percent, where, errors)
    cont = kind == "continuous"
    n = P.counts(col["n"], "n", where, errors, required=True, length=length)
    _check_continuous(cont, P.is_missing(mean_col, length), P.is_missing(sd_col, length), sd,
                      count, percent, where, errors)
    _check_categorical(~cont, n, mean, sd, count, percent, where, errors)
    mean_dec = _override_decimals(col["mean_decimals"], mean, mean_text, mean_dec, "mean",
                                  where, errors)
    sd_dec = _override_decimals(col["sd_decimals"], sd, sd_text, sd_dec, "sd", where, errors)
    reported, reported_text = _reported_p(col["reported_p"], length, where, errors)
    integer = P.flags(col["integer"], "integer", where, errors, length=length)
    items = P.counts(col["items"], "items", where, errors, length=length)
    lo, _, _ = P.numbers(col["scale_min"], "scale_min", where, errors, length=length)
    hi, _, _ = P.numbers(col["scale_max"], "scale_max", where, errors, length=length)
    for i in np.flatnonzero(np.isfinite(lo) != np.isfinite(hi)):
        where.error(errors, int(i), "scale_min" if np.isnan(lo[i]) else "scale_max",
                    "give both ends of the scale (scale_min and scale_max) or neither")
    for i in np.flatnonzero(np.isfinite(lo) & np.isfinite(hi) & ~(lo < hi)):
        where.error(errors, int(i), "scale_max", f"the scale's upper end ({hi[i]:g}) must "
                    f"be above its lower end ({lo[i]:g})")
    rows = pd.DataFrame({
        **keys, "kind": kind, "n": np.nan_to_num(n, nan=0).astype(np.int64),
        "mean": mean, "sd": sd, "mean_text": mean_text.astype(str),
        "sd_text": sd_text.astype(str), "mean_decimals": mean_dec, "sd_decimals": sd_dec,
        "count": count, "percent": percent, "reported_p": reported,
        "file": where.file, "row": where.rows.astype(np.int64),
        "percent_text": percent_text.astype(str), "percent_decimals": percent_dec,
        "reported_p_text": reported_text, "integer": integer,
        "items": np.nan_to_num(items, nan=1).astype(np.int64),
        "scale_min": lo, "scale_max": hi,
    })
    _check_duplicates(rows, where, errors)
    _share_reported_p(rows, where, errors)
    errors.raise_any()
    return rows[list(ROWS_COLUMNS) + list(EXTRA_COLUMNS)]


def _split_cells(cells: pd.Series | None, mean: pd.Series | None, sd: pd.Series | None,
                 length: int, where: P.Where,
                 errors: ErrorCollector) -> tuple[pd.Series | None, pd.Series | None]:
    """Mean and SD columns, with printed "mean (SD)" cells (a ``mean_sd`` column, or a
    ``mean`` cell with brackets or ± and no SD) split by :func:`trialkit.cells.parse_cell`."""
    cell_text = P.as_text(cells, length)
    mean_text = P.as_text(mean, length)
    sd_text = P.as_text(sd, length)
    use = ((cell_text != "") | ((sd_text == "")
                                & mean_text.str.contains(r"[(\[±+]", regex=True))).to_numpy()
    if not use.any():
        return mean, sd
    mean_out = (mean if mean is not None else pd.Series([""] * length)).astype(object)
    mean_out = mean_out.reset_index(drop=True).copy()
    sd_out = (sd if sd is not None else pd.Series([""] * length)).astype(object)
    sd_out = sd_out.reset_index(drop=True).copy()
    for i in np.flatnonzero(use):
        text, name = (cell_text[i], "mean_sd") if cell_text[i] else (mean_text[i], "mean")
        if cell_text[i] and (mean_text[i] or sd_text[i]):
            where.error(errors, int(i), name, "give either a 'mean (SD)' cell or mean and "
                        "sd columns, not both")
            continue
        try:
            parsed = parse_cell(text, "sd")
        except TrialDataError as exc:
            where.error(errors, int(i), name, exc.reason)
            mean_out[i], sd_out[i] = "0", "0"  # reported above; not reported twice
            continue
        mean_out[i], sd_out[i] = str(parsed["mean_text"]), str(parsed["sd_text"])
    return mean_out, sd_out


def _kinds(values: pd.Series | None, mean: np.ndarray, count: np.ndarray,
           percent: np.ndarray, where: P.Where, errors: ErrorCollector) -> np.ndarray:
    """``kind`` as given, or categorical where only count/percent are given."""
    text = P.as_text(values, len(mean)).str.lower().to_numpy(object)
    guess = np.where(np.isnan(mean) & (np.isfinite(count) | np.isfinite(percent)),
                     "categorical", "continuous")
    out = np.where(text == "", guess, text).astype(object)
    for i in np.flatnonzero(~np.isin(out, KINDS)):
        where.error(errors, int(i), "kind",
                    f"expected continuous or categorical, got {text[i]!r}")
        out[i] = guess[i]
    return out


def _check_continuous(cont: np.ndarray, no_mean: np.ndarray, no_sd: np.ndarray,
                      sd: np.ndarray, count: np.ndarray, percent: np.ndarray, where: P.Where,
                      errors: ErrorCollector) -> None:
    for i in np.flatnonzero(cont & no_mean):
        where.error(errors, int(i), "mean", "a continuous row needs a mean (and SD), got an "
                    "empty cell")
    for i in np.flatnonzero(cont & no_sd & ~no_mean):
        where.error(errors, int(i), "sd", "a continuous row needs an SD, got an empty cell")
    for i in np.flatnonzero(cont & (sd < 0)):
        where.error(errors, int(i), "sd", f"an SD cannot be negative, got {sd[i]:g}")
    for name, values in (("count", count), ("percent", percent)):
        for i in np.flatnonzero(cont & np.isfinite(values)):
            where.error(errors, int(i), name, f"a continuous row has no {name}; mark the row "
                        "kind = categorical")


def _check_categorical(cat: np.ndarray, n: np.ndarray, mean: np.ndarray, sd: np.ndarray,
                       count: np.ndarray, percent: np.ndarray, where: P.Where,
                       errors: ErrorCollector) -> None:
    for i in np.flatnonzero(cat & np.isnan(count) & np.isnan(percent)):
        where.error(errors, int(i), "count", "a categorical row needs a count or a percent, "
                    "got empty cells")
    bad_count = cat & np.isfinite(count) & ((count < 0) | (count != np.round(count))
                                            | (count > np.nan_to_num(n, nan=np.inf)))
    for i in np.flatnonzero(bad_count):
        where.error(errors, int(i), "count", f"expected a whole number from 0 to n = "
                    f"{n[i]:g}, got {count[i]:g}")
    for i in np.flatnonzero(cat & ((percent < 0) | (percent > 100))):
        where.error(errors, int(i), "percent", f"expected a percentage from 0 to 100, got "
                    f"{percent[i]:g}")
    for name, values in (("mean", mean), ("sd", sd)):
        for i in np.flatnonzero(cat & np.isfinite(values)):
            where.error(errors, int(i), name, f"a categorical row has no {name}; give count "
                        "or percent")


def _override_decimals(values: pd.Series | None, number: np.ndarray, text: np.ndarray,
                       decimals: np.ndarray, name: str, where: P.Where,
                       errors: ErrorCollector) -> np.ndarray:
    """A ``mean_decimals``/``sd_decimals`` column: the printed decimals where the text lost
    trailing zeros ("0.5" exported from "0.50"; the text is padded to match) or where the
    numbers came without text (the text is the number written with those decimals)."""
    if values is None:
        return decimals
    # -1 is the rows frame's own "not known" (trialkit.screen._rows): a rows frame written
    # out and read back means what it meant
    unknown = P.as_text(values, len(values)).str.strip().isin(["-1", "-1.0"]).to_numpy()
    given = P.counts(values.mask(unknown), f"{name}_decimals", where, errors, minimum=0)
    out = decimals.copy()
    for i in np.flatnonzero(np.isfinite(given)):
        d = int(given[i])
        if text[i] and 0 <= decimals[i] and decimals[i] > d:
            where.error(errors, int(i), f"{name}_decimals", f"the {name} is printed "
                        f"{text[i]!r}, with more than {d} decimals")
            continue
        if text[i] and 0 <= decimals[i] < d:
            text[i] = text[i] + ("" if "." in text[i] else ".") + "0" * (d - decimals[i])
        elif not text[i] and np.isfinite(number[i]):
            written = f"{number[i]:.{d}f}"
            if abs(float(written) - number[i]) > 1e-9 * max(1.0, abs(number[i])):
                where.error(errors, int(i), f"{name}_decimals", f"the {name} {number[i]!r} "
                            f"has more than {d} decimals")
                continue
            text[i] = written
        out[i] = d
    return out


def _reported_p(values: pd.Series | None, length: int, where: P.Where,
                errors: ErrorCollector) -> tuple[np.ndarray, np.ndarray]:
    """Reported p values: a number in [0, 1] (kept as text and number) or an inequality /
    "ns" (kept as text; the number is NaN because none was printed)."""
    if values is None:
        return np.full(length, np.nan), np.full(length, "", dtype=object).astype(str)
    series = P.as_text(values, length)
    text = series.to_numpy(object)
    plain = series.str.fullmatch(P._PLAIN_PATTERN).to_numpy(bool)
    number, _, _ = P.numbers(series.where(plain, ""), "reported_p", where, errors)
    for i in np.flatnonzero(plain & ((number < 0) | (number > 1))):
        where.error(errors, int(i), "reported_p", f"expected a p value from 0 to 1, got "
                    f"{text[i]!r}")
    for i in np.flatnonzero(~plain & (text != "")):
        if not _P_TEXT.match(text[i].replace(" ", "")):
            where.error(errors, int(i), "reported_p", f"expected a p value ('0.04', "
                        f"'<0.001' or 'ns'), got {text[i]!r}")
    return number, text.astype(str)


def _share_reported_p(rows: pd.DataFrame, where: P.Where, errors: ErrorCollector) -> None:
    """A variable's reported p printed on one arm's row only (as reappraised's long sheets
    do) is the variable's: copied to its other arms. Two different p values for one variable
    are an error."""
    given = rows["reported_p_text"] != ""
    if not given.any():
        return
    keys = ["trial", "variable", "timepoint"]
    texts = rows[given].groupby(keys, sort=False)["reported_p_text"]
    clash = texts.nunique()
    for key in clash[clash > 1].index:
        sel = np.flatnonzero(given.to_numpy() & (rows[keys].apply(tuple, axis=1)
                                                 == key).to_numpy())
        where.error(errors, int(sel[1]), "reported_p", f"variable {key[1]!r} of trial "
                    f"{key[0]!r} has two reported p values "
                    f"({rows['reported_p_text'].iloc[sel[0]]!r} in row "
                    f"{int(where.rows[sel[0]])}, {rows['reported_p_text'].iloc[sel[1]]!r})")
    if given.all():
        return
    first = rows[given].drop_duplicates(keys)[[*keys, "reported_p", "reported_p_text"]]
    filled = rows[keys].merge(first, on=keys, how="left")
    missing = ~given.to_numpy() & filled["reported_p_text"].notna().to_numpy()
    rows.loc[missing, "reported_p"] = filled.loc[missing, "reported_p"].to_numpy()
    rows.loc[missing, "reported_p_text"] = filled.loc[missing, "reported_p_text"].to_numpy()


def _check_duplicates(rows: pd.DataFrame, where: P.Where, errors: ErrorCollector) -> None:
    dup = rows.duplicated(list(ROW_KEYS), keep=False).to_numpy()
    if not dup.any():
        return
    first: dict[tuple[str, ...], int] = {}
    for i in np.flatnonzero(dup):
        key = tuple(rows.loc[i, list(ROW_KEYS)])
        if key in first:
            where.error(errors, int(i), "arm", f"trial {key[0]!r}, variable {key[1]!r}, arm "
                        f"{key[2]!r}" + (f", timepoint {key[3]!r}" if key[3] else "")
                        + f" is already given in row {int(where.rows[first[key]])}")
        else:
            first[key] = int(i)
