"""smd's many-row path (normal interval, LS variance: one result block, J from a table of the
distinct df, a categorical constant ``method``) against metafor's printed values."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from effects_refdata import NORMAND1999

from trialkit.effects import smd
from trialkit.errors import TrialDataError

REPEAT = 500  # 4 studies x 500 = 2,000 rows: above the J table's threshold


def _tiled() -> dict[str, np.ndarray]:
    return {k: np.tile(np.asarray(NORMAND1999[k], dtype=float), REPEAT)
            for k in ("m1", "sd1", "n1", "m2", "sd2", "n2")}


def test_many_rows_match_metafor_smd_normand1999():
    res = smd(**_tiled(), kind="hedges", ci="normal")
    # metafor tests/testthat/test_misc_escalc.r: escalc(measure="SMD", data=dat.normand1999,
    # subset=1:4) gives yi = c(-0.3552, -0.3479, -2.3176, -1.8880) and
    # vi = c(0.0131, 0.0645, 0.0458, 0.1606); every repeat of the four studies must too.
    np.testing.assert_allclose(res.estimate, np.tile([-0.3552, -0.3479, -2.3176, -1.8880],
                                                     REPEAT), atol=5e-5)
    np.testing.assert_allclose(res["var"], np.tile([0.0131, 0.0645, 0.0458, 0.1606], REPEAT),
                               atol=5e-5)
    # normal interval by hand: estimate -/+ 1.959964 sqrt(var), with df = n1 + n2 - 2
    z = 1.959963984540054
    np.testing.assert_allclose(res.ci_low, res.estimate - z * np.sqrt(res["var"]), rtol=1e-14)
    np.testing.assert_allclose(res.ci_high, res.estimate + z * np.sqrt(res["var"]), rtol=1e-14)
    np.testing.assert_array_equal(res.df, _tiled()["n1"] + _tiled()["n2"] - 2)


def test_many_rows_method_behaves_as_strings():
    res = smd(**_tiled(), kind="cohen", ci="normal")
    label = "cohen_d/pooled_sd/normal_ci/var=LS"
    assert (res.method == label).all()
    assert res.method.str.contains("/normal_ci/").all()
    assert res.method.astype(str).tolist() == [label] * len(res)
    assert res.method.iloc[0] == label and isinstance(res.method.iloc[0], str)
    assert f"{res['method'].iloc[3]}/x" == label + "/x"


def test_method_dtype_does_not_depend_on_the_number_of_rows():
    # one study (Normand 1999 row 1) and 2,000 rows: the same column type, so frames from
    # calls of any size concatenate and compare alike
    one = smd(*(NORMAND1999[k][:1] for k in ("m1", "sd1", "n1", "m2", "sd2", "n2")),
              kind="hedges", ci="normal")
    many = smd(**_tiled(), kind="hedges", ci="normal")
    assert one.method.dtype == many.method.dtype
    assert one.method.iloc[0] == many.method.iloc[0] == "hedges_g/exact_J/normal_ci/var=LS"


def test_many_rows_bad_input_still_names_the_row():
    data = _tiled()
    data["sd2"][1234] = np.nan
    with pytest.raises(TrialDataError) as err:
        smd(**data, kind="hedges", ci="normal")
    assert err.value.row == 1234 and err.value.field == "sd2"
    data = _tiled()
    data["n1"][777] = 30.5
    with pytest.raises(TrialDataError) as err:
        smd(**data, kind="hedges", ci="normal")
    assert err.value.row == 777 and err.value.field == "n1"


def _random_table(rows: int, seed: int, n_high: int = 80) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {"m1": rng.normal(10, 1.5, rows), "sd1": rng.uniform(0.5, 5, rows),
            "n1": rng.integers(2, n_high, rows).astype(float),
            "m2": rng.normal(9.5, 1.5, rows), "sd2": rng.uniform(0.5, 5, rows),
            "n2": rng.integers(2, n_high, rows).astype(float)}


@pytest.mark.parametrize("kind", ["hedges", "cohen"])
@pytest.mark.parametrize(("rows", "n_high"), [(2000, 80), (40, 80), (3000, 10**6)],
                         ids=["J_table", "few_rows", "J_per_row"])
def test_numba_engine_gives_the_numpy_engines_bits(kind, rows, n_high):
    pytest.importorskip("numba")
    data = _random_table(rows, 20261203 + rows)
    with warnings.catch_warnings(record=True) as numpy_warned:
        warnings.simplefilter("always")
        expected = smd(**data, kind=kind, ci="normal")
    with warnings.catch_warnings(record=True) as numba_warned:
        warnings.simplefilter("always")
        got = smd(**data, kind=kind, ci="normal", engine="numba")
    pd.testing.assert_frame_equal(expected, got, check_exact=True)
    # the same |d| > 5 warnings (SDs of 0.5 against means 0.5 apart), from the caller's line
    assert [str(w.message) for w in numba_warned] == [str(w.message) for w in numpy_warned]
    assert all(w.filename == __file__ for w in numba_warned + numpy_warned)


def test_numba_engine_matches_metafor_and_names_bad_rows():
    pytest.importorskip("numba")
    # metafor's escalc(measure="SMD") on dat.normand1999 rows 1-4, as in the first test
    res = smd(**_tiled(), kind="hedges", ci="normal", engine="numba")
    np.testing.assert_allclose(res.estimate, np.tile([-0.3552, -0.3479, -2.3176, -1.8880],
                                                     REPEAT), atol=5e-5)
    np.testing.assert_allclose(res["var"], np.tile([0.0131, 0.0645, 0.0458, 0.1606], REPEAT),
                               atol=5e-5)
    # one study, as scalars (escalc: yi = -0.3552, vi = 0.0131), and a scalar error (no row)
    one = smd(55, 47, 155, 75, 64, 156, ci="normal", engine="numba")
    assert (round(float(one.estimate[0]), 4), round(float(one["var"][0]), 4)) == (-0.3552,
                                                                                  0.0131)
    with pytest.raises(TrialDataError) as err:
        smd(55, -47, 155, 75, 64, 156, ci="normal", engine="numba")
    assert (err.value.field, err.value.row) == ("sd1", None)
    for field, row, value in (("sd2", 1234, np.nan), ("n1", 777, 30.5), ("sd1", 3, -1.0),
                              ("m2", 1999, np.inf), ("n2", 0, 1.0)):
        data = _tiled()
        data[field][row] = value
        with pytest.raises(TrialDataError) as err:
            smd(**data, kind="hedges", ci="normal", engine="numba")
        assert (err.value.field, err.value.row) == (field, row)


def test_numba_engine_refuses_what_it_does_not_compute():
    pytest.importorskip("numba")
    for kwargs in ({"ci": "nct"}, {"kind": "glass", "ci": "normal"},
                   {"vtype": "UB", "ci": "normal"}):
        with pytest.raises(TrialDataError) as err:
            smd(**_tiled(), engine="numba", **kwargs)
        assert err.value.field == "engine"
    with pytest.raises(TrialDataError) as err:
        smd(**_tiled(), engine="cython")
    assert err.value.field == "engine"
