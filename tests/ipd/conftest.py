"""Small patient-level trials built in the test (via the shared ``make_trial`` fixture)."""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Sequence

import pytest

import trialkit
from trialkit.trial import Trial

TWO_ARM_TOML = textwrap.dedent('''\
    id = "{name}"
    title = "A small two-arm trial with patient data"
    citation = "Test fixture."
    design = "parallel"
    reference_arm = "ctl"

    [data]
    level = "ipd"
    source = "hand-made test fixture"

    [[arms]]
    id = "trt"
    label = "Treatment"
    n = {n1}

    [[arms]]
    id = "ctl"
    label = "Control"
    n = {n2}

    [[timepoints]]
    id = "pre"
    label = "Baseline"
    order = 0
    baseline = true

    [[timepoints]]
    id = "post"
    label = "Follow-up"
    order = 1

    [[outcomes]]
    id = "score"
    label = "Score"
    unit = "points"
    direction = "lower_is_better"
    ''')


@pytest.fixture
def two_arm(make_trial) -> Callable[..., Trial]:
    """``two_arm(pre_trt, post_trt, pre_ctl, post_ctl)`` -> a Trial with those patient values
    (patients numbered from 1, treatment arm first)."""

    def build(pre1: Sequence[float], post1: Sequence[float], pre2: Sequence[float],
              post2: Sequence[float], name: str = "small") -> Trial:
        rows = ["patient,arm,timepoint,outcome,value"]
        pid = 0
        for arm, pre, post in (("trt", pre1, post1), ("ctl", pre2, post2)):
            for a, b in zip(pre, post, strict=True):
                pid += 1
                rows.append(f"{pid},{arm},pre,score,{a}")
                rows.append(f"{pid},{arm},post,score,{b}")
        folder = make_trial(toml=TWO_ARM_TOML.format(name=name, n1=len(pre1), n2=len(pre2)),
                            summary=None, ipd="\n".join(rows) + "\n", name=name)
        return trialkit.read_trial(folder)

    return build

