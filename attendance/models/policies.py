"""The numbers of the study-work rules and the approved study plans (S2, S7, S15)."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from attendance import rules
from config.numbers import percent_text


class Rounding(models.TextChoices):
    FLOOR_PER_SESSION = "floor_per_session", _("Hele timer per samling (rundes ned)")
    FLOOR_TOTAL = "floor_total", _("Hele timer for hele kurset (rundes ned)")


class ShareBase(models.TextChoices):
    """S14: what the attendance share is measured against."""

    SESSION_MINUTES = "session_minutes", _("samlingenes tid (minutter)")
    STUDY_HOURS = "study_hours", _("godkjente studietimer")


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
    share_base = models.CharField(
        _("frammøtekravet regnes av"),
        max_length=20,
        choices=ShareBase.choices,
        default=ShareBase.SESSION_MINUTES,
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
        """The share as a percentage in the active language ("75 %", "66,67 %")."""
        return percent_text(self.min_share)

    def to_rules(self) -> rules.Policy:
        return rules.Policy(
            min_study_hours=self.min_study_hours,
            min_participants=self.min_participants,
            min_share=self.min_share,
            min_age=self.min_age,
            leader_counts=self.leader_counts,
            rounding=self.rounding,
            share_base=self.share_base,
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


class StudyPlanQuerySet(models.QuerySet["StudyPlan"]):
    def current(self) -> StudyPlanQuerySet:
        """Approved versions not replaced by a later approved version of the same plan:
        what a new course may follow."""
        newer = StudyPlan.objects.filter(
            series=OuterRef("series"), version__gt=OuterRef("version"), is_approved=True
        )
        return self.filter(is_approved=True).exclude(Exists(newer))


class StudyPlan(models.Model):
    """S2: one version of a study plan ("godkjent studieplan") and its learning objectives.

    Versions of the same plan share ``series``. A draft is edited by course administrators;
    once approved a version is a fixed record (its chapters too): a change is a new version.
    A course points at the version it was planned with and keeps it."""

    # Null: a plan made outside the plan pages, a single version until one is added.
    # Null, not "": two such plans must not clash in the unique (series, version).
    series = models.SlugField(_("plan"), max_length=80, null=True, blank=True)  # noqa: DJ001
    version = models.PositiveSmallIntegerField(_("versjon"), default=1)
    name = models.CharField(_("navn"), max_length=200)
    description = models.TextField(_("om studieplanen"), blank=True)
    learning_objectives = models.TextField(
        _("læringsmål"), help_text=_("Ett mål per linje. Står på kursbeviset.")
    )
    is_approved = models.BooleanField(_("godkjent"), default=False)
    approved_on = models.DateField(_("godkjent dato"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    allows_digital = models.BooleanField(_("tillater digitale samlinger"), default=True)
    is_default = models.BooleanField(_("standard for nye kurs"), default=False)
    study_association = models.CharField(
        _("studieforbund"), max_length=200, default="Senterpartiskolen"
    )

    objects = StudyPlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("studieplan")
        verbose_name_plural = _("studieplaner")
        ordering = ("name", "-version")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="one_default_plan"
            ),
            models.UniqueConstraint(fields=["series", "version"], name="plan_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})" if self.version > 1 else self.name

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
    # The booklet's "Tips" boxes: each tip one string.
    tips = models.JSONField(_("tips"), default=list, blank=True)
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
