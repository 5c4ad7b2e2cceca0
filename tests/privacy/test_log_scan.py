"""No personal data in logs, e-mail subjects or Celery task arguments (issue 7).

A fixture captures every log record, every e-mail and every task queued while the main
flows run through the views with the test client; the test then scans them for the
people's names, e-mail addresses and birth years.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterator
from typing import Any

import pytest
from celery.app.task import Task
from django.core import mail
from django.test import Client
from django.urls import NoReverseMatch, reverse

from groups.models import User
from tests.conftest import World
from tests.factories.groups import PASSWORD

NEW_MEMBER = {"full_name": "Torbjørg Nymedlem", "email": "torbjorg.ny@example.org"}


class Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.texts: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.texts.append(f"{record.name} {record.getMessage()}")
        if record.exc_info:
            self.texts.append(logging.Formatter().formatException(record.exc_info))


@pytest.fixture
def captured(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, list[str]]]:
    handler = Capture()
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    tasks: list[str] = []
    original = Task.apply_async

    def recording(self: Task, args: Any = None, kwargs: Any = None, **options: Any) -> Any:
        tasks.append(f"{self.name} {args!r} {kwargs!r}")
        return original(self, args, kwargs, **options)

    monkeypatch.setattr(Task, "apply_async", recording)
    result = {"logs": handler.texts, "tasks": tasks}
    yield result
    root.removeHandler(handler)
    root.setLevel(old_level)


def _people(world: World) -> list[User]:
    for n, user in enumerate(world.users.values()):
        user.birth_year = 1921 + n  # years nothing else in a run would print
        user.save(update_fields=["birth_year"])
    return list(world.users.values())


def _needles(people: list[User]) -> list[str]:
    found = [NEW_MEMBER["full_name"], NEW_MEMBER["email"]]
    for person in User.objects.filter(pk__in=[p.pk for p in people]):
        found += [person.full_name, person.email, str(person.birth_year)]
    return found


def _run_main_flows(world: World) -> None:
    anonymous = Client()
    member = world.users["member"]
    # login through the real form (and one failed attempt, which is often logged)
    anonymous.post(reverse("account_login"), {"login": member.email, "password": "feil"})
    anonymous.post(reverse("account_login"), {"login": member.email, "password": PASSWORD})
    # the leader adds a member (an invitation e-mail goes out)
    leader = world.client_for("leader")
    response = leader.post(
        reverse("groups:member_add", kwargs={"pk": world.group.pk}),
        {**NEW_MEMBER, "seat": "regular", "joined_on": "2024-01-10"},
    )
    assert response.status_code == 302, "member add failed; the scan would test nothing"
    # the member looks at and downloads their data; pages others may not see are refused
    own = world.client_for("member")
    assert own.get(reverse("groups:my_data")).status_code == 200
    assert own.get(reverse("groups:my_data_download")).status_code == 200
    assert own.get(reverse("groups:data_inventory")).status_code == 403
    assert own.get(reverse("groups:detail", kwargs={"pk": world.other_group.pk})).status_code == 404
    # a site admin erases a person
    admin = world.client_for("site_admin")
    erased = world.users["outsider"]
    response = admin.post(
        reverse("groups:erase_person"), {"email": erased.email, "erase": "1", "confirm": "on"}
    )
    assert response.status_code == 302
    _whistleblowing_submit(anonymous, world)
    _check_in(world)


def _check_in(world: World) -> None:
    """A member scans the QR code, consents, is checked in, and checks out (S10, S16)."""
    import time_machine

    from attendance.models import CourseStatus, Presence
    from attendance.services import checkin
    from tests.factories.attendance import at, make_course, make_session_meeting

    meeting = make_session_meeting(world.group, starts_at=at(2031, 3, 4, 18))
    make_course(
        world.group, world.users["leader"], status=CourseStatus.APPROVED, meetings=[meeting]
    )
    now = at(2031, 3, 4, 18, 5)
    with time_machine.travel(now, tick=False):
        member = world.client_for("member")
        member.get(reverse("attendance:scan", args=[checkin.qr_token(meeting, now)]))
        member.post(reverse("attendance:checkin", args=[meeting.pk]), {"consent": "yes"})
    with time_machine.travel(now + dt.timedelta(hours=1), tick=False):
        member.post(reverse("attendance:checkout", args=[meeting.pk]))
    presence = Presence.objects.get(meeting=meeting, user=world.users["member"])
    assert presence.ended_at is not None, "check-in flow did not run; the scan would test nothing"


def _whistleblowing_submit(client: Client, world: World) -> None:
    try:
        url = reverse("whistleblowing:report")
    except NoReverseMatch:
        return
    page = client.get(url)
    if page.status_code != 200:
        return
    token = re.search(rb'name="token" value="([^"]+)"', page.content)
    leader = world.users["leader"]
    client.post(
        url,
        {
            "category": "discrimination",
            "youth_wing": "no",
            "relation": "witness",
            "description": f"{leader.full_name} ({leader.email}, f. {leader.birth_year}) sa noe.",
            "involved": leader.full_name,
            "anonymous": "yes",
            "token": token.group(1).decode() if token else "",
        },
    )


def test_main_flows_leave_no_personal_data_in_logs_mail_subjects_or_task_args(
    world: World, captured: dict[str, list[str]], django_capture_on_commit_callbacks: Any
) -> None:
    people = _people(world)
    needles = _needles(people)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _run_main_flows(world)
    haystacks: dict[str, list[str]] = {
        "log": captured["logs"],
        "task": captured["tasks"],
        "mail subject": [str(m.subject) for m in mail.outbox],
    }
    assert User.objects.filter(email=NEW_MEMBER["email"]).exists(), "member add did not run"
    leaks = [
        (kind, needle, text[:120])
        for kind, texts in haystacks.items()
        for text in texts
        for needle in needles
        if needle.lower() in text.lower()
    ]
    assert not leaks, f"personal data leaked: {leaks}"


def test_the_scan_would_catch_a_leak(world: World, captured: dict[str, list[str]]) -> None:
    people = _people(world)
    logging.getLogger("portal.test").warning("bruker %s", people[0].email)
    assert any(people[0].email in text for text in captured["logs"])
