"""Summons ("innkalling") with the agenda, its updates and cancellation, absence ("forfall")
and substitutes called in an absent member's place (G2, G6, G9, G12, G14, G20)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from meetings.models.meetings import Meeting


class SummonsKind(models.TextChoices):
    SUMMONS = "summons", _("Innkalling")
    UPDATE = "update", _("Endring")
    CANCEL = "cancel", _("Avlysning")


class SummonsRevision(models.Model):
    """One message to everyone summoned: the summons, a later change or the cancellation.

    ``number`` counts the revisions (0 for the summons); ``content`` is what was sent
    (time, place, link, agenda), so the next change can say what changed; ``changed`` holds
    the codes of what changed since the revision before."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="summons_revisions")
    number = models.PositiveIntegerField(_("versjon"))
    kind = models.CharField(_("type"), max_length=10, choices=SummonsKind.choices)
    content = models.JSONField(default=dict)
    changed = models.JSONField(default=list)
    created_at = models.DateTimeField(_("sendt"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("innkalling")
        verbose_name_plural = _("innkallinger")
        ordering = ("meeting", "number")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="summons_revision_once")
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id}/{self.number} {self.kind}"


class SummonsDispatch(models.Model):
    """The e-mail of one revision to one member: at most one, whatever retries or repeats
    happen (the unique constraint); ``sent_at`` is set when the mail has gone."""

    revision = models.ForeignKey(
        SummonsRevision, on_delete=models.CASCADE, related_name="dispatches"
    )
    membership = models.ForeignKey(
        "groups.Membership", on_delete=models.CASCADE, related_name="summons_dispatches"
    )
    sent_at = models.DateTimeField(_("sendt"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["revision", "membership"], name="summons_dispatch_once")
        ]

    def __str__(self) -> str:
        return f"{self.revision_id}/{self.membership_id}"


class MeetingReply(models.Model):
    """G2: a summoned member's answer: coming, or absence ("forfall") with an optional
    reason. No row: has not answered."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="replies")
    membership = models.ForeignKey(
        "groups.Membership", on_delete=models.CASCADE, related_name="meeting_replies"
    )
    attending = models.BooleanField(_("kommer"), default=True)
    reason = models.CharField(_("grunn"), max_length=300, blank=True)
    replied_at = models.DateTimeField(_("svart"))

    class Meta:
        verbose_name = _("svar på innkalling")
        verbose_name_plural = _("svar på innkallinger")
        ordering = ("replied_at",)
        constraints = [
            models.UniqueConstraint(fields=["meeting", "membership"], name="meeting_reply_once"),
            models.CheckConstraint(
                condition=Q(attending=False) | Q(reason=""), name="reason_only_for_absence"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id}/{self.membership_id}"


class SubstituteCall(models.Model):
    """G2: the substitute next in line summoned in place of an absent regular member."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="substitute_calls")
    substitute = models.ForeignKey(
        "groups.Membership", on_delete=models.CASCADE, related_name="substitute_calls"
    )
    replaces = models.ForeignKey(
        "groups.Membership", on_delete=models.CASCADE, related_name="replaced_by_calls"
    )
    called_at = models.DateTimeField(_("innkalt"))
    called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # When the summons naming whom they replace went to the substitute (once)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("innkalt vararepresentant")
        verbose_name_plural = _("innkalte vararepresentanter")
        ordering = ("called_at",)
        constraints = [
            models.UniqueConstraint(fields=["meeting", "substitute"], name="substitute_once"),
            models.UniqueConstraint(fields=["meeting", "replaces"], name="replaced_once"),
            models.CheckConstraint(
                condition=~Q(substitute=F("replaces")), name="substitute_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id}: {self.substitute_id} for {self.replaces_id}"
