"""Thin Celery tasks: ids in, a service call, nothing else. All idempotent.

Notices go through the outbox (``whistleblowing.services.sweeps``): ``send_notices`` is
queued on commit for an event notice, runs at the end of every deadline sweep, and runs
from beat every few minutes, so a notice whose task a restarted broker lost is still sent
(issue 20)."""

from __future__ import annotations

from celery import shared_task

from config.celery import MAIL_RETRY
from whistleblowing import services, unlock


@shared_task(acks_late=True, **MAIL_RETRY)
def send_notices(notification_ids: list[int] | None = None) -> int:
    """Send the given pending notices, or every pending one (beat). At least once, with
    the notice's own Message-ID if a crash makes it go twice."""
    return services.notices_send(notification_ids)


@shared_task(acks_late=True, **MAIL_RETRY)
def notify_handlers(case_id: str, kind: str, ref: int = 0) -> bool:
    """Record an event notice if it is missing and send it (see ``services.notify``).
    Nothing queues it any more: it is kept for messages queued before the outbox, which
    a broker may still hold when this version starts."""
    return services.notify(case_id, kind, ref)


@shared_task(acks_late=True, **MAIL_RETRY)
def deadline_sweep() -> dict[str, int]:
    result = services.deadline_sweep()
    return {
        "reminders": result.reminders,
        "escalations": result.escalations,
        "feedback": result.feedback,
        "help": result.help,
        "sent": result.sent,
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
