"""The attendance app's part of the home page (config/homework.py): for a leader, courses
to send for approval, courses held that wait to be marked as held, and certificates made
recently; for a course administrator, the approval queue. A fixed number of queries
whatever the number of courses."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Exists, Max, OuterRef
from django.urls import reverse
from django.utils.translation import gettext as _

from attendance.models import (
    CertificateRun,
    Course,
    CourseSession,
    CourseStatus,
    Exemption,
    ExemptionDecision,
    RunStatus,
)
from attendance.permissions import is_course_admin
from config.dates import day
from config.homework import COURSE_ADMIN, LEADER, Entry
from groups.homework import managed_memberships

# How long a finished certificate run is shown as "ready" on the leader's home page.
CERTIFICATES_READY_FOR = timedelta(days=14)


def _per_group(rows: Any) -> dict[int, dict[str, Any]]:
    return {row["group_id"]: row for row in rows}


def _leader_entries(user: Any, now: datetime) -> list[Entry]:
    groups = {m.group_id: m.group for m in managed_memberships(user, now)}
    if not groups:
        return []
    courses = Course.objects.filter(group_id__in=groups)
    # Held: it has sessions, and all of them are over.
    sessions = CourseSession.objects.filter(course=OuterRef("pk"))
    drafts = _per_group(
        courses.filter(status=CourseStatus.DRAFT)
        .values("group_id")
        .annotate(n=Count("pk"), first=Max("pk"))
    )
    held = _per_group(
        courses.filter(status=CourseStatus.APPROVED)
        .filter(Exists(sessions), ~Exists(sessions.filter(meeting__ends_at__gte=now)))
        .values("group_id")
        .annotate(n=Count("pk"), first=Max("pk"))
    )
    ready: dict[int, dict[str, Any]] = {
        row["course__group_id"]: dict(row)
        for row in CertificateRun.objects.filter(
            course__group_id__in=groups,
            status=RunStatus.DONE,
            finished_at__gte=now - CERTIFICATES_READY_FOR,
        )
        .values("course__group_id")
        .annotate(n=Count("course", distinct=True), first=Max("course_id"))
    }
    entries: list[Entry] = []
    for group_id, group in groups.items():
        all_courses = reverse("attendance:group_courses", args=[group_id])

        def one_or_all(row: dict[str, Any] | None, name: str) -> str:
            if row and row["n"] == 1:
                return reverse(name, args=[row["first"]])
            return all_courses  # noqa: B023 (used at once, inside the loop)

        draft, done, made = drafts.get(group_id), held.get(group_id), ready.get(group_id)
        entries += [
            Entry(
                section=LEADER,
                label=_("Kurs som ikke er sendt til godkjenning"),
                count=draft["n"] if draft else 0,
                url=one_or_all(draft, "attendance:course_detail"),
                context=str(group),
                order=50,
            ),
            Entry(
                section=LEADER,
                label=_("Kurs som er holdt og skal meldes gjennomført"),
                count=done["n"] if done else 0,
                url=one_or_all(done, "attendance:course_detail"),
                context=str(group),
                urgent=bool(done),
                order=51,
            ),
            Entry(
                section=LEADER,
                label=_("Kurs med kursbevis klare"),
                count=made["n"] if made else 0,
                url=one_or_all(made, "attendance:certificates"),
                context=str(group),
                order=52,
            ),
        ]
    return entries


def _approval_queue(user: Any) -> list[Entry]:
    if not is_course_admin(user):
        return []
    queue = reverse("attendance:admin_queue")
    oldest = (
        Course.objects.filter(status=CourseStatus.SUBMITTED)
        .order_by("submitted_at")
        .values_list("submitted_at", flat=True)
        .first()
    )
    return [
        Entry(
            section=COURSE_ADMIN,
            label=_("Kurs som venter på godkjenning"),
            count=Course.objects.filter(status=CourseStatus.SUBMITTED).count(),
            url=queue,
            context=_("Eldste sendt %(date)s") % {"date": day(oldest)} if oldest else "",
            urgent=oldest is not None,
            order=10,
        ),
        Entry(
            section=COURSE_ADMIN,
            label=_("Søknader om unntak som venter"),
            count=Exemption.objects.filter(decision=ExemptionDecision.PENDING).count(),
            url=queue + "#unntak",
            order=20,
        ),
    ]


def home_work(user: Any, now: datetime) -> list[Entry]:
    """What waits for ``user`` from the attendance app."""
    if not getattr(user, "is_authenticated", False):
        return []
    return _leader_entries(user, now) + _approval_queue(user)
