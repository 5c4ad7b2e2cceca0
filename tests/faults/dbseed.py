"""Seed for the database-restart test (run in its own process against the test's own
PostgreSQL): a course session open for check-in now, members logged in who scanned its
code. Prints JSON: the meeting, and each member's user id and cookies."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path


def main(count: int) -> None:
    import django

    django.setup()
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from attendance.models import CourseStatus
    from attendance.services import checkin
    from tests.factories.attendance import make_course, make_session_meeting
    from tests.factories.groups import make_group, make_membership, make_user

    group = make_group()
    leader = make_membership(group, make_user()).user
    now = timezone.now()
    meeting = make_session_meeting(
        group, starts_at=now - dt.timedelta(minutes=10), ends_at=now + dt.timedelta(hours=2)
    )
    make_course(group, leader, status=CourseStatus.APPROVED, meetings=[meeting])
    members = []
    for _ in range(count):
        user = make_membership(group, make_user()).user
        client = Client()
        client.force_login(user)
        token = checkin.qr_token(meeting, timezone.now())
        assert client.get(reverse("attendance:scan", args=[token])).status_code == 302
        assert client.get(reverse("attendance:checkin", args=[meeting.pk])).status_code == 200
        members.append(
            {"user": user.pk, "cookies": {k: m.value for k, m in client.cookies.items()}}
        )
    print(json.dumps({"meeting": meeting.pk, "members": members}))


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    main(int(sys.argv[1]))
