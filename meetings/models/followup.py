"""Programme follow-up (E2), calendar feeds and reminders."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from meetings.models.meetings import Meeting


class Sector(models.TextChoices):
    ECONOMY = "economy", _("Økonomi og planarbeid")
    BUSINESS = "business", _("Næring og landbruk")
    SCHOOL = "school", _("Oppvekst og skole")
    HEALTH = "health", _("Helse og omsorg")
    TRANSPORT = "transport", _("Samferdsel")
    CLIMATE = "climate", _("Miljø, klima og bærekraft")
    CULTURE = "culture", _("Kultur og frivillighet")
    OTHER = "other", _("Annet")


class ProgrammeStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Ikke startet")
    IN_PROGRESS = "in_progress", _("Under arbeid")
    PRESENTED = "presented", _("Lagt fram for gruppa")
    ACHIEVED = "achieved", _("Gjennomført")
    DROPPED = "dropped", _("Lagt bort")


class ProgrammeIssue(models.Model):
    """E2: a programme issue given to a member, with a date to present it to the group."""

    group = models.ForeignKey(
        "groups.CouncilGroup", on_delete=models.CASCADE, related_name="programme_issues"
    )
    title = models.CharField(_("programpunkt"), max_length=300)
    sector = models.CharField(_("sektor"), max_length=12, choices=Sector.choices)
    assignee = models.ForeignKey(
        "groups.Membership",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="programme_issues",
        verbose_name=_("ansvarlig"),
    )
    start_on = models.DateField(_("start"))
    present_by = models.DateField(_("legges fram for gruppa innen"))
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ProgrammeStatus.choices,
        default=ProgrammeStatus.NOT_STARTED,
    )
    outcome = models.TextField(_("hva er oppnådd"), blank=True)
    updated_at = models.DateTimeField(_("sist endret"))

    class Meta:
        verbose_name = _("programpunkt")
        verbose_name_plural = _("programoppfølging")
        ordering = ("present_by", "id")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(present_by__gte=models.F("start_on")),
                name="programme_present_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title


class CalendarFeed(models.Model):
    """A member's private calendar address. Only a SHA-256 digest of the token is stored."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token_digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("opprettet"))

    class Meta:
        verbose_name = _("kalenderabonnement")
        verbose_name_plural = _("kalenderabonnement")

    def __str__(self) -> str:
        return f"feed {self.user_id}"


REMINDER_CHOICES = [
    (30, _("30 minutter før")),
    (60, _("1 time før")),
    (180, _("3 timer før")),
    (1440, _("1 døgn før")),
    (2880, _("2 døgn før")),
    (10080, _("1 uke før")),
]
MAX_REMINDER_MINUTES = max(m for m, _label in REMINDER_CHOICES)


class ReminderPreference(models.Model):
    """When a member wants an e-mail before each meeting; no row means no reminders."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="meeting_reminder"
    )
    minutes_before = models.PositiveIntegerField(
        _("påminnelse"), choices=REMINDER_CHOICES, default=1440
    )

    class Meta:
        verbose_name = _("påminnelse")
        verbose_name_plural = _("påminnelser")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.minutes_before}"


class SentReminder(models.Model):
    """One row per reminder sent; the unique constraint keeps the sweep idempotent."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="one_reminder_per_meeting")
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id}/{self.user_id}"
