"""The unlock window (issue 15 item 1): the key that opens an unlocked secret is in the
browser's cookie only; the server keeps a box it cannot open, and deletes it at lock, at
logout, on access after expiry and in the sweep that beat runs every minute."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import whistleblowing as f
from tests.factories.groups import enable_totp
from whistleblowing import tasks, unlock
from whistleblowing.models import Unlock
from whistleblowing.schedule import BEAT_SCHEDULE

pytestmark = pytest.mark.django_db
UNLOCK = reverse("whistleblowing:handler_unlock")
CASES = reverse("whistleblowing:handler_cases")


def unlocked_client(handler) -> Client:
    enable_totp(handler.user)
    client = Client()
    client.force_login(handler.user)
    assert client.post(UNLOCK, {"passphrase": f.PASSPHRASE}).status_code == 302
    return client


def is_unlocked(client: Client, case) -> bool:
    return client.get(reverse("whistleblowing:case_detail", args=[case.pk])).status_code == 200


@pytest.fixture
def handler():
    return f.make_handler()


def test_the_key_goes_to_a_strict_http_only_cookie_limited_to_the_handler_pages(handler):
    enable_totp(handler.user)
    client = Client()
    client.force_login(handler.user)
    response = client.post(UNLOCK, {"passphrase": f.PASSPHRASE})
    cookie = response.cookies["wb_handler_key"]
    assert cookie["httponly"] and cookie["samesite"] == "Strict"
    assert cookie["path"] == CASES
    assert int(cookie["max-age"]) == unlock.UNLOCK_SECONDS
    # The server holds only the box and the key's hash; nothing of it is in the session.
    row = Unlock.objects.get()
    assert len(cookie.value) >= 43 and cookie.value not in row.key_hash
    session = Session.objects.get(session_key=client.session.session_key).get_decoded()
    assert not [name for name in session if name.startswith("wb")]


def test_in_production_the_cookie_is_secure_and_named_so(handler, settings):
    settings.SESSION_COOKIE_SECURE = True
    enable_totp(handler.user)
    client = Client()
    client.force_login(handler.user)
    response = client.post(UNLOCK, {"passphrase": f.PASSPHRASE}, secure=True)
    cookie = response.cookies["__Secure-wb_handler_key"]
    assert cookie["secure"]


def test_the_unlock_needs_the_browsers_cookie(handler):
    case = f.submit().case
    client = unlocked_client(handler)
    assert is_unlocked(client, case)
    # The same login without the cookie (another browser with a stolen session): locked.
    client.cookies.pop("wb_handler_key")
    assert not is_unlocked(client, case)


def test_locking_deletes_the_box_and_the_cookie(handler):
    case = f.submit().case
    client = unlocked_client(handler)
    response = client.post(reverse("whistleblowing:handler_lock"))
    assert response.cookies["wb_handler_key"].value == ""
    assert not Unlock.objects.exists()
    assert not is_unlocked(client, case)


def test_logging_out_deletes_the_handlers_boxes(handler):
    client = unlocked_client(handler)
    unlocked_client(f.make_handler())
    client.post(reverse("account_logout"))
    assert not Unlock.objects.filter(handler=handler).exists()
    assert Unlock.objects.count() == 1  # the colleague's unlock is theirs


def test_another_account_in_the_same_browser_gets_nothing_from_the_cookie(handler):
    colleague = f.make_handler()
    case = f.submit().case
    assert case.grants.filter(handler=colleague, access="read").exists()
    client = unlocked_client(handler)
    enable_totp(colleague.user)
    client.force_login(colleague.user)  # the cookie stays in the browser
    assert not is_unlocked(client, case)
    assert not Unlock.objects.exists()


def test_after_fifteen_minutes_it_is_locked_and_the_box_is_deleted(handler):
    case = f.submit().case
    client = unlocked_client(handler)
    later = timezone.now() + dt.timedelta(seconds=unlock.UNLOCK_SECONDS + 1)
    with time_machine.travel(later, tick=False):
        assert not is_unlocked(client, case)
    assert not Unlock.objects.exists()


def test_the_sweep_deletes_expired_boxes_and_keeps_live_ones(handler):
    unlocked_client(handler)
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=10), tick=False):
        fresh = unlocked_client(f.make_handler())
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=16), tick=False):
        assert tasks.unlock_sweep() == {"deleted": 1}
        assert tasks.unlock_sweep() == {"deleted": 0}
        assert fresh.get(CASES).status_code == 200
        assert Unlock.objects.count() == 1


def test_beat_runs_the_sweep_every_minute():
    entry = BEAT_SCHEDULE["whistleblowing-unlock-sweep"]
    assert entry["task"] == "whistleblowing.tasks.unlock_sweep"
    assert isinstance(entry["schedule"], int) and entry["schedule"] <= 60


def test_a_forged_or_garbled_cookie_opens_nothing(handler):
    case = f.submit().case
    client = unlocked_client(handler)
    client.cookies["wb_handler_key"] = "A" * 43
    assert not is_unlocked(client, case)
    client.cookies["wb_handler_key"] = "%%%not-base64%%%"
    assert not is_unlocked(client, case)
