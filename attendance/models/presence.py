"""Consent and presence (S10, S16): kept as intervals per meeting, never as one yes/no."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from attendance.models.courses import Course

# The longest reason a leader can give for a correction of presence.
CORRECTION_REASON_LENGTH = 300
# The QR screen, and so check-in, opens this long before a session starts (S9).
CHECKIN_OPENS_BEFORE = dt.timedelta(minutes=30)


class Consent(models.Model):
    """S10: consent to be on the course's attendance list. No consent, no presence."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="consents")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="course_consents"
    )
    text_version = models.CharField(_("versjon av samtykketeksten"), max_length=20)
    given_at = models.DateTimeField(_("gitt"))
    withdrawn_at = models.DateTimeField(_("trukket tilbake"), null=True, blank=True)
    # S10: consent given to the course leader (who ticked that the participant was
    # informed and consents) instead of by the member's own scan; ``given_at`` is when.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registrert av kursleder"),
    )

    class Meta:
        verbose_name = _("samtykke")
        verbose_name_plural = _("samtykker")
        ordering = ("-given_at",)
        constraints = [
            models.UniqueConstraint(
                fields=["course", "user"],
                condition=Q(withdrawn_at__isnull=True),
                name="one_active_consent",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.course}"


class PresenceSource(models.TextChoices):
    QR = "qr", _("QR-kode")
    LINK = "link", _("Lenke til digital samling")
    LEADER = "leader", _("Registrert av kursleder")
    IMPORT = "import", _("Frammøterapport fra møteverktøyet")


class Presence(models.Model):
    """One interval of presence at a meeting (S16). An open interval has no ``ended_at``."""

    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="presences"
    )
    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, related_name="presences")
    started_at = models.DateTimeField(_("kom"))
    ended_at = models.DateTimeField(_("gikk"), null=True, blank=True)
    source = models.CharField(_("kilde"), max_length=10, choices=PresenceSource.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("registrert"))

    class Meta:
        verbose_name = _("frammøte")
        verbose_name_plural = _("frammøte")
        ordering = ("meeting", "user", "started_at")
        indexes = [models.Index(fields=["meeting", "user"])]
        constraints = [
            # A second concurrent check-in can never open a second interval (S16).
            models.UniqueConstraint(
                fields=["meeting", "user"],
                condition=Q(ended_at__isnull=True),
                name="one_open_presence",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=F("started_at")),
                name="presence_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.meeting_id} {self.started_at:%H:%M}"


class PresenceCorrection(models.Model):
    """A leader's change to presence, with the reason (the audit log holds only ids)."""

    presence = models.ForeignKey(
        Presence, on_delete=models.SET_NULL, related_name="corrections", null=True, blank=True
    )
    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(_("tidspunkt"))
    reason = models.CharField(_("grunn"), max_length=CORRECTION_REASON_LENGTH)
    old_started_at = models.DateTimeField(null=True, blank=True)
    old_ended_at = models.DateTimeField(null=True, blank=True)
    new_started_at = models.DateTimeField(null=True, blank=True)
    new_ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("endring av frammøte")
        verbose_name_plural = _("endringer av frammøte")
        ordering = ("-at",)

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.reason}"
