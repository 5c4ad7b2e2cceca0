"""Issue 17, check-in and presence (S10, S16): the open presence is found again after the
scan's grant has run out, check out and in again until the session ends, a clear message
after it; an evening without QR, where the leader registers any participant by name."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from attendance import selectors
from attendance.models import Consent, CourseStatus, Presence, PresenceSource
from attendance.services import checkin
from groups.models import AuditEntry
from tests.conftest import World
from tests.factories.attendance import (
    at,
    give_consent,
    make_course,
    make_presence,
    make_session_meeting,
)
from tests.factories.groups import make_membership, make_user

# Many times of day, and the days Norway changes to and from summer time (2031: 30 March
# and 26 October), one session running through the change itself.
STARTS = [
    at(2031, 3, 4, 7),
    at(2031, 3, 4, 12, 30),
    at(2031, 3, 4, 18),
    at(2031, 3, 4, 23),  # runs past midnight
    at(2031, 3, 30, 18),
    at(2031, 3, 30, 1, 30),  # 02:00 becomes 03:00 during the session
    at(2031, 10, 26, 18),
    at(2031, 10, 26, 1, 30),  # 03:00 becomes 02:00 during the session
]


def _session(world: World, start: dt.datetime):
    meeting = make_session_meeting(
        world.group, starts_at=start, ends_at=start + dt.timedelta(hours=2)
    )
    course = make_course(
        world.group, world.users["leader"], status=CourseStatus.APPROVED, meetings=[meeting]
    )
    return course, meeting


def _checked_in(meeting, user, when):
    give_consent(meeting.course_session.course, user)
    presence, _ = checkin.presence_check_in(
        actor=user, meeting=meeting, source=PresenceSource.QR, now=when
    )
    return presence


def _scan(client, meeting, when):
    return client.get(reverse("attendance:scan", args=[checkin.qr_token(meeting, when)]))


# --- services ------------------------------------------------------------------------------
@pytest.mark.parametrize("start", STARTS, ids=lambda s: s.isoformat())
def test_out_and_back_in_until_the_session_ends_then_refused_s16(world: World, start):
    start = start.astimezone(dt.UTC)  # real minutes, also across a change of summer time
    course, meeting = _session(world, start)
    member = world.users["member"]
    give_consent(course, member)
    first, _ = checkin.presence_check_in(
        actor=member, meeting=meeting, source=PresenceSource.QR, now=start + dt.timedelta(minutes=5)
    )
    with time_machine.travel(start + dt.timedelta(minutes=40), tick=False):
        checkin.presence_check_out(actor=member, meeting=meeting)
    again, created = checkin.presence_check_in(
        actor=member, meeting=meeting, source=PresenceSource.QR, now=start + dt.timedelta(hours=1)
    )
    assert created and again.pk != first.pk
    first.refresh_from_db()
    assert first.ended_at == start + dt.timedelta(minutes=40)
    assert again.started_at == start + dt.timedelta(hours=1)
    assert (again.started_at - first.ended_at) == dt.timedelta(minutes=20)
    with pytest.raises(ValidationError, match="ikke åpen"):
        checkin.presence_check_in(
            actor=member, meeting=meeting, source=PresenceSource.QR, now=meeting.ends_at
        )


def test_out_and_in_within_one_minute_does_not_overlap_s16(world: World):
    course, meeting = _session(world, at(2031, 3, 4, 18))
    member = world.users["member"]
    give_consent(course, member)
    checkin.presence_check_in(
        actor=member, meeting=meeting, source=PresenceSource.QR, now=at(2031, 3, 4, 18, 1)
    )
    left = at(2031, 3, 4, 18, 30) + dt.timedelta(seconds=40)
    with time_machine.travel(left, tick=False):
        checkin.presence_check_out(actor=member, meeting=meeting)
    again, _ = checkin.presence_check_in(
        actor=member, meeting=meeting, source=PresenceSource.QR, now=left + dt.timedelta(seconds=5)
    )
    assert again.started_at == left  # not 18:30:00, which would overlap the first interval


def test_running_checkins_are_the_running_sessions_with_a_check_in(world: World):
    course, meeting = _session(world, at(2031, 3, 4, 18))
    _other_course, other = _session(world, at(2031, 3, 5, 18))
    member = world.users["member"]
    _checked_in(meeting, member, at(2031, 3, 4, 18))
    make_presence(other, member, start=at(2031, 3, 5, 18), end=at(2031, 3, 5, 19))
    running = selectors.my_running_checkins(member, at(2031, 3, 4, 18, 30))
    assert [s.meeting for s in running] == [meeting]
    assert running[0].open_presence is not None
    assert selectors.my_running_checkins(member, at(2031, 3, 4, 20)) == []
    assert selectors.my_running_checkins(world.users["deputy"], at(2031, 3, 4, 18, 30)) == []
    assert course  # the course exists; the state names it
    assert running[0].course == course


def test_running_checkins_read_every_sessions_intervals_at_once_s16(
    world: World, django_assert_num_queries
):
    """Home and "Mine studietimer" show each running session's intervals: read in one
    query with the others, not one more per session (issue 13)."""
    start = at(2031, 3, 4, 18)
    member = world.users["member"]
    meetings = [_session(world, start + dt.timedelta(minutes=n))[1] for n in range(3)]
    make_presence(meetings[0], member, start=start, end=start + dt.timedelta(minutes=10))
    checkin.presence_check_in(  # back after leaving: a second interval
        actor=member,
        meeting=meetings[0],
        source=PresenceSource.QR,
        now=start + dt.timedelta(minutes=20),
    )
    for meeting in meetings[1:]:
        _checked_in(meeting, member, start + dt.timedelta(minutes=10))
    with django_assert_num_queries(2):  # the intervals, then the sessions with their meetings
        running = selectors.my_running_checkins(member, start + dt.timedelta(minutes=30))
        shown = [(s.meeting, len(s.intervals), s.open_presence is not None) for s in running]
    assert shown == [(meetings[0], 2, True), (meetings[1], 1, True), (meetings[2], 1, True)]
    assert [p.started_at for p in running[0].intervals] == sorted(
        p.started_at for p in Presence.objects.filter(meeting=meetings[0], user=member)
    )


def test_registrable_participants_are_the_group_not_only_the_scanned_s10(world: World):
    course, _meeting = _session(world, at(2031, 3, 4, 18))
    guest = make_user(full_name="Gunn Gjest", email="gjest@example.org")
    give_consent(course, guest)  # from outside the group, scanned once
    independent = make_membership(world.group, independent_from=dt.date(2030, 1, 1))
    names = set(
        selectors.registrable_participants(course, dt.date(2031, 3, 4)).values_list(
            "full_name", flat=True
        )
    )
    assert {"Marit Medlem", "Liv Leder", "Nils Nestleder", "Frode Fraksjon"} <= names
    assert "Gunn Gjest" in names
    assert "Ola Utenfor" not in names
    assert independent.user.full_name not in names


def test_the_leader_records_consent_given_to_them_with_who_and_when_s10(world: World):
    _course, meeting = _session(world, at(2031, 3, 4, 18))
    leader, member = world.users["leader"], world.users["member"]
    with pytest.raises(ValidationError) as refused:
        checkin.presence_add(
            actor=leader,
            meeting=meeting,
            user=member,
            started_at=meeting.starts_at,
            ended_at=meeting.ends_at,
            reason="Ingen QR i kveld",
        )
    assert "consent_informed" in refused.value.error_dict
    assert not Consent.objects.exists() and not Presence.objects.exists()
    with time_machine.travel(at(2031, 3, 4, 20, 15), tick=False):
        presence = checkin.presence_add(
            actor=leader,
            meeting=meeting,
            user=member,
            started_at=meeting.starts_at,
            ended_at=meeting.ends_at,
            reason="Ingen QR i kveld",
            consent_informed=True,
        )
    consent = presence.consent
    assert consent.user == member and consent.recorded_by == leader
    assert consent.given_at == at(2031, 3, 4, 20, 15)
    assert AuditEntry.objects.filter(action="course.consent_record", subject_user=member).exists()


def test_a_member_cannot_record_consent_for_another_s10(world: World):
    course, _meeting = _session(world, at(2031, 3, 4, 18))
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        checkin.consent_record_by_leader(
            actor=world.users["member"], course=course, user=world.users["deputy"]
        )


@pytest.mark.parametrize("start", STARTS, ids=lambda s: s.isoformat())
def test_an_interval_outside_the_session_is_refused_on_its_field_s16(world: World, start):
    start = start.astimezone(dt.UTC)
    course, meeting = _session(world, start)
    leader, member = world.users["leader"], world.users["member"]
    give_consent(course, member)
    cases = [
        (
            {"started_at": start - dt.timedelta(minutes=15), "ended_at": meeting.ends_at},
            "started_at",
        ),
        ({"started_at": start, "ended_at": meeting.ends_at + dt.timedelta(minutes=1)}, "ended_at"),
        ({"started_at": meeting.ends_at, "ended_at": None}, "started_at"),
    ]
    for times, field in cases:
        with pytest.raises(ValidationError) as refused:
            checkin.presence_add(actor=leader, meeting=meeting, user=member, reason="x", **times)
        assert field in refused.value.error_dict
        assert "Samlingen varte" in str(refused.value.error_dict[field])
    assert not Presence.objects.exists()
    whole = checkin.presence_add(
        actor=leader,
        meeting=meeting,
        user=member,
        started_at=meeting.starts_at,
        ended_at=meeting.ends_at,
        reason="x",
    )
    assert whole.ended_at is not None
    assert whole.ended_at - whole.started_at == dt.timedelta(hours=2)


def test_an_overlapping_interval_is_refused_and_an_adjacent_one_saved_s16(world: World):
    course, meeting = _session(world, at(2031, 3, 4, 18))
    leader, member = world.users["leader"], world.users["member"]
    give_consent(course, member)
    make_presence(meeting, member, start=at(2031, 3, 4, 18), end=at(2031, 3, 4, 19))
    with pytest.raises(ValidationError, match=r"allerede registrert fra kl\. 18:00 til kl\. 19:00"):
        checkin.presence_add(
            actor=leader,
            meeting=meeting,
            user=member,
            started_at=at(2031, 3, 4, 18, 30),
            ended_at=at(2031, 3, 4, 20),
            reason="x",
        )
    assert Presence.objects.count() == 1
    checkin.presence_add(
        actor=leader,
        meeting=meeting,
        user=member,
        started_at=at(2031, 3, 4, 19),
        ended_at=at(2031, 3, 4, 20),
        reason="Kom tilbake",
    )
    assert Presence.objects.count() == 2
    # Correcting one interval onto the other is refused too.
    first = Presence.objects.order_by("started_at").first()
    assert first is not None
    with pytest.raises(ValidationError, match="allerede registrert"):
        checkin.presence_correct(
            actor=leader,
            presence=first,
            started_at=at(2031, 3, 4, 18),
            ended_at=at(2031, 3, 4, 19, 30),
            reason="Feil",
        )
    first.refresh_from_db()
    assert first.ended_at == at(2031, 3, 4, 19)


# --- views ---------------------------------------------------------------------------------
def test_the_open_presence_is_found_after_the_grant_ran_out_and_checked_out_s16(world: World):
    _course, meeting = _session(world, at(2031, 3, 4, 18))
    scanned = at(2031, 3, 4, 18, 2)
    with time_machine.travel(scanned, tick=False):
        member = world.client_for("member")
        _scan(member, meeting, scanned)
        member.post(reverse("attendance:checkin", args=[meeting.pk]), {"consent": "yes"})
    later = scanned + dt.timedelta(minutes=40)  # the scan's 15 minutes are long gone
    with time_machine.travel(later, tick=False):
        page = member.get(reverse("attendance:checkin", args=[meeting.pk]))
        home = member.get(reverse("groups:home"))
        hours = member.get(reverse("attendance:my_hours"))
        detail = member.get(reverse("meetings:detail", args=[meeting.pk]))
        for response in (page, home, hours, detail):
            assert response.status_code == 200
            body = response.content.decode()
            assert "Du er til stede fra kl. 18:02." in body
            assert reverse("attendance:checkout", args=[meeting.pk]) in body
        out = member.post(
            reverse("attendance:checkout", args=[meeting.pk]), {"next": reverse("groups:home")}
        )
        assert out.status_code == 302 and out["Location"] == reverse("groups:home")
        after = member.get(reverse("groups:home")).content.decode()
        assert "Du sjekket ut kl. 18:42." in after
        assert "Sjekk inn igjen" in after
    with time_machine.travel(later + dt.timedelta(minutes=30), tick=False):
        member = world.client_for("member")  # a new login: no grant from the scan
        back = member.post(reverse("attendance:checkin", args=[meeting.pk]))
        assert back.status_code == 302
    intervals = list(Presence.objects.order_by("started_at"))
    assert len(intervals) == 2 and intervals[1].ended_at is None
    assert intervals[1].source == PresenceSource.QR
    with time_machine.travel(at(2031, 3, 4, 20, 30), tick=False):
        member = world.client_for("member")  # a new login: no grant from the scan
        ended = member.get(reverse("attendance:checkin", args=[meeting.pk]))
        refused = member.post(reverse("attendance:checkin", args=[meeting.pk]))
        closed_home = member.get(reverse("groups:home")).content.decode()
    assert ended.status_code == 200
    assert "Samlingen er slutt (kl. 20:00)" in ended.content.decode()
    assert refused.status_code == 400 and Presence.objects.count() == 2
    assert "Sjekk ut" not in closed_home  # nothing running any more


def test_checkout_goes_back_only_to_this_site(world: World):
    course, meeting = _session(world, at(2031, 3, 4, 18))
    _checked_in(meeting, world.users["member"], at(2031, 3, 4, 18))
    with time_machine.travel(at(2031, 3, 4, 19), tick=False):
        response = world.client_for("member").post(
            reverse("attendance:checkout", args=[meeting.pk]), {"next": "https://evil.example/"}
        )
    assert response["Location"] == reverse("attendance:checkin", args=[meeting.pk])
    assert course


def test_registration_lists_everyone_with_the_session_times_s10(world: World):
    _course, meeting = _session(world, at(2031, 3, 4, 18))
    body = (
        world.client_for("leader")
        .get(reverse("attendance:presence_edit", args=[meeting.pk]))
        .content.decode()
    )
    assert "Marit Medlem" in body and "Frode Fraksjon" in body  # nobody has scanned
    assert 'value="04.03.2031 18:00"' in body and 'value="04.03.2031 20:00"' in body
    assert "Deltakeren er informert og samtykker" in body


def test_registration_without_the_consent_tick_keeps_the_input_s10(world: World):
    _course, meeting = _session(world, at(2031, 3, 4, 18))
    url = reverse("attendance:presence_edit", args=[meeting.pk])
    leader = world.client_for("leader")
    data = {
        "user": world.users["member"].pk,
        "started_at": "2031-03-04T18:20",
        "ended_at": "2031-03-04T19:40",
        "reason": "Glemte telefonen",
    }
    response = leader.post(url, data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "kryss av når hen samtykker" in body
    assert 'value="2031-03-04T18:20"' in body and "Glemte telefonen" in body
    assert not Presence.objects.exists() and not Consent.objects.exists()
    saved = leader.post(url, data | {"consent_informed": "on"})
    assert saved.status_code == 302
    presence = Presence.objects.get()
    assert presence.consent.recorded_by == world.users["leader"]
    page = leader.get(url).content.decode()
    assert "Gitt til Liv Leder" in page


@pytest.mark.parametrize(
    ("typed", "field", "fixed"),
    [
        ({"started_at": "2031-03-30T17:30"}, "started_at", "30.03.2031 18:00"),
        ({"ended_at": "2031-03-30T21:15"}, "ended_at", "30.03.2031 20:00"),
        ({"started_at": "2031-03-30T22:00", "ended_at": ""}, "started_at", "30.03.2031 18:00"),
    ],
)
def test_times_outside_the_session_are_clipped_with_a_warning_never_saved_s16(
    world: World, typed, field, fixed
):
    course, meeting = _session(world, at(2031, 3, 30, 18))  # summer time began that night
    give_consent(course, world.users["member"])
    url = reverse("attendance:presence_edit", args=[meeting.pk])
    leader = world.client_for("leader")
    data = {
        "user": world.users["member"].pk,
        "started_at": "2031-03-30T18:00",
        "ended_at": "2031-03-30T20:00",
        "reason": "Ingen QR",
    } | typed
    warned = leader.post(url, data)
    body = warned.content.decode()
    assert warned.status_code == 200
    assert "Samlingen varte fra kl. 18:00 til kl. 20:00" in body
    assert "tiden er rettet til kl." in body
    assert f'value="{fixed}"' in body and "Ingen QR" in body
    assert not Presence.objects.exists()
    saved = leader.post(url, data | {field: fixed})
    assert saved.status_code == 302
    presence = Presence.objects.get()
    assert meeting.starts_at <= presence.started_at
    assert presence.ended_at is None or presence.ended_at <= meeting.ends_at
