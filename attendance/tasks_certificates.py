"""Celery task of the certificates (S8): takes an id, calls the service, nothing more.

Imported by ``attendance.tasks``, which Celery autodiscovers.
"""

from __future__ import annotations

from celery import shared_task

from config.celery import MAIL_RETRY


@shared_task(name="attendance.generate_certificates", acks_late=True, ignore_result=True)
def generate_certificates(run_id: int) -> None:
    # acks_late is safe: the service claims a queued run atomically, so a redelivered
    # message finds the run taken and changes nothing.
    from attendance.certificates import certificates_generate

    certificates_generate(run_id=run_id)


@shared_task(name="attendance.notify_certificates_ready", ignore_result=True, **MAIL_RETRY)
def notify_certificates_ready(run_id: int) -> int:
    # Its own task, so a mail server that is down delays the e-mail instead of losing it:
    # a retried generate_certificates would find its run taken and send nothing.
    from attendance.notify_certificates import certificates_ready

    return certificates_ready(run_id)
