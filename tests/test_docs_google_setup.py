"""docs/district/google-setup.md is true: every command it shows runs, in order, against the Google fake,
and prints what the page says (ids Google makes up, the sign-in page's address and timings aside).

What the page's reader does in a browser (Cloud console, Drive, the Admin console, Google's consent
page) is played on the fake where the page has an HTML comment ``<!-- google-fake: ACTION [ARG] -->``:
the comment stands for that step, and the test does it to the fake's world at that point of the page.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from page_steps import SPREADSHEET_ID, made_up, steps

from tracker_sync.backends.google.auth import SCOPES
from tracker_sync.testing.google_fake import GoogleFake

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "district" / "google-setup.md"
SERVICE_ACCOUNT = "tracker-sync@district-coaching.iam.gserviceaccount.com"
DOMAIN = "district.example.org"
SHARED_DRIVE = "0AFb7mJmIeGFXUk9PVA"
class Reader:
    """The admin (and later a teacher) working through the page: their shell, and what they do in Google's pages."""

    def __init__(self, fake: GoogleFake, home: Path) -> None:
        self.fake, self.home = fake, home
        self.key = fake.service_account_info(SERVICE_ACCOUNT)
        self.state = home / ".shell-state"
        self.state.write_text("")
        bin_dir = Path(sys.executable).parent
        self.env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8", "BROWSER": "true",
                    "TRACKER_SYNC_GOOGLE_API_BASE": fake.base_url}  # the fake stands in for Google: the only difference
        fake.add_workspace(DOMAIN, [f"data-lead@{DOMAIN}", f"ana.lopez@{DOMAIN}", f"admin@{DOMAIN}"])
        fake.add_shared_drive("Coaching trackers", {f"admin@{DOMAIN}": "organizer", f"data-lead@{DOMAIN}": "organizer"},
                              drive_id=SHARED_DRIVE)

    def act(self, action: str) -> None:
        name, _, argument = action.partition(" ")
        if name == "download-key":  # Cloud console: Service accounts > Keys > Add key > JSON
            (self.home / "keys").mkdir(exist_ok=True)
            (self.home / "keys" / "tracker-sync.json").write_text(json.dumps(self.key))
        elif name == "add-to-shared-drive":  # Drive: the shared drive > Manage members > Content manager
            self.fake.drives[SHARED_DRIVE].members[SERVICE_ACCOUNT] = "fileOrganizer"
        elif name == "grant-delegation":  # Admin console: Manage domain-wide delegation > Add new
            self.fake.grant_delegation(DOMAIN, self.key["client_id"], list(SCOPES))
        elif name == "download-oauth-client":  # Cloud console: Credentials > OAuth client ID > Desktop app > Download JSON
            (self.home / "client_secret.json").write_text(json.dumps(self.fake.oauth_client()))
        elif name == "signed-in":  # the browser the consent page opens in
            self.fake.sign_in(argument)
        else:
            raise AssertionError(f"the page asks for an unknown google-fake action {action!r}")

    def run(self, command: str) -> tuple[str, int]:
        """Run one command in the reader's shell (exports carry over); answer Google's sign-in page if it shows one."""
        state = shlex.quote(str(self.state))
        script = f"source {state} 2>/dev/null\n{command}\nstatus=$?\nexport -p > {state}\nexit $status\n"
        process = subprocess.Popen(["bash", "-c", script], cwd=self.home, env=self.env, text=True,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        assert process.stdout is not None
        output = []
        for line in process.stdout:
            output.append(line)
            if match := re.search(r"https://accounts\.google\.com/o/oauth2/auth\?\S+", line):
                threading.Thread(target=self.fake.approve, args=(match[0],), daemon=True).start()
        return "".join(output), process.wait(timeout=120)


def test_the_page_shows_the_setup_a_district_admin_goes_through():
    text = PAGE.read_text(encoding="utf-8")
    for heading in ("Google Cloud project", "APIs", "service account", "shared drive", "domain-wide delegation",
                    "first provision", "Check that it worked"):
        assert re.search(rf"^#+ .*{heading}", text, re.M | re.I), f"the page has no section on {heading!r}"
    commands = [step.command for step in steps(text) if step.command]
    for needed in ("tracker-sync google-access", "tracker-sync provision", "tracker-sync google-login", "--folder", "--as"):
        assert any(needed in command for command in commands), f"the page runs no {needed!r}"


@pytest.mark.parametrize("page", [PAGE], ids=["google-setup.md"])
def test_every_command_on_the_page_runs_against_the_fake_and_prints_what_the_page_shows(page, tmp_path):
    with GoogleFake() as fake:
        reader = Reader(fake, tmp_path)
        real_ids: dict[str, str] = {}  # the page's spreadsheet ids -> the ones this run made, for later commands
        for step in steps(page.read_text(encoding="utf-8")):
            if step.action:
                reader.act(step.action)
                continue
            printed, status = reader.run(SPREADSHEET_ID.sub(lambda m: real_ids.get(m[0], m[0]), step.command))
            assert made_up(printed) == made_up(step.shown), f"$ {step.command}\n(exit {status})"
            real_ids.update(zip(SPREADSHEET_ID.findall(step.shown), SPREADSHEET_ID.findall(printed), strict=True))
            expected_failure = step.shown.startswith("Error: ")
            assert (status != 0) == expected_failure, f"$ {step.command} exited {status}"
        assert os.stat(tmp_path / ".config" / "tracker-sync" / "google-token.json").st_mode & 0o077 == 0
