"""The app's own audit log: who, when, what (codes and ids), never content."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone

from whistleblowing import crypto
from whistleblowing.models import AuditEvent, Case


def case_ref(case_id: object) -> str:
    return crypto.opaque_ref(str(case_id), "case")


def audit(
    *,
    actor: Any,
    action: str,
    case: Case | None = None,
    at: datetime | None = None,
    **data: str | int | bool | None,
) -> AuditEvent:
    """``at`` defaults to now; what the reporter does is passed in rounded to the day."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        at=at or timezone.now(),
        actor=user,
        action=action,
        case=case,
        case_ref=case_ref(case.pk) if case is not None else "",
        data=data,
    )
