from __future__ import annotations

from typing import TYPE_CHECKING

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from meetings.models import Meeting


def checked_in_memberships(meeting: Meeting) -> set[int]:
    """The group's memberships with a presence interval (check-in or the leader's entry) at
    ``meeting``: the minutes' "til stede" is pre-filled with them (G13, S16)."""
    from attendance.models import Presence
    from groups.models import Membership

    users = Presence.objects.filter(meeting=meeting).values("user_id")
    return set(
        Membership.objects.filter(group_id=meeting.group_id, user_id__in=users).values_list(
            "pk", flat=True
        )
    )


class AttendanceConfig(AppConfig):
    name = "attendance"
    verbose_name = _("Studiearbeid")

    def ready(self) -> None:
        from attendance import homework as attendance_homework
        from config import homework
        from meetings import presence

        presence.register(checked_in_memberships)
        # Courses and the approval queue on the home page (groups draws it).
        homework.register("attendance", attendance_homework.home_work)
