"""Every bad argument raises TrialDataError naming the argument (and the element index)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from trialkit.effects import (
    ancova_from_summary,
    d_from_f,
    d_from_t,
    d_to_cles,
    d_to_log_or,
    d_to_r,
    diff_in_change,
    mean_change,
    mean_difference,
    mean_sd_from_quantiles,
    nnt_from_d,
    percent_change,
    r_from_sds,
    ratio_of_means,
    sd_change,
    sd_from_ci,
    sd_from_p,
    sd_from_se,
    sd_from_t,
    smcc,
    smcr,
    smd,
    smd_change,
)
from trialkit.errors import TrialDataError

TWO = {"m1": 5.0, "sd1": 2.0, "n1": 10, "m2": 4.0, "sd2": 2.5, "n2": 12}
PRE_POST = {"m_pre": 5.0, "sd_pre": 2.0, "m_post": 6.0, "sd_post": 2.5, "n": 10, "r": 0.5}
ARMS = {"m1_pre": 5.0, "sd1_pre": 2.0, "m1_post": 6.0, "sd1_post": 2.5,
        "m2_pre": 5.5, "sd2_pre": 2.2, "m2_post": 5.0, "sd2_post": 2.4,
        "n1": 10, "n2": 12, "r": 0.5}

CASES = [
    (mean_difference, TWO),
    (smd, TWO),
    (ratio_of_means, TWO),
    (mean_change, PRE_POST),
    (smcr, {k: v for k, v in PRE_POST.items() if k != "sd_post"}),
    (smcc, PRE_POST),
    (percent_change, PRE_POST),
    (smd_change, {k: v for k, v in ARMS.items() if k not in ("sd1_post", "sd2_post")}),
    (diff_in_change, ARMS),
    (ancova_from_summary, ARMS),
    (sd_change, {"sd_pre": 2.0, "sd_post": 2.5, "r": 0.5}),
    (r_from_sds, {"sd_pre": 2.0, "sd_post": 2.5, "sd_change": 2.0}),
    (sd_from_se, {"se": 1.0, "n": 10}),
    (sd_from_ci, {"ci_low": 1.0, "ci_high": 2.0, "n": 10}),
    (sd_from_t, {"t": 2.0, "n1": 10, "n2": 12, "m1": 5.0, "m2": 4.0}),
    (sd_from_p, {"p": 0.03, "n1": 10, "n2": 12, "m1": 5.0, "m2": 4.0}),
    (d_from_t, {"t": 2.0, "n1": 10, "n2": 12}),
    (nnt_from_d, {"d": 0.5}),
    (d_to_cles, {"d": 0.5}),
    (d_to_log_or, {"d": 0.5}),
]
IDS = [f.__name__ for f, _ in CASES]
WITH_R = [c for c in CASES if "r" in c[1]]
MULTI = [c for c in CASES if len(c[1]) > 1]


def _with(kwargs: dict, name: str, bad: float) -> dict:
    out = dict(kwargs)
    out[name] = [kwargs[name], bad]  # the bad value is element 1
    return out


@pytest.mark.parametrize(("func", "kwargs"), CASES, ids=IDS)
def test_good_arguments_work(func, kwargs):
    out = func(**kwargs)
    assert len(out) == 1


@pytest.mark.parametrize(("func", "kwargs"), CASES, ids=IDS)
def test_non_finite_values_name_the_argument_and_element(func, kwargs):
    for name in kwargs:
        for bad in (np.nan, np.inf):
            with pytest.raises(TrialDataError) as err:
                func(**_with(kwargs, name, bad))
            assert err.value.field == name, (name, str(err.value))
            assert err.value.row == 1


@pytest.mark.parametrize(("func", "kwargs"), CASES, ids=IDS)
def test_non_positive_sds_are_refused(func, kwargs):
    for name in [k for k in kwargs if k.startswith("sd") or k == "se"]:
        for bad in (0.0, -1.2):
            with pytest.raises(TrialDataError) as err:
                func(**_with(kwargs, name, bad))
            assert err.value.field == name
            assert err.value.row == 1
            assert "> 0" in str(err.value)


@pytest.mark.parametrize(("func", "kwargs"), CASES, ids=IDS)
def test_too_small_or_fractional_n_is_refused(func, kwargs):
    for name in [k for k in kwargs if k in ("n", "n1", "n2")]:
        for bad in (1, 0, 7.5):
            with pytest.raises(TrialDataError) as err:
                func(**_with(kwargs, name, bad))
            assert err.value.field == name
            assert err.value.row == 1


@pytest.mark.parametrize(("func", "kwargs"), WITH_R, ids=[f.__name__ for f, _ in WITH_R])
def test_correlations_outside_minus_one_one_are_refused(func, kwargs):
    for bad in (1.5, -1.01):
        with pytest.raises(TrialDataError) as err:
            func(**_with(kwargs, "r", bad))
        assert err.value.field == "r"
        assert err.value.row == 1


@pytest.mark.parametrize(("func", "kwargs"), MULTI, ids=[f.__name__ for f, _ in MULTI])
def test_lengths_that_do_not_broadcast_name_the_arguments(func, kwargs):
    names = list(kwargs)
    bad = dict(kwargs)
    bad[names[0]] = [kwargs[names[0]]] * 2
    bad[names[1]] = [kwargs[names[1]]] * 3
    with pytest.raises(TrialDataError) as err:
        func(**bad)
    assert names[0] in err.value.field and names[1] in err.value.field
    assert "broadcast" in str(err.value)


@pytest.mark.parametrize(("func", "kwargs"), CASES, ids=IDS)
def test_inputs_are_never_mutated(func, kwargs):
    arrays = {k: np.array([v, v], dtype=float) for k, v in kwargs.items()}
    copies = {k: a.copy() for k, a in arrays.items()}
    series = {k: pd.Series(a) for k, a in arrays.items()}
    func(**arrays)
    func(**series)
    for k in arrays:
        np.testing.assert_array_equal(arrays[k], copies[k])
        np.testing.assert_array_equal(series[k].to_numpy(), copies[k])


def test_scalar_errors_have_no_row_and_strings_are_refused():
    with pytest.raises(TrialDataError) as err:
        smd(1, -1, 10, 0, 1, 10)
    assert err.value.field == "sd1" and err.value.row is None
    with pytest.raises(TrialDataError) as err:
        smd("1.2", 1, 10, 0, 1, 10)
    assert err.value.field == "m1"
    with pytest.raises(TrialDataError) as err:
        smd(None, 1, 10, 0, 1, 10)
    assert err.value.field == "m1"


@pytest.mark.parametrize("level", [0, 1, 1.5, -0.1, "high", np.nan])
def test_bad_level(level):
    with pytest.raises(TrialDataError) as err:
        mean_difference(1, 1, 10, 0, 1, 10, level=level)
    assert err.value.field == "level"


def test_bad_choices_name_the_argument():
    for kw, field in (({"kind": "hedge"}, "kind"), ({"ci": "boot"}, "ci"),
                      ({"vtype": "AV"}, "vtype"), ({"kind": "glass", "vtype": "UB"}, "vtype")):
        with pytest.raises(TrialDataError) as err:
            smd(1, 1, 10, 0, 1, 10, **kw)
        assert err.value.field == field
    with pytest.raises(TrialDataError) as err:
        sd_from_ci(1, 2, 10, dist="chi")
    assert err.value.field == "dist"
    with pytest.raises(TrialDataError) as err:
        nnt_from_d(0.5, method="furukawa")
    assert err.value.field == "cer"
    with pytest.raises(TrialDataError) as err:
        nnt_from_d(0.5, method="furukawa", cer=[0.3, 1.2])
    assert err.value.field == "cer" and err.value.row == 1
    with pytest.raises(TrialDataError) as err:
        percent_change(8, 6, direction="up")
    assert err.value.field == "direction"


def test_other_domain_errors():
    with pytest.raises(TrialDataError) as err:
        ratio_of_means([5.0, -1.0], 1.0, 10, 4.0, 1.0, 10)
    assert err.value.field == "m1" and err.value.row == 1
    with pytest.raises(TrialDataError) as err:
        percent_change([8.0, 0.0], 6.0)
    assert err.value.field == "m_pre" and err.value.row == 1
    with pytest.raises(TrialDataError) as err:
        sd_from_p([0.03, 1.0], 10, 10, 5.0, 4.0)
    assert err.value.field == "p" and err.value.row == 1
    with pytest.raises(TrialDataError) as err:
        sd_from_ci([1.0, 3.0], [2.0, 2.0], 10)
    assert err.value.field == "ci_high" and err.value.row == 1
    with pytest.raises(TrialDataError) as err:
        sd_from_t(0.0, 10, 10, 5.0, 4.0)
    assert err.value.field == "t"
    with pytest.raises(TrialDataError) as err:
        d_from_f(-1.0, 10, 10)
    assert err.value.field == "f"
    with pytest.raises(TrialDataError) as err:
        d_to_r(0.5, n1=10)
    assert err.value.field == "n2"
    with pytest.raises(TrialDataError) as err:
        d_to_cles(0.5, ci_low=0.6, ci_high=0.9)
    assert "ci_low" in err.value.field
    with pytest.raises(TrialDataError) as err:
        mean_change(5, 2, 6, 2, 10, r=1.0)
    assert err.value.field == "r"
    with pytest.raises(TrialDataError) as err:
        mean_sd_from_quantiles(30, q1=3, median=5, q3=9, assume_normal=False)
    assert err.value.field == "assume_normal"
    with pytest.raises(TrialDataError) as err:
        mean_sd_from_quantiles(2, q1=3, median=5, q3=9, assume_normal=True)
    assert err.value.field == "n"


def test_error_is_a_value_error_with_readable_message():
    with pytest.raises(ValueError, match=r"row 1, field 'sd2': must be > 0, got -1\.2"):
        smd(1, 1, 10, 0, [1.0, -1.2], 10)


@pytest.mark.parametrize(("values", "finite", "nan_free"), [
    ([1.0, -2.5, 3e10], True, True),
    ([1.0, np.nan, 3.0], False, False),
    ([1.0, np.inf, 3.0], False, True),
    ([-np.inf, 2.0, np.inf], False, True),  # a sum would give inf - inf = NaN here
    ([1e200, -1e200, 1.0], False, True),  # squares overflow: the caller checks each element
])
def test_finiteness_guards_read_the_sum_of_squares(values, finite, nan_free):
    from trialkit.effects import _validate

    arr = np.array(values * 40_000)  # long enough for BLAS to split the dot product
    assert _validate.all_finite(arr) is finite
    assert _validate.no_nan(arr) is nan_free
    # the elementwise check behind the guard finds the first bad row, or nothing
    bad = [i for i, v in enumerate(values) if not np.isfinite(v)]
    if bad:
        with pytest.raises(TrialDataError) as err:
            _validate.check_finite(arr, "x")
        assert err.value.row == bad[0]
    else:
        _validate.check_finite(arr, "x")


def test_finiteness_guards_take_numbers_lists_and_series():
    from trialkit.effects import _validate

    assert _validate.all_finite(1.5) and not _validate.all_finite(float("inf"))
    assert not _validate.all_finite([1.0, np.nan]) and _validate.all_finite(pd.Series([1.0, 2.0]))
    assert _validate.no_nan(np.array(3.0)) and not _validate.no_nan([np.nan])
