"""Writes: minutes (G13, G17), dissent (G25), conflicts of interest (G18, S16)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from groups.audit import audit
from groups.models import Membership, User
from groups.permissions import require_open_period
from meetings.models import (
    AgendaItem,
    AgendaStatus,
    ConflictDecision,
    ConflictOfInterest,
    Dissent,
    Meeting,
    MeetingStatus,
    Minutes,
    MinutesStatus,
    MinutesVersion,
)
from meetings.permissions import (
    can_view_meeting,
    membership_in,
    require_meeting_manager,
)
from meetings.services.members import is_advisory
from meetings.services.record import Approval, minutes_snapshot

LOCKED = _("Referatet er godkjent og låst. Gruppeleder kan åpne det for en ny versjon.")


def _minutes_for(meeting: Meeting) -> Minutes:
    minutes, _created = Minutes.objects.select_for_update().get_or_create(meeting=meeting)
    return minutes


def _refuse_if_locked(minutes: Minutes) -> None:
    if minutes.is_approved:
        raise ValidationError(str(LOCKED))


def _refuse_before_start(meeting: Meeting, now: dt.datetime) -> None:
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError(_("Møtet er avlyst."))
    if now < meeting.starts_at:
        raise ValidationError(_("Referatet skrives når møtet har begynt."))


def minutes_save(
    *,
    actor: User,
    meeting: Meeting,
    notes: str,
    present_text: str = "",
    present: Iterable[Membership] = (),
    leader: Membership | None = None,
) -> Minutes:
    """G13: who was present (the group's members, and ``present_text`` for guests), who
    led the meeting, and general notes."""
    require_meeting_manager(actor, meeting)
    now = timezone.now()
    _refuse_before_start(meeting, now)
    present = list(present)
    if any(m.group_id != meeting.group_id for m in present):
        raise ValidationError(
            {"present": _("Bare gruppas egne medlemmer kan føres som til stede.")}
        )
    if leader is not None and leader.group_id != meeting.group_id:
        raise ValidationError({"leader": _("Møtelederen må være medlem av gruppa.")})
    with transaction.atomic():
        minutes = _minutes_for(meeting)
        _refuse_if_locked(minutes)
        minutes.notes = notes.strip()
        minutes.present_text = present_text.strip()
        minutes.leader = leader
        minutes.written_by = actor
        minutes.save()
        minutes.present.set(present)
        audit(
            actor=actor,
            action="meeting.minutes_save",
            target=minutes,
            group=meeting.group,
            present_ids=sorted(m.pk for m in present),
            leader_id=leader.pk if leader else None,
        )
    return minutes


def minutes_save_item(
    *,
    actor: User,
    item: AgendaItem,
    discussion: str,
    disagrees_with_recommendation: bool,
    conclusion: str,
    recommendation: str | None = None,
) -> AgendaItem:
    """G13: what was discussed, and a short conclusion where the group disagrees with the
    recommendation (innstillingen)."""
    meeting = item.meeting
    require_meeting_manager(actor, meeting)
    _refuse_before_start(meeting, timezone.now())
    if item.status != AgendaStatus.ACCEPTED:
        raise ValidationError(_("Bare saker på saklista får referat."))
    if disagrees_with_recommendation and not conclusion.strip():
        raise ValidationError(
            {
                "conclusion": _(
                    "Skriv medlemsmøtets konklusjon når møtet er uenig i innstillingen."
                )
                if is_advisory(meeting)
                else _("Skriv gruppas konklusjon når gruppa er uenig i innstillingen.")
            }
        )
    with transaction.atomic():
        minutes = _minutes_for(meeting)
        _refuse_if_locked(minutes)
        item.discussion = discussion.strip()
        item.disagrees_with_recommendation = disagrees_with_recommendation
        item.conclusion = conclusion.strip()
        fields = ["discussion", "disagrees_with_recommendation", "conclusion"]
        if recommendation is not None:
            item.recommendation = recommendation.strip()
            fields.append("recommendation")
        item.save(update_fields=fields)
        if minutes.written_by_id is None:
            minutes.written_by = actor
            minutes.save(update_fields=["written_by"])
        audit(
            actor=actor,
            action="meeting.minutes_item",
            target=item,
            group=meeting.group,
            disagrees=disagrees_with_recommendation,
        )
    return item


def dissent_add(*, actor: User, item: AgendaItem, text: str) -> Dissent:
    """G25: a member adds a protokolltilførsel to an item before the minutes are approved."""
    meeting = item.meeting
    if not can_view_meeting(actor, meeting):
        raise PermissionDenied
    require_open_period(meeting.group)
    m = membership_in(actor, meeting.group_id)
    if m is None or not m.can_speak(timezone.localdate()):
        raise ValidationError(_("Bare møtedeltakere med talerett kan gi protokolltilførsel."))
    if item.status != AgendaStatus.ACCEPTED:
        raise ValidationError(_("Bare saker på saklista kan få protokolltilførsel."))
    if not text.strip():
        raise ValidationError({"text": _("Skriv protokolltilførselen.")})
    now = timezone.now()
    _refuse_before_start(meeting, now)
    with transaction.atomic():
        minutes = _minutes_for(meeting)
        _refuse_if_locked(minutes)
        dissent = Dissent.objects.create(
            agenda_item=item, author=actor, text=text.strip(), created_at=now
        )
        audit(
            actor=actor,
            action="meeting.dissent_add",
            target=dissent,
            group=meeting.group,
            agenda_item_id=item.pk,
        )
    return dissent


@dataclass(frozen=True)
class ApprovalCheck:
    """What the leader sees before approving (issue 17): ``blockers`` stop the approval;
    the rest is missing from the record but may be approved as it is."""

    blockers: list[str] = field(default_factory=list)
    no_one_present: bool = False
    no_leader: bool = False
    not_closed: list[str] = field(default_factory=list)
    no_discussion: list[str] = field(default_factory=list)

    @property
    def missing(self) -> bool:
        return bool(self.no_one_present or self.no_leader or self.not_closed or self.no_discussion)


def _blockers(meeting: Meeting, minutes: Minutes | None, now: dt.datetime) -> list[str]:
    if meeting.status == MeetingStatus.CANCELLED:
        return [_("Møtet er avlyst.")]
    if now < meeting.starts_at:
        return [_("Referatet skrives når møtet har begynt.")]
    if minutes is not None and minutes.is_approved:
        return [str(LOCKED)]
    found = []
    if meeting.agenda_items.filter(status=AgendaStatus.PROPOSED).exists():
        found.append(
            _("Noen innmeldte saker er ikke behandlet. Godta, utsett eller avvis dem først.")
        )
    if meeting.agenda_items.filter(conflicts__decision=ConflictDecision.PENDING).exists():
        found.append(_("Et habilitetsspørsmål er ikke avgjort."))
    return found


def minutes_approval_check(meeting: Meeting) -> ApprovalCheck:
    """What stops approval, and what the minutes lack: no one marked present, no meeting
    leader, items not marked finished, items with no discussion written."""
    minutes = Minutes.objects.filter(meeting=meeting).first()
    items = list(meeting.agenda_items.filter(status=AgendaStatus.ACCEPTED).order_by("order", "id"))
    numbered = [(f"{n}. {item.display_title}", item) for n, item in enumerate(items, start=1)]
    return ApprovalCheck(
        blockers=_blockers(meeting, minutes, timezone.now()),
        no_one_present=minutes is None or not minutes.present.exists(),
        no_leader=minutes is None or minutes.leader_id is None,
        not_closed=[label for label, item in numbered if not item.is_closed],
        no_discussion=[label for label, item in numbered if not item.discussion.strip()],
    )


def minutes_approve(*, actor: User, meeting: Meeting) -> MinutesVersion:
    """Approval locks the minutes and stores a numbered version, which names who approved
    it and when; the meeting is held. The view asks for confirmation first and shows what
    ``minutes_approval_check`` finds missing."""
    require_meeting_manager(actor, meeting)
    now = timezone.now()
    with transaction.atomic():
        minutes = _minutes_for(meeting)
        blockers = _blockers(meeting, minutes, now)
        if blockers:
            raise ValidationError(blockers)
        last = minutes.versions.order_by("-number").first()
        number = (last.number + 1) if last else 1
        version = MinutesVersion.objects.create(
            minutes=minutes,
            number=number,
            content=minutes_snapshot(
                meeting,
                approval=Approval(
                    by=actor, at=now, number=number, reopen_reason=minutes.reopen_reason
                ),
            ),
            approved_at=now,
            approved_by=actor,
            reopen_reason=minutes.reopen_reason,
        )
        minutes.status = MinutesStatus.APPROVED
        minutes.approved_at = now
        minutes.approved_by = actor
        minutes.reopen_reason = ""
        minutes.save(update_fields=["status", "approved_at", "approved_by", "reopen_reason"])
        if meeting.status == MeetingStatus.PLANNED:
            meeting.status = MeetingStatus.HELD
            meeting.save(update_fields=["status", "updated_at"])
        audit(
            actor=actor,
            action="meeting.minutes_approve",
            target=minutes,
            group=meeting.group,
            version=version.number,
        )
    return version


def minutes_reopen(*, actor: User, meeting: Meeting, reason: str) -> Minutes:
    """A correction: the approved versions stay as they are; the next approval makes a new
    version that says why."""
    require_meeting_manager(actor, meeting)
    if not reason.strip():
        raise ValidationError({"reason": _("Skriv hvorfor referatet må rettes.")})
    with transaction.atomic():
        minutes = _minutes_for(meeting)
        if not minutes.is_approved:
            raise ValidationError(_("Referatet er ikke godkjent ennå."))
        minutes.status = MinutesStatus.DRAFT
        minutes.reopen_reason = reason.strip()[
            : Minutes._meta.get_field("reopen_reason").max_length
        ]
        minutes.save(update_fields=["status", "reopen_reason"])
        audit(actor=actor, action="meeting.minutes_reopen", target=minutes, group=meeting.group)
    return minutes


# --- conflicts of interest (G18, S16) --------------------------------------------------
def _refuse_members_meeting(item: AgendaItem) -> None:
    """G26: a members' meeting concludes nothing that binds the group, so no member is
    disqualified there; the group decides that when it handles the matter itself."""
    if is_advisory(item.meeting):
        raise ValidationError(
            _(
                "Habilitet avgjøres av gruppa når den behandler saken. Et medlemsmøte er "
                "rådgivende og fatter ikke vedtak som binder gruppa."
            )
        )


def _refuse_closed(item: AgendaItem) -> None:
    if item.is_closed:
        raise ValidationError(
            _("Saken er ferdigbehandlet. Habilitet må avgjøres før saken avsluttes.")
        )
    minutes = Minutes.objects.filter(meeting_id=item.meeting_id).first()
    if minutes is not None and minutes.is_approved:
        raise ValidationError(str(LOCKED))


def conflict_declare(
    *, actor: User, item: AgendaItem, reason: str, certain: bool = False
) -> ConflictOfInterest:
    """G18: each member raises their own possible disqualification. ``certain``: the
    member says they are disqualified and leaves; otherwise the group decides."""
    if not can_view_meeting(actor, item.meeting):
        raise PermissionDenied
    require_open_period(item.meeting.group)
    _refuse_members_meeting(item)
    m = membership_in(actor, item.meeting.group_id)
    if m is None:
        raise ValidationError(_("Bare gruppas medlemmer kan melde habilitetsspørsmål."))
    if item.status != AgendaStatus.ACCEPTED:
        raise ValidationError(_("Bare saker på saklista kan ha habilitetsspørsmål."))
    _refuse_closed(item)
    if not reason.strip():
        raise ValidationError({"reason": _("Skriv hva som kan gjøre deg inhabil.")})
    if item.conflicts.filter(membership=m).exists():
        raise ValidationError(_("Du har allerede meldt habilitetsspørsmål i denne saken."))
    now = timezone.now()
    with transaction.atomic():
        conflict = ConflictOfInterest.objects.create(
            agenda_item=item,
            membership=m,
            reason=reason.strip(),
            declared_at=now,
            decision=ConflictDecision.DISQUALIFIED if certain else ConflictDecision.PENDING,
            decided_at=now if certain else None,
        )
        audit(
            actor=actor,
            action="meeting.conflict_declare",
            target=conflict,
            group=item.meeting.group,
            certain=certain,
        )
    return conflict


def _eligible_voters(conflict: ConflictOfInterest) -> int:
    today = timezone.localdate()
    others = Membership.objects.filter(group_id=conflict.membership.group_id).exclude(
        pk=conflict.membership_id
    )
    return sum(1 for m in others if m.can_vote(today))


def conflict_vote(
    *, actor: User, conflict: ConflictOfInterest, votes_for: int, votes_against: int
) -> ConflictOfInterest:
    """G18: where in doubt, the members present vote; a simple majority for
    disqualification decides it, a tie does not (no majority)."""
    item = conflict.agenda_item
    require_meeting_manager(actor, item.meeting)
    _refuse_members_meeting(item)
    _refuse_closed(item)
    if conflict.decision != ConflictDecision.PENDING:
        raise ValidationError(_("Habilitetsspørsmålet er allerede avgjort."))
    if votes_for < 0 or votes_against < 0 or votes_for + votes_against == 0:
        raise ValidationError(_("Skriv inn antall stemmer for og mot."))
    if votes_for + votes_against > _eligible_voters(conflict):
        raise ValidationError(_("Flere stemmer enn gruppa har stemmeberettigede medlemmer."))
    now = timezone.now()
    with transaction.atomic():
        conflict.votes_for = votes_for
        conflict.votes_against = votes_against
        conflict.decision = (
            ConflictDecision.DISQUALIFIED
            if votes_for > votes_against
            else ConflictDecision.NOT_DISQUALIFIED
        )
        conflict.decided_at = now
        conflict.save(update_fields=["votes_for", "votes_against", "decision", "decided_at"])
        audit(
            actor=actor,
            action="meeting.conflict_vote",
            target=conflict,
            group=item.meeting.group,
            decision=conflict.decision,
        )
    return conflict


def conflict_record_leave(
    *,
    actor: User,
    conflict: ConflictOfInterest,
    left_at: dt.datetime,
    returned_at: dt.datetime | None = None,
) -> ConflictOfInterest:
    """S16: the disqualified member left the item at ``left_at`` (and came back at
    ``returned_at``, or when the item is closed)."""
    item = conflict.agenda_item
    meeting = item.meeting
    require_meeting_manager(actor, meeting)
    if conflict.decision != ConflictDecision.DISQUALIFIED:
        raise ValidationError(_("Bare den som er inhabil fratrer saken."))
    minutes = Minutes.objects.filter(meeting=meeting).first()
    if minutes is not None and minutes.is_approved:
        raise ValidationError(str(LOCKED))
    if not (meeting.starts_at <= left_at <= meeting.ends_at):
        raise ValidationError({"left_at": _("Tidspunktet må være innenfor møtet.")})
    if returned_at is not None and not (left_at < returned_at <= meeting.ends_at):
        raise ValidationError(
            {"returned_at": _("Tilbake må være etter fratreden og innenfor møtet.")}
        )
    with transaction.atomic():
        conflict.left_at = left_at
        conflict.returned_at = returned_at
        conflict.save(update_fields=["left_at", "returned_at"])
        audit(
            actor=actor,
            action="meeting.conflict_leave",
            target=conflict,
            group=meeting.group,
            subject_user=conflict.membership.user,
        )
    return conflict
