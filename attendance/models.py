"""Study work: policies, study plans, courses, sessions, consent and presence (S1-S16).

The rules live in ``attendance.rules``; these models only hold what happened. Presence is
kept as intervals per meeting (S16), never as one yes/no per meeting.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from attendance import rules

COURSE_ADMIN_GROUP = "course_administrators"


class Rounding(models.TextChoices):
    FLOOR_PER_SESSION = "floor_per_session", _("Hele timer per samling (rundes ned)")
    FLOOR_TOTAL = "floor_total", _("Hele timer for hele kurset (rundes ned)")


class StudyPolicy(models.Model):
    """S15: the numbers of the rules, valid from a date until the next record's date."""

    valid_from = models.DateField(_("gjelder fra"), unique=True)
    min_study_hours = models.PositiveSmallIntegerField(
        _("minste antall studietimer"), default=4, validators=[MinValueValidator(1)]
    )
    min_participants = models.PositiveSmallIntegerField(
        _("minste antall deltakere"), default=4, validators=[MinValueValidator(1)]
    )
    min_share_numerator = models.PositiveSmallIntegerField(
        _("frammøtekrav, teller"), default=3, validators=[MinValueValidator(1)]
    )
    min_share_denominator = models.PositiveSmallIntegerField(
        _("frammøtekrav, nevner"), default=4, validators=[MinValueValidator(1)]
    )
    min_age = models.PositiveSmallIntegerField(
        _("aldersgrense"), default=14, validators=[MaxValueValidator(30)]
    )
    leader_counts = models.BooleanField(_("kursleder teller som deltaker"), default=True)
    rounding = models.CharField(
        _("avrunding av studietimer"),
        max_length=20,
        choices=Rounding.choices,
        default=Rounding.FLOOR_PER_SESSION,
    )
    retention_years = models.PositiveSmallIntegerField(
        _("år frammøtelister lagres etter kursslutt"),
        default=5,
        validators=[MinValueValidator(5), MaxValueValidator(20)],
    )
    created_at = models.DateTimeField(_("opprettet"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("regelsett for studiearbeid")
        verbose_name_plural = _("regelsett for studiearbeid")
        ordering = ("-valid_from",)
        constraints = [
            models.CheckConstraint(
                condition=Q(min_share_numerator__lte=F("min_share_denominator")),
                name="study_policy_share_at_most_one",
            ),
            models.CheckConstraint(
                condition=Q(retention_years__gte=5), name="study_policy_retention_at_least_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{_('Regelsett fra')} {self.valid_from:%d.%m.%Y}"

    @property
    def min_share(self) -> Fraction:
        return Fraction(self.min_share_numerator, self.min_share_denominator)

    @property
    def min_share_percent(self) -> str:
        value = self.min_share * 100
        return f"{value.numerator // value.denominator} %"

    def to_rules(self) -> rules.Policy:
        return rules.Policy(
            min_study_hours=self.min_study_hours,
            min_participants=self.min_participants,
            min_share=self.min_share,
            min_age=self.min_age,
            leader_counts=self.leader_counts,
            rounding=self.rounding,
        )

    @classmethod
    def in_force(cls, on: dt.date) -> StudyPolicy | None:
        return cls.objects.filter(valid_from__lte=on).order_by("-valid_from").first()


class SubsidyRate(models.Model):
    """S7: the study subsidy per approved study hour, one record per year."""

    year = models.PositiveSmallIntegerField(
        _("år"), unique=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    amount_per_hour = models.DecimalField(
        _("kroner per studietime"), max_digits=8, decimal_places=2
    )
    updated_at = models.DateTimeField(_("endret"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("sats for opplæringstilskudd")
        verbose_name_plural = _("satser for opplæringstilskudd")
        ordering = ("-year",)
        constraints = [
            models.CheckConstraint(condition=Q(amount_per_hour__gte=0), name="rate_not_negative")
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.amount_per_hour} kr"


class StudyPlan(models.Model):
    """S2: an approved study plan ("godkjent studieplan") and its learning objectives."""

    name = models.CharField(_("navn"), max_length=200, unique=True)
    description = models.TextField(_("om studieplanen"), blank=True)
    learning_objectives = models.TextField(
        _("læringsmål"), help_text=_("Ett mål per linje. Står på kursbeviset.")
    )
    is_approved = models.BooleanField(_("godkjent"), default=False)
    approved_on = models.DateField(_("godkjent dato"), null=True, blank=True)
    allows_digital = models.BooleanField(_("tillater digitale samlinger"), default=True)
    is_default = models.BooleanField(_("standard for nye kurs"), default=False)
    study_association = models.CharField(
        _("studieforbund"), max_length=200, default="Senterpartiskolen"
    )

    class Meta:
        verbose_name = _("studieplan")
        verbose_name_plural = _("studieplaner")
        ordering = ("name",)
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="one_default_plan"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def objectives(self) -> list[str]:
        return [line.strip() for line in self.learning_objectives.splitlines() if line.strip()]


class StudyChapter(models.Model):
    plan = models.ForeignKey(StudyPlan, on_delete=models.CASCADE, related_name="chapters")
    number = models.PositiveSmallIntegerField(_("kapittel"))
    title = models.CharField(_("tittel"), max_length=200)
    discussion_questions = models.JSONField(
        _("til diskusjon"), default=list, blank=True, help_text=_("Spørsmålene i heftet.")
    )
    learning_objectives = models.TextField(_("læringsmål"), blank=True)

    class Meta:
        verbose_name = _("kapittel")
        verbose_name_plural = _("kapitler")
        ordering = ("plan", "number")
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="chapter_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class CourseStatus(models.TextChoices):
    DRAFT = "draft", _("Utkast")
    SUBMITTED = "submitted", _("Sendt til godkjenning")
    APPROVED = "approved", _("Godkjent")
    REJECTED = "rejected", _("Avvist")
    COMPLETED = "completed", _("Gjennomført")
    REPORTED = "reported", _("Rapportert")


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
    personal_data_deleted_at = models.DateTimeField(
        _("frammøtedata slettet"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("kurs")
        verbose_name_plural = _("kurs")
        ordering = ("-created_at",)
        indexes = [models.Index(fields=["status", "submitted_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(rejection_reason=""),
                name="course_rejection_has_reason",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_editable(self) -> bool:
        """A submitted course cannot be edited without going back to draft."""
        return self.status in (CourseStatus.DRAFT, CourseStatus.REJECTED)


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
                fields=["course"], condition=Q(decision="pending"), name="one_pending_exemption"
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


class Consent(models.Model):
    """S10: consent to be on the course's attendance list. No consent, no presence."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="consents")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="course_consents"
    )
    text_version = models.CharField(_("versjon av samtykketeksten"), max_length=20)
    given_at = models.DateTimeField(_("gitt"))
    withdrawn_at = models.DateTimeField(_("trukket tilbake"), null=True, blank=True)

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
    reason = models.CharField(_("grunn"), max_length=300)
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


from attendance.models_certificates import *  # noqa
