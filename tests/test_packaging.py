"""A wheel built from this tree, installed somewhere else, ships its templates and runs the demo."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.packaging


@pytest.fixture(scope="module")
def installed_wheel(tmp_path_factory) -> Path:
    build = tmp_path_factory.mktemp("wheel")
    target = tmp_path_factory.mktemp("site")
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(build), str(ROOT)],
                           capture_output=True, text=True)
    if built.returncode != 0:
        pytest.skip(f"could not build a wheel here (needs setuptools from PyPI): {built.stderr[-300:]}")
    wheel = next(build.glob("tracker_sync-*.whl"))
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(wheel)], check=True)
    return target


def test_wheel_ships_templates_and_runs_demo(installed_wheel, tmp_path):
    env = {**os.environ, "PYTHONPATH": str(installed_wheel)}
    where = subprocess.run([sys.executable, "-c", "import tracker_sync.sheet_templates as t; print(t.__file__)"],
                           cwd=tmp_path, env=env, capture_output=True, text=True, check=True)
    assert where.stdout.startswith(str(installed_wheel))
    demo = subprocess.run([sys.executable, "-m", "tracker_sync", "demo", "--out", str(tmp_path / "demo"), "--json"],
                          cwd=tmp_path, env=env, capture_output=True, text=True)
    assert demo.returncode == 0, demo.stderr
    assert list((tmp_path / "demo").glob("*.xlsx"))
