"""The same screening on a local dask.distributed cluster (2 worker processes) gives the
frames of the single-process run, exactly."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from trialkit.screen import screen


def _corpus(trials: int = 40, seed: int = 7) -> pd.DataFrame:
    """A small review-shaped corpus, as text (printed numbers), seeded."""
    rng = np.random.default_rng(seed)
    rows = []
    for t in range(trials):
        n = rng.integers(10, 60, size=2)
        for v, (mu, sigma, integer) in enumerate([(50, 10, False), (6, 2, True),
                                                  (170, 8, False)]):
            for arm in range(2):
                m = rng.normal(mu, sigma / np.sqrt(n[arm]))
                rows.append({"trial": f"T{t:03d}", "variable": f"v{v}", "arm": f"a{arm}",
                             "n": str(n[arm]), "mean": f"{m:.2f}" if integer else f"{m:.1f}",
                             "sd": f"{sigma * rng.uniform(0.8, 1.2):.1f}",
                             "integer": "yes" if integer else "",
                             "scale_min": "0" if integer else "",
                             "scale_max": "10" if integer else ""})
        k = int(rng.integers(3, 8))
        for arm in range(2):
            rows.append({"trial": f"T{t:03d}", "variable": "female", "arm": f"a{arm}",
                         "n": str(n[arm]), "count": str(min(k + arm, int(n[arm])))})
    frame = pd.DataFrame(rows).fillna("")
    return frame.sample(frac=1.0, random_state=1).reset_index(drop=True)  # trials mixed up


@pytest.fixture(scope="module")
def client():
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None, memory_limit="1GiB")
    with distributed.Client(cluster) as c:
        yield c
    cluster.close()


def test_dask_cluster_gives_the_single_process_frames(client):
    dd = pytest.importorskip("dask.dataframe")
    table = _corpus()
    alone = screen(table, sims=200, seed=3)
    assert len(client.scheduler_info()["workers"]) == 2
    on_cluster = screen(dd.from_pandas(table, npartitions=4), sims=200, seed=3)
    assert set(alone.frames()) == set(on_cluster.frames())
    for name, frame in alone.frames().items():
        pd.testing.assert_frame_equal(frame, on_cluster.frames()[name], check_exact=True)
    assert alone.n_rows == on_cluster.n_rows == len(table)
    assert len(alone.trials) == 40


def test_dask_errors_name_the_row(client):
    dd = pytest.importorskip("dask.dataframe")
    from trialkit import TrialDataError

    table = _corpus(trials=6)
    table.loc[17, "n"] = "many"
    with pytest.raises(TrialDataError) as info:
        screen(dd.from_pandas(table, npartitions=3))
    assert (info.value.row, info.value.field) == (18, "n")
