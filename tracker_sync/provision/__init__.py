"""Provisioning a school's tracker (xlsx here; Google in backends/google_provision.py), recorded in the registry.

Both backends follow one rule (:func:`provision_settings`): a new tracker gets the
settings given; an existing one keeps its own school, rubric, school year and norms, gets only
what it lacks (tabs, headers, dropdowns, metadata keys), and a request to change a setting is
refused with one line instead of being applied quietly. With ``--registry`` the school is
recorded (or found) in the district registry, whatever the backend, so the next ``sync-all``
knows it.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path

from tracker_sync.errors import ConfigError
from tracker_sync.metadata import from_metadata, new_settings, rubric_named, to_metadata
from tracker_sync.rollover.links import refuse_archived
from tracker_sync.schemas import SchoolSettings

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")


@dataclass
class ProvisionResult:
    school: str
    tracker: str  # the .xlsx path or the spreadsheet's URL, named as in every other command's --json
    created: bool
    rubric: str
    coach_tabs: list[str] = field(default_factory=list)
    shared: dict[str, str] = field(default_factory=dict)  # email -> role
    registry: str | None = None  # the registry the school is recorded in
    form: str | None = None  # Google: the observation form's link (what coaches open on a phone)
    form_note: str = ""  # Google: why there is no form, when there is none

    def to_dict(self) -> dict:
        """As --json prints it; ``form`` and ``form_note`` only when there is a form or a word about one (never for .xlsx)."""
        out = asdict(self)
        if self.form is None and not self.form_note:
            del out["form"], out["form_note"]
        return out


def check_emails(emails: Iterable[str], option: str) -> None:
    """Refuse, before anything is created or shared, an address that cannot be one."""
    for email in emails:
        if not _EMAIL.fullmatch(email.strip()):
            raise ConfigError(f"{option} '{email}' is not an email address: give a full address, e.g. ana.lopez@school.org.")


def existing_registry(registry: Path | None):
    """The registry when the file exists, else None; a registry that could not be read or written is
    refused here, before any tracker is touched."""
    from tracker_sync.district.registry import load_registry

    if registry is None:
        return None
    if registry.exists() or registry.is_symlink():
        return load_registry(registry)
    folder = next(parent for parent in registry.parents if parent.exists())
    if not folder.is_dir():
        raise ConfigError(f"Cannot create the registry {registry}: {folder} is a file, not a folder. Give "
                          "another --registry path.")
    return None


def registry_entry(loaded, school: str | None, backend: str):
    """The school's entry in a loaded registry, or None; refused when it names another backend."""
    entry = loaded.schools.get(school) if loaded is not None and school else None
    if entry is not None and entry.backend != backend:
        raise ConfigError(f"'{school}' is in the registry with its tracker at {entry.location} ({entry.backend}); "
                          f"remove that entry first to move the school to {backend}.")
    return entry


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


def provision_xlsx_school(out: Path | None, *, school: str | None, rubric: str | None = None, rename: bool = False,
                          registry: Path | None = None, today: dt.date | None = None) -> ProvisionResult:
    """Create or repair the school's .xlsx tracker; with ``registry``, record it there."""
    from tracker_sync.backends.xlsx.workbook import XlsxWorkbook
    from tracker_sync.district.registry import upsert_school
    from tracker_sync.sheet_templates import load_template

    if rename and registry is not None:
        raise ConfigError("--rename cannot also update the registry: rename the school's entry in the registry by hand "
                          "(keep its id, so its history stays), then run provision again without --registry.")
    loaded = existing_registry(registry)
    entry = registry_entry(loaded, school, "xlsx")
    if out is None:
        if entry is None:
            raise ConfigError("Give --out FILE.xlsx (or --backend google).")
        out = loaded.resolve(entry.location)
    if out.is_dir():
        raise ConfigError(f"--out {out} is a folder: give the tracker's file name, e.g. {out / 'lincoln.xlsx'}.")
    if not out.name.lower().endswith((".xlsx", ".xlsm")):
        raise ConfigError(f"--out {out} is not an .xlsx file name: give a path ending in .xlsx, e.g. lincoln.xlsx.")
    workbook = XlsxWorkbook(out)
    created = not out.exists()
    present = {} if created else workbook.read([]).metadata
    settings, metadata = provision_settings(present, school=school, rubric=rubric, rename=rename, today=today,
                                            tracker=str(out))
    entry = registry_entry(loaded, settings.school, "xlsx")
    if entry is not None and loaded.resolve(entry.location).resolve() != out.resolve():
        raise ConfigError(f"'{settings.school}' is in the registry with its tracker at {entry.location}, not {out}; "
                          "give that --out, or edit the registry first.")
    template = load_template().for_rubric(settings.rubric)
    workbook.provision(template, metadata)
    if registry is not None:
        upsert_school(registry, settings.school, backend="xlsx", location=_relative_to(out, registry.parent),
                      rubric=settings.rubric.id)
    return ProvisionResult(settings.school, workbook.location, created, settings.rubric.id, template.coach_tab_names,
                           registry=str(registry) if registry else None)


def _relative_to(path: Path, folder: Path) -> str:
    """How the registry names a tracker: relative to the registry's folder when inside it, else absolute."""
    target, base = path.resolve(), folder.resolve()
    return os.path.relpath(target, base) if target.is_relative_to(base) else str(target)
