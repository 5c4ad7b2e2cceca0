"""The health page and the heartbeat, with a real Celery worker on the configured broker
(the file-system transport by default, Redis when REDIS_URL is set)."""

from __future__ import annotations

import datetime as dt
import smtplib
import time
from collections.abc import Iterator
from typing import Any

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse
from django.utils import timezone

from config.celery import MAIL_RETRY, app
from groups.models import Heartbeat, TaskFailure
from groups.task_failures import record
from groups.tasks import HEARTBEAT, heartbeat, send_invitation
from tests.conftest import World
from tests.factories.groups import make_user

ALARM = '<span class="badge badge-warning">Feil</span>'


@pytest.fixture(autouse=True)
def _own_parts_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """The page's own parts: what other apps register (``config.providers.HEALTH_CHECKS``, such as
    the whistleblowing routes) is tested with those apps."""
    from config import providers

    monkeypatch.setattr(providers.HEALTH_CHECKS, "_entries", [])


@pytest.fixture
def real_worker(transactional_db: None) -> Iterator[None]:
    app.conf.task_always_eager = False
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            yield
    finally:
        app.conf.task_always_eager = True


@pytest.mark.celery_worker
def test_heartbeat_sent_through_the_broker_is_run_by_a_real_worker(real_worker: None) -> None:
    heartbeat.delay()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not Heartbeat.objects.filter(name="celery").exists():
        time.sleep(0.2)
    beat = Heartbeat.objects.get(name="celery")
    assert beat.ran_at is not None and beat.sent_at is not None
    assert beat.sent_at <= beat.ran_at


@pytest.mark.django_db
def test_health_page_reports_each_part(world: World) -> None:
    heartbeat.delay()  # eager in tests: runs here
    response = world.client_for("site_admin").get(reverse("groups:health"))
    body = response.content.decode()
    for part in ("Database", "Meldingskø (broker)", "Arbeider (worker)", "Tidsplan (beat)"):
        assert part in body
    assert "Feil" not in body


@pytest.mark.django_db
def test_health_page_says_when_the_worker_never_ran(world: World) -> None:
    response = world.client_for("site_admin").get(reverse("groups:health"))
    assert "har aldri kjørt" in response.content.decode()


@pytest.mark.django_db
def test_health_page_says_when_no_background_task_failed(world: World) -> None:
    body = world.client_for("site_admin").get(reverse("groups:health")).content.decode()
    assert "Ingen jobber har mislyktes." in body
    assert "0 mislyktes siste døgn" in body


@pytest.mark.django_db
def test_health_page_shows_a_mail_task_that_failed_for_good(world: World, settings: Any) -> None:
    """Issue 15 item 10: a mail server that never answers: the invitation is retried, then
    given up, and the site admin sees it on /drift/, without the person it was for."""
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.DeadMailServer"}}
    person = make_user(password=None, email="invitert@example.org")
    app.conf.task_eager_propagates = False
    try:
        send_invitation.delay(person.pk, world.group.pk)
    finally:
        app.conf.task_eager_propagates = True
    heartbeat.delay()

    body = world.client_for("site_admin").get(reverse("groups:health")).content.decode()

    assert "groups.tasks.send_invitation" in body
    assert "smtplib.SMTPConnectError" in body
    assert f'<td data-label="Forsøk">{1 + MAIL_RETRY["max_retries"]}</td>' in body
    assert "1 mislyktes siste døgn" in body and ALARM in body
    assert "invitert@example.org" not in body


@pytest.mark.django_db
def test_an_old_failure_is_listed_without_alarm_and_pruned_after_ninety_days(
    world: World,
) -> None:
    long_ago = timezone.now() - dt.timedelta(days=2)
    TaskFailure.objects.create(
        task="meetings.tasks.notify_deviation", error="E", failed_at=long_ago
    )
    heartbeat.delay()
    body = world.client_for("site_admin").get(reverse("groups:health")).content.decode()
    assert "meetings.tasks.notify_deviation" in body and ALARM not in body

    ancient = TaskFailure.objects.create(
        task="x", error="E", failed_at=timezone.now() - dt.timedelta(days=91)
    )
    record(sender=heartbeat, task_id="abc", exception=ValueError("boom"))
    assert not TaskFailure.objects.filter(pk=ancient.pk).exists()
    assert TaskFailure.objects.filter(task=HEARTBEAT, error="ValueError").exists()


class DeadMailServer(BaseEmailBackend):
    def send_messages(self, messages: Any) -> int:
        raise smtplib.SMTPConnectError(421, "mail.example.org: service not available")
