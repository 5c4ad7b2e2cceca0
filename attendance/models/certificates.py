"""Course certificates ("kursbevis", S8) and the attendance list's confirmation (S12).

A certificate is issued to a participant the rules engine says qualifies; its PDF is a file
in the media storage with its sha256 recorded, served only by a view that checks access.
What the public verification page shows (name, course, hours) is frozen on the row at
issue, so the page answers for the document that was printed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("I kø")
    RUNNING = "running", _("Lages")
    DONE = "done", _("Ferdig")
    FAILED = "failed", _("Feilet")


class CertificateRun(models.Model):
    """One generation of a course's certificates (a Celery task), with its progress."""

    course = models.ForeignKey(
        "attendance.Course", on_delete=models.CASCADE, related_name="certificate_runs"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    requested_at = models.DateTimeField(_("bestilt"))
    status = models.CharField(
        _("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    total = models.PositiveIntegerField(_("antall kursbevis"), default=0)
    done = models.PositiveIntegerField(_("ferdige"), default=0)
    finished_at = models.DateTimeField(_("ferdig"), null=True, blank=True)
    error = models.CharField(_("feil"), max_length=300, blank=True)
    merged = models.FileField(_("alle kursbevis"), upload_to="certificates/runs/", blank=True)
    merged_sha256 = models.CharField(max_length=64, blank=True)
    # The "ready" e-mail (an outbox flag, issue 20): False until the mail server took it,
    # so beat's resume sweep sends it if its task was lost.
    ready_mailed = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("utskrift av kursbevis")
        verbose_name_plural = _("utskrifter av kursbevis")
        ordering = ("-requested_at", "-pk")
        constraints = [
            # One run at a time per course: a double click queues nothing twice.
            models.UniqueConstraint(
                fields=["course"],
                condition=Q(status__in=[RunStatus.QUEUED, RunStatus.RUNNING]),
                name="one_active_certificate_run",
            )
        ]

    def __str__(self) -> str:
        return f"{self.course_id} #{self.pk} {self.status}"

    @property
    def percent(self) -> int:
        if self.status == RunStatus.DONE:
            return 100
        if not self.total:
            return 0
        return min(99, self.done * 100 // self.total)

    @property
    def is_active(self) -> bool:
        return self.status in (RunStatus.QUEUED, RunStatus.RUNNING)


class CertificateStatus(models.TextChoices):
    VALID = "valid", _("Gyldig")
    REPLACED = "replaced", _("Erstattet av en nyere versjon")
    REVOKED = "revoked", _("Trukket tilbake")


class Certificate(models.Model):
    course = models.ForeignKey(
        "attendance.Course", on_delete=models.PROTECT, related_name="certificates"
    )
    run = models.ForeignKey(CertificateRun, on_delete=models.PROTECT, related_name="certificates")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="certificates"
    )
    version = models.PositiveSmallIntegerField(_("versjon"), default=1)
    code = models.CharField(_("kontrollkode"), max_length=20, unique=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=CertificateStatus.choices,
        default=CertificateStatus.VALID,
    )
    issued_on = models.DateField(_("utstedt"))
    participant_name = models.CharField(_("deltaker"), max_length=200)
    course_title = models.CharField(_("kurs"), max_length=200)
    study_hours = models.PositiveSmallIntegerField(_("studietimer"))
    file = models.FileField(_("fil"), upload_to="certificates/")
    sha256 = models.CharField(max_length=64)
    replaced_by = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(_("trukket tilbake"), null=True, blank=True)

    class Meta:
        verbose_name = _("kursbevis")
        verbose_name_plural = _("kursbevis")
        ordering = ("course", "participant_name", "-version")
        constraints = [
            models.UniqueConstraint(
                fields=["course", "user"],
                condition=Q(status=CertificateStatus.VALID),
                name="one_valid_certificate_per_participant",
            ),
            models.UniqueConstraint(
                fields=["course", "user", "version"], name="certificate_version_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} v{self.version}"


class AttendanceListConfirmation(models.Model):
    """S12: the course leader confirms the attendance list in the portal. ``fingerprint``
    is the sha256 of the list's content: a later change of presence makes it stale."""

    course = models.ForeignKey(
        "attendance.Course", on_delete=models.CASCADE, related_name="list_confirmations"
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    confirmed_name = models.CharField(_("bekreftet av"), max_length=200)
    confirmed_at = models.DateTimeField(_("bekreftet"))
    fingerprint = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("bekreftelse av frammøteliste")
        verbose_name_plural = _("bekreftelser av frammøtelister")
        ordering = ("-confirmed_at", "-pk")

    def __str__(self) -> str:
        return f"{self.course_id} {self.confirmed_at:%Y-%m-%d %H:%M}"
