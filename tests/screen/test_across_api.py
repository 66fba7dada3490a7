"""The across-trial techniques' public surface: numpydoc sections with references and a
runnable example (the examples run here), exports, and unchanged inputs."""

from __future__ import annotations

import doctest
import importlib

import pandas as pd
import pytest
from across_refs import cat_all_selected, pvals_cont

import trialkit.screen.across as A
from trialkit.screen import baseline as B

MODULES = ["trialkit.screen.baseline", "trialkit.screen.across.pvalues",
           "trialkit.screen.across.matches", "trialkit.screen.across.cohorts",
           "trialkit.screen.across.digits", "trialkit.screen.across.categorical",
           "trialkit.plots.screen"]
TECHNIQUES = [B.baseline_p, A.pvalue_distribution, A.matches, A.cohort_matches,
              A.final_digits, A.categorical, A.group_sizes]


@pytest.mark.parametrize("name", MODULES)
def test_examples_run(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


@pytest.mark.parametrize("fn", TECHNIQUES, ids=lambda f: f.__name__)
def test_numpydoc_with_references_and_example(fn):
    for section in ("Parameters", "Returns", "References", "Examples", ">>>"):
        assert section in fn.__doc__, (fn.__name__, section)


def test_every_technique_has_its_pieces():
    for fn in TECHNIQUES[1:]:
        assert callable(getattr(A, f"partial_{fn.__name__}"))
        assert callable(getattr(A, f"combine_{fn.__name__}"))


def test_inputs_are_not_mutated():
    rows = pd.concat([pvals_cont(), cat_all_selected()], ignore_index=True)
    before = rows.copy()
    B.baseline_p(rows, sims=20)
    A.pvalue_distribution(rows, sims=20)
    A.matches(rows)
    A.final_digits(rows)
    A.categorical(rows)
    A.group_sizes(rows)
    A.cohort_matches(rows, sims=20, min_cohorts=2)
    pd.testing.assert_frame_equal(rows, before)


def test_pieces_run_on_dask_partitions_of_whole_trials():
    dask = pytest.importorskip("dask")
    dd = pytest.importorskip("dask.dataframe")
    rows = pd.concat([pvals_cont(), cat_all_selected()], ignore_index=True)
    trials = sorted(rows["trial"].unique())
    parts = [rows[rows["trial"].isin(trials[i::3])] for i in range(3)]
    ddf = dd.from_delayed([dask.delayed(p) for p in parts], meta=rows.iloc[0:0])
    for fn in (A.matches, A.final_digits, A.categorical, A.group_sizes):
        part = getattr(A, f"partial_{fn.__name__}")
        pieces = ddf.map_partitions(part, meta=part(rows.iloc[0:0])).compute(
            scheduler="synchronous")
        pd.testing.assert_frame_equal(getattr(A, f"combine_{fn.__name__}")(pieces), fn(rows))
    meta = A.partial_pvalue_distribution(rows.iloc[0:0], sims=50)
    pieces = ddf.map_partitions(A.partial_pvalue_distribution, sims=50, meta=meta).compute(
        scheduler="synchronous")
    pd.testing.assert_frame_equal(A.combine_pvalue_distribution(pieces),
                                  A.pvalue_distribution(rows, sims=50))
