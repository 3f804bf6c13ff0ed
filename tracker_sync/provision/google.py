"""One-command provisioning of a school's Google tracker, recorded in the district registry.

Re-running for a school already in the registry (tracker_sync.district.registry) repairs that spreadsheet
(missing tabs, headers, dropdowns, protection); a school missing from the registry is first looked
up in Drive by its title (the drive.file scope sees only files tracker-sync created), so no second
spreadsheet is ever made. Calls: new school = 1 Drive search + 1 Drive create + 2 Sheets calls;
repair = 2 Sheets calls (+1 Drive search without a registry entry); plus 1 Drive call per share.

Where the spreadsheet goes and who makes it (tracker_sync.backends.google.auth): ``folder`` (else the
registry's ``[district] folder``), as ``act_as`` (else the registry's ``[district] act_as``) when the
credentials are a service account's, else as the credentials' own account.

The school's observation form (tracker_sync.backends.google.form) is made with it, in the same folder,
unless ``form`` is False; provision on a tracker without one adds it. Its responders are the people
of the district's Google domain: ``form_domain``, else the registry's ``[district] domain``, else the
domain of the district user acted as, of the person signed in, or the one domain all the people it is
shared with have. Without one, the tracker is made and the form is not, and the result says why.
The form's link goes on the Instructions tab and in the result.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from tracker_sync.backends.google.auth import describe
from tracker_sync.backends.google.form import CONSUMER_DOMAINS, FORM_ID, FORM_LINK, FORM_TEACHERS, check_domain, make_form
from tracker_sync.backends.google.workbook import (
    GoogleWorkbook,
    folder_id_from,
    google_client,
    spreadsheet_id_from,
)
from tracker_sync.errors import ApiError, ConfigError
from tracker_sync.provision import ProvisionResult, check_emails, existing_registry, provision_settings, registry_entry
from tracker_sync.schemas import Template


def provision_google_school(
    school: str, *, rubric: str | None = None, folder: str | None = None, leaders: Sequence[str] = (),
    coaches: Sequence[str] = (), viewers: Sequence[str] = (), registry: Path | None = None, notify: bool = True,
    act_as: str | None = None, http=None, today: dt.date | None = None, form: bool = True, form_domain: str | None = None,
) -> ProvisionResult:
    """Create (or repair) the school's spreadsheet, share it with named people only, record it.

    An existing spreadsheet keeps its own settings (see tracker_sync.provision.provision_settings):
    ``rubric`` only chooses the rubric of a new one, and a different rubric is refused before any write.
    """
    from tracker_sync.district.registry import upsert_school
    from tracker_sync.form.intake import active_teachers
    from tracker_sync.metadata import rubric_named
    from tracker_sync.sheet_templates import load_template

    users = [act_as] if act_as else []
    for emails, option in ((leaders, "--leader"), (coaches, "--coach"), (viewers, "--viewer"), (users, "--as")):
        check_emails(emails, option)
    if rubric is not None:
        rubric_named(rubric)  # an unknown rubric is refused before any call
    if form_domain is not None:
        form_domain = check_domain(form_domain)
    loaded = existing_registry(registry)
    entry = registry_entry(loaded, school, "google")
    if loaded is not None:
        folder, act_as = folder or loaded.district.folder or None, act_as or loaded.district.act_as or None
        form_domain = form_domain or loaded.district.domain or None
    folder = folder_id_from(folder) if folder else None
    http = http or google_client(subject=act_as)
    title = f"{school} – coaching tracker"
    if entry is not None:
        workbook: GoogleWorkbook | None = GoogleWorkbook(spreadsheet_id_from(entry.location), http)
    else:  # not in the registry: made by us before? (drive.file sees only our own files)
        workbook = GoogleWorkbook.find(title, http, folder_id=folder)
    created = workbook is None
    snapshot = None if workbook is None else workbook.read([load_template().tab_of_kind("roster").name])
    present = {} if snapshot is None else snapshot.metadata
    settings, metadata = provision_settings(present, school=school, rubric=rubric, rename=None, today=today,
                                            tracker=f"The spreadsheet '{title}'")
    if workbook is None:
        workbook = GoogleWorkbook.create(title, http, folder_id=folder)
    if registry and entry is None:  # recorded before the tabs are built: a rerun after a crash repairs, never duplicates
        upsert_school(registry, school, backend="google", location=workbook.location, rubric=settings.rubric.id)
    template = load_template().for_rubric(settings.rubric, form=form or bool(present.get(FORM_ID)))
    link, note = None, ""
    if form:
        domain = form_domain or _district_domain(http, act_as, [*leaders, *coaches, *viewers])
        if domain is None:
            note = ("No observation form: tracker-sync does not know your district's Google domain, whose people may "
                    "answer it. Run provision again with --form-domain (e.g. --form-domain district.org), or put "
                    "domain = \"district.org\" in the registry's [district]; --no-form makes none.")
        else:
            try:
                made, _ = make_form(http, school=settings.school, template=template, rubric=settings.rubric,
                                    teachers=active_teachers(snapshot.grids if snapshot else {}, template, settings),
                                    folder_id=folder, domain=domain, known=present.get(FORM_ID),
                                    owns_storage=describe(http.auth).way != "shared drive")
            except (ApiError, ConfigError) as exc:
                note = (f"No observation form: {exc} The tracker itself is ready; run provision again once that is "
                        "fixed, and it adds the form.")
            else:
                link = made.link
                metadata.update({k: v for k, v in made.metadata().items()
                                 if k not in present or (k != FORM_TEACHERS and present[k] != v)})
                template = with_form_link(template, link)
    if link is None and present.get(FORM_LINK):
        link, template = present[FORM_LINK], with_form_link(template, present[FORM_LINK])
    workbook.provision(template, metadata)
    shared: dict[str, str] = {}
    for emails, role in ((leaders, "writer"), (coaches, "writer"), (viewers, "reader")):
        for email in emails:
            workbook.share(email, role, notify=notify)
            shared[email] = role
    return ProvisionResult(school, workbook.location, created, settings.rubric.id, template.coach_tab_names, shared,
                           registry=str(registry) if registry else None, form=link, form_note=note)


def _district_domain(http, act_as: str | None, people: Sequence[str]) -> str | None:
    """Whose people may answer the form, when not given: the domain of the district user acted as, of
    the person signed in, else the one domain every address it is shared with has (none if they differ)."""
    who = act_as or (describe(http.auth).account if describe(http.auth).way == "person" else "")
    domains = {email.rpartition("@")[2].lower() for email in ([who] if who else people)} - CONSUMER_DOMAINS
    return domains.pop() if len(domains) == 1 else None


def with_form_link(template: Template, link: str) -> Template:
    """The template whose Instructions also say where the form is."""
    text = template.instructions.text.rstrip() + (
        f"\n\nRecording a visit from a phone: open the school's observation form, {link} , signed in with your school "
        "Google account. Each response becomes a new row of the Observations tab (and of the scores tab when it has "
        "scores) at the next sync, checked like a typed row. A response edited later is not copied again: the Flags "
        "tab says which row to update by hand.\n")
    return template.model_copy(update={"instructions": template.instructions.model_copy(update={"text": text})})
