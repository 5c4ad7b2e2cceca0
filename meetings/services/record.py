"""The minutes as a record: one dict that the meeting page and the PDF both render with
``meetings/_minutes_record.html`` (G13, G18, G25). An approved version stores it frozen in
``MinutesVersion.content``; a draft is the live ``minutes_snapshot(meeting)``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from groups.models import User
from meetings.models import AgendaStatus, Meeting, Minutes, MinutesVersion, VoteStatus
from meetings.services.agenda_time import planned_starts
from meetings.services.members import is_advisory

STATUS_DRAFT = "draft"
STATUS_APPROVED = "approved"


@dataclass(frozen=True)
class Approval:
    """Who approved the minutes, when, and as which version."""

    by: User
    at: dt.datetime
    number: int
    reopen_reason: str = ""


def _clock(moment: dt.datetime | None) -> str:
    return timezone.localtime(moment).strftime("%H:%M") if moment else ""


def _stamp(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%d.%m.%Y %H:%M")


def minutes_snapshot(meeting: Meeting, *, approval: Approval | None = None) -> dict[str, Any]:
    """Everything the minutes say: who was there, who sent notice of absence and which
    substitutes met in whose place (G2), who led the meeting, the members' votes, each item on the
    agenda with its recommendation, discussion and conclusion (also where the group agrees),
    conflicts of interest with the times the member left and came back, and dissent; with
    ``approval``, who approved the minutes and when."""
    minutes = Minutes.objects.filter(meeting=meeting).select_related("leader__user").first()
    present = (
        [
            m.user.full_name
            for m in minutes.present.select_related("user").order_by("user__full_name")
        ]
        if minutes
        else []
    )
    items = list(
        meeting.agenda_items.filter(status=AgendaStatus.ACCEPTED)
        .select_related("presenter__user")
        .prefetch_related("dissents__author", "conflicts__membership__user")
        .order_by("order", "id")
    )
    planned = planned_starts(meeting.starts_at, items)
    absent = [
        r.membership.user.full_name + (f" ({r.reason})" if r.reason else "")
        for r in meeting.replies.filter(attending=False)
        .select_related("membership__user")
        .order_by("membership__user__full_name")
    ]
    substitutes = [
        {"name": c.substitute.user.full_name, "replaces": c.replaces.user.full_name}
        for c in meeting.substitute_calls.select_related("substitute__user", "replaces__user")
    ]
    votes = [
        {
            "title": v.title,
            "method": v.get_method_display(),
            "secret": v.secret,
            "votes_for": v.votes_for,
            "votes_against": v.votes_against,
            "votes_blank": v.votes_blank,
            "adopted": bool(v.adopted),
        }
        for v in meeting.member_votes.filter(status=VoteStatus.CLOSED).order_by("closed_at")
    ]
    local_start = timezone.localtime(meeting.starts_at)
    local_end = timezone.localtime(meeting.ends_at)
    return {
        "meeting_id": meeting.pk,
        "title": meeting.display_title,
        "kind": meeting.get_kind_display(),
        # G26: a members' meeting's conclusions advise the group; every one says so
        "advisory": is_advisory(meeting),
        "committee": meeting.committee.name if meeting.committee else "",
        "group": str(meeting.group),
        "date": local_start.strftime("%d.%m.%Y"),
        "time": f"{local_start:%H:%M}–{local_end:%H:%M}",
        "place": meeting.place,
        "status": STATUS_APPROVED if approval else STATUS_DRAFT,
        "leader": minutes.leader.user.full_name if minutes and minutes.leader else "",
        "present": present,
        "absent": absent,
        "substitutes": substitutes,
        "votes": votes,
        "others_present": minutes.present_text if minutes else "",
        "notes": minutes.notes if minutes else "",
        "approved_by": approval.by.full_name if approval else "",
        "approved_at": _stamp(approval.at) if approval else "",
        "version": approval.number if approval else None,
        "reopen_reason": approval.reopen_reason
        if approval
        else (minutes.reopen_reason if minutes else ""),
        "items": [
            {
                "number": n,
                "title": item.display_title,
                "planned_start": _clock(planned[item.pk]),
                "duration": item.duration_minutes,
                "presenter": item.presenter.user.full_name if item.presenter else "",
                "started_at": _clock(item.started_at),
                "closed_at": _clock(item.closed_at),
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
                        "left_at": _clock(c.left_at),
                        "returned_at": _clock(c.returned_at),
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


def version_record(version: MinutesVersion) -> dict[str, Any]:
    """The frozen content of an approved version, as the record template reads it. Versions
    approved before the record named present members, leader and approver kept "til stede"
    as one line of text: that line is shown as it was, and the approver is the version's."""
    record = dict(version.content)
    if isinstance(record.get("present"), str):
        record.setdefault("others_present", record["present"])
        record["present"] = []
    record["status"] = STATUS_APPROVED
    if "advisory" not in record:
        # approved before the record said so: a members' meeting stays one once held
        record["advisory"] = version.minutes_id is not None and is_advisory(version.minutes.meeting)
    if not record.get("approved_at"):
        record["approved_at"] = _stamp(version.approved_at)
        record["approved_by"] = version.approved_by.full_name if version.approved_by else ""
    if not record.get("version"):
        record["version"] = version.number
        record["reopen_reason"] = version.reopen_reason
    return record
