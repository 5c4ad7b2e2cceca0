"""The audit log: one call per write, in the same transaction as the write."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone

from groups.models import AuditEntry, CouncilGroup, User


def audit(
    *,
    actor: User | None,
    action: str,
    target: models.Model | None = None,
    group: CouncilGroup | None = None,
    subject_user: User | None = None,
    **data: Any,
) -> AuditEntry:
    """Record who did what, when. ``data`` holds ids and codes only, never personal data."""
    actor_obj = actor if actor is not None and actor.is_authenticated else None
    return AuditEntry.objects.create(
        at=timezone.now(),
        actor=actor_obj,
        action=action,
        group=group,
        subject_user=subject_user,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        data=data,
    )
