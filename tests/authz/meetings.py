"""Authorization cases for the meetings app. Board meetings (G17) are closed: only the board
(and members summoned) see them, their agenda and minutes; not even site admins."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from meetings import services
from meetings.models import (
    ConflictDecision,
    ConflictOfInterest,
    CouncilCase,
    MeetingKind,
    MeetingPlan,
    MeetingReply,
    MeetingRequest,
    Minutes,
    MinutesStatus,
    MinutesVersion,
    ProgrammeIssue,
    RequestKind,
    Vote,
    VoteDeviationNotice,
    VoteSubject,
)
from tests.authz import GROUP_MANAGE, GROUP_VIEW, LOGGED_IN, Case, _all, expect
from tests.factories.meetings import make_council_meeting, make_item, make_meeting

# Board secrecy: the board sees it; members, faction leaders, site admins get 404.
BOARD_ONLY = _all(404, anonymous=302, leader=200)
BOARD_MANAGE_POST = _all(404, anonymous=302, leader=302)
# A POST that succeeds and redirects for those who may act
MANAGE_REDIRECT = _all(
    404, anonymous=302, member=403, faction_leader=403, leader=302, site_admin=302
)
VIEW_REDIRECT = _all(404, anonymous=302, member=302, faction_leader=302, leader=302, site_admin=302)
NOT_FOUND = _all(404, anonymous=302)
SUMMONED_POST = _all(404, anonymous=302, member=302, faction_leader=302, leader=302, site_admin=200)
FACTION_CREATE = _all(
    404, anonymous=302, member=403, faction_leader=200, leader=200, site_admin=200
)


def setup(world: Any) -> None:
    group = world.group
    future = timezone.now() + dt.timedelta(days=10)
    meeting = make_meeting(group, starts_at=future)
    board = make_meeting(group, kind=MeetingKind.BOARD, starts_at=future + dt.timedelta(days=1))
    faction = make_meeting(
        group,
        kind=MeetingKind.FACTION,
        committee=world.committee,
        starts_at=future + dt.timedelta(days=2),
    )
    item = make_item(meeting)
    board_item = make_item(board)
    conflict = ConflictOfInterest.objects.create(
        agenda_item=item,
        membership=world.memberships["member"],
        reason="Nabo",
        declared_at=timezone.now(),
        decision=ConflictDecision.DISQUALIFIED,
        decided_at=timezone.now(),
    )
    now = timezone.now()
    for m in (meeting, board):
        minutes = Minutes.objects.create(meeting=m, status=MinutesStatus.APPROVED, approved_at=now)
        MinutesVersion.objects.create(
            minutes=minutes, number=1, approved_at=now, content=services.minutes_snapshot(m)
        )
    plan = MeetingPlan.objects.create(group=group, year=2031, half=1)
    full_plan = MeetingPlan.objects.create(group=group, year=2031, half=2)
    make_meeting(group, plan=full_plan, starts_at=future + dt.timedelta(days=20))
    # under way, minutes not approved: approving it succeeds
    held = make_meeting(group, starts_at=now - dt.timedelta(hours=1))
    request = MeetingRequest.objects.create(
        group=group, kind=RequestKind.GROUP, reason="Skole", created_at=now
    )
    council = make_council_meeting(group, future + dt.timedelta(days=5))
    case = CouncilCase.objects.create(council_meeting=council, title="Budsjett")
    notice = VoteDeviationNotice.objects.create(
        case=case,
        membership=world.memberships["faction_leader"],
        channel="portal",
        wants_vote_explanation=True,
        created_at=now,
    )
    issue = ProgrammeIssue.objects.create(
        group=group,
        title="Ny barnehage",
        sector="school",
        start_on=dt.date(2024, 1, 1),
        present_by=dt.date(2025, 1, 1),
        updated_at=now,
    )
    token = services.calendar_feed_create(actor=world.users["member"])
    world.extra.update(
        meeting=meeting,
        board=board,
        faction=faction,
        item=item,
        board_item=board_item,
        conflict=conflict,
        plan=plan,
        full_plan=full_plan,
        held=held,
        request=request,
        case=case,
        council=council,
        notice=notice,
        issue=issue,
        token=token,
    )
    _setup_issue_19(world)


def _setup_issue_19(world: Any) -> None:
    """A summoned member's absence, an open vote, and a vote on a board meeting's question."""
    now = timezone.now()
    MeetingReply.objects.create(
        meeting=world.extra["meeting"],
        membership=world.memberships["member"],
        attending=False,
        replied_at=now,
    )
    vote = Vote.objects.create(
        group=world.group,
        subject=VoteSubject.PROPOSAL,
        title="Uttalelse",
        opened_at=now,
        deadline=now + dt.timedelta(days=2),
        eligible=4,
    )
    board_conflict = ConflictOfInterest.objects.create(
        agenda_item=world.extra["board_item"],
        membership=world.memberships["deputy"],
        reason="Styreverv",
        declared_at=now,
    )
    board_vote = Vote.objects.create(
        group=world.group,
        subject=VoteSubject.CONFLICT,
        conflict=board_conflict,
        meeting=world.extra["board"],
        title="Habilitet",
        opened_at=now,
        deadline=now + dt.timedelta(days=2),
        eligible=3,
    )
    world.extra.update(vote=vote, board_vote=board_vote)
    _setup_members_meeting(world)


def _setup_members_meeting(world: Any) -> None:
    """G26: a members' meeting with an item, which the group meeting's item follows up."""
    members = make_meeting(
        world.group,
        kind=MeetingKind.MEMBERS,
        title="Medlemsmøte",
        starts_at=timezone.now() + dt.timedelta(days=8),
    )
    members_item = make_item(members, title="Skolestruktur", conclusion="Behold skolen.")
    world.extra.update(members=members, members_item=members_item)


def _members_meeting(w: Any) -> dict[str, Any]:
    start = timezone.localtime(timezone.now() + dt.timedelta(days=47)).replace(
        hour=8, minute=0, second=0, microsecond=0
    )
    return {
        "kind": MeetingKind.MEMBERS,
        "title": "Medlemsmøte om skole",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "mode": "physical",
    }


def _briefing(w: Any) -> dict[str, Any]:
    prefix = f"briefing-{w.extra['item'].pk}-"
    return {
        prefix + "briefed_on": timezone.localdate().isoformat(),
        prefix + "briefed_by": w.memberships["leader"].pk,
        prefix + "channel": "chapter_leader",
    }


def _pk(name: str) -> Any:
    return lambda w: {"pk": w.extra[name].pk}


def _form(name: str, kind: str) -> Any:
    return lambda w: {"pk": w.extra[name].pk, "kind": kind}


def _group(w: Any) -> dict[str, int]:
    return {"group_pk": w.group.pk}


def _post(label: str = "") -> dict[str, Any]:
    return {"method": "post", "data": lambda w: {}, "label": label or "post"}


def _confirmed() -> dict[str, Any]:
    return {"method": "post", "data": lambda w: {"confirm": "on"}, "label": "confirmed"}


def _faction_meeting(w: Any) -> dict[str, Any]:
    # Not 30 days ahead: the set-up's meetings sit there at the hour the test runs, and a
    # run between 15 and 18 o'clock met one of them (refused as an overlap).
    start = timezone.localtime(timezone.now() + dt.timedelta(days=45)).replace(
        hour=8, minute=0, second=0, microsecond=0
    )
    return {
        "kind": MeetingKind.FACTION,
        "committee": w.committee.pk,
        "title": "Fraksjonsmøte oppvekst",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "mode": "physical",
    }


CASES = [
    Case("meetings:list", LOGGED_IN),
    Case("meetings:list", LOGGED_IN, query="vis=tidligere&q=budsjett", label="past-search"),
    Case("meetings:plan", GROUP_VIEW, kwargs=_group),
    Case("meetings:plan_generate", GROUP_MANAGE, kwargs=_group, **_post()),
    # irreversible steps ask first (issue 17): GET is the confirmation page, a POST without
    # the box ticked shows it again, a confirmed POST acts and redirects
    Case("meetings:plan_adopt", GROUP_MANAGE, kwargs=_pk("plan")),
    Case("meetings:plan_adopt", GROUP_MANAGE, kwargs=_pk("plan"), **_post("unconfirmed")),
    Case("meetings:plan_adopt", MANAGE_REDIRECT, kwargs=_pk("full_plan"), **_confirmed()),
    Case("meetings:council_meeting_create", GROUP_MANAGE, kwargs=_group),
    Case("meetings:council_meeting_edit", GROUP_MANAGE, kwargs=_pk("council")),
    Case("meetings:requests", GROUP_VIEW, kwargs=_group),
    Case("meetings:request_sign", VIEW_REDIRECT, kwargs=_pk("request"), **_post()),
    # G5: a faction leader sets up the faction meetings of their committee
    Case("meetings:create", FACTION_CREATE, kwargs=_group),
    Case(
        "meetings:create",
        _all(404, anonymous=302, member=403, faction_leader=302, leader=302, site_admin=302),
        kwargs=_group,
        method="post",
        data=_faction_meeting,
        label="faction-meeting-G5",
    ),
    Case("meetings:detail", GROUP_VIEW, kwargs=_pk("meeting")),
    Case("meetings:detail", BOARD_ONLY, kwargs=_pk("board"), label="board-meeting-G17"),
    Case("meetings:edit", GROUP_MANAGE, kwargs=_pk("meeting")),
    Case("meetings:edit", BOARD_ONLY, kwargs=_pk("board"), label="board-meeting-G17"),
    Case("meetings:cancel", GROUP_MANAGE, kwargs=_pk("meeting")),
    Case(
        "meetings:summon",
        expect(
            anonymous=302,
            outsider=404,
            member=403,
            faction_leader=200,
            leader=200,
            course_admin=404,
            handler=404,
            site_admin=200,
        ),
        kwargs=_pk("faction"),
    ),
    Case("meetings:summon", BOARD_ONLY, kwargs=_pk("board"), label="board-meeting-G17"),
    Case("meetings:item_submit", GROUP_VIEW, kwargs=_pk("meeting"), **_post()),
    Case("meetings:item_submit", BOARD_ONLY, kwargs=_pk("board"), **_post("board-G17")),
    Case("meetings:item_decide", GROUP_MANAGE, kwargs=_pk("item"), **_post()),
    Case("meetings:item_close", MANAGE_REDIRECT, kwargs=_pk("item"), **_post()),
    Case("meetings:item_close", BOARD_MANAGE_POST, kwargs=_pk("board_item"), **_post("board")),
    Case("meetings:item_minutes", GROUP_MANAGE, kwargs=_pk("item"), **_post()),
    Case("meetings:dissent_add", GROUP_VIEW, kwargs=_pk("item"), **_post()),
    Case("meetings:dissent_add", BOARD_ONLY, kwargs=_pk("board_item"), **_post("board-G17")),
    Case("meetings:conflict_declare", GROUP_VIEW, kwargs=_pk("item"), **_post()),
    Case("meetings:conflict_vote", GROUP_MANAGE, kwargs=_pk("conflict"), **_post()),
    # the per-item forms the meeting page loads on demand: as their POST views
    Case("meetings:item_form", GROUP_MANAGE, kwargs=_form("item", "referat"), label="minutes"),
    Case(
        "meetings:item_form",
        BOARD_ONLY,
        kwargs=_form("board_item", "referat"),
        label="minutes-board-G17",
    ),
    Case(
        "meetings:item_form",
        GROUP_VIEW,
        kwargs=_form("item", "protokolltilforsel"),
        label="dissent",
    ),
    Case(
        "meetings:item_form",
        BOARD_ONLY,
        kwargs=_form("board_item", "protokolltilforsel"),
        label="dissent-board-G17",
    ),
    Case("meetings:item_form", GROUP_VIEW, kwargs=_form("item", "habilitet"), label="conflict"),
    Case("meetings:item_form", NOT_FOUND, kwargs=_form("item", "avstemning"), label="unknown"),
    Case(
        "meetings:conflict_form", GROUP_MANAGE, kwargs=_form("conflict", "fratreden"), label="leave"
    ),
    Case("meetings:conflict_form", NOT_FOUND, kwargs=_form("conflict", "referat"), label="unknown"),
    Case("meetings:conflict_leave", GROUP_MANAGE, kwargs=_pk("conflict"), **_post()),
    Case("meetings:minutes_edit", GROUP_MANAGE, kwargs=_pk("meeting"), **_post()),
    Case("meetings:minutes_approve", GROUP_MANAGE, kwargs=_pk("meeting")),
    Case("meetings:minutes_approve", BOARD_ONLY, kwargs=_pk("board"), label="board-G17"),
    Case("meetings:minutes_approve", GROUP_MANAGE, kwargs=_pk("held"), **_post("unconfirmed")),
    Case("meetings:minutes_approve", MANAGE_REDIRECT, kwargs=_pk("held"), **_confirmed()),
    Case("meetings:minutes_reopen", GROUP_MANAGE, kwargs=_pk("meeting"), **_post()),
    Case(
        "meetings:minutes_pdf",
        GROUP_VIEW,
        kwargs=lambda w: {"pk": w.extra["meeting"].pk, "number": 1},
    ),
    Case(
        "meetings:minutes_pdf",
        BOARD_ONLY,
        kwargs=lambda w: {"pk": w.extra["board"].pk, "number": 1},
        label="board-minutes-G17",
    ),
    Case("meetings:cases", GROUP_VIEW, kwargs=_group),
    Case("meetings:case", GROUP_VIEW, kwargs=_pk("case")),
    Case("meetings:case_update", MANAGE_REDIRECT, kwargs=_pk("case"), **_post()),
    # members with a vote are recorded and redirected; a site admin has no vote (form again)
    Case(
        "meetings:deviation_create",
        _all(404, anonymous=302, member=302, faction_leader=200, leader=302, site_admin=200),
        kwargs=_pk("case"),
        **_post(),
    ),
    Case("meetings:deviation_record", GROUP_MANAGE, kwargs=_pk("case"), **_post()),
    Case("meetings:deviation_agree", MANAGE_REDIRECT, kwargs=_pk("notice"), **_post()),
    Case("meetings:programme", GROUP_VIEW, kwargs=_group),
    Case("meetings:programme_update", GROUP_VIEW, kwargs=_pk("issue"), **_post()),
    Case("meetings:testament", GROUP_VIEW, kwargs=_group),
    Case("meetings:calendar", LOGGED_IN),
    Case("meetings:calendar_feed_new", _all(302), **_post()),
    Case("meetings:calendar_feed_revoke", _all(302), **_post()),
    # issue 19: summons, the meeting's calendar entry, replies, substitutes, votes
    # issue 19: the leader's screen during the meeting, for those who run it only
    Case("meetings:leader", GROUP_MANAGE, kwargs=_pk("meeting")),
    Case("meetings:leader", BOARD_ONLY, kwargs=_pk("board"), label="board-G17"),
    Case("meetings:leader", FACTION_CREATE, kwargs=_pk("faction"), label="faction-G5"),
    Case("meetings:leader", GROUP_MANAGE, kwargs=_pk("held"), label="under-way"),
    Case("meetings:leader_presence", GROUP_MANAGE, kwargs=_pk("meeting"), fragment=True),
    Case(
        "meetings:leader_presence",
        BOARD_ONLY,
        kwargs=_pk("board"),
        label="board-G17",
        fragment=True,
    ),
    Case(
        "meetings:leader_presence",
        FACTION_CREATE,
        kwargs=_pk("faction"),
        label="faction-G5",
        fragment=True,
    ),
    Case("meetings:summons_send", GROUP_MANAGE, kwargs=_pk("meeting")),
    Case("meetings:summons_send", MANAGE_REDIRECT, kwargs=_pk("meeting"), **_post()),
    Case("meetings:summons_send", BOARD_ONLY, kwargs=_pk("board"), label="board-G17"),
    Case("meetings:meeting_ics", GROUP_VIEW, kwargs=_pk("meeting")),
    Case("meetings:meeting_ics", BOARD_ONLY, kwargs=_pk("board"), label="board-G17"),
    # summoned members report absence; a site admin is not summoned (the form again)
    Case("meetings:absence_report", SUMMONED_POST, kwargs=_pk("meeting"), **_post()),
    Case(
        "meetings:absence_report",
        _all(404, anonymous=302, member=200, faction_leader=200, leader=200, site_admin=200),
        kwargs=_pk("meeting"),
        method="post",
        data=lambda w: {"absence-reason": "x" * 400},
        label="reason-too-long",
    ),
    Case("meetings:absence_report", BOARD_MANAGE_POST, kwargs=_pk("board"), **_post("board-G17")),
    Case("meetings:attendance_confirm", VIEW_REDIRECT, kwargs=_pk("meeting"), **_post()),
    Case("meetings:substitute_call", MANAGE_REDIRECT, kwargs=_pk("meeting"), **_post()),
    Case(
        "meetings:substitute_call",
        MANAGE_REDIRECT,
        kwargs=_pk("meeting"),
        method="post",
        data=lambda w: {
            "replaces": w.memberships["member"].pk,
            "substitute": w.memberships["substitute"].pk,
        },
        label="next-substitute-G2",
    ),
    Case(
        "meetings:substitute_call",
        MANAGE_REDIRECT,
        kwargs=_pk("meeting"),
        method="post",
        data=lambda w: {"replaces": "x", "substitute": 10**12},
        label="garbage",
    ),
    Case("meetings:votes", GROUP_VIEW, kwargs=_group),
    Case("meetings:vote_open", GROUP_MANAGE, kwargs=_group),
    Case("meetings:vote_open", GROUP_MANAGE, kwargs=_group, **_post("empty")),
    Case(
        "meetings:vote_open",
        MANAGE_REDIRECT,
        kwargs=_group,
        method="post",
        data=lambda w: {
            "subject": "proposal",
            "title": "Uttalelse om sykehuset",
            "method": "portal",
            "deadline": timezone.localtime(timezone.now() + dt.timedelta(days=2)).strftime(
                "%Y-%m-%dT%H:%M"
            ),
        },
        label="proposal-G6",
    ),
    Case("meetings:vote", GROUP_VIEW, kwargs=_pk("vote")),
    Case("meetings:vote", BOARD_ONLY, kwargs=_pk("board_vote"), label="board-G17"),
    Case("meetings:vote_cast", GROUP_VIEW, kwargs=_pk("vote"), **_post("empty")),
    Case(
        "meetings:vote_cast",
        _all(404, anonymous=302, member=302, faction_leader=302, leader=302, site_admin=200),
        kwargs=_pk("vote"),
        method="post",
        data=lambda w: {"choice": "for"},
        label="cast-G1",
    ),
    Case("meetings:vote_close", GROUP_MANAGE, kwargs=_pk("vote")),
    Case("meetings:vote_close", GROUP_MANAGE, kwargs=_pk("vote"), **_post("unconfirmed")),
    Case("meetings:vote_close", MANAGE_REDIRECT, kwargs=_pk("vote"), **_confirmed()),
    # the agenda with time (G9, G13, G20); the sample minutes are approved, so a plan is
    # refused on the form and a move or start with a message
    Case("meetings:item_plan", GROUP_MANAGE, kwargs=_pk("item"), **_post()),
    Case(
        "meetings:item_plan",
        GROUP_MANAGE,
        kwargs=_pk("item"),
        method="post",
        data=lambda w: {f"plan-{w.extra['item'].pk}-duration_minutes": "-5"},
        label="bad-duration",
    ),
    Case("meetings:item_plan", BOARD_ONLY, kwargs=_pk("board_item"), **_post("board")),
    Case("meetings:item_move", MANAGE_REDIRECT, kwargs=_pk("item"), **_post()),
    Case("meetings:item_move", BOARD_MANAGE_POST, kwargs=_pk("board_item"), **_post("board")),
    Case("meetings:item_start", MANAGE_REDIRECT, kwargs=_pk("item"), **_post()),
    Case("meetings:item_start", BOARD_MANAGE_POST, kwargs=_pk("board_item"), **_post("board")),
    Case("meetings:item_form", GROUP_MANAGE, kwargs=_form("item", "tid"), label="plan"),
    Case("meetings:item_form", BOARD_ONLY, kwargs=_form("board_item", "tid"), label="plan-board"),
    # G26: members' meetings, open to the group's members; the leader (or the chapter
    # leader, tests/meetings/test_members_meetings_authz.py) calls them; a faction leader
    # gets the form again (only faction meetings on offer)
    Case("meetings:detail", GROUP_VIEW, kwargs=_pk("members"), label="members-meeting-G26"),
    Case(
        "meetings:create",
        _all(404, anonymous=302, member=403, faction_leader=200, leader=302, site_admin=302),
        kwargs=_group,
        method="post",
        data=_members_meeting,
        label="members-meeting-G26",
    ),
    Case("meetings:create", FACTION_CREATE, kwargs=_group, query="type=members", label="type"),
    # G26: the group meeting item's link to a members' meeting, and the chapter board's briefing
    Case("meetings:item_chapter_link", MANAGE_REDIRECT, kwargs=_pk("item"), **_post()),
    Case(
        "meetings:item_chapter_link",
        MANAGE_REDIRECT,
        kwargs=_pk("item"),
        method="post",
        data=lambda w: {
            f"chapter-{w.extra['item'].pk}-members_item": w.extra["members_item"].pk,
        },
        label="link-G26",
    ),
    Case(
        "meetings:item_chapter_link",
        BOARD_ONLY,
        kwargs=_pk("board_item"),
        **_post("board-G17"),
    ),
    Case("meetings:item_briefing", GROUP_MANAGE, kwargs=_pk("item"), **_post("empty")),
    Case(
        "meetings:item_briefing",
        MANAGE_REDIRECT,
        kwargs=_pk("item"),
        method="post",
        data=_briefing,
        label="briefed-G26",
    ),
    Case(
        "meetings:item_briefing",
        GROUP_MANAGE,
        kwargs=_pk("members_item"),
        **_post("members-meeting-item"),
    ),
    Case("meetings:item_form", GROUP_MANAGE, kwargs=_form("item", "lokallag"), label="chapter"),
    Case("meetings:item_form", GROUP_MANAGE, kwargs=_form("item", "orientering"), label="briefing"),
    Case(
        "meetings:item_form",
        _all(404, anonymous=302, member=403, faction_leader=403),
        kwargs=_form("members_item", "orientering"),
        label="briefing-members-item",
    ),
    Case(
        "meetings:item_form",
        GROUP_MANAGE,
        kwargs=_form("members_item", "referat"),
        label="minutes-members-item",
    ),
    # the feed is authenticated by its token alone, for any client
    Case("meetings:feed", _all(200), kwargs=lambda w: {"token": w.extra["token"]}),
    Case("meetings:feed", _all(404), kwargs=lambda w: {"token": "x" * 43}, label="bad-token"),
]
