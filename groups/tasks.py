from __future__ import annotations

from typing import Any

from celery import Task, shared_task
from celery.signals import before_task_publish
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from groups.models import Heartbeat

HEARTBEAT = "groups.tasks.heartbeat"


@before_task_publish.connect
def _stamp_heartbeat(
    sender: str | None = None, headers: dict[str, Any] | None = None, **_: Any
) -> None:
    # The publisher (beat) stamps the time it sent the heartbeat, so the health page can
    # tell a stopped beat from a stopped worker.
    if sender == HEARTBEAT and headers is not None:
        headers["portal_sent_at"] = timezone.now().isoformat()


@shared_task(bind=True, ignore_result=True, name=HEARTBEAT)
def heartbeat(self: Task) -> None:
    """Record when beat sent this and when the worker ran it. Idempotent."""
    now = timezone.now()
    stamp = getattr(self.request, "portal_sent_at", None)
    sent = parse_datetime(stamp) if isinstance(stamp, str) else None
    Heartbeat.objects.update_or_create(
        name="celery", defaults={"sent_at": sent or now, "ran_at": now}
    )


from groups import tasks_privacy  # noqa: E402, F401  (autodiscovery finds only tasks.py)
