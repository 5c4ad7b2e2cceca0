"""Thin Celery tasks: ids in, a service call, nothing else. All idempotent."""

from __future__ import annotations

from celery import shared_task

from config.celery import MAIL_RETRY
from whistleblowing import services, unlock


@shared_task(acks_late=True, **MAIL_RETRY)
def notify_handlers(case_id: str, kind: str, ref: int = 0) -> bool:
    return services.notify(case_id, kind, ref)


@shared_task(acks_late=True, **MAIL_RETRY)
def notify_generals(case_id: str, kind: str, ref: int = 0) -> bool:
    """W10: a handler marked the case; the secretaries general are told at once."""
    return services.notify_generals(case_id, kind, ref)


@shared_task(acks_late=True, **MAIL_RETRY)
def notify_central(case_id: str, kind: str, ref: int = 0) -> bool:
    """W11: a local handler asked the central party for help."""
    return services.notify_central(case_id, kind, ref)


@shared_task(acks_late=True, **MAIL_RETRY)
def deadline_sweep() -> dict[str, int]:
    result = services.deadline_sweep()
    return {
        "reminders": result.reminders,
        "escalations": result.escalations,
        "feedback": result.feedback,
        "help": result.help,
    }


@shared_task(acks_late=True)
def retention_sweep() -> dict[str, int]:
    result = services.retention_sweep()
    return {
        "deleted": result.deleted,
        "files": result.files,
        "notices": result.notices,
        "held": result.held,
    }


@shared_task(acks_late=True)
def unlock_sweep() -> dict[str, int]:
    """Delete unlocked secrets whose 15-minute window has passed (see ``unlock``)."""
    return {"deleted": unlock.sweep()}
