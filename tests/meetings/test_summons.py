"""Summons with the agenda, updates and cancellation, exactly once; the meeting's own
calendar entry; absence and substitutes (issue 19; G2, G6, G9, G12, G14, G20)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from groups.models import CommitteeRole, Seat
from meetings import services, tasks
from meetings.ics import build_calendar, meeting_uid
from meetings.models import (
    CouncilCase,
    Meeting,
    MeetingKind,
    SummonsDispatch,
    SummonsKind,
    SummonsRevision,
)
from meetings.services.summons import rights_holders
from tests.conftest import World
from tests.factories.groups import add_committee_seat, make_membership
from tests.factories.meetings import make_council_meeting, make_item, make_meeting

Capture = Callable[..., Any]


def _future(days: int = 10) -> dt.datetime:
    start = timezone.localtime(timezone.now() + dt.timedelta(days=days))
    return start.replace(hour=18, minute=0, second=0, microsecond=0)


def _meeting(world: World, **fields: Any) -> Meeting:
    start = fields.pop("starts_at", _future())
    return make_meeting(world.group, starts_at=start, **fields)


def _send(actor: Any, meeting: Meeting, capture: Capture) -> SummonsRevision:
    with capture(execute=True):
        return services.summons_send(actor=actor, meeting=meeting)


def _to(world: World, *roles: str) -> list[str]:
    emails = {world.users[r].email for r in roles if r in world.users}
    if "substitute" in roles:
        emails.add(world.memberships["substitute"].user.email)
    return sorted(emails)


def test_a_summons_goes_once_to_each_member_with_rights_for_a_group_meeting_G2_G6_G12(
    world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    meeting = _meeting(world)
    council = make_council_meeting(world.group, meeting.starts_at + dt.timedelta(days=3))
    case = CouncilCase.objects.create(
        council_meeting=council,
        number="26/114",
        title="Skolebruksplan",
        responsible=world.memberships["member"],
    )
    make_item(meeting, title="Skolebruksplan", council_case=case, order=1)
    make_membership(world.group, seat=Seat.PARTY_MEMBER)  # G2: attends, is not summoned
    _send(world.users["leader"], meeting, django_capture_on_commit_callbacks)
    assert sorted(m.to[0] for m in mail.outbox) == _to(
        world, "leader", "deputy", "member", "faction_leader", "substitute"
    )
    assert all(len(m.to) == 1 for m in mail.outbox)
    body = mail.outbox[0].body
    assert "Skolebruksplan (saksnr. 26/114) – ansvarlig: Marit Medlem" in body
    assert "Rådhuset" in body
    assert reverse("meetings:meeting_ics", kwargs={"pk": meeting.pk}) in body
    assert reverse("meetings:detail", kwargs={"pk": meeting.pk}) in body
    assert mail.outbox[0].subject == f"Innkalling: {meeting.title}"


def test_board_and_faction_summons_go_to_those_with_rights_for_that_kind_G3_G5(
    world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    board = _meeting(world, kind=MeetingKind.BOARD)
    _send(world.users["leader"], board, django_capture_on_commit_callbacks)
    assert sorted(m.to[0] for m in mail.outbox) == _to(world, "leader", "deputy")
    mail.outbox.clear()
    faction = _meeting(
        world, kind=MeetingKind.FACTION, committee=world.committee, starts_at=_future(12)
    )
    _send(world.users["faction_leader"], faction, django_capture_on_commit_callbacks)
    assert sorted(m.to[0] for m in mail.outbox) == _to(world, "faction_leader", "member")


def test_members_meeting_summons_every_member_G26(world: World) -> None:
    party = make_membership(world.group, seat=Seat.PARTY_MEMBER)
    meeting = _meeting(world, kind=MeetingKind.MEMBERS)
    assert party in rights_holders(meeting)


def test_the_summons_is_written_in_the_recipients_language(
    world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    member = world.users["member"]
    member.language = "en"
    member.save(update_fields=["language"])
    meeting = _meeting(world)
    _send(world.users["leader"], meeting, django_capture_on_commit_callbacks)
    english = next(m for m in mail.outbox if m.to == [member.email])
    norwegian = next(m for m in mail.outbox if m.to == [world.users["leader"].email])
    assert english.subject == f"Summons: {meeting.title}"
    assert "Agenda" in english.body and "Add to calendar" in english.body
    assert "Saksliste" in norwegian.body


def test_the_same_summons_is_sent_once_however_often_it_is_sent_or_retried_G6(
    world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    meeting = _meeting(world)
    revision = _send(world.users["leader"], meeting, django_capture_on_commit_callbacks)
    first = len(mail.outbox)
    assert first == 5
    with pytest.raises(ValidationError, match="Ingenting er endret"):
        _send(world.users["leader"], meeting, django_capture_on_commit_callbacks)
    # the task run again (a retry, a redelivered message) sends nothing new
    assert tasks.send_summons(revision.pk) == 0
    assert len(mail.outbox) == first
    assert SummonsDispatch.objects.filter(revision=revision).count() == 5
    assert SummonsRevision.objects.filter(meeting=meeting).count() == 1


def test_a_later_change_sends_one_update_naming_what_changed_exactly_once_G14(
    world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    meeting = _meeting(world)
    leader = world.users["leader"]
    _send(leader, meeting, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    later = meeting.starts_at + dt.timedelta(hours=1)
    for _twice in range(2):  # the same change, sent twice
        with django_capture_on_commit_callbacks(execute=True):
            services.meeting_update(
                actor=leader,
                meeting=Meeting.objects.get(pk=meeting.pk),
                starts_at=later,
                ends_at=later + dt.timedelta(hours=2),
                place="Samfunnshuset",
            )
    assert len(mail.outbox) == 5
    assert all(m.subject == f"Endret møte: {meeting.title}" for m in mail.outbox)
    meeting.refresh_from_db()
    assert "Endret: Tid, Sted" in mail.outbox[0].body
    assert "Samfunnshuset" in mail.outbox[0].body
    mail.outbox.clear()
    # an agenda change is sent by the leader, once
    make_item(meeting, title="Ny barnehage")
    assert services.summons_pending_changes(meeting) == ["agenda"]
    _send(leader, meeting, django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError):
        _send(leader, meeting, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 5
    assert "Endret: Saksliste" in mail.outbox[0].body
    assert "Ny barnehage" in mail.outbox[0].body
    meeting.refresh_from_db()
    assert meeting.sequence == 1  # the time and place changed once; the agenda is not in it


def test_a_cancellation_is_sent_and_the_calendar_entry_cancels_with_the_same_uid_G14(
    world: World, django_capture_on_commit_callbacks: Capture, client: Any
) -> None:
    meeting = _meeting(world)
    leader = world.users["leader"]
    _send(leader, meeting, django_capture_on_commit_callbacks)
    client.force_login(world.users["member"])
    url = reverse("meetings:meeting_ics", kwargs={"pk": meeting.pk})
    before = Calendar.from_ical(client.get(url).content)
    event = before.walk("VEVENT")[0]
    assert str(before["METHOD"]) == "PUBLISH"
    assert str(event["UID"]) == meeting_uid(meeting) == f"meeting-{meeting.pk}@127.0.0.1:8000"
    assert int(str(event["SEQUENCE"])) == 0
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_cancel(actor=leader, meeting=meeting, reason="For få kan komme")
    assert len(mail.outbox) == 5
    assert mail.outbox[0].subject == f"Avlyst: {meeting.title}"
    assert "For få kan komme" in mail.outbox[0].body
    after = Calendar.from_ical(client.get(url).content)
    event = after.walk("VEVENT")[0]
    assert str(after["METHOD"]) == "CANCEL"
    assert str(event["UID"]) == meeting_uid(meeting)
    assert int(str(event["SEQUENCE"])) == 1
    assert str(event["STATUS"]) == "CANCELLED"
    # the member's feed carries the same UID and SEQUENCE, so calendars update, not copy
    meeting.refresh_from_db()
    feed = Calendar.from_ical(build_calendar([meeting], name="x")).walk("VEVENT")[0]
    assert (str(feed["UID"]), int(str(feed["SEQUENCE"]))) == (meeting_uid(meeting), 1)


def test_a_meeting_that_was_never_summoned_is_cancelled_without_mail(
    world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    meeting = _meeting(world)
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_cancel(actor=world.users["leader"], meeting=meeting, reason="Flyttet")
    assert mail.outbox == []


def test_only_those_who_run_the_meeting_send_the_summons_and_not_after_it(
    world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    from django.core.exceptions import PermissionDenied

    meeting = _meeting(world)
    with pytest.raises(PermissionDenied):
        services.summons_send(actor=world.users["member"], meeting=meeting)
    past = make_meeting(world.group, starts_at=timezone.now() - dt.timedelta(days=2))
    with pytest.raises(ValidationError):
        services.summons_send(actor=world.users["leader"], meeting=past)


# --- absence and substitutes (G2) -------------------------------------------------------------
def test_a_member_reports_absence_and_the_leader_summons_the_next_substitute_G2(
    world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    meeting = _meeting(world)
    leader = world.users["leader"]
    second = make_membership(
        world.group, seat=Seat.SUBSTITUTE, joined_on=dt.date(2024, 1, 1)
    )  # entered later: second in line
    first = world.memberships["substitute"]
    _send(leader, meeting, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    services.absence_report(actor=world.users["member"], meeting=meeting, reason="Jobbreise")
    services.attendance_confirm(actor=world.users["deputy"], meeting=meeting)
    seen = services.replies(meeting)
    absent = seen["absent"]
    assert [r.membership for r in absent] == [world.memberships["member"]]
    assert absent[0].reply is not None and absent[0].reply.reason == "Jobbreise"
    assert absent[0].offer == first
    assert [r.membership for r in seen["coming"]] == [world.memberships["deputy"]]
    assert world.memberships["leader"] in [r.membership for r in seen["unanswered"]]
    with pytest.raises(ValidationError, match="rekkefølge"):
        services.substitute_call(
            actor=leader, meeting=meeting, replaces=world.memberships["member"], substitute=second
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.substitute_call(
            actor=leader, meeting=meeting, replaces=world.memberships["member"], substitute=first
        )
    assert [m.to for m in mail.outbox] == [[first.user.email]]
    assert "Du er innkalt som vararepresentant for Marit Medlem." in mail.outbox[0].body
    call = meeting.substitute_calls.get()
    assert tasks.send_substitute_summons(call.pk) == 0  # a retry sends nothing
    assert len(mail.outbox) == 1
    with pytest.raises(ValidationError, match="allerede"):
        services.substitute_call(
            actor=leader, meeting=meeting, replaces=world.memberships["member"], substitute=second
        )
    assert services.replies(meeting)["absent"][0].replaced_by == first
    # a later update reaches the substitute too, still naming whom they replace
    mail.outbox.clear()
    make_item(meeting, title="Budsjett")
    _send(leader, meeting, django_capture_on_commit_callbacks)
    sub_mail = next(m for m in mail.outbox if m.to == [first.user.email])
    assert "vararepresentant for Marit Medlem" in sub_mail.body
    # absence feeds the minutes' presence list
    record = services.minutes_snapshot(meeting)
    assert record["absent"] == ["Marit Medlem (Jobbreise)"]
    assert record["substitutes"] == [{"name": first.user.full_name, "replaces": "Marit Medlem"}]


def test_a_substitute_is_offered_only_for_a_regular_member_and_absence_can_be_withdrawn_G2(
    world: World,
) -> None:
    meeting = _meeting(world)
    services.absence_report(actor=world.memberships["substitute"].user, meeting=meeting)
    row = services.replies(meeting)["absent"][0]
    assert row.offer is None
    with pytest.raises(ValidationError):
        services.substitute_call(
            actor=world.users["leader"],
            meeting=meeting,
            replaces=world.memberships["substitute"],
            substitute=world.memberships["substitute"],
        )
    services.attendance_confirm(actor=world.memberships["substitute"].user, meeting=meeting)
    assert services.replies(meeting)["absent"] == []


def test_a_faction_meeting_offers_the_committees_first_substitute_first_G5_G2(
    world: World,
) -> None:
    vara = make_membership(world.group, seat=Seat.SUBSTITUTE, joined_on=dt.date(2025, 1, 1))
    add_committee_seat(world.committee, vara, CommitteeRole.FIRST_SUBSTITUTE)
    meeting = _meeting(world, kind=MeetingKind.FACTION, committee=world.committee)
    services.absence_report(actor=world.users["member"], meeting=meeting)
    assert services.replies(meeting)["absent"][0].offer == vara


def test_who_is_not_summoned_cannot_report_absence_and_bad_input_is_refused_G2(
    world: World,
) -> None:
    party = make_membership(world.group, seat=Seat.PARTY_MEMBER)
    meeting = _meeting(world)
    with pytest.raises(ValidationError, match="ikke innkalt"):
        services.absence_report(actor=party.user, meeting=meeting)
    with pytest.raises(ValidationError):
        services.absence_report(actor=world.users["member"], meeting=meeting, reason="x" * 301)
    past = make_meeting(world.group, starts_at=timezone.now() - dt.timedelta(days=1))
    with pytest.raises(ValidationError):
        services.absence_report(actor=world.users["member"], meeting=past)


def test_summons_revision_kinds_are_recorded(world: World) -> None:
    meeting = _meeting(world)
    services.summons_send(actor=world.users["leader"], meeting=meeting)
    services.meeting_cancel(actor=world.users["leader"], meeting=meeting, reason="Syk")
    assert list(meeting.summons_revisions.values_list("kind", flat=True)) == [
        SummonsKind.SUMMONS,
        SummonsKind.CANCEL,
    ]
