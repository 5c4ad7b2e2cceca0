"""Demo data: a course under "Politisk arbeid" with the demo group's meetings as sessions
and presence so that it holds (S3), plus one live session today for the QR screen.

Idempotent: a second run finds the course and adds nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from attendance.engine import policy_at_start
from attendance.models import (
    Consent,
    Course,
    CourseSession,
    CourseStatus,
    Presence,
    PresenceSource,
    StudyPlan,
)
from meetings.models import Meeting, MeetingKind, MeetingMode, MeetingStatus

DEMO_TITLE = "Studiering: Politisk arbeid i Grønnbygd"
PARTICIPANTS = ("leader", "deputy", "member", "faction_leader", "substitute")


def _meetings(ctx: Any, now: dt.datetime) -> list[Meeting]:
    """Four of the group's past ordinary meetings (not in a course, never a decision
    meeting); any missing are created as 18:00-20:30 study meetings (2 study hours each)."""
    first = timezone.localtime(now).replace(hour=18, minute=0, second=0, microsecond=0)
    found = [
        m
        for m in Meeting.objects.filter(
            group=ctx.group,
            kind=MeetingKind.GROUP,
            council_slot="",
            ends_at__lt=first - dt.timedelta(days=1),
            course_session__isnull=True,
        )
        .exclude(status=MeetingStatus.CANCELLED)
        .order_by("-starts_at")[:8]
        if not m.counts_as_decision_meeting and m.ends_at - m.starts_at >= dt.timedelta(hours=2)
    ][:4]
    week = 1
    while len(found) < 4:
        start = first - dt.timedelta(weeks=week)
        week += 1
        if any(m.starts_at == start for m in found):
            continue
        meeting, _ = Meeting.objects.get_or_create(
            group=ctx.group,
            title=f"Studiering, kapittel {len(found) + 1}",
            defaults={
                "kind": MeetingKind.GROUP,
                "starts_at": start,
                "ends_at": start + dt.timedelta(hours=2, minutes=30),
                "place": "Grønnbygd rådhus, møterom Lågen",
                "mode": MeetingMode.PHYSICAL,
                "created_by": ctx.users["leader"],
            },
        )
        found.append(meeting)
    return sorted(found, key=lambda m: m.starts_at)


def load(ctx: Any) -> None:
    if Course.objects.filter(group=ctx.group, title=DEMO_TITLE).exists():
        return
    now = timezone.now()
    plan = StudyPlan.objects.get(is_default=True)
    leader = ctx.users["leader"]
    course = Course.objects.create(
        group=ctx.group,
        plan=plan,
        title=DEMO_TITLE,
        course_leader=leader,
        status=CourseStatus.APPROVED,
        created_by=leader,
        created_at=now - dt.timedelta(weeks=6),
        submitted_at=now - dt.timedelta(weeks=6),
        decided_at=now - dt.timedelta(weeks=5),
        decided_by=ctx.users.get("course_admin"),
    )
    chapters = list(plan.chapters.order_by("number"))
    meetings = _meetings(ctx, now)
    for i, meeting in enumerate(meetings):
        CourseSession.objects.create(course=course, meeting=meeting, chapter=chapters[i])
    # S15: an approved course has its policy pinned, as course_approve does.
    course.policy = policy_at_start(course)
    course.save(update_fields=["policy"])
    # A live session later today, so the QR screen and the live view have something to show.
    today = timezone.localtime(now).replace(minute=0, second=0, microsecond=0)
    live = Meeting.objects.create(
        group=ctx.group,
        kind=MeetingKind.GROUP,
        title="Studiering, kapittel 5",
        starts_at=today,
        ends_at=today + dt.timedelta(hours=3),
        place="Grønnbygd rådhus, møterom Lågen",
        mode=MeetingMode.HYBRID,
        created_by=leader,
    )
    CourseSession.objects.create(course=course, meeting=live, chapter=chapters[4])
    for key in PARTICIPANTS:
        user = ctx.users[key]
        consent = Consent.objects.create(
            course=course, user=user, text_version="2024-1", given_at=meetings[0].starts_at
        )
        for meeting in meetings:
            Presence.objects.create(
                meeting=meeting,
                user=user,
                consent=consent,
                started_at=meeting.starts_at,
                ended_at=meeting.ends_at,
                source=PresenceSource.QR,
                created_by=user,
                created_at=meeting.starts_at,
            )
