"""Writes: minutes (G13, G17), dissent (G25), conflicts of interest (G18, S16)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from groups.audit import audit
from groups.models import Membership, User
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
from meetings.permissions import can_manage_meeting, can_view_meeting, membership_in

LOCKED = _("Referatet er godkjent og låst. Gruppeleder kan åpne det for en ny versjon.")


def _require_manager(actor: User, meeting: Meeting) -> None:
    if not can_manage_meeting(actor, meeting):
        raise PermissionDenied(_("Bare gruppeleder og nestleder kan gjøre dette."))


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


def minutes_save(*, actor: User, meeting: Meeting, notes: str, present_text: str) -> Minutes:
    _require_manager(actor, meeting)
    now = timezone.now()
    _refuse_before_start(meeting, now)
    with transaction.atomic():
        minutes = _minutes_for(meeting)
        _refuse_if_locked(minutes)
        minutes.notes = notes.strip()
        minutes.present_text = present_text.strip()
        minutes.written_by = actor
        minutes.save()
        audit(actor=actor, action="meeting.minutes_save", target=minutes, group=meeting.group)
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
    _require_manager(actor, meeting)
    _refuse_before_start(meeting, timezone.now())
    if item.status != AgendaStatus.ACCEPTED:
        raise ValidationError(_("Bare saker på saklista får referat."))
    if disagrees_with_recommendation and not conclusion.strip():
        raise ValidationError(
            {"conclusion": _("Skriv gruppas konklusjon når gruppa er uenig i innstillingen.")}
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


def minutes_snapshot(meeting: Meeting) -> dict[str, Any]:
    """The frozen content of approved minutes: everything the PDF shows."""
    minutes = Minutes.objects.filter(meeting=meeting).first()
    items = (
        meeting.agenda_items.filter(status=AgendaStatus.ACCEPTED)
        .prefetch_related("dissents__author", "conflicts__membership__user")
        .order_by("order", "id")
    )
    local_start = timezone.localtime(meeting.starts_at)
    local_end = timezone.localtime(meeting.ends_at)
    return {
        "meeting_id": meeting.pk,
        "title": meeting.title,
        "kind": meeting.get_kind_display(),
        "group": str(meeting.group),
        "date": local_start.strftime("%d.%m.%Y"),
        "time": f"{local_start:%H:%M}–{local_end:%H:%M}",
        "place": meeting.place,
        "present": minutes.present_text if minutes else "",
        "notes": minutes.notes if minutes else "",
        "items": [
            {
                "number": n,
                "title": item.title,
                "recommendation": item.recommendation,
                "discussion": item.discussion,
                "disagrees": item.disagrees_with_recommendation,
                "conclusion": item.conclusion,
                "conflicts": [
                    {
                        "name": c.membership.user.full_name,
                        "reason": c.reason,
                        "decision": c.get_decision_display(),
                        "votes_for": c.votes_for,
                        "votes_against": c.votes_against,
                    }
                    for c in item.conflicts.all()
                ],
                "dissents": [
                    {"author": d.author.full_name, "text": d.text} for d in item.dissents.all()
                ],
            }
            for n, item in enumerate(items, start=1)
        ],
    }


def minutes_approve(*, actor: User, meeting: Meeting) -> MinutesVersion:
    """Approval locks the minutes and stores a numbered version; the meeting is held."""
    _require_manager(actor, meeting)
    now = timezone.now()
    _refuse_before_start(meeting, now)
    with transaction.atomic():
        minutes = _minutes_for(meeting)
        _refuse_if_locked(minutes)
        if meeting.agenda_items.filter(status=AgendaStatus.PROPOSED).exists():
            raise ValidationError(
                _("Noen innmeldte saker er ikke behandlet. Godta, utsett eller avvis dem først.")
            )
        if meeting.agenda_items.filter(conflicts__decision=ConflictDecision.PENDING).exists():
            raise ValidationError(_("Et habilitetsspørsmål er ikke avgjort."))
        last = minutes.versions.order_by("-number").first()
        version = MinutesVersion.objects.create(
            minutes=minutes,
            number=(last.number + 1) if last else 1,
            content=minutes_snapshot(meeting),
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
    _require_manager(actor, meeting)
    if not reason.strip():
        raise ValidationError({"reason": _("Skriv hvorfor referatet må rettes.")})
    with transaction.atomic():
        minutes = _minutes_for(meeting)
        if not minutes.is_approved:
            raise ValidationError(_("Referatet er ikke godkjent ennå."))
        minutes.status = MinutesStatus.DRAFT
        minutes.reopen_reason = reason.strip()[:300]
        minutes.save(update_fields=["status", "reopen_reason"])
        audit(actor=actor, action="meeting.minutes_reopen", target=minutes, group=meeting.group)
    return minutes


# --- conflicts of interest (G18, S16) --------------------------------------------------
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
    _require_manager(actor, item.meeting)
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
    _require_manager(actor, meeting)
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
