"""G26: the leader briefs the local chapter's board before the group concludes on a matter."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from meetings.models.agenda import AgendaItem


class BriefingChannel(models.TextChoices):
    BOARD_MEETING = "board_meeting", _("På styremøte i lokallaget")
    CHAPTER_LEADER = "chapter_leader", _("Til lokallagsleder på vegne av styret")


class ChapterBriefing(models.Model):
    """That the chapter board was briefed on a group meeting's item: when, by whom, how.
    A record of a fact: added, never edited (a later briefing is a new row)."""

    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.CASCADE, related_name="chapter_briefings"
    )
    briefed_on = models.DateField(_("orientert"))
    briefed_by = models.ForeignKey(
        "groups.Membership",
        on_delete=models.PROTECT,
        related_name="chapter_briefings",
        verbose_name=_("orientert av"),
    )
    channel = models.CharField(
        _("hvordan"),
        max_length=20,
        choices=BriefingChannel.choices,
        default=BriefingChannel.CHAPTER_LEADER,
    )
    note = models.CharField(_("merknad"), max_length=500, blank=True)
    recorded_at = models.DateTimeField(_("registrert"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("orientering av lokallagsstyret")
        verbose_name_plural = _("orienteringer av lokallagsstyret")
        ordering = ("briefed_on", "recorded_at")

    def __str__(self) -> str:
        return f"{self.agenda_item} {self.briefed_on:%d.%m.%Y}"
