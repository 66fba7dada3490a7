"""Shared fixtures: a small valid trial folder that tests can break one piece at a time."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

TOML = textwrap.dedent('''\
    id = "mini"
    title = "A small two-arm trial"
    citation = "Doe J. A small trial. J Test 2020;1:1-2."
    design = "parallel"
    reference_arm = "control"

    [data]
    level = "summary"
    source = "hand-made test fixture"

    [[arms]]
    id = "treat"
    label = "Treatment"
    n = 10

    [[arms]]
    id = "control"
    label = "Control"
    n = 10

    [[timepoints]]
    id = "pre"
    label = "Baseline"
    order = 0
    baseline = true

    [[timepoints]]
    id = "post"
    label = "Week 4"
    order = 4

    [[outcomes]]
    id = "pain"
    label = "Pain (NPRS)"
    unit = "points"
    direction = "lower_is_better"
    lower = 0
    upper = 10
    integer = true
    ''')

SUMMARY = textwrap.dedent('''\
    outcome,arm,timepoint,n,mean,sd,source
    pain,treat,pre,10,6.10,1.20,Table 2
    pain,treat,post,10,3.40,1.50,Table 2
    pain,control,pre,10,5.90,1.30,Table 2
    pain,control,post,10,5.20,1.40,Table 2
    ''')

IPD_HEADER = "patient,arm,timepoint,outcome,value\n"


def ipd_text() -> str:
    rows = []
    for p in range(1, 5):
        arm = "treat" if p <= 2 else "control"
        rows.append(f"{p},{arm},pre,pain,{5 + p % 3}")
        rows.append(f"{p},{arm},post,pain,{2 + p % 4}")
    return IPD_HEADER + "\n".join(rows) + "\n"


@pytest.fixture
def make_trial(tmp_path: Path):
    """Write a trial folder; keyword arguments replace whole files (None leaves one out)."""

    def _make(*, toml: str = TOML, summary: str | None = SUMMARY, ipd: str | None = None,
              reported: str | None = None, patients: str | None = None,
              name: str = "mini") -> Path:
        folder = tmp_path / name
        folder.mkdir(exist_ok=True)
        (folder / "trial.toml").write_text(toml, encoding="utf-8")
        for fname, text in (("summary.csv", summary), ("ipd.csv", ipd),
                            ("reported.csv", reported), ("patients.csv", patients)):
            if text is not None:
                (folder / fname).write_text(text, encoding="utf-8")
        return folder

    return _make
