"""School settings <-> the tracker's own metadata (str -> str), so a tracker file carries its setup."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping

from pydantic import ValidationError

from tracker_sync.errors import ConfigError
from tracker_sync.schemas import Norms, Rubric, SchoolSettings, Template
from tracker_sync.sheet_templates import (
    default_norms,
    load_rubric,
    load_template,
    rubric_ids,
)

FORMAT_VERSION = "1"
#: Metadata key of a demo tracker's fixed as-of date (real trackers have none: they run as of today).
DEMO_AS_OF = "demo_as_of"


def school_year_of(day: dt.date) -> tuple[dt.date, dt.date]:
    """The US school year containing `day`: July 1 to June 30."""
    start_year = day.year if day.month >= 7 else day.year - 1
    return dt.date(start_year, 7, 1), dt.date(start_year + 1, 6, 30)


def rubric_named(rubric_id: str) -> Rubric:
    """The rubric with this id; a ConfigError naming the rubrics there are otherwise."""
    try:
        return load_rubric(rubric_id)
    except KeyError:
        raise ConfigError(f"Unknown rubric '{rubric_id}': use one of {', '.join(rubric_ids())}.") from None


def new_settings(school: str, rubric: str = "leap", *, today: dt.date | None = None) -> SchoolSettings:
    """Settings for a newly provisioned school: default norms, school year containing today."""
    start, end = school_year_of(today or dt.date.today())
    return SchoolSettings(school=school, rubric=rubric_named(rubric), school_year_start=start, school_year_end=end,
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


def from_metadata(metadata: Mapping[str, str],
                  norm_overrides: Mapping[str, object] | None = None) -> tuple[SchoolSettings, Template]:
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
        template = load_template(metadata.get("template", "default")).for_rubric(rubric, form=True)  # form columns read if there
    except (KeyError, ValueError, ValidationError) as exc:
        raise ConfigError(f"The tracker's settings cannot be used: {exc}") from exc
    return settings, template


def stored_as_of(metadata: Mapping[str, str]) -> dt.date | None:
    """The as-of date a demo tracker keeps in its metadata, if any (see tracker_sync.synthetic.demo)."""
    try:
        return dt.date.fromisoformat(metadata[DEMO_AS_OF])
    except (KeyError, ValueError):
        return None


def outside_school_year(settings: SchoolSettings, day: dt.date) -> str | None:
    """A warning when ``day`` lies outside the school year: pace and coverage count from its start."""
    start, end = settings.school_year_start, settings.school_year_end
    if start <= day <= end:
        return None
    return (f"as of {day} is outside the school year of {settings.school} ({start} to {end}): "
            "coverage, pace and trends count from the school year, so check the as-of date.")
