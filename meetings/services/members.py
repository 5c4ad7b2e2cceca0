"""Members' meetings with the local chapter (G26): open to the chapter's members, their
conclusions advisory ("Vedtak i medlemsmøtene er rådgivende for kommunestyregruppas
behandling"); and the leader's briefing of the chapter board before the group concludes
("Gruppeleder skal orientere styret ved lokallagsleder om saker som kommer til behandling,
slik at partiets syn i viktige saker drøftes før gruppa trekker sine konklusjoner")."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from groups.audit import audit
from groups.models import Membership, User
from groups.permissions import can_manage_group, require_open_period
from meetings.models import (
    AgendaItem,
    AgendaStatus,
    BriefingChannel,
    ChapterBriefing,
    Meeting,
    MeetingKind,
    MeetingStatus,
)

ADVISORY = gettext_lazy("Rådgivende")
NOT_BINDING = gettext_lazy(
    "Et medlemsmøte kan ikke fatte vedtak som binder gruppa. Konklusjonene er rådgivende "
    "for gruppas behandling; gruppa konkluderer selv på et gruppemøte."
)


def is_advisory(meeting: Meeting) -> bool:
    """G26: what a members' meeting concludes advises the group; it binds no one."""
    return meeting.kind == MeetingKind.MEMBERS


def refuse_binding(meeting: Meeting | None) -> None:
    """No vote or decision that binds the group at a members' meeting (G26, G19)."""
    if meeting is not None and is_advisory(meeting):
        raise ValidationError(str(NOT_BINDING))


# --- which members' meeting items a group meeting item follows up ------------------------
def members_items_choices(meeting: Meeting) -> list[AgendaItem]:
    """The members' meeting items of the group a group meeting item may follow up: items on
    the agenda of members' meetings that were not cancelled and began before this meeting
    ends, newest first."""
    return list(
        AgendaItem.objects.filter(
            meeting__group_id=meeting.group_id,
            meeting__kind=MeetingKind.MEMBERS,
            meeting__starts_at__lt=meeting.ends_at,
            status=AgendaStatus.ACCEPTED,
        )
        .exclude(meeting__status=MeetingStatus.CANCELLED)
        .select_related("meeting")
        .order_by("-meeting__starts_at", "order", "id")[:100]
    )


def briefings_prefetch() -> Prefetch:
    """For a page listing agenda items: their briefings with who briefed."""
    return Prefetch(
        "chapter_briefings", queryset=ChapterBriefing.objects.select_related("briefed_by__user")
    )


@dataclass(frozen=True)
class BriefingStatus:
    """What the group meeting item shows: whether the chapter board must be briefed, the
    members' meeting items where the matter was discussed, and the briefings recorded."""

    needed: bool
    discussed_at: list[AgendaItem]
    briefings: list[ChapterBriefing]

    @property
    def briefed(self) -> bool:
        return bool(self.briefings)

    @property
    def warn(self) -> bool:
        return self.needed and not self.briefed


def discussed_at(item: AgendaItem) -> list[AgendaItem]:
    """The members' meeting item the leader linked, where the matter was discussed."""
    linked = item.members_item if item.members_item_id is not None else None
    return [linked] if linked is not None else []


def briefing_status(item: AgendaItem) -> BriefingStatus | None:
    """None for anything but a group meeting's item (only the group concludes)."""
    if item.meeting.kind != MeetingKind.GROUP or item.is_media_strategy:
        return None
    seen = discussed_at(item)
    return BriefingStatus(
        needed=item.needs_chapter_briefing or bool(seen),
        discussed_at=seen,
        # the pages prefetch them (``BRIEFINGS_PREFETCH``)
        briefings=list(item.chapter_briefings.all()),
    )


def _require_group_item(actor: User, item: AgendaItem) -> None:
    meeting = item.meeting
    require_open_period(meeting.group)
    if not can_manage_group(actor, meeting.group_id):
        raise PermissionDenied(_("Bare gruppeleder og nestleder kan gjøre dette."))
    if meeting.kind != MeetingKind.GROUP:
        raise ValidationError(
            _(
                "Orientering av lokallagsstyret gjelder saker gruppa skal konkludere i, på gruppemøter."
            )
        )
    if item.status != AgendaStatus.ACCEPTED:
        raise ValidationError(_("Bare saker på saklista kan følges opp slik."))


def agenda_item_chapter_link(
    *,
    actor: User,
    item: AgendaItem,
    needs_chapter_briefing: bool,
    members_item: AgendaItem | None = None,
) -> AgendaItem:
    """The leader says whether the chapter board must be briefed before the group
    concludes, and which members' meeting item discussed the matter (which makes it so)."""
    _require_group_item(actor, item)
    if members_item is not None and members_item.pk not in {
        i.pk for i in members_items_choices(item.meeting)
    }:
        raise ValidationError({"members_item": _("Velg en sak fra et av gruppas medlemsmøter.")})
    with transaction.atomic():
        item.needs_chapter_briefing = needs_chapter_briefing
        item.members_item = members_item
        item.save(update_fields=["needs_chapter_briefing", "members_item"])
        audit(
            actor=actor,
            action="meeting.item_chapter_link",
            target=item,
            group=item.meeting.group,
            needs=needs_chapter_briefing,
            members_item_id=members_item.pk if members_item else None,
        )
    return item


def chapter_briefing_record(
    *,
    actor: User,
    item: AgendaItem,
    briefed_on: dt.date,
    briefed_by: Membership,
    channel: str = BriefingChannel.CHAPTER_LEADER,
    note: str = "",
) -> ChapterBriefing:
    """G26, G4: the leader records that the chapter board was briefed on the matter: the
    day, who briefed it (a member of the group), and how. Not in the future, and not after
    the item was finished (it is a record of what happened before the group concluded)."""
    _require_group_item(actor, item)
    today = timezone.localdate()
    if briefed_on > today:
        raise ValidationError({"briefed_on": _("Datoen kan ikke være fram i tid.")})
    if briefed_on < item.meeting.group.period_start:
        raise ValidationError({"briefed_on": _("Datoen er før gruppas periode begynte.")})
    if briefed_by.group_id != item.meeting.group_id or not briefed_by.has_member_rights(today):
        raise ValidationError({"briefed_by": _("Velg et medlem av gruppa.")})
    if channel not in BriefingChannel.values:
        raise ValidationError({"channel": _("Velg hvordan styret ble orientert.")})
    note = " ".join(note.split())
    if len(note) > 500:
        raise ValidationError({"note": _("Skriv merknaden kortere (høyst 500 tegn).")})
    with transaction.atomic():
        briefing = ChapterBriefing.objects.create(
            agenda_item=item,
            briefed_on=briefed_on,
            briefed_by=briefed_by,
            channel=channel,
            note=note,
            recorded_at=timezone.now(),
            recorded_by=actor,
        )
        audit(
            actor=actor,
            action="meeting.chapter_briefing",
            target=item,
            group=item.meeting.group,
            briefed_by_id=briefed_by.pk,
            channel=channel,
        )
    return briefing


def items_awaiting_briefing(group_ids: list[int], now: dt.datetime) -> dict[int, list[int]]:
    """For the leader's home page: per group, the items of coming group meetings that need
    the chapter board's briefing and have none."""
    rows = (
        AgendaItem.objects.filter(
            meeting__group_id__in=group_ids,
            meeting__kind=MeetingKind.GROUP,
            meeting__status=MeetingStatus.PLANNED,
            meeting__ends_at__gte=now,
            status=AgendaStatus.ACCEPTED,
            closed_at__isnull=True,
            chapter_briefings__isnull=True,
        )
        .exclude(needs_chapter_briefing=False, members_item__isnull=True)
        .values_list("meeting__group_id", "meeting_id")
        .order_by("meeting__starts_at", "meeting_id")
    )
    out: dict[int, list[int]] = {}
    for group_id, meeting_id in rows:
        out.setdefault(group_id, []).append(meeting_id)
    return out
