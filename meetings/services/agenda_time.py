"""Writes and reads: the agenda with time (G9, G13, G20). Items have a planned length and a
presenter, the agenda shows planned start times, items are reordered with the standing media
item keeping its place, and the leader marks the item in progress during the meeting."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from groups.audit import audit
from groups.models import Membership, User
from meetings.models import AgendaItem, AgendaStatus, MeetingStatus, Minutes, MinutesStatus
from meetings.permissions import require_meeting_manager

MAX_ITEM_MINUTES = 480
EARLY_START = dt.timedelta(minutes=30)  # an item may be taken up this long before the start


def planned_starts(
    start: dt.datetime, items: Iterable[AgendaItem]
) -> dict[int, dt.datetime | None]:
    """Each item's planned start: the meeting's start plus the lengths of the items before
    it. After an item with no planned length the times are unknown (None)."""
    out: dict[int, dt.datetime | None] = {}
    at: dt.datetime | None = start
    for item in items:
        out[item.pk] = at
        if at is not None and item.duration_minutes:
            at = at + dt.timedelta(minutes=item.duration_minutes)
        elif item.duration_minutes is None:
            at = None
    return out


def _accepted(item: AgendaItem) -> list[AgendaItem]:
    return list(
        item.meeting.agenda_items.filter(status=AgendaStatus.ACCEPTED).order_by("order", "id")
    )


def _refuse_locked(item: AgendaItem) -> None:
    if item.status != AgendaStatus.ACCEPTED:
        raise ValidationError(_("Bare saker på saklista kan planlegges."))
    if item.meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError(_("Møtet er avlyst."))
    if Minutes.objects.filter(meeting=item.meeting, status=MinutesStatus.APPROVED).exists():
        raise ValidationError(_("Referatet er godkjent og låst."))


def agenda_item_plan(
    *,
    actor: User,
    item: AgendaItem,
    duration_minutes: int | None,
    presenter: Membership | None,
) -> AgendaItem:
    """G9: the item's planned length and the member who presents it."""
    require_meeting_manager(actor, item.meeting)
    _refuse_locked(item)
    if duration_minutes is not None and not 1 <= duration_minutes <= MAX_ITEM_MINUTES:
        raise ValidationError(
            {
                "duration_minutes": _("Skriv en varighet fra 1 til %(max)s minutter.")
                % {"max": MAX_ITEM_MINUTES}
            }
        )
    if presenter is not None and presenter.group_id != item.meeting.group_id:
        raise ValidationError({"presenter": _("Innlederen må være med i gruppa.")})
    with transaction.atomic():
        item.duration_minutes = duration_minutes
        item.presenter = presenter
        item.save(update_fields=["duration_minutes", "presenter"])
        audit(
            actor=actor,
            action="meeting.agenda_plan",
            target=item,
            group=item.meeting.group,
            duration=duration_minutes,
            presenter_id=presenter.pk if presenter else None,
        )
    return item


def agenda_item_move(*, actor: User, item: AgendaItem, direction: str) -> AgendaItem:
    """Move an item one place up or down. The media-strategy item (G20) keeps its place and
    nothing moves past it."""
    require_meeting_manager(actor, item.meeting)
    _refuse_locked(item)
    if direction not in ("up", "down"):
        raise ValidationError(_("Velg opp eller ned."))
    if item.is_media_strategy:
        raise ValidationError(_("Mediestrategi har fast plass på saklista."))
    with transaction.atomic():
        items = _accepted(item)
        movable = [i for i in items if not i.is_media_strategy]
        index = next(n for n, i in enumerate(movable) if i.pk == item.pk)
        other = index - 1 if direction == "up" else index + 1
        if not 0 <= other < len(movable):
            raise ValidationError(_("Saken står allerede først eller sist."))
        movable[index], movable[other] = movable[other], movable[index]
        # the media item keeps its own order number; the others are numbered in turn
        media_orders = {i.order for i in items if i.is_media_strategy}
        number = 0
        for i in movable:
            number += 1
            while number in media_orders:
                number += 1
            if i.order != number:
                i.order = number
                i.save(update_fields=["order"])
        audit(
            actor=actor,
            action="meeting.agenda_move",
            target=item,
            group=item.meeting.group,
            direction=direction,
        )
    return item


def agenda_item_start(*, actor: User, item: AgendaItem) -> AgendaItem:
    """G13: during the meeting the leader marks the item in progress; one at a time."""
    require_meeting_manager(actor, item.meeting)
    _refuse_locked(item)
    now = timezone.now()
    if now < item.meeting.starts_at - EARLY_START:
        raise ValidationError(_("Møtet har ikke begynt ennå."))
    if item.is_closed:
        raise ValidationError(_("Saken er ferdigbehandlet."))
    if item.started_at is not None:
        raise ValidationError(_("Saken er allerede tatt opp."))
    current = (
        item.meeting.agenda_items.filter(started_at__isnull=False, closed_at__isnull=True)
        .exclude(pk=item.pk)
        .first()
    )
    if current is not None:
        raise ValidationError(
            _("«%(title)s» pågår. Marker den som ferdigbehandlet først.") % {"title": current.title}
        )
    with transaction.atomic():
        item.started_at = now
        item.save(update_fields=["started_at"])
        audit(actor=actor, action="meeting.agenda_start", target=item, group=item.meeting.group)
    return item
