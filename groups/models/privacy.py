"""Records of the privacy machinery: which sweep ran when, and erasures still waiting.

Both hold ids and counts only, never the data that was deleted.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SweepRun(models.Model):
    """One run of one retention sweep (``name`` is the inventory key or a sweep's name)."""

    name = models.CharField(_("sletterutine"), max_length=80, db_index=True)
    ran_at = models.DateTimeField(_("kjørt"), db_index=True)
    deleted = models.PositiveIntegerField(_("slettet"), default=0)
    anonymised = models.PositiveIntegerField(_("anonymisert"), default=0)

    class Meta:
        verbose_name = _("kjøring av sletterutine")
        verbose_name_plural = _("kjøringer av sletterutiner")
        ordering = ("-ran_at",)

    def __str__(self) -> str:
        return f"{self.name} {self.ran_at:%Y-%m-%d %H:%M}"


class PersonErasure(models.Model):
    """Art. 17: a person was erased. ``completed_at`` stays empty while records that a
    retention duty keeps (attendance lists) still point to the closed account."""

    person_id = models.PositiveIntegerField(_("person (id)"), db_index=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(_("bestilt"))
    completed_at = models.DateTimeField(_("fullført"), null=True, blank=True)
    counts = models.JSONField(_("antall per type"), default=dict, blank=True)

    class Meta:
        verbose_name = _("sletting av person")
        verbose_name_plural = _("slettinger av personer")
        ordering = ("-requested_at",)

    def __str__(self) -> str:
        return f"#{self.person_id} {self.requested_at:%Y-%m-%d}"
