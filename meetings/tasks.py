"""Thin Celery tasks: ids in, a service or a notification out. The notices are queued
through the task outbox (groups.outbox): after commit, again by beat's sweep if a broker
restart lost them; at least once, a resend under the same Message-ID."""

from __future__ import annotations

from celery import shared_task

from config.celery import MAIL_RETRY
from groups.outbox import OutboxTask


@shared_task(acks_late=True, **MAIL_RETRY)
def send_due_reminders() -> int:
    """Beat sweep every few minutes; idempotent (see services.reminders_send_due)."""
    from meetings.services import reminders_send_due

    return reminders_send_due()


@shared_task(base=OutboxTask, **MAIL_RETRY)
def notify_request_satisfied(request_id: int) -> int:
    from meetings import notify

    return notify.request_satisfied(request_id)


@shared_task(base=OutboxTask, **MAIL_RETRY)
def notify_item_submitted(item_id: int) -> int:
    from meetings import notify

    return notify.item_submitted(item_id)


@shared_task(base=OutboxTask, **MAIL_RETRY)
def notify_case_assigned(case_id: int) -> int:
    from meetings import notify

    return notify.case_assigned(case_id)


@shared_task(base=OutboxTask, **MAIL_RETRY)
def notify_deviation(notice_id: int) -> int:
    from meetings import notify

    return notify.deviation_notified(notice_id)
