"""Property test: check(trial) on generated small summary-only trials with extreme but valid
numbers raises nothing but TrialDataError, returns within a bound, and prints no nan/inf."""

from __future__ import annotations

import re
import tempfile
import time
from pathlib import Path

from conftest import TOML
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

import trialkit
from trialkit.checks import check

TESTS = ["", "t", "welch", "anova", "ancova", "mann_whitney", "mixed", "unknown"]
ANALYSES = ["", "follow_up", "change", "ancova"]
NUMBER = re.compile(r"(?<![A-Za-z])(nan|-?inf)(?![A-Za-z])", re.IGNORECASE)


def _num(x: float, d: int) -> str:
    return f"{x:.{d}f}"


@st.composite
def trials(draw):
    n = draw(st.integers(2, 400))
    d = draw(st.integers(0, 3))
    mean = st.floats(-1e6, 1e6, allow_nan=False)
    sd = st.floats(10.0 ** -d, 1e5, allow_nan=False)
    rows = ["outcome,arm,timepoint,measure,n,mean,sd,source"]
    for arm in ("treat", "control"):
        for tp in ("pre", "post"):
            rows.append(f"pain,{arm},{tp},value,{n},{_num(draw(mean), d)},"
                        f"{_num(draw(sd), d)},T")
        if draw(st.booleans()):
            rows.append(f"pain,{arm},post,change,{n},{_num(draw(mean), d)},"
                        f"{_num(draw(sd), d)},T")
    rep = ["id,statistic,outcome,arm,timepoint,comparison,relation,value,text,source,test,"
           "analysis"]
    for i in range(draw(st.integers(0, 3))):
        stat = draw(st.sampled_from(["p", "t", "mean_difference", "F"]))
        value = draw(st.sampled_from(["0.001", "0.05", "0.5", "3.0", "-2.1", "0.99"]))
        rep.append(f"s{i},{stat},pain,,post,treat-control,{draw(st.sampled_from(['=', '<']))},"
                   f"{value},,T,{draw(st.sampled_from(TESTS))},"
                   f"{draw(st.sampled_from(ANALYSES))}")
    toml = TOML.replace("n = 10", f"n = {n}").replace("integer = true\n", "")
    toml = toml.replace("lower = 0\nupper = 10\n", "")
    return toml, "\n".join(rows) + "\n", "\n".join(rep) + "\n"


@seed(20261201)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(trials())
def test_check_on_generated_trials(case):
    toml, summary, reported = case
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "mini"
        folder.mkdir()
        (folder / "trial.toml").write_text(toml)
        (folder / "summary.csv").write_text(summary)
        (folder / "reported.csv").write_text(reported)
        try:
            trial = trialkit.read_trial(folder)
        except trialkit.TrialDataError:
            return
        t0 = time.perf_counter()
        try:
            table = check(trial)
        except trialkit.TrialDataError:
            return
        assert time.perf_counter() - t0 < 30
    assert set(table.verdict) <= {"consistent", "inconsistent", "cannot check"}
    bad = [d for d in table.detail if NUMBER.search(str(d))]
    assert not bad, bad
