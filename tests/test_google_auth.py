"""Google's access rules, on the fake over real HTTP, and the three ways tracker-sync works under them.

The rules (Drive v3 guides and public reports; see tracker_sync/testing/google_fake/drive.py):
a service account acting as itself owns no Drive storage (403 storageQuotaExceeded, Google's exact
body); a delegated user owns what it creates; shared drives have members and need supportsAllDrives;
drive.file reaches only what the app created or a person opened with it; a share without notification
to an address with no Google account is refused (400 invalidSharingRequest); a token for a user the
admin console did not delegate is refused at the token endpoint (401 unauthorized_client).
Then the command line: provision in each way, one line (exit 3) without any, google-access,
google-login's installed-app flow end to end, and the registry's folder and act_as.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading

import pytest
import requests
from google.oauth2.credentials import Credentials
from typer.testing import CliRunner

from tracker_sync.backends.google.auth import SCOPES, load_credentials
from tracker_sync.backends.google.transport import authorized_session
from tracker_sync.backends.google.workbook import GoogleWorkbook, google_client, spreadsheet_id_from
from tracker_sync.cli import app
from tracker_sync.district.registry import load_registry, upsert_school
from tracker_sync.testing.google_fake import GoogleFake

FILES = "https://www.googleapis.com/drive/v3/files"
SHEETS = "https://sheets.googleapis.com/v4/spreadsheets"
SPREADSHEET = "application/vnd.google-apps.spreadsheet"
ROBOT = "tracker-sync@district-coaching.iam.gserviceaccount.com"
DOMAIN = "district.example.org"
LEAD, COACH = f"data-lead@{DOMAIN}", f"ana.lopez@{DOMAIN}"
NO_STORAGE = ("Service Accounts do not have storage quota. Leverage shared drives "
              "(https://developers.google.com/workspace/drive/api/guides/about-shareddrives), or use OAuth delegation "
              "(http://support.google.com/a/answer/7281227) instead.")
PERSON_SCOPES = ("https://www.googleapis.com/auth/spreadsheets", "https://www.googleapis.com/auth/drive")


@pytest.fixture
def world():
    """A district's Google: the service account, a Workspace with two users, a shared drive the account manages."""
    with GoogleFake() as fake:
        key = fake.service_account_info(ROBOT)
        fake.add_workspace(DOMAIN, [LEAD, COACH])
        drive = fake.add_shared_drive("Coaching trackers", {ROBOT: "fileOrganizer", LEAD: "organizer"})
        yield fake, key, drive


def session(fake: GoogleFake, credentials) -> requests.Session:
    """google-auth's own session over real HTTP to the fake: each test sees Google's raw answers."""
    return authorized_session(credentials, fake.base_url)


def create(http: requests.Session, name: str, *parents: str, all_drives: bool = True) -> requests.Response:
    return http.post(FILES, params={"supportsAllDrives": str(all_drives).lower()},
                     json={"name": name, "mimeType": SPREADSHEET, **({"parents": list(parents)} if parents else {})})


def grant(fake: GoogleFake, key: dict, scopes=SCOPES) -> None:
    fake.grant_delegation(DOMAIN, key["client_id"], list(scopes))


def person(fake: GoogleFake, email: str, scopes=PERSON_SCOPES) -> Credentials:
    """A person working in Google Drive and Sheets themselves."""
    return Credentials.from_authorized_user_info(fake.authorized_user_info(email, scopes), scopes=scopes)


# -- the rules, as Google answers them -----------------------------------------------------------------


def test_a_service_account_owns_no_drive_storage_and_gets_googles_exact_403(world):
    fake, key, drive = world
    robot = session(fake, load_credentials(info=key))
    refused = create(robot, "Lincoln")
    assert refused.status_code == 403
    assert refused.json() == {"error": {"code": 403, "message": NO_STORAGE, "errors": [
        {"message": NO_STORAGE, "domain": "usageLimits", "reason": "storageQuotaExceeded"}]}}
    # Sharing a My Drive folder with it does not help (it would own the file there too) ...
    folder = fake.add_folder("Trackers", owner=LEAD)
    lead = session(fake, person(fake, LEAD))
    assert lead.post(f"{FILES}/{folder}/permissions", json={"type": "user", "role": "writer", "emailAddress": ROBOT}).ok
    full = session(fake, load_credentials(info=key).with_scopes([*PERSON_SCOPES]))
    assert create(full, "Lincoln", folder).json()["error"]["errors"][0]["reason"] == "storageQuotaExceeded"
    # ... in a shared drive it is a member of, the drive owns the file.
    made = create(robot, "Lincoln", drive)
    assert made.ok
    file = fake.files[made.json()["id"]]
    assert (file.owner, file.drive.id) == (None, drive)
    assert len(fake.spreadsheets) == 1 and not refused.ok


def test_shared_drives_have_members_and_need_supports_all_drives(world):
    fake, key, drive = world
    robot = session(fake, load_credentials(info=key))
    assert create(robot, "Lincoln", drive, all_drives=False).json()["error"]["errors"][0]["reason"] == "notFound"
    other = fake.add_shared_drive("Someone else's", {LEAD: "organizer"})
    assert create(robot, "Lincoln", other).status_code == 404  # not a member: the drive is not there for it
    read_only = fake.add_shared_drive("Read only", {ROBOT: "reader"})
    refused = create(robot, "Lincoln", read_only)
    assert (refused.status_code, refused.json()["error"]["errors"][0]["reason"]) == (403, "insufficientFilePermissions")
    folder = fake.add_folder("Middle schools", parent=drive)  # a folder an admin made in the shared drive
    made = create(robot, "Aspen", folder)
    assert made.ok and fake.files[made.json()["id"]].drive.id == drive
    listed = robot.get(FILES, params={"q": "trashed = false", "fields": "files(id,driveId)"}).json()["files"]
    assert listed == []  # shared-drive items are listed only when asked for
    listed = robot.get(FILES, params={"q": "trashed = false", "fields": "files(id,driveId)", "supportsAllDrives": "true",
                                      "includeItemsFromAllDrives": "true"}).json()["files"]
    assert listed == [{"id": made.json()["id"], "driveId": drive}]


def test_a_delegated_user_owns_what_it_creates_once_the_admin_grants_the_client_id(world):
    fake, key, _ = world
    delegated = load_credentials(info=key, subject=LEAD)
    token = requests.post(f"{fake.base_url}/token", data={
        "grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": _assertion(delegated)})
    assert (token.status_code, token.json()) == (401, {"error": "unauthorized_client", "error_description": (
        "Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of the "
        "scopes requested.")})
    grant(fake, key, scopes=SCOPES[:1])  # one scope of the two is not enough
    assert requests.post(f"{fake.base_url}/token", data={"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer",
                                                          "assertion": _assertion(delegated)}).status_code == 401
    grant(fake, key)
    made = create(session(fake, delegated), "Aspen")
    assert made.ok
    resource = session(fake, delegated).get(f"{FILES}/{made.json()['id']}", params={"fields": "owners(emailAddress,me)"}).json()
    assert resource == {"owners": [{"emailAddress": LEAD, "me": True}]}
    stranger = load_credentials(info=key, subject=f"nobody@{DOMAIN}")
    answer = requests.post(f"{fake.base_url}/token", data={"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer",
                                                            "assertion": _assertion(stranger)})
    assert (answer.status_code, answer.json()) == (400, {"error": "invalid_grant",
                                                         "error_description": "Invalid email or User ID"})


def _assertion(credentials) -> str:
    return credentials._make_authorization_grant_assertion().decode()  # what google-auth posts to the token endpoint


def test_drive_file_reaches_only_what_the_app_created_while_sheets_follow_permissions(world):
    fake, key, _ = world
    grant(fake, key)
    lead = session(fake, person(fake, LEAD))
    handmade = create(lead, "Lincoln – made by hand").json()["id"]  # a school's own tracker, in the lead's My Drive
    assert lead.post(f"{FILES}/{handmade}/permissions", json={"type": "user", "role": "writer", "emailAddress": ROBOT}).ok
    robot = session(fake, load_credentials(info=key))
    assert robot.get(f"{SHEETS}/{handmade}").ok  # Sheets: the spreadsheets scope and the file's permission
    add_tab = {"requests": [{"addSheet": {"properties": {"title": "Flags"}}}]}
    assert robot.post(f"{SHEETS}/{handmade}:batchUpdate", json=add_tab).ok
    shared = robot.post(f"{FILES}/{handmade}/permissions", params={"supportsAllDrives": "true"},
                        json={"type": "user", "role": "reader", "emailAddress": COACH})
    assert (shared.status_code, shared.json()["error"]["message"]) == (404, f"File not found: {handmade}.")
    folder = fake.add_folder("Trackers", owner=LEAD)  # the lead's own folder; as the lead, through delegation
    as_lead = session(fake, load_credentials(info=key, subject=LEAD))
    assert create(as_lead, "Aspen", folder).status_code == 404
    assert create(as_lead, "Aspen").ok  # their My Drive root is fine
    fake.open_with_app(folder, LEAD, key["client_id"])  # the lead picks the folder in the app (Google Picker)
    assert create(as_lead, "Aspen", folder).ok


def test_sharing_without_notification_needs_a_google_account(world):
    fake, key, drive = world
    robot = session(fake, load_credentials(info=key))
    sheet = create(robot, "Lincoln", drive).json()["id"]

    def share(email: str, notify: bool) -> requests.Response:
        return robot.post(f"{FILES}/{sheet}/permissions", params={"sendNotificationEmail": str(notify).lower(),
                                                                   "supportsAllDrives": "true"},
                          json={"type": "user", "role": "writer", "emailAddress": email})

    refused = share("parent@yahoo.example", notify=False)
    message = ('Bad Request. User message: "You are trying to invite parent@yahoo.example. Since there is no Google account '
               "associated with this email address, you must check the 'Notify people' box to invite this recipient.\"")
    assert (refused.status_code, refused.json()) == (400, {"error": {"code": 400, "message": message, "errors": [
        {"message": message, "domain": "global", "reason": "invalidSharingRequest"}]}})
    assert share("parent@yahoo.example", notify=True).ok  # Google emails the invitation
    assert share(COACH, notify=False).ok  # a Workspace user has an account


def test_the_installed_app_flow_over_http_consent_code_exchange_refresh(world):
    from google_auth_oauthlib.flow import InstalledAppFlow

    from tracker_sync.backends.google.transport import loopback_adapter

    fake, _, _ = world
    flow = InstalledAppFlow.from_client_config(fake.oauth_client(), scopes=list(SCOPES))
    flow.oauth2session.mount("https://", loopback_adapter(fake.base_url))
    flow.redirect_uri = "http://localhost:1/"
    url, _ = flow.authorization_url(access_type="offline")
    fake.sign_in("teacher@gmail.example")
    answer = requests.get(f"{fake.base_url}/o/oauth2/auth?{url.split('?', 1)[1]}", allow_redirects=False)
    assert answer.status_code == 302 and answer.headers["Location"].startswith("http://localhost:1/?state=")
    code = answer.headers["Location"].split("code=")[1].split("&")[0]
    token = flow.fetch_token(code=requests.utils.unquote(code))
    assert token["scope"] == list(SCOPES) and token["refresh_token"]
    credentials = flow.credentials
    with pytest.raises(Exception, match="invalid_grant"):  # a code is good once
        flow.fetch_token(code=requests.utils.unquote(code))
    about = session(fake, credentials).get("https://www.googleapis.com/drive/v3/about", params={"fields": "user(emailAddress)"})
    assert about.json() == {"user": {"emailAddress": "teacher@gmail.example"}}
    fake.accounts.revoke(credentials.refresh_token)  # the teacher removes the app's access
    credentials.token = None
    with pytest.raises(Exception, match="Token has been expired or revoked"):
        session(fake, credentials).get(f"{FILES}", params={"q": "trashed = false"})


# -- the command line: three ways, and one line without any ---------------------------------------------


@pytest.fixture
def cli(world, tmp_path, monkeypatch):
    fake, key, _ = world
    (tmp_path / "key.json").write_text(json.dumps(key))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TRACKER_SYNC_GOOGLE_CREDENTIALS", str(tmp_path / "key.json"))
    monkeypatch.setenv("TRACKER_SYNC_GOOGLE_API_BASE", fake.base_url)
    monkeypatch.setenv("TRACKER_SYNC_GOOGLE_TOKEN", str(tmp_path / "home" / "google-token.json"))

    def run(*args: str):
        return CliRunner().invoke(app, list(args))
    return run


def calls(fake: GoogleFake) -> list[str]:
    return [f"{c.method} {c.path.split('/')[1] if c.path != '/token' else 'token'}" for c in fake.calls("oauth") + fake.calls()]


def test_without_a_way_provision_is_one_line_naming_the_three_ways_exit_3(world, cli):
    fake, _, _ = world
    result = cli("provision", "--school", "Lincoln Elementary", "--backend", "google")
    assert result.exit_code == 3
    line = result.stderr
    assert line.count("\n") == 1 and line.startswith(
        f"Error: Google refused to create the spreadsheet: the service account {ROBOT} owns no Drive storage "
        "(storageQuotaExceeded). Use one of three ways:")
    for command in ("--folder SHARED_DRIVE_ID", "--as data-lead@your-district.org", "tracker-sync google-access",
                    "tracker-sync google-login --client-secret client_secret.json"):
        assert command in line
    assert fake.spreadsheets == {}


def test_provision_in_a_shared_drive_with_the_registry_default_folder(world, cli, tmp_path):
    fake, _, drive = world
    registry = tmp_path / "district.toml"
    registry.write_text(f'[district]\nfolder = "https://drive.google.com/drive/folders/{drive}"\n')
    fake.clear_log()
    made = cli("provision", "--school", "Lincoln Elementary", "--backend", "google", "--registry", str(registry), "--json")
    assert made.exit_code == 0, made.output
    sheet = spreadsheet_id_from(json.loads(made.stdout)["tracker"])
    assert fake.files[sheet].drive.id == drive and load_registry(registry).district.folder == drive  # the id in the address
    assert [(c.method, c.path.split("/")[1], c.query.get("supportsAllDrives")) for c in fake.calls("drive")] == [
        ("GET", "drive", ["true"]), ("POST", "drive", ["True"])]  # the search and the create, both across drives


def test_provision_as_a_district_user_and_sync_as_them(world, cli, tmp_path):
    fake, key, _ = world
    refused = cli("provision", "--school", "Aspen Middle", "--backend", "google", "--as", LEAD)
    assert refused.exit_code == 2 and refused.stderr.count("\n") == 1
    assert f"a Workspace admin must grant domain-wide delegation to client id {key['client_id']} with the scopes " \
           f"{','.join(SCOPES)}" in refused.stderr
    grant(fake, key)
    registry = tmp_path / "district.toml"
    registry.write_text(f'[district]\nact_as = "{LEAD}"\n')
    made = cli("provision", "--school", "Aspen Middle", "--backend", "google", "--registry", str(registry), "--json")
    assert made.exit_code == 0, made.output
    tracker = json.loads(made.stdout)["tracker"]
    assert fake.files[spreadsheet_id_from(tracker)].owner == LEAD
    alone = cli("validate", tracker)  # the service account itself may not open the user's file
    assert alone.exit_code == 3 and "may not open or change it" in alone.stderr
    assert cli("validate", tracker, "--as", LEAD).exit_code == 0


def test_google_access_prints_the_client_id_and_scopes_and_checks_them(world, cli):
    fake, key, _ = world
    shown = cli("google-access", "--as", LEAD)
    assert shown.exit_code == 0, shown.output
    assert f"  Client ID:    {key['client_id']}\n  OAuth scopes: {','.join(SCOPES)}\n" in shown.stdout
    assert cli("google-access", "--as", LEAD, "--check").exit_code == 2  # not granted yet
    grant(fake, key)
    checked = cli("google-access", "--as", LEAD, "--check", "--json")
    assert json.loads(checked.stdout)["accounts"][0] | {"credentials": ""} == {
        "way": "delegation", "account": LEAD, "service_account": ROBOT, "client_id": key["client_id"], "scopes": list(SCOPES),
        "credentials": "", "checked_as": LEAD}


def test_google_login_signs_a_person_in_and_keeps_the_token_private(world, tmp_path):
    """The real CLI in its own process, with the fake playing Google's consent page, code exchange and refresh."""
    fake, _, _ = world
    (tmp_path / "client_secret.json").write_text(json.dumps(fake.oauth_client()))
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_SYNC_GOOGLE")}
    env.update(TRACKER_SYNC_GOOGLE_API_BASE=fake.base_url, HOME=str(tmp_path / "home"), XDG_CONFIG_HOME="")
    login = subprocess.Popen([sys.executable, "-m", "tracker_sync", "google-login", "--client-secret", "client_secret.json",
                              "--no-browser"], cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    prompt = login.stderr.readline()
    assert prompt.startswith("Open this address in a browser") and "https://accounts.google.com/o/oauth2/auth?" in prompt
    browser = threading.Thread(target=fake.approve, args=(prompt.split("access: ")[1].strip(), "teacher@gmail.example"))
    browser.start()
    out, err = login.communicate(timeout=60)
    browser.join()
    assert login.returncode == 0, err
    assert out == ("Signed in as teacher@gmail.example. Token saved to ~/.config/tracker-sync/google-token.json "
                   "(only you can read it).\n")
    token = tmp_path / "home" / ".config" / "tracker-sync" / "google-token.json"
    assert stat.S_IMODE(token.stat().st_mode) == 0o600 and stat.S_IMODE(token.parent.stat().st_mode) == 0o700
    saved = json.loads(token.read_text())
    assert saved["type"] == "authorized_user" and saved["account"] == "teacher@gmail.example" and "token" not in saved
    made = subprocess.run([sys.executable, "-m", "tracker_sync", "provision", "--school", "Birch Elementary", "--backend",
                           "google", "--json"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stderr
    assert fake.files[spreadsheet_id_from(json.loads(made.stdout)["tracker"])].owner == "teacher@gmail.example"


def test_a_login_that_does_not_allow_both_scopes_is_refused(world, tmp_path):
    from tracker_sync.backends.google.login import login
    from tracker_sync.errors import ConfigError

    fake, _, _ = world
    (tmp_path / "client_secret.json").write_text(json.dumps(fake.oauth_client()))
    fake.sign_in("teacher@gmail.example", allow=list(SCOPES[:1]))  # Google's granular consent: drive.file unticked
    with pytest.raises(ConfigError, match="did not allow https://www.googleapis.com/auth/drive.file"):
        login(tmp_path / "client_secret.json", token=tmp_path / "token.json", open_browser=False, api_base=fake.base_url,
              show=lambda url: threading.Thread(target=fake.approve, args=(url,)).start())
    assert not (tmp_path / "token.json").exists()


def test_drive_rules_become_one_line_each(world, cli, tmp_path):
    fake, key, drive = world
    made = cli("provision", "--school", "Lincoln Elementary", "--backend", "google", "--folder", drive,
               "--coach", "parent@yahoo.example", "--no-notify")
    assert made.exit_code == 2 and made.stderr.count("\n") == 1
    assert "parent@yahoo.example has no Google account, so Google shares with that address only by emailing an invitation: " \
           "run the command again without --no-notify" in made.stderr

    folder = fake.add_folder("Lincoln", owner=LEAD)  # a person's folder: out of drive.file's reach
    elsewhere = cli("provision", "--school", "Aspen Middle", "--backend", "google", "--folder", folder)
    assert elsewhere.exit_code == 2 and f"Google shows {ROBOT} no folder {folder}." in elsewhere.stderr

    lead = google_client(credentials=person(fake, LEAD), api_base=fake.base_url)
    handmade = GoogleWorkbook.create("Birch – the school's own tracker", lead)
    handmade.share(ROBOT, "writer")
    registry = tmp_path / "district.toml"
    upsert_school(registry, "Birch Elementary", backend="google", location=handmade.location)
    shared = cli("provision", "--school", "Birch Elementary", "--backend", "google", "--registry", str(registry),
                 "--coach", COACH)
    assert shared.exit_code == 3 and shared.stderr.count("\n") == 1
    assert f"Google does not let tracker-sync share the spreadsheet {handmade.spreadsheet_id}: {ROBOT} did not create it" \
           in shared.stderr
    assert "Roster" in [s.title for s in fake.spreadsheets[handmade.spreadsheet_id].sheets]  # its tabs were repaired first


def test_the_registry_names_the_folder_and_the_user_to_act_as(tmp_path):
    from tracker_sync.district.registry import parse_registry
    from tracker_sync.errors import ConfigError

    district = parse_registry({"district": {"folder": "https://drive.google.com/drive/u/0/folders/0AFb7mJmIeGFXUk9PVA",
                                            "act_as": LEAD}}).district
    assert (district.folder, district.act_as) == ("0AFb7mJmIeGFXUk9PVA", LEAD)
    with pytest.raises(ConfigError, match="field district.act_as: 'data-lead' is not an email address"):
        parse_registry({"district": {"act_as": "data-lead"}})
    with pytest.raises(ConfigError, match="field district.folder: 'My Drive' is neither a Drive folder address nor a folder id"):
        parse_registry({"district": {"folder": "My Drive"}})


def test_the_district_report_goes_to_the_registrys_folder(world, cli, tmp_path):
    from tracker_sync.testing.sample_district import build_district

    fake, _, drive = world
    registry = build_district(tmp_path / "district", xlsx=1, google=0, teachers=10,
                              district={"folder": drive, "report": {"backend": "google"}})
    made = cli("district-report", "--registry", str(registry), "--json")
    assert made.exit_code == 0, made.output
    workbook = fake.files[spreadsheet_id_from(json.loads(made.stdout)["workbook"])]
    assert (workbook.drive.id, workbook.parents) == (drive, [drive])
    xlsx = cli("district-report", "--registry", str(registry), "--backend", "xlsx", "--folder", drive)
    assert xlsx.exit_code == 2 and "--folder and --as are for a Google District workbook" in xlsx.stderr
