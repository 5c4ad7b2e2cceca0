"""The session is loaded in one hand-written statement (config/sessions.py, issue 13): it
must find exactly the rows Django's own load finds, the key and not yet expired, on SQLite
(dates stored as text) as on PostgreSQL, on any day."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.sessions.backends.db import SessionStore as DjangoSessionStore
from django.contrib.sessions.models import Session

from config.sessions import SessionStore

pytestmark = pytest.mark.django_db

MOMENTS = [
    dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.UTC),
    dt.datetime(2027, 3, 28, 0, 45, tzinfo=dt.UTC),  # the night Oslo moves to summer time
    dt.datetime(2028, 2, 29, 12, 0, tzinfo=dt.UTC),
    dt.datetime(2029, 10, 28, 0, 30, tzinfo=dt.UTC),  # and back
]


def _stored(data: dict[str, object], expires_at: dt.datetime) -> str:
    store = SessionStore()
    store.update(data)
    store.create()
    Session.objects.filter(session_key=store.session_key).update(expire_date=expires_at)
    return str(store.session_key)


@pytest.mark.parametrize("moment", MOMENTS, ids=str)
@pytest.mark.parametrize(
    ("expires_in", "found"),
    [
        (dt.timedelta(hours=12), True),
        (dt.timedelta(seconds=1), True),
        (dt.timedelta(seconds=-1), False),
        (dt.timedelta(days=-400), False),
    ],
)
def test_the_load_finds_what_djangos_finds(
    moment: dt.datetime, expires_in: dt.timedelta, found: bool
) -> None:
    with time_machine.travel(moment, tick=False):
        key = _stored({"portal": "ja"}, moment + expires_in)
        ours, django = SessionStore(session_key=key), DjangoSessionStore(session_key=key)
        assert ours.load() == django.load() == ({"portal": "ja"} if found else {})
        assert (ours.session_key is None) is (not found)


def test_a_key_that_matches_nothing_loads_nothing_and_is_dropped() -> None:
    store = SessionStore(session_key="nosuchsessionkey12345678")
    assert store.load() == {}
    assert store.session_key is None
