"""Study-work benchmarks (issue 4). Run:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_attendance_bench \\
        .venv/bin/python tests/benchmarks/attendance_bench.py

(without DATABASE_URL it runs on an embedded SQLite file in a throw-away data dir).

1. The rules engine: evaluate 500 participants × 40 sessions, time ÷ a bare loop that
   clips the same intervals to their sessions and sums them (target <= 3×), and 5,000 × 40;
   the earlier, unclipped yardstick is shown beside it. ENGINE_ONLY=1 runs only this part.
2. Check-in: 300 members check in at once, each sending two simultaneous requests (600
   requests), against gunicorn -w 2 on loopback: req/s ÷ the hello view under the same
   client; then 0 lost (300 rows) and 0 duplicated (one open interval each). Then 300
   other members the same way, each having loaded the check-in page first, as a phone
   does between the scan and the tap.
3. The live view at 40 participants × 20 sessions: req/s ÷ hello (wrk), and the number of
   queries at 1× and 10× the participants (must be equal).
"""

from __future__ import annotations

import datetime as dt
import http.client
import os
import random
import secrets
import statistics
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


# --- 1. the engine, no Django --------------------------------------------------------------
def engine_bench() -> None:
    from attendance.rules import Participant, Policy, Presence, Session, evaluate

    def build(n_people: int, n_sessions: int):
        rng = random.Random(4)
        base = dt.datetime(2024, 1, 8, 18, tzinfo=dt.UTC)
        sessions = [
            Session(i, base + dt.timedelta(days=7 * i), base + dt.timedelta(days=7 * i, hours=2))
            for i in range(n_sessions)
        ]
        people = [Participant(p, birth_year=1980) for p in range(n_people)]
        presences = []
        for p in range(n_people):
            for s in sessions:
                start = s.start + dt.timedelta(minutes=rng.randint(-10, 30))
                presences.append(Presence(p, s.key, start, start + dt.timedelta(minutes=100)))
                if rng.random() < 0.1:  # a second, overlapping scan
                    presences.append(Presence(p, s.key, start, start + dt.timedelta(minutes=20)))
        return sessions, people, presences

    def bare(sessions, presences):
        """The yardstick: the least a correct engine must do. It touches every interval
        once and clips it to its session on the same integer microseconds (as the
        engine), then sums per participant; no union, no rounding, no results."""
        epoch, us = dt.datetime(1970, 1, 1, tzinfo=dt.UTC), dt.timedelta(microseconds=1)
        spans = {s.key: ((s.start - epoch) // us, (s.end - epoch) // us) for s in sessions}
        totals: dict[int, int] = {}
        for pr in presences:
            s0, s1 = spans[pr.session]
            a = pr.start_us
            b = pr.end_us
            if a < s0:
                a = s0
            if b > s1:
                b = s1
            if b > a:
                totals[pr.participant] = totals.get(pr.participant, 0) + (b - a)
        return totals

    def unclipped(presences):
        """The earlier yardstick, shown for comparison: no clipping, timedelta sums."""
        totals: dict[int, dt.timedelta] = {}
        zero = dt.timedelta(0)
        for pr in presences:
            totals[pr.participant] = totals.get(pr.participant, zero) + (pr.end - pr.start)
        return totals

    def timed(fn) -> float:
        t0 = time.perf_counter()
        fn()
        return time.perf_counter() - t0

    print(
        "engine: medians of interleaved runs (engine, bare loop, old unclipped loop); "
        "ratios are medians of the per-run ratios"
    )
    for n in (500, 5_000):
        sessions, people, presences = build(n, 40)
        runs = 21 if n == 500 else 7
        engine, yard, old = [], [], []
        for _ in range(runs):  # side by side, so load from other work hits all three alike
            engine.append(
                timed(lambda s=sessions, p=people, i=presences: evaluate(s, p, i, Policy()))
            )
            yard.append(timed(lambda s=sessions, i=presences: bare(s, i)))
            old.append(timed(lambda i=presences: unclipped(i)))
        ratio = statistics.median(e / y for e, y in zip(engine, yard, strict=True))
        ratio_old = statistics.median(e / o for e, o in zip(engine, old, strict=True))
        t_engine = statistics.median(engine)
        print(
            f"engine {n} × 40 ({len(presences)} intervals, {runs} runs): "
            f"{t_engine * 1000:.1f} ms ({t_engine / len(presences) * 1e6:.2f} µs per interval); "
            f"bare loop {statistics.median(yard) * 1000:.1f} ms; ratio {ratio:.2f}× (target <= 3×); "
            f"old unclipped loop {statistics.median(old) * 1000:.1f} ms, ratio {ratio_old:.2f}×"
        )


# --- 2, 3: through gunicorn -------------------------------------------------------------------
def _post(base: str, path: str, cookie: str, body: str) -> int:
    url = urlparse(base)
    conn = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port, timeout=60)
    conn.request(
        "POST",
        path,
        body=body,
        headers={"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
    )
    status = conn.getresponse().status
    conn.close()
    return status


def _get(base: str, path: str, cookie: str = "") -> int:
    url = urlparse(base)
    conn = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port, timeout=60)
    conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
    status = conn.getresponse().status
    conn.close()
    return status


def _burst(jobs: list) -> tuple[float, list[int]]:
    """Run every job in its own thread, all released at once; elapsed seconds, statuses."""
    barrier = threading.Barrier(len(jobs))
    statuses: list[int] = [0] * len(jobs)

    def run(i: int) -> None:
        barrier.wait()
        statuses[i] = jobs[i]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
    for t in threads:
        t.start()
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    return time.perf_counter() - t0, statuses


def web_bench() -> None:
    from tests.benchmarks.common import (
        gunicorn,
        paired,
        query_count,
        record,
        session_cookie,
        setup_django,
    )

    setup_django()
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from attendance.models import Consent, Presence
    from tests.factories.attendance import make_course, make_presence, make_session_meeting
    from tests.factories.groups import make_group, make_membership

    print(f"database: {connection.vendor}")
    group = make_group(area_name=f"Benchby {secrets.token_hex(3)}")
    leader = make_membership(group, board_role="leader").user
    now = timezone.now()
    meeting = make_session_meeting(
        group, starts_at=now - dt.timedelta(minutes=10), ends_at=now + dt.timedelta(hours=3)
    )
    course = make_course(group, leader, status="approved", meetings=[meeting])
    csrf = secrets.token_hex(16)  # a 32-character secret: accepted unmasked by Django

    def scanned_members() -> tuple[list, list[str]]:
        """300 consenting members, each with a session as the scan a moment ago left it:
        the grant, and the activity stamps the middleware writes at most once a minute
        (config/middleware.py)."""
        members, cookies = [make_membership(group).user for _ in range(300)], []
        for user in members:
            Consent.objects.create(course=course, user=user, text_version="bench", given_at=now)
            cookie = session_cookie(user)
            store = SessionStore(session_key=cookie.split("=", 1)[1])
            stamp = int(time.time())
            store["attendance_checkin_grants"] = {str(meeting.pk): {"s": "qr", "t": stamp}}
            store["_portal_login_at"] = store["_portal_seen_at"] = stamp
            store.save()
            cookies.append(f"{cookie}; csrftoken={csrf}")
        return members, cookies

    # Two sets: one taps on a session no process has seen, as the row measures;
    # the other first loads the check-in page, as a phone does between the scan and the tap.
    (members, cookies), (page_members, page_cookies) = scanned_members(), scanned_members()

    # The live view's data: 40 participants × 20 sessions, and 10× the participants.
    def live_course(n_people: int):
        start = timezone.now() - dt.timedelta(days=200)
        meetings = [
            make_session_meeting(group, starts_at=start + dt.timedelta(days=7 * i))
            for i in range(20)
        ]
        c = make_course(group, leader, meetings=meetings)
        people = [make_membership(group).user for _ in range(n_people)]
        for person in people:
            for m in meetings:
                make_presence(m, person)
        return c

    small, large = live_course(40), live_course(400)
    leader_client = Client()
    leader_client.force_login(leader)
    q1 = query_count(leader_client, f"/studiearbeid/kurs/{small.pk}/oversikt/")
    q10 = query_count(leader_client, f"/studiearbeid/kurs/{large.pk}/oversikt/")
    print(
        f"live view queries: {q1} at 40 × 20, {q10} at 400 × 20 ({'equal' if q1 == q10 else 'DIFFERENT'})"
    )
    leader_cookie = session_cookie(leader)

    with gunicorn(workers=2) as base:
        path = f"/studiearbeid/moter/{meeting.pk}/innsjekk/"
        body = f"csrfmiddlewaretoken={csrf}"

        def hello_burst() -> float:
            """The hello view's req/s under the same client, just before and just after
            a burst (the mean): a single burst's yardstick swings by a third."""
            return len(jobs) / _burst([lambda: _get(base, "/__hello__")] * len(jobs))[0]

        jobs = [(lambda c=c: _post(base, path, c, body)) for c in cookies for _ in range(2)]
        hello_before = hello_burst()
        elapsed, statuses = _burst(jobs)
        checkin_rps, hello_rps = len(jobs) / elapsed, (hello_before + hello_burst()) / 2
        rows = Presence.objects.filter(meeting=meeting).count()
        open_each = set(
            Presence.objects.filter(meeting=meeting, ended_at__isnull=True).values_list(
                "user_id", flat=True
            )
        )
        lost = len(members) - len(open_each)
        duplicated = rows - len(open_each)
        print(
            f"check-in: {len(jobs)} requests from 300 members (2 each, all at once): "
            f"{checkin_rps:.0f} req/s; hello under the same client {hello_rps:.0f} req/s; "
            f"ratio {checkin_rps / hello_rps:.2f}; statuses {sorted(set(statuses))}; "
            f"rows {rows}, lost {lost}, duplicated {duplicated}"
        )
        for cookie in page_cookies:  # each phone shows the page first, one after another
            assert _get(base, path, cookie) == 200
        jobs = [(lambda c=c: _post(base, path, c, body)) for c in page_cookies for _ in range(2)]
        hello_before = hello_burst()
        page_elapsed, page_statuses = _burst(jobs)
        page_rps, page_hello_rps = len(jobs) / page_elapsed, (hello_before + hello_burst()) / 2
        page_rows = Presence.objects.filter(meeting=meeting, user__in=page_members)
        page_open = page_rows.filter(ended_at__isnull=True).count()
        print(
            f"check-in after the page: {page_rps:.0f} req/s; hello {page_hello_rps:.0f} req/s; "
            f"ratio {page_rps / page_hello_rps:.2f}; statuses {sorted(set(page_statuses))}; "
            f"lost {len(page_members) - page_open}, duplicated {page_rows.count() - page_open}"
        )
        live = paired(base, f"/studiearbeid/kurs/{small.pk}/oversikt/", cookie=leader_cookie)
    record("check-in POST (300 members at once)", checkin_rps, hello_rps, None, None)
    record(
        "check-in POST, 300 at once, each after loading the page",
        page_rps,
        page_hello_rps,
        None,
        None,
    )
    record("live view 40 × 20", *live, q1, q10)


if __name__ == "__main__":
    engine_bench()
    if os.environ.get("ENGINE_ONLY") != "1":
        web_bench()
