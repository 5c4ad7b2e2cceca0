"""A course that has been held, with presence: ``make_held_course`` builds on
``tests.factories.attendance.make_course`` (the one course factory), adding sessions with
chapters and participants present for all or part of the time."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from attendance.models import (
    Consent,
    Course,
    CourseSession,
    CourseStatus,
    Presence,
    PresenceSource,
)
from attendance.services.certificates import qr_data_uri, verify_url
from groups.models import CouncilGroup, User
from meetings.models import Meeting
from tests.factories.attendance import default_plan, make_course
from tests.factories.groups import make_membership, make_user
from tests.factories.meetings import at, make_meeting

SESSION_HOURS = 3


@dataclass
class Built:
    course: Course
    meetings: list[Meeting]
    present: list[User]  # at every session from start to end
    partial: list[User]  # at the first session only (1/2 of the time): no certificate
    presences: dict[int, list[Presence]] = field(default_factory=dict)


def make_held_course(
    group: CouncilGroup,
    leader: User,
    *,
    present: int = 4,
    partial: int = 1,
    sessions: int = 2,
    present_users: list[User] | None = None,
    status: str = CourseStatus.COMPLETED,
    start: dt.datetime | None = None,
) -> Built:
    plan = default_plan()
    first = start or at(2025, 3, 4)
    now = first - dt.timedelta(days=10)
    course = make_course(
        group,
        leader,
        status=status,
        plan=plan,
        title="Politisk arbeid i Grønnbygd",
        created_at=now,
        completed_at=first + dt.timedelta(days=30) if status == CourseStatus.COMPLETED else None,
    )
    chapters = list(plan.chapters.order_by("number"))
    meetings = []
    for n in range(sessions):
        meeting = make_meeting(
            group,
            starts_at=first + dt.timedelta(days=7 * n),
            ends_at=first + dt.timedelta(days=7 * n, hours=SESSION_HOURS),
        )
        CourseSession.objects.create(
            course=course, meeting=meeting, chapter=chapters[n % len(chapters)]
        )
        meetings.append(meeting)
    full = list(present_users or [])
    while len(full) < present:
        user = make_user(birth_year=1980)
        make_membership(group, user)
        full.append(user)
    if leader not in full:
        full.insert(0, leader)
    half = []
    for _ in range(partial):
        user = make_user(birth_year=1985)
        make_membership(group, user)
        half.append(user)
    built = Built(course=course, meetings=meetings, present=full, partial=half)
    for user in full:
        for meeting in meetings:
            add_presence(built, user, meeting, meeting.starts_at, meeting.ends_at)
    for user in half:
        add_presence(built, user, meetings[0], meetings[0].starts_at, meetings[0].ends_at)
    return built


def add_presence(
    built: Built, user: User, meeting: Meeting, start: dt.datetime, end: dt.datetime
) -> Presence:
    consent = Consent.objects.filter(course=built.course, user=user).first()
    if consent is None:
        consent = Consent.objects.create(
            course=built.course, user=user, text_version="1", given_at=start
        )
    presence = Presence.objects.create(
        meeting=meeting,
        user=user,
        consent=consent,
        started_at=start,
        ended_at=end,
        source=PresenceSource.LEADER,
        created_at=start,
    )
    built.presences.setdefault(user.pk, []).append(presence)
    return presence


# Certificates of one course as the PDF templates get them, with the names that test the
# layout: the third is two lines at 22 pt (the rest of its page moves down), the fourth has
# a version line (its verification block is taller).
CERTIFICATE_NAMES = [
    "Kari Nordmann",
    "Ola Østby",
    "Anne-Kristine Margrethe Østby-Haraldsen Bjørnstad-Sørensen von Trondenes",
    "Åse Ødegård",
    "Per Li",
]


def certificate_code(n: int) -> str:
    return f"ABCD-EFG{n + 2}-JKMN"


def certificate_contexts() -> list[dict[str, Any]]:
    contexts = []
    for n, name in enumerate(CERTIFICATE_NAMES):
        url = verify_url(certificate_code(n))
        contexts.append(
            {
                "study_association": "Senterpartiskolen",
                "course_title": "Politisk arbeid i Grønnbygd",
                "plan_name": "Politisk arbeid",
                "objectives": ["Kjenne arbeidsformene i kommunestyregruppa.", "Lære sammen."],
                "chapters": ["1. Arbeidet i kommunestyregruppa"],
                "study_hours": 6,
                "dates": ["04.03.2025", "11.03.2025"],
                "group_name": "Kommunestyregruppa i Grønnbygd",
                "leader_name": "Liv Leder",
                "issued_on": "01.04.2025",
                "participant_name": name,
                "code": certificate_code(n),
                "verify_url": url,
                "qr_data_uri": qr_data_uri(url),
                "version": 2 if n == 3 else 1,
            }
        )
    return contexts
