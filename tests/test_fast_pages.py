"""Issue 13, fast pages: query counts that stay flat from 1× to 10× data, the county group's
long member list (G2) paged and searchable, one access lookup per request that never goes
stale, and calendar feeds and PDFs that answer a repeat request with 304 and are cached per
user until what they show changes. (Speed itself is measured by tests/benchmarks, never
asserted here.)"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.http import Http404
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from groups import services as group_services
from groups.models import BoardRole, GroupKind, Seat
from groups.permissions import active_memberships, can_manage, get_group_for_user, membership_for
from meetings import services as meeting_services
from meetings.models import Meeting
from tests.attendance.certificates.builders import make_held_course
from tests.conftest import World
from tests.factories.attendance import make_course, make_presence, make_session_meeting
from tests.factories.groups import make_group, make_membership, make_user
from tests.factories.meetings import make_item, make_meeting


def counted(calls: list[int], real: Callable[..., Any]) -> Callable[..., Any]:
    """``real``, noting each call in ``calls``."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    return wrapper


def queries(client: Client, url: str) -> int:
    client.get(url)  # warm: session stamps
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx.captured_queries)


def grown(counts: Callable[[], int], grow: Callable[[], object]) -> tuple[int, int]:
    before = counts()
    grow()
    return before, counts()


# --- query counts, 1× and 10× ----------------------------------------------------------------
@pytest.mark.parametrize("role", ["member", "leader"])
def test_the_group_page_asks_the_same_queries_for_10_and_100_members_G1(
    world: World, role: str
) -> None:
    client = world.client_for(role)
    url = reverse("groups:detail", args=[world.group.pk])
    for _ in range(4):
        make_membership(world.group)
    one, ten = grown(
        lambda: queries(client, url),
        lambda: [make_membership(world.group) for _ in range(90)],
    )
    assert one == ten


def test_the_meeting_page_asks_the_same_queries_for_3_and_30_items(world: World) -> None:
    meeting = make_meeting(world.group, starts_at=timezone.now() + dt.timedelta(days=3))
    for _ in range(3):
        make_item(meeting)
    client = world.client_for("member")
    url = reverse("meetings:detail", args=[meeting.pk])
    one, ten = grown(lambda: queries(client, url), lambda: [make_item(meeting) for _ in range(27)])
    assert one == ten


def test_the_live_view_asks_the_same_queries_for_4_and_40_participants(world: World) -> None:
    start = timezone.now() - dt.timedelta(days=60)
    meetings = [
        make_session_meeting(world.group, starts_at=start + dt.timedelta(days=7 * i))
        for i in range(3)
    ]
    course = make_course(world.group, world.users["leader"], meetings=meetings)

    def join(n: int) -> None:
        for _ in range(n):
            person = make_membership(world.group).user
            for m in meetings:
                make_presence(m, person)

    join(4)
    client = world.client_for("leader")
    url = reverse("attendance:live", args=[course.pk])
    one, ten = grown(lambda: queries(client, url), lambda: join(36))
    assert one == ten


def test_the_calendar_feed_asks_the_same_queries_for_5_and_50_meetings(world: World) -> None:
    token = meeting_services.calendar_feed_create(actor=world.users["member"])
    url = reverse("meetings:feed", args=[token])
    soon = timezone.now() + dt.timedelta(days=1)

    def add(n: int) -> None:
        for i in range(n):
            make_meeting(world.group, starts_at=soon + dt.timedelta(days=i))

    add(5)
    one, ten = grown(lambda: queries(Client(), url), lambda: add(45))
    assert one == ten


# --- the county group's long list (G2) -------------------------------------------------------
@pytest.fixture
def county(db: None) -> dict[str, Any]:
    group = make_group(area_name="Innlandet", kind=GroupKind.COUNTY)
    leader = make_membership(
        group, make_user(full_name="Lise Fylkesleder"), board_role=BoardRole.LEADER
    )
    make_membership(group, make_user(full_name="Åse Representant"))
    for n in range(118):
        make_membership(
            group, make_user(full_name=f"Lokal Partimedlem {n:03d}"), seat=Seat.PARTY_MEMBER
        )
    client = Client()
    client.force_login(leader.user)
    return {"group": group, "client": client, "url": reverse("groups:detail", args=[group.pk])}


def member_rows(html: str) -> list[str]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r'<th scope="row">([^<]+)</th>', body)


def test_a_county_group_page_lists_members_50_at_a_time_representatives_first_G2(
    county: dict[str, Any],
) -> None:
    first = county["client"].get(county["url"]).content.decode()
    last = county["client"].get(county["url"], {"side": "3"}).content.decode()

    rows = member_rows(first)
    assert len(rows) == 50
    assert rows[:2] == ["Lise Fylkesleder", "Åse Representant"]  # before the party members
    assert "Side 1 av 3" in first and "side=2" in first
    assert len(member_rows(last)) == 120 - 100
    assert "Lokal Partimedlem 117" in last


def test_the_leader_finds_anyone_on_the_list_by_name_G2(county: dict[str, Any]) -> None:
    found = county["client"].get(county["url"], {"q": "partimedlem 117"}).content.decode()
    none = county["client"].get(county["url"], {"q": "Ingen Slik"}).content.decode()

    assert member_rows(found) == ["Lokal Partimedlem 117"]
    assert 'value="partimedlem 117"' in found and "1 treff" in found
    assert member_rows(none) == [] and "0 treff" in none


@pytest.mark.parametrize("side", ["abc", "-1", "999", "1" * 40])
def test_any_page_number_answers_a_page_never_an_error(county: dict[str, Any], side: str) -> None:
    assert county["client"].get(county["url"], {"side": side}).status_code == 200


# --- one access lookup per request, never stale ------------------------------------------------
def test_access_answers_follow_a_membership_change_on_the_same_user_object(world: World) -> None:
    person, leader, group = make_user(full_name="Nina Ny"), world.users["leader"], world.group
    today = timezone.localdate()
    with pytest.raises(Http404):
        get_group_for_user(person, group.pk)
    assert membership_for(person, group) is None and active_memberships(person) == []

    membership = make_membership(group, person)
    assert get_group_for_user(person, group.pk) == group
    assert not can_manage(person, group) and membership_for(person, group) == membership
    assert [m.pk for m in active_memberships(person)] == [membership.pk]

    group_services.membership_leave(
        actor=leader, membership=world.memberships["deputy"], left_on=today
    )
    group_services.membership_update(
        actor=leader, membership=membership, seat=Seat.REGULAR, board_role=BoardRole.DEPUTY
    )
    assert can_manage(person, group)
    assert get_group_for_user(person, group.pk, "manage") == group

    membership.refresh_from_db()
    group_services.membership_leave(actor=leader, membership=membership, left_on=today)
    with pytest.raises(Http404):
        get_group_for_user(person, group.pk)
    assert not can_manage(person, group) and active_memberships(person) == []


def test_the_group_page_asks_guardian_once_not_twice(world: World) -> None:
    client = world.client_for("leader")
    url = reverse("groups:detail", args=[world.group.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    permission_reads = [
        q["sql"] for q in ctx.captured_queries if "userobjectpermission" in q["sql"].lower()
    ]
    assert len(permission_reads) == 1


def own_reads(client: Client, url: str, user_id: int) -> dict[str, int]:
    """How often one request reads the user's central roles and their own memberships."""
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    sqls = [q["sql"] for q in ctx.captured_queries]
    own = f'"groups_membership"."user_id" = {user_id}'
    return {
        "roles": sum('FROM "auth_group"' in sql for sql in sqls),
        "memberships": sum(
            sql.startswith('SELECT "groups_membership"."id"') and own in sql for sql in sqls
        ),
    }


@pytest.mark.parametrize("role", ["member", "leader", "course_admin"])
def test_the_home_page_reads_the_users_roles_and_memberships_once(world: World, role: str) -> None:
    """The MFA check, the menu, every app's role check and the home page's providers share
    one read of the user's roles and one of their memberships (G1, G22, E1)."""
    user = world.users[role]
    make_membership(make_group(area_name="Andreby"), user)  # a second group of their own
    assert own_reads(world.client_for(role), reverse("groups:home"), user.pk) == {
        "roles": 1,
        "memberships": 1,
    }


def test_the_live_view_reads_the_courses_sessions_and_exemption_once_S4(world: World) -> None:
    meetings = [
        make_session_meeting(world.group, starts_at=timezone.now() - dt.timedelta(days=7 * i))
        for i in range(3)
    ]
    course = make_course(world.group, world.users["leader"], meetings=meetings)
    client = world.client_for("leader")
    url = reverse("attendance:live", args=[course.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    sqls = [q["sql"] for q in ctx.captured_queries]
    assert sum('FROM "attendance_coursesession"' in sql for sql in sqls) == 1
    assert sum('FROM "attendance_exemption"' in sql for sql in sqls) == 1


# --- 304s and caches ----------------------------------------------------------------------------
def conditional(client: Client, url: str) -> tuple[Any, Any]:
    first = client.get(url)
    assert first.status_code == 200 and first["ETag"], url
    repeat = client.get(url, headers={"If-None-Match": first["ETag"]})
    return first, repeat


def test_a_calendar_refetching_its_feed_gets_304_until_a_meeting_changes(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from meetings.views import followup

    builds: list[int] = []
    monkeypatch.setattr(followup, "build_calendar", counted(builds, followup.build_calendar))
    meeting = make_meeting(world.group, starts_at=timezone.now() + dt.timedelta(days=2))
    token = meeting_services.calendar_feed_create(actor=world.users["member"])
    url = reverse("meetings:feed", args=[token])
    calendar = Client()

    first, repeat = conditional(calendar, url)
    plain_again = calendar.get(url)  # a calendar that sends no ETag: the cached body
    meeting.title = "Flyttet gruppemøte"
    meeting.save()
    changed = calendar.get(url, headers={"If-None-Match": first["ETag"]})

    assert repeat.status_code == 304 and repeat.content == b""
    assert repeat["ETag"] == first["ETag"]
    assert plain_again.status_code == 200 and plain_again.content == first.content
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]
    assert b"Flyttet gruppem" in changed.content
    assert len(builds) == 2  # once for the first body, once after the change


def test_a_meeting_leaving_the_feed_changes_its_etag(world: World) -> None:
    meeting = make_meeting(world.group, starts_at=timezone.now() + dt.timedelta(days=2))
    make_meeting(world.group, starts_at=timezone.now() + dt.timedelta(days=3))
    token = meeting_services.calendar_feed_create(actor=world.users["member"])
    url = reverse("meetings:feed", args=[token])
    first = Client().get(url)
    Meeting.objects.filter(pk=meeting.pk).delete()
    after = Client().get(url, headers={"If-None-Match": first["ETag"]})
    assert after.status_code == 200 and after.content.count(b"BEGIN:VEVENT") == 1


def test_the_rules_pdf_answers_304_and_changes_when_the_members_do(world: World) -> None:
    client = world.client_for("member")
    url = reverse("groups:rules_pdf", args=[world.group.pk, world.ruleset.version])

    first, repeat = conditional(client, url)
    make_membership(world.group, make_user(full_name="Ny Representant"))
    changed = client.get(url, headers={"If-None-Match": first["ETag"]})

    assert repeat.status_code == 304 and repeat.content == b""
    assert changed.status_code == 200 and changed.content.startswith(b"%PDF")
    assert changed["ETag"] != first["ETag"]


def test_approved_minutes_pdf_answers_304_and_is_cached_per_user(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from config import pdf

    meeting = make_meeting(world.group, starts_at=timezone.now() - dt.timedelta(days=2))
    make_item(meeting, title="Skolestruktur", discussion="Drøftet", conclusion="Vedtatt")
    version = meeting_services.minutes_approve(actor=world.users["leader"], meeting=meeting)
    url = reverse("meetings:minutes_pdf", args=[meeting.pk, version.number])
    layouts: list[int] = []
    monkeypatch.setattr(pdf, "layout", counted(layouts, pdf.layout))
    member, deputy = world.client_for("member"), world.client_for("deputy")

    first, repeat = conditional(member, url)
    again = member.get(url)
    other_user = deputy.get(url)

    assert repeat.status_code == 304
    assert again.content == first.content
    assert other_user.status_code == 200 and other_user["ETag"] == first["ETag"]
    assert len(layouts) == 2  # the member's once (then cached), the deputy's own once


def test_the_testament_pdf_answers_304(world: World) -> None:
    url = reverse("meetings:testament", args=[world.group.pk]) + "?format=pdf"
    _first, repeat = conditional(world.client_for("member"), url)
    assert repeat.status_code == 304


def test_the_attendance_list_pdf_answers_304_but_is_never_stored_S10(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from attendance.views import courses
    from config import conditional as conditional_module

    built = make_held_course(world.group, world.users["leader"])
    url = reverse("attendance:attendance_list_pdf", args=[built.course.pk])
    stored: list[str] = []
    monkeypatch.setattr(conditional_module, "_cache_set", lambda key, body: stored.append(key))
    renders: list[int] = []
    monkeypatch.setattr(
        courses.services,
        "attendance_list_pdf",
        counted(renders, courses.services.attendance_list_pdf),
    )
    client = world.client_for("leader")

    first, repeat = conditional(client, url)
    client.get(url)

    assert repeat.status_code == 304
    assert first["Cache-Control"] == "private, no-store"
    assert stored == [] and len(renders) == 2


def test_a_certificate_download_answers_304_with_its_stored_digest(world: World) -> None:
    from attendance.models import Certificate, CertificateRun
    from attendance.services.certificates import certificates_generate

    built = make_held_course(world.group, world.users["leader"])
    run = CertificateRun.objects.create(
        course=built.course, requested_by=world.users["leader"], requested_at=timezone.now()
    )
    certificates_generate(run_id=run.pk)
    certificate = Certificate.objects.filter(run=run).first()
    assert certificate is not None
    url = reverse("attendance:certificate_download", args=[built.course.pk, certificate.pk])

    first, repeat = conditional(world.client_for("leader"), url)

    assert first["ETag"] == f'"{certificate.sha256}"'
    assert repeat.status_code == 304 and repeat.content == b""
