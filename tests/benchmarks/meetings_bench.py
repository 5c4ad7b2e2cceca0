"""Meeting list and meeting page: req/s ÷ a bare hello view (same gunicorn -w 2, same run,
wrk on loopback); query counts at 1× and 10× meetings, agenda items and members (must be
equal); the calendar feed of a member with 500 meetings: its first fetch one request at a
time (÷ hello's, one at a time too), and a calendar's repeat fetch (If-None-Match with the
ETag it was given) under wrk.

    .venv/bin/python -m tests.benchmarks.meetings_bench
"""

from __future__ import annotations

import datetime as dt
import time
import urllib.request
from typing import Any

from tests.benchmarks.common import (
    gunicorn,
    paired,
    query_count,
    record,
    session_cookie,
    setup_django,
    wrk,
)


def _grow(group: Any, meeting: Any, factor: int) -> None:
    """Add (factor - 1) × the meetings, items on the measured meeting, and members."""
    from meetings.models import AgendaItem, AgendaStatus, Dissent, Meeting, MeetingKind
    from tests.factories.groups import make_membership

    base_members = group.memberships.count()
    for _ in range(base_members * (factor - 1)):
        make_membership(group)
    base_meetings = Meeting.objects.filter(group=group).count()
    start = meeting.starts_at + dt.timedelta(days=400)
    Meeting.objects.bulk_create(
        Meeting(
            group=group,
            kind=MeetingKind.GROUP,
            title=f"Ekstra møte {n}",
            starts_at=start + dt.timedelta(days=n),
            ends_at=start + dt.timedelta(days=n, hours=2),
            place="Rådhuset",
        )
        for n in range(base_meetings * (factor - 1))
    )
    items = list(meeting.agenda_items.all())
    author = group.memberships.first().user
    for n in range(len(items) * (factor - 1)):
        item = AgendaItem.objects.create(
            meeting=meeting,
            title=f"Ekstra sak {n}",
            status=AgendaStatus.ACCEPTED,
            submitted_at=meeting.starts_at,
            submitted_by=author,
        )
        Dissent.objects.create(
            agenda_item=item, author=author, text="Uenig", created_at=meeting.starts_at
        )


def _serial_ms(url: str, n: int) -> float:
    """Mean milliseconds per request, one at a time (after one warm-up request)."""
    urllib.request.urlopen(url, timeout=30).read()  # noqa: S310 - loopback
    began = time.perf_counter()
    for _ in range(n):
        urllib.request.urlopen(url, timeout=30).read()  # noqa: S310 - loopback
    return (time.perf_counter() - began) * 1000 / n


def main() -> None:
    setup_django()
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from groups.demo import load
    from meetings import demo as meetings_demo
    from meetings import services
    from meetings.models import Meeting, MeetingKind

    ctx = load()
    meetings_demo.load(ctx)
    group, member = ctx.group, ctx.users["member"]
    # the demo's next ordinary group meeting, with items members have sent in
    meeting = Meeting.objects.filter(group=group, agenda_items__title="Gatelys i sentrum").first()
    assert meeting is not None
    # one dissent at 1× too, so both sizes run the same prefetches
    from meetings.models import Dissent

    first_item = meeting.agenda_items.order_by("order").first()
    assert first_item is not None
    Dissent.objects.create(
        agenda_item=first_item,
        author=member,
        text="Uenig",
        created_at=meeting.starts_at,
    )
    client = Client()
    client.force_login(member)
    pages = {
        "meeting list": reverse("meetings:list"),
        "meeting page": reverse("meetings:detail", args=[meeting.pk]),
    }
    counts_1x = {name: query_count(client, url) for name, url in pages.items()}
    sizes_1x = (Meeting.objects.count(), meeting.agenda_items.count(), group.memberships.count())
    _grow(group, meeting, 10)
    counts_10x = {name: query_count(client, url) for name, url in pages.items()}
    sizes_10x = (Meeting.objects.count(), meeting.agenda_items.count(), group.memberships.count())

    # a member of another group with 500 meetings in their feed
    from meetings.models import Meeting as M
    from tests.factories.groups import make_group, make_membership

    feed_group = make_group(area_name="Feedbygd")
    feed_member = make_membership(feed_group).user
    first = timezone.now() + dt.timedelta(days=1)
    M.objects.bulk_create(
        M(
            group=feed_group,
            kind=MeetingKind.GROUP,
            title=f"Møte {n}",
            place="Rådhuset",
            starts_at=first + dt.timedelta(hours=3 * n),
            ends_at=first + dt.timedelta(hours=3 * n + 2),
        )
        for n in range(500)
    )
    token = services.calendar_feed_create(actor=feed_member)
    feed_url = reverse("meetings:feed", args=[token])
    first_fetch = Client().get(feed_url)
    assert first_fetch.content.count(b"BEGIN:VEVENT") == 500
    etag = first_fetch.get("ETag")

    cookie = session_cookie(member)
    with gunicorn() as base:
        wrk(base + "/__hello__", seconds=2)  # warm up
        measured = {name: paired(base, url, cookie) for name, url in pages.items()}
        # one request at a time: time per request
        hello_ms = _serial_ms(base + "/__hello__", 400)
        feed_ms = _serial_ms(base + feed_url, 20)
        repeat = paired(base, feed_url, headers={"If-None-Match": etag} if etag else None)
    print(f"data 1×: meetings, items on the page, members = {sizes_1x}; 10×: {sizes_10x}")
    for name in pages:
        label = f"{name} ({sizes_10x[1]} items)" if name == "meeting page" else name
        record(label, *measured[name], counts_1x[name], counts_10x[name])
    print(
        f"ICS feed, 500 meetings: {feed_ms:.1f} ms per request vs hello {hello_ms:.2f} ms "
        f"(sequential requests) = {feed_ms / hello_ms:.0f} × hello's time; ETag {etag}"
    )
    record(
        "ICS feed, 500 meetings, plain GET, one at a time",
        1000 / feed_ms,
        1000 / hello_ms,
        None,
        None,
    )
    record(
        "ICS feed, 500 meetings, repeat with If-None-Match"
        + (" (304)" if etag else " (no ETag: 200)"),
        *repeat,
        None,
        None,
    )
    for name in pages:
        assert counts_1x[name] == counts_10x[name], f"{name}: query count grows with data"


if __name__ == "__main__":
    main()
