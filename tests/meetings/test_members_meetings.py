"""Members' meetings with the local chapter (G26, G2, G8): called by the leader or the chapter
leader, open to the chapter's members, their conclusions advisory everywhere they are shown
(page, minutes, PDF, the group meeting item that follows up), no binding votes; and the
leader's briefing of the chapter board before the group concludes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from groups.models import Membership, Seat
from meetings import services
from meetings.ics import build_calendar
from meetings.models import (
    AgendaItem,
    BriefingChannel,
    ChapterBriefing,
    Meeting,
    MeetingKind,
    MinutesVersion,
    VoteSubject,
)
from meetings.services.members import (
    agenda_item_chapter_link,
    briefing_status,
    chapter_briefing_record,
)
from tests.conftest import World
from tests.factories.groups import make_membership, make_user
from tests.factories.meetings import at, make_item, make_meeting
from tests.meetings.records import page_record_text, pdf_text

pytestmark = pytest.mark.django_db
Capture = Callable[..., Any]

ADVICE = "Medlemsmøtet ber gruppa gå imot nedleggelse av Bygdeskolen."


def _start(days: int, hour: int = 19) -> dt.datetime:
    start = timezone.localtime(timezone.now() + dt.timedelta(days=days))
    return start.replace(hour=hour, minute=0, second=0, microsecond=0)


def _form_values(kind: str, days: int = 40, title: str = "Medlemsmøte om skolestruktur") -> dict:
    start = _start(days)
    return {
        "kind": kind,
        "title": title,
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "place": "Grendehuset",
        "mode": "physical",
    }


def _chapter_leader(world: World) -> Membership:
    return make_membership(
        world.group, make_user(full_name="Lise Lokallag"), seat=Seat.CHAPTER_LEADER
    )


def _party_member(world: World) -> Membership:
    return make_membership(
        world.group, make_user(full_name="Per Partimedlem"), seat=Seat.PARTY_MEMBER
    )


def _held_members_meeting(world: World) -> tuple[Meeting, AgendaItem]:
    """A members' meeting under way since three hours, with an advisory conclusion."""
    start = (timezone.now() - dt.timedelta(hours=3)).replace(second=0, microsecond=0)
    meeting = make_meeting(
        world.group,
        kind=MeetingKind.MEMBERS,
        title="Medlemsmøte om skolestruktur",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
    )
    item = make_item(meeting, title="Skolestruktur", order=10)
    services.minutes_save_item(
        actor=world.users["leader"],
        item=item,
        recommendation="Bygdeskolen legges ned fra høsten.",
        discussion="Mange innspill fra grendene.",
        disagrees_with_recommendation=True,
        conclusion=ADVICE,
    )
    return meeting, item


# --- who calls a members' meeting, and who sees it -----------------------------------------
def test_the_chapter_leader_calls_a_members_meeting_but_not_a_group_meeting_G26(
    world: World,
) -> None:
    chapter = _chapter_leader(world)
    client = world.client_for("member")
    client.force_login(chapter.user)
    url = reverse("meetings:create", args=[world.group.pk])
    page = client.get(url).content.decode()
    assert 'value="members"' in page and 'value="group"' not in page
    response = client.post(url, _form_values("members"))
    assert response.status_code == 302
    meeting = Meeting.objects.get(title="Medlemsmøte om skolestruktur")
    assert meeting.kind == MeetingKind.MEMBERS and meeting.created_by == chapter.user
    # the form offers no other kind, and the service refuses one sent anyway
    refused = client.post(url, _form_values("group", days=41, title="Gruppemøte"))
    assert refused.status_code == 200
    assert not Meeting.objects.filter(title="Gruppemøte").exists()
    with pytest.raises(PermissionDenied):
        services.meeting_schedule(
            actor=chapter.user, group=world.group, **_values(MeetingKind.GROUP, days=42)
        )
    # the chapter leader runs the members' meeting they called, not the group's meetings
    assert client.get(reverse("meetings:edit", args=[meeting.pk])).status_code == 200
    group_meeting = make_meeting(world.group, starts_at=_start(50))
    assert client.get(reverse("meetings:edit", args=[group_meeting.pk])).status_code == 403


def _values(kind: str, days: int) -> dict[str, Any]:
    start = _start(days)
    return {
        "kind": kind,
        "title": "Møte",
        "starts_at": start,
        "ends_at": start + dt.timedelta(hours=2),
    }


def test_a_member_or_party_member_cannot_call_a_members_meeting_G26(world: World) -> None:
    party = _party_member(world)
    for user in (world.users["member"], party.user):
        with pytest.raises(PermissionDenied):
            services.meeting_schedule(
                actor=user, group=world.group, **_values(MeetingKind.MEMBERS, days=30)
            )


def test_the_leader_opens_the_form_with_members_meeting_chosen_G26(world: World) -> None:
    client = world.client_for("leader")
    plan = client.get(reverse("meetings:plan", args=[world.group.pk])).content.decode()
    create = reverse("meetings:create", args=[world.group.pk])
    assert f'href="{create}?type=members"' in plan
    page = client.get(create + "?type=members").content.decode()
    assert "Kall inn til medlemsmøte" in page
    assert 'value="members" selected' in page
    # garbage in the query string is ignored, not a 500
    assert client.get(create + "?type=%00bogus").status_code == 200


def test_a_party_member_sees_and_attends_members_meetings_not_faction_or_board_ones_G2_G26(
    world: World,
) -> None:
    party = _party_member(world)
    members = make_meeting(world.group, kind=MeetingKind.MEMBERS, starts_at=_start(10))
    board = make_meeting(world.group, kind=MeetingKind.BOARD, starts_at=_start(11))
    faction = make_meeting(
        world.group, kind=MeetingKind.FACTION, committee=world.committee, starts_at=_start(12)
    )
    group = make_meeting(world.group, starts_at=_start(13))
    client = world.client_for("member")
    client.force_login(party.user)
    page = client.get(reverse("meetings:detail", args=[members.pk]))
    assert page.status_code == 200
    assert "Medlemsmøte med lokallaget" in page.content.decode()
    for closed in (board, faction):
        assert client.get(reverse("meetings:detail", args=[closed.pk])).status_code == 404
    # summoned to the members' meeting, and says they are coming
    assert services.summons.is_summoned_to(party, members)
    assert client.post(reverse("meetings:attendance_confirm", args=[members.pk])).status_code == 302
    assert members.replies.get(membership=party).attending
    # G8: the municipal group's meetings are open to them, but they are not summoned (G2)
    assert client.get(reverse("meetings:detail", args=[group.pk])).status_code == 200
    assert not services.summons.is_summoned_to(party, group)
    # they may put a matter forward for the members' meeting's agenda (it goes to the leader)
    response = client.post(
        reverse("meetings:item_submit", args=[members.pk]),
        {"submit-title": "Ny barnehage i grenda", "submit-submit_key": "k" * 32},
    )
    assert response.status_code == 302
    assert members.agenda_items.filter(title="Ny barnehage i grenda").exists()


def test_the_members_meeting_summons_reaches_the_chapters_members_in_their_language_G26(
    world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    party = _party_member(world)
    party.user.language = "en"
    party.user.save(update_fields=["language"])
    meeting = make_meeting(
        world.group, kind=MeetingKind.MEMBERS, title="Medlemsmøte i mars", starts_at=_start(9)
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.summons_send(actor=world.users["leader"], meeting=meeting)
    english = next(m for m in mail.outbox if m.to == [party.user.email])
    norwegian = next(m for m in mail.outbox if m.to == [world.users["member"].email])
    assert "members' meeting" in english.body
    assert "Its conclusions are advisory for the group." in english.body
    assert "Konklusjonene er rådgivende for gruppa." in norwegian.body


def test_members_meetings_are_labelled_in_lists_feeds_and_the_home_page_G26(
    world: World,
) -> None:
    meeting = make_meeting(
        world.group, kind=MeetingKind.MEMBERS, title="Vårens medlemsmøte", starts_at=_start(3)
    )
    client = world.client_for("member")
    listing = client.get(reverse("meetings:list")).content.decode()
    row = listing[listing.index("Vårens medlemsmøte") :]
    assert "Medlemsmøte" in row[: row.index("</tr>")]
    home = client.get(reverse("groups:home")).content.decode()
    assert "Neste møte: Vårens medlemsmøte" in home
    assert "Medlemsmøte ·" in home
    event = next(e for e in Calendar.from_ical(build_calendar([meeting], name="x")).walk("VEVENT"))
    assert event["SUMMARY"] == "Vårens medlemsmøte"
    assert "Medlemsmøte" in str(event["DESCRIPTION"])
    assert [str(c) for c in event["CATEGORIES"].cats] == ["Medlemsmøte"]


# --- advisory conclusions ---------------------------------------------------------------
def test_every_conclusion_of_a_members_meeting_says_advisory_on_page_and_pdf_G26(
    world: World,
) -> None:
    meeting, _item = _held_members_meeting(world)
    agreed = make_item(meeting, title="Trafikksikker skolevei", order=20)
    services.minutes_save_item(
        actor=world.users["leader"],
        item=agreed,
        discussion="Enighet.",
        disagrees_with_recommendation=False,
        conclusion="Medlemsmøtet støtter planen.",
    )
    version = services.minutes_approve(actor=world.users["leader"], meeting=meeting)
    client = world.client_for("member")
    html = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    page = page_record_text(html)
    pdf = pdf_text(
        client.get(reverse("meetings:minutes_pdf", args=[meeting.pk, version.number])).content
    )
    assert page == pdf
    for text in (page, pdf):
        assert "Rådgivende: Medlemsmøtets konklusjoner er rådgivende" in text
        assert f"Medlemsmøtet er uenig i innstillingen. Konklusjon (rådgivende): {ADVICE}" in text
        assert "Konklusjon (rådgivende): Medlemsmøtet støtter planen." in text
        assert "Gruppa er uenig" not in text
    assert MinutesVersion.objects.get(pk=version.pk).content["advisory"] is True


def test_a_group_meetings_minutes_are_not_marked_advisory_G13(world: World) -> None:
    meeting = make_meeting(
        world.group, starts_at=timezone.now() - dt.timedelta(hours=3), title="Gruppemøte"
    )
    item = make_item(meeting)
    services.minutes_save_item(
        actor=world.users["leader"],
        item=item,
        discussion="",
        disagrees_with_recommendation=True,
        conclusion="Nei.",
    )
    record = services.minutes_snapshot(meeting)
    assert record["advisory"] is False
    html = world.client_for("member").get(reverse("meetings:detail", args=[meeting.pk]))
    page = page_record_text(html.content.decode())
    assert "Gruppa er uenig i innstillingen. Konklusjon: Nei." in page
    assert "rådgivende" not in page.lower()


def test_a_members_meeting_version_approved_before_the_flag_still_says_advisory_G26(
    world: World,
) -> None:
    meeting, _item = _held_members_meeting(world)
    version = services.minutes_approve(actor=world.users["leader"], meeting=meeting)
    content = dict(version.content)
    del content["advisory"]
    MinutesVersion.objects.filter(pk=version.pk).update(content=content)
    record = services.version_record(MinutesVersion.objects.get(pk=version.pk))
    assert record["advisory"] is True


def test_the_minutes_form_of_a_members_meeting_asks_for_its_advisory_conclusion_G26(
    world: World,
) -> None:
    _meeting, item = _held_members_meeting(world)
    client = world.client_for("leader")
    form = client.get(reverse("meetings:item_form", args=[item.pk, "referat"])).content.decode()
    assert "Medlemsmøtets konklusjon (rådgivende)" in form
    assert "Gruppas konklusjon" not in form
    response = client.post(
        reverse("meetings:item_minutes", args=[item.pk]),
        {
            f"minutes-{item.pk}-disagrees_with_recommendation": "on",
            f"minutes-{item.pk}-conclusion": " ",
        },
    )
    assert response.status_code == 200
    assert "Skriv medlemsmøtets konklusjon når møtet er uenig i innstillingen." in (
        response.content.decode()
    )


def test_a_members_meeting_takes_no_vote_or_decision_that_binds_the_group_G26_G19(
    world: World,
) -> None:
    meeting, item = _held_members_meeting(world)
    with pytest.raises(ValidationError, match="rådgivende"):
        services.conflict_declare(actor=world.users["member"], item=item, reason="Nabo")
    with pytest.raises(ValidationError, match="kan ikke fatte vedtak som binder gruppa"):
        services.vote_open(
            actor=world.users["leader"],
            group=world.group,
            subject=VoteSubject.PROPOSAL,
            title="Uttalelse om skolen",
            deadline=timezone.now() + dt.timedelta(days=2),
            meeting=meeting,
        )
    with pytest.raises(ValidationError, match="kan ikke fatte vedtak som binder gruppa"):
        services.vote_record_hands(
            actor=world.users["leader"],
            group=world.group,
            subject=VoteSubject.PROPOSAL,
            title="Uttalelse om skolen",
            votes_for=12,
            votes_against=3,
            meeting=meeting,
        )
    # the page offers no conflict-of-interest form there, and a POST gets the message
    client = world.client_for("member")
    page = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert "Ta opp min habilitet" not in page
    response = client.post(
        reverse("meetings:conflict_declare", args=[item.pk]),
        {f"conflict-{item.pk}-reason": "Nabo"},
    )
    assert response.status_code == 200
    assert "Et medlemsmøte er rådgivende" in response.content.decode()
    assert not item.conflicts.exists()


# --- the chapter board's briefing ------------------------------------------------------------
def _group_item_following(world: World, members_item: AgendaItem | None) -> AgendaItem:
    meeting = make_meeting(
        world.group,
        title="Gruppemøte før kommunestyret",
        starts_at=timezone.now() - dt.timedelta(minutes=30),
        ends_at=timezone.now() + dt.timedelta(hours=2),
    )
    item = make_item(meeting, title="Skolestruktur", order=10)
    if members_item is not None:
        agenda_item_chapter_link(
            actor=world.users["leader"],
            item=item,
            needs_chapter_briefing=False,
            members_item=members_item,
        )
    return item


WARNING = "Lokallagsstyret er ikke orientert."


def test_a_group_item_discussed_at_a_members_meeting_warns_until_the_board_is_briefed_G26(
    world: World,
) -> None:
    _meeting, members_item = _held_members_meeting(world)
    item = _group_item_following(world, members_item)
    client = world.client_for("leader")
    detail = reverse("meetings:detail", args=[item.meeting_id])
    page = client.get(detail).content.decode()
    assert WARNING in page
    # the members' meeting's conclusion is shown with the item, marked advisory
    assert f"Konklusjon (rådgivende):</strong> {ADVICE}" in page
    leader_screen = client.get(reverse("meetings:leader", args=[item.meeting_id]))
    assert WARNING in leader_screen.content.decode()
    # a conclusion recorded without the briefing is saved, with a warning
    response = client.post(
        reverse("meetings:item_minutes", args=[item.pk]),
        {
            f"minutes-{item.pk}-discussion": "Drøftet",
            f"minutes-{item.pk}-conclusion": "Gruppa går imot.",
        },
        follow=True,
    )
    assert "lokallagsstyret er ikke orientert om saken" in response.content.decode()
    # the leader records the briefing: the warning goes, the briefing is shown
    response = client.post(
        reverse("meetings:item_briefing", args=[item.pk]),
        {
            f"briefing-{item.pk}-briefed_on": timezone.localdate().isoformat(),
            f"briefing-{item.pk}-briefed_by": world.memberships["leader"].pk,
            f"briefing-{item.pk}-channel": BriefingChannel.CHAPTER_LEADER,
            f"briefing-{item.pk}-note": "På telefon med lokallagsleder",
        },
    )
    assert response.status_code == 302
    page = client.get(detail).content.decode()
    assert WARNING not in page
    assert "Lokallagsstyret orientert" in page and "av Liv Leder" in page
    briefing = ChapterBriefing.objects.get(agenda_item=item)
    assert briefing.recorded_by == world.users["leader"]
    assert briefing.note == "På telefon med lokallagsleder"


def test_the_leader_marks_an_item_as_needing_the_boards_briefing_G26(world: World) -> None:
    item = _group_item_following(world, None)
    assert briefing_status(item) is not None and not briefing_status(item).needed  # type: ignore[union-attr]
    client = world.client_for("leader")
    assert (
        WARNING
        not in client.get(reverse("meetings:detail", args=[item.meeting_id])).content.decode()
    )
    response = client.post(
        reverse("meetings:item_chapter_link", args=[item.pk]),
        {f"chapter-{item.pk}-needs_chapter_briefing": "on"},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.needs_chapter_briefing
    assert (
        WARNING in client.get(reverse("meetings:detail", args=[item.meeting_id])).content.decode()
    )
    # the leader's home page counts it
    home = client.get(reverse("groups:home")).content.decode()
    assert "Saker der lokallagsstyret ikke er orientert" in home


def test_a_member_may_not_record_a_briefing_or_mark_an_item_G26(world: World) -> None:
    item = _group_item_following(world, None)
    client = world.client_for("member")
    for name in ("meetings:item_briefing", "meetings:item_chapter_link"):
        assert client.post(reverse(name, args=[item.pk]), {}).status_code == 403
    with pytest.raises(PermissionDenied):
        chapter_briefing_record(
            actor=world.users["member"],
            item=item,
            briefed_on=timezone.localdate(),
            briefed_by=world.memberships["leader"],
        )


@pytest.mark.parametrize(
    "today",
    [
        at(2027, 1, 1, 0, 30),  # New Year's night
        at(2027, 3, 28, 2, 30),  # the spring clock change
        at(2027, 6, 30, 23, 59),
        at(2027, 10, 31, 2, 30),  # the autumn clock change
        at(2028, 2, 29, 12, 0),
        at(2029, 12, 31, 23, 30),
    ],
)
def test_a_briefing_is_dated_today_or_earlier_in_the_groups_period_on_any_day_G26(
    world: World, today: dt.datetime
) -> None:
    world.group.period_start = dt.date(2026, 10, 1)
    world.group.period_end = dt.date(2030, 10, 1)
    world.group.save()
    with time_machine.travel(today, tick=False):
        item = _group_item_following(world, None)
        local_today = timezone.localdate()
        assert local_today == today.date()
        leader, by = world.users["leader"], world.memberships["leader"]
        with pytest.raises(ValidationError, match="fram i tid"):
            chapter_briefing_record(
                actor=leader,
                item=item,
                briefed_on=local_today + dt.timedelta(days=1),
                briefed_by=by,
            )
        with pytest.raises(ValidationError, match="før gruppas periode"):
            chapter_briefing_record(
                actor=leader, item=item, briefed_on=dt.date(2026, 9, 30), briefed_by=by
            )
        briefing = chapter_briefing_record(
            actor=leader, item=item, briefed_on=local_today, briefed_by=by
        )
        assert briefing.briefed_on == local_today


def test_bad_briefing_and_link_input_is_refused_with_a_message_G26(world: World) -> None:
    members_meeting, members_item = _held_members_meeting(world)
    item = _group_item_following(world, None)
    leader = world.users["leader"]
    client = world.client_for("leader")
    url = reverse("meetings:item_briefing", args=[item.pk])
    p = f"briefing-{item.pk}-"
    cases = [
        (
            {p + "briefed_on": "i går", p + "briefed_by": "x", p + "channel": "sms"},
            "Skriv datoen som",
        ),
        (
            {
                p + "briefed_on": timezone.localdate().isoformat(),
                p + "briefed_by": world.memberships["outsider"].pk,
                p + "channel": BriefingChannel.BOARD_MEETING,
            },
            "Velg et gyldig valg",
        ),
        (
            {
                p + "briefed_on": timezone.localdate().isoformat(),
                p + "briefed_by": world.memberships["leader"].pk,
                p + "channel": BriefingChannel.BOARD_MEETING,
                p + "note": "x" * 501,
            },
            "500",
        ),
    ]
    for data, said in cases:
        response = client.post(url, data)
        assert response.status_code == 200, data
        assert said in response.content.decode(), said
    assert not ChapterBriefing.objects.exists()
    # a member of another group, through the service
    with pytest.raises(ValidationError, match="Velg et medlem av gruppa"):
        chapter_briefing_record(
            actor=leader,
            item=item,
            briefed_on=timezone.localdate(),
            briefed_by=world.memberships["outsider"],
        )
    # the link takes only an item of one of the group's members' meetings
    with pytest.raises(ValidationError, match="medlemsmøter"):
        agenda_item_chapter_link(
            actor=leader, item=item, needs_chapter_briefing=False, members_item=item
        )
    response = client.post(
        reverse("meetings:item_chapter_link", args=[item.pk]),
        {f"chapter-{item.pk}-members_item": "10000000000000"},
    )
    assert response.status_code == 200
    # a members' meeting's own items are not briefed on: the form is not there at all
    form = reverse("meetings:item_form", args=[members_item.pk, "orientering"])
    assert client.get(form).status_code == 404
    with pytest.raises(ValidationError, match="gruppemøter"):
        chapter_briefing_record(
            actor=leader,
            item=members_item,
            briefed_on=timezone.localdate(),
            briefed_by=world.memberships["leader"],
        )
    assert members_meeting.kind == MeetingKind.MEMBERS
