"""The e-mail telling the course leader that certificates are ready. It names no person
and no course in the subject, and carries no attachment: the PDFs stay in the portal."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from attendance.models import CertificateRun
from config.singleline import email_subject


def certificates_ready(run_id: int) -> int:
    run = CertificateRun.objects.select_related(
        "course", "course__course_leader", "requested_by"
    ).get(pk=run_id)
    recipients = list(
        dict.fromkeys(
            user.email
            for user in (run.course.course_leader, run.requested_by)
            if user is not None and user.email
        )
    )
    if not recipients:
        return 0
    url = settings.SITE_URL + reverse(
        "attendance:certificate_run", kwargs={"pk": run.course_id, "run_pk": run.pk}
    )
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Kursbevisene er klare")
        body = render_to_string(
            "attendance/certificates/email_ready.txt", {"url": url, "count": run.total}
        )
    return send_mail(email_subject(subject), body, None, recipients)
