"""Retention of attendance data (S10): deleted once the course's retention has run out."""

from __future__ import annotations

import datetime as dt
import functools

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from attendance.engine import course_evaluation, course_inputs, course_policy
from attendance.models import (
    AttendanceListConfirmation,
    Certificate,
    CertificateRun,
    CertificateStatus,
    Consent,
    Course,
    Presence,
    PresenceCorrection,
)
from config.privacy import inventory_entry, record_sweep
from groups.audit import audit

# The data inventory's names of what the sweep deletes, one SweepRun per name and run.
SWEPT = (
    "attendance.Presence",
    "attendance.Consent",
    "attendance.PresenceCorrection",
    "attendance.AttendanceListConfirmation",
    "attendance.Certificate",
    "attendance.CertificateRun",
)


def retention_due(end: dt.datetime, years: int) -> dt.datetime:
    """``years`` after ``end`` (a course ending on 29 February is due on 28 February)."""
    local = timezone.localtime(end)
    try:
        return local.replace(year=local.year + years)
    except ValueError:  # 29 February
        return local.replace(year=local.year + years, day=28)


def retention_sweep(*, now: dt.datetime | None = None) -> int:
    """S10: when a course's retention has run out (its last session ended the policy's
    retention years ago, at least 5), delete its presence, consents, corrections, list
    confirmations and certificates (rows and stored files). Idempotent; records one
    SweepRun per kind for the data inventory; returns the number of courses swept."""
    now = now or timezone.now()
    swept = 0
    counts = dict.fromkeys(SWEPT, 0)
    # Every policy keeps the lists at least 5 years (a constraint), so only a course whose
    # last session ended more than 5 × 365 days ago can be due: one read, however many
    # courses are still within their retention.
    candidates = (
        Course.objects.filter(personal_data_deleted_at__isnull=True)
        .annotate(last_end=Max("sessions__meeting__ends_at"))
        .filter(last_end__lte=now - dt.timedelta(days=5 * 365))
        .select_related("policy")
    )
    for course in candidates.iterator():
        if retention_due(course.last_end, course_policy(course).retention_years) > now:
            continue
        deleted = _delete_course_data(course, now)
        for key, value in deleted.items():
            counts[key] += value
        swept += 1
    for key, value in counts.items():
        record_sweep(inventory_entry(key), ran_at=now, deleted=value)
    return swept


def kept_verdict(course: Course) -> dict[str, object]:
    """The course's verdict in counts only, as it stands now: what the course page shows
    once the presences it was computed from have been deleted (S10)."""
    inputs = course_inputs(course)
    evaluation = course_evaluation(course, inputs=inputs)
    results = evaluation.results.values()
    return {
        "holds": evaluation.holds,
        "study_hours": evaluation.study_hours,
        "present": sum(1 for r in results if r.minutes_present),
        "met_share": sum(1 for r in results if r.minutes_present and not r.minutes_missing),
        "qualifying": len(evaluation.qualifying),
        "certificates": Certificate.objects.filter(
            course=course, status=CertificateStatus.VALID
        ).count(),
    }


def _delete_course_data(course: Course, now: dt.datetime) -> dict[str, int]:
    with transaction.atomic():
        course.kept_verdict = kept_verdict(course)
        meeting_ids = list(course.sessions.values_list("meeting_id", flat=True))
        certificates = Certificate.objects.filter(course=course)
        runs = CertificateRun.objects.filter(course=course)
        files = [str(c.file.name) for c in certificates if c.file] + [
            str(r.merged.name) for r in runs if r.merged
        ]
        deleted = {
            "attendance.PresenceCorrection": PresenceCorrection.objects.filter(
                meeting_id__in=meeting_ids
            ).delete()[0],
            "attendance.Presence": Presence.objects.filter(meeting_id__in=meeting_ids).delete()[0],
            "attendance.Consent": Consent.objects.filter(course=course).delete()[0],
            "attendance.AttendanceListConfirmation": AttendanceListConfirmation.objects.filter(
                course=course
            ).delete()[0],
            "attendance.Certificate": certificates.delete()[0],
            "attendance.CertificateRun": runs.delete()[0],
        }
        course.personal_data_deleted_at = now
        course.save(update_fields=["personal_data_deleted_at", "kept_verdict"])
        audit(
            actor=None,
            action="course.retention_delete",
            target=course,
            group=course.group,
            presences=deleted["attendance.Presence"],
            consents=deleted["attendance.Consent"],
            certificates=deleted["attendance.Certificate"],
        )
        # Stored PDFs go only once the rows are gone for good.
        transaction.on_commit(functools.partial(_delete_files, files))
    return deleted


def _delete_files(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)
