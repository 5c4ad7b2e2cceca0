"""Issue 15 item 1: a copy of everything at rest opens no case, during the unlock window
without the browser, and after it at all.

A handler unlocks their key and reads two cases; a reporter opens their case with the
receipt. Then the copies are taken as the issue's attacker took them (see ``at_rest``):
the database (``pg_dump``, or the SQLite file), the data folders (media, the file cache of
``make run``), Redis with its data directory when ``REDIS_URL`` is set, and the logs. The
attack tries every plausible key it finds there against every box and every handler key.
"""

from __future__ import annotations

import datetime as dt
import importlib
import logging
import re
import time
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import whistleblowing as f
from tests.factories.groups import enable_totp
from tests.whistleblowing import at_rest
from whistleblowing import services
from whistleblowing.schedule import BEAT_SCHEDULE

pytestmark = pytest.mark.django_db(transaction=True)
WINDOW = dt.timedelta(minutes=15)


@pytest.fixture
def started() -> float:
    """When the test began, before anything of it is written: what the data folder holds
    from before is other tests' (a browser test's screenshots, say), none of it can hold
    this test's keys, and trying every window of it as a key made the test take minutes."""
    return time.time() - 1


@pytest.fixture
def data_dir(settings: Any, tmp_path: Path, started: float) -> Path:
    """The stores as they are outside tests: the file cache of ``make run`` in the data
    folder, or Redis (production) when REDIS_URL is set."""
    data = tmp_path / "data"
    settings.MEDIA_ROOT = str(data / "media")
    if not settings.REDIS_URL:
        settings.CACHES = {
            **settings.CACHES,  # the fragments, in the process's own memory
            "default": {
                "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                "LOCATION": str(data / "cache"),
            },
        }
    cache.clear()
    return data


def _submit(client: Client, description: str) -> str:
    page = client.get(reverse("whistleblowing:report")).content.decode()
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    response = client.post(
        reverse("whistleblowing:report"),
        {
            "category": "financial",
            "youth_wing": "no",
            "relation": "affected",
            "description": description,
            "anonymous": "yes",
            "token": token,
        },
    )
    return re.search(r'data-testid="receipt">([\d ]+)<', response.content.decode()).group(1)


@pytest.fixture
def unlocked(data_dir: Path) -> dict[str, Any]:
    """Two cases, a handler unlocked reading both, a reporter inside their own case."""
    handler = f.make_handler()
    f.make_handler(role="secretary_general")  # holds a standby key to both cases
    reporter = Client()
    receipt = _submit(reporter, "Kassereren tok penger fra lagskassen.")
    first = services.reporter_open(receipt=receipt)
    assert first is not None
    second = f.submit(description="Et annet varsel.").case
    enable_totp(handler.user)
    staff = Client()
    staff.force_login(handler.user)
    response = staff.post(reverse("whistleblowing:handler_unlock"), {"passphrase": f.PASSPHRASE})
    assert response.status_code == 302
    for case in (first[0], second):
        page = staff.get(reverse("whistleblowing:case_detail", args=[case.pk]))
        assert page.status_code == 200, "the handler must really be unlocked"
    assert reporter.post(reverse("whistleblowing:reporter_login"), {"receipt": receipt}).url
    own = reporter.get(reverse("whistleblowing:reporter_case"))
    assert own.status_code == 200 and 'data-testid="status"' in own.content.decode()
    private = services.handler_unlock(actor=None, handler=handler, passphrase=f.PASSPHRASE)
    return {
        "staff": staff,
        "reporter": reporter,
        "cases": {str(first[0].pk), str(second.pk)},
        "secrets": {
            "handler private key": private,
            "case key (reporter's)": first[1],
            "case key (other)": f.case_key(handler, second),
        },
    }


def browser_cookies(*clients: Client) -> list[bytes]:
    return [morsel.value.encode() for c in clients for morsel in c.cookies.values()]


def unlock_keys(*clients: Client) -> dict[str, bytes]:
    """The wrapping keys the browsers hold (their cookies, decoded)."""
    found = {}
    for client in clients:
        for name, morsel in client.cookies.items():
            if "wb_" in name and morsel.value:
                found[f"cookie {name}"] = at_rest._b64(morsel.value.encode()) or b""
    return found


def copies(workdir: Path, data: Path, caplog: Any, since: float) -> list[bytes]:
    workdir.mkdir(exist_ok=True)
    return [
        at_rest.database_copy(workdir),
        *at_rest.folder_copy([data]),
        *at_rest.folder_copy([Path(settings.DATA_DIR)], since=since),
        *at_rest.redis_copy(),
        caplog.text.encode(),
    ]


def run_beat() -> None:
    """What beat runs in the app: every periodic whistleblowing task (all idempotent)."""
    for entry in BEAT_SCHEDULE.values():
        module, name = str(entry["task"]).rsplit(".", 1)
        getattr(importlib.import_module(module), name)()


def test_during_the_window_the_server_side_alone_opens_nothing(
    unlocked: dict[str, Any], data_dir: Path, tmp_path: Path, caplog: Any, started: float
) -> None:
    caplog.set_level(logging.DEBUG)
    material = copies(tmp_path / "copy", data_dir, caplog, started)

    outcome = at_rest.attack(material)
    assert outcome.candidates > 0 and outcome.boxes > 0, "the attack had nothing to try"
    assert outcome.opened_cases == set()
    secrets = {**unlocked["secrets"], **unlock_keys(unlocked["staff"], unlocked["reporter"])}
    assert at_rest.secrets_in(material, secrets) == []

    # The browser's cookies are the missing half: with them the same attack opens both
    # cases, so it would have found a key that was anywhere at rest.
    with_browser = [*material, *browser_cookies(unlocked["staff"], unlocked["reporter"])]
    assert at_rest.attack(with_browser).opened_cases == unlocked["cases"]


def test_after_the_window_a_copy_of_everything_at_rest_opens_no_case(
    unlocked: dict[str, Any], data_dir: Path, tmp_path: Path, caplog: Any, started: float
) -> None:
    caplog.set_level(logging.DEBUG)
    with time_machine.travel(timezone.now() + WINDOW + dt.timedelta(minutes=1), tick=False):
        run_beat()
        material = copies(tmp_path / "copy", data_dir, caplog, started)
        browser = browser_cookies(unlocked["staff"], unlocked["reporter"])

        outcome = at_rest.attack(material)
        assert outcome.candidates > 0 and outcome.boxes > 0, "the attack had nothing to try"
        assert outcome.opened_cases == set()
        secrets = {**unlocked["secrets"], **unlock_keys(unlocked["staff"], unlocked["reporter"])}
        assert at_rest.secrets_in(material, secrets) == []
        # Even the browser's key opens nothing any more: the boxes are gone.
        assert at_rest.attack([*material, *browser]).opened_cases == set()
        # And the pages say so: the handler is locked, the reporter must type the receipt.
        case = next(iter(unlocked["cases"]))
        detail = unlocked["staff"].get(reverse("whistleblowing:case_detail", args=[case]))
        assert reverse("whistleblowing:handler_unlock") in detail.url
        assert unlocked["reporter"].get(reverse("whistleblowing:reporter_case")).status_code == 302


MARKERS = {
    "trigger": "TRIGGERNOTE4471",
    "help": "HELPNOTE5532",
    "hold": "HOLDNOTE6693",
    "meeting": "MEETINGNOTE7714",
}
CODES = (b"under_16", b"authorities", b"no_suspected_crime", b"views_heard", b"legal_hold")


def test_after_triggers_help_holds_and_minors_records_a_copy_at_rest_opens_no_case(
    data_dir: Path, tmp_path: Path, caplog: Any, started: float
) -> None:
    """Issue 12: the duties' events (a W10 trigger, a W11 help request and its answer, the
    W13 age band and a meeting with a guardian, the W15 hearing and police report, a W14
    hold, the day-14 escalation to the general and the deputy, a grant) leave nothing at
    rest that opens a case, and none of what the handler wrote or chose is in clear."""
    caplog.set_level(logging.DEBUG)
    youth = f.make_handler(role="youth_secretary_general")
    general = f.make_handler(role="secretary_general")
    f.make_handler(role="youth_deputy")
    secretariat = f.make_handler()
    case = f.submit(youth_wing=True, description="Et varsel om Senterungdommen.").case
    party = f.submit(description="Et varsel i partiet.").case
    enable_totp(youth.user)
    staff = Client()
    staff.force_login(youth.user)
    assert staff.post(reverse("whistleblowing:handler_unlock"), {"passphrase": f.PASSPHRASE})
    url = lambda name: reverse(f"whistleblowing:{name}", args=[case.pk])  # noqa: E731
    today = timezone.localdate()
    steps = [
        ("case_age", {"age-band": "under_16"}),
        ("case_log", {"kind": "meeting", "text": MARKERS["meeting"],
                      "meeting_date": today.isoformat(), "guardian_present": "on"}),
        ("case_trigger", {"trigger-kind": "authorities", "trigger-text": MARKERS["trigger"],
                          "trigger-confirm": "on"}),
        ("case_help", {"help-text": MARKERS["help"], "help-confirm": "on"}),
        ("case_log", {"kind": "views_heard", "text": "Hørt"}),
        ("case_log", {"kind": "police", "text": "Meldt", "police_decision": "not_reported",
                      "not_reported_reason": "no_suspected_crime"}),
        ("case_hold", {"hold-reason": "police", "hold-text": MARKERS["hold"],
                       "hold-ends_on": (today + dt.timedelta(days=400)).isoformat(),
                       "hold-confirm": "on"}),
    ]  # fmt: skip
    for name, data in steps:
        response = staff.post(url(name), data)
        assert response.status_code == 302, (name, response.content[:2000])
    services.help_answer(handler=general, case=case)
    party_key = f.case_key(secretariat, party)
    services.case_trigger_mark(
        handler=secretariat, case=party, key=party_key, kind="in_doubt", text=MARKERS["trigger"]
    )
    with time_machine.travel(timezone.now() + dt.timedelta(days=15), tick=False):
        assert services.deadline_sweep().escalations == 2  # both unacknowledged
    key = f.case_key(youth, case)
    services.access_grant(handler=youth, case=case, key=key, target=general)
    material = copies(tmp_path / "copy", data_dir, caplog, started)

    outcome = at_rest.attack(material)
    assert outcome.candidates > 0 and outcome.boxes > 0, "the attack had nothing to try"
    assert outcome.opened_cases == set()
    secrets = {
        "youth general's private key": services.handler_unlock(
            actor=None, handler=youth, passphrase=f.PASSPHRASE
        ),
        "case key (youth wing)": key,
        "case key (party)": party_key,
        **unlock_keys(staff),
    }
    assert at_rest.secrets_in(material, secrets) == []
    for marker in [m.encode() for m in MARKERS.values()] + list(CODES):
        assert not [chunk for chunk in material if marker in chunk], marker


def test_the_notice_outbox_holds_no_case_content_or_reporter_data(
    data_dir: Path, tmp_path: Path, caplog: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 20: a notice waiting in the outbox (its task lost with the broker) is a row
    of ids and a kind, with no address (who is told is worked out when it is sent). A copy
    of the database, the data folders and Redis holds none of the report's text, nor the
    reporter's name or contact."""
    import kombu.exceptions

    from whistleblowing import tasks
    from whistleblowing.models import Notification

    def broker_down(*args: Any, **kwargs: Any) -> None:
        raise kombu.exceptions.OperationalError("Error 111 connecting to 127.0.0.1:6379")

    f.make_handler()
    monkeypatch.setattr(tasks.send_notices, "delay", broker_down)
    markers = {
        "description": "Styrelederen-UTBOKS-7731 tok pengene",
        "involved": "Kari-UTBOKS-4410",
        "name": "Ola-UTBOKS-2208",
        "contact": "ola.utboks-9902@example.org",
    }
    f.submit(None, anonymous=False, **markers)
    notice = Notification.objects.get()
    assert notice.sent is False  # pending in the outbox
    field_names = {field.name for field in Notification._meta.concrete_fields}
    assert field_names == {"id", "case", "kind", "ref", "created_at", "delivered", "sent"}

    material = copies(tmp_path / "copy", data_dir, caplog, time.time() - 60)
    for marker in markers.values():
        for chunk in material:
            assert marker.encode() not in chunk, marker
    # And the e-mail, once the broker is back, says only that something waits.
    monkeypatch.undo()
    from django.core import mail

    assert services.notices_send() == 1
    sent = mail.outbox[-1]
    for marker in markers.values():
        assert marker not in f"{sent.subject}{sent.body}{sent.message().as_string()}"
