"""baseline_balance under rounding (Carlisle 2017): the least extreme p the printed numbers
allow is what the verdict uses."""

from __future__ import annotations

import math
import textwrap
import warnings

import numpy as np
import pandas as pd
import pytest
from conftest import TOML
from scipy import stats

import trialkit
from trialkit.checks import baseline_balance, check
from trialkit.checks import report as report_mod
from trialkit.checks.balance import _anova_p, _least_extreme


def _identical_trial(make_trial):
    # Five baseline variables printed 4.9 (1.0) in both arms of 30.
    toml = TOML.replace("n = 10", "n = 30").replace("integer = true\n", "")
    toml = toml.replace("lower = 0\nupper = 10\n", "")
    for o in ("b", "c", "d", "e"):
        toml += textwrap.dedent(f'''
            [[outcomes]]
            id = "{o}"
            label = "{o}"
            unit = "u"
            direction = "higher_is_better"
            ''')
    rows = ["outcome,arm,timepoint,n,mean,sd,source"]
    for o in ("pain", "b", "c", "d", "e"):
        for arm in ("treat", "control"):
            rows.append(f"{o},{arm},pre,30,4.9,1.0,T1")
            rows.append(f"{o},{arm},post,30,4.0,1.0,T1")
    return trialkit.read_trial(make_trial(toml=toml, summary="\n".join(rows) + "\n"))


def test_identical_rounded_means_are_not_evidence(make_trial):
    res = baseline_balance(_identical_trial(make_trial)).set_index("variable")
    # 4.9 stands for [4.85, 4.95] and 1.0 for [0.95, 1.05]: the means may be equal (p = 1)
    # or 0.1 apart with SDs 0.95: t = 0.1 / (0.95 sqrt(2/30)) = 0.40768 on 58 df (hand).
    t = 0.1 / (0.95 * math.sqrt(2 / 30))
    assert t == pytest.approx(0.40768, abs=1e-5)
    assert res.loc["pain", "p_low"] == pytest.approx(2 * stats.t.sf(t, 58), rel=1e-6)
    assert res.loc["pain", "p_high"] == pytest.approx(1.0)
    # the least extreme p is the one closest to 0.5: p_low (0.685)
    assert res.loc["pain", "p_least"] == pytest.approx(res.loc["pain", "p_low"])
    # Stouffer on five p = 0.685: Z = 5 Phi^-1(0.685) / sqrt(5); P(this alike) = Phi(-Z)
    z = stats.norm.ppf(res.loc["pain", "p_low"]) * 5 / math.sqrt(5)
    assert res.loc["combined (Stouffer)", "p_similar"] == pytest.approx(stats.norm.sf(z))
    assert res.loc["combined (Stouffer)", "p_similar"] > 0.05


def test_identical_means_do_not_fail_strict(make_trial):
    table = check(_identical_trial(make_trial), r=0.5)
    row = table[table.check == "baseline_balance"].iloc[0]
    assert row.verdict == "consistent" and "least extreme" in row.detail


def test_least_extreme():
    assert _least_extreme(0.2, 0.9) == 0.5
    assert _least_extreme(0.01, 0.3) == 0.3
    assert _least_extreme(0.7, 1.0) == 0.7
    assert math.isnan(_least_extreme(math.nan, 0.3))


def test_overflow_is_nan_not_a_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        p = _anova_p(np.array([[1e300, -1e300]]), np.array([[1e300, 1e300]]),
                     np.array([10.0, 10.0]))
    assert np.isnan(p[0])


def test_all_nan_is_cannot_check(make_trial, monkeypatch):
    # A stub frame (unavoidable: the loader refuses summaries that give no finite p).
    trial = _identical_trial(make_trial)
    frame = pd.DataFrame({"variable": list("abc"), "source": "", "k": 1, "p": np.nan,
                          "p_low": np.nan, "p_high": np.nan, "p_least": np.nan,
                          "p_similar": np.nan, "p_different": np.nan, "method": "",
                          "note": ""})
    monkeypatch.setattr(report_mod, "baseline_balance", lambda t: frame)
    row = report_mod._balance_rows(trial)[0]
    assert row["verdict"] == "cannot check" and "nan" not in row["detail"]
