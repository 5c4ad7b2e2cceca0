"""Factories for study work. Rows are created directly; services are tested on their own."""

from __future__ import annotations

import datetime as dt
import importlib
import itertools
import zoneinfo
from typing import Any

from django.apps import apps as django_apps
from django.utils import timezone

from attendance.models import (
    Consent,
    Course,
    CourseSession,
    CourseStatus,
    Presence,
    PresenceSource,
    StudyPlan,
    StudyPolicy,
)
from groups.models import CouncilGroup, User
from meetings.models import AgendaItem, ConflictDecision, ConflictOfInterest, Meeting

OSLO = zoneinfo.ZoneInfo("Europe/Oslo")
_seq = itertools.count(1)


def at(year: int, month: int, day: int, hour: int = 18, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=OSLO)


def ensure_seed() -> None:
    """The data migration's rows (plan, policy, 2024 rate). A transactional test elsewhere
    flushes them, so factories put them back the way the migration does (idempotent)."""
    if StudyPolicy.objects.exists() and StudyPlan.objects.filter(is_default=True).exists():
        return
    module = importlib.import_module("attendance.migrations.0002_default_plan_policy_rate")
    module.seed(django_apps, None)
    versions = importlib.import_module("attendance.migrations.0004_study_plan_versions")
    versions._series(django_apps, None)
    versions.seed_additions(django_apps, None)


def default_plan() -> StudyPlan:
    ensure_seed()
    return StudyPlan.objects.get(name="Politisk arbeid", version=1)


def make_session_meeting(group: CouncilGroup, **fields: Any) -> Meeting:
    n = next(_seq)
    start = fields.pop("starts_at", at(2031, 1, 1) + dt.timedelta(days=n))
    fields.setdefault("kind", "group")
    fields.setdefault("title", f"Studiemøte {n}")
    fields.setdefault("place", "Rådhuset")
    fields.setdefault("ends_at", start + dt.timedelta(hours=2))
    return Meeting.objects.create(group=group, starts_at=start, **fields)


def make_course(
    group: CouncilGroup,
    leader: User,
    *,
    status: str = CourseStatus.DRAFT,
    meetings: list[Meeting] | None = None,
    **fields: Any,
) -> Course:
    ensure_seed()
    fields.setdefault("title", f"Studiering {next(_seq)}")
    fields.setdefault("plan", default_plan())
    fields.setdefault("created_at", timezone.now())
    course = Course.objects.create(
        group=group,
        course_leader=leader,
        status=status,
        created_by=leader,
        rejection_reason="Mangler plan" if status == CourseStatus.REJECTED else "",
        **fields,
    )
    for meeting in meetings or []:
        CourseSession.objects.create(course=course, meeting=meeting)
    return course


def give_consent(course: Course, user: User) -> Consent:
    return Consent.objects.create(
        course=course, user=user, text_version="test", given_at=timezone.now()
    )


def make_presence(
    meeting: Meeting,
    user: User,
    *,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    consent: Consent | None = None,
) -> Presence:
    if consent is None:
        course = meeting.course_session.course
        consent = Consent.objects.filter(
            course=course, user=user, withdrawn_at__isnull=True
        ).first() or give_consent(course, user)
    start = start or meeting.starts_at
    return Presence.objects.create(
        meeting=meeting,
        user=user,
        consent=consent,
        started_at=start,
        ended_at=end if end is not None else meeting.ends_at,
        source=PresenceSource.LEADER,
        created_by=user,
        created_at=timezone.now(),
    )


def make_disqualification(
    meeting: Meeting, membership: Any, left_at: dt.datetime, returned_at: dt.datetime | None
) -> ConflictOfInterest:
    item = AgendaItem.objects.create(
        meeting=meeting, title=f"Sak {next(_seq)}", submitted_at=meeting.starts_at
    )
    return ConflictOfInterest.objects.create(
        agenda_item=item,
        membership=membership,
        reason="Eier nabotomta",
        declared_at=left_at,
        decision=ConflictDecision.DISQUALIFIED,
        left_at=left_at,
        returned_at=returned_at,
    )
