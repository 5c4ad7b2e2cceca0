"""Whistleblowing requests leave no address, user agent or time in the logs (issue 15
item 3): gunicorn's access log as the Dockerfile and docker-compose start it, and Django's
own request logging."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import logging
import re
import sys
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.factories import whistleblowing as f
from whistleblowing.views import reporter as views

IP = "203.0.113.77"
FORWARDED = "198.51.100.23"
AGENT = "ReporterAgent/9.1 (Unikt)"
ROOT = Path(settings.BASE_DIR)


def _compose_commands(text: str) -> list[list[str]]:
    """The ``command:`` lists of docker-compose.yml (JSON flow style or block items)."""
    commands = []
    for match in re.finditer(r"^(\s*)command:[ \t]*(\[.*?\])?[ \t]*$", text, re.M):
        if match.group(2):
            commands.append(json.loads(match.group(2)))
            continue
        items = re.match(r"((?:\s*- .*\n)+)", text[match.end() + 1 :])
        if items:
            commands.append(
                [line.strip()[2:].strip() for line in items.group(1).splitlines() if line.strip()]
            )
    return commands


def gunicorn_commands() -> list[Any]:
    """The gunicorn command lines of docker-compose.yml and the Dockerfile."""
    found = []
    compose = _compose_commands((ROOT / "docker-compose.yml").read_text())
    dockerfile = [
        json.loads(m.group(1))
        for m in re.finditer(r"^CMD\s*(\[.*?\])\s*$", (ROOT / "Dockerfile").read_text(), re.M)
    ]
    for name, commands in (("docker-compose.yml", compose), ("Dockerfile", dockerfile)):
        for command in commands:
            if command and command[0] == "gunicorn":
                command = [c for c in command if not c.startswith("--forwarded-allow-ips")]
                found.append(pytest.param(command, id=name))
    assert {p.id for p in found} == {"docker-compose.yml", "Dockerfile"}, found
    return found


def gunicorn_logger(command: list[str], monkeypatch: pytest.MonkeyPatch) -> Any:
    """The access logger gunicorn builds from that command line, run from /app's layout."""
    from gunicorn.app.wsgiapp import WSGIApplication

    monkeypatch.chdir(ROOT)
    monkeypatch.setattr(sys, "argv", command)
    app = WSGIApplication("%(prog)s [OPTIONS] [APP_MODULE]")
    logger = app.cfg.logger_class(app.cfg)
    return logger


class Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def request(
    logger: Any, method: str, path: str, status: str = "200 OK", referer: str = ""
) -> list[str]:
    capture = Lines()
    logger.access_log.handlers = [capture]
    environ = {
        "REQUEST_METHOD": method,
        "RAW_URI": f"{path}?lang=nb",
        "PATH_INFO": path,
        "QUERY_STRING": "lang=nb",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": IP,
        "HTTP_USER_AGENT": AGENT,
        "HTTP_REFERER": referer,
        "HTTP_X_FORWARDED_FOR": FORWARDED,
    }
    headers = [("USER-AGENT", AGENT), ("X-FORWARDED-FOR", FORWARDED), ("REFERER", referer)]
    response = SimpleNamespace(status=status, sent=1234, headers=[("Content-Type", "text/html")])
    logger.access(response, SimpleNamespace(headers=headers), environ, dt.timedelta(seconds=1))
    return capture.lines


def _config_module() -> ModuleType:
    path = ROOT / "config" / "gunicorn_conf.py"
    spec = importlib.util.spec_from_file_location("gunicorn_conf", path)
    assert spec and spec.loader, "config/gunicorn_conf.py is missing"
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("command", gunicorn_commands())
def test_gunicorn_writes_no_access_line_for_the_whistleblowing_pages(
    command: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    logger = gunicorn_logger(command, monkeypatch)
    assert request(logger, "POST", "/varsling/") == []
    assert request(logger, "POST", "/varsling/kvittering/", "429 Too Many Requests") == []
    assert request(logger, "GET", "/varsling/behandling/sak/x/") == []
    # Their style sheets and forms carry the page in Referer: not written either.
    css = request(logger, "GET", "/static/css/portal.css", referer="https://p.no/varsling/")
    assert css == []
    # The rest of the portal is logged, without address or user agent.
    other = request(logger, "GET", "/moter/")
    assert len(other) == 1 and "/moter/" in other[0]
    assert IP not in other[0] and AGENT not in other[0]


@pytest.mark.parametrize("command", gunicorn_commands())
def test_a_server_error_on_them_is_logged_without_who_sent_it(
    command: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    logger = gunicorn_logger(command, monkeypatch)
    # Even a format that asks for headers and the environment gets nothing of them.
    logger.cfg.set(
        "access_log_format",
        '%(h)s %(u)s "%(r)s" %(s)s "%(f)s" "%(a)s" %({x-forwarded-for}i)s %({remote_addr}e)s',
    )
    lines = request(logger, "POST", "/varsling/", "500 Internal Server Error")
    assert len(lines) == 1
    assert "POST /varsling/" in lines[0] and "500" in lines[0]
    for secret in (IP, AGENT, FORWARDED, "lang=nb"):
        assert secret not in lines[0]


def test_the_gunicorn_prefix_is_the_whistleblowing_url() -> None:
    assert reverse("whistleblowing:report") == _config_module().WHISTLEBLOWING_PREFIX


@pytest.mark.django_db
def test_djangos_request_logging_says_nothing_of_whistleblowing_requests(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    f.make_handler()
    client = Client(REMOTE_ADDR=IP, HTTP_USER_AGENT=AGENT)
    report = reverse("whistleblowing:report")
    assert client.post(report, {}).status_code == 400
    assert client.put(report).status_code == 405
    assert client.get("/varsling/finnes-ikke/").status_code == 404
    receipt = reverse("whistleblowing:reporter_login")
    assert client.post(receipt, {"receipt": "1234 5678 9012 3456"}).status_code == 400
    strict = Client(enforce_csrf_checks=True, REMOTE_ADDR=IP, HTTP_USER_AGENT=AGENT)
    assert strict.post(report, {}).status_code == 403
    # The static files of the page, with the page as Referer.
    client.get("/static/finnes-ikke.css", HTTP_REFERER="http://testserver/varsling/")

    django_records = [r for r in caplog.records if r.name.startswith("django")]
    assert not [r.getMessage() for r in django_records if "varsling" in r.getMessage()]
    assert not [r for r in django_records if "finnes-ikke.css" in r.getMessage()]
    assert IP not in caplog.text and AGENT not in caplog.text
    # The filter is specific: the same refusal elsewhere is still logged.
    client.get("/finnes-ikke/")
    assert any("/finnes-ikke/" in r.getMessage() for r in caplog.records)


@pytest.mark.django_db
def test_a_server_error_keeps_its_log_record_without_the_request(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    caplog.set_level(logging.DEBUG)

    def broken(request: Any) -> Any:
        raise RuntimeError("ingen tilgang til databasen")

    monkeypatch.setattr(views, "_recipient_choices", broken)
    client = Client(raise_request_exception=False, REMOTE_ADDR=IP, HTTP_USER_AGENT=AGENT)
    assert client.get(reverse("whistleblowing:report")).status_code == 500
    errors = [r for r in caplog.records if r.name == "django.request"]
    assert len(errors) == 1 and errors[0].levelno == logging.ERROR
    # No handler (the admins' mail, a JSON formatter) can add address, agent or cookies.
    assert errors[0].request is None


def test_runserver_request_lines_for_whistleblowing_are_dropped(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    server = logging.getLogger("django.server")
    extra = {"request": object(), "server_time": "01/Mar/2026 14:03:27"}
    server.info('"%s" %s %s', "POST /varsling/ HTTP/1.1", "200", "812", extra=extra)
    server.info('"%s" %s %s', "GET /moter/ HTTP/1.1", "200", "812", extra=extra)
    lines = [r.getMessage() for r in caplog.records if r.name == "django.server"]
    assert lines == ['"GET /moter/ HTTP/1.1" 200 812']
