"""School settings <-> the tracker's own metadata (str -> str), so a tracker file carries its setup."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping

from pydantic import ValidationError

from tracker_sync.errors import ConfigError
from tracker_sync.rollover.links import refuse_archived
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


def provision_settings(present: Mapping[str, str], *, school: str | None, rubric: str | None, rename: bool | None = False,
                       today: dt.date | None = None, tracker: str = "This tracker") -> tuple[SchoolSettings, dict[str, str]]:
    """The settings a provision run works with, and the metadata it may write.

    A tracker with no setup yet gets new settings from ``school`` and ``rubric`` (default LEAP). An
    existing tracker keeps its own: school, rubric, school year, holidays and norms stay as they are,
    and only keys it lacks are written. Asking for something else is refused, never applied quietly:
    a different rubric always (its scores are on its own rubric's scale, and the other rubric's tab
    would start empty), a different school name unless ``rename`` says that is the point (``None``:
    the caller found the tracker by the school's name, so a different name means it found the wrong one).
    """
    school = " ".join((school or "").split()) or None  # a blank name is no name
    refuse_archived(present, tracker, "repair or change the school's tracker")
    if "school" not in present or "rubric" not in present:
        if not school:
            raise ConfigError(f"{tracker} has no tracker-sync setup yet: give --school NAME for the new tracker.")
        if rename:
            raise ConfigError(f"{tracker} has no school name yet, so there is nothing to rename: leave out --rename.")
        settings = new_settings(school, "leap" if rubric is None else rubric, today=today)
        return settings, to_metadata(settings)
    defaults = to_metadata(new_settings(present["school"], today=today))  # fills only keys the tracker lacks
    own, _template = from_metadata({**defaults, **present})
    if rubric is not None and rubric_named(rubric).id != own.rubric.id:
        raise ConfigError(f"{tracker} is a {own.rubric.name} tracker; --rubric {rubric} would change its rubric, which never "
                          "changes (its scores are on that scale). Leave out --rubric to repair it, or provision a new tracker.")
    writes = {key: value for key, value in defaults.items() if key not in present}
    if school and school != own.school:
        if rename is None:
            raise ConfigError(f"{tracker} is the tracker of '{own.school}', not '{school}': check the school's registry "
                              "entry, or the spreadsheet's title, which names another school's tracker.")
        if not rename:
            raise ConfigError(f"{tracker} is the tracker of '{own.school}', not '{school}'. Leave out --school to repair it, "
                              f"or add --rename to rename the school to '{school}'.")
        own = own.model_copy(update={"school": school})
        writes["school"] = school
    elif rename:
        raise ConfigError(f"--rename needs --school with the new name ({tracker} is the tracker of '{own.school}').")
    return own, writes


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
