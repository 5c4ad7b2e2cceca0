"""S7: a closed quarter's subsidy report, an official record that never changes."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ImmutableRecord(Exception):
    """A closed quarter is an official record: it is never updated or deleted."""


class QuarterClosing(models.Model):
    """The quarter's subsidy report as it was when an administrator closed it (paid).

    Lines, rate and totals are copied in, so later changes to courses, rates or policies
    never reach it. A correction is a new version; the earlier ones are kept."""

    year = models.PositiveSmallIntegerField(
        _("år"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    quarter = models.PositiveSmallIntegerField(
        _("kvartal"), validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    version = models.PositiveSmallIntegerField(_("versjon"), default=1)
    closed_at = models.DateTimeField(_("lukket"))
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    closed_by_name = models.CharField(_("lukket av"), max_length=200)
    note = models.TextField(_("merknad"), blank=True)
    rate_amount = models.DecimalField(
        _("kroner per studietime"), max_digits=8, decimal_places=2, null=True
    )
    # [{"course": pk, "title", "group", "hours", "amount", "policy": "dd.mm.yyyy"}, ...]
    lines = models.JSONField(_("linjer"), default=list)
    total_hours = models.PositiveIntegerField(_("studietimer i alt"))
    total_amount = models.DecimalField(_("beløp i alt"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("lukket kvartal")
        verbose_name_plural = _("lukkede kvartaler")
        ordering = ("-year", "-quarter", "-version")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "quarter", "version"], name="quarter_closing_version_unique"
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=1) & Q(quarter__lte=4), name="quarter_closing_quarter"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}-K{self.quarter} v{self.version}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ImmutableRecord("a closed quarter is never changed; add a new version")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ImmutableRecord("a closed quarter is never deleted")

    @property
    def label(self) -> str:
        return f"{self.year}-Q{self.quarter}"

    @property
    def amount(self) -> Decimal:
        return self.total_amount
