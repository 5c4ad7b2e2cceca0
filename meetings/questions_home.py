"""Questions to the council on the home page (config/homework.py, G28): the author's own
questions not yet sent in, each with its deadline (urgent when near or passed), and for a
leader those that wait for approval and approved ones whose deadline is near. Three
queries whatever the number of questions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from config.dates import when
from config.homework import LEADER, MEMBER, Entry
from groups.homework import managed_memberships
from groups.permissions import active_memberships
from meetings.models import OPEN_STATUSES, CouncilQuestion, QuestionStatus
from meetings.services.questions import deadline_state, question_deadline


def _own(user: Any, now: datetime) -> list[Entry]:
    memberships = [m.pk for m in active_memberships(user)]
    if not memberships:
        return []
    questions = CouncilQuestion.objects.filter(
        author_id__in=memberships, status__in=OPEN_STATUSES, council_meeting__starts_at__gt=now
    ).select_related("council_meeting__question_deadline", "group")
    entries = []
    for q in questions:
        state = deadline_state(q, now)
        label = (
            _("Ditt spørsmål: %(title)s")
            if q.kind == "question"
            else _("Din interpellasjon: %(title)s")
        ) % {"title": q.title}
        context = _("%(status)s, frist %(deadline)s") % {
            "status": q.get_status_display(),
            "deadline": when(question_deadline(q)),
        }
        entries.append(
            Entry(
                section=MEMBER,
                label=label,
                url=reverse("meetings:question", args=[q.pk]),
                context=f"{context}, {q.group}",
                urgent=state in ("near", "late"),
                order=30,
            )
        )
    return entries


def _leader(user: Any, now: datetime) -> list[Entry]:
    groups = {m.group_id: m.group for m in managed_memberships(user, now)}
    if not groups:
        return []
    questions = list(
        CouncilQuestion.objects.filter(
            group_id__in=groups,
            status__in=(QuestionStatus.AWAITING, QuestionStatus.APPROVED),
            council_meeting__starts_at__gt=now,
        ).select_related("council_meeting__question_deadline")
    )
    entries = []
    for group_id, group in groups.items():
        mine = [q for q in questions if q.group_id == group_id]
        awaiting = [q for q in mine if q.status == QuestionStatus.AWAITING]
        near = [
            q
            for q in mine
            if q.status == QuestionStatus.APPROVED and deadline_state(q, now) in ("near", "late")
        ]
        url = reverse("meetings:questions", args=[group_id])
        entries.append(
            Entry(
                section=LEADER,
                label=_("Spørsmål og interpellasjoner til godkjenning"),
                count=len(awaiting),
                url=f"{url}?status={QuestionStatus.AWAITING}",
                context=str(group),
                urgent=any(deadline_state(q, now) in ("near", "late") for q in awaiting),
                order=40,
            )
        )
        if near:
            entries.append(
                Entry(
                    section=LEADER,
                    label=_("Godkjente spørsmål som ikke er sendt inn, med nær frist"),
                    count=len(near),
                    url=f"{url}?status={QuestionStatus.APPROVED}",
                    context=str(group),
                    urgent=True,
                    order=41,
                )
            )
    return entries


def home_work(user: Any, now: datetime) -> list[Entry]:
    if not getattr(user, "is_authenticated", False):
        return []
    return _own(user, now) + _leader(user, now)
