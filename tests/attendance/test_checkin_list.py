"""The leader's check-in list on their own phone (S10, S16, G16, issue 18): search by name,
"Sjekk inn" / "Sjekk ut" per person through the same presence intervals as a QR check-in,
idempotent, audited, consent first, and refusals as clear messages."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from attendance.models import Consent, CourseStatus, Presence, PresenceSource
from attendance.services import checkin
from groups.models import AuditEntry
from tests.conftest import World
from tests.factories.attendance import at, give_consent, make_course, make_session_meeting
from tests.factories.groups import make_membership, make_user

DURING = at(2031, 3, 4, 18, 10)


@pytest.fixture
def course_meeting(world: World):
    meeting = make_session_meeting(
        world.group, starts_at=at(2031, 3, 4, 18), ends_at=at(2031, 3, 4, 20), title="Studiering"
    )
    course = make_course(
        world.group, world.users["leader"], status=CourseStatus.APPROVED, meetings=[meeting]
    )
    return course, meeting


def _url(meeting) -> str:
    return reverse("attendance:checkin_list", args=[meeting.pk])


def _client(world: World, role: str = "leader", language: str = "nb") -> Client:
    client = world.client_for(role)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def test_s16_the_leader_checks_a_consenting_member_in_and_out_as_intervals(
    world: World, course_meeting
):
    course, meeting = course_meeting
    member, leader = world.users["member"], world.users["leader"]
    give_consent(course, member)
    with time_machine.travel(DURING, tick=False):
        presence, created = checkin.presence_check_in_by_leader(
            actor=leader, meeting=meeting, user=member
        )
        again, created_again = checkin.presence_check_in_by_leader(
            actor=leader, meeting=meeting, user=member
        )
    assert created and not created_again and again.pk == presence.pk  # idempotent
    assert presence.source == PresenceSource.LEADER
    assert presence.created_by == leader and presence.user == member
    assert presence.started_at == at(2031, 3, 4, 18, 10)
    entry = AuditEntry.objects.get(action="presence.check_in")
    assert entry.actor == leader and entry.subject_user == member
    with time_machine.travel(at(2031, 3, 4, 19, 0), tick=False):
        out, changed = checkin.presence_check_out_by_leader(
            actor=leader, meeting=meeting, user=member
        )
        same, changed_again = checkin.presence_check_out_by_leader(
            actor=leader, meeting=meeting, user=member
        )
    assert changed and not changed_again and same.pk == out.pk
    assert out.ended_at == at(2031, 3, 4, 19, 0)
    assert AuditEntry.objects.filter(action="presence.check_out", subject_user=member).count() == 1
    with time_machine.travel(at(2031, 3, 4, 19, 30), tick=False):
        back, created = checkin.presence_check_in_by_leader(
            actor=leader, meeting=meeting, user=member
        )
    assert created and back.pk != presence.pk  # back after leaving: a new interval (S16)
    assert Presence.objects.filter(meeting=meeting, user=member).count() == 2


def test_s10_no_check_in_without_consent_and_the_leaders_tick_records_it(
    world: World, course_meeting
):
    course, meeting = course_meeting
    member, leader = world.users["member"], world.users["leader"]
    with time_machine.travel(DURING, tick=False):
        with pytest.raises(ValidationError, match="har ikke samtykket"):
            checkin.presence_check_in_by_leader(actor=leader, meeting=meeting, user=member)
        assert not Consent.objects.filter(user=member).exists()
        assert not Presence.objects.exists()
        checkin.presence_check_in_by_leader(
            actor=leader, meeting=meeting, user=member, consent_informed=True
        )
    consent = Consent.objects.get(course=course, user=member)
    assert consent.recorded_by == leader
    assert Presence.objects.get(user=member).consent == consent


def test_s16_the_leaders_check_in_is_refused_outside_the_window_and_for_non_leaders(
    world: World, course_meeting
):
    course, meeting = course_meeting
    member = world.users["member"]
    give_consent(course, member)
    late = at(2031, 3, 4, 20, 5)
    with time_machine.travel(late, tick=False), pytest.raises(ValidationError, match="ikke åpen"):
        checkin.presence_check_in_by_leader(
            actor=world.users["leader"], meeting=meeting, user=member
        )
    with time_machine.travel(DURING, tick=False), pytest.raises(PermissionDenied):
        checkin.presence_check_in_by_leader(
            actor=world.users["faction_leader"], meeting=meeting, user=member
        )
    assert not Presence.objects.exists()


def test_g16_an_independent_member_is_not_checked_in_by_the_leader(world: World, course_meeting):
    course, meeting = course_meeting
    membership = world.memberships["member"]
    give_consent(course, membership.user)
    membership.independent_from = dt.date(2030, 1, 1)
    membership.save()
    with time_machine.travel(DURING, tick=False), pytest.raises(ValidationError, match="uavhengig"):
        checkin.presence_check_in_by_leader(
            actor=world.users["leader"], meeting=meeting, user=membership.user
        )


def test_s16_the_list_filters_by_name_without_javascript_and_shows_each_state(
    world: World, course_meeting
):
    course, meeting = course_meeting
    åse = make_membership(world.group, make_user(full_name="Åse Ødegård")).user
    give_consent(course, åse)
    give_consent(course, world.users["deputy"])
    with time_machine.travel(DURING, tick=False):
        checkin.presence_check_in_by_leader(
            actor=world.users["leader"], meeting=meeting, user=world.users["deputy"]
        )
        client = _client(world)
        html = client.get(_url(meeting), {"q": "åse ØDE"}).content.decode()
        assert "Åse Ødegård" in html and "Marit Medlem" not in html
        assert "Ikke kommet" in html and "1 treff" in html
        everyone = client.get(_url(meeting)).content.decode()
    assert "Marit Medlem" in everyone and "Nils Nestleder" in everyone
    assert "Inne" in everyone and "fra kl. 18:10" in everyone
    assert 'name="q"' in everyone and 'method="get"' in everyone  # works without htmx
    assert "1 av " in everyone  # the live count
    with time_machine.travel(DURING, tick=False):
        fragment = client.get(
            _url(meeting),
            {"q": "marit"},
            headers={"HX-Request": "true", "HX-Target": "checkin-results"},
        ).content.decode()
    assert "<html" not in fragment and "Marit Medlem" in fragment and "Åse" not in fragment
    with time_machine.travel(DURING, tick=False):
        none = client.get(_url(meeting), {"q": "zzz"}).content.decode()
    assert "Ingen deltakere passer til «zzz»." in none


def test_s10_s16_tapping_check_in_and_out_on_the_list_keeps_the_search(
    world: World, course_meeting
):
    _course, meeting = course_meeting
    member = world.users["member"]
    with time_machine.travel(DURING, tick=False):
        client = _client(world)
        refused = client.post(
            _url(meeting), {"user": member.pk, "action": "in", "q": "marit"}, follow=True
        )
        assert "Marit Medlem har ikke samtykket" in refused.content.decode()
        assert not Presence.objects.exists()
        response = client.post(
            _url(meeting), {"user": member.pk, "action": "in", "consent": "yes", "q": "marit"}
        )
        assert response.status_code == 302
        assert response["Location"] == _url(meeting) + f"?q=marit#deltaker-{member.pk}"
        page = client.get(response["Location"]).content.decode()
    assert "Marit Medlem er sjekket inn fra kl. 18:10." in page
    assert Presence.objects.get(user=member).source == PresenceSource.LEADER
    with time_machine.travel(at(2031, 3, 4, 19, 15), tick=False):
        client = _client(world)
        page = client.post(
            _url(meeting), {"user": member.pk, "action": "out"}, follow=True
        ).content.decode()
        assert "Marit Medlem er sjekket ut kl. 19:15." in page and "Gått" in page
        again = client.post(
            _url(meeting), {"user": member.pk, "action": "out"}, follow=True
        ).content.decode()
    assert "var allerede sjekket ut kl. 19:15" in again


@pytest.mark.parametrize(
    "data",
    [
        {"user": "999999", "action": "in"},
        {"user": "abc", "action": "in"},
        {"action": "out"},
        {"user": "1", "action": "eject"},
        {},
    ],
)
def test_bad_posts_to_the_list_get_a_message_not_a_500(world: World, course_meeting, data):
    _course, meeting = course_meeting
    with time_machine.travel(DURING, tick=False):
        page = _client(world).post(_url(meeting), data, follow=True)
    assert page.status_code == 200
    assert "Velg en deltaker på listen" in page.content.decode()
    assert not Presence.objects.exists()


def test_an_outsider_on_the_list_cannot_be_checked_in(world: World, course_meeting):
    """Only the expected participants: someone of another group is refused as unknown."""
    _course, meeting = course_meeting
    with time_machine.travel(DURING, tick=False):
        page = _client(world).post(
            _url(meeting),
            {"user": world.users["outsider"].pk, "action": "in", "consent": "yes"},
            follow=True,
        )
    assert "Velg en deltaker på listen" in page.content.decode()
    assert not Presence.objects.exists()


def test_the_qr_screen_and_the_meeting_page_link_to_the_list_for_leaders_only(
    world: World, course_meeting
):
    _course, meeting = course_meeting
    with time_machine.travel(DURING, tick=False):
        qr = _client(world).get(reverse("attendance:qr_screen", args=[meeting.pk]))
        page = _client(world).get(reverse("meetings:detail", args=[meeting.pk]))
        member_page = _client(world, "member").get(reverse("meetings:detail", args=[meeting.pk]))
    assert _url(meeting) in qr.content.decode()
    assert _url(meeting) in page.content.decode()
    assert _url(meeting) not in member_page.content.decode()


def test_the_list_reads_as_english_in_english(world: World, course_meeting):
    course, meeting = course_meeting
    give_consent(course, world.users["member"])
    with time_machine.travel(DURING, tick=False):
        html = _client(world, language="en").get(_url(meeting)).content.decode()
    assert "Check in" in html and "Not arrived" in html and "Search by name" in html
    assert "Sjekk inn" not in html
