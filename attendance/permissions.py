"""The one access helper of the attendance app.

- ``view``: the course's group members, its course leader, course administrators, site admins.
- ``lead``: the group's leader and deputy, the course leader, site admins: edit the course,
  run check-in, correct presence.
- ``records``: who may see everyone's presence (special-category data, S10, S12): those who
  ``lead`` plus course administrators.
- ``decide``: course administrators (and site admins): approve, reject, decide exemptions.

A user who may not ``view`` gets 404; one who may view but not act gets 403.
"""

from __future__ import annotations

from typing import Literal

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from attendance.models import COURSE_ADMIN_GROUP, Course, CourseSession
from config.pagecache import remember
from config.roles import user_roles
from groups.models import User
from groups.permissions import (
    PERMISSION_CODENAMES,
    can_manage,
    closed_message,
    group_perms,
    period_closed,
)

Perm = Literal["view", "lead", "records", "decide"]


def is_course_admin(user: User | AnonymousUser) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return COURSE_ADMIN_GROUP in user_roles(user)


def can_lead(user: User | AnonymousUser, course: Course) -> bool:
    if not user.is_authenticated or period_closed(course.group):
        return False
    return course.course_leader_id == user.pk or can_manage(user, course.group)


def can_view(user: User | AnonymousUser, course: Course) -> bool:
    if not user.is_authenticated:
        return False
    return (
        can_lead(user, course)
        or is_course_admin(user)
        or (user.is_active and PERMISSION_CODENAMES["view"] in group_perms(user, course.group))
    )


def check_course(user: User | AnonymousUser, course: Course, perm: Perm) -> Course:
    if not can_view(user, course):
        raise Http404
    if perm == "lead" and period_closed(course.group):
        raise PermissionDenied(closed_message(course.group))
    if perm == "lead" and not can_lead(user, course):
        raise PermissionDenied(_("Bare kursleder, gruppeleder og nestleder kan gjøre dette."))
    if perm == "records" and not (can_lead(user, course) or is_course_admin(user)):
        raise PermissionDenied(
            _("Frammøtet kan bare ses av kursleder, gruppeleder og kursadministratorer.")
        )
    if perm == "decide" and not is_course_admin(user):
        raise PermissionDenied(_("Bare kursadministratorer kan gjøre dette."))
    return course


def get_course_for_user(user: User | AnonymousUser, pk: int, perm: Perm = "view") -> Course:
    course = remember(  # kept between writes (config/pagecache.py)
        f"course:{pk}",
        lambda: (
            Course.objects.select_related("group", "plan", "course_leader").filter(pk=pk).first()
        ),
        kind="course",
    )
    if course is None:
        raise Http404
    return check_course(user, course, perm)


def get_session_for_user(
    user: User | AnonymousUser, meeting_pk: int, perm: Perm = "lead"
) -> CourseSession:
    """The course session held at meeting ``meeting_pk`` (404 if the meeting is no session)."""
    try:
        session = CourseSession.objects.select_related(
            "meeting", "course", "course__group", "course__plan", "course__course_leader"
        ).get(meeting_id=meeting_pk)
    except CourseSession.DoesNotExist:
        raise Http404 from None
    check_course(user, session.course, perm)
    return session


def require_course_admin(user: User | AnonymousUser) -> None:
    if not is_course_admin(user):
        raise PermissionDenied(_("Bare kursadministratorer har tilgang til denne siden."))
