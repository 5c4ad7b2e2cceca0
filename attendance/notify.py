"""E-mails of the course workflow (issue 17): a course administrator's decision on a course
or an exemption is told to the group leader and the course leader. Each function takes ids,
loads what it needs and writes one e-mail to one person, in their language. The subjects
name no person and no course; the body links to the course."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from attendance.models import Course, Exemption, ExemptionDecision
from config import mail
from groups.models import BoardRole, Membership, MembershipStatus, User
from groups.outbox import message_headers

# The course decisions that are told, as the int a task takes (the course may move on
# before the mail goes; the mail tells the decision that was made).
COURSE_APPROVED = 1
COURSE_REJECTED = 2
COURSE_DECISIONS = (COURSE_APPROVED, COURSE_REJECTED)


def decision_recipients(course: Course) -> list[int]:
    """The active group leader(s) and the course leader, each once."""
    leaders = Membership.objects.filter(
        group_id=course.group_id,
        board_role=BoardRole.LEADER,
        status=MembershipStatus.ACTIVE,
        user__is_active=True,
    ).values_list("user_id", flat=True)
    ids = set(leaders)
    if course.course_leader.is_active:
        ids.add(course.course_leader_id)
    return sorted(ids)


def _send(user: User, name: str, context: dict[str, object]) -> int:
    return mail.send(
        user,
        subject_template=f"attendance/email/{name}_subject.txt",
        template=f"attendance/email/{name}_body.txt",
        context=context,
        headers=message_headers(),
    )


def _course_url(course: Course) -> str:
    return settings.SITE_URL + reverse("attendance:course_detail", kwargs={"pk": course.pk})


def course_decided(course_id: int, decision: int, user_id: int) -> int:
    """S1, S11: the course was approved or rejected (with the reason)."""
    course = Course.objects.select_related("group").filter(pk=course_id).first()
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if course is None or user is None or decision not in COURSE_DECISIONS:
        return 0
    context = {
        "course": course,
        "approved": decision == COURSE_APPROVED,
        "url": _course_url(course),
    }
    return _send(user, "course_decided", context)


def exemption_decided(exemption_id: int, user_id: int) -> int:
    """S4: the exemption from the participant minimum was granted or refused."""
    exemption = Exemption.objects.select_related("course__group").filter(pk=exemption_id).first()
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if exemption is None or user is None or exemption.decision == ExemptionDecision.PENDING:
        return 0
    context = {
        "course": exemption.course,
        "exemption": exemption,
        "granted": exemption.decision == ExemptionDecision.GRANTED,
        "url": _course_url(exemption.course),
    }
    return _send(user, "exemption_decided", context)
