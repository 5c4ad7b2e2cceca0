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


@shared_task(acks_late=True, **MAIL_RETRY)
def send_cycle_reminders() -> int:
    """Beat sweep every hour: the year's cycle's deadlines, 14 and 3 days ahead, each
    reminder once per entry, person and deadline (see services.cycle)."""
    from meetings.services import cycle_reminders_send_due

    return cycle_reminders_send_due()


@shared_task(acks_late=True, **MAIL_RETRY)
def send_question_reminders() -> int:
    """Beat sweep: reminders before the deadline for questions to the council (G28), each
    once per question and person (see services.question_reminders_send_due)."""
    from meetings.services import question_reminders_send_due

    return question_reminders_send_due()


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


@shared_task(acks_late=True, **MAIL_RETRY)
def send_summons(revision_id: int) -> int:
    """A summons, update or cancellation; each e-mail at most once (SummonsDispatch)."""
    from meetings.services.summons import summons_deliver

    return summons_deliver(revision_id)


@shared_task(acks_late=True, **MAIL_RETRY)
def send_substitute_summons(call_id: int) -> int:
    """The summons to a substitute called in an absent member's place, once."""
    from meetings.services.summons import substitute_summons_deliver

    return substitute_summons_deliver(call_id)


@shared_task(acks_late=True, **MAIL_RETRY)
def notify_vote_opened(vote_id: int) -> int:
    from meetings.services.votes import vote_opened_deliver

    return vote_opened_deliver(vote_id)


@shared_task(acks_late=True, **MAIL_RETRY)
def notify_vote_outcome(vote_id: int) -> int:
    from meetings.services.votes import vote_outcome_deliver

    return vote_outcome_deliver(vote_id)


@shared_task(acks_late=True, **MAIL_RETRY)
def close_due_votes() -> int:
    """Beat sweep: votes past their deadline are closed, each exactly once."""
    from meetings.services.votes import votes_close_due

    return votes_close_due()
