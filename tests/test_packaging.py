"""Packaging: a light import, the data inside the wheel, and a ruff-clean tree."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_import_is_light():
    code = ("import sys, trialkit; heavy = [m for m in ('pandas', 'matplotlib', 'statsmodels', "
            "'scipy') if m in sys.modules]; print(','.join(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "", f"import trialkit pulled in {out}"


def test_help_is_light():
    code = ("import sys; from trialkit.cli import build_parser; build_parser(); "
            "print(','.join(m for m in ('pandas', 'matplotlib', 'statsmodels') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == ""


@pytest.mark.slow
def test_wheel_ships_the_data(tmp_path):
    """pip install the wheel outside the repo; load('anorexia') still works."""
    wheel_dir = tmp_path / "wheel"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet",
                    "--disable-pip-version-check", "-w", str(wheel_dir), str(ROOT)],
                   check=True, capture_output=True)
    wheel = next(wheel_dir.glob("trialkit-*.whl"))
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--quiet",
                    "--disable-pip-version-check", "--target", str(target), str(wheel)],
                   check=True, capture_output=True)
    assert (target / "trialkit" / "data" / "anorexia" / "ipd.csv").is_file()
    code = ("import trialkit; t = trialkit.load('anorexia'); "
            "print(trialkit.__file__); print(sum(a.n for a in t.arms))")
    env = {**os.environ, "PYTHONPATH": str(target)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=tmp_path, env=env).stdout.splitlines()
    assert out[0].startswith(str(target)), out
    assert out[1] == "72"


def test_ruff_clean():
    ruff = shutil.which("ruff") or str(Path(sys.executable).parent / "ruff")
    result = subprocess.run([ruff, "check", "--quiet", str(ROOT)], capture_output=True,
                            text=True, check=False, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_doctests():
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "--doctest-modules", "-p", "no:cacheprovider",
         str(ROOT / "trialkit")], capture_output=True, text=True, check=False, cwd=ROOT)
    assert result.returncode == 0, result.stdout[-3000:]
