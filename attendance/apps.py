from __future__ import annotations

from typing import TYPE_CHECKING

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    import datetime as dt

    from groups.models import User
    from groups.page_blocks import Block
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


def home_checkins(user: User, now: dt.datetime) -> list[Block]:
    """S16: the member's running check-ins on their home page (check out, or in again)."""
    return _checkin_blocks(user, now, None)


def meeting_checkins(user: User, now: dt.datetime, *, meeting: Meeting) -> list[Block]:
    """S16: the member's check-in at this meeting, on the meeting's page."""
    return _checkin_blocks(user, now, meeting)


def meeting_leader_checkin(user: User, now: dt.datetime, *, meeting: Meeting) -> list[Block]:
    """S9, S16: on a course session's page, for those who may show the QR code and correct
    presence: links to the QR screen and to the check-in list for their own phone."""
    from attendance.models import CourseSession
    from attendance.permissions import can_lead
    from groups.page_blocks import Block
    from meetings.models import MeetingStatus

    if not getattr(user, "is_authenticated", False) or meeting.status == MeetingStatus.CANCELLED:
        return []
    session = (
        CourseSession.objects.select_related("course", "course__group")
        .filter(meeting=meeting)
        .first()
    )
    if session is None or session.course.is_finished or not can_lead(user, session.course):
        return []
    return [Block("attendance/_leader_checkin_block.html", {"meeting": meeting})]


def _checkin_blocks(user: User, now: dt.datetime, meeting: Meeting | None) -> list[Block]:
    from attendance.selectors import my_running_checkins
    from groups.page_blocks import Block

    if not getattr(user, "is_authenticated", False):
        return []
    states = my_running_checkins(user, now, meeting=meeting)
    return [Block("attendance/_checkin_block.html", {"states": states})] if states else []


class AttendanceConfig(AppConfig):
    name = "attendance"
    verbose_name = _("Studiearbeid")

    def ready(self) -> None:
        from attendance import homework as attendance_homework
        from config import providers

        providers.PRESENCE.register(checked_in_memberships, name="attendance")
        # Courses and the approval queue on the home page (groups draws it).
        providers.HOME_WORK.register(attendance_homework.home_work, name="attendance")
        providers.HOME_BLOCKS.register(home_checkins, name="attendance")
        providers.MEETING_BLOCKS.register(meeting_checkins, name="attendance")
        providers.MEETING_BLOCKS.register(meeting_leader_checkin, name="attendance.leader")
