"""Issue 13: busy pages are kept as fragments until the data changes (config/pagecache.py).

What must hold, tested from outside: a repeat asks for the session alone; every kind of
write shows on the next request (a service, a bulk update, a write in another transaction);
the minute, the viewer and the language each get their own fragment; nothing is kept from a transaction that has not committed; the form for sending
in an item stays fresh (G9); and no page lies in the shared cache or the data folder, where a
copy of a volume would find it.

These tests run outside a test transaction (``transaction=True``), as the portal runs: in a
transaction that has written, nothing is kept (tested here too), so the rest of the suite
renders every page afresh.
"""

from __future__ import annotations

import datetime as dt
import pickle  # nosec B403 - reads back the test's own cache files
import re
import zlib
from functools import partial
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import Group as AuthGroup
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from attendance.models import Presence
from attendance.services import checkin
from config import pagecache
from groups import selectors as group_selectors
from groups import services as group_services
from groups.models import User
from meetings.models import AgendaItem, Meeting
from tests.conftest import World, build_world
from tests.factories.attendance import (
    give_consent,
    make_course,
    make_presence,
    make_session_meeting,
)
from tests.factories.meetings import make_item, make_meeting

pytestmark = pytest.mark.django_db(transaction=True)

# what differs between two renderings of the same data: the masked CSRF token, the CSP
# nonce and the submit key of the form for sending in an item (G9)
_TOKENS = re.compile(r'(csrfmiddlewaretoken" value=|nonce=|submit_key" value=)"[^"]*"')


@pytest.fixture
def kept(settings: Any) -> World:
    settings.PAGE_CACHE_SECONDS = 300
    from django.core.cache import caches

    caches["fragments"].clear()
    caches["answers"].clear()
    return build_world()


def _client(user: User) -> Client:
    """Logged in, with the CSRF cookie a browser has from the login page (the CSRF secret
    is part of the key: fragments hold forms)."""
    client = Client()
    client.force_login(user)
    client.get(reverse("groups:profile"))
    assert "csrftoken" in client.cookies
    return client


def _get(client: Client, url: str) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode(), len(ctx.captured_queries)


# --- what counts as a write --------------------------------------------------------------
@pytest.mark.parametrize(
    ("sql", "table"),
    [
        ('INSERT INTO "groups_membership" ("group_id") VALUES (%s)', "groups_membership"),
        ('UPDATE "groups_user" SET "full_name" = %s WHERE "id" = %s', "groups_user"),
        ('  delete from "meetings_agendaitem" where "id" = 1', "meetings_agendaitem"),
        ('INSERT OR IGNORE INTO "attendance_presence" ("id") VALUES (1)', "attendance_presence"),
        ("REPLACE INTO groups_committee (id) VALUES (1)", "groups_committee"),
        # a flush names many tables: every table's generation moves
        ('TRUNCATE "attendance_presence", "groups_user" RESTART IDENTITY', pagecache.ANY_TABLE),
        ('SELECT "groups_user"."id" FROM "groups_user"', None),
        ('SAVEPOINT "s1_x1"', None),
        # the once-a-minute session stamp of a logged-in request changes no page
        ('UPDATE "django_session" SET "session_data" = %s', None),
        ('INSERT INTO "django_session" ("session_key") VALUES (%s)', None),
        # a login's stamp alone changes no page; with any other column it is a user write
        ('UPDATE "groups_user" SET "last_login" = %s WHERE "groups_user"."id" = %s', None),
        (
            'UPDATE "groups_user" SET "last_login" = %s, "is_active" = %s '
            'WHERE "groups_user"."id" = %s',
            "groups_user",
        ),
    ],
)
def test_which_statements_move_the_generation_and_of_which_table(sql: str, table: str) -> None:
    assert pagecache._written_table(sql) == table


# --- a repeat is cheap, and the same -------------------------------------------------------
@pytest.mark.parametrize("role", ["member", "leader"])
def test_a_repeat_of_the_group_page_asks_for_the_session_alone_G1(kept: World, role: str) -> None:
    assert not connection.in_atomic_block  # as in the portal, not a test transaction
    client = _client(kept.users[role])
    url = reverse("groups:detail", args=[kept.group.pk])
    first, asked_first = _get(client, url)
    again, asked_again = _get(client, url)
    assert asked_again == 1 < asked_first
    assert _TOKENS.sub("", again) == _TOKENS.sub("", first)


@pytest.mark.parametrize("role", ["member", "leader"])
def test_a_repeat_of_every_busy_page_asks_for_the_session_alone(kept: World, role: str) -> None:
    """The member home, the meeting list, the meeting page (G9) and the live view (S9):
    everything but the session is kept between writes, and the page is the same."""
    now = timezone.now()
    meeting = make_meeting(kept.group, starts_at=now + dt.timedelta(days=3))
    make_item(meeting, title="Gatelys i sentrum")
    session = make_session_meeting(
        kept.group, starts_at=now - dt.timedelta(minutes=30), ends_at=now + dt.timedelta(hours=1)
    )
    course = make_course(kept.group, kept.users["leader"], status="approved", meetings=[session])
    make_presence(session, kept.users["member"], start=now - dt.timedelta(minutes=20))
    client = _client(kept.users[role])
    urls = [
        reverse("groups:home"),
        reverse("meetings:list"),
        reverse("meetings:detail", args=[meeting.pk]),
    ]
    if role == "leader":
        urls.append(reverse("attendance:live", args=[course.pk]))
    for url in urls:
        first, asked_first = _get(client, url)
        again, asked_again = _get(client, url)
        assert asked_again == 1 < asked_first, url
        assert _TOKENS.sub("", again) == _TOKENS.sub("", first), url


# --- every write shows at once -------------------------------------------------------------
def test_a_service_write_shows_on_the_next_request_G1(kept: World) -> None:
    client = _client(kept.users["member"])
    url = reverse("groups:detail", args=[kept.group.pk])
    _get(client, url)
    group_services.member_add(
        actor=kept.users["leader"],
        group=kept.group,
        email="ny@example.org",
        full_name="Nora Nykommer",
        seat="regular",
    )
    assert "Nora Nykommer" in _get(client, url)[0]


def test_a_bulk_update_without_signals_shows_on_the_next_request(kept: World) -> None:
    client = _client(kept.users["member"])
    url = reverse("groups:detail", args=[kept.group.pk])
    assert "Liv Leder" in _get(client, url)[0]
    User.objects.filter(pk=kept.users["leader"].pk).update(full_name="Liv Omdøpt")
    page = _get(client, url)[0]
    assert "Liv Omdøpt" in page and "Liv Leder" not in page


def test_a_check_in_shows_on_the_next_poll_of_the_live_view_S9(kept: World) -> None:
    now = timezone.now()
    meeting = make_session_meeting(
        kept.group, starts_at=now - dt.timedelta(minutes=30), ends_at=now + dt.timedelta(hours=1)
    )
    course = make_course(kept.group, kept.users["leader"], status="approved", meetings=[meeting])
    client = _client(kept.users["leader"])
    url = reverse("attendance:live", args=[course.pk])
    assert "Marit Medlem" not in _get(client, url)[0]
    _get(client, url)
    make_presence(meeting, kept.users["member"], start=now - dt.timedelta(minutes=20))
    assert Presence.objects.count() == 1
    assert "Marit Medlem" in client.get(url, headers={"HX-Request": "true"}).content.decode()


def test_a_write_committed_by_another_connection_shows(kept: World) -> None:
    """A write the Celery worker or another web process commits reaches this process
    through the shared generation: here a second connection in a thread."""
    import threading

    from django.db import connections

    client = _client(kept.users["member"])
    url = reverse("groups:detail", args=[kept.group.pk])
    _get(client, url)

    def other() -> None:
        try:
            User.objects.filter(pk=kept.users["deputy"].pk).update(full_name="Nils Annen")
        finally:
            connections.close_all()

    thread = threading.Thread(target=other)
    thread.start()
    thread.join()
    assert "Nils Annen" in _get(client, url)[0]


# --- the minute, the viewer, the language ---------------------------------------------------
def test_a_new_minute_works_the_page_out_again(
    kept: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    real = group_selectors.group_overview

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(group_selectors, "group_overview", counted)
    client = _client(kept.users["member"])
    url = reverse("groups:detail", args=[kept.group.pk])
    now = timezone.now()
    start = now.replace(second=5, microsecond=0) + dt.timedelta(minutes=1)
    with time_machine.travel(start, tick=False) as traveller:
        _get(client, url)
        traveller.shift(dt.timedelta(seconds=50))  # hh:mm:55, the same minute
        _get(client, url)
        assert len(calls) == 1
        traveller.shift(dt.timedelta(seconds=10))  # the next minute, at :05
        _get(client, url)
        assert len(calls) == 2


def test_each_viewer_and_each_language_gets_its_own_fragment(kept: World) -> None:
    url = reverse("groups:detail", args=[kept.group.pk])
    leader, member = _client(kept.users["leader"]), _client(kept.users["member"])
    assert "Legg til person" in _get(leader, url)[0]
    assert "Legg til person" not in _get(member, url)[0]
    member.cookies["django_language"] = "en"
    english = _get(member, url)[0]
    assert "Members and rights" in english and "Medlemmer og rettigheter" not in english


def test_a_block_inside_a_fragment_is_refused_when_the_template_is_read() -> None:
    """A fragment's HTML is kept for every page that extends its template, so a block in it
    would show one page's content on the next; the tag says so instead."""
    from django.template import Template, TemplateSyntaxError

    with pytest.raises(TemplateSyntaxError, match="block"):
        Template('{% fragment "f" %}{% block content %}{% endblock %}{% endfragment %}')


def test_the_blocks_beside_a_fragment_are_still_filled_by_the_page(kept: World) -> None:
    """{% extends %} no longer looks inside fragments for blocks (issue 13); the base
    template's own blocks, around its header and footer fragments, are still the page's."""
    html = _get(_client(kept.users["member"]), reverse("groups:home"))[0]
    assert "<title>Mine grupper · Gruppeportalen</title>" in html
    assert 'class="site-header"' in html and 'class="site-footer"' in html
    assert (
        html.index('class="site-header"') < html.index("<h1>") < html.index('class="site-footer"')
    )


# --- nothing kept from an uncommitted transaction -------------------------------------------
def test_nothing_is_kept_while_a_transaction_has_written(kept: World) -> None:
    from django.core.cache import caches

    computed: list[int] = []
    with transaction.atomic():
        User.objects.filter(pk=kept.users["member"].pk).update(full_name="Ikke Ennå")
        assert pagecache.remember("probe", lambda: computed.append(1)) is None
        assert pagecache.remember("probe", lambda: computed.append(1)) is None
    assert len(computed) == 2
    assert caches["answers"].get(f"{pagecache.generation()}:probe", "absent") == "absent"
    # after the commit, answers are kept again
    assert pagecache.remember("probe", lambda: computed.append(1)) is None
    assert pagecache.remember("probe", lambda: computed.append(1)) is None
    assert len(computed) == 3


# --- the form for sending in an item stays fresh (G9) ---------------------------------------
def test_two_tabs_of_a_cached_meeting_page_send_two_items_G9(kept: World) -> None:
    meeting = make_meeting(kept.group, starts_at=timezone.now() + dt.timedelta(days=3))
    make_item(meeting, title="Budsjett")
    client = _client(kept.users["member"])
    url = reverse("meetings:detail", args=[meeting.pk])
    key = re.compile(r'name="submit-submit_key" value="([^"]+)"')
    first, second = (key.search(_get(client, url)[0]) for _ in range(2))
    assert first and second and first.group(1) != second.group(1)
    for title, match in (("Skolemat", first), ("Gatelys", second)):
        client.post(
            reverse("meetings:item_submit", args=[meeting.pk]),
            {"submit-title": title, "submit-submit_key": match.group(1)},
        )
    assert set(AgendaItem.objects.filter(meeting=meeting).values_list("title", flat=True)) >= {
        "Skolemat",
        "Gatelys",
    }


# --- a copy of the cache volume or data folder holds no page --------------------------------
def test_no_page_lies_in_the_shared_cache_files(kept: World, settings: Any, tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(folder),
        },
    }
    meeting = make_meeting(kept.group, starts_at=timezone.now() + dt.timedelta(days=3))
    make_item(meeting, title="Hemmelig sak om skolemat")
    for role in ("member", "leader"):
        client = _client(kept.users[role])
        for url in (
            reverse("groups:home"),
            reverse("groups:detail", args=[kept.group.pk]),
            reverse("meetings:list"),
            reverse("meetings:detail", args=[meeting.pk]),
        ):
            _get(client, url)
            _get(client, url)
    stored = []
    for path in folder.rglob("*.djcache"):
        with path.open("rb") as handle:
            pickle.load(handle)  # noqa: S301  # nosec B301 - the expiry, our own file
            stored.append(pickle.loads(zlib.decompress(handle.read())))  # noqa: S301  # nosec B301
    for value in stored:  # allauth's and the rate limits' counters, if any
        assert "Skolemat" not in repr(value) and "<" not in repr(value), value
    # The generations lie in a file of numbers beside it, 8 bytes each, and nothing else.
    numbers = (folder / "generations.bin").read_bytes()
    assert len(numbers) == 8 * len(pagecache.SharedNumbers.KEYS)
    assert any(numbers), "the generations are shared through the file"
    assert oct((folder / "generations.bin").stat().st_mode & 0o777) == oct(0o600)


# --- a cache that is away slows pages down, and breaks none ---------------------------------
def test_with_the_cache_away_every_page_is_worked_out_afresh(
    kept: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.core.cache import cache

    client = _client(kept.users["member"])
    url = reverse("groups:detail", args=[kept.group.pk])
    _get(client, url)

    def away(*_args: Any, **_kwargs: Any) -> Any:
        raise ConnectionError("the cache server is away")

    for name in ("get", "get_many", "add", "set", "set_many", "incr"):
        monkeypatch.setattr(cache, name, away)
    User.objects.filter(pk=kept.users["leader"].pk).update(full_name="Liv Borte")
    page, asked = _get(client, url)
    assert "Liv Borte" in page
    assert _get(client, url)[1] == asked, "nothing is kept without a generation"


# --- a calendar's repeat is cheap, and a revoked address stops at once ------------------
def test_a_calendar_repeat_is_cheap_and_a_revoked_address_stops_at_once(
    kept: World,
) -> None:
    from meetings import services as meeting_services

    meeting = make_meeting(kept.group, starts_at=timezone.now() + dt.timedelta(days=2))
    token = meeting_services.calendar_feed_create(actor=kept.users["member"])
    url = reverse("meetings:feed", args=[token])
    calendar = Client()
    first = calendar.get(url)
    calendar.get(url, headers={"If-None-Match": first["ETag"]})
    with CaptureQueriesContext(connection) as ctx:
        repeat = calendar.get(url, headers={"If-None-Match": first["ETag"]})
    # only the user's memberships (which groups' meetings they see) are asked again
    assert repeat.status_code == 304 and len(ctx.captured_queries) <= 1
    meeting.title = "Flyttet gruppemøte"
    meeting.save()
    changed = calendar.get(url, headers={"If-None-Match": first["ETag"]})
    assert changed.status_code == 200 and b"Flyttet gruppem" in changed.content
    meeting_services.calendar_feed_revoke(actor=kept.users["member"])
    assert calendar.get(url).status_code == 404


# --- access taken away shows at once, cached page or not ----------------------------------
def test_a_member_who_leaves_loses_the_kept_pages_at_once_G1(kept: World) -> None:
    """Access is checked on every request, and the answers it keeps move with the
    generation: a member who has left gets 404 on the pages they had just seen."""
    meeting = make_meeting(kept.group, starts_at=timezone.now() + dt.timedelta(days=3))
    client = _client(kept.users["member"])
    urls = [
        reverse("groups:detail", args=[kept.group.pk]),
        reverse("meetings:detail", args=[meeting.pk]),
    ]
    for url in urls:
        _get(client, url)
        _get(client, url)
    group_services.membership_leave(
        actor=kept.users["leader"],
        membership=kept.memberships["member"],
        left_on=timezone.localdate(),
    )
    for url in urls:
        assert client.get(url).status_code == 404, url
    assert "Grønnbygd" not in _get(client, reverse("groups:home"))[0]


# --- per table: what a write does not touch stays kept --------------------------------------
def _tables_read(ctx: CaptureQueriesContext) -> set[str]:
    return {t for q in ctx.captured_queries for t in re.findall(r'FROM "(\w+)"', q["sql"])}


def _checking_in(kept: World, *roles: str) -> tuple[Meeting, str, dict[str, Client]]:
    """A session under way, its check-in page, and a phone for each of ``roles`` that
    logged in before the meeting, has consented and has scanned."""
    now = timezone.now()
    meeting = make_session_meeting(
        kept.group, starts_at=now - dt.timedelta(minutes=5), ends_at=now + dt.timedelta(hours=2)
    )
    course = make_course(kept.group, kept.users["leader"], status="approved", meetings=[meeting])
    scan = reverse("attendance:scan", args=[checkin.qr_token(meeting, now)])
    phones = {}
    for role in roles:
        give_consent(course, kept.users[role])
        phones[role] = _client(kept.users[role])
        phones[role].get(scan)
    return meeting, reverse("attendance:checkin", args=[meeting.pk]), phones


def test_a_check_in_storm_leaves_the_user_roles_memberships_and_session_kept_S16(
    kept: World,
) -> None:
    """300 phones at a session's start: each check-in writes a presence and an audit row,
    and the next member's check-in still finds the user, roles, memberships and the course
    session kept; only their own presence and consent are read."""
    meeting, url, phones = _checking_in(kept, "member", "deputy")
    phones["member"].get(reverse("groups:home"))  # where the member was before the scan
    phones["member"].get(url)  # the page before the button
    assert phones["deputy"].post(url).status_code == 302  # the first of the storm
    with CaptureQueriesContext(connection) as ctx:
        assert phones["member"].post(url).status_code == 302
    read = _tables_read(ctx)
    assert not read & {
        "groups_user",
        "auth_group",
        "groups_membership",
        "attendance_coursesession",
        "meetings_meeting",
    }, read
    assert {"attendance_presence", "attendance_consent"} <= read
    assert Presence.objects.filter(meeting=meeting).count() == 2


def test_a_member_no_process_has_seen_checks_in_with_one_read_of_them_S16_G16(
    kept: World,
) -> None:
    """The members of a storm are new to the web process that takes their tap (issue 13).
    Such a member costs their user and their central roles (the MFA check's), and no read
    of their memberships: whether they have declared themselves independent of the group
    (G16) is read once for the group, by the first of them."""
    _meeting, url, phones = _checking_in(kept, "member", "deputy")
    from django.core.cache import caches

    caches["answers"].clear()  # as a web process that has seen none of them
    assert phones["deputy"].post(url).status_code == 302
    with CaptureQueriesContext(connection) as ctx:
        assert phones["member"].post(url).status_code == 302
    sqls = [q["sql"] for q in ctx.captured_queries]
    assert sum('FROM "groups_user"' in sql for sql in sqls) == 1, sqls
    assert sum('FROM "auth_group"' in sql for sql in sqls) == 1, sqls
    assert not any('"groups_membership"' in sql for sql in sqls), sqls
    assert Presence.objects.filter(ended_at=None).count() == 2


def test_independence_declared_while_members_check_in_counts_at_the_next_tap_G16(
    kept: World,
) -> None:
    """The group's independents are kept for its members' taps, and a declaration moves
    them: the newly independent member is refused, with the reason, and nothing stored."""
    _meeting, url, phones = _checking_in(kept, "member", "deputy")
    assert phones["deputy"].post(url).status_code == 302  # the group's answer is kept now
    membership = kept.group.memberships.get(user=kept.users["member"])
    group_services.membership_declare_independent(
        actor=kept.users["leader"], membership=membership, from_date=timezone.localdate()
    )
    response = phones["member"].post(url)
    assert response.status_code == 400
    assert "meldt deg uavhengig" in response.content.decode()
    assert not Presence.objects.filter(user=kept.users["member"]).exists()


def test_a_login_leaves_every_other_user_kept_S16(kept: World) -> None:
    """Members log in on their phones as a session starts; each login stamps its own
    ``last_login``, and the members already in still find their user row kept."""
    member, deputy = _client(kept.users["member"]), kept.users["deputy"]
    deputy.set_password("Innlogging-2026-lang")
    deputy.save()
    url = reverse("groups:home")
    _get(member, url)
    _get(member, url)
    assert Client().login(email=deputy.email, password="Innlogging-2026-lang")
    with CaptureQueriesContext(connection) as ctx:
        assert member.get(url).status_code == 200
    assert "groups_user" not in _tables_read(ctx)
    deputy.refresh_from_db()
    assert deputy.last_login is not None


def test_a_deactivated_user_is_logged_out_at_once_though_only_their_row_changed(
    kept: World,
) -> None:
    client = _client(kept.users["member"])
    url = reverse("groups:home")
    _get(client, url)
    _get(client, url)
    User.objects.filter(pk=kept.users["member"].pk).update(is_active=False)
    assert client.get(url).status_code == 302


def test_a_role_taken_away_counts_at_once_though_only_the_role_table_changed(
    kept: World,
) -> None:
    """A course administrator (MFA) who loses the role is refused the queue on the next
    request: roles are kept under their kind's generation, and a role change moves
    them."""
    admin = kept.users["course_admin"]
    client = _client(admin)
    queue = reverse("attendance:admin_queue")
    assert client.get(queue).status_code == 200
    assert client.get(queue).status_code == 200
    admin.groups.remove(AuthGroup.objects.get(name="course_administrators"))
    assert client.get(queue).status_code in (403, 404)


def test_a_role_taken_away_by_another_process_counts_at_once(kept: World) -> None:
    """A role taken away by another process (the admin's web worker: no signal here, only
    the write) moves the kept roles, and the next request finds the administrator without
    the role."""
    admin = kept.users["course_admin"]
    client = _client(admin)
    queue = reverse("attendance:admin_queue")
    assert client.get(queue).status_code == 200
    assert client.get(queue).status_code == 200
    with connection.cursor() as cursor:
        cursor.execute('DELETE FROM "groups_user_groups" WHERE "user_id" = %s', [admin.pk])
    assert client.get(queue).status_code in (403, 404)


def test_an_unnamed_table_is_found_out_in_the_tests(kept: World) -> None:
    """An answer kept under named tables but read from another would go stale when that
    one changes: the test settings refuse it."""
    with pytest.raises(ImproperlyConfigured, match="groups_councilgroup"):
        pagecache.remember(
            "probe-unnamed",
            lambda: list(kept.group.__class__.objects.all()),
            kind="user",
        )


def test_a_write_moves_the_kinds_read_from_its_table_and_a_truncate_all() -> None:
    kinds = {kind: pagecache.generation(kind) for kind in pagecache.KEPT}
    everything = pagecache.generation()
    pagecache.bump({"attendance_presence", "groups_auditentry"})  # a check-in
    assert {kind: pagecache.generation(kind) for kind in pagecache.KEPT} == kinds
    assert pagecache.generation() != everything
    pagecache.bump({"groups_membership"})
    moved = {kind for kind in pagecache.KEPT if pagecache.generation(kind) != kinds[kind]}
    assert moved == {"memberships"}
    pagecache.bump({pagecache.ANY_TABLE})
    assert all(pagecache.generation(kind) != kinds[kind] for kind in pagecache.KEPT)


def test_a_repeat_asks_the_cache_for_its_generations_once(
    kept: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The user, roles, permissions, group and fragments each need generations; a request
    reads them all in one round trip, and a write in the request reads them afresh."""
    from django.core.cache import cache

    client = _client(kept.users["member"])
    url = reverse("groups:detail", args=[kept.group.pk])
    _get(client, url)
    _get(client, url)
    asked: list[list[str]] = []
    real = cache.get_many

    def counted(keys: Any, *args: Any, **kwargs: Any) -> Any:
        asked.append(list(keys))
        return real(keys, *args, **kwargs)

    monkeypatch.setattr(cache, "get_many", counted)
    _get(client, url)
    assert len(asked) == 1, asked
    assert pagecache.KIND_KEY.format("user") in asked[0]
    asked.clear()
    User.objects.filter(pk=kept.users["deputy"].pk).update(full_name="Nils Nytt")
    assert len(asked) == 0  # outside a request: nothing memoised, nothing asked ahead
    assert "Nils Nytt" in _get(client, url)[0]


def test_the_answers_of_a_county_groups_500_members_stay_kept_beside_full_fragments_G2_S16(
    kept: World,
) -> None:
    """G2 gives every local party member rights in a county group, and S16 has hundreds
    check in at once: each needs its user, roles and memberships on every request. Those
    answers are kept apart from the fragments, so that neither 500 members' answers nor a
    fragment cache filled to its limit pushes any of them out."""
    from django.core.cache import caches

    computed: list[str] = []

    def worked_out(key: str) -> str:
        computed.append(key)
        return key

    def answers() -> None:
        for member in range(500):
            for kind in ("user", "roles", "memberships"):
                key = f"{kind}:{member}"
                assert pagecache.remember(key, partial(worked_out, key), kind=kind) == key

    answers()
    assert len(computed) == 1500
    fragments = caches["fragments"]
    for n in range(2000):  # more than the fragment cache holds
        fragments.set(f"page-{n}", "<p>…</p>")
    answers()
    assert len(computed) == 1500, "an answer was worked out again"


def test_the_embedded_runs_processes_share_every_move_of_a_generation_S16(
    settings: Any, tmp_path: Path
) -> None:
    """Without a cache server the web workers and the Celery worker share the generations
    through a file of numbers mapped into each: a write in one process (here another
    Python, as the Celery worker is) shows in the next read of this one, and no cache file
    is written or renamed for it."""
    import subprocess  # nosec B404 - our own interpreter, fixed arguments
    import sys

    folder = tmp_path / "cache"
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(folder),
        },
    }

    def other_process(code: str) -> str:
        """``code`` run by another Python with ``numbers``: the file's numbers, mapped there."""
        program = (
            "import sys; from config.pagecache import SharedNumbers, KIND_KEY; "
            f"numbers = SharedNumbers(sys.argv[1]); {code}"
        )
        return subprocess.run(  # nosec B603
            [sys.executable, "-c", program, str(folder)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()

    before = {kind: pagecache.generation(kind) for kind in (None, "memberships", "user")}
    assert all(before.values())
    other_process("numbers.set_many({KIND_KEY.format('memberships'): 12345})")
    assert pagecache.generation("memberships") == 12345
    assert pagecache.generation("user") == before["user"]
    pagecache.bump({"groups_user"})
    seen = other_process("print(numbers.get(KIND_KEY.format('user')))")
    assert int(seen) == pagecache.generation("user") != before["user"]
    assert not list(folder.rglob("*.djcache")), "no cache file for a generation"
