"""docs/leaders/teacher-pages.md is true: every command it shows runs, in order, and prints what the page shows;
its Google commands run against the fake (spreadsheet ids Google makes up aside).

What happens outside the shell is played on the fake where the page has ``<!-- google-fake: ACTION -->``:
``demo-tracker-on-google`` (the demo school's tracker on Google, its staff Google accounts, a shared drive for
the pages) and ``coaches-change-three-teachers`` (a coach corrects one row of each of three teachers).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from page_steps import SPREADSHEET_ID, made_up, steps

from tracker_sync.backends.google.workbook import GoogleWorkbook, google_client
from tracker_sync.sync import check_tracker
from tracker_sync.synthetic.demo import provision_school
from tracker_sync.synthetic.school import synthetic_school
from tracker_sync.testing.google_fake import GoogleFake

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "leaders" / "teacher-pages.md"
PAGES_DRIVE = "0AGqTeacherPagesUk9PVA"
CHANGED = ("Beatriz Lee", "Renée Begay", "Kevin Baker")


class World:
    """The fake's Google and a reader's shell, in ``home``."""

    def __init__(self, fake: GoogleFake, home: Path) -> None:
        self.fake, self.home = fake, home
        account = fake.service_account_info()
        (home / "key.json").write_text(json.dumps(account))
        self.http = google_client(service_account_info=account, api_base=fake.base_url)
        self.env = {"PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8",
                    "COLUMNS": "10000", "TRACKER_SYNC_GOOGLE_CREDENTIALS": str(home / "key.json"),
                    "TRACKER_SYNC_GOOGLE_API_BASE": fake.base_url}
        self.members = {account["client_email"]: "fileOrganizer"}
        self.tracker: GoogleWorkbook | None = None

    def act(self, action: str) -> None:
        if action == "demo-tracker-on-google":
            demo = synthetic_school(7)
            drive = self.fake.add_shared_drive("Coaching trackers", self.members)
            self.tracker = GoogleWorkbook.create("Cottonwood Community School – coaching tracker", self.http, folder_id=drive)
            provision_school(self.tracker, demo, frozen_at=demo.as_of)
            emails = [row[1] for row in demo.grids["Roster"][1:] if row[1]]
            self.fake.add_workspace(emails[0].split("@")[1], emails)
            self.fake.add_shared_drive("Teacher pages", self.members, drive_id=PAGES_DRIVE)
        elif action == "coaches-change-three-teachers":
            assert self.tracker is not None
            observations = check_tracker(self.tracker).result.records.observations
            for teacher in CHANGED:
                latest = max((o for o in observations if o.teacher == teacher), key=lambda o: o.date)
                self.http.values_update(self.tracker.spreadsheet_id, f"'Observations'!E{latest.row}",
                                        params={"valueInputOption": "RAW"},
                                        body={"values": [["I.8" if latest.focus_indicator != "I.8" else "I.7"]]})
        else:
            raise AssertionError(f"the page asks for an unknown google-fake action {action!r}")

    def run(self, command: str) -> tuple[str, int]:
        if self.tracker is not None:
            command = SPREADSHEET_ID.sub(self.tracker.spreadsheet_id, command, count=1)
        done = subprocess.run(["bash", "-c", command], cwd=self.home, env=self.env, text=True, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, timeout=300)
        return done.stdout, done.returncode


def play(text: str, home: Path) -> list[tuple[str, str, str]]:
    """Every command of the page run in order: (command, what the page shows, what it printed)."""
    ran = []
    with GoogleFake() as fake:
        world = World(fake, home)
        for step in steps(text):
            if step.action:
                world.act(step.action)
                continue
            printed, status = world.run(step.command)
            assert status == 0, f"$ {step.command}\n{printed}"
            ran.append((step.command, step.shown, printed))
    return ran


def test_the_page_is_listed_with_a_section_for_the_command():
    text = PAGE.read_text(encoding="utf-8")
    assert "## `tracker-sync teacher-pages`" in text and "](../teacher-page.png)" in text
    assert (ROOT / "docs" / "teacher-page.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_every_command_on_the_page_prints_what_the_page_shows(tmp_path):
    for command, shown, printed in play(PAGE.read_text(encoding="utf-8"), tmp_path):
        assert made_up(printed) == made_up(shown), f"$ {command}"
