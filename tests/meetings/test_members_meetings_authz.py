"""The authorization matrix's rows for two seats the shared matrix has no role for (G2, G8,
G26): a local party member who is not a representative, and the local chapter leader. The
party member sees and attends members' meetings (and, in a municipal group, the open group
meetings, G8) but no faction or board meetings and none of the leader's pages; the chapter
leader calls and runs members' meetings, nothing more. The sample objects are the shared
matrix's (``tests/authz/meetings.py``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from groups.models import Seat
from meetings import services
from meetings.models import MeetingKind, Minutes, MinutesStatus, MinutesVersion
from tests.authz import meetings as shared
from tests.conftest import World
from tests.factories.groups import make_membership, make_user

pytestmark = pytest.mark.django_db

ROLES = ("party_member", "chapter_leader")


def _setup(world: World) -> None:
    shared.setup(world)
    members = world.extra["members"]
    minutes = Minutes.objects.create(
        meeting=members, status=MinutesStatus.APPROVED, approved_at=timezone.now()
    )
    MinutesVersion.objects.create(
        minutes=minutes,
        number=1,
        approved_at=timezone.now(),
        content=services.minutes_snapshot(members),
    )
    world.users["party_member"] = make_membership(
        world.group, make_user(full_name="Per Partimedlem"), seat=Seat.PARTY_MEMBER
    ).user
    world.users["chapter_leader"] = make_membership(
        world.group, make_user(full_name="Lise Lokallag"), seat=Seat.CHAPTER_LEADER
    ).user


def _pk(name: str) -> Any:
    return lambda w: [w.extra[name].pk]


def _form(name: str, kind: str) -> Any:
    return lambda w: [w.extra[name].pk, kind]


def _members_meeting(w: World) -> dict[str, str]:
    start = timezone.localtime(timezone.now() + dt.timedelta(days=49)).replace(
        hour=8, minute=0, second=0, microsecond=0
    )
    return {
        "kind": MeetingKind.MEMBERS,
        "title": "Medlemsmøte om skole",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "mode": "physical",
    }


# (url name, args, method, data, {role: status}, label)
ROWS: list[tuple[str, Any, str, Any, dict[str, int], str]] = [
    ("meetings:detail", _pk("members"), "get", None, {"party_member": 200, "chapter_leader": 200}, "members"),
    ("meetings:detail", _pk("meeting"), "get", None, {"party_member": 200, "chapter_leader": 200}, "group-G8"),
    ("meetings:detail", _pk("board"), "get", None, {"party_member": 404, "chapter_leader": 404}, "board-G17"),
    ("meetings:detail", _pk("faction"), "get", None, {"party_member": 404, "chapter_leader": 200}, "faction"),
    ("meetings:meeting_ics", _pk("members"), "get", None, {"party_member": 200, "chapter_leader": 200}, "members"),
    ("meetings:meeting_ics", _pk("faction"), "get", None, {"party_member": 404, "chapter_leader": 200}, "faction"),
    ("meetings:minutes_pdf", lambda w: [w.extra["members"].pk, 1], "get", None, {"party_member": 200, "chapter_leader": 200}, "members"),
    ("meetings:attendance_confirm", _pk("members"), "post", {}, {"party_member": 302, "chapter_leader": 302}, "members"),
    # not summoned to the group meeting (G2): the page again with the message
    ("meetings:absence_report", _pk("meeting"), "post", {}, {"party_member": 200, "chapter_leader": 302}, "group-G2"),
    ("meetings:create", lambda w: [w.group.pk], "get", None, {"party_member": 403, "chapter_leader": 200}, "form"),
    ("meetings:create", lambda w: [w.group.pk], "post", _members_meeting, {"party_member": 403, "chapter_leader": 302}, "members-G26"),
    ("meetings:edit", _pk("members"), "get", None, {"party_member": 403, "chapter_leader": 200}, "members"),
    ("meetings:edit", _pk("meeting"), "get", None, {"party_member": 403, "chapter_leader": 403}, "group"),
    ("meetings:leader", _pk("members"), "get", None, {"party_member": 403, "chapter_leader": 200}, "members"),
    ("meetings:summons_send", _pk("members"), "get", None, {"party_member": 403, "chapter_leader": 200}, "members"),
    ("meetings:item_chapter_link", _pk("item"), "post", {}, {"party_member": 403, "chapter_leader": 403}, "group-item"),
    ("meetings:item_briefing", _pk("item"), "post", {}, {"party_member": 403, "chapter_leader": 403}, "group-item"),
    ("meetings:item_form", _form("item", "lokallag"), "get", None, {"party_member": 403, "chapter_leader": 403}, "chapter"),
    ("meetings:item_form", _form("item", "orientering"), "get", None, {"party_member": 403, "chapter_leader": 403}, "briefing"),
    ("meetings:item_form", _form("members_item", "referat"), "get", None, {"party_member": 403, "chapter_leader": 200}, "members-minutes"),
    ("meetings:item_form", _form("members_item", "orientering"), "get", None, {"party_member": 403, "chapter_leader": 404}, "members-briefing"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "args", "method", "data", "statuses", "role"),
    [
        pytest.param(n, a, m, d, s, role, id=f"{n}[{label}]-{role}")
        for n, a, m, d, s, label in ROWS
        for role in ROLES
    ],
)
def test_party_member_and_chapter_leader_get_the_expected_status_G2_G8_G26(
    world: World, name: str, args: Any, method: str, data: Any, statuses: dict, role: str
) -> None:
    _setup(world)
    client = Client()
    client.force_login(world.users[role])
    url = reverse(name, args=args(world))
    payload = data(world) if callable(data) else (data or {})
    response = getattr(client, method)(url, payload)
    assert response.status_code == statuses[role], f"{role} {method} {url}"
    if response.status_code in (200, 403, 404) and response["Content-Type"].startswith("text/html"):
        assert '<main id="main"' in response.content.decode()
