"""The district registry: one TOML file that lists every school's tracker and when to sync it.

Written by ``tracker-sync provision --registry`` and editable by hand; :func:`load_registry`
validates it with pydantic and names the school and field of every mistake. Only ``backend`` and
``location`` are required per school; everything else has the district default::

    [district]
    name = "Front Range Schools"
    credentials = ["keys/sync-1.json", "keys/sync-2.json"]   # service accounts; schools spread over them
    folder = "0AFb7mJmIeGFXUk9PVA"          # Google: the shared drive (or folder) new spreadsheets go in
    act_as = "data-lead@district.org"       # Google: the district user the service accounts act as (delegation)
    domain = "district.org"                 # Google: who may answer the schools' observation forms
    reads_per_minute_per_credential = 60    # Google's quota, per service account (defaults shown)
    writes_per_minute_per_credential = 60
    reads_per_minute_per_project = 300      # ... and for the whole project
    writes_per_minute_per_project = 300
    history = "district-history.sqlite"   # relative to this file
    page_writes_per_pass = 20               # teachers' Google pages a school's sync writes at most (the rest: next sync)

    [schools."Lincoln Elementary"]
    id = "lincoln"                 # default: the name as a slug
    backend = "google"             # or "xlsx"
    credential = "keys/sync-2.json"   # default: one of [district] credentials, chosen stably
    location = "https://docs.google.com/spreadsheets/d/1AbC.../edit"   # or an .xlsx path
    rubric = "leap"
    timezone = "America/Denver"
    briefs = "briefs/lincoln"      # folder for the ILT brief; default briefs/<id>
    calendars = "calendars/lincoln"   # folder for the coaching plan's calendar feeds; default: none written
    sync = { every_minutes = 15, start = "06:00", end = "18:00", days = ["mon", "tue", "wed", "thu", "fri"] }
    ilt = { day = "tue", time = "07:30", brief_minutes_before = 60 }
    norms = { observation_gap_days = 10 }
    teacher_pages = { folder = "0AGq...", html = "pages/lincoln" }   # each teacher's 1:1 page, made by every sync

    [district.years."2027-28"]     # read by `tracker-sync rollover --registry ... --year 2027-28`
    first_day = 2027-08-16
    last_day = 2028-05-26
    holidays = [2027-09-06, 2027-11-22, 2027-11-23, 2027-11-24, 2027-11-25, 2027-11-26]

Relative paths (xlsx trackers, briefs, calendars, history, credentials) are read relative to the registry file.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from tracker_sync.backends.google.form import check_domain
from tracker_sync.backends.google.quota import QuotaLimits
from tracker_sync.errors import ConfigError
from tracker_sync.validate.cells import is_email
from tracker_sync.wording import plural

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_TIME = re.compile(r"([01]\d|2[0-3]):([0-5]\d)")


def slug(name: str) -> str:
    """'Lincoln Elementary' -> 'lincoln-elementary' (ids, folder names, job ids)."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def _clock_time(value: str) -> str:
    if not isinstance(value, str) or not _TIME.fullmatch(value):
        raise ValueError(f"{value!r} is not a time of day; write it as HH:MM, e.g. '07:30'")
    return value


def _weekday(value: str) -> str:
    day = str(value).strip().lower()[:3]
    if day not in WEEKDAYS:
        raise ValueError(f"{value!r} is not a weekday; use one of {', '.join(WEEKDAYS)}")
    return day


def _timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{value!r} is not an IANA timezone, e.g. 'America/Denver'") from None
    return value


def as_time(value: str) -> dt.time:
    hours, minutes = value.split(":")
    return dt.time(int(hours), int(minutes))


def _folder_id(value: str) -> str:
    """A Drive folder or shared drive, given as its id or its address: the id."""
    from tracker_sync.backends.google.workbook import folder_id_from

    try:
        return folder_id_from(value) if value else value
    except ConfigError as exc:
        raise ValueError(str(exc).rstrip(".")) from None


FolderId = Annotated[str, AfterValidator(_folder_id)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SyncSchedule(_Strict):
    """When a school syncs: every N minutes from start to end (both included), on these weekdays, local time."""

    every_minutes: int = Field(15, ge=1, le=720)
    start: str = "06:00"
    end: str = "18:00"
    days: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri")

    _start = field_validator("start", "end")(_clock_time)

    @field_validator("days", mode="before")
    @classmethod
    def _days(cls, value: Any) -> tuple[str, ...]:
        if isinstance(value, str):
            value = [value]
        days = tuple(_weekday(v) for v in value)
        if not days:
            raise ValueError("give at least one weekday")
        return days

    @model_validator(mode="after")
    def _window(self) -> SyncSchedule:
        if as_time(self.end) < as_time(self.start):
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self


class IltMeeting(_Strict):
    """The weekly ILT meeting; the brief is rendered ``brief_minutes_before`` it starts."""

    day: str = "tue"
    time: str = "07:30"
    brief_minutes_before: int = Field(60, ge=0, le=24 * 60)
    include_names: bool = False

    _time = field_validator("time")(_clock_time)
    _day = field_validator("day")(_weekday)


class TeacherPages(_Strict):
    """``teacher_pages``: each teacher's own 1:1 page, made by every sync (tracker_sync.pages).

    ``folder``: the Drive folder or shared drive (id or address) for one spreadsheet per teacher, shared
    view only with that teacher and their Team Lead (Google schools only); ``html``: a local folder for
    one printable HTML page per teacher (relative to the registry file). Either or both.
    """

    folder: FolderId = ""
    html: str = ""

    @model_validator(mode="after")
    def _somewhere(self) -> TeacherPages:
        if not (self.folder or self.html):
            raise ValueError("say where the pages go: folder (a Drive folder id) and/or html (a local folder)")
        return self


class School(_Strict):
    """One school's tracker in the registry."""

    name: str
    id: str = ""
    backend: Literal["xlsx", "google"]
    location: str = Field(description="Google Sheets URL or spreadsheet id, or a path to an .xlsx file")
    rubric: str = "leap"
    timezone: str = "America/Denver"
    sync: SyncSchedule = Field(default_factory=SyncSchedule)
    ilt: IltMeeting | None = Field(default_factory=IltMeeting)
    norms: dict[str, Any] = Field(default_factory=dict)
    briefs: str = ""
    #: The coaching plan's calendar feeds (tracker_sync.calendars), rewritten after each sync; none
    #: when blank: the feeds name teachers, so a school opts in.
    calendars: str = ""
    credential: str = Field("", description="one of [district] credentials; default: chosen stably per school")
    teacher_pages: TeacherPages | None = None

    @field_validator("ilt", mode="before")
    @classmethod
    def _no_meeting(cls, value: Any) -> Any:
        return None if value is False else value  # `ilt = false`: this school gets no scheduled brief

    _zone = field_validator("timezone")(_timezone)

    @field_validator("norms")
    @classmethod
    def _norms(cls, value: dict[str, Any]) -> dict[str, Any]:
        from tracker_sync.schemas import Norms
        from tracker_sync.sheet_templates import default_norms

        Norms.model_validate({**default_norms().model_dump(), **value})  # unknown or bad norms fail here
        return value

    @model_validator(mode="after")
    def _fill(self) -> School:
        if not self.id:
            object.__setattr__(self, "id", slug(self.name))
        if not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", self.id):
            raise ValueError(f"id {self.id!r} must be lower-case letters, digits, '-' or '_'")
        if self.backend == "xlsx" and not self.location.lower().endswith((".xlsx", ".xlsm")):
            raise ValueError(f"location {self.location!r} of an xlsx school must be a path ending in .xlsx")
        if self.backend == "google":
            from tracker_sync.backends.google.workbook import looks_like_google

            if not looks_like_google(self.location):
                raise ValueError(f"location {self.location!r} is not a Google Sheets URL or spreadsheet id")
        if not self.briefs:
            object.__setattr__(self, "briefs", f"briefs/{self.id}")
        if self.credential and self.backend != "google":
            raise ValueError("credential is for Google schools only")
        if self.teacher_pages and self.teacher_pages.folder and self.backend != "google":
            raise ValueError("teacher_pages.folder makes Google spreadsheets, for Google schools only; give html = FOLDER")
        return self

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def name_mismatch(self, tracker_school: str, where: str) -> str | None:
        """One line when the tracker at ``where`` names its school otherwise than this entry does (the
        district's outputs would show one name, the school's tabs and brief another), saying how to fix it."""
        if tracker_school == self.name:
            return None
        rename = (f", or rename the tracker's school: tracker-sync provision --out {where} --school \"{self.name}\" --rename"
                  if self.backend == "xlsx" else "")
        return (f"The registry's school \"{self.name}\" is \"{tracker_school}\" in its tracker ({where}): rename the "
                f"registry entry to [schools.\"{tracker_school}\"] (keep id = \"{self.id}\" to keep its history){rename}.")


class DistrictReportSettings(_Strict):
    """``[district.report]``: the district report (``tracker-sync district-report``, and ``serve`` weekly).

    ``location`` is the xlsx file (default ``district-report.xlsx`` beside the registry);
    ``spreadsheet`` the Google one, recorded the first time a report provisions it and shared, view
    only, with the named ``staff`` and no one else (``shared``: who it was shared with, written by
    tracker-sync). Figures from fewer than ``min_cell`` teachers or scores are suppressed. A school is
    stale once ``stale_after_days`` of its sync days passed since its last good sync's as-of date.
    """

    backend: Literal["xlsx", "google"] = "xlsx"
    location: str = ""
    spreadsheet: str = ""
    briefs: str = "briefs/district"
    staff: tuple[str, ...] = ()
    shared: tuple[str, ...] = ()
    min_cell: int = Field(5, ge=2, le=100)
    stale_after_days: int = Field(2, ge=1)
    schedule: bool = True
    day: str = "mon"
    time: str = "06:00"
    timezone: str = "America/Denver"

    _time = field_validator("time")(_clock_time)
    _day = field_validator("day")(_weekday)

    _zone = field_validator("timezone")(_timezone)

    @field_validator("staff")
    @classmethod
    def _emails(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for email in value:
            if not is_email(email):
                raise ValueError(f"{email!r} is not an email address; list named district staff, e.g. 'ana@district.org'")
        return value

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class YearDates(_Strict):
    """``[district.years."2027-28"]``: a school year's first and last day and holidays, for every school."""

    first_day: dt.date
    last_day: dt.date
    holidays: tuple[dt.date, ...] = ()

    @model_validator(mode="after")
    def _order(self) -> YearDates:
        if self.last_day <= self.first_day:
            raise ValueError(f"last_day {self.last_day} is not after first_day {self.first_day}")
        outside = [d for d in self.holidays if not self.first_day <= d <= self.last_day]
        if outside:
            raise ValueError(f"the holiday {outside[0]} is outside {self.first_day} to {self.last_day}")
        return self


_DEFAULT_QUOTA = QuotaLimits()


class District(_Strict):
    """The district table: its service accounts, Google's quota as it applies to them, and the service's settings."""

    name: str = "District"
    credentials: tuple[str, ...] = ()  # service-account key files; none: TRACKER_SYNC_GOOGLE_CREDENTIALS or ADC
    folder: FolderId = Field("", description="Drive folder or shared drive id for new Google spreadsheets (trackers, the report)")
    act_as: str = Field("", description="the district user the service accounts act as (domain-wide delegation)")
    domain: str = Field("", description="the district's Google Workspace domain: whose people may answer the observation forms")
    reads_per_minute_per_credential: int = Field(_DEFAULT_QUOTA.reads_per_credential, ge=1)
    writes_per_minute_per_credential: int = Field(_DEFAULT_QUOTA.writes_per_credential, ge=1)
    reads_per_minute_per_project: int = Field(_DEFAULT_QUOTA.reads_per_project, ge=1)
    writes_per_minute_per_project: int = Field(_DEFAULT_QUOTA.writes_per_project, ge=1)
    history: str = ""
    misfire_grace_s: int = Field(300, ge=1)
    workers: int = Field(4, ge=1, le=32)
    #: Teachers' Google pages one school's sync may write in one pass; the rest wait for its next sync.
    page_writes_per_pass: int = Field(20, ge=1)
    report: DistrictReportSettings = Field(default_factory=DistrictReportSettings)
    years: dict[str, YearDates] = Field(default_factory=dict)

    @field_validator("years")
    @classmethod
    def _year_labels(cls, value: dict[str, YearDates]) -> dict[str, YearDates]:
        for label in value:
            if not re.fullmatch(r"\d{4}-\d{2}", label) or (int(label[:4]) + 1) % 100 != int(label[5:]):
                raise ValueError(f"{label!r} is not a school year; name it like \"2027-28\"")
        return value

    @field_validator("credentials")
    @classmethod
    def _distinct(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if len(set(value)) != len(value):
            raise ValueError("a credential file is listed twice")
        return value

    @field_validator("act_as")
    @classmethod
    def _user(cls, value: str) -> str:
        if value and not is_email(value):
            raise ValueError(f"{value!r} is not an email address; name the district user to act as, "
                             "e.g. 'data-lead@district.org'")
        return value

    @field_validator("domain")
    @classmethod
    def _domain(cls, value: str) -> str:
        try:
            return check_domain(value, "domain") if value else value
        except ConfigError as exc:
            raise ValueError(str(exc).rstrip(".")) from None

    @property
    def quota(self) -> QuotaLimits:
        return QuotaLimits(self.reads_per_minute_per_credential, self.writes_per_minute_per_credential,
                           self.reads_per_minute_per_project, self.writes_per_minute_per_project)


class Registry(_Strict):
    """The whole file. ``path`` is where it was read from (relative paths resolve against its folder)."""

    district: District = Field(default_factory=District)
    schools: dict[str, School] = Field(default_factory=dict)
    path: Path | None = Field(None, exclude=True)

    @model_validator(mode="after")
    def _unique_ids(self) -> Registry:
        seen: dict[str, str] = {}
        for name, school in self.schools.items():
            if school.id in seen:
                raise ValueError(f"schools {seen[school.id]!r} and {name!r} have the same id {school.id!r}; give one an id = ...")
            seen[school.id] = name
            if school.credential and school.credential not in self.district.credentials:
                raise ValueError(f"school {name!r} names the credential {school.credential!r}, which is not one of "
                                 f"[district] credentials ({', '.join(self.district.credentials) or 'none listed'})")
        return self

    def resolve(self, relative: str) -> Path:
        path = Path(relative).expanduser()
        return path if path.is_absolute() or self.path is None else self.path.parent / path

    @property
    def history_path(self) -> Path:
        default = f"{self.path.stem if self.path else 'district'}-history.sqlite"
        return self.resolve(self.district.history or default)

    @property
    def report_workbook_path(self) -> Path:
        """The District workbook of an xlsx report: ``[district.report] location``, else beside the registry."""
        return self.resolve(self.district.report.location or "district-report.xlsx")

    def by_id(self, school_id: str) -> School:
        for school in self.schools.values():
            if school.id == school_id:
                return school
        raise ConfigError(f"No school with id {school_id!r} in the registry {self.path}.")


def _where(loc: tuple) -> str:
    """'school "Lincoln Elementary", field sync.start' from a pydantic error location."""
    parts = [str(p) for p in loc]
    if parts[:1] == ["schools"] and len(parts) >= 2:
        school = parts[1]
        field = ".".join(parts[2:]) or "(the whole entry)"
        return f'school "{school}", field {field}'
    return "field " + ".".join(parts) if parts else "the registry"


def parse_registry(document: dict[str, Any], path: Path | None = None) -> Registry:
    """Validate a parsed TOML document; a ConfigError lists every problem with its school and field."""
    district = document.get("district")
    if isinstance(district, dict) and "quota_per_minute" in district:
        raise ConfigError(
            f"The registry {path or ''} still sets quota_per_minute, which is gone: Google counts reads and writes apart, "
            "per service account and per project, so [district] now takes reads_per_minute_per_credential and "
            "writes_per_minute_per_credential (default 60) and reads_per_minute_per_project and "
            "writes_per_minute_per_project (default 300); delete the quota_per_minute line.")
    schools = document.get("schools", {})
    data = {**document, "schools": {name: {"name": name, **entry} if isinstance(entry, dict) else entry
                                    for name, entry in schools.items()} if isinstance(schools, dict) else schools}
    try:
        return Registry.model_validate({**data, "path": path})
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            message = error["msg"].removeprefix("Value error, ")
            lines.append(f"  - {_where(error['loc'])}: {message}")
        if len(lines) == 1:
            raise ConfigError(f"The registry {path or ''}: {lines[0].removeprefix('  - ')}. Fix it in the file; "
                              "see docs/district/registry.md for the format.") from exc
        raise ConfigError(f"The registry {path or ''} has {plural(len(lines), 'problem')}:\n" + "\n".join(lines)
                          + "\nFix them in the file; see docs/district/registry.md for the format.") from exc


def load_registry(path: Path) -> Registry:
    """Read and validate the registry file."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"No registry at {path}. Create one with `tracker-sync provision --registry {path}` "
                          "or write it by hand (see docs/district/registry.md).") from None
    except IsADirectoryError:
        raise ConfigError(f"{path} is a folder, not a registry: give the registry's .toml file, "
                          f"e.g. {path / 'district.toml'}.") from None
    except UnicodeDecodeError:
        raise ConfigError(f"The registry {path} is not a text file (is it a spreadsheet?): "
                          "give the district's .toml file.") from None
    except OSError as exc:
        raise ConfigError(f"Cannot read the registry {path}: {exc.strerror or exc}.") from exc
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"The registry {path} is not valid TOML: {exc}.") from exc
    return parse_registry(document, path)


def registry_document(registry: Registry) -> dict[str, Any]:
    """The registry as TOML data, leaving out values equal to their defaults (so the file stays short)."""
    district = registry.district.model_dump(exclude_defaults=True)
    schools = {}
    for name, school in registry.schools.items():
        entry = school.model_dump(exclude_defaults=True, exclude={"name"})
        if entry.get("id") == slug(name):
            entry.pop("id")
        if entry.get("briefs") == f"briefs/{school.id}":
            entry.pop("briefs")
        if school.ilt is None:
            entry["ilt"] = False
        schools[name] = entry
    return {**({"district": district} if district else {}), "schools": schools}


def save_registry(registry: Registry, path: Path) -> None:
    """Write atomically (temp file + rename) under the registry's lock."""
    _write_locked(path, lambda _old: registry_document(registry))


def upsert_school(path: Path, name: str, **fields: Any) -> School:
    """Add a school or update some of its fields, validated, atomically; what provision calls.

    Example: ``upsert_school(Path("district.toml"), "Lincoln Elementary", backend="google",
    location=workbook.location, rubric="leap")``. Hand-edited fields of an existing school are kept.
    """
    def change(document: dict[str, Any]) -> dict[str, Any]:
        document.setdefault("schools", {}).setdefault(name, {}).update(fields)
        parse_registry(document, path)  # refuse to write a registry that would not load
        return document

    _write_locked(path, change)
    return load_registry(path).schools[name]


def record_district_report(path: Path, **fields: Any) -> Registry:
    """Set fields of ``[district.report]`` (the spreadsheet the report provisioned), validated, atomically."""
    def change(document: dict[str, Any]) -> dict[str, Any]:
        document.setdefault("district", {}).setdefault("report", {}).update(fields)
        parse_registry(document, path)  # refuse to write a registry that would not load
        return document

    _write_locked(path, change)
    return load_registry(path)


def _write_locked(path: Path, change) -> None:
    import tomli_w
    from filelock import FileLock

    path.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(path) + ".lock", timeout=30):
        document = tomllib.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        document = change(document)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                tomli_w.dump(document, out)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
