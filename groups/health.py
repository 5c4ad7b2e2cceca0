"""Status of the parts the portal needs: database, broker, worker, beat; and the background
tasks that failed for good (``groups.task_failures``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from config import healthchecks
from groups.models import Heartbeat, TaskFailure

STALE_AFTER = dt.timedelta(minutes=3)
FAILURES_WINDOW = dt.timedelta(days=1)
RECENT_FAILURES = 20


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


def _database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return Check(_("Database"), True, connection.vendor)
    except Exception as exc:
        return Check(_("Database"), False, type(exc).__name__)


def _broker() -> Check:
    from config.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            transport = conn.transport_cls
        return Check(_("Meldingskø (broker)"), True, str(transport))
    except Exception as exc:
        return Check(_("Meldingskø (broker)"), False, type(exc).__name__)


def health_status(*, broker: bool = True) -> list[Check]:
    """Every check of the health page. ``broker=False`` leaves out the broker's connection
    test (up to two seconds when it is down): the worker's heartbeat shows it too."""
    now = timezone.now()
    beat = Heartbeat.objects.filter(name="celery").first()
    checks = [_database(), _broker()] if broker else [_database()]
    if beat is None or beat.ran_at is None:
        checks.append(Check(_("Arbeider (worker)"), False, _("har aldri kjørt")))
        checks.append(Check(_("Tidsplan (beat)"), False, _("har aldri sendt")))
    else:
        checks.append(
            Check(
                _("Arbeider (worker)"),
                now - beat.ran_at < STALE_AFTER,
                _("sist kjørt %(when)s")
                % {"when": timezone.localtime(beat.ran_at).strftime("%Y-%m-%d %H:%M:%S")},
            )
        )
        sent = beat.sent_at or beat.ran_at
        checks.append(
            Check(
                _("Tidsplan (beat)"),
                now - sent < STALE_AFTER,
                _("sist sendt %(when)s")
                % {"when": timezone.localtime(sent).strftime("%Y-%m-%d %H:%M:%S")},
            )
        )
    checks.append(
        Check(_("Hurtigbuffer"), True, settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1])
    )
    failed = TaskFailure.objects.filter(failed_at__gte=now - FAILURES_WINDOW).count()
    checks.append(
        Check(
            _("Bakgrunnsjobber"),
            failed == 0,
            _("%(count)d mislyktes siste døgn") % {"count": failed},
        )
    )
    # What other apps check (the whistleblowing routes, issue 12), without importing them.
    checks.extend(Check(c.name, c.ok, c.detail) for c in healthchecks.collect())
    return checks


def health_warnings() -> list[Check]:
    """The failing checks, for the site admin's home page (without the broker's own
    connection test, so the home page never waits on a broker that is down)."""
    return [c for c in health_status(broker=False) if not c.ok]


def recent_task_failures(limit: int = RECENT_FAILURES) -> list[TaskFailure]:
    """The latest tasks that failed for good, newest first."""
    return list(TaskFailure.objects.order_by("-failed_at")[:limit])
