"""Keys follow routes (W8, W10, issue 12): every case is tried with every handler's private
key, and exactly the readers the route names (plus the party general's reserve key on party
reports) can open it. "Informed" is a row without a key."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from tests.factories import whistleblowing as f
from whistleblowing import crypto, selectors, services
from whistleblowing.models import Access, Case, Handler, KeyGrant, PublicContact

pytestmark = pytest.mark.django_db
REPORT = reverse("whistleblowing:report")


def _private_key(handler: Handler) -> bytes:
    """Unlock the handler's private key with its passphrase, outside every portal check."""
    handler.refresh_from_db()
    return crypto.unprotect(
        crypto.ProtectedKey(
            blob=bytes(handler.private_key_blob or b""),
            salt=bytes(handler.kdf_salt or b""),
            opslimit=int(handler.kdf_opslimit or 0),
            memlimit=int(handler.kdf_memlimit or 0),
        ),
        f.PASSPHRASE,
    )


def _can_decrypt(handler: Handler, private: bytes, case: Case) -> bool:
    """Unwrap every sealed key row the database holds for this handler and case, and try
    each on the report itself."""
    for row in KeyGrant.objects.filter(case=case, handler=handler):
        if row.sealed_key is None:
            continue
        try:
            key = crypto.unseal(private, bytes(row.sealed_key))
            crypto.decrypt(key, bytes(case.content_blob))
        except crypto.DecryptionError:
            continue
        return True
    return False


@pytest.fixture
def staff():
    return {
        "sec": f.make_handler(role="secretariat", gender="female"),
        "sg": f.make_handler(role="secretary_general", gender="male"),
        "ysg": f.make_handler(role="youth_secretary_general", gender="female"),
        "sh_f": f.make_handler(
            role="secretariat", gender="female", sexual_harassment_recipient=True
        ),
        "sh_m": f.make_handler(role="secretariat", gender="male", sexual_harassment_recipient=True),
        "leader": f.make_handler(
            role="leader", body_level="local", body_name="Grønnbygd Senterparti"
        ),
        "leader_2": f.make_handler(role="leader", body_level="county", body_name="Fjellfylket"),
        "union": f.make_handler(role="union_representative"),
    }


def test_every_handlers_key_opens_exactly_the_cases_its_route_names(staff):
    cases = {
        "party": f.submit(category="financial").case,
        "sexual_harassment": f.submit(category="sexual_harassment").case,
        "youth_wing": f.submit(youth_wing=True).case,
        "youth_wing_ysg_excluded": f.submit(
            youth_wing=True, excluded_handler_id=staff["ysg"].pk
        ).case,
        # W8: addressed by the reporter to the nearest leader, the union representative
        # (staff matters) or the general.
        "nearest_leader": f.submit(addressed_to="leader", leader_id=staff["leader"].pk).case,
        "nearest_leader_harassment": f.submit(
            category="sexual_harassment", addressed_to="leader", leader_id=staff["leader_2"].pk
        ).case,
        "staff_union": f.submit(addressed_to="union").case,
        "staff_general": f.submit(addressed_to="general").case,
        "staff_union_general_excluded": f.submit(
            addressed_to="union", excluded_handler_id=staff["sg"].pk
        ).case,
    }
    # The designated recipients leave; the one secretariat handler left is excluded, so
    # the party route falls to the secretary general.
    Handler.objects.filter(pk__in=[staff["sh_f"].pk, staff["sh_m"].pk]).update(is_active=False)
    cases["party_secretariat_excluded"] = f.submit(excluded_handler_id=staff["sec"].pk).case

    expected = {
        "party": {"sec", "sh_f", "sh_m", "sg"},  # sg: the reserve key for escalation
        "sexual_harassment": {"sh_f", "sh_m", "sg"},
        "youth_wing": {"ysg"},
        "youth_wing_ysg_excluded": {"sg"},
        "party_secretariat_excluded": {"sg"},
        "nearest_leader": {"leader", "sg"},
        "nearest_leader_harassment": {"leader_2", "sg"},
        "staff_union": {"union", "sg"},
        "staff_general": {"sg"},
        "staff_union_general_excluded": {"union"},
    }
    privates = {name: _private_key(handler) for name, handler in staff.items()}
    opened = {
        route: {name for name, h in staff.items() if _can_decrypt(h, privates[name], case)}
        for route, case in cases.items()
    }
    assert opened == expected
    # The party general on a youth-wing report holds a row (the metadata) and no key.
    informed = KeyGrant.objects.get(case=cases["youth_wing"], handler=staff["sg"])
    assert informed.access == Access.INFORMED and informed.sealed_key is None
    assert not KeyGrant.objects.filter(access=Access.INFORMED, sealed_key__isnull=False).exists()


def test_a_leader_without_a_key_is_never_sealed_to_and_the_report_is_refused_W8(staff):
    waiting = f.make_handler(role="leader", keys=False, body_level="group", body_name="Gruppa")
    with pytest.raises(ValidationError) as refused:
        f.submit(addressed_to="leader", leader_id=waiting.pk)
    assert "leader" in refused.value.error_dict
    with pytest.raises(ValidationError) as refused:
        f.submit(addressed_to="leader", leader_id=staff["sec"].pk)  # not a leader
    assert "leader" in refused.value.error_dict
    assert not Case.objects.exists()


def test_informed_general_is_listed_with_metadata_but_holds_nothing_to_open(staff):
    case = f.submit(youth_wing=True).case
    rows = selectors.cases_for_handler(staff["sg"])
    assert [(row.case.pk, row.access) for row in rows] == [(case.pk, Access.INFORMED)]
    assert rows[0].deadlines.acknowledge_by is not None  # the deadline state is metadata


def test_routing_to_the_party_general_is_logged_and_shown_to_the_readers(staff):
    case = f.submit(youth_wing=True, excluded_handler_id=staff["ysg"].pk).case
    assert KeyGrant.objects.get(case=case, handler=staff["sg"]).access == Access.READ
    assert not KeyGrant.objects.filter(case=case, handler=staff["ysg"]).exists()
    view = selectors.case_view(case, f.case_key(staff["sg"], case))
    labels = [str(entry["label"]) for entry in view.log]
    assert any("Senterungdommens generalsekretær ikke skal se den" in label for label in labels)
    # An ordinary youth-wing report has no such entry.
    other = f.submit(youth_wing=True).case
    assert not selectors.case_view(other, f.case_key(staff["ysg"], other)).log


def test_escalation_of_a_youth_wing_report_hands_over_no_content(staff):
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        case = f.submit(youth_wing=True).case
    with time_machine.travel(start + dt.timedelta(days=14), tick=False):
        assert services.deadline_sweep().escalations == 1
    grant = KeyGrant.objects.get(case=case, handler=staff["sg"])
    assert grant.access == Access.INFORMED and grant.sealed_key is None
    # A youth-wing reader can still grant a key, and then the general reads it.
    key = f.case_key(staff["ysg"], case)
    services.access_grant(handler=staff["ysg"], case=case, key=key, target=staff["sg"])
    assert f.case_key(staff["sg"], case) == key


# --- no silent fallback ---------------------------------------------------------------


@pytest.fixture
def party_only():
    """The party is set up; the youth wing's general exists but has no key yet."""
    ysg = f.make_handler(role="youth_secretary_general", keys=False)
    PublicContact.objects.create(route="youth_wing", name="Ylva Ung", phone="+47 400 00 000")
    return {
        "sec": f.make_handler(role="secretariat"),
        "sg": f.make_handler(role="secretary_general"),
        "ysg": ysg,
    }


def test_a_youth_wing_report_never_goes_silently_to_the_party_general(party_only):
    with pytest.raises(ValidationError, match="ikke klart"):
        f.submit(youth_wing=True)
    assert not Case.objects.exists()
    f.submit()  # the party route still works
    assert Case.objects.count() == 1


def _token(client: Client) -> str:
    page = client.get(REPORT).content.decode()
    return re.search(r'name="token" value="([^"]+)"', page).group(1)


def test_form_says_the_youth_channel_is_not_ready_and_shows_the_contacts(party_only):
    client = Client()
    page = client.get(REPORT).content.decode()
    assert 'id="youth-not-ready"' in page
    assert "Varsler om Senterungdommen kan ikke sendes her ennå" in page
    assert "+47 400 00 000" in page and 'href="tel:+4740000000"' in page
    assert "Senterungdommens generalsekretær har ikke satt opp mottaket sitt" in page
    assert "går alltid til Senterungdommens generalsekretær" not in page

    text = "Lederen i Senterungdommen oppfører seg truende."
    response = client.post(
        REPORT,
        {
            "category": "discrimination",
            "youth_wing": "yes",
            "relation": "affected",
            "description": text,
            "anonymous": "yes",
            "token": _token(client),
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "kan ikke sendes her ennå" in body
    assert text in body  # the input is kept
    assert not Case.objects.exists()


def test_form_offers_the_youth_channel_when_its_general_has_a_key(party_only):
    Handler.objects.filter(pk=party_only["ysg"].pk).delete()
    f.make_handler(role="youth_secretary_general")
    page = Client().get(REPORT).content.decode()
    assert 'id="youth-not-ready"' not in page
    assert "går alltid til Senterungdommens generalsekretær" in page


def test_route_health_warns_that_the_youth_channel_is_not_ready(party_only):
    assert "no_youth_general" in selectors.routing_warnings()
    f.make_handler(role="youth_secretary_general")
    assert "no_youth_general" not in selectors.routing_warnings()


def test_the_notice_without_contacts_says_where_to_turn(party_only):
    PublicContact.objects.all().delete()
    page = Client().get(REPORT).content.decode()
    assert "Ingen telefon eller e-post er lagt inn ennå" in page


# --- a filed report keeps a reader ------------------------------------------------------


def _deactivate(handler: Handler):
    from whistleblowing.admin import HandlerAdminForm

    data = {
        "user": handler.user_id,
        "role": handler.role,
        "gender": handler.gender,
        "is_active": False,
        "body_level": "",
        "body_name": "",
    }
    return HandlerAdminForm(data=data, instance=handler)


def test_the_last_reader_of_an_open_case_cannot_be_deactivated(staff):
    case = f.submit(youth_wing=True).case  # read by the youth wing's general alone
    form = _deactivate(staff["ysg"])
    assert not form.is_valid()
    assert "1 åpne saker har ingen andre lesere" in str(form.errors)
    # Once another reader holds a key, the youth general may go.
    key = f.case_key(staff["ysg"], case)
    services.access_grant(handler=staff["ysg"], case=case, key=key, target=staff["sg"])
    assert _deactivate(staff["ysg"]).is_valid()
    # A reader among several may always be deactivated.
    f.submit(category="sexual_harassment")  # read by sh_f and sh_m
    assert selectors.cases_only_read_by(staff["sh_f"]) == 0
    assert _deactivate(staff["sh_f"]).is_valid()


def test_the_informed_page_shows_the_deadline_state_and_no_content(staff):
    from tests.whistleblowing.test_wb_views import handler_client

    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        case = f.submit(youth_wing=True, description="Hemmelig ungdomssak").case
    url = reverse("whistleblowing:case_detail", args=[case.pk])
    with time_machine.travel(start + dt.timedelta(days=1), tick=False):
        client = handler_client(staff["sg"], unlock=False)  # metadata needs no key
        page = client.get(url).content.decode()
    assert "Innenfor fristen" in page and "Hemmelig ungdomssak" not in page
    assert "ingen nøkkel til innholdet" in page
    with time_machine.travel(start + dt.timedelta(days=15), tick=False):
        services.deadline_sweep()
        client.force_login(staff["sg"].user)
        page = client.get(url).content.decode()
    assert "Fristen er passert" in page and "Hemmelig ungdomssak" not in page


def test_the_privacy_notice_says_who_holds_a_reserve_key_and_who_only_metadata():
    page = Client().get(reverse("groups:privacy")).content.decode()
    assert "har en nøkkel i reserve til partiets saker" in page
    assert "bare vite at saken finnes, uten nøkkel" in page
