"""Course certificates ("kursbevis", S8): request, generate, revoke, verify.

Who gets one is the rules engine's answer (``ParticipantResult.qualifies``, read through the
adapter ``attendance.engine``); nothing here re-implements a rule. A course's
certificates are rendered ``BATCH_SIZE`` at a time by ``certificates_pdf``: the page they
share laid out once, and what differs (name, QR code, code) stamped on it. Each is stored
as its own file with its sha256, plus the whole run as one PDF for the leader.
Generating again makes a new version for everyone who qualifies and retires every earlier
valid certificate: "replaced" where a newer one exists, "revoked" where not.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

import kombu.exceptions
import segno
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max
from django.db.models.fields.files import FieldFile
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from attendance.engine import blocking_texts, course_evaluation, course_inputs, share_rule_text
from attendance.models import (
    Certificate,
    CertificateRun,
    CertificateStatus,
    Course,
    RunStatus,
)
from attendance.permissions import can_lead, is_course_admin
from attendance.services.certificates_pdf import render_certificates
from attendance.tasks import generate_certificates, notify_certificates_ready
from config import mail
from config.outbox import message_id
from config.pdf import merge_pdfs
from groups.audit import audit
from groups.models import User

log = logging.getLogger(__name__)

# Certificates per WeasyPrint pass: a course's run in one pass, with memory kept in bounds.
BATCH_SIZE = 30
CERTIFICATE_TEMPLATE = "attendance/pdf/certificate.html"
# What differs between a course's certificates (name, QR code, code): laid out per
# certificate and stamped on one shared page (certificates_pdf).
CERTIFICATE_SLOTS_TEMPLATE = "attendance/pdf/certificate_slots.html"
# Crockford-like: no 0/O, 1/I/L or U, so a code read aloud or typed is unambiguous.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"
CODE_GROUPS = 3
CODE_GROUP_LENGTH = 4
# A run still queued or running after this long lost its worker (a course's run takes
# seconds): a new request marks it failed instead of being blocked by it for ever.
STALE_AFTER = dt.timedelta(minutes=15)
RUN_OUTBOX = "attendance.certificaterun"


def new_code() -> str:
    """About 59 bits of randomness: not guessable, short enough to type from paper."""
    groups = (
        "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_GROUP_LENGTH))
        for _ in range(CODE_GROUPS)
    )
    return "-".join(groups)


def normalize_code(raw: str) -> str:
    """What a person typed (spaces, lower case, missing dashes) to the stored form."""
    cleaned = "".join(ch for ch in raw.upper() if ch.isalnum())
    size = CODE_GROUP_LENGTH
    return "-".join(cleaned[i : i + size] for i in range(0, len(cleaned), size))


def verify_url(code: str) -> str:
    return settings.SITE_URL + reverse("attendance:certificate_verify", args=[code])


def qr_data_uri(url: str) -> str:
    """The QR code as an SVG data URI: no Pillow, and nothing the renderer must fetch."""
    return str(segno.make(url, error="m").svg_data_uri(scale=4, border=0, dark="#000"))


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class StoredFileCorrupt(Exception):
    """A stored PDF no longer matches the hash recorded when it was written."""


class StoredFileMissing(StoredFileCorrupt):
    """A stored PDF is gone from the media storage (a lost volume, a partial restore)."""


def read_verified(field: FieldFile, expected_sha256: str) -> bytes:
    try:
        with field.open("rb") as handle:
            data: bytes = handle.read()
    except (FileNotFoundError, ValueError) as exc:  # ValueError: the row names no file
        log.error("stored file %s is missing", field.name)
        raise StoredFileMissing(field.name) from exc
    if sha256(data) != expected_sha256:
        log.error("stored file %s does not match its recorded sha256", field.name)
        raise StoredFileCorrupt(field.name)
    return data


def can_issue(user: User, course: Course) -> bool:
    """The course's leaders and course administrators generate and fetch all certificates."""
    return can_lead(user, course) or is_course_admin(user)


# --- request (the view) ------------------------------------------------------------------
def certificates_request(*, actor: User, course: Course) -> CertificateRun:
    """Queue the generation of a course's certificates (new versions if there were some).

    Refused unless the course is completed and holds, and while another run is active."""
    if not can_issue(actor, course):
        raise PermissionDenied(
            _("Bare kursleder, gruppeleder og kursadministratorer kan lage kursbevis.")
        )
    if not course.is_finished:
        raise ValidationError(_("Kursbevis kan lages når kurset er markert som gjennomført."))
    inputs = course_inputs(course)
    evaluation = course_evaluation(course, inputs=inputs)
    if not evaluation.holds:
        raise ValidationError(
            [
                _("Kurset oppfyller ikke kravene, så det kan ikke gis kursbevis."),
                *blocking_texts(evaluation, inputs),
            ]
        )
    if not any(result.qualifies for result in evaluation.results.values()):
        raise ValidationError(_("Ingen deltakere har vært til stede nok til å få kursbevis."))
    now = timezone.now()
    with transaction.atomic():
        Course.objects.select_for_update().filter(pk=course.pk).first()
        active = CertificateRun.objects.filter(
            course=course, status__in=(RunStatus.QUEUED, RunStatus.RUNNING)
        )
        active.filter(requested_at__lt=now - STALE_AFTER).update(
            status=RunStatus.FAILED,
            finished_at=now,
            error=_("Kursbevisene kunne ikke lages. Prøv igjen, eller kontakt Senterpartiskolen."),
        )
        if active.exists():
            raise ValidationError(_("Kursbevisene for dette kurset lages allerede."))
        run = CertificateRun.objects.create(course=course, requested_by=actor, requested_at=now)
        audit(actor=actor, action="certificate.request", target=run, group=course.group)
        transaction.on_commit(partial(generate_certificates.delay, run.pk))
    return run


# --- generate (the task) -----------------------------------------------------------------
@dataclass(frozen=True)
class Planned:
    user: User
    code: str
    version: int
    context: dict[str, Any]


def _date_text(value: dt.date) -> str:
    return value.strftime("%d.%m.%Y")


def plan_certificates(course: Course, *, issued_on: dt.date) -> list[Planned]:
    """Who gets a certificate, and what each says. Reads only: nothing is stored."""
    inputs = course_inputs(course)
    evaluation = course_evaluation(course, inputs=inputs)
    sessions = list(
        course.sessions.select_related("meeting", "chapter").order_by("meeting__starts_at")
    )
    dates = [_date_text(timezone.localdate(s.meeting.starts_at)) for s in sessions]
    chapters = list(dict.fromkeys(str(s.chapter) for s in sessions if s.chapter is not None))
    versions = dict(
        Certificate.objects.filter(course=course)
        .values("user_id")
        .annotate(last=Max("version"))
        .values_list("user_id", "last")
    )
    common = {
        "study_association": course.plan.study_association,
        "course_title": course.title,
        "plan_name": course.plan.name,
        "objectives": course.plan.objectives,
        "chapters": chapters,
        "study_hours": evaluation.study_hours,
        "dates": dates,
        "group_name": str(course.group),
        "leader_name": course.course_leader.full_name,
        "issued_on": _date_text(issued_on),
        # S8: the share's wording comes from the course's policy, not a fixed text.
        "share_rule": share_rule_text(inputs.policy),
    }
    planned = []
    for key, result in evaluation.results.items():
        if not result.qualifies:
            continue
        user = inputs.users[int(str(key))]
        code = new_code()
        url = verify_url(code)
        version = versions.get(user.pk, 0) + 1
        context = {
            **common,
            "participant_name": user.full_name,
            "code": code,
            "verify_url": url,
            "qr_data_uri": qr_data_uri(url),
            "version": version,
        }
        planned.append(Planned(user=user, code=code, version=version, context=context))
    planned.sort(key=lambda p: p.user.full_name.lower())
    return planned


def _chunks(items: Sequence[Planned], size: int) -> list[Sequence[Planned]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def certificates_generate(*, run_id: int) -> CertificateRun:
    """Render and store a run's certificates; retire the earlier ones. Idempotent: a run
    that is not queued any more (done, failed, or taken by another worker) is left as is."""
    claimed = CertificateRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(
        status=RunStatus.RUNNING
    )
    run = CertificateRun.objects.select_related(
        "course", "course__group", "course__plan", "course__course_leader", "requested_by"
    ).get(pk=run_id)
    if not claimed:
        return run
    stored: list[str] = []
    try:
        with translation.override(settings.LANGUAGE_CODE):
            _generate(run, stored)
    except Exception:
        log.exception("certificate run %s failed", run_id)
        for name in stored:
            default_storage.delete(name)
        CertificateRun.objects.filter(pk=run_id).update(
            status=RunStatus.FAILED,
            finished_at=timezone.now(),
            error=_("Kursbevisene kunne ikke lages. Prøv igjen, eller kontakt Senterpartiskolen."),
        )
        run.refresh_from_db()
        return run
    run.refresh_from_db()
    try:
        notify_certificates_ready.delay(run.pk)
    except kombu.exceptions.OperationalError:
        # The broker is away: the run is done, and beat's certificate_runs_resume sends
        # its e-mail later (ready_mailed stays False).
        log.exception("certificate run %s: the ready e-mail could not be queued", run_id)
    return run


def _generate(run: CertificateRun, stored: list[str]) -> None:
    course = run.course
    now = timezone.now()
    planned = plan_certificates(course, issued_on=timezone.localdate(now))
    CertificateRun.objects.filter(pk=run.pk).update(total=len(planned), done=0)
    files: dict[int, tuple[str, str]] = {}
    merged_parts: list[bytes] = []
    done = 0
    for chunk in _chunks(planned, BATCH_SIZE):
        batch = render_certificates(
            CERTIFICATE_TEMPLATE,
            CERTIFICATE_SLOTS_TEMPLATE,
            [p.context for p in chunk],
            title=_("Kursbevis"),
        )
        merged_parts.append(batch.merged)
        for item, pdf in zip(chunk, batch.parts, strict=True):
            name = default_storage.save(
                f"certificates/{course.pk}/{item.code}.pdf", ContentFile(pdf)
            )
            stored.append(name)
            files[item.user.pk] = (name, sha256(pdf))
            done += 1
        CertificateRun.objects.filter(pk=run.pk).update(done=done)
    merged = merged_parts[0] if len(merged_parts) == 1 else merge_pdfs(merged_parts)
    merged_name = default_storage.save(
        f"certificates/runs/{course.pk}-{run.pk}.pdf", ContentFile(merged)
    )
    stored.append(merged_name)
    with transaction.atomic():
        earlier = {
            c.user_id: c
            for c in Certificate.objects.select_for_update().filter(
                course=course, status=CertificateStatus.VALID
            )
        }
        for old in earlier.values():
            old.status = CertificateStatus.REVOKED
            old.revoked_at = now
            old.save(update_fields=["status", "revoked_at"])
        for item in planned:
            name, digest = files[item.user.pk]
            certificate = Certificate(
                course=course,
                run=run,
                user=item.user,
                version=item.version,
                code=item.code,
                issued_on=timezone.localdate(now),
                participant_name=item.context["participant_name"],
                course_title=course.title,
                study_hours=item.context["study_hours"],
                sha256=digest,
            )
            certificate.file.name = name
            certificate.save()
            previous = earlier.get(item.user.pk)
            if previous is not None:
                previous.status = CertificateStatus.REPLACED
                previous.replaced_by = certificate
                previous.save(update_fields=["status", "replaced_by"])
        run.merged.name = merged_name
        run.merged_sha256 = sha256(merged)
        run.status = RunStatus.DONE
        run.done = run.total = len(planned)
        run.finished_at = timezone.now()
        run.save()
        audit(
            actor=None,
            action="certificate.generate",
            target=run,
            group=course.group,
            issued=len(planned),
            replaced=sum(1 for p in planned if p.user.pk in earlier),
            revoked=sum(1 for uid in earlier if uid not in files),
        )


def certificates_ready_notify(run_id: int) -> int:
    """The e-mail telling the course leader (and whoever asked) that the certificates are
    ready. It names no person and no course in the subject, and carries no attachment:
    the PDFs stay in the portal.

    At least once (issue 20): marked ``ready_mailed`` after the mail server took it, and
    resent by ``certificate_runs_resume`` if that never happened; a resent e-mail has the
    same Message-ID (``config.outbox``), so mail clients show it once."""
    run = CertificateRun.objects.select_related("course__course_leader", "requested_by").get(
        pk=run_id
    )
    if run.ready_mailed or run.status != RunStatus.DONE:
        return 0
    recipients = list(
        dict.fromkeys(
            user.email
            for user in (run.course.course_leader, run.requested_by)
            if user is not None and user.email
        )
    )
    sent = 0
    if recipients:
        url = settings.SITE_URL + reverse(
            "attendance:certificate_run", kwargs={"pk": run.course_id, "run_pk": run.pk}
        )
        sent = mail.send(
            recipients,
            subject=gettext_lazy("Kursbevisene er klare"),
            template="attendance/certificates/email_ready.txt",
            context={"url": url, "count": run.total},
            headers={"Message-ID": message_id(RUN_OUTBOX, run.pk)},
        )
    CertificateRun.objects.filter(pk=run.pk).update(ready_mailed=True)
    return sent


# A run's task starts within seconds of the request; one still queued after this had its
# message lost (a broker restart) and is queued again. Its atomic claim makes a second
# message harmless.
PENDING_AFTER = dt.timedelta(minutes=2)
# A "ready" e-mail not sent this long after the run finished had its task lost: longer
# than MAIL_RETRY's whole schedule (about an hour) and the broker's visibility timeout,
# so a task still retrying is not doubled.
RESEND_AFTER = dt.timedelta(hours=2)


def certificate_runs_resume(now: dt.datetime | None = None) -> int:
    """Beat's sweep of "pending certificate runs" (issue 20): re-queue the runs a broker
    restart left queued, and the "ready" e-mails whose task was lost. Idempotent."""
    now = now or timezone.now()
    queued = CertificateRun.objects.filter(
        status=RunStatus.QUEUED, requested_at__lt=now - PENDING_AFTER
    ).values_list("pk", flat=True)
    unmailed = CertificateRun.objects.filter(
        status=RunStatus.DONE, ready_mailed=False, finished_at__lt=now - RESEND_AFTER
    ).values_list("pk", flat=True)
    count = 0
    for pk in queued:
        generate_certificates.delay(pk)
        count += 1
    for pk in unmailed:
        notify_certificates_ready.delay(pk)
        count += 1
    return count


# --- revoke ------------------------------------------------------------------------------
def certificate_revoke(*, actor: User, certificate: Certificate) -> Certificate:
    """Withdraw a certificate issued in error; its code then verifies as revoked."""
    if not can_issue(actor, certificate.course):
        raise PermissionDenied(
            _("Bare kursleder, gruppeleder og kursadministratorer kan trekke tilbake kursbevis.")
        )
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if locked.status != CertificateStatus.VALID:
            raise ValidationError(_("Kursbeviset er ikke gyldig og kan ikke trekkes tilbake."))
        locked.status = CertificateStatus.REVOKED
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["status", "revoked_at"])
        audit(
            actor=actor,
            action="certificate.revoke",
            target=locked,
            group=certificate.course.group,
        )
    return locked


# --- verify and read ---------------------------------------------------------------------
@dataclass(frozen=True)
class Verification:
    state: str  # "valid", "replaced", "revoked" or "unknown"
    certificate: Certificate | None


def certificate_verify(raw_code: str) -> Verification:
    """What the public page may say about a code: the state, and (unless unknown) the
    name, course and hours frozen on the certificate. Nothing else."""
    code = normalize_code(raw_code)
    certificate = Certificate.objects.filter(code=code).first() if code else None
    if certificate is None:
        return Verification("unknown", None)
    return Verification(str(certificate.status), certificate)


def valid_certificates(course: Course) -> list[Certificate]:
    return list(
        Certificate.objects.filter(course=course, status=CertificateStatus.VALID).order_by(
            "participant_name"
        )
    )


def course_pdf(course: Course) -> bytes | None:
    """All of a course's valid certificates as one PDF: the last run's one-pass file while
    it is still exactly the valid set, else the valid certificates merged."""
    valid = valid_certificates(course)
    if not valid:
        return None
    last = (
        CertificateRun.objects.filter(course=course, status=RunStatus.DONE)
        .order_by("-finished_at", "-pk")
        .first()
    )
    if (
        last is not None
        and last.merged
        and {c.run_id for c in valid} == {last.pk}
        and len(valid) == last.certificates.count()
    ):
        try:
            return read_verified(last.merged, last.merged_sha256)
        except StoredFileMissing:
            pass  # the one-pass file is gone: the single certificates still make it
    return merge_pdfs([read_verified(c.file, c.sha256) for c in valid])
