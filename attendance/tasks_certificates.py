"""Celery task of the certificates (S8): takes an id, calls the service, nothing more.

Imported by ``attendance.tasks``, which Celery autodiscovers.
"""

from __future__ import annotations

from celery import shared_task


@shared_task(name="attendance.generate_certificates", acks_late=True, ignore_result=True)
def generate_certificates(run_id: int) -> None:
    # acks_late is safe: the service claims a queued run atomically, so a redelivered
    # message finds the run taken and changes nothing.
    from attendance.certificates import certificates_generate

    certificates_generate(run_id=run_id)
