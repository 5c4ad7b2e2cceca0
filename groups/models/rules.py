from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from groups.models.groups import CouncilGroup, Seat

WEEKDAYS = [
    (0, _("mandag")),
    (1, _("tirsdag")),
    (2, _("onsdag")),
    (3, _("torsdag")),
    (4, _("fredag")),
    (5, _("lørdag")),
    (6, _("søndag")),
]


# G15: the longest quarantine the rules may set for members who come from another party.
MAX_QUARANTINE_MONTHS = 48


class RuleSetStatus(models.TextChoices):
    DRAFT = "draft", _("Utkast")
    PROPOSED = "proposed", _("Foreslått")
    ADOPTED = "adopted", _("Vedtatt")
    SUPERSEDED = "superseded", _("Erstattet")
    REJECTED = "rejected", _("Forkastet")


class RuleSet(models.Model):
    """One version of the group's rules (reglement), from the booklet's template (G22).

    The template's blanks are fields; the text of sections 1.0–14.0 lives in the template
    ``groups/rules_document.html``. Exactly one version is adopted and in force at a time.
    """

    group = models.ForeignKey(CouncilGroup, on_delete=models.CASCADE, related_name="rulesets")
    version = models.PositiveIntegerField(_("versjon"))
    status = models.CharField(
        _("status"), max_length=10, choices=RuleSetStatus.choices, default="draft"
    )
    meeting_place = models.CharField(_("møtelokale"), max_length=200)
    meeting_weekdays = models.CharField(
        _("møtedager"), max_length=20, help_text=_("Ukedager som tall, 0 = mandag")
    )
    meeting_start = models.TimeField(_("fra kl."))
    meeting_end = models.TimeField(_("til kl."))
    quarantine_months = models.PositiveSmallIntegerField(
        _("karantenetid ved overgang (måneder)"),
        default=0,
        validators=[MaxValueValidator(MAX_QUARANTINE_MONTHS)],
    )
    cooperation = models.TextField(_("samarbeid med andre parti"), blank=True)
    change_summary = models.TextField(_("hva endres og hvorfor"), blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    proposed_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(_("vedtatt"), null=True, blank=True)
    votes_for = models.PositiveSmallIntegerField(_("stemmer for"), null=True, blank=True)
    votes_against = models.PositiveSmallIntegerField(_("stemmer mot"), null=True, blank=True)
    decision_note = models.TextField(_("vedtak"), blank=True)
    # G22, G23: the text as adopted, members and factions included, rendered once when the
    # group adopts it. An adopted version is a fixed record: later members, factions,
    # erasures or template changes never alter what was adopted.
    adopted_document = models.TextField(_("vedtatt tekst"), blank=True, editable=False)

    class Meta:
        verbose_name = _("reglement")
        verbose_name_plural = _("reglement")
        ordering = ("group", "-version")
        constraints = [
            models.UniqueConstraint(fields=["group", "version"], name="ruleset_version_unique"),
            models.UniqueConstraint(
                fields=["group"], condition=Q(status="adopted"), name="one_ruleset_in_force"
            ),
            models.CheckConstraint(
                condition=Q(meeting_end__gt=models.F("meeting_start")),
                name="ruleset_meeting_time_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group} – reglement v{self.version}"

    @property
    def is_proposed(self) -> bool:
        return self.status == RuleSetStatus.PROPOSED

    @property
    def is_adopted(self) -> bool:
        return self.status == RuleSetStatus.ADOPTED

    @property
    def is_rejected(self) -> bool:
        return self.status == RuleSetStatus.REJECTED

    @property
    def weekday_numbers(self) -> list[int]:
        return [int(d) for d in self.meeting_weekdays.split(",") if d.strip()]

    @property
    def weekday_names(self) -> list[str]:
        names = dict(WEEKDAYS)
        return [str(names[d]) for d in self.weekday_numbers]


class RuleAcknowledgement(models.Model):
    """G23: a member or observer has read the rules in force, this version."""

    ruleset = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="acknowledgements")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rule_acknowledgements"
    )
    acknowledged_at = models.DateTimeField(_("bekreftet"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ruleset", "user"], name="ack_once_per_version")
        ]

    def __str__(self) -> str:
        return f"{self.user} – v{self.ruleset.version}"


# E1: who must go through the ethical guidelines: "alle folkevalgte" and the local chapter's
# board (the chapter leader's seat). Party members without a seat are not asked.
ETHICS_SEATS = (Seat.REGULAR, Seat.SUBSTITUTE, Seat.OTHER_BODY, Seat.CHAPTER_LEADER)

# The Django auth group of the party secretariat: publishes the ethical guidelines (E1).
SECRETARIAT_GROUP = "secretariat"


class EthicsGuidelines(models.Model):
    """E1: one version of the party's ethical guidelines, site-wide. A published version is
    a fixed record: its sections are never edited; a change is a new version. The version in
    force is the one with the highest number."""

    version = models.PositiveIntegerField(_("versjon"), unique=True)
    title = models.CharField(_("tittel"), max_length=200)
    # [{"heading": "...", "text": "..."}], in the booklet's order. The first may have no
    # heading (the preamble).
    sections = models.JSONField(_("avsnitt"), default=list)
    change_summary = models.TextField(_("hva er endret"), blank=True)
    published_at = models.DateTimeField(_("publisert"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("publisert av"),
    )

    class Meta:
        verbose_name = _("etiske retningslinjer")
        verbose_name_plural = _("etiske retningslinjer")
        ordering = ("-version",)

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"


class EthicsRequest(models.Model):
    """E1: an elected representative was asked to acknowledge this version (one e-mail each;
    ``emailed_at`` makes the mail task safe to run twice)."""

    guidelines = models.ForeignKey(
        EthicsGuidelines, on_delete=models.PROTECT, related_name="requests"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ethics_requests"
    )
    requested_at = models.DateTimeField(_("bedt om bekreftelse"))
    emailed_at = models.DateTimeField(_("e-post sendt"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["guidelines", "user"], name="ethics_request_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} – v{self.guidelines.version}"


class EthicsAcknowledgement(models.Model):
    """E1: an elected representative has gone through this version of the guidelines."""

    guidelines = models.ForeignKey(
        EthicsGuidelines, on_delete=models.PROTECT, related_name="acknowledgements"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ethics_acknowledgements"
    )
    acknowledged_at = models.DateTimeField(_("bekreftet"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["guidelines", "user"], name="ethics_ack_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} – v{self.guidelines.version}"


class RulesDispatchKind(models.TextChoices):
    SEND = "send", _("Reglementet sendt")
    REMIND = "remind", _("Påminnelse")


class RulesDispatch(models.Model):
    """G23: the leader sends the rules in force to every member and observer in one step
    (or reminds those who have not acknowledged). The token makes a double click one send."""

    group = models.ForeignKey(CouncilGroup, on_delete=models.CASCADE, related_name="+")
    ruleset = models.ForeignKey(RuleSet, on_delete=models.PROTECT, related_name="dispatches")
    kind = models.CharField(_("type"), max_length=6, choices=RulesDispatchKind.choices)
    token = models.UUIDField(unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("sendt"))

    class Meta:
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"{self.ruleset} – {self.kind}"


class RulesDelivery(models.Model):
    """One e-mail of a dispatch: who got which version, and when."""

    dispatch = models.ForeignKey(RulesDispatch, on_delete=models.CASCADE, related_name="deliveries")
    ruleset = models.ForeignKey(RuleSet, on_delete=models.PROTECT, related_name="deliveries")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rule_deliveries"
    )
    kind = models.CharField(_("type"), max_length=6, choices=RulesDispatchKind.choices)
    queued_at = models.DateTimeField(_("lagt i kø"))
    sent_at = models.DateTimeField(_("sendt"), null=True, blank=True)

    class Meta:
        ordering = ("-queued_at",)
        constraints = [
            models.UniqueConstraint(fields=["dispatch", "user"], name="one_delivery_per_dispatch"),
            models.UniqueConstraint(
                fields=["ruleset", "user"],
                condition=Q(kind="send"),
                name="rules_sent_once_per_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – v{self.ruleset.version} ({self.kind})"
