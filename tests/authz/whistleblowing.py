"""Authorization table for the whistleblowing app.

Public pages answer everyone (W1). Handler pages answer only users in the handlers group:
others get 403, anonymous users the login redirect. A case exists for a handler only with
a key grant (404 otherwise); with a grant but a locked key, the handler is sent to unlock
(302), so no content is served to a session without the passphrase.
"""

from __future__ import annotations

from typing import Any

from django.test import override_settings

from tests.authz import PUBLIC, Case, _all
from tests.factories import whistleblowing as f
from whistleblowing.models import PublicContact

FAST_KDF = {"opslimit": 1, "memlimit": 8192}

HANDLER_PAGE = _all(403, anonymous=302, handler=200)
HANDLER_POST = _all(403, anonymous=302, handler=302)
# Granted case, locked key: the handler is sent to the unlock page.
GRANTED_CASE = _all(403, anonymous=302, handler=302)
# A case the handler holds no grant for (excluded by the reporter): it does not exist.
FOREIGN_CASE = _all(403, anonymous=302, handler=404)
# The secretariat's people-and-routes pages: site admins and handlers in the secretariat
# role (the world's handler is one); everyone else may know the page, not use it.
SECRETARIAT_PAGE = _all(403, anonymous=302, handler=200, site_admin=200)
# A POST with a bound but empty form: redisplayed with its errors.
SECRETARIAT_FORM = _all(403, anonymous=302, handler=400, site_admin=400)
SECRETARIAT_POST = _all(403, anonymous=302, handler=302, site_admin=302)
REPORTER_ONLY = _all(302)
# The reporter's own case: without the case cookie, to the receipt page; a signed-in user
# is shown why they must log out first (issue 15 item 3), and nothing is looked up.
REPORTER_CASE = _all(200, anonymous=302)


def setup(world: Any) -> None:
    with override_settings(WHISTLEBLOWING_KDF=FAST_KDF):
        mine = f.make_handler(user=world.users["handler"])
        f.make_handler(role="secretariat")
        granted = f.submit(files=[f.pdf_upload()]).case
        foreign = f.submit(excluded_handler_id=mine.pk).case
    world.extra["wb_case"] = granted
    world.extra["wb_attachment"] = granted.attachments.get()
    world.extra["wb_foreign"] = foreign
    world.extra["wb_leader"] = f.make_handler(role="leader", keys=False)
    world.extra["wb_contact"] = PublicContact.objects.create(
        route="secretary_general", name="Knut Generalsen", phone="922 30 101"
    )


def case(world: Any) -> dict[str, Any]:
    return {"pk": world.extra["wb_case"].pk}


def foreign(world: Any) -> dict[str, Any]:
    return {"pk": world.extra["wb_foreign"].pk}


def leader(world: Any) -> dict[str, Any]:
    return {"pk": world.extra["wb_leader"].pk}


def contact(world: Any) -> dict[str, Any]:
    return {"pk": world.extra["wb_contact"].pk}


def _post(name: str, statuses: dict[str, int], kwargs: Any = case, label: str = "") -> Case:
    return Case(f"whistleblowing:{name}", statuses, kwargs=kwargs, method="post", label=label)


CASES = [
    Case("whistleblowing:report", PUBLIC),
    Case("whistleblowing:reporter_login", PUBLIC),
    Case("whistleblowing:reporter_case", REPORTER_CASE),
    _post("reporter_logout", REPORTER_ONLY, kwargs=lambda w: {}),
    Case("whistleblowing:handler_cases", HANDLER_PAGE),
    Case("whistleblowing:handler_keys", HANDLER_PAGE),
    Case("whistleblowing:handler_unlock", HANDLER_PAGE),
    _post("handler_lock", HANDLER_POST, kwargs=lambda w: {}),
    Case("whistleblowing:case_detail", GRANTED_CASE, kwargs=case),
    Case("whistleblowing:case_detail", FOREIGN_CASE, kwargs=foreign, label="foreign"),
    _post("case_acknowledge", GRANTED_CASE),
    _post("case_acknowledge", FOREIGN_CASE, kwargs=foreign, label="foreign"),
    _post("case_message", GRANTED_CASE),
    _post("case_log", GRANTED_CASE),
    _post("case_grant", GRANTED_CASE),
    _post("case_grant", FOREIGN_CASE, kwargs=foreign, label="foreign"),
    _post("case_triage", GRANTED_CASE),
    _post("case_close", GRANTED_CASE),
    _post("case_close", FOREIGN_CASE, kwargs=foreign, label="foreign"),
    # Issue 12 duties (W10, W11, W13, W14): same rules, each also refused on a foreign case.
    _post("case_trigger", GRANTED_CASE),
    _post("case_trigger", FOREIGN_CASE, kwargs=foreign, label="foreign"),
    _post("case_help", GRANTED_CASE),
    _post("case_help", FOREIGN_CASE, kwargs=foreign, label="foreign"),
    # Answering help needs no key for the informed; a reader is sent to unlock first.
    _post("case_help_answer", GRANTED_CASE),
    _post("case_help_answer", FOREIGN_CASE, kwargs=foreign, label="foreign"),
    _post("case_age", GRANTED_CASE),
    _post("case_age", FOREIGN_CASE, kwargs=foreign, label="foreign"),
    _post("case_hold", GRANTED_CASE),
    _post("case_hold", FOREIGN_CASE, kwargs=foreign, label="foreign"),
    Case(
        "whistleblowing:case_attachment",
        GRANTED_CASE,
        kwargs=lambda w: {
            "pk": w.extra["wb_case"].pk,
            "attachment_pk": w.extra["wb_attachment"].pk,
        },
    ),
    Case("whistleblowing:case_police_pdf", GRANTED_CASE, kwargs=case),
    Case("whistleblowing:case_police_pdf", FOREIGN_CASE, kwargs=foreign, label="foreign"),
    Case("whistleblowing:people", SECRETARIAT_PAGE),
    Case("whistleblowing:people_add", SECRETARIAT_PAGE),
    Case(
        "whistleblowing:people_add",
        SECRETARIAT_FORM,
        method="post",
        data=lambda w: {"email": "ingen@example.org", "role": "leader"},
    ),
    Case("whistleblowing:people_edit", SECRETARIAT_PAGE, kwargs=leader),
    Case(
        "whistleblowing:people_edit",
        SECRETARIAT_FORM,
        kwargs=leader,
        method="post",
        data=lambda w: {"role": "leader", "gender": "other"},
    ),
    Case("whistleblowing:people_end", SECRETARIAT_PAGE, kwargs=leader),
    _post("people_end", SECRETARIAT_POST, kwargs=leader),
    Case("whistleblowing:contact_add", SECRETARIAT_PAGE),
    Case(
        "whistleblowing:contact_add",
        SECRETARIAT_FORM,
        method="post",
        data=lambda w: {"route": "central", "name": ""},
    ),
    Case("whistleblowing:contact_edit", SECRETARIAT_PAGE, kwargs=contact),
    Case(
        "whistleblowing:contact_edit",
        SECRETARIAT_FORM,
        kwargs=contact,
        method="post",
        data=lambda w: {"route": "central", "name": "Knut", "phone": "ikke et nummer"},
    ),
    Case("whistleblowing:contact_delete", SECRETARIAT_PAGE, kwargs=contact),
    _post("contact_delete", SECRETARIAT_POST, kwargs=contact),
]
