"""The attendance list as PDF (S12) and the course leader's confirmation of it.

The list holds the regulation's fields (name, birth year, gender, postcode, hours per
session), totals and the rules engine's verdict. The confirmation records a sha256 of the
list's content: if presence changes afterwards, the printed list says it is not confirmed.
It is rendered on request for those who may see the records and never stored or e-mailed
(S6): fewer copies of special-category data (S10).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from fractions import Fraction

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from attendance.engine import reason_texts
from attendance.models import AttendanceListConfirmation, Course, CourseStatus
from attendance.selectors import course_status
from config.pdf import render_pdf
from groups.audit import audit
from groups.models import User

CONFIRMABLE = (CourseStatus.COMPLETED, CourseStatus.REPORTED)


def hours_text(hours: Fraction) -> str:
    """Two decimals, rounded down: the list never shows more than was present."""
    hundredths = hours.numerator * 100 // hours.denominator
    return f"{hundredths // 100},{hundredths % 100:02d}"


@dataclass(frozen=True)
class ListRow:
    name: str
    birth_year: str
    gender: str
    postcode: str
    hours: list[str]
    total: str
    qualifies: bool
    is_leader: bool


@dataclass(frozen=True)
class AttendanceList:
    course: Course
    dates: list[str]
    session_hours: list[int]
    session_totals: list[str]
    rows: list[ListRow]
    study_hours: int
    qualifying: int
    holds: bool
    reasons: list[str]
    fingerprint: str
    confirmation: AttendanceListConfirmation | None
    stale_confirmation: AttendanceListConfirmation | None


def attendance_list(course: Course) -> AttendanceList:
    status = course_status(course)
    evaluation = status.evaluation
    rows = []
    totals = [Fraction(0)] * len(status.sessions)
    for row in status.rows:
        if not row.result.minutes_present and not row.is_leader:
            continue
        totals = [a + b for a, b in zip(totals, row.hours_by_session, strict=True)]
        user = row.user
        rows.append(
            ListRow(
                name=user.full_name,
                birth_year=str(user.birth_year or ""),
                gender=user.get_gender_display() if user.gender else "",
                postcode=user.postcode,
                hours=[hours_text(h) for h in row.hours_by_session],
                total=hours_text(Fraction(row.result.minutes_present, 60)),
                qualifies=row.result.qualifies,
                is_leader=row.is_leader,
            )
        )
    dates = [timezone.localtime(s.meeting.starts_at).strftime("%d.%m.%Y") for s in status.sessions]
    session_hours = [evaluation.hours_by_session.get(s.meeting_id, 0) for s in status.sessions]
    content = {
        "course": course.pk,
        "dates": dates,
        "rows": [
            [r.name, r.birth_year, r.gender, r.postcode, r.hours, r.total, r.qualifies]
            for r in rows
        ],
        "study_hours": evaluation.study_hours,
        "holds": evaluation.holds,
    }
    fingerprint = hashlib.sha256(
        json.dumps(content, sort_keys=True, ensure_ascii=False).encode()
    ).hexdigest()
    latest = course.list_confirmations.order_by("-confirmed_at", "-pk").first()
    current = latest if latest is not None and latest.fingerprint == fingerprint else None
    return AttendanceList(
        course=course,
        dates=dates,
        session_hours=session_hours,
        session_totals=[hours_text(t) for t in totals],
        rows=rows,
        study_hours=evaluation.study_hours,
        qualifying=len(evaluation.qualifying),
        holds=evaluation.holds,
        reasons=reason_texts(evaluation.reasons, status.inputs),
        fingerprint=fingerprint,
        confirmation=current,
        stale_confirmation=latest if current is None else None,
    )


def attendance_list_confirm(*, actor: User, course: Course) -> AttendanceListConfirmation:
    """S12: the course leader confirms the list as it is now; name and time are printed."""
    if course.course_leader_id != actor.pk:
        raise PermissionDenied(_("Bare kurslederen kan bekrefte frammøtelista."))
    if course.status not in CONFIRMABLE:
        raise ValidationError(
            _("Frammøtelista kan bekreftes når kurset er markert som gjennomført.")
        )
    listing = attendance_list(course)
    if listing.confirmation is not None:
        raise ValidationError(_("Frammøtelista er allerede bekreftet slik den er nå."))
    with transaction.atomic():
        confirmation = AttendanceListConfirmation.objects.create(
            course=course,
            confirmed_by=actor,
            confirmed_name=actor.full_name,
            confirmed_at=timezone.now(),
            fingerprint=listing.fingerprint,
        )
        audit(actor=actor, action="attendance_list.confirm", target=course, group=course.group)
    return confirmation


def attendance_list_pdf(course: Course, *, now: dt.datetime | None = None) -> bytes:
    listing = attendance_list(course)
    printed = timezone.localtime(now or timezone.now())
    return render_pdf(
        "attendance/pdf/attendance_list.html",
        {"list": listing, "course": course, "printed": printed},
        title=_("Frammøteliste"),
    )
