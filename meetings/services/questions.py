"""Writes: questions and interpellations to the council (G28, linked to E2).

States: utkast → til godkjenning → godkjent → sendt inn → besvart; any state before the
answer may end in trukket. The leader (or deputy) approves, on their own or as a group
meeting decided on an agenda item; each approval writes a numbered ``QuestionVersion``
that is never changed. A correction after approval sends the question for approval again
and the next approval is a new version.

The booklet: "Kommunen har regler for representantenes anledning til dette. Innlevering av
spørsmål kan som regel gjøres tett opp mot kommunestyremøtet." So the deadline is the
council's: the leader enters it per council meeting; without that the portal uses
``DEFAULT_DAYS_BEFORE`` at noon. A question sent in after the deadline is refused unless a
reason is given; it is then recorded as late, with the deadline as it stood.
"""

from __future__ import annotations

import datetime as dt
import logging
import zoneinfo

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from config.dates import when
from config.mail import send as send_mail
from config.outbox import message_id
from config.singleline import require_single_line
from groups.audit import audit
from groups.models import BoardRole, CouncilGroup, Membership, MembershipStatus, User
from groups.permissions import can_manage_group, require_group_manager
from meetings.models import (
    OPEN_STATUSES,
    AgendaItem,
    AgendaStatus,
    ApprovalWay,
    CouncilMeeting,
    CouncilQuestion,
    MeetingKind,
    MeetingStatus,
    ProgrammeIssue,
    QuestionDeadline,
    QuestionKind,
    QuestionReminder,
    QuestionStatus,
    QuestionVersion,
)
from meetings.permissions import may_act_on_question, may_draft_questions, membership_in

log = logging.getLogger(__name__)
OSLO = zoneinfo.ZoneInfo("Europe/Oslo")

# Without the council's own rule: questions the day before, interpellations a week before,
# at noon (Oslo time).
DEFAULT_DAYS_BEFORE = {QuestionKind.QUESTION: 1, QuestionKind.INTERPELLATION: 7}
DEADLINE_TIME = dt.time(12, 0)
# The author and the leader are reminded this long before the deadline (once each).
REMINDER_LEAD = dt.timedelta(days=2)
# The home page marks a deadline this close as near.
NEAR = dt.timedelta(days=3)
TEXT_MAX = 6000
REASON_MAX = 1000


# --- deadlines -------------------------------------------------------------------------
def default_deadline(council_meeting: CouncilMeeting, kind: str) -> dt.datetime:
    day = timezone.localtime(council_meeting.starts_at, OSLO).date()
    day -= dt.timedelta(days=DEFAULT_DAYS_BEFORE[QuestionKind(kind)])
    return dt.datetime.combine(day, DEADLINE_TIME, tzinfo=OSLO)


def _entered(council_meeting: CouncilMeeting) -> QuestionDeadline | None:
    try:
        return council_meeting.question_deadline
    except ObjectDoesNotExist:
        return None


def deadline_for(council_meeting: CouncilMeeting, kind: str) -> dt.datetime:
    """The deadline for sending in a question (or interpellation) to this council meeting:
    the one the leader entered, else the default."""
    entered = _entered(council_meeting)
    if entered is not None:
        return (
            entered.interpellation_deadline
            if kind == QuestionKind.INTERPELLATION
            else entered.question_deadline
        )
    return default_deadline(council_meeting, kind)


def deadline_is_default(council_meeting: CouncilMeeting) -> bool:
    return _entered(council_meeting) is None


def question_deadline(question: CouncilQuestion) -> dt.datetime:
    return deadline_for(question.council_meeting, question.kind)


def deadline_state(question: CouncilQuestion, now: dt.datetime) -> str:
    """For the lists: "late" (deadline passed and not sent in), "near", "ok", or "" when
    the deadline no longer matters (sent in, answered, withdrawn)."""
    if question.status not in OPEN_STATUSES:
        return ""
    deadline = question_deadline(question)
    if now > deadline:
        return "late"
    return "near" if deadline - now <= NEAR else "ok"


def question_deadline_set(
    *,
    actor: User,
    council_meeting: CouncilMeeting,
    question_deadline: dt.datetime,
    interpellation_deadline: dt.datetime,
) -> QuestionDeadline:
    """The leader enters the council's deadlines for one council meeting."""
    require_group_manager(actor, council_meeting.group_id)
    errors = {}
    for field, value in (
        ("question_deadline", question_deadline),
        ("interpellation_deadline", interpellation_deadline),
    ):
        if value >= council_meeting.starts_at:
            errors[field] = _("Fristen må være før kommunestyremøtet begynner.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        row, _created = QuestionDeadline.objects.update_or_create(
            council_meeting=council_meeting,
            defaults={
                "question_deadline": question_deadline,
                "interpellation_deadline": interpellation_deadline,
                "set_by": actor,
                "set_at": timezone.now(),
            },
        )
        audit(
            actor=actor,
            action="meeting.question_deadline_set",
            target=council_meeting,
            group=council_meeting.group,
        )
    # A reminder already sent stays sent (once); one not sent yet follows the new deadline.
    return row


# --- drafting ----------------------------------------------------------------------------
def _check_content(
    *,
    group: CouncilGroup,
    council_meeting: CouncilMeeting,
    kind: str,
    title: str,
    addressee: str,
    text: str,
    programme_issue: ProgrammeIssue | None,
    now: dt.datetime,
) -> None:
    require_single_line(title=title, addressee=addressee)
    errors: dict[str, str] = {}
    if kind not in QuestionKind.values:
        errors["kind"] = _("Velg spørsmål eller interpellasjon.")
    if council_meeting.group_id != group.pk or council_meeting.committee_id is not None:
        errors["council_meeting"] = _("Velg et av kommunestyrets møter for gruppa.")
    elif council_meeting.starts_at <= now:
        errors["council_meeting"] = _(
            "Kommunestyremøtet har begynt eller er holdt. Velg et senere møte."
        )
    if not title.strip():
        errors["title"] = _("Skriv en kort tittel.")
    if not addressee.strip():
        errors["addressee"] = _("Skriv hvem spørsmålet stilles til, som regel ordføreren.")
    if not text.strip():
        errors["text"] = _("Skriv teksten.")
    elif len(text) > TEXT_MAX:
        errors["text"] = _("Teksten kan være på høyst %(n)s tegn.") % {"n": TEXT_MAX}
    if programme_issue is not None and programme_issue.group_id != group.pk:
        errors["programme_issue"] = _("Programpunktet må høre til gruppa.")
    if errors:
        raise ValidationError(errors)


def question_create(
    *,
    actor: User,
    group: CouncilGroup,
    council_meeting: CouncilMeeting,
    kind: str,
    title: str,
    addressee: str,
    text: str,
    programme_issue: ProgrammeIssue | None = None,
) -> CouncilQuestion:
    """A representative of the group drafts a question or interpellation."""
    if not may_draft_questions(actor, group):
        raise PermissionDenied(
            _("Bare gruppas representanter kan skrive spørsmål til kommunestyret.")
        )
    now = timezone.now()
    _check_content(
        group=group,
        council_meeting=council_meeting,
        kind=kind,
        title=title,
        addressee=addressee,
        text=text,
        programme_issue=programme_issue,
        now=now,
    )
    author = membership_in(actor, group.pk)
    assert author is not None  # noqa: S101 (may_draft_questions checked it)
    with transaction.atomic():
        question = CouncilQuestion.objects.create(
            group=group,
            council_meeting=council_meeting,
            kind=kind,
            author=author,
            programme_issue=programme_issue,
            title=title.strip(),
            addressee=addressee.strip(),
            text=text.strip(),
            created_at=now,
            updated_at=now,
        )
        audit(
            actor=actor,
            action="meeting.question_create",
            target=question,
            group=group,
            kind=kind,
            council_meeting=council_meeting.pk,
            programme_issue=programme_issue.pk if programme_issue else None,
        )
    return question


def _require_actor(actor: User, question: CouncilQuestion) -> None:
    if not may_act_on_question(actor, question):
        raise PermissionDenied(_("Bare forslagsstilleren og gruppeleder kan gjøre dette."))


def _require_status(question: CouncilQuestion, *allowed: str) -> None:
    if question.status not in allowed:
        raise ValidationError(
            _("Dette kan ikke gjøres nå: spørsmålet er %(status)s.")
            % {"status": question.get_status_display().lower()}
        )


def _locked(question: CouncilQuestion) -> CouncilQuestion:
    """The row again, locked for the rest of the transaction: two clicks, one change."""
    return CouncilQuestion.objects.select_for_update().get(pk=question.pk)


def question_update(
    *,
    actor: User,
    question: CouncilQuestion,
    council_meeting: CouncilMeeting,
    kind: str,
    title: str,
    addressee: str,
    text: str,
    programme_issue: ProgrammeIssue | None = None,
) -> CouncilQuestion:
    """The author or the leader edit the working text. An approved question is corrected:
    its approved version stays as it was, and the correction goes for approval again."""
    _require_actor(actor, question)
    now = timezone.now()
    _check_content(
        group=question.group,
        council_meeting=council_meeting,
        kind=kind,
        title=title,
        addressee=addressee,
        text=text,
        programme_issue=programme_issue,
        now=now,
    )
    with transaction.atomic():
        current = _locked(question)
        _require_status(current, *OPEN_STATUSES)
        correction = current.status == QuestionStatus.APPROVED
        current.council_meeting = council_meeting
        current.kind = kind
        current.title = title.strip()
        current.addressee = addressee.strip()
        current.text = text.strip()
        current.programme_issue = programme_issue
        current.updated_at = now
        if correction:
            current.status = QuestionStatus.AWAITING
        current.save()
        audit(
            actor=actor,
            action="meeting.question_update",
            target=current,
            group=question.group,
            correction=correction,
        )
    return current


def question_send_for_approval(*, actor: User, question: CouncilQuestion) -> CouncilQuestion:
    _require_actor(actor, question)
    with transaction.atomic():
        current = _locked(question)
        _require_status(current, QuestionStatus.DRAFT)
        current.status = QuestionStatus.AWAITING
        current.returned_comment = ""
        current.updated_at = timezone.now()
        current.save(update_fields=["status", "returned_comment", "updated_at"])
        audit(
            actor=actor,
            action="meeting.question_send_for_approval",
            target=current,
            group=question.group,
        )
    return current


def question_return(*, actor: User, question: CouncilQuestion, comment: str) -> CouncilQuestion:
    """The leader sends it back to its author as a draft, saying what to change."""
    require_group_manager(actor, question.group_id)
    if not comment.strip():
        raise ValidationError({"comment": _("Skriv hva som bør endres.")})
    if len(comment) > REASON_MAX:
        raise ValidationError(
            {"comment": _("Merknaden kan være på høyst %(n)s tegn.") % {"n": REASON_MAX}}
        )
    with transaction.atomic():
        current = _locked(question)
        _require_status(current, QuestionStatus.AWAITING)
        current.status = QuestionStatus.DRAFT
        current.returned_comment = comment.strip()
        current.updated_at = timezone.now()
        current.save(update_fields=["status", "returned_comment", "updated_at"])
        audit(actor=actor, action="meeting.question_return", target=current, group=question.group)
    return current


def approval_items(group: CouncilGroup, now: dt.datetime) -> list[AgendaItem]:
    """Agenda items of the group's group meetings that have begun: where the group may have
    decided to put a question."""
    return list(
        AgendaItem.objects.filter(
            meeting__group=group,
            meeting__kind=MeetingKind.GROUP,
            meeting__starts_at__lte=now,
            status=AgendaStatus.ACCEPTED,
        )
        .exclude(meeting__status=MeetingStatus.CANCELLED)
        .select_related("meeting")
        .order_by("-meeting__starts_at", "id")[:60]
    )


def question_approve(
    *, actor: User, question: CouncilQuestion, agenda_item: AgendaItem | None = None
) -> QuestionVersion:
    """The leader approves the text, on their own or as the group decided on ``agenda_item``.
    The approved text is written as the next numbered version and never changed."""
    require_group_manager(actor, question.group_id)
    now = timezone.now()
    if agenda_item is not None and agenda_item.pk not in {
        item.pk for item in approval_items(question.group, now)
    }:
        raise ValidationError(
            {"agenda_item": _("Velg en sak fra et av gruppas gruppemøter som er holdt.")}
        )
    with transaction.atomic():
        current = _locked(question)
        _require_status(current, QuestionStatus.AWAITING)
        number = (current.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        version = QuestionVersion.objects.create(
            question=current,
            number=number,
            kind=current.kind,
            addressee=current.addressee,
            title=current.title,
            text=current.text,
            approved_at=now,
            approved_by=actor,
            way=ApprovalWay.GROUP_MEETING if agenda_item else ApprovalWay.LEADER,
            agenda_item=agenda_item,
        )
        current.status = QuestionStatus.APPROVED
        current.updated_at = now
        current.save(update_fields=["status", "updated_at"])
        audit(
            actor=actor,
            action="meeting.question_approve",
            target=current,
            group=question.group,
            version=number,
            way=version.way,
            agenda_item=agenda_item.pk if agenda_item else None,
        )
    return version


def question_submit(
    *,
    actor: User,
    question: CouncilQuestion,
    submitted_at: dt.datetime,
    late_reason: str = "",
) -> CouncilQuestion:
    """Mark the approved text as sent to the council (when, by whom). After the deadline it
    is refused unless a reason is given; it is then recorded as late."""
    _require_actor(actor, question)
    now = timezone.now()
    late_reason = late_reason.strip()
    if len(late_reason) > REASON_MAX:
        raise ValidationError(
            {"late_reason": _("Begrunnelsen kan være på høyst %(n)s tegn.") % {"n": REASON_MAX}}
        )
    with transaction.atomic():
        current = _locked(question)
        _require_status(current, QuestionStatus.APPROVED)
        version = current.versions.order_by("-number").first()
        assert version is not None  # noqa: S101 (approved means a version exists)
        cm = question.council_meeting
        deadline = deadline_for(cm, current.kind)
        if submitted_at > now + dt.timedelta(minutes=5):
            raise ValidationError({"submitted_at": _("Tidspunktet kan ikke være fram i tid.")})
        if submitted_at < version.approved_at.replace(second=0, microsecond=0):
            raise ValidationError(
                {"submitted_at": _("Spørsmålet kan ikke være sendt inn før det ble godkjent.")}
            )
        if submitted_at >= cm.starts_at:
            raise ValidationError(
                {
                    "submitted_at": _(
                        "Kommunestyremøtet hadde begynt. Trekk spørsmålet, eller rett det til et senere møte."
                    )
                }
            )
        if submitted_at > deadline and not late_reason:
            raise ValidationError(
                {
                    "late_reason": _(
                        "Fristen var %(deadline)s. Skriv hvorfor spørsmålet sendes inn etter fristen."
                    )
                    % {"deadline": when(deadline)}
                }
            )
        if submitted_at <= deadline:
            late_reason = ""
        current.status = QuestionStatus.SUBMITTED
        current.submitted_at = submitted_at
        current.submitted_by = actor
        current.submitted_version = version
        current.deadline_at_submission = deadline
        current.late_reason = late_reason
        current.updated_at = now
        current.save()
        audit(
            actor=actor,
            action="meeting.question_submit",
            target=current,
            group=question.group,
            version=version.number,
            late=bool(late_reason),
        )
    return current


def question_answer(
    *,
    actor: User,
    question: CouncilQuestion,
    answered_on: dt.date,
    answer_text: str,
    answer_reference: str,
) -> CouncilQuestion:
    """Record the answer: its text, or where it is (an attachment's name or a link)."""
    _require_actor(actor, question)
    require_single_line(answer_reference=answer_reference)
    today = timezone.localdate()
    errors: dict[str, str] = {}
    if not answer_text.strip() and not answer_reference.strip():
        errors["answer_text"] = _("Skriv svaret, eller hvor det finnes (vedlegg eller lenke).")
    elif len(answer_text) > TEXT_MAX:
        errors["answer_text"] = _("Teksten kan være på høyst %(n)s tegn.") % {"n": TEXT_MAX}
    if answered_on > today:
        errors["answered_on"] = _("Datoen kan ikke være fram i tid.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = _locked(question)
        _require_status(current, QuestionStatus.SUBMITTED)
        assert current.submitted_at is not None  # noqa: S101 (constraint)
        if answered_on < timezone.localtime(current.submitted_at).date():
            raise ValidationError(
                {"answered_on": _("Svaret kan ikke være gitt før spørsmålet ble sendt inn.")}
            )
        current.status = QuestionStatus.ANSWERED
        current.answered_on = answered_on
        current.answer_text = answer_text.strip()
        current.answer_reference = answer_reference.strip()
        current.answer_recorded_by = actor
        current.updated_at = timezone.now()
        current.save()
        audit(actor=actor, action="meeting.question_answer", target=current, group=question.group)
    return current


def question_withdraw(*, actor: User, question: CouncilQuestion, reason: str) -> CouncilQuestion:
    """The author or the leader withdraw it, before the answer. What was approved stays."""
    _require_actor(actor, question)
    if len(reason) > REASON_MAX:
        raise ValidationError(
            {"reason": _("Grunnen kan være på høyst %(n)s tegn.") % {"n": REASON_MAX}}
        )
    with transaction.atomic():
        current = _locked(question)
        _require_status(current, *OPEN_STATUSES, QuestionStatus.SUBMITTED)
        current.status = QuestionStatus.WITHDRAWN
        current.withdrawn_at = timezone.now()
        current.withdrawn_by = actor
        current.withdrawn_reason = reason.strip()
        current.updated_at = current.withdrawn_at
        current.save()
        audit(actor=actor, action="meeting.question_withdraw", target=current, group=question.group)
    return current


def may_approve(user: User, question: CouncilQuestion) -> bool:
    return can_manage_group(user, question.group_id)


# --- reminders before the deadline -------------------------------------------------------
def _leaders(group_id: int) -> list[User]:
    today = timezone.localdate()
    rows = Membership.objects.filter(
        group_id=group_id, board_role=BoardRole.LEADER, status=MembershipStatus.ACTIVE
    ).select_related("user")
    return [m.user for m in rows if m.has_member_rights(today) and m.user.is_active]


def _send_question_reminder(question: CouncilQuestion, user: User, deadline: dt.datetime) -> None:
    send_mail(
        user,
        template="meetings/email/question_reminder.txt",
        subject_template="meetings/email/question_reminder_subject.txt",
        context={
            "question": question,
            "user": user,
            "deadline": deadline,
            "is_author": question.author.user_id == user.pk,
            "url": settings.SITE_URL + reverse("meetings:question", kwargs={"pk": question.pk}),
        },
        headers={"Message-ID": message_id(f"meetings.question_reminder.{question.pk}", user.pk)},
    )


def question_reminders_send_due(*, now: dt.datetime | None = None) -> int:
    """The beat sweep: ``REMINDER_LEAD`` before the deadline of a question not yet sent in,
    remind its author and the group's leader, each once (``QuestionReminder`` is unique
    per question and person and written in the transaction that sends). Past the deadline
    nothing more is sent: the lists show it as late."""
    now = now or timezone.now()
    candidates = (
        CouncilQuestion.objects.filter(status__in=OPEN_STATUSES, council_meeting__starts_at__gt=now)
        .select_related("group", "author__user", "council_meeting__question_deadline")
        .order_by("pk")
    )
    due = []
    for question in candidates:
        deadline = question_deadline(question)
        if deadline - REMINDER_LEAD <= now < deadline:
            due.append((question, deadline))
    if not due:
        return 0
    already = set(
        QuestionReminder.objects.filter(question__in=[q for q, _d in due]).values_list(
            "question_id", "user_id"
        )
    )
    sent = 0
    for question, deadline in due:
        recipients = {question.author.user_id: question.author.user}
        for leader in _leaders(question.group_id):
            recipients.setdefault(leader.pk, leader)
        for user in recipients.values():
            if (question.pk, user.pk) in already or not user.is_active or not user.email:
                continue
            try:
                with transaction.atomic():
                    QuestionReminder.objects.create(question=question, user=user, sent_at=now)
                    _send_question_reminder(question, user, deadline)
            except IntegrityError:
                continue  # another sweep sent it
            sent += 1
    if sent:
        log.info("question deadline reminders sent: %d", sent)
    return sent
