"""The health page and the heartbeat, with a real Celery worker on the configured broker
(the file-system transport by default, Redis when REDIS_URL is set)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from celery.contrib.testing.worker import start_worker
from django.urls import reverse

from config.celery import app
from groups.models import Heartbeat
from groups.tasks import heartbeat
from tests.conftest import World


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
