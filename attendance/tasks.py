"""Thin periodic tasks of the attendance app."""

from __future__ import annotations

from celery import shared_task

from attendance import services


@shared_task(ignore_result=True, name="attendance.tasks.retention_sweep")
def retention_sweep() -> int:
    """S10: delete attendance data of courses past their retention. Idempotent."""
    return services.retention_sweep()


from attendance.tasks_certificates import generate_certificates  # noqa: E402, F401
