"""SPRITE: find whole-number samples that reproduce a reported mean and SD."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from trialkit.checks import _numbers as num
from trialkit.checks import _texts as txt
from trialkit.checks.bounds import check_sd_bounds
from trialkit.checks.grim import grim_core
from trialkit.checks.grimmer import grimmer
from trialkit.errors import TrialDataError

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["SpriteResult", "plot_sprite", "sprite"]

STATUSES = ("found", "none_found", "impossible")


@dataclass(frozen=True)
class SpriteResult:
    """What :func:`sprite` found.

    Attributes
    ----------
    status : {"found", "none_found", "impossible"}
        ``"found"``: at least one sample reproduces the mean and SD; ``"none_found"``: the
        quick checks pass but the search found no sample within ``max_iter`` steps (which
        does not prove that none exists); ``"impossible"``: GRIM, GRIMMER or the scale's SD
        bounds show that no sample exists.
    samples : tuple of numpy arrays
        Distinct samples (sorted values on the reported scale), at most ``n_samples``.
    reason : str
        One sentence saying what was found and why.
    mean, sd : str
        The reported values as given.
    n, lo, hi, items, rounding, seed, iterations
        The inputs and the number of search steps used.
    """

    status: str
    samples: tuple[np.ndarray, ...]
    reason: str
    mean: str
    sd: str
    n: int
    lo: float
    hi: float
    items: int
    rounding: str
    seed: int
    iterations: int
    method: str = "sprite/heathers2018/pairwise_moves/exact_integer_targets"
    _frame: Any = field(default=None, repr=False, compare=False)

    @property
    def found(self) -> bool:
        """True when at least one sample was found."""
        return self.status == "found"

    def to_frame(self) -> pd.DataFrame:
        """The samples in long form: columns ``sample`` (1, 2, ...), ``value``."""
        rows = [(i + 1, float(v)) for i, s in enumerate(self.samples) for v in s]
        return pd.DataFrame(rows, columns=["sample", "value"])

    def summary(self) -> pd.DataFrame:
        """One row per sample: its exact mean and SD, which round to the reported ones."""
        data = [{"sample": i + 1, "n": len(s), "mean": float(np.mean(s)),
                 "sd": float(np.std(s, ddof=1))} for i, s in enumerate(self.samples)]
        return pd.DataFrame(data, columns=["sample", "n", "mean", "sd"])


def _scalar_text(value: Any, name: str) -> str:
    rep = txt.parse_reported(value, name)
    if len(rep) != 1:
        raise TrialDataError("sprite takes one reported value, not a sequence", field=name)
    return str(rep.text[0]).strip()


def sprite(mean: Any, sd: Any, n: int, lo: float, hi: float, items: int = 1, *,
           n_samples: int = 5, seed: int = 0, max_iter: int = 50_000,
           rounding: str = "up_or_down") -> SpriteResult:
    """SPRITE: search for whole-number samples with the reported mean and SD.

    Sample Parameter Reconstruction via Iterative TEchniques (Heathers et al. 2018): start
    from a random sample of ``n`` values on the scale with a total that gives the reported
    mean, then repeatedly move one value down and another up by one unit (keeping the mean)
    so that the SD moves towards the reported one, until the SD rounds to it. Moves are
    chosen at random among those that do not overshoot the target, with restarts from new
    random samples; the target sums of squares are computed exactly, so a returned sample's
    mean and SD round to the reported values. Before searching, GRIM, GRIMMER and the SD
    bounds of the scale are checked: if they fail, no sample can exist and the result says
    so.

    Parameters
    ----------
    mean, sd : str
        The reported mean and SD as printed.
    n : int
        Sample size (>= 2).
    lo, hi : float
        The scale's bounds (whole numbers, or multiples of ``1 / items``).
    items : int, default 1
        Integer items averaged into each response.
    n_samples : int, default 5
        How many distinct samples to look for.
    seed : int, default 0
        Seed of the numpy random Generator: the same seed gives the same samples.
    max_iter : int, default 50000
        Total number of search steps (moves and restarts) allowed.
    rounding : str, default "up_or_down"
        Rounding scheme of the reported numbers (see :func:`trialkit.checks.grim`).

    Returns
    -------
    SpriteResult
        ``status`` ("found", "none_found" or "impossible"), ``samples`` (sorted arrays on
        the reported scale), ``reason`` and the inputs; ``to_frame()`` gives the samples in
        long form and :func:`plot_sprite` draws them.

    Raises
    ------
    TrialDataError
        For unreadable numbers, n < 2, a scale with lo >= hi, or n_samples / max_iter < 1.

    References
    ----------
    Heathers, J. A., Anaya, J., van der Zee, T., & Brown, N. J. L. (2018). Recovering data
    from summary statistics: Sample Parameter Reconstruction via Iterative TEchniques
    (SPRITE). PeerJ Preprints 6:e26968v1. https://doi.org/10.7287/peerj.preprints.26968v1

    Examples
    --------
    >>> from trialkit.checks import sprite
    >>> res = sprite("2.20", "1.32", 20, 1, 5, n_samples=3, seed=1)
    >>> res.status, len(res.samples)
    ('found', 3)
    >>> res.summary()[["mean", "sd"]].round(2).drop_duplicates().values.tolist()
    [[2.2, 1.32]]
    >>> sprite("5.19", "1.00", 28, 1, 7).status
    'impossible'
    """
    rounding = num.check_rounding(rounding)
    mean_t, sd_t = _scalar_text(mean, "mean"), _scalar_text(sd, "sd")
    n_i = int(num.as_int_array(n, "n", 2, why="an SD needs at least two values")[0][0])
    items_i = int(num.as_int_array(items, "items", 1)[0][0])
    for name, value in (("n_samples", n_samples), ("max_iter", max_iter)):
        if not isinstance(value, int | np.integer) or isinstance(value, bool) or value < 1:
            raise TrialDataError(f"must be a whole number >= 1, got {value!r}", field=name)
    if not isinstance(seed, int | np.integer) or isinstance(seed, bool):
        raise TrialDataError(f"must be an integer, got {seed!r}", field="seed")
    common = {"mean": mean_t, "sd": sd_t, "n": n_i, "lo": float(lo), "hi": float(hi),
              "items": items_i, "rounding": rounding, "seed": int(seed)}
    bounds_res = check_sd_bounds(mean_t, sd_t, n_i, lo, hi, items_i, rounding=rounding)
    b = bounds_res.iloc[0]
    if not b["consistent"]:
        return SpriteResult("impossible", (), f"No sample can exist: {_why(b['reason'])}.",
                            iterations=0, **common)
    gm = grimmer(mean_t, sd_t, n_i, items_i, rounding=rounding).iloc[0]
    if not gm["consistent"]:
        return SpriteResult("impossible", (), f"No sample can exist: {_why(gm['reason'])}.",
                            iterations=0, **common)
    L = round(float(lo) * items_i)
    H = round(float(hi) * items_i)
    targets = _targets(mean_t, sd_t, n_i, items_i, L, H, rounding)
    if not targets:
        return SpriteResult("impossible", (), "No sample can exist: no total on the scale "
                            "gives this mean and SD.", iterations=0, **common)
    rng = np.random.default_rng(seed)
    found: dict[tuple[int, ...], None] = {}
    used = 0
    duplicates = 0
    while used < max_iter and len(found) < n_samples and duplicates < 20 * n_samples:
        K, q_lo, q_hi = targets[int(rng.integers(len(targets)))]
        sample, steps = _search(rng, n_i, L, H, K, q_lo, q_hi, max_iter - used)
        used += steps
        if sample is None:
            continue
        key = tuple(sample)
        if key in found:
            duplicates += 1
        else:
            found[key] = None
    samples = tuple(np.array(k, dtype=float) / items_i for k in found)
    if samples:
        more = "" if len(samples) == n_samples else (
            f" (fewer than the {n_samples} asked for: the search kept finding the same ones)")
        return SpriteResult("found", samples, f"Found {len(samples)} distinct sample(s) of "
                            f"{n_i} values on {float(lo):g}-{float(hi):g} with mean {mean_t} "
                            f"and SD {sd_t}{more}.", iterations=used, **common)
    return SpriteResult("none_found", (), f"No sample found in {used} search steps; GRIM, "
                        f"GRIMMER and the scale's SD bounds do not rule one out, so this does "
                        f"not prove that none exists.", iterations=used, **common)


def _why(reason: Any) -> str:
    text = str(reason)
    return text.split(": ", 1)[1] if ": " in text else text


def _targets(mean_t: str, sd_t: str, n: int, items: int, L: int, H: int,
             rounding: str) -> list[tuple[int, int, int]]:
    """Possible totals K on the scale and, for each, the exact window of sums of squares."""
    rep_m = txt.parse_reported(mean_t, "mean")
    rep_s = txt.parse_reported(sd_t, "sd")
    g = grim_core(rep_m.X, rep_m.d, np.array([n * items]), rounding)
    k_lo = max(int(g["s_min"][0]), n * L)
    k_hi = min(int(g["s_max"][0]), n * H)
    slo, shi, slc, shc = num.bounds(rep_s.X, rep_s.d, rounding)
    lo_v, lo_closed = (0, True) if int(slo[0]) < 0 else (int(slo[0]), bool(slc[0]))
    hi_v, hi_closed = int(shi[0]), bool(shc[0])
    D = (2 * 10 ** int(rep_s.d[0])) ** 2
    out = []
    ks = range(k_lo, k_hi + 1)
    if len(ks) > 2000:  # keep a spread of totals
        ks = sorted(set(np.linspace(k_lo, k_hi, 2000).round().astype(int).tolist()))
    for K in ks:
        a = K * K * D + n * (n - 1) * items * items * lo_v * lo_v
        b = K * K * D + n * (n - 1) * items * items * hi_v * hi_v
        nD = n * D
        q_lo = -((-a) // nD) if lo_closed else a // nD + 1
        q_hi = b // nD if hi_closed else -((-b) // nD) - 1
        if q_lo <= q_hi:
            out.append((K, q_lo, q_hi))
    return out


def _initial(rng: np.random.Generator, n: int, L: int, H: int, K: int) -> list[int]:
    v = rng.integers(L, H + 1, n)
    diff = K - int(v.sum())
    while diff != 0:
        room = np.flatnonzero(v < H) if diff > 0 else np.flatnonzero(v > L)
        k = min(abs(diff), room.size)
        pick = rng.choice(room, size=k, replace=False)
        v[pick] += 1 if diff > 0 else -1
        diff -= k if diff > 0 else -k
    return [int(x) for x in v]


def _search(rng: np.random.Generator, n: int, L: int, H: int, K: int, q_lo: int, q_hi: int,
            budget: int) -> tuple[list[int] | None, int]:
    """One SPRITE run from a random start: (sorted sample or None, steps used)."""
    width = H - L
    values = _initial(rng, n, L, H, K)
    counts = [0] * (width + 1)
    for x in values:
        counts[x - L] += 1
    Q = sum(x * x for x in values)
    steps = 1
    stall = 0
    limit = 50 * n + 200
    while steps < budget:
        if q_lo <= Q <= q_hi:
            return sorted(v for i, c in enumerate(counts) for v in [L + i] * c), steps
        steps += 1
        present = [i for i, c in enumerate(counts) if c]
        if Q < q_lo:  # spread: a -> a - 1, b -> b + 1 with b >= a
            lows = [i for i in present if i > 0]
            if not lows:
                return None, steps
            a = lows[int(rng.integers(len(lows)))]
            highs = [j for j in present if j >= a and j < width and (j > a or counts[j] > 1)]
            if not highs:
                stall += 1
                if stall > limit:
                    return None, steps
                continue
            fit = [j for j in highs if 2 * (j - a + 1) <= q_hi - Q]
            pool = fit if fit and rng.random() < 0.9 else highs
            b = pool[int(rng.integers(len(pool)))]
            counts[a] -= 1
            counts[a - 1] += 1
            counts[b] -= 1
            counts[b + 1] += 1
            Q += 2 * (b - a + 1)
        else:  # Q > q_hi, contract: a -> a + 1, b -> b - 1 with b >= a + 2
            lows = [i for i in present if i < width - 1]
            if not lows:
                return None, steps
            a = lows[int(rng.integers(len(lows)))]
            highs = [j for j in present if j >= a + 2]
            if not highs:
                stall += 1
                if stall > limit:
                    return None, steps
                continue
            fit = [j for j in highs if 2 * (j - a - 1) <= Q - q_lo]
            pool = fit if fit and rng.random() < 0.9 else highs
            b = pool[int(rng.integers(len(pool)))]
            counts[a] -= 1
            counts[a + 1] += 1
            counts[b] -= 1
            counts[b - 1] += 1
            Q -= 2 * (b - a - 1)
        stall += 1
        if stall > limit:
            return None, steps
    return None, steps


def plot_sprite(result: SpriteResult, ax: Axes | None = None) -> Figure | Axes:
    """Draw SPRITE samples as histograms (bar charts of the counts of each value).

    Parameters
    ----------
    result : SpriteResult
        The output of :func:`sprite`.
    ax : matplotlib Axes, optional
        Draw all samples on this Axes as side-by-side bars, and return it. Without ``ax``, a
        new Figure is made with one panel per sample (sharing both axes) and returned.

    Returns
    -------
    matplotlib Figure or Axes
        The Figure (no ``ax`` given) or the Axes drawn on. Global matplotlib settings
        (``rcParams``) are never changed.

    References
    ----------
    Heathers, J. A., Anaya, J., van der Zee, T., & Brown, N. J. L. (2018). SPRITE. PeerJ
    Preprints 6:e26968v1 (histograms of reconstructed samples, as in its figures).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from trialkit.checks import sprite, plot_sprite
    >>> fig = plot_sprite(sprite("2.20", "1.32", 20, 1, 5, n_samples=2, seed=1))
    >>> len(fig.axes)
    2
    """
    import matplotlib.pyplot as plt

    if not isinstance(result, SpriteResult):
        raise TrialDataError("expected the result of trialkit.checks.sprite()", field="result")
    step = 1.0 / result.items
    grid = np.round(np.arange(result.lo, result.hi + step / 2, step), 10)
    title = f"mean {result.mean}, SD {result.sd}, n = {result.n}"

    def counts(sample: np.ndarray) -> np.ndarray:
        idx = np.round((sample - result.lo) / step).astype(int)
        return np.bincount(idx, minlength=grid.size)

    if ax is not None:
        k = max(len(result.samples), 1)
        width = 0.8 * step / k
        for i, s in enumerate(result.samples):
            ax.bar(grid - 0.4 * step + (i + 0.5) * width, counts(s), width=width,
                   label=f"sample {i + 1}")
        ax.set_xlabel("value")
        ax.set_ylabel("count")
        ax.set_title(title if result.samples else f"{title}: {result.status}")
        if result.samples:
            ax.legend(frameon=False, fontsize="small")
        return ax
    k = max(len(result.samples), 1)
    ncols = min(k, 3)
    nrows = -(-k // ncols)
    fig, axes = plt.subplots(nrows, ncols, sharex=True, sharey=True, squeeze=False,
                             figsize=(3.2 * ncols, 2.4 * nrows))
    flat = axes.ravel()
    for i, panel in enumerate(flat):
        if i < len(result.samples):
            panel.bar(grid, counts(result.samples[i]), width=0.85 * step, color="#4477aa")
            panel.set_title(f"sample {i + 1}", fontsize="small")
        elif i > 0 or result.samples:
            panel.set_visible(False)
        else:
            panel.text(0.5, 0.5, f"{result.status}: no sample", ha="center", va="center",
                       transform=panel.transAxes)
    for panel in axes[-1]:
        panel.set_xlabel("value")
    for panel in axes[:, 0]:
        panel.set_ylabel("count")
    fig.suptitle(f"SPRITE: {title}")
    fig.tight_layout()
    return fig
