"""Writes of the course workflow (S1, S2, S4, S7, S11, S13, S15).

What the rules say about a course comes from ``attendance.engine``; nothing here
re-implements a rule. Check-in, consent and presence writes are in ``checkin``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from attendance.engine import (
    blocking_texts,
    course_evaluation,
    course_inputs,
    course_policy,
    hours_by_quarter,
    is_digital,
    policy_at_start,
    reason_texts,
)
from attendance.models import (
    ANNOUNCED_STATUSES,
    Course,
    CourseSession,
    CourseStatus,
    Exemption,
    ExemptionDecision,
    ExemptionGround,
    Presence,
    StudyChapter,
    StudyPlan,
    StudyPolicy,
    SubsidyRate,
)
from attendance.notify import COURSE_APPROVED, COURSE_REJECTED, decision_recipients
from attendance.permissions import can_lead, is_course_admin
from attendance.selectors import regular_representatives
from attendance.services.quarters import late_hours_moved
from config.singleline import require_single_line
from groups.audit import audit
from groups.models import CouncilGroup, MembershipStatus, User
from groups.outbox import enqueue
from groups.permissions import can_manage, membership_for, require_open_period
from meetings.models import Meeting, MeetingKind, MeetingStatus

# S4: the booklet's only ground for an exemption from the participant minimum.
EXEMPTION_GROUNDS = (ExemptionGround.FEW_REPRESENTATIVES,)


# --- course workflow (S1, S2, S11, S13) --------------------------------------------------
def _require_lead(actor: User, course: Course) -> None:
    require_open_period(course.group)  # G24: a closed period's courses stay as they were
    if not can_lead(actor, course):
        raise PermissionDenied(_("Bare kursleder, gruppeleder og nestleder kan gjøre dette."))


def _require_editable(course: Course) -> None:
    if not course.is_editable:
        raise ValidationError(
            _(
                "Kurset er sendt til godkjenning og kan ikke endres. Trekk det tilbake til utkast først."
            )
        )


def _check_course_leader(group: CouncilGroup, leader: User) -> None:
    membership = membership_for(leader, group)
    if membership is None or membership.status != MembershipStatus.ACTIVE:
        raise ValidationError({"course_leader": _("Kurslederen må være medlem av gruppa.")})


def _check_plan(plan: StudyPlan, keep: StudyPlan | None = None) -> None:
    """S2, S13: a course follows an approved plan, in its latest approved version (a course
    may keep the version it was planned with)."""
    if not plan.is_approved:
        raise ValidationError({"plan": _("Kurset må følge en godkjent studieplan.")})
    if plan != keep and not StudyPlan.objects.current().filter(pk=plan.pk).exists():
        raise ValidationError(
            {"plan": _("Det finnes en nyere godkjent versjon av studieplanen. Velg den.")}
        )


def course_create(
    *, actor: User, group: CouncilGroup, plan: StudyPlan, title: str, course_leader: User
) -> Course:
    """S1, S11: the group leader (or deputy) registers the group's work as a course."""
    require_open_period(group)
    if not can_manage(actor, group):
        raise PermissionDenied(_("Bare gruppeleder og nestleder kan opprette kurs."))
    _check_plan(plan)
    _check_course_leader(group, course_leader)
    if not title.strip():
        raise ValidationError({"title": _("Kurset må ha et navn.")})
    require_single_line(title=title)
    with transaction.atomic():
        course = Course.objects.create(
            group=group,
            plan=plan,
            title=title.strip(),
            course_leader=course_leader,
            created_by=actor,
            created_at=timezone.now(),
        )
        audit(actor=actor, action="course.create", target=course, group=group, plan=plan.pk)
    return course


def course_update(
    *, actor: User, course: Course, plan: StudyPlan, title: str, course_leader: User
) -> Course:
    _require_lead(actor, course)
    _require_editable(course)
    _check_plan(plan, keep=course.plan)
    if plan != course.plan and course.sessions.filter(chapter__isnull=False).exists():
        raise ValidationError(
            {
                "plan": _(
                    "Samlingene er planlagt etter kapitlene i studieplanen kurset følger. "
                    "Fjern dem før du bytter studieplan."
                )
            }
        )
    _check_course_leader(course.group, course_leader)
    if not title.strip():
        raise ValidationError({"title": _("Kurset må ha et navn.")})
    require_single_line(title=title)
    with transaction.atomic():
        course.plan, course.title, course.course_leader = plan, title.strip(), course_leader
        course.save(update_fields=["plan", "title", "course_leader"])
        audit(actor=actor, action="course.update", target=course, group=course.group)
    return course


def course_session_add(
    *, actor: User, course: Course, meeting: Meeting, chapter: StudyChapter | None = None
) -> CourseSession:
    """Attach a meeting as a session: never a decision meeting (S13); digital only where the
    plan allows it (S9); a meeting belongs to one course at most."""
    _require_lead(actor, course)
    _require_editable(course)
    if meeting.group_id != course.group_id:
        raise ValidationError({"meeting": _("Møtet hører til en annen gruppe.")})
    if meeting.counts_as_decision_meeting:
        raise ValidationError(
            {
                "meeting": _(
                    "Styremøter og årsmøter er beslutningsmøter og kan ikke være studiearbeid."
                )
            }
        )
    if meeting.kind == MeetingKind.SOCIAL:
        raise ValidationError(
            {"meeting": _("En sosial samling er ikke studiearbeid og kan ikke være en samling.")}
        )
    if is_digital(meeting) and not course.plan.allows_digital:
        raise ValidationError({"meeting": _("Studieplanen tillater ikke digitale samlinger.")})
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError({"meeting": _("Møtet er avlyst.")})
    if CourseSession.objects.filter(meeting=meeting).exists():
        raise ValidationError({"meeting": _("Møtet er allerede en samling i et kurs.")})
    if chapter is not None and chapter.plan_id != course.plan_id:
        raise ValidationError({"chapter": _("Kapittelet hører til en annen studieplan.")})
    with transaction.atomic():
        session = CourseSession.objects.create(course=course, meeting=meeting, chapter=chapter)
        audit(
            actor=actor,
            action="course.session_add",
            target=course,
            group=course.group,
            meeting=meeting.pk,
        )
    return session


def course_session_remove(*, actor: User, session: CourseSession) -> None:
    course = session.course
    _require_lead(actor, course)
    _require_editable(course)
    if Presence.objects.filter(meeting_id=session.meeting_id).exists():
        raise ValidationError(
            _("Samlingen har registrert frammøte og kan ikke fjernes fra kurset.")
        )
    with transaction.atomic():
        meeting_id = session.meeting_id
        session.delete()
        audit(
            actor=actor,
            action="course.session_remove",
            target=course,
            group=course.group,
            meeting=meeting_id,
        )


def _transition(
    course: Course,
    *,
    actor: User,
    to: str,
    allowed_from: Iterable[str],
    action: str,
    notify: int | None = None,
    **fields: object,
) -> Course:
    with transaction.atomic():
        locked = Course.objects.select_for_update().get(pk=course.pk)
        if locked.status not in allowed_from:
            raise ValidationError(
                _("Kurset har status «%(status)s», så det kan ikke gjøres nå.")
                % {"status": locked.get_status_display()}
            )
        locked.status = to
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.save()
        audit(actor=actor, action=action, target=locked, group=locked.group, status=to)
        if notify is not None:
            _notify_course_decided(locked, notify)
    course.refresh_from_db()
    return course


def _notify_course_decided(course: Course, decision: int) -> None:
    """Issue 17: the group leader and the course leader are told, each by one outbox row
    written with the decision (so a decision rolled back tells nobody)."""
    from attendance.tasks import notify_course_decided

    for user_id in decision_recipients(course):
        enqueue(notify_course_decided, course.pk, decision, user_id)


# What stops a course from being sent for approval: the sessions planned. Too few
# participants is for the course to meet while it runs.
SUBMIT_BLOCKERS = ("too_few_hours", "decision_meeting", "digital_not_allowed", "invalid_session")


def _check_plan_approved_before_start(course: Course) -> None:
    """S13: the study plan must be approved before the course starts."""
    first = course.sessions.select_related("meeting").order_by("meeting__starts_at").first()
    if first is None:
        return
    plan = course.plan
    start = timezone.localdate(first.meeting.starts_at)
    if not plan.is_approved:
        raise ValidationError(
            {"plan": _("Studieplanen «%(plan)s» er ikke godkjent.") % {"plan": plan.name}}
        )
    # A plan approved with no date recorded (the booklet's own plan) was approved before.
    if plan.approved_on is not None and plan.approved_on > start:
        raise ValidationError(
            {
                "plan": _(
                    "Studieplanen «%(plan)s» ble godkjent %(approved)s, etter at kurset startet "
                    "%(start)s. Studieplanen må være godkjent før kurset starter."
                )
                % {
                    "plan": plan.name,
                    "approved": f"{plan.approved_on:%d.%m.%Y}",
                    "start": f"{start:%d.%m.%Y}",
                }
            }
        )


def course_submit(*, actor: User, course: Course) -> Course:
    """Send the course for approval. The engine must find nothing wrong with its sessions
    and at least the policy's study hours planned; the plan was approved before the start
    (S13)."""
    _require_lead(actor, course)
    _check_plan_approved_before_start(course)
    inputs = course_inputs(course)
    evaluation = course_evaluation(course, inputs=inputs)
    blocking = reason_texts(evaluation.reasons, inputs, codes=SUBMIT_BLOCKERS)
    if blocking:
        raise ValidationError(blocking)
    return _transition(
        course,
        actor=actor,
        to=CourseStatus.SUBMITTED,
        allowed_from=(CourseStatus.DRAFT, CourseStatus.REJECTED),
        action="course.submit",
        submitted_at=timezone.now(),
        rejection_reason="",
    )


def course_withdraw(*, actor: User, course: Course) -> Course:
    """Back to draft, so the course can be edited."""
    _require_lead(actor, course)
    return _transition(
        course,
        actor=actor,
        to=CourseStatus.DRAFT,
        allowed_from=(CourseStatus.SUBMITTED,),
        action="course.withdraw",
    )


def _require_admin(actor: User) -> None:
    if not is_course_admin(actor):
        raise PermissionDenied(_("Bare kursadministratorer kan gjøre dette."))


def course_approve(*, actor: User, course: Course) -> Course:
    """Approve the course and pin the policy in force at its start to it (S15): from now on
    no later or back-dated policy changes its hours, verdict or certificates."""
    _require_admin(actor)
    _check_plan_approved_before_start(course)
    return _transition(
        course,
        actor=actor,
        to=CourseStatus.APPROVED,
        allowed_from=(CourseStatus.SUBMITTED,),
        action="course.approve",
        notify=COURSE_APPROVED,
        decided_at=timezone.now(),
        decided_by=actor,
        policy=policy_at_start(course),
    )


def course_reject(*, actor: User, course: Course, reason: str) -> Course:
    _require_admin(actor)
    if not reason.strip():
        raise ValidationError({"reason": _("Skriv hvorfor kurset avvises.")})
    return _transition(
        course,
        actor=actor,
        to=CourseStatus.REJECTED,
        allowed_from=(CourseStatus.SUBMITTED,),
        action="course.reject",
        notify=COURSE_REJECTED,
        decided_at=timezone.now(),
        decided_by=actor,
        rejection_reason=reason.strip(),
    )


def course_complete(*, actor: User, course: Course) -> Course:
    """The course has been held: every session has ended."""
    _require_lead(actor, course)
    now = timezone.now()
    if not course.sessions.exists():
        raise ValidationError(_("Kurset har ingen samlinger."))
    if course.sessions.filter(meeting__ends_at__gt=now).exists():
        raise ValidationError(_("Kurset kan ikke avsluttes før siste samling er over."))
    # Open presence intervals are read as ending at their meeting's end (course_inputs).
    return _transition(
        course,
        actor=actor,
        to=CourseStatus.COMPLETED,
        allowed_from=(CourseStatus.APPROVED,),
        action="course.complete",
        completed_at=now,
    )


def course_report(*, actor: User, course: Course) -> Course:
    """S6, S7: report the course through the portal. Only a course that holds can be
    reported; its study hours per quarter are frozen for the subsidy report. Hours of a
    quarter already closed count in the quarter the course is reported in (the first one
    still open): a closed quarter never changes."""
    _require_lead(actor, course)
    inputs = course_inputs(course)
    evaluation = course_evaluation(course, inputs=inputs)
    if not evaluation.holds:
        raise ValidationError(blocking_texts(evaluation, inputs))
    now = timezone.now()
    hours = late_hours_moved(hours_by_quarter(evaluation, inputs.meetings), now)
    return _transition(
        course,
        actor=actor,
        to=CourseStatus.REPORTED,
        allowed_from=(CourseStatus.COMPLETED,),
        action="course.report",
        reported_at=now,
        reported_hours=hours,
    )


# --- exemption (S4) ------------------------------------------------------------------------
def exemption_request(*, actor: User, course: Course, ground: str, reason: str) -> Exemption:
    """S4: only for a group with fewer representatives than the participant minimum (the
    booklet's one ground); decided by a course administrator."""
    _require_lead(actor, course)
    if ground not in EXEMPTION_GROUNDS:
        raise ValidationError({"ground": _("Velg grunnlaget for søknaden.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Skriv en begrunnelse.")})
    representatives = regular_representatives(course.group)
    minimum = course_policy(course).min_participants
    if ground == ExemptionGround.FEW_REPRESENTATIVES and representatives >= minimum:
        raise ValidationError(
            {
                "ground": _(
                    "Gruppa har %(count)s faste representanter. Unntak på dette grunnlaget gis "
                    "bare til grupper med færre enn %(minimum)s."
                )
                % {"count": representatives, "minimum": minimum}
            }
        )
    if course.is_finished:
        raise ValidationError(_("Kurset er avsluttet; det kan ikke søkes om unntak nå."))
    if course.exemptions.filter(decision=ExemptionDecision.PENDING).exists():
        raise ValidationError(_("Kurset har allerede en søknad om unntak til behandling."))
    with transaction.atomic():
        exemption = Exemption.objects.create(
            course=course,
            ground=ground,
            reason=reason.strip(),
            representatives=representatives,
            requested_by=actor,
            requested_at=timezone.now(),
        )
        audit(
            actor=actor,
            action="course.exemption_request",
            target=exemption,
            group=course.group,
            ground=ground,
        )
    return exemption


def exemption_decide(*, actor: User, exemption: Exemption, grant: bool, note: str) -> Exemption:
    _require_admin(actor)
    if not grant and not note.strip():
        raise ValidationError({"note": _("Skriv hvorfor søknaden avslås.")})
    with transaction.atomic():
        locked = Exemption.objects.select_for_update().get(pk=exemption.pk)
        if locked.decision != ExemptionDecision.PENDING:
            raise ValidationError(_("Søknaden er allerede avgjort."))
        locked.decision = ExemptionDecision.GRANTED if grant else ExemptionDecision.REFUSED
        locked.decision_note = note.strip()
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.save()
        audit(
            actor=actor,
            action="course.exemption_decide",
            target=locked,
            group=locked.course.group,
            decision=locked.decision,
        )
        from attendance.tasks import notify_exemption_decided

        for user_id in decision_recipients(locked.course):
            enqueue(notify_exemption_decided, locked.pk, user_id)
    return locked


# --- policies and rates (S7, S15) ----------------------------------------------------------
def policy_create(
    *,
    actor: User,
    valid_from: dt.date,
    min_study_hours: int,
    min_participants: int,
    min_share_numerator: int,
    min_share_denominator: int,
    min_age: int,
    leader_counts: bool,
    rounding: str,
    share_base: str,
    retention_years: int,
) -> StudyPolicy:
    """S15: a new policy from ``valid_from``; the courses approved before keep theirs."""
    _require_admin(actor)
    policy = StudyPolicy(
        created_by=actor,
        valid_from=valid_from,
        min_study_hours=min_study_hours,
        min_participants=min_participants,
        min_share_numerator=min_share_numerator,
        min_share_denominator=min_share_denominator,
        min_age=min_age,
        leader_counts=leader_counts,
        rounding=rounding,
        share_base=share_base,
        retention_years=retention_years,
    )
    policy.full_clean()
    try:
        policy.to_rules()
    except ValueError as exc:
        raise ValidationError(_("Tallene i regelsettet henger ikke sammen.")) from exc
    with transaction.atomic():
        # S15: an approved course keeps the policy that judged it. Any approved course not
        # yet pinned (from before pinning existed) is pinned first, so this one never
        # re-judges it.
        for course in Course.objects.filter(
            status__in=ANNOUNCED_STATUSES, policy__isnull=True
        ).select_for_update():
            course.policy = policy_at_start(course)
            course.save(update_fields=["policy"])
        policy.save()
        audit(actor=actor, action="study_policy.create", target=policy)
    return policy


def rate_set(*, actor: User, year: int, amount_per_hour: Decimal) -> SubsidyRate:
    _require_admin(actor)
    if amount_per_hour < 0:
        raise ValidationError({"amount_per_hour": _("Satsen kan ikke være negativ.")})
    with transaction.atomic():
        rate, _created = SubsidyRate.objects.update_or_create(
            year=year, defaults={"amount_per_hour": amount_per_hour, "updated_by": actor}
        )
        audit(actor=actor, action="subsidy_rate.set", target=rate, year=year)
    return rate
