"""Celery tasks of the attendance app: thin, they take ids and call a service.

The services are imported inside each task, because ``attendance.services.certificates``
queues ``generate_certificates`` and imports this module at its top. The task names are
explicit and fixed: queued messages and the beat schedule refer to them.
"""

from __future__ import annotations

from celery import shared_task

from config.celery import MAIL_RETRY
from groups.outbox import OutboxTask


@shared_task(ignore_result=True, name="attendance.tasks.retention_sweep")
def retention_sweep() -> int:
    """S10: delete attendance data of courses past their retention. Idempotent."""
    from attendance.services import retention_sweep as sweep

    return sweep()


@shared_task(name="attendance.generate_certificates", acks_late=True, ignore_result=True)
def generate_certificates(run_id: int) -> None:
    """S8: render and store a run's certificates. acks_late is safe: the service claims a
    queued run atomically, so a redelivered message finds the run taken and changes nothing."""
    from attendance.services import certificates_generate

    certificates_generate(run_id=run_id)


@shared_task(name="attendance.notify_certificates_ready", ignore_result=True, **MAIL_RETRY)
def notify_certificates_ready(run_id: int) -> int:
    """Its own task, so a mail server that is down delays the e-mail instead of losing it:
    a retried generate_certificates would find its run taken and send nothing."""
    from attendance.services import certificates_ready_notify

    return certificates_ready_notify(run_id)


@shared_task(name="attendance.tasks.resume_certificate_runs", ignore_result=True)
def resume_certificate_runs() -> int:
    """Beat's sweep of pending certificate runs (issue 20): a run or its e-mail whose task
    a broker restart lost is queued again. Idempotent."""
    from attendance.services import certificate_runs_resume

    return certificate_runs_resume()


@shared_task(base=OutboxTask, name="attendance.notify_course_decided", **MAIL_RETRY)
def notify_course_decided(course_id: int, decision: int, user_id: int) -> int:
    """Issue 17: one person told of a course administrator's decision on a course. Queued
    through the outbox, one row per person: a row done is not sent again."""
    from attendance import notify

    return notify.course_decided(course_id, decision, user_id)


@shared_task(base=OutboxTask, name="attendance.notify_exemption_decided", **MAIL_RETRY)
def notify_exemption_decided(exemption_id: int, user_id: int) -> int:
    """Issue 17, S4: one person told of the decision on an exemption; as above."""
    from attendance import notify

    return notify.exemption_decided(exemption_id, user_id)
