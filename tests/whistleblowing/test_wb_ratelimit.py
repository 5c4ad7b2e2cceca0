"""Rate limits nobody can spend on everyone's behalf (issue 15 items 3, 4 and 11).

Floods from many addresses, empty, invalid and well-formed, and then a new reporter from a
new address: they always get through, at most after paying a small cost (the puzzle, or
waiting with the form open). Forged X-Forwarded-For headers change nothing unless a proxy
is configured; behind a configured proxy every client has its own count. A blocked client
stays blocked however many others come by, and no stored key leads back to an address."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import ipaddress
import os
import re
import subprocess
import sys
import threading
import uuid
from dataclasses import replace
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse

from config.env import ImproperlyConfiguredEnv, env_header, env_networks
from tests.factories import whistleblowing as f
from tests.whistleblowing.test_wb_views import REPORT, receipt_from
from whistleblowing import crypto, puzzle, ratelimit
from whistleblowing.models import Case, RateCounter

pytestmark = pytest.mark.django_db
LOGIN = reverse("whistleblowing:reporter_login")
WRONG = "1234 5678 9012 3456"
# The start of a rate-limit window for both scopes, so time moved in a test stays inside it.
WINDOW_START = dt.datetime(2026, 3, 2, 9, 0, 5, tzinfo=dt.UTC)

# This process's Redis (each parallel test process has a database of its own, which the
# cache.clear() before every test empties), not the REDIS_URL variable the run was given.
REDIS = str(settings.REDIS_URL or "")
STORES = ["database", *(["redis"] if REDIS else [])]


@pytest.fixture(params=STORES)
def store(request, settings) -> str:
    """Each test of the counters runs on every store this run has (Redis when REDIS_URL)."""
    settings.REDIS_URL = REDIS if request.param == "redis" else ""
    return request.param


@pytest.fixture
def sec():
    return f.make_handler(role="secretariat")


def hidden(page: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert match, name
    return match.group(1)


def puzzle_bits(page: str) -> int:
    match = re.search(r'data-puzzle-bits="(\d+)"', page)
    return int(match.group(1)) if match else 0


def solve(token: str, bits: int) -> str:
    """What intake.js does, in Python."""
    n = 0
    while puzzle.leading_zero_bits(hashlib.sha256(f"{token}:{n}".encode()).digest()) < bits:
        n += 1
    return str(n)


def report_form(client: Client, addr: str, **extra: Any) -> tuple[str, dict[str, str]]:
    page = client.get(REPORT, REMOTE_ADDR=addr, **extra).content.decode()
    data = {
        "category": "discrimination",
        "youth_wing": "no",
        "relation": "affected",
        "description": "Jeg ble kalt stygge ting på årsmøtet.",
        "anonymous": "yes",
        "excluded_handler": "",
        "token": hidden(page, "token"),
        "puzzle_challenge": hidden(page, "puzzle_challenge"),
        "puzzle_solution": "",
    }
    return page, data


def receipt_form(client: Client, addr: str, **extra: Any) -> tuple[str, dict[str, str]]:
    page = client.get(LOGIN, REMOTE_ADDR=addr, **extra).content.decode()
    return page, {"receipt": WRONG, "puzzle_challenge": hidden(page, "puzzle_challenge")}


def paid(page: str, data: dict[str, str]) -> dict[str, str]:
    return {**data, "puzzle_solution": solve(data["puzzle_challenge"], puzzle_bits(page))}


# --- item 4: floods -------------------------------------------------------------------


@pytest.mark.long
def test_500_empty_and_invalid_posts_from_100_addresses_lock_out_nobody(sec):
    flood = Client()
    for i in range(500):
        addr = f"198.51.100.{i % 100}"
        junk = [{}, {"description": ""}, {"token": "forged", "category": "x"}][i % 3]
        assert flood.post(REPORT, junk, REMOTE_ADDR=addr).status_code == 400
    reporter = Client()
    page, data = report_form(reporter, "203.0.113.7")
    assert puzzle_bits(page) == 0  # nothing counted, so nothing to pay
    response = reporter.post(REPORT, data, REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 200
    assert 'data-testid="receipt"' in response.content.decode()


def test_garbage_receipts_are_not_counted(sec):
    reporter = Client()
    addr = "203.0.113.8"
    receipt = receipt_from(reporter.post(REPORT, report_form(reporter, addr)[1], REMOTE_ADDR=addr))
    for junk in ["abc", "", "12", "1234 5678", "x" * 40, "1234-5678-9012-345x"] * 5:
        assert reporter.post(LOGIN, {"receipt": junk}, REMOTE_ADDR=addr).status_code in (200, 400)
    assert puzzle_bits(receipt_form(reporter, addr)[0]) == 0
    assert reporter.post(LOGIN, {"receipt": receipt}, REMOTE_ADDR=addr).status_code == 302


def test_a_flood_of_well_formed_reports_costs_a_puzzle_and_locks_out_nobody(sec):
    crowd = ratelimit.LIMITS["submit"].crowd
    assert crowd is not None
    flood = Client()
    for i in range(crowd):
        addr = f"198.51.{i // 200}.{i % 200}"
        _page, data = report_form(flood, addr)
        assert flood.post(REPORT, data, REMOTE_ADDR=addr).status_code == 200

    # A new reporter with JavaScript: the page carries a puzzle, the browser solves it.
    reporter = Client()
    page, data = report_form(reporter, "203.0.113.7")
    assert puzzle_bits(page) == ratelimit.BASE_BITS
    unpaid = reporter.post(REPORT, data, REMOTE_ADDR="203.0.113.7")
    assert unpaid.status_code == 429
    text = unpaid.content.decode()
    assert "Vent 30 sekunder" in text and "Jeg ble kalt stygge ting" in text
    solved = paid(page, data)
    assert reporter.post(REPORT, solved, REMOTE_ADDR="203.0.113.7").status_code == 200

    # A solved puzzle pays once: replayed from elsewhere with a new form, it does not.
    _page, again = report_form(reporter, "203.0.113.8")
    again["puzzle_challenge"], again["puzzle_solution"] = (
        solved["puzzle_challenge"],
        solved["puzzle_solution"],
    )
    assert reporter.post(REPORT, again, REMOTE_ADDR="203.0.113.8").status_code == 429

    # A new reporter without JavaScript: the form has been open long enough.
    slow = Client()
    with time_machine.travel(dt.datetime.now(tz=dt.UTC), tick=False) as clock:
        _page, data = report_form(slow, "203.0.113.9")
        clock.shift(ratelimit.LIMITS["submit"].delay + 1)
        response = slow.post(REPORT, data, REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 200
    assert Case.objects.count() == crowd + 2


def test_one_address_pays_more_the_more_it_sends_and_is_refused_past_its_cap(sec):
    limit = ratelimit.LIMITS["submit"]
    client = Client()
    addr = "192.0.2.10"
    with time_machine.travel(WINDOW_START, tick=False) as clock:
        for _ in range(limit.free):
            page, data = report_form(client, addr)
            assert puzzle_bits(page) == 0
            assert client.post(REPORT, data, REMOTE_ADDR=addr).status_code == 200
        page, data = report_form(client, addr)
        assert puzzle_bits(page) == ratelimit.BASE_BITS
        assert client.post(REPORT, paid(page, data), REMOTE_ADDR=addr).status_code == 200
        for level in range(2, limit.cap - limit.free + 1):
            page, data = report_form(client, addr)
            assert puzzle_bits(page) == min(
                ratelimit.BASE_BITS + ratelimit.STEP_BITS * (level - 1), ratelimit.MAX_BITS
            )
            clock.shift(limit.delay * level - 1)
            assert client.post(REPORT, data, REMOTE_ADDR=addr).status_code == 429  # too soon
            page, data = report_form(client, addr)
            clock.shift(limit.delay * level)
            assert client.post(REPORT, data, REMOTE_ADDR=addr).status_code == 200
        page, data = report_form(client, addr)
        clock.shift(limit.window // 4)
        refused = client.post(REPORT, data, REMOTE_ADDR=addr)
        assert refused.status_code == 429
        assert "Det er sendt mange varsler herfra" in refused.content.decode()
        assert int(refused["Retry-After"]) > 0
        # Someone else, at the same moment, is not touched by that.
        page, data = report_form(client, "192.0.2.11")
        assert puzzle_bits(page) == 0
        assert client.post(REPORT, data, REMOTE_ADDR="192.0.2.11").status_code == 200
    assert Case.objects.count() == limit.cap + 1


def test_wrong_receipts_cost_then_refuse_only_that_address(sec):
    limit = ratelimit.LIMITS["receipt"]
    client = Client()
    addr = "192.0.2.20"
    with time_machine.travel(WINDOW_START, tick=False) as clock:
        for _ in range(limit.free):
            _page, data = receipt_form(client, addr)
            response = client.post(LOGIN, data, REMOTE_ADDR=addr)
            assert response.status_code == 400
            assert "Vi fant ingen sak" in response.content.decode()
        for level in range(1, limit.cap - limit.free + 1):
            _page, data = receipt_form(client, addr)
            early = client.post(LOGIN, data, REMOTE_ADDR=addr)
            assert early.status_code == 429
            assert f"Vent {limit.delay * level} sekunder" in early.content.decode()
            clock.shift(limit.delay * level)
            assert client.post(LOGIN, data, REMOTE_ADDR=addr).status_code == 400
        _page, data = receipt_form(client, addr)
        clock.shift(limit.window // 4)
        refused = client.post(LOGIN, data, REMOTE_ADDR=addr)
        assert refused.status_code == 429
        assert "For mange forsøk på kort tid" in refused.content.decode()
        _page, data = receipt_form(client, "192.0.2.21")
        assert client.post(LOGIN, data, REMOTE_ADDR="192.0.2.21").status_code == 400


def test_a_forged_forwarded_for_is_ignored_without_a_configured_proxy(sec):
    assert not settings.TRUSTED_PROXY_HEADER and not settings.TRUSTED_PROXIES
    client = Client()
    limit = ratelimit.LIMITS["receipt"]
    for i in range(limit.free):
        _page, data = receipt_form(client, "192.0.2.30")
        forged: dict[str, Any] = {
            "HTTP_X_FORWARDED_FOR": f"203.0.113.{i}",
            "HTTP_X_REAL_IP": f"203.0.113.{i}",
        }
        assert client.post(LOGIN, data, REMOTE_ADDR="192.0.2.30", **forged).status_code == 400
    page, data = receipt_form(client, "192.0.2.30", HTTP_X_FORWARDED_FOR="203.0.113.99")
    assert puzzle_bits(page) > 0  # one client, whatever the header said
    response = client.post(LOGIN, data, REMOTE_ADDR="192.0.2.30", HTTP_X_FORWARDED_FOR="10.9.9.9")
    assert response.status_code == 429


@override_settings(
    TRUSTED_PROXY_HEADER="HTTP_X_FORWARDED_FOR", TRUSTED_PROXIES=["10.0.0.0/8", "fd00::/8"]
)
def test_behind_the_configured_proxy_every_client_has_its_own_count(sec):
    proxy = "10.0.0.2"
    limit = ratelimit.LIMITS["receipt"]
    assert limit.crowd is not None
    client = Client()
    receipt = receipt_from(client.post(REPORT, report_form(client, proxy)[1], REMOTE_ADDR=proxy))
    # A flood through the proxy from more clients than the crowd threshold ...
    flooders = (limit.crowd // limit.free) + 1
    for i in range(flooders):
        for _ in range(limit.free):
            hop = f"6.6.6.6, 198.51.{i // 250}.{i % 250}"  # the left part is the client's forgery
            response = client.post(
                LOGIN, {"receipt": WRONG}, REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=hop
            )
            # Each is well under its own cap: asked to pay once the crowd is big, never refused.
            assert response.status_code in (400, 429)
            assert "For mange forsøk på kort tid" not in response.content.decode()
    # ... refused nobody for another's attempts; a new reporter pays the puzzle and gets in.
    new = "203.0.113.50"
    page, data = receipt_form(client, proxy, HTTP_X_FORWARDED_FOR=new)
    assert puzzle_bits(page) == ratelimit.BASE_BITS
    data = paid(page, {**data, "receipt": receipt})
    assert client.post(LOGIN, data, REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=new).status_code == 302


@pytest.mark.parametrize(
    ("remote", "header", "configured", "client"),
    [
        ("192.0.2.1", "203.0.113.5", False, "192.0.2.1"),
        ("10.0.0.2", "203.0.113.5", False, "10.0.0.2"),
        ("10.0.0.2", "203.0.113.5", True, "203.0.113.5"),
        ("10.0.0.2", "1.1.1.1, 203.0.113.5", True, "203.0.113.5"),
        ("10.0.0.2", "203.0.113.5, 10.0.0.7", True, "203.0.113.5"),
        ("10.0.0.2", "not-an-address", True, "10.0.0.2"),
        ("10.0.0.2", "", True, "10.0.0.2"),
        ("192.0.2.1", "203.0.113.5", True, "192.0.2.1"),  # not from the proxy
        ("2001:db8:1:2:3:4:5:6", "", False, "2001:db8:1:2::/64"),
        ("::ffff:192.0.2.9", "", False, "192.0.2.9"),
    ],
)
def test_the_client_address(rf, remote, header, configured, client):
    request = rf.get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=header)
    proxy = {"TRUSTED_PROXY_HEADER": "HTTP_X_FORWARDED_FOR", "TRUSTED_PROXIES": ["10.0.0.0/8"]}
    with override_settings(**(proxy if configured else {})):
        assert ratelimit.client_address(request) == client


# --- item 11: counters that survive ----------------------------------------------------


def test_a_blocked_client_stays_blocked_after_300_other_clients(sec, store):
    limit = ratelimit.LIMITS["receipt"]
    client = Client()
    blocked = "192.0.2.40"
    with time_machine.travel(WINDOW_START, tick=False) as clock:
        for level in range(limit.cap):
            _page, data = receipt_form(client, blocked)
            clock.shift(limit.delay * max(0, level - limit.free + 1))
            assert client.post(LOGIN, data, REMOTE_ADDR=blocked).status_code == 400
        _page, data = receipt_form(client, blocked)
        assert client.post(LOGIN, data, REMOTE_ADDR=blocked).status_code == 429
        for i in range(300):
            addr = f"198.51.{100 + i // 200}.{i % 200}"
            other = {"receipt": WRONG}
            assert client.post(LOGIN, other, REMOTE_ADDR=addr).status_code in (400, 429)
        _page, data = receipt_form(client, blocked)
        clock.shift(60)
        response = client.post(LOGIN, data, REMOTE_ADDR=blocked)
    assert response.status_code == 429
    assert "For mange forsøk på kort tid" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_concurrent_increments_are_counted_exactly(store):
    kv = ratelimit.store()
    bucket = f"test:atomic:{uuid.uuid4().hex}"
    seen: list[int] = []
    lock = threading.Lock()

    def hammer() -> None:
        try:
            for _ in range(25):
                value = kv.incr(bucket, 1, 600, 1_000_000)
                with lock:
                    seen.append(value)
        finally:
            connection.close()

    threads = [threading.Thread(target=hammer) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(seen) == list(range(1, 201))
    assert kv.get(bucket, 1_000_000) == 200
    if store == "redis":  # Redis expires the key itself, on its own clock
        import redis

        prefix = str(settings.CACHES["default"].get("KEY_PREFIX", "")) + ":wb-rl:"
        assert 0 < redis.Redis.from_url(settings.REDIS_URL).ttl(prefix + bucket) <= 600
    else:
        assert kv.get(bucket, 1_000_000 + 601) == 0  # expired
        assert kv.incr(bucket, 1, 600, 1_000_000 + 601) == 1  # and starts afresh


def test_expired_counters_are_deleted_from_the_database(settings):
    settings.REDIS_URL = ""
    kv = ratelimit.DatabaseStore()
    kv.incr("test:old", 1, 10, 1_000)
    kv.incr("test:new", 1, 10_000, 1_000)
    kv.incr("test:new", 1, 10_000, 1_000 + kv.PURGE_EVERY + 20)
    assert set(RateCounter.objects.values_list("bucket", flat=True)) == {"test:new"}


# --- item 3: keys that lead back to no one ---------------------------------------------


def _stored_buckets() -> list[str]:
    if settings.REDIS_URL:
        import redis

        prefix = str(settings.CACHES["default"].get("KEY_PREFIX", "")) + ":wb-rl:"
        keys = redis.Redis.from_url(settings.REDIS_URL).keys(prefix + "*")
        return [key.decode()[len(prefix) :] for key in keys]
    return list(RateCounter.objects.values_list("bucket", flat=True))


def test_stored_keys_cannot_be_traced_back_to_an_address_with_the_secret_key(sec, store):
    addr = "203.0.113.77"
    client = Client()
    for _ in range(2):
        _page, data = receipt_form(client, addr)
        client.post(LOGIN, data, REMOTE_ADDR=addr)
    buckets = [b for b in _stored_buckets() if b.startswith("receipt:")]
    assert buckets, "the attempts should have been counted"
    tags = {bucket.rsplit(":", 1)[-1] for bucket in buckets}
    # Everything at rest plus SECRET_KEY: try every address of the /24, old and new style.
    for candidate in ipaddress.ip_network("203.0.113.0/24"):
        for text in (str(candidate), f"addr:{candidate}"):
            guesses = {
                crypto.opaque_ref(text, "ratelimit")[:32],
                crypto.opaque_ref(text, "ratelimit")[:40],
                hmac.new(settings.SECRET_KEY.encode(), text.encode(), hashlib.sha256).hexdigest()[
                    :40
                ],
            }
            assert not guesses & tags
            assert not any(str(candidate) in bucket for bucket in buckets)
    # The secret changes with every window and with every start: the same client's key in
    # the next window, or after a restart, is another.
    window = int(buckets[0].split(":")[1])
    client_key = f"addr:{addr}"
    this = ratelimit._bucket("receipt", client_key, window)
    assert this in buckets
    assert ratelimit._bucket("receipt", client_key, window + 1).rsplit(":", 1)[-1] not in tags
    ratelimit.forget_secret()
    assert ratelimit._bucket("receipt", client_key, window) != this


# --- passphrases: per handler, never for everyone ----------------------------------------


def test_a_handler_guessing_passphrases_does_not_lock_out_a_colleague_at_the_same_office():
    from tests.whistleblowing.test_wb_views import handler_client

    unlock = reverse("whistleblowing:handler_unlock")
    guesser = handler_client(f.make_handler(), unlock=False)
    colleague = handler_client(f.make_handler(), unlock=False)
    for _ in range(ratelimit.LIMITS["passphrase"].cap):
        assert guesser.post(unlock, {"passphrase": "feil-passordfrase"}).status_code == 400
    response = guesser.post(unlock, {"passphrase": f.PASSPHRASE})
    assert response.status_code == 400
    assert "For mange forsøk" in response.content.decode()
    assert colleague.post(unlock, {"passphrase": f.PASSPHRASE}).status_code == 302


def test_limits_can_be_tuned_without_code(monkeypatch, sec):
    """LIMITS is plain data: a deployment may tighten a scope (here: no free attempts)."""
    monkeypatch.setitem(
        ratelimit.LIMITS, "submit", replace(ratelimit.LIMITS["submit"], free=0, delay=5)
    )
    client = Client()
    page, data = report_form(client, "192.0.2.60")
    assert puzzle_bits(page) == ratelimit.BASE_BITS
    assert client.post(REPORT, paid(page, data), REMOTE_ADDR="192.0.2.60").status_code == 200


# --- the proxy settings -------------------------------------------------------------------


def test_proxy_settings_are_checked(monkeypatch):
    monkeypatch.setenv("X_PROXIES", "10.0.0.0/8, 2001:db8::1")
    assert env_networks("X_PROXIES") == ["10.0.0.0/8", "2001:db8::1/128"]
    monkeypatch.setenv("X_PROXIES", "10.0.0.0/8,proxy.local")
    with pytest.raises(ImproperlyConfiguredEnv, match="not an IP address or network"):
        env_networks("X_PROXIES")
    monkeypatch.setenv("X_HEADER", "X-Forwarded-For")
    assert env_header("X_HEADER") == "HTTP_X_FORWARDED_FOR"
    monkeypatch.setenv("X_HEADER", "X-Forwarded-For: 1.2.3.4")
    with pytest.raises(ImproperlyConfiguredEnv, match="not an HTTP header name"):
        env_header("X_HEADER")


@pytest.mark.parametrize(
    ("env", "words"),
    [
        ({"TRUSTED_PROXY_HEADER": "X-Forwarded-For"}, "set both or neither"),
        ({"TRUSTED_PROXIES": "10.0.0.1"}, "set both or neither"),
        ({"WHISTLEBLOWING_MAX_BODY_BYTES": "1000"}, "at least 1 MiB"),
    ],
)
def test_the_portal_refuses_to_start_with_a_bad_intake_setting(tmp_path, env, words):
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=settings.BASE_DIR,
        env={
            "PATH": os.environ.get("PATH", ""),
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATA_DIR": str(tmp_path),
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0 and words in result.stderr
