"""Tracker templates, rubrics and default norms, shipped as data (TOML) with the package."""

from __future__ import annotations

import tomllib
from functools import cache
from importlib.resources import files

from tracker_sync.schemas import Norms, Rubric, Template

_HERE = files(__name__)


def _load(relative: str) -> dict:
    return tomllib.loads((_HERE / relative).read_text(encoding="utf-8"))


def rubric_ids() -> list[str]:
    return sorted(p.name.removesuffix(".toml") for p in (_HERE / "rubrics").iterdir() if p.name.endswith(".toml"))


@cache
def load_rubric(rubric_id: str = "leap") -> Rubric:
    if rubric_id not in rubric_ids():
        raise KeyError(f"unknown rubric {rubric_id!r}; available: {', '.join(rubric_ids())}")
    return Rubric.model_validate(_load(f"rubrics/{rubric_id}.toml"))


@cache
def load_template(name: str = "default") -> Template:
    return Template.model_validate(_load(f"tracker_{name}.toml"))


@cache
def default_norms() -> Norms:
    return Norms.model_validate(_load("norms.toml"))
