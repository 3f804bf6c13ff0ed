"""A wheel built from this tree, installed somewhere else, ships its templates and runs the demo; the
package links that let mypy see the top-level folders as the packages they install as."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


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


@pytest.mark.packaging
def test_wheel_ships_templates_and_runs_demo(installed_wheel, tmp_path):
    env = {**os.environ, "PYTHONPATH": str(installed_wheel)}
    where = subprocess.run([sys.executable, "-c", "import tracker_sync.sheet_templates as t; print(t.__file__)"],
                           cwd=tmp_path, env=env, capture_output=True, text=True, check=True)
    assert where.stdout.startswith(str(installed_wheel))
    demo = subprocess.run([sys.executable, "-m", "tracker_sync", "demo", "--out", str(tmp_path / "demo"), "--json"],
                          cwd=tmp_path, env=env, capture_output=True, text=True)
    assert demo.returncode == 0, demo.stderr
    assert list((tmp_path / "demo").glob("*.xlsx"))


def test_the_package_links_mypy_reads_match_setuptools_package_dir():
    """.package-links/tracker_sync/ (mypy_path in pyproject.toml) holds one relative link per folder that
    [tool.setuptools.package-dir] installs under tracker_sync, and nothing else."""
    mapping = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-dir"]
    links = ROOT / ".package-links" / "tracker_sync"
    assert sorted(link.name for link in links.iterdir()) == sorted(package.removeprefix("tracker_sync.") for package in mapping)
    for package, folder in mapping.items():
        link = links / package.removeprefix("tracker_sync.")
        assert link.is_symlink() and not Path(os.readlink(link)).is_absolute(), f"{link} must be a relative symlink"
        assert link.resolve() == (ROOT / folder).resolve(), f"{link} must point at {folder}/"


# Python that imports no Google library and no APScheduler, as an install without those extras (the core).
WITHOUT_EXTRAS = ("import sys; sys.modules.update(dict.fromkeys(['requests', 'gspread', 'google.auth', 'apscheduler'], None)); "
                  "from tracker_sync.cli import main; sys.argv[0] = 'tracker-sync'; main()")


def test_without_its_extra_a_google_or_serve_command_says_in_one_line_what_to_install(tmp_path):
    registry = tmp_path / "district.toml"
    registry.write_text('[district]\nname = "D"\n\n[schools."A"]\nbackend = "google"\n'
                        'location = "1taPAeFgVeRIx1SYsCQ3VTu70tVCEmZDnOys-NhHYlh4"\n')
    xlsx_registry = tmp_path / "xlsx.toml"
    core = [sys.executable, "-c", WITHOUT_EXTRAS]
    made = subprocess.run([*core, "provision", "--school", "Lincoln", "--out", str(tmp_path / "l.xlsx"),
                           "--registry", str(xlsx_registry)],
                          capture_output=True, text=True)
    assert made.returncode == 0, made.stderr  # the xlsx path needs no extra
    for args, extra in ((["sync", "https://docs.google.com/spreadsheets/d/"
                                  "1taPAeFgVeRIx1SYsCQ3VTu70tVCEmZDnOys-NhHYlh4/edit"], "google"),
                        (["provision", "--school", "Lincoln", "--backend", "google"], "google"),
                        (["sync-all", "--registry", str(registry)], "google"),
                        (["serve", "--registry", str(xlsx_registry)], "serve")):
        ran = subprocess.run([*core, *args], capture_output=True, text=True, cwd=tmp_path)
        assert ran.returncode == 2, (args, ran.stderr)
        assert ran.stderr.count("\n") == 1 and ran.stderr.rstrip().endswith(f"pip install 'tracker-sync[{extra}]'"), ran.stderr
