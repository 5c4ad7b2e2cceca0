"""The whistleblowing part of the home page (config/homework.py): for a handler, the
deadlines of the cases they read, as counts and the nearest date; never a word of a case.
Two queries whatever the number of cases."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from config.dates import day
from config.homework import HANDLER, Entry
from whistleblowing.models import Access, CaseStatus, Handler, KeyGrant
from whistleblowing.selectors import deadlines
from whistleblowing.services.reporting import is_handler_user


def home_work(user: Any, now: datetime) -> list[Entry]:
    """What waits for ``user`` as a handler: open cases, deadlines passed, deadlines within
    a week (the same "urgent" as the handler's case list)."""
    if not is_handler_user(user):
        return []
    handler = Handler.objects.filter(user=user, is_active=True).first()
    if handler is None:
        return []
    grants = (
        KeyGrant.objects.filter(handler=handler)
        .filter(Q(access=Access.READ) | Q(access=Access.INFORMED))
        .filter(case__status__in=[CaseStatus.RECEIVED, CaseStatus.ACKNOWLEDGED])
        .select_related("case")
        .defer("sealed_key")
    )
    found = [deadlines(g.case, now) for g in grants]
    overdue = [d for d in found if d.overdue]
    soon = [d for d in found if d.urgent and not d.overdue]
    due = sorted(
        when for d in found for when in (d.acknowledge_by, d.feedback_by) if when is not None
    )
    cases = reverse("whistleblowing:handler_cases")
    return [
        Entry(
            section=HANDLER,
            label=_("Frister som er passert"),
            count=len(overdue),
            url=cases,
            urgent=bool(overdue),
            order=10,
        ),
        Entry(
            section=HANDLER,
            label=_("Frister innen en uke"),
            count=len(soon),
            url=cases,
            urgent=bool(soon),
            order=20,
        ),
        Entry(
            section=HANDLER,
            label=_("Åpne saker"),
            count=len(found),
            url=cases,
            context=_("Nærmeste frist %(date)s") % {"date": day(due[0])} if due else "",
            order=30,
        ),
    ]
