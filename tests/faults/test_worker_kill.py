"""A worker killed with SIGKILL in the middle of the deadline sweep (W5, W10, issue 20):
with a real Celery worker and a real Redis broker, at four points of the sweep. After a
restart and two more sweeps every notice has exactly one outbox row, every recipient got
it, and no notice went out under more than one Message-ID (a resent one carries the
same, so mail clients show it once)."""

from __future__ import annotations

import datetime as dt
import email
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from config.celery import app
from config.outbox import message_id
from tests.factories import whistleblowing as f
from whistleblowing.models import Case, Notification, NotificationKind
from whistleblowing.services import sweeps

pytestmark = [
    pytest.mark.faults,
    pytest.mark.xdist_group("faults"),  # one own Redis on one port: one test at a time
    pytest.mark.django_db(transaction=True),
]

SWEEP = "whistleblowing.tasks.deadline_sweep"
# Days since receipt -> the notice the sweep owes the case.
DUE = {
    7: NotificationKind.REMINDER_DAY_7,
    12: NotificationKind.REMINDER_DAY_12,
    15: NotificationKind.ESCALATION_DAY_14,
}


def _cases() -> dict[str, str]:
    """Five received cases due a reminder or an escalation; their new-report notices are
    sent already (eagerly, before the broker is switched)."""
    f.make_handler(role="secretariat")
    f.make_handler(role="secretary_general")
    owed: dict[str, str] = {}
    for days in (7, 7, 12, 12, 15):
        case = f.submit().case
        Case.objects.filter(pk=case.pk).update(
            created_at=timezone.now() - dt.timedelta(days=days, hours=1)
        )
        owed[str(case.pk)] = DUE[days]
    assert sweeps.notices_send() == 5
    return owed


def _mails(folder: Path) -> list[tuple[str, str]]:
    found = []
    for path in sorted(folder.glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes())
        found.append((str(message["Message-ID"]), str(message["To"])))
    return found


def _sweep(timeout: float = 30) -> Any:
    return app.send_task(SWEEP).get(timeout=timeout)


@pytest.mark.parametrize(
    ("fault", "duplicates"),
    [
        ("record:3", 0),  # mid-sweep, rows not yet committed: rolled back, recorded again
        ("before_send:3", 0),  # rows committed, the 3rd e-mail not yet handed over
        ("after_send:3", 1),  # the mail server took the 3rd, its row is not marked
        ("after_mark:2", 0),  # the 2nd row's mark committed, the rest still pending
    ],
)
def test_w5_w10_kill_9_mid_sweep_leaves_one_row_and_one_message_id_per_notice(
    broker: Any, start_worker: Any, mail_dir: Path, fault: str, duplicates: int
) -> None:
    owed = _cases()
    first = start_worker(fault)
    app.send_task(SWEEP)
    first.wait_killed()

    second = start_worker()
    _sweep()
    _sweep()
    second.stop()

    # Exactly one outbox row per notice owed, each sent.
    rows = Notification.objects.filter(delivered=True).exclude(kind=NotificationKind.NEW_REPORT)
    assert sorted((str(n.case_id), n.kind) for n in rows) == sorted(owed.items())
    assert all(n.sent for n in rows)
    # Every recipient got every notice under its own Message-ID, and nothing else went.
    expected = {
        (message_id(sweeps.OUTBOX, n.pk), to)
        for n in rows
        for to in (p.email for p in sweeps._recipients(n))
    }
    mails = Counter(_mails(mail_dir))
    assert set(mails) == expected
    assert sum(mails.values()) - len(expected) == duplicates
    # At most one distinct Message-ID per notice: one per row, and rows are one per notice.
    ids_per_notice = {
        n.pk: {m for m, _ in mails if m == message_id(sweeps.OUTBOX, n.pk)} for n in rows
    }
    assert all(len(ids) == 1 for ids in ids_per_notice.values())
