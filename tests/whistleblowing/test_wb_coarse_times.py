"""What a reporter does is stored to the day only, and the deadlines still hold (issue 15
item 3, W5, W10, W11).

The second a report arrived matched the access log; the handling needs the day. Every row
written by a reporter's action (case, key grants, messages, files, notices, audit events,
form tokens) and the stored files' times say the day and nothing more; the deadline sweep
counts calendar days from that day."""

from __future__ import annotations

import datetime as dt
import importlib
import os
import re
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.test import Client
from django.urls import reverse

from tests.factories import whistleblowing as f
from tests.factories.groups import enable_totp
from whistleblowing import dates, selectors, services, unlock
from whistleblowing.models import Author, Case, Message, Notification

pytestmark = pytest.mark.django_db
OSLO = dates.LOCAL


def oslo(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=OSLO)


def stored_times(day: dt.date) -> dict[tuple[str, str], set[dt.datetime]]:
    """Every datetime in the whistleblowing tables that falls on ``day``, by column."""
    found: dict[tuple[str, str], set[dt.datetime]] = {}
    for model in apps.get_app_config("whistleblowing").get_models():
        for field in model._meta.fields:
            if not isinstance(field, models.DateTimeField):
                continue
            for value in model.objects.values_list(field.name, flat=True):
                if value is not None and dates.local_date(value) == day:
                    found.setdefault((model.__name__, field.name), set()).add(value)
    return found


def _report(client: Client) -> str:
    page = client.get(reverse("whistleblowing:report")).content.decode()
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    response = client.post(
        reverse("whistleblowing:report"),
        {
            "category": "integrity",
            "youth_wing": "no",
            "relation": "affected",
            "description": "Lederen stemte i egen sak.",
            "anonymous": "yes",
            "token": token,
            "attachments": [SimpleUploadedFile("a.pdf", b"%PDF-1.4 a", "application/pdf")],
        },
    )
    return re.search(r'data-testid="receipt">([\d ]+)<', response.content.decode()).group(1)


def test_every_time_stored_of_a_reporters_actions_is_the_day_only(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with time_machine.travel(oslo(2026, 2, 27, 10, 0), tick=False):
        f.make_handler()
        f.make_handler(role="secretary_general")
    reporter = Client()
    with (
        time_machine.travel(oslo(2026, 3, 4, 14, 3, 27), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        receipt = _report(reporter)
    with (
        time_machine.travel(oslo(2026, 3, 4, 16, 44, 9), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        reporter.post(reverse("whistleblowing:reporter_login"), {"receipt": receipt})
        upload = SimpleUploadedFile("b.pdf", b"%PDF-1.4 b", "application/pdf")
        response = reporter.post(
            reverse("whistleblowing:reporter_case"), {"body": "Mer.", "attachments": [upload]}
        )
        assert response.status_code == 302
    with time_machine.travel(oslo(2026, 3, 4, 17, 30), tick=False):
        unlock.sweep()  # the unlock row's expiry is exact, and gone after the window

    found = stored_times(dt.date(2026, 3, 4))
    midnight = oslo(2026, 3, 4)
    assert {column: times for column, times in found.items() if times != {midnight}} == {}
    assert {
        ("Case", "created_at"),
        ("KeyGrant", "created_at"),
        ("Message", "created_at"),
        ("Attachment", "created_at"),
        ("Notification", "created_at"),
        ("AuditEvent", "at"),
        ("UsedFormToken", "used_at"),
    } <= set(found), "the scan found too little to mean anything"
    files = [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]
    assert len(files) == 2
    assert {os.stat(p).st_mtime for p in files} == {midnight.timestamp()}


def test_case_times_are_shown_to_the_day() -> None:
    handler = f.make_handler()
    with time_machine.travel(oslo(2026, 3, 4, 14, 3, 27), tick=False):
        submitted = f.submit()
    enable_totp(handler.user)
    staff = Client()
    staff.force_login(handler.user)
    staff.post(reverse("whistleblowing:handler_unlock"), {"passphrase": f.PASSPHRASE})
    page = staff.get(reverse("whistleblowing:case_detail", args=[submitted.case.pk]))
    text = page.content.decode()
    assert "<dd>4. mars 2026</dd>" in text
    assert "00:00" not in text and "14:03" not in text
    assert "Bekreft mottak innen" in text and "18. mars 2026" in text
    reporter = Client()
    reporter.post(reverse("whistleblowing:reporter_login"), {"receipt": submitted.receipt})
    mine = reporter.get(reverse("whistleblowing:reporter_case")).content.decode()
    assert "<dd>4. mars 2026</dd>" in mine and "00:00" not in mine


def _sweep(moment: dt.datetime) -> services.sweeps.SweepResult:
    with time_machine.travel(moment, tick=False):
        return services.deadline_sweep()


def test_w5_deadlines_count_calendar_days_from_the_day_of_receipt() -> None:
    f.make_handler()
    f.make_handler(role="secretary_general")
    with time_machine.travel(oslo(2026, 3, 2, 23, 50), tick=False):
        case = f.submit().case
    case.refresh_from_db()
    assert case.created_at == oslo(2026, 3, 2)
    assert _sweep(oslo(2026, 3, 8, 23, 59)).reminders == 0
    assert _sweep(oslo(2026, 3, 9, 0, 0)).reminders == 1  # day 7
    assert _sweep(oslo(2026, 3, 13, 23, 59)).reminders == 0
    assert _sweep(oslo(2026, 3, 14, 0, 0)).reminders == 1  # day 12
    assert _sweep(oslo(2026, 3, 15, 23, 59)).escalations == 0
    assert selectors.deadlines(case, oslo(2026, 3, 15, 23, 59)).overdue is False
    assert _sweep(oslo(2026, 3, 16, 0, 0)).escalations == 1  # day 14
    assert selectors.deadlines(case).acknowledge_by == oslo(2026, 3, 16)
    assert selectors.deadlines(case, oslo(2026, 3, 16, 0, 0)).overdue is True


def test_w5_day_14_is_a_calendar_day_across_the_change_to_summer_time() -> None:
    f.make_handler()
    f.make_handler(role="secretary_general")
    with time_machine.travel(oslo(2026, 3, 20, 9, 0), tick=False):
        f.submit()
    # 29 March has 23 hours; day 14 still starts at midnight on 3 April.
    assert _sweep(oslo(2026, 4, 2, 23, 59)).escalations == 0
    assert _sweep(oslo(2026, 4, 3, 0, 0)).escalations == 1


def test_the_migration_rounds_what_reporters_did_before_and_leaves_handlers_alone() -> None:
    handler = f.make_handler()
    with time_machine.travel(oslo(2026, 3, 4, 14, 3, 27), tick=False):
        case = f.submit().case
    exact = oslo(2026, 3, 5, 9, 41, 2)
    Case.objects.filter(pk=case.pk).update(created_at=exact)
    mine = Message.objects.create(
        case=case, author=Author.REPORTER, created_at=exact, body_blob=b"x"
    )
    theirs = Message.objects.create(
        case=case, author=Author.HANDLER, handler=handler, created_at=exact, body_blob=b"y"
    )
    Notification.objects.create(case=case, kind="reporter_message", ref=1, created_at=exact)
    migration = importlib.import_module("whistleblowing.migrations.0003_coarse_reporter_times")
    migration.coarsen_reporter_times(apps, None)
    case.refresh_from_db()
    assert case.created_at == oslo(2026, 3, 5)
    assert Message.objects.get(pk=mine.pk).created_at == oslo(2026, 3, 5)
    assert Message.objects.get(pk=theirs.pk).created_at == exact
    assert Notification.objects.get(kind="reporter_message").created_at == oslo(2026, 3, 5)


def test_messages_keep_their_order_when_the_reporters_time_is_the_day_only() -> None:
    handler = f.make_handler()
    with time_machine.travel(oslo(2026, 3, 4, 10, 0), tick=False):
        submitted = f.submit()
        key = f.case_key(handler, submitted.case)
        services.case_acknowledge(handler=handler, case=submitted.case, key=key, message="Mottatt.")
    with time_machine.travel(oslo(2026, 3, 4, 15, 0), tick=False):
        services.reporter_message_send(case=submitted.case, key=key, body="Takk.", files=[])
    view = selectors.case_view(submitted.case, key)
    assert [m["body"] for m in view.messages] == ["Mottatt.", "Takk."]
