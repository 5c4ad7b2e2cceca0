"""Members vote themselves (G18, G22, G6): a vote opened by the leader with a deadline, one
ballot per member with the vote (G1). A secret vote keeps only that a member voted and the
tally: its ballots hold no choice, and the counts live on the vote."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from meetings.models.agenda import ConflictOfInterest
from meetings.models.meetings import Meeting


class VoteSubject(models.TextChoices):
    RULES = "rules", _("Endring i reglementet")
    CONFLICT = "conflict", _("Habilitetsspørsmål")
    PROPOSAL = "proposal", _("Forslag mellom møtene")


class VoteMethod(models.TextChoices):
    PORTAL = "portal", _("Avstemning i portalen")
    HANDS = "hands", _("Håndsopprekning i møtet")


class VoteStatus(models.TextChoices):
    OPEN = "open", _("Åpen")
    CLOSED = "closed", _("Avsluttet")


class Choice(models.TextChoices):
    FOR = "for", _("For")
    AGAINST = "against", _("Mot")
    BLANK = "blank", _("Blank")


class Vote(models.Model):
    group = models.ForeignKey(
        "groups.CouncilGroup", on_delete=models.CASCADE, related_name="member_votes"
    )
    subject = models.CharField(
        _("hva det stemmes over"), max_length=10, choices=VoteSubject.choices
    )
    method = models.CharField(
        _("måte"), max_length=10, choices=VoteMethod.choices, default=VoteMethod.PORTAL
    )
    title = models.CharField(_("tittel"), max_length=200)
    text = models.TextField(_("forslag"), blank=True)
    secret = models.BooleanField(_("hemmelig avstemning"), default=False)
    ruleset = models.ForeignKey(
        "groups.RuleSet", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    conflict = models.ForeignKey(
        ConflictOfInterest, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    meeting = models.ForeignKey(
        Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="member_votes"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=VoteStatus.choices, default=VoteStatus.OPEN
    )
    opened_at = models.DateTimeField(_("åpnet"))
    deadline = models.DateTimeField(_("frist"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    closed_at = models.DateTimeField(_("avsluttet"), null=True, blank=True)
    # The tally. Kept here (not counted from ballots) so that a secret vote needs no choice
    # on any ballot.
    votes_for = models.PositiveIntegerField(default=0)
    votes_against = models.PositiveIntegerField(default=0)
    votes_blank = models.PositiveIntegerField(default=0)
    eligible = models.PositiveIntegerField(_("stemmeberettigede"), default=0)
    adopted = models.BooleanField(null=True)
    opened_sent_at = models.DateTimeField(null=True, blank=True)
    outcome_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("avstemning")
        verbose_name_plural = _("avstemninger")
        ordering = ("-opened_at",)
        constraints = [
            models.CheckConstraint(
                condition=Q(deadline__gt=models.F("opened_at")), name="vote_deadline_after_open"
            ),
            models.CheckConstraint(
                condition=~Q(subject="rules") | Q(ruleset__isnull=False),
                name="vote_rules_has_ruleset",
            ),
            models.CheckConstraint(
                condition=~Q(subject="conflict") | Q(conflict__isnull=False),
                name="vote_conflict_has_conflict",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == VoteStatus.OPEN

    @property
    def cast(self) -> int:
        return self.votes_for + self.votes_against + self.votes_blank


class Ballot(models.Model):
    """That ``membership`` voted in ``vote``; the choice only when the vote is not secret."""

    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="ballots")
    membership = models.ForeignKey(
        "groups.Membership", on_delete=models.CASCADE, related_name="ballots"
    )
    choice = models.CharField(max_length=10, choices=Choice.choices, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["vote", "membership"], name="one_ballot_per_member")
        ]

    def __str__(self) -> str:
        return f"{self.vote_id}/{self.membership_id}"
