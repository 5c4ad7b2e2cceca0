"""Importing a digital session's attendance report (S9, S10, S16): preview, then store.

The fixtures' people are mapped onto the test world: Tore Testleder is the course leader
(the report's organiser), Kari Prøvemedlem a member who consented, Ola Oppdiktet (no e-mail
in the report) the deputy who consented, Gunn Gjest a member without consent.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from attendance import engine
from attendance.models import CourseStatus, Presence, PresenceSource
from attendance.services import meeting_import
from groups.models import AuditEntry
from meetings.models import MeetingMode
from tests.conftest import World
from tests.factories.attendance import (
    give_consent,
    make_course,
    make_presence,
    make_session_meeting,
)

OSLO = ZoneInfo("Europe/Oslo")
FIXTURES = Path(__file__).parent / "fixtures"
TEAMS = FIXTURES / "teams_en_utf16le.csv"


def at(hour: int, minute: int, second: int = 0) -> dt.datetime:
    return dt.datetime(2026, 12, 1, hour, minute, second, tzinfo=OSLO)


@pytest.fixture
def digital(world: World):
    users = world.users
    for role, name, email in [
        ("leader", "Tore Testleder", "tore.testleder@example.org"),
        ("member", "Kari Prøvemedlem", "kari.provemedlem@example.org"),
        ("deputy", "Ola Oppdiktet", "ola@example.org"),
        ("faction_leader", "Gunn Gjest", "gunn@example.org"),
    ]:
        users[role].full_name, users[role].email = name, email
        users[role].save()
    meeting = make_session_meeting(
        world.group, starts_at=at(18, 0), ends_at=at(20, 0), mode=MeetingMode.DIGITAL
    )
    course = make_course(
        world.group, users["leader"], status=CourseStatus.APPROVED, meetings=[meeting]
    )
    for role in ("leader", "member", "deputy"):
        give_consent(course, users[role])
    return course.sessions.get()


def _read(session, path: Path = TEAMS):
    return meeting_import.report_read(session=session, data=path.read_bytes())


def _stored(session) -> list[tuple[str, dt.datetime, dt.datetime | None]]:
    return sorted(
        (p.user.full_name, p.started_at, p.ended_at)
        for p in Presence.objects.filter(meeting=session.meeting).select_related("user")
    )


def test_the_preview_matches_by_email_then_by_name_and_stores_nothing_S9_S10(digital):
    read = _read(digital)
    preview = meeting_import.import_preview(session=digital, report=read.report, sha256=read.sha256)
    status = {
        line.name: (line.status, line.user.full_name if line.user else None)
        for line in preview.lines
    }
    assert status == {
        "Kari Prøvemedlem": ("record", "Kari Prøvemedlem"),  # by e-mail
        "Ola Oppdiktet": ("record", "Ola Oppdiktet"),  # by name: no e-mail in the report
        "Tore Testleder": ("record", "Tore Testleder"),
        "Gunn Gjest": ("no_consent", "Gunn Gjest"),  # S10: listed, never stored
    }
    tore = next(line for line in preview.lines if line.name == "Tore Testleder")
    # The organiser joined 17:58 and left 20:01: clipped to the session.
    assert tore.clipped == ((at(18, 0), at(20, 0)),)
    assert _stored(digital) == []


def test_an_attendee_who_is_no_member_is_listed_as_unmatched(digital, world: World):
    world.users["deputy"].full_name = "Nils Nestleder"
    world.users["deputy"].save()
    read = _read(digital)
    preview = meeting_import.import_preview(session=digital, report=read.report, sha256=read.sha256)
    ola = next(line for line in preview.lines if line.name == "Ola Oppdiktet")
    assert (ola.status, ola.user) == ("unmatched", None)


def test_two_members_with_the_same_name_are_not_guessed(digital, world: World):
    world.users["member"].full_name = "Ola Oppdiktet"
    world.users["member"].save()
    read = _read(digital)
    preview = meeting_import.import_preview(session=digital, report=read.report, sha256=read.sha256)
    ola = next(line for line in preview.lines if line.name == "Ola Oppdiktet")
    assert ola.status == "unmatched"


def test_confirming_stores_the_intervals_clipped_and_merged_with_check_ins_S16(
    digital, world: World
):
    kari = world.users["member"]
    # Kari scanned the link at 18:00 and it ran to 18:30; the report has her 18:03-18:45.
    make_presence(digital.meeting, kari, start=at(18, 0), end=at(18, 30))
    read = _read(digital)
    result = meeting_import.presence_import(
        actor=world.users["leader"], session=digital, report=read.report, sha256=read.sha256
    )
    assert _stored(digital) == [
        ("Kari Prøvemedlem", at(18, 0), at(18, 30)),
        ("Kari Prøvemedlem", at(18, 30), at(18, 45)),
        ("Kari Prøvemedlem", at(19, 5), at(19, 59)),
        ("Ola Oppdiktet", at(18, 10), at(19, 0)),
        ("Tore Testleder", at(18, 0), at(20, 0)),
    ]
    assert result.created == 4
    assert set(
        Presence.objects.filter(meeting=digital.meeting, source=PresenceSource.IMPORT).values_list(
            "created_by", flat=True
        )
    ) == {world.users["leader"].pk}
    assert not Presence.objects.filter(user=world.users["faction_leader"]).exists()
    # The rules engine takes them up: Kari's union is 45 + 54 minutes, counted once.
    inputs = engine.course_inputs(digital.course, now=at(21, 0))
    minutes = (
        engine.course_evaluation(digital.course, inputs=inputs).results[kari.pk].minutes_present
    )
    assert minutes == 45 + 54


def test_importing_the_same_file_again_changes_nothing_and_both_are_audited(digital, world: World):
    leader = world.users["leader"]
    for _attempt in range(2):
        read = _read(digital)
        meeting_import.presence_import(
            actor=leader, session=digital, report=read.report, sha256=read.sha256
        )
    assert len(_stored(digital)) == 4
    entries = list(AuditEntry.objects.filter(action="presence.import").order_by("pk"))
    digest = hashlib.sha256(TEAMS.read_bytes()).hexdigest()
    assert [e.data["sha256"] for e in entries] == [digest, digest]
    assert [e.data["intervals_created"] for e in entries] == [4, 0]
    assert entries[0].actor == leader and entries[0].data["rows"] == 6
    # Ids and codes only: no name or e-mail from the file in the audit log.
    assert "Kari" not in str(entries[0].data) and "@" not in str(entries[0].data)


@given(
    st.lists(st.tuples(st.integers(-30, 150), st.integers(1, 90)), min_size=1, max_size=8),
    st.lists(st.tuples(st.integers(0, 110), st.integers(1, 60)), max_size=3),
)
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_importing_twice_is_idempotent_and_counts_the_union_once_S16(
    digital, world: World, joins, scans
):
    kari = world.users["member"]
    leader = world.users["leader"]
    lines = ["Name,User Email,Join Time,Leave Time"]
    for offset, length in joins:
        a, b = (
            at(18, 0) + dt.timedelta(minutes=offset),
            at(18, 0) + dt.timedelta(minutes=offset + length),
        )
        lines.append(f"Kari,{kari.email},{a:%Y-%m-%d %H:%M:%S},{b:%Y-%m-%d %H:%M:%S}")
    data = "\n".join(lines).encode()
    with transaction.atomic():
        for offset, length in scans:
            make_presence(
                digital.meeting,
                kari,
                start=at(18, 0) + dt.timedelta(minutes=offset),
                end=at(18, 0) + dt.timedelta(minutes=offset + length),
            )
        read = meeting_import.report_read(session=digital, data=data)
        meeting_import.presence_import(
            actor=leader, session=digital, report=read.report, sha256=read.sha256
        )
        once = _stored(digital)
        read = meeting_import.report_read(session=digital, data=data)
        result = meeting_import.presence_import(
            actor=leader, session=digital, report=read.report, sha256=read.sha256
        )
        assert result.created == 0 and _stored(digital) == once
        # Every minute in the session that the report or a scan covers is present, once.
        covered = {
            m
            for offset, length in [*joins, *scans]
            for m in range(max(offset, 0), min(offset + length, 120))
        }
        evaluation = engine.course_evaluation(digital.course, now=at(21, 0))
        result_of_kari = evaluation.results.get(kari.pk)
        assert (result_of_kari.minutes_present if result_of_kari else 0) == len(covered)
        transaction.set_rollback(True)


def test_a_physical_session_is_refused_S9(digital):
    digital.meeting.mode = MeetingMode.PHYSICAL
    digital.meeting.save()
    with pytest.raises(ValidationError, match="fysisk"):
        _read(digital)


def test_a_signed_preview_carries_the_report_and_refuses_tampering(digital, world: World):
    read = _read(digital)
    report, sha256 = meeting_import.report_unsign(session=digital, token=read.token)
    assert sha256 == read.sha256
    assert {a.key: a.intervals for a in report.attendees} == {
        a.key: a.intervals for a in read.report.attendees
    }
    with pytest.raises(ValidationError, match="ugyldig"):
        meeting_import.report_unsign(session=digital, token=read.token[:-3] + "abc")
    other = make_session_meeting(world.group, mode=MeetingMode.DIGITAL)
    make_course(world.group, world.users["leader"], meetings=[other])
    with pytest.raises(ValidationError, match="ugyldig"):
        meeting_import.report_unsign(session=other.course_session, token=read.token)
    forged = signing.dumps({"m": digital.meeting_id, "a": "x"}, salt="attendance.meeting_import")
    with pytest.raises(ValidationError, match="ugyldig"):
        meeting_import.report_unsign(session=digital, token=forged)


def test_only_who_may_correct_presence_may_import(digital, world: World):
    from django.core.exceptions import PermissionDenied

    read = _read(digital)
    with pytest.raises(PermissionDenied):
        meeting_import.presence_import(
            actor=world.users["member"], session=digital, report=read.report, sha256=read.sha256
        )
    assert _stored(digital) == []


# --- the page ------------------------------------------------------------------------------
def _url(session) -> str:
    return reverse("attendance:presence_import", args=[session.meeting_id])


def test_the_leader_uploads_previews_and_confirms(digital, world: World):
    client = world.client_for("leader")
    with TEAMS.open("rb") as report:
        response = client.post(_url(digital), {"report": report})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Forhåndsvisning" in page and "Kari Prøvemedlem" in page
    assert "har ikke samtykket" in page  # Gunn, S10
    assert _stored(digital) == []
    token = response.context["confirm"]["token"].value()
    response = client.post(_url(digital), {"token": token})
    assert response.status_code == 302
    assert response["Location"] == reverse("attendance:presence_edit", args=[digital.meeting_id])
    assert len(_stored(digital)) == 4
    # The same preview confirmed again (a double click) changes nothing.
    assert client.post(_url(digital), {"token": token}).status_code == 302
    assert len(_stored(digital)) == 4


@pytest.mark.parametrize(
    "name", ["garbage.bin", "not_a_report.csv"], ids=["binary", "no-attendance"]
)
def test_a_bad_file_is_refused_on_the_field_without_a_500(digital, world: World, name):
    client = world.client_for("leader")
    with (FIXTURES / name).open("rb") as report:
        response = client.post(_url(digital), {"report": report})
    assert response.status_code == 400
    assert response.context["form"].errors["report"]
    assert _stored(digital) == []


@pytest.mark.parametrize("data", [{}, {"token": ""}, {"token": "x" * 50}, {"report": "not a file"}])
def test_bad_input_to_the_page_is_refused_without_a_500(digital, world: World, data):
    response = world.client_for("leader").post(_url(digital), data)
    assert response.status_code == 400
    assert _stored(digital) == []
