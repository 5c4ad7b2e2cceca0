"""Check-in (S9, S10, S16): rotating tokens, consent first, idempotent and race-safe."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from attendance.models import Consent, CourseStatus, Presence, PresenceCorrection, PresenceSource
from attendance.services import checkin
from groups.models import AuditEntry
from tests.conftest import World
from tests.factories.attendance import (
    at,
    give_consent,
    make_course,
    make_presence,
    make_session_meeting,
)


@pytest.fixture
def course_meeting(world: World):
    meeting = make_session_meeting(world.group, starts_at=at(2031, 3, 4, 18))
    course = make_course(
        world.group, world.users["leader"], status=CourseStatus.APPROVED, meetings=[meeting]
    )
    return course, meeting


def _scan(client, meeting, when):
    token = checkin.qr_token(meeting, when)
    return client.get(reverse("attendance:scan", args=[token]))


def test_a_token_is_accepted_in_its_window_and_the_next_then_refused(course_meeting):
    _course, meeting = course_meeting
    shown = at(2031, 3, 4, 18, 5)
    token = checkin.qr_token(meeting, shown)
    with time_machine.travel(shown + dt.timedelta(seconds=45), tick=False):
        assert (
            checkin.token_redeem(token, shown + dt.timedelta(seconds=45)).meeting_id == meeting.pk
        )
    later = shown + dt.timedelta(seconds=61)
    with pytest.raises(ValidationError, match="utløpt"):
        checkin.token_redeem(token, later)


def test_a_replayed_photo_of_the_code_is_refused_after_expiry_s9(world: World, course_meeting):
    _course, meeting = course_meeting
    shown = at(2031, 3, 4, 18, 0)
    token = checkin.qr_token(meeting, shown)
    with time_machine.travel(shown + dt.timedelta(minutes=5), tick=False):
        member = world.client_for("member")
        response = member.get(reverse("attendance:scan", args=[token]))
    assert response.status_code == 400
    assert "utløpt" in response.content.decode()
    assert not Presence.objects.exists()


def test_a_forged_or_foreign_token_is_refused(course_meeting):
    _course, meeting = course_meeting
    with pytest.raises(ValidationError, match="ikke gyldig"):
        checkin.token_redeem("not-a-token", at(2031, 3, 4, 18))
    token = checkin.qr_token(meeting, at(2031, 3, 4, 18))
    with pytest.raises(ValidationError, match="ikke gyldig"):
        checkin.token_redeem(token[:-2] + "xx", at(2031, 3, 4, 18))


def test_without_consent_no_presence_is_stored_s10(world: World, course_meeting):
    _course, meeting = course_meeting
    now = at(2031, 3, 4, 18, 10)
    with time_machine.travel(now, tick=False):
        member = world.client_for("member")
        assert _scan(member, meeting, now).status_code == 302
        page = member.get(reverse("attendance:checkin", args=[meeting.pk]))
        assert "Samtykke til frammøteliste" in page.content.decode()
        refused = member.post(reverse("attendance:checkin", args=[meeting.pk]), {})
    assert refused.status_code == 400
    assert "krysse av for samtykke" in refused.content.decode()
    assert not Presence.objects.exists()
    assert not Consent.objects.exists()
    with pytest.raises(ValidationError, match="samtykke"):
        checkin.presence_check_in(
            actor=world.users["member"], meeting=meeting, source=PresenceSource.QR, now=now
        )


def test_scan_consent_and_present_from_that_minute_then_a_second_scan_changes_nothing_s16(
    world: World, course_meeting
):
    course, meeting = course_meeting
    now = at(2031, 3, 4, 18, 7) + dt.timedelta(seconds=42)
    with time_machine.travel(now, tick=False):
        member = world.client_for("member")
        _scan(member, meeting, now)
        response = member.post(reverse("attendance:checkin", args=[meeting.pk]), {"consent": "yes"})
        assert response.status_code == 302
        _scan(member, meeting, now)
        member.post(reverse("attendance:checkin", args=[meeting.pk]), {})
    presence = Presence.objects.get()
    assert presence.started_at == at(2031, 3, 4, 18, 7)
    assert presence.ended_at is None
    assert presence.source == PresenceSource.QR
    assert Consent.objects.filter(course=course, user=world.users["member"]).count() == 1
    assert AuditEntry.objects.filter(action="presence.check_in").count() == 1


def test_a_refused_check_in_stores_no_consent_either_s10(world: World, course_meeting):
    """Consent and presence are one service in one transaction: a member who scanned just
    before the end and ticks the box after it is refused, and nothing is stored."""
    course, meeting = course_meeting
    scanned = at(2031, 3, 4, 19, 55)  # the meeting ends at 20:00
    with time_machine.travel(scanned, tick=False):
        member = world.client_for("member")
        _scan(member, meeting, scanned)
    with time_machine.travel(scanned + dt.timedelta(minutes=10), tick=False):
        refused = member.post(reverse("attendance:checkin", args=[meeting.pk]), {"consent": "yes"})

    assert refused.status_code == 400
    assert "Samlingen er slutt" in refused.content.decode()
    assert not Consent.objects.filter(course=course).exists()
    assert not Presence.objects.exists()


def test_consent_and_check_in_in_one_service_s10(world: World, course_meeting):
    course, meeting = course_meeting
    member = world.users["member"]
    now = at(2031, 3, 4, 18, 3)
    with pytest.raises(ValidationError, match="krysse av for samtykke"):
        checkin.presence_check_in_with_consent(
            actor=member, meeting=meeting, consent_given=False, source=PresenceSource.QR, now=now
        )

    presence, created = checkin.presence_check_in_with_consent(
        actor=member, meeting=meeting, consent_given=True, source=PresenceSource.QR, now=now
    )
    again, created_again = checkin.presence_check_in_with_consent(
        actor=member, meeting=meeting, consent_given=False, source=PresenceSource.QR, now=now
    )

    assert created and not created_again and again == presence
    assert presence.consent == Consent.objects.get(course=course, user=member)
    assert AuditEntry.objects.filter(action="course.consent_give").count() == 1


def test_an_anonymous_scan_is_sent_to_log_in_and_keeps_the_right_to_check_in(
    world: World, course_meeting
):
    _course, meeting = course_meeting
    from django.test import Client

    client = Client()
    now = at(2031, 3, 4, 18, 1)
    with time_machine.travel(now, tick=False):
        response = _scan(client, meeting, now)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    # Logging in takes longer than the token lives; the grant in the session still holds.
    with time_machine.travel(now + dt.timedelta(minutes=3), tick=False):
        client.force_login(world.users["member"])
        page = client.get(reverse("attendance:checkin", args=[meeting.pk]))
        assert page.status_code == 200


def test_check_in_without_a_scan_is_not_possible(world: World, course_meeting):
    """S10: a group member without a scan is told to scan the code and cannot check in;
    someone outside the group does not learn of the session (404)."""
    course, meeting = course_meeting
    give_consent(course, world.users["member"])
    url = reverse("attendance:checkin", args=[meeting.pk])
    with time_machine.travel(at(2031, 3, 4, 18, 1), tick=False):
        member = world.client_for("member")
        page = member.get(url)
        refused = member.post(url)
        outsider = world.client_for("outsider").get(url)
    assert page.status_code == 200
    assert "Skann QR-koden" in page.content.decode()
    assert refused.status_code == 400
    assert not Presence.objects.exists()
    assert outsider.status_code == 404


def test_check_out_closes_the_interval(world: World, course_meeting):
    course, meeting = course_meeting
    member = world.users["member"]
    give_consent(course, member)
    checkin.presence_check_in(
        actor=member, meeting=meeting, source=PresenceSource.QR, now=at(2031, 3, 4, 18)
    )
    with time_machine.travel(at(2031, 3, 4, 19, 30), tick=False):
        response = world.client_for("member").post(
            reverse("attendance:checkout", args=[meeting.pk])
        )
    assert response.status_code == 302
    assert Presence.objects.get().ended_at == at(2031, 3, 4, 19, 30)


def test_a_digital_link_works_only_during_the_session_s9(world: World):
    meeting = make_session_meeting(world.group, starts_at=at(2031, 3, 5, 18), mode="digital")
    make_course(
        world.group, world.users["leader"], status=CourseStatus.APPROVED, meetings=[meeting]
    )
    token = checkin.link_token(meeting)
    with pytest.raises(ValidationError, match="mens den digitale samlingen pågår"):
        checkin.token_redeem(token, at(2031, 3, 5, 17, 50))
    assert checkin.token_redeem(token, at(2031, 3, 5, 19)).source == PresenceSource.LINK
    with pytest.raises(ValidationError, match="pågår"):
        checkin.token_redeem(token, at(2031, 3, 5, 20, 1))


def test_withdrawn_consent_stops_recording_but_keeps_what_was_recorded_s10(
    world: World, course_meeting
):
    course, meeting = course_meeting
    member = world.users["member"]
    give_consent(course, member)
    with time_machine.travel(at(2031, 3, 4, 18), tick=False):
        checkin.presence_check_in(actor=member, meeting=meeting, source=PresenceSource.QR)
    with time_machine.travel(at(2031, 3, 4, 19), tick=False):
        checkin.consent_withdraw(actor=member, course=course)
        with pytest.raises(ValidationError, match="samtykke"):
            checkin.presence_check_in(actor=member, meeting=meeting, source=PresenceSource.QR)
    presence = Presence.objects.get()
    assert presence.ended_at == at(2031, 3, 4, 19)


def test_the_leader_adds_and_corrects_presence_with_a_reason_in_the_log(
    world: World, course_meeting
):
    course, meeting = course_meeting
    leader, member = world.users["leader"], world.users["member"]
    with pytest.raises(ValidationError, match="ikke samtykket"):
        checkin.presence_add(
            actor=leader,
            meeting=meeting,
            user=member,
            started_at=meeting.starts_at,
            ended_at=meeting.ends_at,
            reason="Glemte å skanne",
        )
    give_consent(course, member)
    with pytest.raises(ValidationError) as missing_reason:
        checkin.presence_add(
            actor=leader,
            meeting=meeting,
            user=member,
            started_at=meeting.starts_at,
            ended_at=None,
            reason=" ",
        )
    assert "reason" in missing_reason.value.error_dict
    presence = checkin.presence_add(
        actor=leader,
        meeting=meeting,
        user=member,
        started_at=meeting.starts_at,
        ended_at=None,
        reason="Glemte å skanne",
    )
    checkin.presence_correct(
        actor=leader,
        presence=presence,
        started_at=meeting.starts_at + dt.timedelta(minutes=20),
        ended_at=meeting.ends_at,
        reason="Kom seinere",
    )
    presence.refresh_from_db()
    assert presence.started_at == meeting.starts_at + dt.timedelta(minutes=20)
    corrections = list(PresenceCorrection.objects.order_by("at", "pk"))
    assert [c.reason for c in corrections] == ["Glemte å skanne", "Kom seinere"]
    assert corrections[1].old_started_at == meeting.starts_at
    assert AuditEntry.objects.filter(action="presence.correct", subject_user=member).exists()
    # The audit log's data holds ids and codes only, never the free-text reason.
    assert all("Kom seinere" not in str(e.data) for e in AuditEntry.objects.all())


def test_a_member_cannot_correct_presence(world: World, course_meeting):
    _course, meeting = course_meeting
    presence = make_presence(meeting, world.users["member"])
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        checkin.presence_correct(
            actor=world.users["member"],
            presence=presence,
            started_at=meeting.starts_at,
            ended_at=None,
            reason="Jeg var der hele tiden",
            delete=False,
        )


def test_bad_times_are_refused_with_messages(world: World, course_meeting):
    course, meeting = course_meeting
    give_consent(course, world.users["member"])
    client = world.client_for("leader")
    response = client.post(
        reverse("attendance:presence_edit", args=[meeting.pk]),
        {
            "user": world.users["member"].pk,
            "started_at": "2031-03-04T20:00",
            "ended_at": "2031-03-04T19:00",
            "reason": "Rettet",
        },
    )
    assert response.status_code == 200
    assert "Deltakeren kan ikke gå før hen kom." in response.content.decode()
    assert not Presence.objects.exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_check_ins_of_the_same_member_create_one_row_s16(world: World):
    """Eight simultaneous check-ins of one member: one open interval, never two. Runs on
    SQLite by default and on PostgreSQL when DATABASE_URL points there (CI)."""
    meeting = make_session_meeting(world.group, starts_at=at(2031, 3, 6, 18))
    course = make_course(
        world.group, world.users["leader"], status=CourseStatus.APPROVED, meetings=[meeting]
    )
    member = world.users["member"]
    give_consent(course, member)
    now = at(2031, 3, 6, 18, 5)
    barrier = threading.Barrier(8)
    created: list[bool] = []
    errors: list[BaseException] = []

    def attempt() -> None:
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            _presence, was_created = checkin.presence_check_in(
                actor=member, meeting=meeting, source=PresenceSource.QR, now=now
            )
            created.append(was_created)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert sorted(created) == [False] * 7 + [True]
    assert Presence.objects.filter(meeting=meeting, user=member).count() == 1
    print(f"concurrency test ran on {connection.vendor}")


def test_a_check_in_reads_the_session_and_its_meeting_once_S16(world: World, course_meeting):
    """300 phones check in at a session's start (issue 13): the POST reads the course
    session with its meeting and group in one statement, and the service takes it from the
    meeting instead of reading it again. With a fresh scan the page needs no intervals
    before the check-in: the service reads the member's intervals once, without a lock
    (a repeat stops there, see below), locks the consent and inserts from what it read,
    without a savepoint of its own (a race for the open interval is retried whole and read
    afresh, see below). The read joins neither the meeting nor the user, which the model's
    ordering would.

    A second tap (or the form sent twice on a slow connection) changes nothing, so it takes
    no write lock: on SQLite that lock is the whole database's, on PostgreSQL the consent
    row's lock is itself a write. One read of the open interval answers it."""
    course, meeting = course_meeting
    give_consent(course, world.users["member"])
    when = at(2031, 3, 4, 18, 5)
    with time_machine.travel(when, tick=False):
        member = world.client_for("member")
        _scan(member, meeting, when)
        with CaptureQueriesContext(connection) as ctx:
            response = member.post(reverse("attendance:checkin", args=[meeting.pk]))
        sqls = [q["sql"] for q in ctx.captured_queries]  # the next request resets the log
        with CaptureQueriesContext(connection) as again:
            repeat = member.post(reverse("attendance:checkin", args=[meeting.pk]))
        repeat_sqls = [q["sql"] for q in again.captured_queries]
        told = member.get(repeat.url).content.decode()
    assert response.status_code == repeat.status_code == 302
    assert Presence.objects.filter(meeting=meeting, user=world.users["member"]).count() == 1
    assert AuditEntry.objects.filter(action="presence.check_in").count() == 1
    assert all(sql.startswith("SELECT") for sql in repeat_sqls), repeat_sqls
    assert sum('FROM "attendance_presence"' in sql for sql in repeat_sqls) == 1
    assert "Du var allerede sjekket inn" in told
    selects = [sql for sql in sqls if sql.startswith("SELECT")]
    assert sum('FROM "attendance_coursesession"' in sql for sql in selects) == 1
    assert not any('FROM "meetings_meeting"' in sql for sql in selects)
    assert not any('FROM "groups_councilgroup"' in sql for sql in selects)
    presence_reads = [sql for sql in sqls if 'FROM "attendance_presence"' in sql]
    assert len(presence_reads) == 1
    assert not any(" JOIN " in sql for sql in presence_reads)
    savepoint = next(i for i, sql in enumerate(sqls) if sql.startswith("SAVEPOINT"))
    assert sqls.index(presence_reads[0]) < savepoint, "read before the write lock"
    # The test's own transaction makes _retrying's atomic a savepoint: that one, no other.
    assert sum(sql.startswith("SAVEPOINT") for sql in sqls) == 1


def test_an_independent_member_reads_why_on_the_check_in_page_before_tapping_g16(
    world: World, course_meeting
):
    """G16: the page a scan leads to says that an independent representative takes no
    part, and offers no button; a POST all the same is refused with the same words, once,
    and stores nothing. The service refuses too, naming the member (for the leader's
    list), but the page speaks to the member."""
    course, meeting = course_meeting
    membership = world.memberships["member"]
    membership.independent_from = dt.date(2031, 1, 1)
    membership.save()
    when = at(2031, 3, 4, 18, 5)
    with time_machine.travel(when, tick=False):
        member = world.client_for("member")
        _scan(member, meeting, when)
        page = member.get(reverse("attendance:checkin", args=[meeting.pk])).content.decode()
        refused = member.post(reverse("attendance:checkin", args=[meeting.pk]), {"consent": "yes"})
    assert "Du har meldt deg uavhengig" in page
    assert "Registrer meg som til stede" not in page
    assert refused.status_code == 400
    body = refused.content.decode()
    assert body.count("Du har meldt deg uavhengig") == 1
    assert "Registrer meg som til stede" not in body
    assert not Presence.objects.exists() and not Consent.objects.filter(course=course).exists()
    # Before the date of the declaration the same member checks in as anyone.
    membership.independent_from = dt.date(2031, 6, 1)
    membership.save()
    with time_machine.travel(when, tick=False):
        page = member.get(reverse("attendance:checkin", args=[meeting.pk])).content.decode()
    assert "meldt deg uavhengig" not in page and "Registrer meg som til stede" in page


def test_an_interval_opened_after_the_services_read_is_found_by_the_second_try_S16(
    world: World, course_meeting, monkeypatch
):
    """The member's own check-in reads their intervals before it takes the write lock, and
    its first try inserts from that read. When the leader's list (or the member's other
    tap) has opened an interval in between, that insert fails on the one open interval and
    the second try reads afresh: it finds that interval and changes nothing, and no second
    open interval or audit row of this check-in is stored."""
    course, meeting = course_meeting
    member, leader = world.users["member"], world.users["leader"]
    consent = give_consent(course, member)
    real = checkin._retrying
    when = at(2031, 3, 4, 18, 5)

    def leader_first(write):
        # committed before this check-in's transaction begins, after its read
        Presence.objects.create(
            meeting=meeting,
            user=member,
            consent=consent,
            started_at=at(2031, 3, 4, 18, 4),
            source=PresenceSource.LEADER,
            created_by=leader,
            created_at=at(2031, 3, 4, 18, 4),
        )
        return real(write)

    monkeypatch.setattr(checkin, "_retrying", leader_first)
    with time_machine.travel(when, tick=False):
        presence, created = checkin.presence_check_in(
            actor=member, meeting=meeting, source=PresenceSource.QR
        )
    assert not created
    assert presence.source == PresenceSource.LEADER and presence.consent == consent
    assert Presence.objects.filter(meeting=meeting, user=member).count() == 1
    assert not AuditEntry.objects.filter(action="presence.check_in", actor=member).exists()


def test_an_open_interval_taken_meanwhile_rolls_the_check_in_back_and_it_is_tried_once_more_S16(
    world: World, course_meeting, monkeypatch
):
    """Between the service's read and its insert, another writer (a leader's correction
    that reopens an interval) takes the one open interval: the insert fails, the whole
    transaction is rolled back (no audit row of it stays) and the write is tried once
    more. Here the competitor writes inside the same transaction, so it is rolled back
    too and the second try inserts; a committed one is found by the second try's read.
    A second failure is not hidden."""
    course, meeting = course_meeting
    member = world.users["member"]
    consent = give_consent(course, member)
    closed = make_presence(
        meeting,
        member,
        start=at(2031, 3, 4, 18, 0),
        end=at(2031, 3, 4, 18, 2),
    )
    create = Presence.objects.create
    calls = []

    def reopened_meanwhile(**fields):
        calls.append(fields)
        if len(calls) == 1:  # what the leader's correction committed in between
            Presence.objects.filter(pk=closed.pk).update(ended_at=None)
        return create(**fields)

    monkeypatch.setattr(Presence.objects, "create", reopened_meanwhile)
    with time_machine.travel(at(2031, 3, 4, 18, 5), tick=False):
        presence, created = checkin.presence_check_in(
            actor=member, meeting=meeting, source=PresenceSource.QR
        )
    # The first try's update was rolled back with it, so the second try inserted anew.
    assert len(calls) == 2 and created
    assert Presence.objects.filter(meeting=meeting, user=member, ended_at=None).count() == 1
    assert AuditEntry.objects.filter(action="presence.check_in").count() == 1
    assert presence.consent == consent

    def always_taken(**fields):
        Presence.objects.filter(meeting=meeting, user=member).update(ended_at=None)
        return create(**fields)

    Presence.objects.filter(meeting=meeting, user=member).delete()
    make_presence(meeting, member, start=at(2031, 3, 4, 18, 0), end=at(2031, 3, 4, 18, 2))
    monkeypatch.setattr(Presence.objects, "create", always_taken)
    with (
        time_machine.travel(at(2031, 3, 4, 18, 6), tick=False),
        pytest.raises(IntegrityError),
    ):
        checkin.presence_check_in(actor=member, meeting=meeting, source=PresenceSource.QR)
