"""School settings <-> the tracker's own metadata (str -> str), so a tracker file carries its setup."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping

from pydantic import ValidationError

from tracker_sync.errors import ConfigError
from tracker_sync.schemas import Norms, SchoolSettings, Template
from tracker_sync.sheet_templates import default_norms, load_rubric, load_template

FORMAT_VERSION = "1"


def school_year_of(day: dt.date) -> tuple[dt.date, dt.date]:
    """The US school year containing `day`: July 1 to June 30."""
    start_year = day.year if day.month >= 7 else day.year - 1
    return dt.date(start_year, 7, 1), dt.date(start_year + 1, 6, 30)


def new_settings(school: str, rubric: str = "leap", *, today: dt.date | None = None) -> SchoolSettings:
    """Settings for a newly provisioned school: default norms, school year containing today."""
    start, end = school_year_of(today or dt.date.today())
    return SchoolSettings(school=school, rubric=load_rubric(rubric), school_year_start=start, school_year_end=end,
                          norms=default_norms())


def to_metadata(settings: SchoolSettings) -> dict[str, str]:
    return {
        "format": FORMAT_VERSION,
        "school": settings.school,
        "template": "default",
        "rubric": settings.rubric.id,
        "timezone": settings.timezone,
        "school_year_start": settings.school_year_start.isoformat(),
        "school_year_end": settings.school_year_end.isoformat(),
        "holidays": ",".join(sorted(d.isoformat() for d in settings.holidays)),
        "norms": json.dumps(settings.norms.model_dump(), sort_keys=True),
    }


def from_metadata(metadata: Mapping[str, str], norm_overrides: Mapping[str, object] | None = None) -> tuple[SchoolSettings, Template]:
    """Settings and concrete template of a provisioned tracker; a clear ConfigError otherwise."""
    if "rubric" not in metadata or "school" not in metadata:
        raise ConfigError("This file has no tracker-sync setup. Create a tracker with `tracker-sync provision`, "
                          "or run `tracker-sync demo` to see one.")
    try:
        rubric = load_rubric(metadata["rubric"])
        norms = {**json.loads(metadata.get("norms") or "{}"), **(norm_overrides or {})}
        holidays = frozenset(dt.date.fromisoformat(d) for d in metadata.get("holidays", "").split(",") if d)
        settings = SchoolSettings(
            school=metadata["school"], rubric=rubric, norms=Norms.model_validate(norms),
            timezone=metadata.get("timezone") or "America/Denver",
            school_year_start=dt.date.fromisoformat(metadata["school_year_start"]),
            school_year_end=dt.date.fromisoformat(metadata["school_year_end"]),
            holidays=holidays,
        )
        template = load_template(metadata.get("template", "default")).for_rubric(rubric)
    except (KeyError, ValueError, ValidationError) as exc:
        raise ConfigError(f"The tracker's settings cannot be used: {exc}") from exc
    return settings, template


def settings_for_provision(school: str, rubric: str | None, existing: Mapping[str, str], *,
                           today: dt.date | None = None) -> tuple[SchoolSettings, dict[str, str]]:
    """The settings a provision builds the tabs from, and the metadata it writes.

    A new tracker (no setup in `existing`) gets new settings, `rubric` defaulting to LEAP. An
    existing tracker keeps its own setup: its rubric (a Danielson tracker never gains a LEAP scores
    tab), school year, holidays and norms; only metadata keys it lacks are written. Asking for a
    different rubric than the tracker's is a ConfigError.
    """
    if "rubric" in existing and "school" in existing:
        settings, _ = from_metadata(existing)
        if rubric is not None and rubric != settings.rubric.id:
            raise ConfigError(f"This tracker uses the {settings.rubric.name} ({settings.rubric.id}); provisioning repairs "
                              f"it with its own rubric. Leave out --rubric, or make a new tracker for {rubric}.")
        return settings, {key: value for key, value in to_metadata(settings).items() if key not in existing}
    try:
        settings = new_settings(school, rubric or "leap", today=today)
    except KeyError as exc:
        raise ConfigError(str(exc.args[0])) from exc
    return settings, to_metadata(settings)
