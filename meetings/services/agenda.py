"""Writes: agenda items (G9, G20), council cases (G12) and vote-deviation notices (G19)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from config.singleline import require_single_line
from groups import outbox
from groups.audit import audit
from groups.models import Membership, Seat, User
from groups.permissions import require_open_period
from meetings import tasks
from meetings.models import (
    AgendaItem,
    AgendaStatus,
    CouncilCase,
    CouncilMeeting,
    DeviationChannel,
    Meeting,
    MeetingKind,
    MeetingStatus,
    VoteDeviationNotice,
)
from meetings.permissions import (
    can_agree_explanation,
    can_manage_group,
    can_manage_meeting,
    can_view_meeting,
    membership_in,
    require_meeting_manager,
)


def _submitted_before(meeting: Meeting, submit_key: str) -> AgendaItem | None:
    if not submit_key:
        return None
    return AgendaItem.objects.filter(meeting=meeting, submit_key=submit_key).first()


def agenda_item_submit(
    *, actor: User, meeting: Meeting, title: str, description: str = "", submit_key: str = ""
) -> AgendaItem:
    """G9: every group member can submit an item; it goes to the leader. Items the leader
    adds go straight on the agenda.

    ``submit_key`` (one per rendering of the form) makes a repeat safe: the same key for
    the same meeting returns the item made the first time, even when both requests run
    at once (the unique constraint decides), and nothing is audited or sent twice."""
    if not can_view_meeting(actor, meeting):
        raise PermissionDenied
    require_open_period(meeting.group)
    manages = can_manage_meeting(actor, meeting)
    m = membership_in(actor, meeting.group_id)
    # G9; G26: at a members' meeting the chapter's members put forward matters too
    if not manages and (
        m is None or (m.seat == Seat.PARTY_MEMBER and meeting.kind != MeetingKind.MEMBERS)
    ):
        raise ValidationError(_("Bare gruppas medlemmer kan melde inn saker."))
    if meeting.status != MeetingStatus.PLANNED:
        raise ValidationError(_("Møtet er avholdt eller avlyst; meld saken inn til et annet møte."))
    if not title.strip():
        raise ValidationError({"title": _("Saken må ha en tittel.")})
    require_single_line(title=title)
    now = timezone.now()
    with transaction.atomic():
        earlier = _submitted_before(meeting, submit_key)
        if earlier is not None:
            return earlier
        last = meeting.agenda_items.filter(is_media_strategy=False).aggregate(n=Max("order"))["n"]
        try:
            with transaction.atomic():
                item = AgendaItem.objects.create(
                    meeting=meeting,
                    title=title.strip(),
                    description=description.strip(),
                    order=(last or 0) + 10,
                    status=AgendaStatus.ACCEPTED if manages else AgendaStatus.PROPOSED,
                    submitted_by=actor,
                    submitted_at=now,
                    decided_at=now if manages else None,
                    submit_key=submit_key,
                )
        except IntegrityError:
            # The same form, sent at the same moment, won the race: that is our item.
            earlier = _submitted_before(meeting, submit_key)
            if earlier is None:
                raise
            return earlier
        audit(
            actor=actor,
            action="meeting.agenda_submit",
            target=item,
            group=meeting.group,
            meeting_id=meeting.pk,
        )
        if not manages:
            outbox.enqueue(tasks.notify_item_submitted, item.pk)
    return item


def agenda_item_decide(
    *, actor: User, item: AgendaItem, decision: str, reason: str = ""
) -> AgendaItem:
    """G9: the leader accepts, defers or declines an item; deferring and declining need a
    reason, which the member sees."""
    require_meeting_manager(actor, item.meeting)
    if decision not in (AgendaStatus.ACCEPTED, AgendaStatus.DEFERRED, AgendaStatus.DECLINED):
        raise ValidationError({"decision": _("Velg en gyldig avgjørelse.")})
    if item.is_media_strategy and decision != AgendaStatus.ACCEPTED:
        raise ValidationError(
            _(
                "Mediestrategi skal være tema på alle ordinære gruppemøter og kan ikke tas av saklista."
            )
        )
    if decision != AgendaStatus.ACCEPTED and not reason.strip():
        raise ValidationError({"reason": _("Skriv en begrunnelse til den som meldte inn saken.")})
    if item.is_closed:
        raise ValidationError(_("Saken er ferdigbehandlet."))
    with transaction.atomic():
        item.status = decision
        item.decision_reason = reason.strip()
        item.decided_at = timezone.now()
        item.save(update_fields=["status", "decision_reason", "decided_at"])
        audit(
            actor=actor,
            action="meeting.agenda_decide",
            target=item,
            group=item.meeting.group,
            decision=decision,
        )
    return item


def agenda_item_close(*, actor: User, item: AgendaItem) -> AgendaItem:
    """The item is dealt with. Disqualified members who left it return now (S16)."""
    require_meeting_manager(actor, item.meeting)
    if item.status != AgendaStatus.ACCEPTED:
        raise ValidationError(_("Bare saker på saklista kan ferdigbehandles."))
    if item.is_closed:
        raise ValidationError(_("Saken er allerede ferdigbehandlet."))
    now = timezone.now()
    with transaction.atomic():
        item.closed_at = now
        item.save(update_fields=["closed_at"])
        for c in item.conflicts.filter(left_at__isnull=False, returned_at__isnull=True):
            left_at = c.left_at
            assert left_at is not None  # noqa: S101 (filtered above)
            c.returned_at = max(now, left_at + dt.timedelta(seconds=1))
            c.save(update_fields=["returned_at"])
        audit(actor=actor, action="meeting.agenda_close", target=item, group=item.meeting.group)
    return item


# --- council cases (G12) ---------------------------------------------------------------
def _check_case_values(
    council_meeting: CouncilMeeting, responsible: Membership | None, due_date: dt.date | None
) -> None:
    if responsible is not None:
        if responsible.group_id != council_meeting.group_id:
            raise ValidationError({"responsible": _("Den ansvarlige må være med i gruppa.")})
        if not responsible.has_member_rights(timezone.localdate()):
            raise ValidationError({"responsible": _("Den ansvarlige har ikke medlemsrettigheter.")})
    if due_date is not None and due_date > timezone.localtime(council_meeting.starts_at).date():
        raise ValidationError({"due_date": _("Fristen må være før kommunestyremøtet.")})


def case_create(
    *,
    actor: User,
    council_meeting: CouncilMeeting,
    title: str,
    number: str = "",
    recommendation: str = "",
    responsible: Membership | None = None,
    due_date: dt.date | None = None,
    is_election_with_sp_candidates: bool = False,
) -> CouncilCase:
    """G12: the leader distributes the council's cases among the members beforehand."""
    if not can_manage_group(actor, council_meeting.group_id):
        raise PermissionDenied(_("Bare gruppeleder og nestleder kan gjøre dette."))
    require_single_line(title=title, number=number)
    _check_case_values(council_meeting, responsible, due_date)
    with transaction.atomic():
        case = CouncilCase.objects.create(
            council_meeting=council_meeting,
            title=title.strip(),
            number=number.strip(),
            recommendation=recommendation.strip(),
            responsible=responsible,
            due_date=due_date,
            is_election_with_sp_candidates=is_election_with_sp_candidates,
        )
        audit(
            actor=actor,
            action="meeting.case_create",
            target=case,
            group=council_meeting.group,
            responsible_id=responsible.pk if responsible else None,
        )
        if responsible is not None:
            outbox.enqueue(tasks.notify_case_assigned, case.pk)
    return case


def case_update(
    *,
    actor: User,
    case: CouncilCase,
    responsible: Membership | None,
    due_date: dt.date | None,
    group_conclusion: str,
) -> CouncilCase:
    cm = case.council_meeting
    if not can_manage_group(actor, cm.group_id):
        raise PermissionDenied(_("Bare gruppeleder og nestleder kan gjøre dette."))
    _check_case_values(cm, responsible, due_date)
    with transaction.atomic():
        reassigned = responsible is not None and responsible.pk != case.responsible_id
        case.responsible = responsible
        case.due_date = due_date
        case.group_conclusion = group_conclusion.strip()
        case.save(update_fields=["responsible", "due_date", "group_conclusion"])
        audit(
            actor=actor,
            action="meeting.case_update",
            target=case,
            group=cm.group,
            responsible_id=responsible.pk if responsible else None,
        )
        if reassigned:
            outbox.enqueue(tasks.notify_case_assigned, case.pk)
    return case


# --- vote deviations (G19) -------------------------------------------------------------
def deviation_notify(
    *,
    actor: User,
    case: CouncilCase,
    reason: str,
    wants_vote_explanation: bool = False,
    membership: Membership | None = None,
    channel: str = DeviationChannel.PORTAL,
) -> VoteDeviationNotice:
    """G19: a member will vote against the group's conclusion. In the portal (when absent
    from the group meeting) before the council meeting; the leader records what members
    said in the meeting. In elections of persons with Sp candidates everyone is bound."""
    cm = case.council_meeting
    if channel == DeviationChannel.MEETING:
        if not can_manage_group(actor, cm.group_id):
            raise PermissionDenied(_("Bare gruppeleder og nestleder kan gjøre dette."))
        if membership is None:
            raise ValidationError({"membership": _("Velg medlemmet.")})
    else:
        membership = membership_in(actor, cm.group_id)
    if membership is None or not membership.can_vote(timezone.localdate()):
        raise ValidationError(_("Bare gruppas faste medlemmer stemmer i kommunestyret."))
    if case.is_election_with_sp_candidates:
        raise ValidationError(
            _(
                "Dette er et personvalg der Sp-medlemmer er kandidater. Alle i gruppa er da "
                "forpliktet til å stemme for det flertallet har bestemt."
            )
        )
    now = timezone.now()
    if now >= cm.starts_at:
        raise ValidationError(
            _("Kommunestyremøtet har begynt. Avvikende stemme må meldes før møtet.")
        )
    if case.deviations.filter(membership=membership).exists():
        raise ValidationError(_("Avvikende stemme er allerede meldt i denne saken."))
    with transaction.atomic():
        notice = VoteDeviationNotice.objects.create(
            case=case,
            membership=membership,
            channel=channel,
            reason=reason.strip(),
            wants_vote_explanation=wants_vote_explanation,
            created_at=now,
        )
        audit(
            actor=actor,
            action="meeting.deviation_notify",
            target=notice,
            group=cm.group,
            case_id=case.pk,
            channel=channel,
        )
        if channel == DeviationChannel.PORTAL:
            outbox.enqueue(tasks.notify_deviation, notice.pk)
    return notice


def deviation_agree_explanation(*, actor: User, notice: VoteDeviationNotice) -> VoteDeviationNotice:
    """G19: the minority may give a vote explanation after agreement with the group leader
    or, for a committee's case, the faction leader."""
    if not can_agree_explanation(actor, notice.case):
        raise PermissionDenied(_("Bare gruppeleder, nestleder og fraksjonsleder kan avtale dette."))
    with transaction.atomic():
        notice.explanation_agreed = True
        notice.save(update_fields=["explanation_agreed"])
        audit(
            actor=actor,
            action="meeting.deviation_agree",
            target=notice,
            group=notice.case.council_meeting.group,
        )
    return notice
