"""A database, cache or broker that is down is a 503 "try again in a moment" with
Retry-After, never a bare 500; the log names the database error, not a session
AttributeError (issue 20)."""

from __future__ import annotations

import logging
from typing import Any

import kombu.exceptions
import pytest
import redis.exceptions
from django.db import connection
from django.db.utils import InterfaceError, OperationalError
from django.template import loader
from django.test import Client

from config.middleware import dependency_unavailable, unavailable_response
from tests.factories.groups import make_user

MESSAGE_NB = "Tjenesten er midlertidig utilgjengelig. Prøv igjen om et øyeblikk."
MESSAGE_EN = "The service is temporarily unavailable. Please try again in a moment."


def _database_down(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every new cursor fails as it does when PostgreSQL restarts under the app."""

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise OperationalError("connection to server at 127.0.0.1, port 5432 failed")

    monkeypatch.setattr(connection, "ensure_connection", refuse)


def _logged(caplog: pytest.LogCaptureFixture) -> BaseException:
    records = [r for r in caplog.records if r.name == "django.request" and r.exc_info]
    assert len(records) == 1
    exc = records[0].exc_info[1]  # type: ignore[index]
    assert exc is not None
    return exc


def _masked(exc: BaseException) -> bool:
    """Whether the session's AttributeError is anywhere in the exception's chain (the
    logged traceback then begins with it: "During handling of the above exception ...")."""
    stack: list[BaseException] = [exc]
    seen: set[int] = set()
    while stack:
        item = stack.pop()
        if isinstance(item, AttributeError):
            return True
        for linked in (item.__cause__, item.__context__):
            if linked is not None and id(linked) not in seen:
                seen.add(id(linked))
                stack.append(linked)
    return False


def _assert_unavailable_page(response: Any) -> None:
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    body = response.content.decode()
    assert MESSAGE_NB in body
    assert MESSAGE_EN in body


@pytest.mark.django_db
def test_logged_in_request_with_database_down_is_503_and_logs_the_database_error(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(make_user())
    _database_down(monkeypatch)
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get("/")
    _assert_unavailable_page(response)
    exc = _logged(caplog)
    assert isinstance(exc, OperationalError)
    # Django's own session engine loads inside "except AttributeError", so the traceback
    # began with "'SessionStore' object has no attribute '_session_cache'".
    assert not _masked(exc)


@pytest.mark.django_db
def test_anonymous_request_with_database_down_is_503_and_logs_the_database_error(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    client = Client(raise_request_exception=False)
    _database_down(monkeypatch)
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get("/varsling/")
    _assert_unavailable_page(response)
    assert isinstance(_logged(caplog), OperationalError)


@pytest.mark.django_db
def test_a_programming_error_is_still_a_500(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise ZeroDivisionError

    monkeypatch.setattr(connection, "ensure_connection", broken)
    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get("/varsling/")
    assert response.status_code == 500
    assert "Retry-After" not in response


@pytest.mark.parametrize(
    "error",
    [
        OperationalError("server closed the connection unexpectedly"),
        InterfaceError("connection already closed"),
        redis.exceptions.ConnectionError("Error 111 connecting to 127.0.0.1:6379"),
        redis.exceptions.TimeoutError("Timeout reading from socket"),
        kombu.exceptions.OperationalError("Error 111 connecting to 127.0.0.1:6379"),
    ],
)
def test_a_store_that_is_away_counts_as_unavailable(error: Exception) -> None:
    assert dependency_unavailable(error)
    try:
        try:
            raise error
        except Exception as inner:
            raise RuntimeError("wrapped") from inner
    except RuntimeError as outer:
        assert dependency_unavailable(outer)


def test_a_bug_does_not_count_as_unavailable() -> None:
    assert not dependency_unavailable(ValueError("bug"))
    assert not dependency_unavailable(None)


def test_the_503_page_renders_without_the_database(monkeypatch: pytest.MonkeyPatch) -> None:
    # No django_db mark: any query here fails the test outright.
    _database_down(monkeypatch)
    _assert_unavailable_page(unavailable_response())
    assert "{%" not in loader.get_template("503.html").template.source


# --- acks and the visibility timeout (config/celery.py) ---------------------------------


def test_every_task_is_acknowledged_late() -> None:
    from config.celery import app

    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is False


def test_the_visibility_timeout_outlasts_the_longest_retry_countdown() -> None:
    """Redis counts a retry waiting for its ETA as taken: a shorter timeout would hand it
    to a second worker and send the e-mail twice."""
    from config.celery import BROKER_VISIBILITY_TIMEOUT, MAIL_RETRY

    assert 2 * MAIL_RETRY["retry_backoff_max"] <= BROKER_VISIBILITY_TIMEOUT


def test_the_visibility_timeout_is_set_for_redis_only(tmp_path: Any) -> None:
    import json
    import os
    import subprocess
    import sys

    from django.conf import settings

    def options(redis_url: str) -> dict[str, object]:
        result = subprocess.run(
            [
                sys.executable,
                "-c",
                "import json, django; django.setup(); from config.celery import app; "
                "print(json.dumps(app.conf.broker_transport_options))",
            ],
            cwd=settings.BASE_DIR,
            env={
                "PATH": os.environ.get("PATH", ""),
                "DJANGO_SETTINGS_MODULE": "config.settings",
                "DATA_DIR": str(tmp_path),
                "REDIS_URL": redis_url,
            },
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        return dict(json.loads(result.stdout.strip().splitlines()[-1]))

    assert options("redis://127.0.0.1:6379/10")["visibility_timeout"] == 3600
    assert "visibility_timeout" not in options("")


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="a real refused connection needs PostgreSQL (SQLite's test database is in memory); "
    "the tests above are the equivalent on SQLite",
)
@pytest.mark.django_db(transaction=True)
def test_a_refused_postgresql_connection_is_503_with_the_psycopg_error_logged(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Not a patched method: the connection really goes to a port nobody listens on."""
    import psycopg

    client = Client(raise_request_exception=False)
    client.force_login(make_user())
    connection.close()
    monkeypatch.setitem(connection.settings_dict, "PORT", "1")
    try:
        with caplog.at_level(logging.ERROR, logger="django.request"):
            response = client.get("/")
    finally:
        connection.close()
    _assert_unavailable_page(response)
    exc = _logged(caplog)
    assert isinstance(exc, OperationalError)
    assert isinstance(exc.__cause__, psycopg.OperationalError)
    assert not _masked(exc)


# --- a kept connection is checked before each request, without a round trip (issue 13) ------
_NEEDS_POSTGRESQL = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the kept connection's health check is PostgreSQL's (config/postgres)",
)


def _backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return int(cursor.fetchone()[0])


def _next_request() -> None:
    """What Django does between two requests: the kept connection is checked again
    before the next one first uses it (the test client skips this)."""
    connection.close_if_unusable_or_obsolete()
    assert connection.connection is not None, "the connection is kept between requests"


@_NEEDS_POSTGRESQL
@pytest.mark.django_db(transaction=True)
def test_a_kept_connection_the_server_ended_is_replaced_before_the_next_request_uses_it() -> None:
    """The database restarted overnight (here: the server ends this connection's backend):
    the next visitor's request gets a new connection, not an error page."""
    import time

    import psycopg

    settings = connection.settings_dict
    old = _backend_pid()
    with psycopg.connect(
        dbname=settings["NAME"],
        user=settings["USER"],
        password=settings["PASSWORD"],
        host=settings["HOST"],
        port=settings["PORT"] or None,
        autocommit=True,
    ) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [old])
    time.sleep(0.2)  # the server's goodbye reaches the socket
    _next_request()
    client = Client()
    client.force_login(make_user())
    assert client.get("/").status_code == 200
    assert _backend_pid() != old


@_NEEDS_POSTGRESQL
@pytest.mark.django_db(transaction=True)
def test_a_healthy_kept_connection_is_used_without_asking_the_server_first(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Django's own check sends SELECT 1 before every request's first statement: a round
    trip on every page. The portal's answers from the connection's own state."""
    old = _backend_pid()
    _next_request()

    def round_trip() -> bool:
        raise AssertionError("the health check asked the server")

    monkeypatch.setattr(connection, "is_usable", round_trip)
    client = Client()
    client.force_login(make_user())
    assert client.get("/").status_code == 200
    assert connection.health_check_done
    assert _backend_pid() == old
