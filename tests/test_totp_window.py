"""The second factor at the turn of a 30-second window (MFA for course administrators,
handlers and the secretariat). A code typed slowly, or read from a phone whose clock is a
little behind, is one window old when it arrives; it still counts. Older codes, and a code
used once, do not."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from tests.factories.groups import PASSWORD, give_role, make_user, totp_code

pytestmark = pytest.mark.django_db

OSLO = dt.timezone(dt.timedelta(hours=1))

# Just after a window turns, on ordinary days, a DST night, a leap day and a year's end.
INSTANTS = [
    dt.datetime(2026, 12, 1, 21, 0, 0, tzinfo=dt.UTC),
    dt.datetime(2027, 3, 28, 1, 0, 1, tzinfo=dt.UTC),
    dt.datetime(2027, 10, 31, 0, 59, 30, tzinfo=dt.UTC),
    dt.datetime(2028, 2, 29, 11, 30, 2, tzinfo=OSLO),
    dt.datetime(2028, 12, 31, 23, 59, 31, tzinfo=dt.UTC),
]


def _at_the_code_step(client: Client) -> tuple[str, object]:
    user = give_role(make_user(full_name="Kari Kurs"), "course_administrators")
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("mfa_authenticate")
    return user._totp_secret, user  # type: ignore[attr-defined]


def _send(client: Client, code: str) -> object:
    return client.post(reverse("mfa_authenticate"), {"code": code}, follow=True)


@pytest.mark.parametrize("instant", INSTANTS, ids=lambda d: d.isoformat())
def test_a_code_from_the_window_before_still_logs_in(instant: dt.datetime) -> None:
    with time_machine.travel(instant, tick=False):
        client = Client()
        secret, user = _at_the_code_step(client)
        done = _send(client, totp_code(secret, windows_ago=1))
        assert done.wsgi_request.user == user
        assert client.get(reverse("attendance:admin_queue")).status_code == 200


@pytest.mark.parametrize("instant", INSTANTS, ids=lambda d: d.isoformat())
def test_a_code_two_windows_old_is_refused_in_plain_norwegian(instant: dt.datetime) -> None:
    with time_machine.travel(instant, tick=False):
        client = Client()
        secret, _user = _at_the_code_step(client)
        refused = _send(client, totp_code(secret, windows_ago=2))
        assert not refused.wsgi_request.user.is_authenticated
        assert "Koden stemmer ikke. Skriv koden appen viser akkurat nå." in refused.content.decode()


def test_a_code_once_used_is_not_taken_again() -> None:
    with time_machine.travel(INSTANTS[0], tick=False):
        first = Client()
        secret, user = _at_the_code_step(first)
        code = totp_code(secret)
        assert _send(first, code).wsgi_request.user == user
        second = Client()
        second.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
        again = _send(second, code)
        assert not again.wsgi_request.user.is_authenticated
