"""The secretariat's people and routes (W8, W9, W10, W17; issues 11 and 12): services with
audit, every form refusing bad input with the input kept, who may use the pages, the one
record of public contacts on the report page and the 503 page, the route-health panel
and its row on the health page."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from tests.factories import whistleblowing as f
from tests.factories.groups import enable_totp
from whistleblowing import services
from whistleblowing.models import HANDLERS_GROUP, AuditEvent, Case, Handler, PublicContact

pytestmark = pytest.mark.django_db
PEOPLE = reverse("whistleblowing:people")
ADD = reverse("whistleblowing:people_add")
CONTACT_ADD = reverse("whistleblowing:contact_add")
REPORT = reverse("whistleblowing:report")


def _admin() -> Any:
    user = f.make_user(email="admin-wb@example.org")
    user.is_superuser = user.is_staff = True
    user.save()
    return user


def _client(user: Any) -> Client:
    from allauth.mfa.models import Authenticator

    if not Authenticator.objects.filter(user=user).exists():
        enable_totp(user)
    client = Client()
    client.force_login(user)
    return client


def _page(response: Any) -> str:
    return html.unescape(response.content.decode())


def _actions() -> list[str]:
    return list(AuditEvent.objects.order_by("id").values_list("action", flat=True))


# --- services ---------------------------------------------------------------------------


def test_adding_a_role_puts_the_user_in_the_handlers_group_and_is_audited_W8():
    admin = _admin()
    person = f.make_user(email="ylva@example.org")
    handler = services.handler_role_add(
        actor=admin, email="YLVA@example.org", role="youth_secretary_general", gender="female"
    )
    assert handler.user == person and handler.is_active and not handler.has_keys
    assert person.groups.filter(name=HANDLERS_GROUP).exists()
    event = AuditEvent.objects.get(action="handler.role_added")
    assert event.actor == admin
    assert event.data == {"handler": handler.pk, "role": "youth_secretary_general"}


def test_a_leader_needs_the_body_they_lead_and_other_roles_keep_none_W8():
    admin = _admin()
    f.make_user(email="leder@example.org")
    with pytest.raises(ValidationError) as refused:
        services.handler_role_add(actor=admin, email="leder@example.org", role="leader")
    assert set(refused.value.error_dict) == {"body_level", "body_name"}
    handler = services.handler_role_add(
        actor=admin,
        email="leder@example.org",
        role="leader",
        body_level="local",
        body_name="Grønnbygd Senterparti",
    )
    assert (handler.body_level, handler.body_name) == ("local", "Grønnbygd Senterparti")
    handler = services.handler_role_update(
        actor=admin,
        handler=handler,
        role="union_representative",
        gender="male",
        hr_competence=False,
        sexual_harassment_recipient=False,
        body_level="local",
        body_name="Grønnbygd Senterparti",
    )
    assert (handler.role, handler.body_level, handler.body_name) == ("union_representative", "", "")
    assert _actions()[-1] == "handler.role_changed"


def test_adding_refuses_an_unknown_person_a_current_recipient_and_unknown_choices():
    admin = _admin()
    with pytest.raises(ValidationError) as refused:
        services.handler_role_add(actor=admin, email="ingen@example.org", role="secretariat")
    assert "email" in refused.value.error_dict
    existing = f.make_handler()
    with pytest.raises(ValidationError, match="allerede varslingsmottaker"):
        services.handler_role_add(actor=admin, email=existing.user.email, role="secretariat")
    f.make_user(email="ny@example.org")
    with pytest.raises(ValidationError) as refused:
        services.handler_role_add(actor=admin, email="ny@example.org", role="boss", gender="robot")
    assert set(refused.value.error_dict) == {"role", "gender"}
    assert not AuditEvent.objects.filter(action="handler.role_added").exists()


def test_ending_a_role_takes_the_person_out_and_adding_again_brings_the_key_back_W8():
    admin = _admin()
    handler = f.make_handler(role="secretariat")
    f.make_handler(role="secretariat")
    services.handler_role_end(actor=admin, handler=handler)
    handler.refresh_from_db()
    assert not handler.is_active
    assert not handler.user.groups.filter(name=HANDLERS_GROUP).exists()
    assert services.handler_for_user(handler.user) is None
    with pytest.raises(ValidationError, match="allerede avsluttet"):
        services.handler_role_end(actor=admin, handler=handler)
    again = services.handler_role_add(actor=admin, email=handler.user.email, role="leader",
                                      body_level="county", body_name="Fjellfylket")  # fmt: skip
    assert again.pk == handler.pk and again.has_keys and again.is_active
    assert _actions()[-2:] == ["handler.role_ended", "handler.role_added"]


def test_the_last_reader_of_an_open_case_keeps_the_role_until_someone_else_has_a_key():
    """A filed report is never left without a reader (issue 12)."""
    admin = _admin()
    ysg = f.make_handler(role="youth_secretary_general")
    sg = f.make_handler(role="secretary_general")
    case = f.submit(youth_wing=True).case
    with pytest.raises(ValidationError, match="1 åpne saker har ingen andre lesere"):
        services.handler_role_end(actor=admin, handler=ysg)
    assert Handler.objects.get(pk=ysg.pk).is_active
    services.access_grant(handler=ysg, case=case, key=f.case_key(ysg, case), target=sg)
    services.handler_role_end(actor=admin, handler=ysg)


def test_contacts_are_saved_changed_and_removed_with_audit_W17():
    admin = _admin()
    contact = services.contact_save(
        actor=admin,
        route="secretary_general",
        title="Generalsekretær i Senterpartiet",
        name="Knut M. Olsen",
        phone="922 30 101",
        email="kmo@sp.no",
    )
    contact = services.contact_save(
        actor=admin,
        contact=contact,
        route="central",
        title="Personal- og økonomirådgiver i Senterpartiet",
        name="Emilie Hammer",
        phone="416 36 545",
        email="eh@sp.no",
    )
    assert PublicContact.objects.get().name == "Emilie Hammer"
    services.contact_delete(actor=admin, contact=contact)
    assert not PublicContact.objects.exists()
    assert _actions() == ["contact.added", "contact.changed", "contact.deleted"]
    assert all("Hammer" not in str(e.data) for e in AuditEvent.objects.all())


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"name": ""}, "name"),
        ({"phone": "", "email": ""}, "phone"),
        ({"phone": "ring meg"}, "phone"),
        ({"email": "ikke-en-adresse"}, "email"),
        ({"route": "moon"}, "route"),
        ({"name": "Knut\nOlsen"}, "name"),
        ({"title": "x" * 121}, "title"),
    ],
)
def test_a_contact_with_bad_input_is_refused_on_its_field_W17(values, field):
    base = {"route": "central", "title": "", "name": "Knut", "phone": "922 30 101", "email": ""}
    with pytest.raises(ValidationError) as refused:
        services.contact_save(actor=None, **(base | values))
    assert field in refused.value.error_dict
    assert not PublicContact.objects.exists()


# --- who may use the pages ------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("secretariat", 200),
        ("secretary_general", 403),
        ("youth_secretary_general", 403),
        ("leader", 403),
        ("union_representative", 403),
    ],
)
def test_only_the_secretariat_among_the_recipients_names_people(role, status):
    handler = f.make_handler(role=role, body_level="local", body_name="Laget")
    assert _client(handler.user).get(PEOPLE).status_code == status


def test_an_ended_secretariat_role_no_longer_opens_the_page():
    handler = f.make_handler(role="secretariat")
    client = _client(handler.user)
    assert client.get(PEOPLE).status_code == 200
    services.handler_role_end(actor=None, handler=handler)
    assert client.get(PEOPLE).status_code == 403


def test_an_unknown_recipient_or_contact_is_404_for_the_secretariat():
    client = _client(_admin())
    assert client.get(reverse("whistleblowing:people_edit", args=[9999])).status_code == 404
    assert client.get(reverse("whistleblowing:contact_edit", args=[9999])).status_code == 404
    assert client.post(reverse("whistleblowing:contact_delete", args=[9999])).status_code == 404


# --- the forms keep input and say what is wrong --------------------------------------------


def test_the_add_form_refuses_an_unknown_email_and_keeps_what_was_typed():
    client = _client(_admin())
    data = {
        "email": "finnes.ikke@example.org",
        "role": "leader",
        "gender": "female",
        "body_level": "county",
        "body_name": "Fjellfylket Senterparti",
        "hr_competence": "on",
    }
    response = client.post(ADD, data)
    assert response.status_code == 400
    page = _page(response)
    assert "Fant ingen aktiv bruker med denne e-postadressen" in page
    assert 'value="finnes.ikke@example.org"' in page
    assert 'value="Fjellfylket Senterparti"' in page
    assert not Handler.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "ikke en adresse", "role": "secretariat", "gender": "other"}, "gyldig"),
        ({"email": "a@example.org", "role": "boss", "gender": "other"}, "gyldig valg"),
        ({"email": "a@example.org", "role": "leader", "gender": "other"}, "Skriv navnet på organet"),
        (
            {"email": "a@example.org", "role": "leader", "gender": "other", "body_level": "local",
             "body_name": "Laget\nmitt"},
            "én linje",
        ),
        ({}, "Feltet er påkrevet"),
    ],
)  # fmt: skip
def test_the_add_form_refuses_bad_input_on_its_fields(data, message):
    f.make_user(email="a@example.org")
    response = _client(_admin()).post(ADD, data | {"_sent": "1"})
    assert response.status_code == 400
    assert message in _page(response)
    assert not Handler.objects.exists()


def test_the_edit_form_refuses_a_leader_without_a_body_and_changes_nothing():
    leader = f.make_handler(role="leader", body_level="local", body_name="Laget")
    url = reverse("whistleblowing:people_edit", args=[leader.pk])
    client = _client(_admin())
    assert "Laget" in _page(client.get(url))
    response = client.post(url, {"role": "leader", "gender": "male", "body_level": "local"})
    assert response.status_code == 400
    assert "Skriv navnet på organet" in _page(response)
    leader.refresh_from_db()
    assert (leader.gender, leader.body_name) == ("other", "Laget")


def test_the_end_page_asks_first_and_refuses_while_a_case_has_no_other_reader():
    ysg = f.make_handler(role="youth_secretary_general")
    f.submit(youth_wing=True)
    url = reverse("whistleblowing:people_end", args=[ysg.pk])
    client = _client(_admin())
    page = _page(client.get(url))
    assert "1 åpen sak har ingen annen leser med nøkkel" in page
    response = client.post(url)
    assert response.status_code == 400
    assert "kan ikke avsluttes ennå" in _page(response)
    assert Handler.objects.get(pk=ysg.pk).is_active


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"route": "central", "name": "", "phone": "922 30 101"}, "Feltet er påkrevet"),
        ({"route": "central", "name": "Knut", "phone": "ring meg"}, "Skriv telefonnummeret"),
        ({"route": "central", "name": "Knut", "email": "nei"}, "gyldig e-postadresse"),
        ({"route": "central", "name": "Knut"}, "Skriv telefonnummer, e-postadresse eller begge"),
        ({"route": "moon", "name": "Knut", "phone": "922 30 101"}, "gyldig valg"),
        ({"route": "central", "name": "Knut\r\nOlsen", "phone": "922 30 101"}, "én linje"),
    ],
)
def test_the_contact_form_refuses_bad_input_and_keeps_it_W17(data, message):
    response = _client(_admin()).post(CONTACT_ADD, data)
    assert response.status_code == 400
    page = _page(response)
    assert message in page
    if data.get("phone"):
        assert f'value="{data["phone"]}"' in page
    assert not PublicContact.objects.exists()


def test_a_contact_is_removed_only_after_the_confirmation_W17():
    contact = PublicContact.objects.create(route="central", name="Emilie", phone="416 36 545")
    url = reverse("whistleblowing:contact_delete", args=[contact.pk])
    client = _client(_admin())
    assert "Fjern Emilie fra varslingssiden?" in _page(client.get(url))
    assert PublicContact.objects.exists()
    assert client.post(url).status_code == 302
    assert not PublicContact.objects.exists()


# --- the report page, the 503 page, the panel and the health page ----------------------------


def test_the_report_page_shows_the_contacts_the_secretariat_keeps_W17():
    f.make_handler(role="secretariat")
    client = _client(_admin())
    client.post(
        CONTACT_ADD,
        {
            "route": "secretary_general",
            "title": "Generalsekretær i Senterpartiet",
            "name": "Knut M. Olsen",
            "phone": "922 30 101",
            "email": "kmo@sp.no",
        },
    )
    page = _page(Client().get(REPORT))
    assert "Knut M. Olsen" in page and "Generalsekretær i Senterpartiet" in page
    assert 'href="tel:92230101"' in page and 'href="mailto:kmo@sp.no"' in page


def test_without_contacts_the_report_page_says_where_to_turn_W17():
    f.make_handler(role="secretariat")
    page = _page(Client().get(REPORT))
    assert "Ingen telefon eller e-post er lagt inn ennå" in page


def test_the_panel_lists_every_route_with_its_readers_and_who_has_no_key_yet():
    sec = f.make_handler(role="secretariat")
    f.make_handler(role="youth_secretary_general", keys=False)
    page = _page(_client(sec.user).get(PEOPLE))
    assert 'data-testid="routes-warning"' in page
    for title in (
        "Varslingsmottakerne sentralt (sekretariatet)",
        "Seksuell trakassering (utpekte mottakere)",
        "Generalsekretæren direkte",
        "Senterungdommen (Senterungdommens generalsekretær)",
        "Saker som gjelder ansatte (tillitsvalgt for ansatte)",
        "Nærmeste leder",
    ):
        assert title in page
    assert "har ikke laget nøkkel ennå" in page
    assert "Har ikke laget nøkkel ennå: Test Person" in page


def test_the_panel_says_ok_when_every_route_has_a_reader_with_a_key():
    sec = f.make_handler(role="secretariat", gender="female", sexual_harassment_recipient=True)
    for role in ("secretary_general", "youth_secretary_general", "union_representative"):
        f.make_handler(role=role)
    f.make_handler(role="leader", body_level="local", body_name="Grønnbygd Senterparti")
    page = _page(_client(sec.user).get(PEOPLE))
    assert 'data-testid="routes-ok"' in page
    assert "Nærmeste leder: Grønnbygd Senterparti" in page


def test_the_health_page_warns_the_admins_about_a_route_without_a_reader():
    """No silent fallback (issue 12): /drift/ names the route, never a person."""
    f.make_handler(role="secretariat")
    f.make_handler(role="youth_secretary_general", keys=False)
    page = _page(_client(_admin()).get(reverse("groups:health")))
    row = re.search(r"<tr><th scope=\"row\">Varslingsruter</th>(.*?)</tr>", page, re.S)
    assert row is not None
    assert "Feil" in row.group(1)
    assert "Senterungdommen (Senterungdommens generalsekretær)" in row.group(1)
    assert "Test Person" not in row.group(1)


def test_the_health_page_row_is_ok_when_every_route_has_a_reader():
    f.make_handler(role="secretariat", gender="female", sexual_harassment_recipient=True)
    for role in ("secretary_general", "youth_secretary_general", "union_representative"):
        f.make_handler(role=role)
    f.make_handler(role="leader", body_level="county", body_name="Fjellfylket")
    page = _page(_client(_admin()).get(reverse("groups:health")))
    row = re.search(r"<tr><th scope=\"row\">Varslingsruter</th>(.*?)</tr>", page, re.S)
    assert row is not None and "OK" in row.group(1) and "Feil" not in row.group(1)


# --- the report form: nearest leader and staff matters (W8) -----------------------------


def _report(client: Client, **overrides: str) -> dict[str, str]:
    page = client.get(REPORT).content.decode()
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    return {
        "category": "integrity",
        "youth_wing": "no",
        "relation": "witness",
        "description": "Lederen stemte i egen sak.",
        "anonymous": "yes",
        "token": token,
        **overrides,
    }


def test_the_form_offers_only_leaders_who_hold_a_key_and_explains_each_choice_W8():
    f.make_handler(role="secretariat")
    f.make_handler(role="leader", body_level="local", body_name="Grønnbygd Senterparti")
    f.make_handler(role="leader", keys=False, body_level="county", body_name="Fjellfylket")
    page = _page(Client().get(REPORT))
    assert "Hvem skal få varselet?" in page
    assert "Nærmeste leder i gruppa, lokallaget eller fylkeslaget" in page
    assert "bare lederen du velger under, leser varselet" in page
    assert "leder i Grønnbygd Senterparti (Lokallag)" in page
    assert "Fjellfylket" not in page  # no key: not offered as if it worked
    assert 'value="union"' not in page and 'value="general"' not in page


def test_a_report_to_the_nearest_leader_is_read_by_that_leader_W8():
    f.make_handler(role="secretariat")
    leader = f.make_handler(role="leader", body_level="local", body_name="Grønnbygd Senterparti")
    client = Client()
    response = client.post(REPORT, _report(client, addressed_to="leader", leader=str(leader.pk)))
    assert response.status_code == 200, _page(response)[-2000:]
    case = Case.objects.get()
    assert set(case.grants.filter(access="read").values_list("handler", flat=True)) == {leader.pk}


def test_a_staff_matter_goes_to_the_union_representative_W8():
    f.make_handler(role="secretariat")
    union = f.make_handler(role="union_representative")
    page = _page(Client().get(REPORT))
    assert "De ansattes tillitsvalgte (saker som gjelder ansatte)" in page
    client = Client()
    assert client.post(REPORT, _report(client, addressed_to="union")).status_code == 200
    readers = Case.objects.get().grants.filter(access="read").values_list("handler", flat=True)
    assert set(readers) == {union.pk}


def test_a_union_representative_without_a_key_is_not_offered_and_the_page_says_so_W8():
    f.make_handler(role="secretariat")
    f.make_handler(role="union_representative", keys=False)
    page = _page(Client().get(REPORT))
    assert 'id="union-not-ready"' in page and 'value="union"' not in page
    client = Client()
    text = "Sjefen på kontoret roper til de ansatte."
    response = client.post(REPORT, _report(client, addressed_to="union", description=text))
    assert response.status_code == 400
    assert text in _page(response)  # kept
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"addressed_to": "leader"}, "Velg hvilken leder"),
        ({"addressed_to": "leader", "leader": "abc"}, "gyldig valg"),
        ({"addressed_to": "leader", "leader": "99999"}, "gyldig valg"),
        ({"addressed_to": "moon"}, "gyldig valg"),
        ({"addressed_to": "leader", "youth_wing": "yes", "leader": "LEADER"}, "går alltid til"),
        (
            {"addressed_to": "leader", "leader": "LEADER", "excluded_handler": "LEADER"},
            "ikke skal se varselet. Velg én av delene",
        ),
    ],
)
def test_the_report_form_refuses_a_bad_address_and_keeps_the_text_W8(overrides, message):
    f.make_handler(role="secretariat")
    f.make_handler(role="youth_secretary_general")
    leader = f.make_handler(role="leader", body_level="group", body_name="Gruppa")
    overrides = {k: v.replace("LEADER", str(leader.pk)) for k, v in overrides.items()}
    client = Client()
    response = client.post(REPORT, _report(client, **overrides))
    assert response.status_code == 400
    page = _page(response)
    assert message in page
    assert "Lederen stemte i egen sak." in page
    assert not Case.objects.exists()


def test_the_handlers_group_alone_does_not_open_the_page():
    """The role is what counts: a recipient in another role is refused, in the handlers
    group or out of it."""
    user = f.make_user(handler_group=True)
    Handler.objects.filter(user=user).update(role="secretary_general")  # made with the group
    assert _client(user).get(PEOPLE).status_code == 403
    Group.objects.get(name=HANDLERS_GROUP).user_set.remove(user)
    assert _client(user).get(PEOPLE).status_code == 403
