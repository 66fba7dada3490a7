"""smd's many-row path (normal interval, LS variance: one result block, J from a table of the
distinct df, a categorical constant ``method``) against metafor's printed values."""

from __future__ import annotations

import numpy as np
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
