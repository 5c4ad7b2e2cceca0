"""Retention sweeps with moved time, and erasure of a person (art. 17)."""

from __future__ import annotations

import datetime as dt
import json
import zoneinfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from attendance.models import Consent, Presence
from config.privacy import entry_for
from groups.audit import audit
from groups.models import AuditEntry, Membership, MembershipStatus, PersonErasure, SweepRun, User
from groups.privacy import inventory_rows, person_erase, sweep_all
from meetings.models import Meeting
from tests.factories.groups import make_group, make_membership, make_user
from tests.factories.meetings import make_meeting
from tests.privacy.builders import build

pytestmark = pytest.mark.django_db
OSLO = zoneinfo.ZoneInfo("Europe/Oslo")


def _on(year: int, month: int, day: int) -> dt.datetime:
    return dt.datetime(year, month, day, 3, 0, tzinfo=OSLO)


def _state() -> dict[str, object]:
    return {
        "memberships": sorted(Membership.objects.values_list("pk", flat=True)),
        "meeting_authors": sorted(Meeting.objects.values_list("pk", "created_by_id")),
        "audit_subjects": sorted(
            AuditEntry.objects.exclude(action__startswith="privacy.").values_list(
                "pk", "subject_user_id"
            )
        ),
    }


def test_membership_goes_a_year_after_leaving_and_not_before() -> None:
    group = make_group(period_start=dt.date(2023, 10, 1))  # period ends 2027-10-01
    left = make_membership(group, status=MembershipStatus.LEFT, left_on=dt.date(2024, 6, 1))
    stays = make_membership(group)
    with time_machine.travel(_on(2025, 5, 31), tick=False):
        sweep_all()
    assert Membership.objects.filter(pk=left.pk).exists()
    with time_machine.travel(_on(2025, 6, 2), tick=False):
        sweep_all()
        after_first = _state()
        sweep_all()
        assert _state() == after_first  # running twice changes nothing
    assert not Membership.objects.filter(pk=left.pk).exists()
    assert Membership.objects.filter(pk=stays.pk).exists()
    runs = SweepRun.objects.filter(name="groups.membership").order_by("ran_at", "pk")
    assert [r.deleted for r in runs] == [0, 1, 0]


def test_a_day_with_nothing_due_writes_its_runs_in_one_statement_and_locks_nothing() -> None:
    """The daily sweep, on the days (most of them) when nothing has reached its date: every
    inventory entry it covers still shows that it ran (the inventory page), but it opens no
    transaction and writes no row but the runs, in one INSERT (the erasure sweep's own)."""
    group = make_group(period_start=dt.date(2023, 10, 1))
    make_membership(group, status=MembershipStatus.LEFT, left_on=dt.date(2024, 6, 1))
    make_meeting(group, created_by=make_user())
    when = _on(2025, 5, 31)
    with time_machine.travel(when, tick=False), CaptureQueriesContext(connection) as ctx:
        runs = sweep_all()
    writes = [q["sql"] for q in ctx.captured_queries if not q["sql"].startswith("SELECT")]
    assert len(writes) == 2 and all(sql.startswith("INSERT") for sql in writes), writes
    assert {r.deleted + r.anonymised for r in runs} == {0}
    swept = {row.entry.key for row in inventory_rows() if row.last_run is not None}
    assert {"groups.membership", "meetings.meeting", "groups.auditentry"} <= swept
    assert set(SweepRun.objects.values_list("ran_at", flat=True)) == {when}
    assert SweepRun.objects.count() == len(runs) == len(swept) + 1  # and the erasure sweep's


def test_group_records_lose_the_person_a_year_after_the_period_ends() -> None:
    group = make_group(period_start=dt.date(2019, 10, 1))  # ended 2023-10-01
    current = make_group(period_start=dt.date(2023, 10, 1))
    author = make_user()
    old = make_meeting(group, created_by=author)
    new = make_meeting(current, created_by=author)
    member = make_membership(group, author)
    with time_machine.travel(_on(2024, 9, 30), tick=False):
        sweep_all()
    old.refresh_from_db()
    assert old.created_by == author and Membership.objects.filter(pk=member.pk).exists()
    with time_machine.travel(_on(2024, 10, 2), tick=False):
        sweep_all()
        first = _state()
        sweep_all()
        assert _state() == first
    old.refresh_from_db()
    new.refresh_from_db()
    assert old.created_by is None  # anonymised: the meeting stays in the group's archive
    assert new.created_by == author  # not yet due
    assert not Membership.objects.filter(pk=member.pk).exists()
    runs = SweepRun.objects.filter(name="meetings.meeting").order_by("ran_at", "pk")
    assert [r.anonymised for r in runs] == [0, 1, 0]


def test_audit_entries_are_unlinked_after_five_years() -> None:
    person = make_user()
    with time_machine.travel(_on(2019, 1, 1), tick=False):
        old = audit(actor=None, action="test.old", subject_user=person)
    with time_machine.travel(_on(2023, 1, 1), tick=False):
        recent = audit(actor=None, action="test.recent", subject_user=person)
    with time_machine.travel(_on(2024, 1, 2), tick=False):
        sweep_all()
        sweep_all()
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.subject_user is None and recent.subject_user == person


def test_erasure_deletes_a_person_without_kept_records_and_audits_ids_only() -> None:
    admin = make_user(is_superuser=True)
    person = make_user(full_name="Eli Sletten", email="eli@example.org", birth_year=1948)
    group = make_group()
    make_membership(group, person)
    meeting = make_meeting(group, created_by=person)
    person_pk = person.pk
    record = person_erase(actor=admin, person=person)
    assert record.completed_at is not None
    assert not User.objects.filter(pk=person_pk).exists()
    assert not Membership.objects.filter(user_id=person_pk).exists()
    meeting.refresh_from_db()
    assert meeting.created_by is None
    entry = AuditEntry.objects.get(action="privacy.erase")
    assert entry.actor == admin and entry.data["person_id"] == person_pk
    logged = json.dumps(entry.data) + json.dumps(record.counts)
    for leak in ("Eli", "eli@example.org", "1948"):
        assert leak not in logged


def test_erasure_keeps_the_attendance_list_until_its_retention_ends() -> None:
    admin = make_user(is_superuser=True)
    person = make_user(full_name="Kjell Kurs", email="kjell@example.org", birth_year=1950)
    ctx: dict = {}
    presence = build("attendance.presence", person, ctx, entry_for("attendance.Presence"))
    record = person_erase(actor=admin, person=person)
    person.refresh_from_db()
    assert record.completed_at is None
    assert not person.is_active and person.email != "kjell@example.org"
    assert person.full_name == "Kjell Kurs"  # the attendance list still needs it (S12)
    assert Presence.objects.filter(pk=presence.pk).exists()

    with time_machine.travel(dt.datetime.now(tz=OSLO) + dt.timedelta(days=1)):
        sweep_all()
    record.refresh_from_db()
    assert record.completed_at is None  # the presence is still kept

    # The attendance app's own sweep deletes the list when five years have passed.
    Presence.objects.filter(user=person).delete()
    Consent.objects.filter(user=person).delete()
    sweep_all()
    record.refresh_from_db()
    assert record.completed_at is not None
    left = User.objects.filter(pk=person.pk).first()
    # The course still names its leader, so the row stays but says nothing about the person.
    assert left is None or (left.full_name, left.birth_year, left.postcode) == (
        "Slettet person",
        None,
        "",
    )
    completions = PersonErasure.objects.filter(completed_at__isnull=False).count()
    sweep_all()
    assert PersonErasure.objects.filter(completed_at__isnull=False).count() == completions


def test_an_admin_cannot_erase_themselves() -> None:
    from django.core.exceptions import ValidationError

    admin = make_user(is_superuser=True)
    with pytest.raises(ValidationError):
        person_erase(actor=admin, person=admin)


@pytest.mark.django_db
def test_the_whistleblowing_sweep_records_its_run_where_the_inventory_page_looks() -> None:
    # Issue 14: whistleblowing may import only config/, and still records its runs.
    from groups.privacy import inventory_rows
    from whistleblowing.services import retention_sweep

    now = timezone.now()
    retention_sweep(now=now)
    row = next(r for r in inventory_rows() if r.entry.model == "whistleblowing.Case")
    assert row.last_run is not None
    assert (row.last_run.ran_at, row.last_run.deleted) == (now, 0)
