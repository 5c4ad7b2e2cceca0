"""The course leader's confirmation of the attendance list (S12), and the list as PDF.

The list itself is ``selectors.attendance_list``, the one build the page, the CSV and this
PDF all show. The confirmation records its fingerprint (a sha256 of its content): if
presence changes afterwards, the printed list says it is not confirmed. The PDF is
rendered on request for those who may see the records and never stored or e-mailed (S6):
fewer copies of special-category data (S10).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from attendance.models import AttendanceListConfirmation, Course
from attendance.selectors import AttendanceList, attendance_list
from config.pdf import render_pdf
from groups.audit import audit
from groups.models import User


def attendance_list_confirm(*, actor: User, course: Course) -> AttendanceListConfirmation:
    """S12: the course leader confirms the list as it is now; name and time are printed."""
    if course.course_leader_id != actor.pk:
        raise PermissionDenied(_("Bare kurslederen kan bekrefte frammøtelista."))
    if not course.is_finished:
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


ATTENDANCE_LIST_PDF_TEMPLATE = "attendance/pdf/attendance_list.html"


def attendance_list_pdf(
    course: Course, *, now: dt.datetime | None = None, listing: AttendanceList | None = None
) -> bytes:
    printed = timezone.localtime(now or timezone.now())
    return render_pdf(
        ATTENDANCE_LIST_PDF_TEMPLATE,
        {"list": listing or attendance_list(course), "course": course, "printed": printed},
        title=_("Frammøteliste"),
    )
