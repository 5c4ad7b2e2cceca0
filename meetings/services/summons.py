"""Writes: the summons with the agenda, its updates and cancellation (G6, G9, G12, G14,
G20), absence and substitutes (G2).

A revision is one message to everyone summoned. The leader sends the summons; a later change
of time, place, link or agenda is one update naming what changed (sending again with nothing
changed is refused, so the same change never goes out twice); a cancellation is a
cancellation. ``summons_deliver`` sends a revision's e-mails, each at most once: a
``SummonsDispatch`` row per (revision, member) under a unique constraint."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from groups.audit import audit
from groups.models import CommitteeRole, Membership, MembershipStatus, Seat, User
from meetings import tasks
from meetings.models import (
    AgendaStatus,
    Meeting,
    MeetingKind,
    MeetingReply,
    MeetingStatus,
    SubstituteCall,
    SummonsDispatch,
    SummonsKind,
    SummonsRevision,
)
from meetings.permissions import membership_in, require_meeting_manager

# What a revision may say changed, in the order the e-mail names it.
CHANGE_LABELS = {
    "time": gettext_lazy("Tid"),
    "place": gettext_lazy("Sted"),
    "link": gettext_lazy("Lenke til digitalt møte"),
    "agenda": gettext_lazy("Saksliste"),
}


# --- who is summoned ---------------------------------------------------------------------
def _with_rights(rows: Any, today: dt.date) -> list[Membership]:
    return [m for m in rows if m.has_member_rights(today)]


def rights_holders(meeting: Meeting, today: dt.date | None = None) -> list[Membership]:
    """The members with rights for this kind of meeting (G1, G2, G3, G5, G8, G26), who get
    the summons: a group meeting summons everyone but the local party members (G2); a board
    meeting the board and those summoned to it (G3); a faction meeting the committee's
    regular members and 1st substitute, its leader and those summoned (G5); a members'
    meeting or a social gathering every member."""
    today = today or timezone.localdate()
    base = (
        Membership.objects.filter(group_id=meeting.group_id, status=MembershipStatus.ACTIVE)
        .select_related("user")
        .order_by("user__full_name", "pk")
    )
    summoned = set(meeting.summoned.values_list("pk", flat=True))
    if meeting.kind == MeetingKind.BOARD:
        rows = [m for m in base if m.on_board or m.pk in summoned]
    elif meeting.kind == MeetingKind.FACTION:
        seats: set[int] = set()
        if meeting.committee is not None:
            seats = set(meeting.committee.seats.values_list("membership_id", flat=True))
            if meeting.committee.faction_leader_id:
                seats.add(meeting.committee.faction_leader_id)
        rows = [m for m in base if m.pk in seats or m.pk in summoned]
    elif meeting.kind == MeetingKind.GROUP:
        rows = [m for m in base if m.seat != Seat.PARTY_MEMBER or m.pk in summoned]
    else:
        rows = list(base)
    return _with_rights(rows, today)


def recipients(meeting: Meeting) -> list[tuple[Membership, Membership | None]]:
    """Everyone a revision goes to, each with the member they replace (a called substitute)
    or None."""
    found: dict[int, tuple[Membership, Membership | None]] = {
        m.pk: (m, None) for m in rights_holders(meeting)
    }
    for call in meeting.substitute_calls.select_related("substitute__user", "replaces__user"):
        found[call.substitute_id] = (call.substitute, call.replaces)
    return sorted(found.values(), key=lambda pair: (pair[0].user.full_name, pair[0].pk))


def is_summoned_to(membership: Membership | None, meeting: Meeting) -> bool:
    if membership is None:
        return False
    return any(m.pk == membership.pk for m, _r in recipients(meeting))


# --- what a revision says ----------------------------------------------------------------
def summons_content(meeting: Meeting) -> dict[str, Any]:
    """The facts a summons carries, ids and values only (names are read when sending): each
    item with its case number, the member responsible (the case's, else the presenter),
    its planned length and planned start."""
    from meetings.services.agenda_time import planned_starts

    items = list(
        meeting.agenda_items.filter(status=AgendaStatus.ACCEPTED)
        .select_related("council_case")
        .order_by("order", "id")
    )
    starts = planned_starts(meeting.starts_at, items)
    agenda = []
    for item in items:
        case = item.council_case
        planned = starts[item.pk]
        agenda.append(
            {
                "id": item.pk,
                "title": item.display_title,
                "case": case.number if case else "",
                "responsible_id": (case.responsible_id if case else None) or item.presenter_id,
                "minutes": item.duration_minutes,
                "planned": timezone.localtime(planned).strftime("%H:%M") if planned else "",
            }
        )
    return {
        "starts_at": meeting.starts_at.isoformat(),
        "ends_at": meeting.ends_at.isoformat(),
        "place": meeting.place,
        "mode": meeting.mode,
        "digital_link": meeting.digital_link,
        "agenda": agenda,
    }


def content_changes(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    changed = []
    if (before.get("starts_at"), before.get("ends_at")) != (after["starts_at"], after["ends_at"]):
        changed.append("time")
    if (before.get("place"), before.get("mode")) != (after["place"], after["mode"]):
        changed.append("place")
    if before.get("digital_link") != after["digital_link"]:
        changed.append("link")
    if before.get("agenda") != after["agenda"]:
        changed.append("agenda")
    return changed


def last_revision(meeting: Meeting) -> SummonsRevision | None:
    return meeting.summons_revisions.order_by("-number").first()


def _new_revision(
    actor: User | None, meeting: Meeting, kind: str, changed: list[str]
) -> SummonsRevision:
    last = meeting.summons_revisions.aggregate(n=Max("number"))["n"]
    number = 0 if last is None else last + 1
    revision = SummonsRevision.objects.create(
        meeting=meeting,
        number=number,
        kind=kind,
        content=summons_content(meeting),
        changed=changed,
        created_at=timezone.now(),
        created_by=actor,
    )
    audit(
        actor=actor,
        action=f"meeting.summons_{kind}",
        target=meeting,
        group=meeting.group,
        revision=number,
        changed=changed,
    )
    transaction.on_commit(partial(tasks.send_summons.delay, revision.pk))
    return revision


def _lock(meeting: Meeting) -> None:
    Meeting.objects.select_for_update().filter(pk=meeting.pk).first()


def summons_pending_changes(meeting: Meeting) -> list[str] | None:
    """None before the summons is sent; afterwards what changed since the last revision."""
    last = last_revision(meeting)
    if last is None:
        return None
    return content_changes(last.content, summons_content(meeting))


def summons_send(*, actor: User, meeting: Meeting) -> SummonsRevision:
    """The leader sends the summons with the agenda; once sent, the same button sends one
    update naming what changed. Nothing changed: refused, so nothing goes twice."""
    require_meeting_manager(actor, meeting)
    with transaction.atomic():
        _lock(meeting)
        meeting.refresh_from_db()
        if meeting.status != MeetingStatus.PLANNED:
            raise ValidationError(_("Bare planlagte møter kan kalles inn."))
        if meeting.ends_at <= timezone.now():
            raise ValidationError(_("Møtet er over; det kan ikke kalles inn."))
        changed = summons_pending_changes(meeting)
        if changed is None:
            return _new_revision(actor, meeting, SummonsKind.SUMMONS, [])
        if not changed:
            raise ValidationError(
                _("Ingenting er endret siden forrige innkalling. Ingen e-post er sendt.")
            )
        return _new_revision(actor, meeting, SummonsKind.UPDATE, changed)


def summons_after_update(actor: User, meeting: Meeting) -> SummonsRevision | None:
    """Called by ``meeting_update`` inside its transaction: once the summons has gone out,
    a new time, place or link is sent at once as one update."""
    changed = summons_pending_changes(meeting)
    if not changed or changed == ["agenda"]:
        return None
    return _new_revision(actor, meeting, SummonsKind.UPDATE, changed)


def summons_after_cancel(actor: User, meeting: Meeting) -> SummonsRevision | None:
    """Called by ``meeting_cancel``: those summoned are told the meeting is cancelled."""
    if last_revision(meeting) is None:
        return None
    return _new_revision(actor, meeting, SummonsKind.CANCEL, [])


# --- sending: each e-mail at most once ----------------------------------------------------
def summons_deliver(revision_id: int) -> int:
    """Send revision ``revision_id`` to everyone summoned, each at most once however often
    this runs. Returns the number of e-mails sent."""
    from meetings import notify

    revision = SummonsRevision.objects.select_related("meeting__group").get(pk=revision_id)
    sent = 0
    for membership, replaces in recipients(revision.meeting):
        with transaction.atomic():
            dispatch, _new = SummonsDispatch.objects.get_or_create(
                revision=revision, membership=membership
            )
            dispatch = SummonsDispatch.objects.select_for_update().get(pk=dispatch.pk)
            if dispatch.sent_at is not None:
                continue
            sent += notify.summons(revision, membership, replaces)
            dispatch.sent_at = timezone.now()
            dispatch.save(update_fields=["sent_at"])
    return sent


# --- absence and substitutes (G2) ---------------------------------------------------------
def _summoned_membership(actor: User, meeting: Meeting) -> Membership:
    m = membership_in(actor, meeting.group_id)
    if not is_summoned_to(m, meeting):
        raise ValidationError(_("Du er ikke innkalt til dette møtet."))
    assert m is not None  # noqa: S101 (is_summoned_to checked it)
    return m


def _refuse_past(meeting: Meeting) -> None:
    if meeting.status != MeetingStatus.PLANNED or meeting.ends_at <= timezone.now():
        raise ValidationError(_("Forfall meldes før møtet er over, og bare til planlagte møter."))


def _reply(actor: User, meeting: Meeting, *, attending: bool, reason: str) -> MeetingReply:
    _refuse_past(meeting)
    m = _summoned_membership(actor, meeting)
    reason = " ".join(reason.split()) if not attending else ""
    if len(reason) > 300:
        raise ValidationError({"reason": _("Skriv grunnen kortere (høyst 300 tegn).")})
    with transaction.atomic():
        reply, _created = MeetingReply.objects.update_or_create(
            meeting=meeting,
            membership=m,
            defaults={"attending": attending, "reason": reason, "replied_at": timezone.now()},
        )
        audit(
            actor=actor,
            action="meeting.reply",
            target=meeting,
            group=meeting.group,
            attending=attending,
        )
    return reply


def absence_report(*, actor: User, meeting: Meeting, reason: str = "") -> MeetingReply:
    """G2: a member reports absence ("forfall"), with an optional reason; reporting again
    changes the reason."""
    return _reply(actor, meeting, attending=False, reason=reason)


def attendance_confirm(*, actor: User, meeting: Meeting) -> MeetingReply:
    """The member answers that they are coming; this also withdraws a reported absence."""
    return _reply(actor, meeting, attending=True, reason="")


def _absent_ids(meeting: Meeting) -> set[int]:
    return set(meeting.replies.filter(attending=False).values_list("membership_id", flat=True))


def _replaceable(meeting: Meeting, membership: Membership) -> bool:
    """A regular member: for a faction meeting a regular member of the committee, otherwise a
    member with the vote (G1)."""
    if meeting.kind == MeetingKind.FACTION and meeting.committee is not None:
        return meeting.committee.seats.filter(
            membership=membership, role=CommitteeRole.REGULAR
        ).exists()
    return membership.seat == Seat.REGULAR


def substitute_queue(meeting: Meeting) -> list[Membership]:
    """The substitutes in line, first first: for a faction meeting the committee's 1st
    substitute, then the group's substitute representatives in the order they were entered
    (joined, then as registered). Those absent, already called or without rights are left out."""
    today = timezone.localdate()
    taken = _absent_ids(meeting) | set(
        meeting.substitute_calls.values_list("substitute_id", flat=True)
    )
    queue: list[Membership] = []
    if meeting.kind == MeetingKind.FACTION and meeting.committee is not None:
        first = meeting.committee.seats.filter(role=CommitteeRole.FIRST_SUBSTITUTE).first()
        if first is not None:
            queue.append(first.membership)
    queue += list(
        Membership.objects.filter(
            group_id=meeting.group_id, seat=Seat.SUBSTITUTE, status=MembershipStatus.ACTIVE
        )
        .select_related("user")
        .order_by("joined_on", "pk")
    )
    seen: set[int] = set()
    out = []
    for m in queue:
        if m.pk in seen or m.pk in taken or not m.has_member_rights(today):
            continue
        seen.add(m.pk)
        out.append(m)
    return out


@dataclass(frozen=True)
class Reply:
    membership: Membership
    reply: MeetingReply | None
    replaced_by: Membership | None
    replaces: Membership | None
    offer: Membership | None  # the substitute next in line, for an absent regular member


def replies(meeting: Meeting) -> dict[str, list[Reply]]:
    """For the leader: who is coming, who is not (with the substitute next in line for an
    absent regular member) and who has not answered."""
    answers = {r.membership_id: r for r in meeting.replies.all()}
    calls = list(meeting.substitute_calls.select_related("substitute__user", "replaces__user"))
    replaced_by = {c.replaces_id: c.substitute for c in calls}
    queue = substitute_queue(meeting)
    out: dict[str, list[Reply]] = {"coming": [], "absent": [], "unanswered": []}
    for m, replaces in recipients(meeting):
        r = answers.get(m.pk)
        offer = None
        absent = r is not None and not r.attending
        if absent and m.pk not in replaced_by and _replaceable(meeting, m) and queue:
            offer = queue[0]
        row = Reply(m, r, replaced_by.get(m.pk), replaces, offer)
        key = "unanswered" if r is None else ("coming" if r.attending else "absent")
        out[key].append(row)
    return out


def substitute_call(
    *, actor: User, meeting: Meeting, replaces: Membership, substitute: Membership
) -> SubstituteCall:
    """G2: the leader summons the substitute next in line in place of an absent regular
    member; the summons names whom they replace."""
    require_meeting_manager(actor, meeting)
    _refuse_past(meeting)
    if replaces.group_id != meeting.group_id or substitute.group_id != meeting.group_id:
        raise PermissionDenied
    with transaction.atomic():
        _lock(meeting)
        if replaces.pk not in _absent_ids(meeting):
            raise ValidationError(_("Medlemmet har ikke meldt forfall."))
        if not _replaceable(meeting, replaces):
            raise ValidationError(_("Vararepresentant kalles inn bare for faste medlemmer."))
        if SubstituteCall.objects.filter(meeting=meeting, replaces=replaces).exists():
            raise ValidationError(_("En vararepresentant er allerede kalt inn for medlemmet."))
        queue = substitute_queue(meeting)
        if not queue:
            raise ValidationError(_("Det er ingen flere vararepresentanter å kalle inn."))
        if queue[0].pk != substitute.pk:
            raise ValidationError(
                _("Vararepresentantene kalles inn i rekkefølge. Neste i rekken er %(name)s.")
                % {"name": queue[0].user.full_name}
            )
        call = SubstituteCall.objects.create(
            meeting=meeting,
            substitute=substitute,
            replaces=replaces,
            called_at=timezone.now(),
            called_by=actor,
        )
        audit(
            actor=actor,
            action="meeting.substitute_call",
            target=meeting,
            group=meeting.group,
            substitute_id=substitute.pk,
            replaces_id=replaces.pk,
        )
        last = last_revision(meeting)
        if last is not None and last.kind != SummonsKind.CANCEL:
            # summoned already: they get the summons again, now naming whom they replace
            transaction.on_commit(partial(tasks.send_substitute_summons.delay, call.pk))
    return call


def substitute_summons_deliver(call_id: int) -> int:
    """The summons (as last sent) to a substitute called after it went out, naming whom
    they replace; at most once per call."""
    from meetings import notify

    with transaction.atomic():
        call = (
            SubstituteCall.objects.select_for_update()
            .select_related("meeting__group", "substitute__user", "replaces__user")
            .get(pk=call_id)
        )
        last = last_revision(call.meeting)
        if call.sent_at is not None or last is None or last.kind == SummonsKind.CANCEL:
            return 0
        sent = notify.summons(last, call.substitute, call.replaces)
        call.sent_at = timezone.now()
        call.save(update_fields=["sent_at"])
    return sent
