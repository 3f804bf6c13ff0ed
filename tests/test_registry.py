"""The district registry: defaults, hand-written TOML, clear errors naming school and field, round trip."""

from __future__ import annotations

import tomllib

import pytest

from tracker_sync.backends.google.quota import QuotaLimits
from tracker_sync.district.registry import load_registry, save_registry, upsert_school
from tracker_sync.errors import ConfigError

GOOD = """
[district]
name = "Front Range"
credentials = ["keys/sync-1.json", "keys/sync-2.json"]
reads_per_minute_per_credential = 50

[schools."Lincoln Elementary"]
backend = "xlsx"
location = "trackers/lincoln.xlsx"

[schools."Cedar Ridge K-8"]
id = "cedar"
backend = "google"
location = "https://docs.google.com/spreadsheets/d/1AbCdEfGhIjKlMnOpQrStUvWxYz012345/edit"
timezone = "America/Chicago"
sync = { every_minutes = 30, start = "07:00", end = "16:00", days = ["Mon", "wed"] }
ilt = { day = "thu", time = "08:00", brief_minutes_before = 90 }
norms = { observation_gap_days = 10 }
briefs = "/srv/briefs/cedar"
credential = "keys/sync-2.json"
"""


def write(tmp_path, text):
    path = tmp_path / "district.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_and_hand_written_fields(tmp_path):
    registry = load_registry(write(tmp_path, GOOD))
    lincoln, cedar = registry.schools.values()
    assert lincoln.id == "lincoln-elementary" and lincoln.timezone == "America/Denver"
    assert (lincoln.sync.every_minutes, lincoln.sync.start, lincoln.sync.end) == (15, "06:00", "18:00")
    assert lincoln.sync.days == ("mon", "tue", "wed", "thu", "fri")
    assert (lincoln.ilt.day, lincoln.ilt.time, lincoln.ilt.brief_minutes_before) == ("tue", "07:30", 60)
    assert registry.resolve(lincoln.location) == tmp_path / "trackers" / "lincoln.xlsx"
    assert registry.resolve(lincoln.briefs) == tmp_path / "briefs" / "lincoln-elementary"
    assert cedar.sync.days == ("mon", "wed") and cedar.norms == {"observation_gap_days": 10}
    assert registry.history_path == tmp_path / "district-history.sqlite"
    assert registry.district.quota == QuotaLimits(reads_per_credential=50, writes_per_credential=60,
                                                  reads_per_project=300, writes_per_project=300)
    assert [registry.resolve(c) for c in registry.district.credentials] == [tmp_path / "keys" / "sync-1.json",
                                                                           tmp_path / "keys" / "sync-2.json"]
    assert (lincoln.credential, cedar.credential) == ("", "keys/sync-2.json")


@pytest.mark.parametrize("entry, expected", [
    ('backend = "xlsx"\nlocation = "a.xlsx"\nsync = { start = "7:00" }',
     'school "A", field sync.start: \'7:00\' is not a time of day'),
    ('backend = "xlsx"\nlocation = "a.xlsx"\nsync = { days = ["funday"] }', 'school "A", field sync.days'),
    ('backend = "xlsx"\nlocation = "a.xlsx"\nsync = { start = "18:00", end = "06:00" }', "end 06:00 is before start 18:00"),
    ('backend = "xlsx"\nlocation = "a.xlsx"\ntimezone = "Mars/Base"',
     'school "A", field timezone: \'Mars/Base\' is not an IANA timezone'),
    ('backend = "xlsx"\nlocation = "a.xlsx"\nnorms = { observation_gap_dayz = 3 }',
     'school "A", field norms.observation_gap_dayz'),
    ('backend = "xlsx"\nlocation = "a.xlsx"\nnorms = { observation_gap_days = 0 }', "greater than or equal to 1"),
    ('backend = "sheets"\nlocation = "a.xlsx"', 'school "A", field backend'),
    ('backend = "google"\nlocation = "lincoln.xlsx"', "is not a Google Sheets URL or spreadsheet id"),
    ('backend = "xlsx"\nlocation = "a.csv"', "must be a path ending in .xlsx"),
    ('location = "a.xlsx"', 'school "A", field backend: Field required'),
    ('backend = "xlsx"\nlocation = "a.xlsx"\nilt = { day = "tue", tme = "07:30" }', 'school "A", field ilt.tme'),
])
def test_errors_name_the_school_and_the_field(tmp_path, entry, expected):
    with pytest.raises(ConfigError) as error:
        load_registry(write(tmp_path, f'[schools."A"]\n{entry}\n'))
    assert expected in str(error.value)
    assert "Fix it in the file" in str(error.value) and "\n" not in str(error.value)  # one problem, one line


def test_every_problem_is_listed_at_once(tmp_path):
    text = ('[district]\nwrites_per_minute_per_project = 0\n[schools."A"]\nbackend = "xlsx"\nlocation = "a.xlsx"\n'
            'timezone = "X/Y"\n'
            '[schools."B"]\nid = "a"\nbackend = "xlsx"\nlocation = "b.xlsx"\n')
    with pytest.raises(ConfigError) as error:
        load_registry(write(tmp_path, text))
    message = str(error.value)
    assert "has 2 problems:" in message and "field district.writes_per_minute_per_project" in message
    assert 'school "A", field timezone' in message


def test_the_old_single_quota_gets_one_line_saying_what_replaced_it(tmp_path):
    with pytest.raises(ConfigError) as error:
        load_registry(write(tmp_path, '[district]\nquota_per_minute = 60\n'))
    (line,) = str(error.value).splitlines()
    assert "quota_per_minute, which is gone" in line and "reads_per_minute_per_credential" in line
    assert "writes_per_minute_per_project (default 300); delete the quota_per_minute line." in line


@pytest.mark.parametrize("district, entry, expected", [
    ('credentials = ["a.json"]', 'credential = "b.json"',
     "names the credential 'b.json', which is not one of [district] credentials (a.json)"),
    ("", 'credential = "a.json"', "not one of [district] credentials (none listed)"),
    ('credentials = ["a.json", "a.json"]', "", "a credential file is listed twice"),
])
def test_a_school_names_only_a_listed_credential(tmp_path, district, entry, expected):
    google = 'backend = "google"\nlocation = "https://docs.google.com/spreadsheets/d/1AbCdEfGhIjKlMnOpQrStUvWxYz012345/edit"'
    with pytest.raises(ConfigError) as error:
        load_registry(write(tmp_path, f'[district]\n{district}\n[schools."A"]\n{google}\n{entry}\n'))
    assert expected in str(error.value)


def test_duplicate_ids_and_bad_toml_and_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="same id 'a'"):
        load_registry(write(tmp_path, '[schools.A]\nbackend = "xlsx"\nlocation = "a.xlsx"\n'
                                      '[schools.B]\nid = "a"\nbackend = "xlsx"\nlocation = "b.xlsx"\n'))
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_registry(write(tmp_path, "[schools\n"))
    with pytest.raises(ConfigError, match="No registry at .*provision --registry"):
        load_registry(tmp_path / "absent.toml")


def test_save_keeps_the_file_short_and_round_trips(tmp_path):
    path = write(tmp_path, GOOD)
    registry = load_registry(path)
    save_registry(registry, path)
    document = tomllib.loads(path.read_text())
    assert document["schools"]["Lincoln Elementary"] == {"backend": "xlsx", "location": "trackers/lincoln.xlsx"}
    assert load_registry(path).schools == registry.schools


def test_upsert_adds_and_updates_keeping_hand_edits(tmp_path):
    path = tmp_path / "district.toml"
    upsert_school(path, "Lincoln Elementary", backend="google",
                  location="https://docs.google.com/spreadsheets/d/1AbCdEfGhIjKlMnOpQrStUvWxYz012345/edit", rubric="leap")
    text = path.read_text().replace('rubric = "leap"', 'rubric = "leap"\nnorms = { observation_gap_days = 7 }')
    path.write_text(text)
    school = upsert_school(path, "Lincoln Elementary", rubric="danielson")
    assert school.rubric == "danielson" and school.norms == {"observation_gap_days": 7}
    with pytest.raises(ConfigError, match='school "Lincoln Elementary", field timezone'):
        upsert_school(path, "Lincoln Elementary", timezone="Nowhere")
    assert load_registry(path).schools["Lincoln Elementary"].timezone == "America/Denver"  # refused, file unchanged


def test_the_google_provision_entry_format_loads(tmp_path):
    """provision --backend google --registry records {backend, location, rubric}; that is a valid entry."""
    path = write(tmp_path, '[schools."Lincoln Elementary"]\nbackend = "google"\nrubric = "leap"\n'
                           'location = "https://docs.google.com/spreadsheets/d/1AbCdEfGhIjKlMnOpQrStUvWxYz012345/edit"\n')
    assert load_registry(path).schools["Lincoln Elementary"].id == "lincoln-elementary"
