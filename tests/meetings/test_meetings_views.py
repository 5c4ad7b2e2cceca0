"""Pages: the calendar feed, lists and search, refusals shown on the form, the PDF."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine
from django.urls import reverse
from icalendar import Calendar

from meetings import services
from meetings.models import AgendaStatus, Meeting, MeetingKind, MinutesVersion
from tests.conftest import World
from tests.factories.meetings import at, make_item, make_meeting

NOW = at(2025, 2, 3, 12)


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def test_the_calendar_feed_parses_back_field_by_field(world: World, settings: object) -> None:
    meeting = make_meeting(
        world.group,
        title="Gruppemøte mars",
        starts_at=at(2025, 3, 4, 18),
        ends_at=at(2025, 3, 4, 20),
        place="Rådhuset",
        mode="hybrid",
        digital_link="https://teams.example.org/m/9",
    )
    cancelled = make_meeting(
        world.group,
        title="Julebord",
        kind=MeetingKind.SOCIAL,
        status="cancelled",
        cancel_reason="Snøstorm",
    )
    board = make_meeting(world.group, kind=MeetingKind.BOARD, title="Styremøte")
    token = services.calendar_feed_create(actor=world.users["member"])
    response = world.client_for("anonymous").get(reverse("meetings:feed", args=[token]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(response.content)
    assert str(cal["version"]) == "2.0"
    assert str(cal["prodid"]) == "-//Senterpartiet//Gruppeportalen//NO"
    events = {str(e["summary"]): e for e in cal.walk("VEVENT")}
    assert set(events) == {"Gruppemøte mars", "Julebord"}  # no board meeting for a member
    assert board.title not in events
    event = events["Gruppemøte mars"]
    assert str(event["uid"]) == f"meeting-{meeting.pk}@127.0.0.1:8000"
    assert event.decoded("dtstart") == at(2025, 3, 4, 18)
    assert event.decoded("dtend") == at(2025, 3, 4, 20)
    assert event.decoded("dtstart").utcoffset() == dt.timedelta(0)
    assert str(event["location"]) == "Rådhuset / https://teams.example.org/m/9"
    url = f"http://127.0.0.1:8000/moter/{meeting.pk}/"
    assert str(event["url"]) == url
    assert url in str(event["description"])
    assert str(event["status"]) == "CONFIRMED"
    assert str(event["class"]) == "PUBLIC"
    assert event.decoded("dtstamp") == NOW
    assert str(events["Julebord"]["status"]) == "CANCELLED"
    assert "Snøstorm" in str(events["Julebord"]["description"])
    assert cancelled.pk


def test_a_revoked_feed_stops_working(world: World) -> None:
    token = services.calendar_feed_create(actor=world.users["member"])
    client = world.client_for("anonymous")
    assert client.get(reverse("meetings:feed", args=[token])).status_code == 200
    new_token = services.calendar_feed_create(actor=world.users["member"])
    assert client.get(reverse("meetings:feed", args=[token])).status_code == 404
    services.calendar_feed_revoke(actor=world.users["member"])
    assert client.get(reverse("meetings:feed", args=[new_token])).status_code == 404


def test_the_feed_address_is_shown_once(world: World) -> None:
    client = world.client_for("member")
    client.post(reverse("meetings:calendar_feed_new"))
    first = client.get(reverse("meetings:calendar")).content.decode()
    assert "/moter/kalender/" in first and ".ics" in first
    again = client.get(reverse("meetings:calendar")).content.decode()
    assert ".ics" not in again


def test_lists_show_upcoming_and_past_meetings_with_search_by_text_and_date(world: World) -> None:
    make_meeting(world.group, title="Budsjettmøte", starts_at=at(2025, 3, 4, 18))
    make_meeting(world.group, title="Planmøte", starts_at=at(2025, 4, 1, 18))
    old = make_meeting(world.group, title="Budsjett i fjor", starts_at=at(2024, 11, 4, 18))
    make_item(old, title="Skolestruktur")
    client = world.client_for("member")
    url = reverse("meetings:list")
    upcoming = client.get(url).content.decode()
    assert "Budsjettmøte" in upcoming and "Planmøte" in upcoming
    assert "Budsjett i fjor" not in upcoming
    found = client.get(url, {"q": "budsjett"}).content.decode()
    assert "Budsjettmøte" in found and "Planmøte" not in found
    by_date = client.get(url, {"date_from": "2025-03-20", "date_to": "2025-04-30"})
    assert "Planmøte" in by_date.content.decode()
    assert "Budsjettmøte" not in by_date.content.decode()
    past = client.get(url, {"vis": "tidligere", "q": "skolestruktur"}).content.decode()
    assert "Budsjett i fjor" in past


def test_an_overlapping_meeting_is_refused_on_the_form_keeping_the_input(world: World) -> None:
    make_meeting(world.group, title="Første", starts_at=at(2025, 3, 4, 18))
    client = world.client_for("leader")
    response = client.post(
        reverse("meetings:create", args=[world.group.pk]),
        {
            "kind": "group",
            "title": "Mitt nye møte",
            "starts_at": "2025-03-04T19:00",
            "ends_at": "2025-03-04T21:00",
            "place": "Kafeen",
            "mode": "physical",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "overlapper med «Første»" in body
    assert 'value="Mitt nye møte"' in body and 'aria-invalid="true"' in body
    assert Meeting.objects.count() == 1


def test_end_before_start_is_refused_on_the_form(world: World) -> None:
    client = world.client_for("leader")
    response = client.post(
        reverse("meetings:create", args=[world.group.pk]),
        {
            "kind": "group",
            "title": "Baklengs",
            "starts_at": "2025-03-04T19:00",
            "ends_at": "2025-03-04T18:00",
            "mode": "physical",
        },
    )
    assert response.status_code == 200
    assert "Møtet må slutte etter at det starter." in response.content.decode()
    assert not Meeting.objects.exists()


def test_editing_approved_minutes_is_refused_and_nothing_is_lost(world: World) -> None:
    meeting = make_meeting(world.group, starts_at=at(2025, 2, 1, 18))
    item = make_item(meeting, discussion="Opprinnelig tekst")
    services.minutes_approve(actor=world.users["leader"], meeting=meeting)
    client = world.client_for("leader")
    response = client.post(
        reverse("meetings:item_minutes", args=[item.pk]),
        {
            f"minutes-{item.pk}-discussion": "Forsøk på endring",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Referatet er godkjent og låst" in body
    item.refresh_from_db()
    assert item.discussion == "Opprinnelig tekst"


def test_a_fourth_signature_is_refused_with_a_message(world: World) -> None:
    from tests.factories.groups import make_membership

    req = services.request_create(
        actor=world.users["member"], group=world.group, kind="group", reason="Skole"
    )
    services.request_sign(actor=world.users["faction_leader"], meeting_request=req)
    services.request_sign(actor=world.users["deputy"], meeting_request=req)
    fourth = make_membership(world.group)
    client = world.client_for("member")
    client.force_login(fourth.user)
    response = client.post(reverse("meetings:request_sign", args=[req.pk]), follow=True)
    assert "allerede nok underskrifter" in response.content.decode()
    assert req.signatures.count() == 3


def test_a_vote_on_a_closed_item_is_refused_on_the_page(world: World) -> None:
    meeting = make_meeting(world.group, starts_at=at(2025, 2, 1, 18))
    item = make_item(meeting)
    conflict = services.conflict_declare(actor=world.users["member"], item=item, reason="Nabo")
    services.agenda_item_close(actor=world.users["leader"], item=item)
    response = world.client_for("leader").post(
        reverse("meetings:conflict_vote", args=[conflict.pk]),
        {f"vote-{conflict.pk}-votes_for": "2", f"vote-{conflict.pk}-votes_against": "0"},
    )
    assert response.status_code == 200
    assert "Saken er ferdigbehandlet" in response.content.decode()
    conflict.refresh_from_db()
    assert conflict.votes_for is None


def test_approved_minutes_download_as_pdf(world: World) -> None:
    meeting = make_meeting(world.group, starts_at=at(2025, 2, 1, 18), title="Gruppemøte")
    make_item(
        meeting,
        title="Skolestruktur",
        discussion="Drøftet",
        disagrees_with_recommendation=True,
        conclusion="Imot nedleggelse",
    )
    version = services.minutes_approve(actor=world.users["leader"], meeting=meeting)
    response = world.client_for("member").get(
        reverse("meetings:minutes_pdf", args=[meeting.pk, version.number])
    )
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    from io import BytesIO

    from pypdf import PdfReader

    text = PdfReader(BytesIO(response.content)).pages[0].extract_text()
    assert "Skolestruktur" in text and "Imot nedleggelse" in text
    assert MinutesVersion.objects.count() == 1


def test_the_plan_page_warns_about_too_few_social_gatherings_G21(world: World) -> None:
    body = world.client_for("leader").get(reverse("meetings:plan", args=[world.group.pk]))
    assert "minst to sosiale samlinger" in body.content.decode()
    for day in (5, 6):
        make_meeting(world.group, kind=MeetingKind.SOCIAL, starts_at=at(2025, 6, day, 19))
    body = world.client_for("leader").get(reverse("meetings:plan", args=[world.group.pk]))
    assert "minst to sosiale samlinger" not in body.content.decode()


def test_members_see_declined_items_of_their_own_with_the_reason_G9(world: World) -> None:
    meeting = make_meeting(world.group, starts_at=at(2025, 3, 4, 18))
    item = make_item(
        meeting,
        title="Min sak",
        status=AgendaStatus.DECLINED,
        submitted_by=world.users["member"],
        decision_reason="Hører til utvalget",
    )
    other = make_item(
        meeting,
        title="Annens sak",
        status=AgendaStatus.PROPOSED,
        submitted_by=world.users["faction_leader"],
    )
    body = world.client_for("member").get(reverse("meetings:detail", args=[meeting.pk]))
    text = body.content.decode()
    assert item.title in text and "Hører til utvalget" in text
    assert other.title not in text


def test_the_testament_is_one_page_E2(world: World) -> None:
    services.programme_issue_create(
        actor=world.users["leader"],
        group=world.group,
        title="Ny barnehage",
        sector="school",
        assignee=world.memberships["member"],
        start_on=dt.date(2024, 1, 1),
        present_by=dt.date(2025, 6, 1),
    )
    response = world.client_for("member").get(
        reverse("meetings:testament", args=[world.group.pk]), {"format": "pdf"}
    )
    from io import BytesIO

    from pypdf import PdfReader

    reader = PdfReader(BytesIO(response.content))
    assert len(reader.pages) == 1
    assert "Ny barnehage" in reader.pages[0].extract_text()


@pytest.mark.parametrize("value", ["abc", "", "0", "1e3", "99999999999999999999999"])
def test_a_meeting_request_reference_that_is_no_id_shows_the_empty_form_with_a_message(
    world: World, value: str
) -> None:
    """Issue 15 item 7: ``?krav=abc`` was a ValueError and a 500."""
    response = world.client_for("leader").get(
        reverse("meetings:create", args=[world.group.pk]), {"krav": value}
    )
    assert response.status_code == 200
    assert "Fant ikke kravet om møte" in response.content.decode()
    assert response.context["form"]["description"].value() in (None, "")


def test_the_meeting_request_list_is_paginated(world: World) -> None:
    """Issue 15 item 14: every open request of the group's history was on one page."""
    from django.utils import timezone

    from meetings.models import MeetingRequest, RequestKind
    from meetings.views.lists import REQUEST_PAGE_SIZE

    now = timezone.now()
    for n in range(REQUEST_PAGE_SIZE + 5):
        MeetingRequest.objects.create(
            group=world.group,
            kind=RequestKind.GROUP,
            reason=f"Krav nummer {n:02d}",
            created_at=now - dt.timedelta(minutes=n),
        )
    client = world.client_for("member")
    url = reverse("meetings:requests", args=[world.group.pk])

    first = client.get(url).content.decode()
    second = client.get(url, {"side": 2}).content.decode()
    junk = client.get(url, {"side": "abc"})

    assert first.count('class="card"') == REQUEST_PAGE_SIZE
    assert "Krav nummer 00" in first and "Krav nummer 24" not in first
    assert "?side=2" in first and "Side 1 av 2" in first
    assert second.count('class="card"') == 5 and "Krav nummer 24" in second
    assert junk.status_code == 200 and "Side 1 av 2" in junk.content.decode()


@pytest.mark.parametrize(
    "value", ["-71620419377426997248", "99999999999999999999999", "abc", "1.5"]
)
def test_summoning_an_id_beyond_any_row_is_refused_on_the_form(world: World, value: str) -> None:
    """Issue 15 item 7 (found by tests/test_fuzz.py): a number beyond the id column's range
    reached SQLite through ``pk__in`` and raised OverflowError."""
    meeting = make_meeting(world.group, kind=MeetingKind.BOARD, starts_at=at(2031, 5, 5, 18))
    response = world.client_for("leader").post(
        reverse("meetings:summon", args=[meeting.pk]), {"memberships": [value]}
    )
    assert response.status_code == 200
    assert "er ikke en gyldig verdi" in response.content.decode()
    assert not meeting.summoned.exists()
