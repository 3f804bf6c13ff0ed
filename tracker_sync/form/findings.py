"""What the observation form adds to the Flags tab: responses edited after their row was added, and
responses that wait for a missing tab or column. Pure: the read's FormInbox in, findings out."""

from __future__ import annotations

from tracker_sync.tabs import FormInbox
from tracker_sync.validate.findings import Finding


def form_findings(inbox: FormInbox | None, observations_tab: str) -> list[Finding]:
    if inbox is None:
        return []
    found = [Finding("form-response-edited", tab=edit.tab, row=edit.row,
                     message=f"The form response of this row was edited on {edit.edited_at[:10]} after the row was added; "
                             f"the row keeps the first answers ({', '.join(edit.columns)} now differ).",
                     fix=f"Update {', '.join(edit.columns)} by hand from the form's new answers (the form's Responses view "
                         "shows them); the flag goes once the row changes.")
             for edit in inbox.edits]
    if inbox.waiting:
        found.append(Finding("form-responses-waiting", tab=observations_tab, row=1,
                             message=f"{inbox.waiting} form response{'s' if inbox.waiting != 1 else ''} cannot be added yet: "
                                     f"{inbox.waiting_for}."))
    return found
