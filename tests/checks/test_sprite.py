"""SPRITE: documented examples, impossible cases, determinism, brute force and plotting."""

from __future__ import annotations

import itertools
import random
from fractions import Fraction

import numpy as np
import pytest
from checks_reference import round_fraction, round_sqrt

from trialkit import TrialDataError
from trialkit.checks import SpriteResult, plot_sprite, sprite


@pytest.fixture
def mpl_agg():
    """matplotlib on the Agg backend; figures closed afterwards."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    yield plt
    plt.close("all")


def _reproduces(sample: np.ndarray, mean: str, sd: str, n: int, lo: float, hi: float,
                items: int = 1) -> bool:
    """Exact check that a sample's mean and SD round to the printed ones (up or down)."""
    k = [round(v * items) for v in sample]
    assert all(abs(v * items - round(v * items)) < 1e-9 for v in sample)
    K, Q = sum(k), sum(v * v for v in k)
    dm = len(mean.split(".")[1]) if "." in mean else 0
    ds = len(sd.split(".")[1]) if "." in sd else 0
    xm = round(Fraction(mean) * 10**dm)
    xs = round(Fraction(sd) * 10**ds)
    var = Fraction(n * Q - K * K, n * (n - 1) * items * items)
    return (len(k) == n and min(sample) >= lo and max(sample) <= hi
            and xm in round_fraction(Fraction(K, n * items), dm, "up_or_down")
            and xs in round_sqrt(var, ds, "up_or_down"))


@pytest.mark.parametrize(("args", "items"), [
    # rsprite2 README "Simple example": mean 2.2, SD 1.3, 20 responses on 1-5; and to two
    # decimals "2.20" and "1.32".
    (("2.2", "1.3", 20, 1, 5), 1),
    (("2.20", "1.32", 20, 1, 5), 1),
    # rsprite2 README "Multi-item scales": mean 1.95, SD 1.55, n 20, 1-5, three items.
    (("1.95", "1.55", 20, 1, 5), 3),
    # scrutiny R/grimmer.R example: 3.10, 1.37, n = 10 from c(1,1,2,3,3,4,4,4,4,5).
    (("3.10", "1.37", 10, 1, 5), 1),
])
def test_documented_examples_are_reproduced(args, items):
    res = sprite(*args, items=items, n_samples=4, seed=3)
    assert isinstance(res, SpriteResult)
    assert res.status == "found" and res.found
    assert 1 <= len(res.samples) <= 4
    assert len({tuple(s) for s in res.samples}) == len(res.samples)
    for s in res.samples:
        assert _reproduces(s, args[0], args[1], args[2], args[3], args[4], items)


@pytest.mark.parametrize(("args", "word"), [
    # rsprite2 tests (test-reconstruction-audit.R): set_parameters(8, 1, 20, 1, 7) errors
    # with "mean is outside" the scale.
    (("8", "1", 20, 1, 7), "outside"),
    # rsprite2 GRIM_test(5.19, 28) FALSE (set_parameters(5.19, 1, 28, 1, 7) needs
    # dont_test = TRUE to be accepted).
    (("5.19", "1", 28, 1, 7), "GRIM"),
    # rsprite2 GRIMMER_test(3.44, 2.47, 18) FALSE.
    (("3.44", "2.47", 18, 1, 7), "parity"),
    # the example: 0-10, mean 1.0, SD 4.0, n = 10 (largest possible SD 3.16)
    (("1.0", "4.0", 10, 0, 10), "larger"),
])
def test_impossible_cases(args, word):
    res = sprite(*args)
    assert res.status == "impossible" and not res.samples
    assert word in res.reason


def test_same_seed_same_samples_and_generator_isolated():
    state = np.random.get_state()[1].copy()  # noqa: NPY002 (the legacy global RNG)
    a = sprite("2.20", "1.32", 20, 1, 5, n_samples=5, seed=11)
    b = sprite("2.20", "1.32", 20, 1, 5, n_samples=5, seed=11)
    assert [tuple(s) for s in a.samples] == [tuple(s) for s in b.samples]
    assert np.array_equal(np.random.get_state()[1], state)  # noqa: NPY002


def test_brute_force_every_possible_pair_is_found():
    # n = 6 on 1-5: enumerate every multiset, take 40 achievable (mean, SD) pairs at random
    # (seeded), and SPRITE must find a sample for each.
    n = 6
    pairs = set()
    for ms in itertools.combinations_with_replacement(range(1, 6), n):
        mean = f"{np.mean(ms):.2f}"
        sd = f"{np.std(ms, ddof=1):.2f}"
        pairs.add((mean, sd))
    chosen = random.Random(5).sample(sorted(pairs), 40)
    for mean, sd in chosen:
        res = sprite(mean, sd, n, 1, 5, n_samples=1, seed=0)
        assert res.status == "found", (mean, sd, res.reason)
        assert _reproduces(res.samples[0], mean, sd, n, 1, 5)


def test_none_found_is_not_called_impossible():
    # mean 3.00 and SD 2.16 with n = 4 on 1-5: GRIM, GRIMMER and the SD bounds all pass
    # (0, 3, 4, 5 has total 12 and squares 50, exactly SD 2.16), but 0 is off the scale and
    # no four values on 1-5 have that total and sum of squares (enumerated here), so no
    # sample exists; SPRITE can only say that it found none.
    found = [ms for ms in itertools.combinations_with_replacement(range(1, 6), 4)
             if f"{np.mean(ms):.2f}" == "3.00" and f"{np.std(ms, ddof=1):.2f}" == "2.16"]
    assert found == []
    assert f"{np.std([0, 3, 4, 5], ddof=1):.2f}" == "2.16"
    res = sprite("3.00", "2.16", 4, 1, 5, max_iter=3000)
    assert res.status == "none_found"
    assert "does not prove" in res.reason


def test_to_frame_and_summary():
    res = sprite("2.20", "1.32", 20, 1, 5, n_samples=2, seed=1)
    frame = res.to_frame()
    assert list(frame.columns) == ["sample", "value"] and len(frame) == 40
    summ = res.summary()
    assert (summ["mean"].round(2) == 2.2).all() and (summ["sd"].round(2) == 1.32).all()


def test_plot_sprite_returns_figure_and_axes_without_global_changes(mpl_agg):
    import matplotlib

    before = dict(matplotlib.rcParams)
    res = sprite("2.20", "1.32", 20, 1, 5, n_samples=3, seed=1)
    fig = plot_sprite(res)
    assert len([a for a in fig.axes if a.get_visible()]) == 3
    heights = sum(p.get_height() for p in fig.axes[0].patches)
    assert heights == 20  # one bar per scale value, counts add up to n
    _fig, ax = mpl_agg.subplots()
    assert plot_sprite(res, ax=ax) is ax
    assert len(ax.patches) == 3 * 5
    assert dict(matplotlib.rcParams) == before
    empty = plot_sprite(sprite("8", "1", 20, 1, 7))
    assert "impossible" in empty.axes[0].texts[0].get_text()


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"n_samples": 0}, "n_samples"),
    ({"max_iter": 0}, "max_iter"),
    ({"seed": 1.5}, "seed"),
])
def test_bad_input(kwargs, field):
    with pytest.raises(TrialDataError) as err:
        sprite("2.20", "1.32", 20, 1, 5, **kwargs)
    assert err.value.field == field
    with pytest.raises(TrialDataError):
        plot_sprite("not a result")
