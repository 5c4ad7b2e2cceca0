"""Courses, their sessions and exemptions (S1, S4, S9, S11, S13)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from attendance.models.policies import StudyChapter, StudyPlan, StudyPolicy

# The Django auth group of Senterpartiskolen's course administrators.
COURSE_ADMIN_GROUP = "course_administrators"


class CourseStatus(models.TextChoices):
    DRAFT = "draft", _("Utkast")
    SUBMITTED = "submitted", _("Sendt til godkjenning")
    APPROVED = "approved", _("Godkjent")
    REJECTED = "rejected", _("Avvist")
    COMPLETED = "completed", _("Gjennomført")
    REPORTED = "reported", _("Rapportert")


# S13: an approved course is announced openly, and stays announced once held.
ANNOUNCED_STATUSES = (CourseStatus.APPROVED, CourseStatus.COMPLETED, CourseStatus.REPORTED)
# Held: every session is over. Presence is final, the list can be confirmed, certificates made.
FINISHED_STATUSES = (CourseStatus.COMPLETED, CourseStatus.REPORTED)


class Course(models.Model):
    """S1: a course the group registers as study work (S11: the group leader's duty)."""

    group = models.ForeignKey(
        "groups.CouncilGroup", on_delete=models.PROTECT, related_name="courses"
    )
    plan = models.ForeignKey(StudyPlan, on_delete=models.PROTECT, related_name="courses")
    title = models.CharField(_("navn på kurset"), max_length=200)
    course_leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="led_courses",
        verbose_name=_("kursleder"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=CourseStatus.choices, default=CourseStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("opprettet"))
    submitted_at = models.DateTimeField(_("sendt"), null=True, blank=True)
    decided_at = models.DateTimeField(_("avgjort"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    rejection_reason = models.TextField(_("grunn til avvisning"), blank=True)
    completed_at = models.DateTimeField(_("gjennomført"), null=True, blank=True)
    reported_at = models.DateTimeField(_("rapportert"), null=True, blank=True)
    # S7: frozen at reporting, so the subsidy never changes when data is later deleted (S10).
    reported_hours = models.JSONField(
        _("rapporterte studietimer per kvartal"), default=dict, blank=True
    )
    # S15: the policy that judges the course, pinned when it is approved; until then the
    # policy in force at its first session.
    policy = models.ForeignKey(
        StudyPolicy,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="courses",
        verbose_name=_("regelsett"),
    )
    personal_data_deleted_at = models.DateTimeField(
        _("frammøtedata slettet"), null=True, blank=True
    )
    # S10: the verdict as it stood when the attendance data was deleted, in counts only (no
    # person), so the course keeps its result after the presences it was computed from are
    # gone. Written once by the retention sweep; see ``KeptVerdict``.
    kept_verdict = models.JSONField(_("resultat ved sletting"), null=True, blank=True)

    class Meta:
        verbose_name = _("kurs")
        verbose_name_plural = _("kurs")
        ordering = ("-created_at",)
        indexes = [models.Index(fields=["status", "submitted_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=CourseStatus.REJECTED) | ~Q(rejection_reason=""),
                name="course_rejection_has_reason",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_editable(self) -> bool:
        """A submitted course cannot be edited without going back to draft."""
        return self.status in (CourseStatus.DRAFT, CourseStatus.REJECTED)

    @property
    def is_announced(self) -> bool:
        return self.status in ANNOUNCED_STATUSES

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_STATUSES


class ExemptionGround(models.TextChoices):
    FEW_REPRESENTATIVES = "few_representatives", _("Gruppa har færre enn fire representanter")
    ILLNESS = "illness", _("Sykdom")


class ExemptionDecision(models.TextChoices):
    PENDING = "pending", _("Til behandling")
    GRANTED = "granted", _("Innvilget")
    REFUSED = "refused", _("Avslått")


class Exemption(models.Model):
    """S4: an application for exemption from the four-participant rule, and its decision."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="exemptions")
    ground = models.CharField(_("grunnlag"), max_length=30, choices=ExemptionGround.choices)
    reason = models.TextField(_("begrunnelse"))
    representatives = models.PositiveSmallIntegerField(
        _("antall representanter i gruppa"), null=True, blank=True
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    requested_at = models.DateTimeField(_("søkt"))
    decision = models.CharField(
        _("avgjørelse"),
        max_length=10,
        choices=ExemptionDecision.choices,
        default=ExemptionDecision.PENDING,
    )
    decision_note = models.TextField(_("begrunnelse for avgjørelsen"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("avgjort"), null=True, blank=True)

    class Meta:
        verbose_name = _("søknad om unntak")
        verbose_name_plural = _("søknader om unntak")
        ordering = ("-requested_at",)
        constraints = [
            models.UniqueConstraint(
                fields=["course"],
                condition=Q(decision=ExemptionDecision.PENDING),
                name="one_pending_exemption",
            )
        ]

    def __str__(self) -> str:
        return f"{self.course} – {self.get_decision_display()}"


class CourseSession(models.Model):
    """A meeting attached to a course as a session (S9, S13). A meeting is in one course."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="sessions")
    meeting = models.OneToOneField(
        "meetings.Meeting", on_delete=models.PROTECT, related_name="course_session"
    )
    chapter = models.ForeignKey(
        StudyChapter,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kapittel"),
    )

    class Meta:
        verbose_name = _("samling")
        verbose_name_plural = _("samlinger")
        ordering = ("meeting__starts_at",)

    def __str__(self) -> str:
        return str(self.meeting)
