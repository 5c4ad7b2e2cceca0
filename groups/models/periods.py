"""A group's new period (G24, G4): the constituting meeting, the election of leader and
deputy, and each seat of the last period carried over or ended."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from groups.models.groups import CouncilGroup, Membership


class PeriodConstitution(models.Model):
    """The new period's constituting meeting, convened by the local chapter leader."""

    group = models.OneToOneField(
        CouncilGroup, on_delete=models.CASCADE, related_name="constitution"
    )
    convener = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="convened_periods",
        verbose_name=_("innkaller (lokallagsleder)"),
    )
    meeting_at = models.DateTimeField(_("konstituerende møte"), null=True, blank=True)
    place = models.CharField(_("sted"), max_length=200, blank=True)
    summoned_at = models.DateTimeField(_("innkalling sendt"), null=True, blank=True)
    completed_at = models.DateTimeField(_("konstituert"), null=True, blank=True)

    class Meta:
        verbose_name = _("konstituering")
        verbose_name_plural = _("konstitueringer")

    def __str__(self) -> str:
        return f"{self.group} {self.group.period_label}"


class ElectionRole(models.TextChoices):
    LEADER = "leader", _("Gruppeleder")
    DEPUTY = "deputy", _("Nestleder")


class Election(models.Model):
    """G24: the group elects its leader and deputy at the constituting meeting, recorded as
    a decision with its votes (like a decision on the rules, G22)."""

    group = models.ForeignKey(CouncilGroup, on_delete=models.CASCADE, related_name="elections")
    role = models.CharField(_("verv"), max_length=10, choices=ElectionRole.choices)
    elected = models.ForeignKey(
        Membership,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("valgt"),
    )
    votes_for = models.PositiveSmallIntegerField(_("stemmer for"))
    votes_against = models.PositiveSmallIntegerField(_("stemmer mot"))
    decided_at = models.DateTimeField(_("valgt"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    note = models.TextField(_("merknad"), blank=True)

    class Meta:
        verbose_name = _("valg")
        verbose_name_plural = _("valg")
        ordering = ("group", "role")
        constraints = [
            models.UniqueConstraint(fields=["group", "role"], name="one_election_per_role"),
            models.CheckConstraint(
                condition=Q(votes_for__gt=models.F("votes_against")), name="election_majority"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group} – {self.get_role_display()}"


class SeatDecision(models.TextChoices):
    CARRY = "carry", _("Videreføres")
    END = "end", _("Avsluttes")


class SeatTransition(models.Model):
    """One seat of the last period: carried over into the new period or ended there."""

    period = models.ForeignKey(
        CouncilGroup, on_delete=models.CASCADE, related_name="seat_transitions"
    )
    previous = models.OneToOneField(Membership, on_delete=models.CASCADE, related_name="transition")
    decision = models.CharField(_("valg"), max_length=5, choices=SeatDecision.choices)
    membership = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField()

    class Meta:
        verbose_name = _("overgang til ny periode")
        verbose_name_plural = _("overganger til ny periode")

    def __str__(self) -> str:
        return f"{self.previous} → {self.get_decision_display()}"
