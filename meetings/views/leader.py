"""The leader's screen during the meeting ("møteledervisning", issue 19, G2, G9, G13, G18,
G25): the agenda with the item in progress, who is present (check-in, absence, substitutes)
and each item's actions: minutes, dissent, conflict of interest, vote.

The actions are the meeting page's own forms and views (``Panel`` loads each form when its
``<details>`` is opened); a hidden ``tilbake`` field brings the answer back here. The presence
part is also served alone, so htmx can refresh it while the meeting goes on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET

from groups.models import Membership
from meetings import presence, services
from meetings.forms import AccessibleForm, ConflictVoteForm
from meetings.models import (
    AgendaItem,
    AgendaStatus,
    ConflictDecision,
    ConflictOfInterest,
    Meeting,
    MeetingStatus,
    Minutes,
    Vote,
)
from meetings.permissions import can_manage_group, get_meeting_for_user, membership_in
from meetings.services import summons
from meetings.services.agenda_time import EARLY_START
from meetings.services.members import (
    BriefingStatus,
    briefing_status,
    briefings_prefetch,
    is_advisory,
)
from meetings.views.item_forms import CONFLICT, DISSENT, LEAVE, MINUTES, Panel

FormKey = tuple[str, int]

# How often the presence part is fetched again during the meeting
PRESENCE_POLL_SECONDS = 30


@dataclass
class LeaderConflict:
    conflict: ConflictOfInterest
    vote_form: AccessibleForm | None
    leave: Panel | None
    votes: list[Vote] = field(default_factory=list)


@dataclass
class LeaderItem:
    item: AgendaItem
    number: int
    facts: str
    minutes: Panel
    dissent: Panel
    conflict: Panel | None
    conflicts: list[LeaderConflict]
    # G26: the chapter board's briefing on a group meeting's item
    chapter: BriefingStatus | None = None


def _items(
    meeting: Meeting,
    membership: Membership | None,
    bound: dict[FormKey, AccessibleForm],
) -> list[LeaderItem]:
    from meetings.views.meeting import _time_facts  # the meeting page's own line of times

    items = list(
        meeting.agenda_items.filter(status=AgendaStatus.ACCEPTED)
        .select_related("presenter__user", "members_item__meeting")
        .prefetch_related(
            "dissents",
            briefings_prefetch(),
            Prefetch(
                "conflicts",
                queryset=ConflictOfInterest.objects.select_related("membership__user"),
            ),
        )
        .order_by("order", "id")
    )
    votes_by_conflict: dict[int, list[Vote]] = {}
    for vote in Vote.objects.filter(meeting=meeting, conflict__isnull=False).order_by("opened_at"):
        votes_by_conflict.setdefault(vote.conflict_id or 0, []).append(vote)
    starts = services.planned_starts(meeting.starts_at, items)
    rows = []
    for number, item in enumerate(items, start=1):
        conflicts = list(item.conflicts.all())
        own = membership is not None and any(c.membership_id == membership.pk for c in conflicts)
        rows.append(
            LeaderItem(
                item=item,
                number=number,
                facts=_time_facts(item, starts[item.pk]),
                minutes=Panel(MINUTES, item.pk, bound.get((MINUTES.key, item.pk)), True),
                dissent=Panel(DISSENT, item.pk, bound.get((DISSENT.key, item.pk)), True),
                conflict=None
                if own or membership is None or is_advisory(meeting)
                else Panel(CONFLICT, item.pk, bound.get((CONFLICT.key, item.pk)), True),
                conflicts=[
                    LeaderConflict(
                        conflict=c,
                        vote_form=(
                            bound.get(("vote", c.pk)) or ConflictVoteForm(prefix=f"vote-{c.pk}")
                        )
                        if c.decision == ConflictDecision.PENDING
                        else None,
                        leave=Panel(LEAVE, c.pk, bound.get((LEAVE.key, c.pk)), True)
                        if c.decision == ConflictDecision.DISQUALIFIED
                        else None,
                        votes=votes_by_conflict.get(c.pk, []),
                    )
                    for c in conflicts
                ],
                chapter=briefing_status(item),
            )
        )
    return rows


@dataclass(frozen=True)
class PresentRow:
    membership: Membership
    replaces: Membership | None


def presence_context(meeting: Meeting) -> dict[str, Any]:
    """Who is there: checked in (attendance, through ``meetings.presence``), who reported
    absence (with the substitute called or next in line), and who is not here yet."""
    checked_in = presence.present_memberships(meeting)
    answers = summons.replies(meeting)
    summoned = [*answers["coming"], *answers["unanswered"]]
    replaces = {r.membership.pk: r.replaces for r in summoned}
    present_members = Membership.objects.filter(pk__in=checked_in).select_related("user")
    present = sorted(
        (PresentRow(m, replaces.get(m.pk)) for m in present_members),
        key=lambda r: (r.membership.user.full_name, r.membership.pk),
    )
    return {
        "meeting": meeting,
        "present": present,
        "absent": answers["absent"],
        "missing": [r for r in summoned if r.membership.pk not in checked_in],
        "can_call_substitute": meeting.status == MeetingStatus.PLANNED
        and meeting.ends_at > timezone.now(),
        "poll_seconds": PRESENCE_POLL_SECONDS,
    }


def leader_context(
    request: HttpRequest, meeting: Meeting, bound: dict[FormKey, AccessibleForm] | None = None
) -> dict[str, Any]:
    bound = bound or {}
    now = timezone.now()
    membership = membership_in(request.user, meeting.group_id)
    minutes = Minutes.objects.filter(meeting=meeting).first()
    locked = bool(minutes and minutes.is_approved)
    cancelled = meeting.status == MeetingStatus.CANCELLED
    manages_votes = can_manage_group(request.user, meeting.group_id)
    rows = _items(meeting, membership, bound)
    current = next((r for r in rows if r.item.in_progress), None)
    return {
        **presence_context(meeting),
        "rows": rows,
        "current": current,
        "membership": membership,
        "locked": locked,
        "cancelled": cancelled,
        "started": now >= meeting.starts_at,
        "may_take_up": not locked and not cancelled and now >= meeting.starts_at - EARLY_START,
        "manages_votes": manages_votes,
        "meeting_votes": list(
            Vote.objects.filter(meeting=meeting, conflict__isnull=True).order_by("opened_at")
        ),
        "pending_decision": ConflictDecision.PENDING,
        "back_leader": True,
    }


def meeting_leader(request: HttpRequest, pk: int) -> HttpResponse:
    """One screen for the one who runs the meeting; the managers only (403/404 otherwise)."""
    meeting = get_meeting_for_user(request.user, pk, "manage")
    return render(request, "meetings/leader.html", leader_context(request, meeting))


@require_GET
def meeting_leader_presence(request: HttpRequest, pk: int) -> HttpResponse:
    """The presence part of the leader's screen alone, fetched again by htmx."""
    meeting = get_meeting_for_user(request.user, pk, "manage")
    response = render(
        request,
        "meetings/_leader_presence.html",
        presence_context(meeting) | {"back_leader": True},
    )
    add_never_cache_headers(response)
    return response
