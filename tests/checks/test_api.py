"""The trialkit.checks package as a whole: exports, docs, imports, number parsing."""

from __future__ import annotations

import inspect
import subprocess
import sys
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import trialkit
from trialkit import TrialDataError, checks
from trialkit.checks import _texts as txt

PUBLIC = ["grim", "grimmer", "sd_bounds", "check_sd_bounds", "sprite", "plot_sprite",
          "recompute_p", "statcheck", "claims", "se_as_sd", "baseline_balance", "check",
          "implied_r", "solve_r"]


def test_exports_and_lazy_access():
    for name in PUBLIC:
        assert name in checks.__all__
    assert trialkit.checks.grim is checks.grim


@pytest.mark.parametrize("name", PUBLIC)
def test_numpydoc_with_references_and_example(name):
    doc = inspect.getdoc(getattr(checks, name))
    for section in ("Parameters", "Returns", "References", "Examples", ">>>"):
        assert section in doc, (name, section)


def test_import_stays_light():
    code = ("import sys, trialkit.checks; "
            "print(any(m.split('.')[0] in ('matplotlib', 'statsmodels') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"


@given(st.decimals(min_value=-10**6, max_value=10**6, allow_nan=False, allow_infinity=False,
                   places=4))
def test_parsing_is_exact(value: Decimal):
    # Property: "X.YYYY" parses into X * 10**4 + YYYY with 4 decimals, trailing zeros kept.
    textual = f"{value:.4f}"
    rep = txt.parse_reported(textual, "mean")
    assert int(rep.d[0]) == 4
    assert Decimal(int(rep.X[0])).scaleb(-4) == Decimal(textual)


def test_parsing_forms_and_errors():
    rep = txt.parse_reported(["5.10", " .45", "-0.3", "+2", "12.", "7"], "x")
    assert rep.X.tolist() == [510, 45, -3, 2, 12, 7]
    assert rep.d.tolist() == [2, 2, 1, 0, 0, 0]
    for bad in ["", "1.2.3", "1 2", "--1", "1-", "nan", "inf", "1e5", "1_0", "\u0663", "5%"]:
        with pytest.raises(TrialDataError) as err:
            txt.parse_reported(["1", bad], "x")
        assert err.value.field == "x" and err.value.row == 1, bad
    series = pd.Series(["1.0", "2.50"])
    out = checks.grim(series, 10)
    assert out["mean"].tolist() == ["1.0", "2.50"]
    assert series.tolist() == ["1.0", "2.50"]


def test_rounding_schemes_are_named_and_aliases_resolve():
    assert set(checks.ROUNDING_SCHEMES) >= {"up_or_down", "half_up", "half_down", "half_even",
                                            "ceiling", "floor"}
    for alias, name in checks.ROUNDING_ALIASES.items():
        assert checks.grim("1.5", 2, rounding=alias).rounding.iloc[0] == name


def test_numpy_unicode_arrays_are_accepted():
    # "5.19" with n = 28 fails GRIM (5.18 or 5.21). "5.18" with SD 1.20: total 145 (odd);
    # sums of squares 145^2/28 + 27 x [1.195^2, 1.205^2] = [789.45, 790.09] -> 790, even:
    # the parity test fails (by hand).
    means = np.array(["5.19", "5.18"] * 3)
    res = checks.grimmer(means, np.array(["1.20"] * 6), 28)
    assert res.test.tolist() == [0, 3] * 3
    assert res["mean"].tolist() == ["5.19", "5.18"] * 3
