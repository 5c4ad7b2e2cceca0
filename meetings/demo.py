"""Demo data for meetings: council dates and the half-year plan generated from the rules,
three past group meetings with approved minutes (a dissent, a conflict of interest), a
members' meeting the chapter leader called, whose advisory conclusion the next group
meeting follows up (the chapter board not yet briefed, G26), agenda
items waiting for the leader, a faction meeting, a social gathering, a council case with its
member responsible, a meeting request and programme issues.

Idempotent: a second run finds the plan and adds nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from meetings import plan as planner
from meetings import questions_demo, services
from meetings.models import (
    AgendaStatus,
    CouncilMeeting,
    Meeting,
    MeetingKind,
    MeetingPlan,
    ProgrammeIssue,
    RequestKind,
)
from meetings.services.members import agenda_item_chapter_link

PAST_TOPICS = [
    (
        "Budsjett og økonomiplan",
        "Gruppa er uenig i kutt i skolemat.",
        "Drøftet rådmannens forslag.",
    ),
    ("Reguleringsplan for Nordre jorde", "", "Gruppa støtter innstillingen."),
    ("Skolestruktur", "Gruppa vil beholde grendeskolene.", "Lang debatt om Bygdeskolen."),
]


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=planner.OSLO)


def load(ctx: Any) -> None:
    group, users, ms = ctx.group, ctx.users, ctx.memberships
    # The demo's group is made directly, not by group_create: store its year's cycle here
    # (idempotent), as a period created by the portal has it.
    services.cycle_load(group)
    leader = users["leader"]
    today = timezone.localdate()
    soon = today + dt.timedelta(days=10)
    year, half = soon.year, 1 if soon.month < 7 else 2
    if MeetingPlan.objects.filter(group=group, year=year, half=half).exists():
        return
    committee = ctx.committees[1] if len(ctx.committees) > 1 else None

    # council and committee dates the leader enters (G6, G11)
    start, end = planner.half_year_bounds(year, half)
    councils = []
    for offset in (10, 38, 66):
        day = today + dt.timedelta(days=offset)
        when = _at(day, 10)
        if not (start <= when < end):
            continue
        councils.append(
            services.council_meeting_create(
                actor=leader,
                group=group,
                starts_at=when,
                ends_at=_at(day, 15),
                place="Kommunestyresalen",
            )
        )
        if committee is not None:
            services.council_meeting_create(
                actor=leader,
                group=group,
                committee=committee,
                starts_at=_at(day - dt.timedelta(days=3), 9),
                ends_at=_at(day - dt.timedelta(days=3), 12),
                place="Møterom 3",
            )
    plan = services.plan_generate(actor=leader, group=group, year=year, half=half).plan

    # the leader distributes a council case (G12); a member will vote differently (G19)
    first_council = councils[0] if councils else CouncilMeeting.objects.filter(group=group).first()
    if first_council is not None:
        case = services.case_create(
            actor=leader,
            council_meeting=first_council,
            number="23/45",
            title="Ny barnehage i Nordbygda",
            recommendation="Rådmannen tilrår utsettelse.",
            responsible=ms["member"],
            due_date=timezone.localtime(first_council.starts_at).date() - dt.timedelta(days=4),
        )
        services.deviation_notify(
            actor=users["faction_leader"], case=case, reason="Lovet velgerne å stemme for."
        )
        services.case_create(
            actor=leader,
            council_meeting=first_council,
            number="23/46",
            title="Valg av varaordfører",
            is_election_with_sp_candidates=True,
        )

    # items members have sent for the next ordinary group meeting (G9); late in a half-year
    # the plan may hold only the meetings around the last council meeting: the first of those
    upcoming = (
        plan.meetings.filter(kind=MeetingKind.GROUP, council_slot="").first()
        or plan.meetings.filter(kind=MeetingKind.GROUP, starts_at__gte=timezone.now()).first()
    )
    if upcoming is not None:
        services.agenda_item_submit(
            actor=users["member"],
            meeting=upcoming,
            title="Gatelys i sentrum",
            description="Innbyggere klager på mørke gater.",
        )
        item = services.agenda_item_submit(
            actor=users["faction_leader"], meeting=upcoming, title="Saker fra hovedutvalget"
        )
        services.agenda_item_decide(actor=leader, item=item, decision=AgendaStatus.ACCEPTED)

    # three past meetings with approved minutes (G13, G18, G25)
    for n, (title, conclusion, discussion) in enumerate(PAST_TOPICS):
        day = today - dt.timedelta(days=7 + 28 * n)
        meeting = services.meeting_schedule(
            actor=leader,
            group=group,
            kind=MeetingKind.GROUP,
            title=f"Gruppemøte: {title}",
            starts_at=_at(day, 18),
            ends_at=_at(day, 20, 30),
            place="Rådhuset, møterom 2",
        )
        item = services.agenda_item_submit(actor=leader, meeting=meeting, title=title)
        services.minutes_save_item(
            actor=leader,
            item=item,
            discussion=discussion,
            disagrees_with_recommendation=bool(conclusion),
            conclusion=conclusion,
            recommendation="Rådmannens innstilling.",
        )
        if n == 1:
            conflict = services.conflict_declare(
                actor=users["deputy"], item=item, reason="Eier naboeiendommen"
            )
            services.conflict_vote(actor=leader, conflict=conflict, votes_for=3, votes_against=1)
            services.conflict_record_leave(
                actor=leader,
                conflict=conflict,
                left_at=_at(day, 18, 40),
                returned_at=_at(day, 19, 5),
            )
        if n == 2:
            services.dissent_add(
                actor=users["member"], item=item, text="Jeg mener Bygdeskolen bør legges ned."
            )
        for media in meeting.agenda_items.filter(is_media_strategy=True):
            services.minutes_save_item(
                actor=leader,
                item=media,
                discussion="Leserinnlegg om skolemat neste uke.",
                disagrees_with_recommendation=False,
                conclusion="",
            )
        # who was there and who led the meeting (the rest sent apologies)
        services.minutes_save(
            actor=leader,
            meeting=meeting,
            notes="",
            present=[m for key, m in ms.items() if key in ("leader", "deputy", "member")],
            leader=ms["leader"],
            present_text="Lokallagsleder deltok under sak 1." if n == 0 else "",
        )
        services.minutes_approve(actor=leader, meeting=meeting)

    _members_meeting(ctx, today, upcoming)

    # a faction meeting the faction leader calls (G5), a board meeting (G17), one social (G21)
    if committee is not None:
        day = today + dt.timedelta(days=5)
        services.meeting_schedule(
            actor=users["faction_leader"],
            group=group,
            kind=MeetingKind.FACTION,
            committee=committee,
            title="Fraksjonsmøte: oppvekst og kultur",
            starts_at=_at(day, 17),
            ends_at=_at(day, 18),
            place="Kafé Torget",
        )
    day = today + dt.timedelta(days=6)
    board = services.meeting_schedule(
        actor=leader,
        group=group,
        kind=MeetingKind.BOARD,
        title="Styremøte",
        starts_at=_at(day, 8),
        ends_at=_at(day, 9),
        mode="digital",
        digital_link="https://teams.example.org/gruppestyret",
    )
    services.agenda_item_submit(
        actor=leader, meeting=board, title="Forberede budsjettforhandlinger"
    )
    day = today + dt.timedelta(days=20)
    services.meeting_schedule(
        actor=leader,
        group=group,
        kind=MeetingKind.SOCIAL,
        title="Sommeravslutning",
        starts_at=_at(day, 19),
        ends_at=_at(day, 22),
        place="Grendehuset",
    )

    # two of three signatures on a request for a group meeting (G6)
    req = services.request_create(
        actor=users["member"],
        group=group,
        kind=RequestKind.GROUP,
        reason="Vi trenger et eget møte om kommuneplanen.",
    )
    services.request_sign(actor=users["faction_leader"], meeting_request=req)

    # programme follow-up (E2)
    period = group.period_start
    issues = [
        ("Ny barnehage i Nordbygda", "school", "member", 1, "achieved", "Vedtatt i budsjettet."),
        ("Bredbånd til alle grender", "business", "faction_leader", 2, "in_progress", ""),
        ("Lokalmat i kommunale kantiner", "health", "deputy", 3, "not_started", ""),
    ]
    for title, sector, key, years, status, outcome in issues:
        if ProgrammeIssue.objects.filter(group=group, title=title).exists():
            continue
        issue = services.programme_issue_create(
            actor=leader,
            group=group,
            title=title,
            sector=sector,
            assignee=ms[key],
            start_on=period,
            present_by=period.replace(year=period.year + years) - dt.timedelta(days=30),
        )
        if status != "not_started":
            services.programme_issue_update(
                actor=leader, issue=issue, status=status, outcome=outcome
            )

    # questions and interpellations to the council (G28)
    questions_demo.load(ctx)


def _members_meeting(ctx: Any, today: dt.date, upcoming: Meeting | None) -> None:
    """G26: the chapter leader called a members' meeting two weeks ago; its conclusion is
    advisory, and the next group meeting takes the matter up (the board not yet briefed)."""
    users, ms = ctx.users, ctx.memberships
    caller = users.get("chapter_leader", users["leader"])
    day = today - dt.timedelta(days=14)
    meeting = services.meeting_schedule(
        actor=caller,
        group=ctx.group,
        kind=MeetingKind.MEMBERS,
        title="Medlemsmøte: skole og barnehage",
        starts_at=_at(day, 19),
        ends_at=_at(day, 21),
        place="Grendehuset",
    )
    item = services.agenda_item_submit(actor=caller, meeting=meeting, title="Skolestruktur")
    services.minutes_save_item(
        actor=caller,
        item=item,
        recommendation="Rådmannen tilrår å legge ned Bygdeskolen.",
        discussion="Mange innspill fra grendene.",
        disagrees_with_recommendation=True,
        conclusion="Medlemsmøtet ber gruppa kjempe for grendeskolene.",
    )
    services.minutes_save(
        actor=caller,
        meeting=meeting,
        notes="",
        present=[m for key, m in ms.items() if key in ("chapter_leader", "party_member", "leader")],
        leader=ms.get("chapter_leader", ms["leader"]),
    )
    services.minutes_approve(actor=caller, meeting=meeting)
    if upcoming is not None:
        follow_up = services.agenda_item_submit(
            actor=users["leader"],
            meeting=upcoming,
            title="Skolestruktur: innspill fra medlemsmøtet",
        )
        agenda_item_chapter_link(
            actor=users["leader"], item=follow_up, needs_chapter_briefing=True, members_item=item
        )
