"""Reads with non-trivial queries. Other apps (attendance) read meetings through here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import F
from django.db.models.functions import Coalesce

from meetings.models import ConflictDecision, ConflictOfInterest


def disqualified_intervals(
    meeting_ids: Iterable[int],
) -> list[tuple[int, int, dt.datetime, dt.datetime]]:
    """S16: (user_id, meeting_id, left_at, returned_at) for each disqualified member.

    A member who left and has not been recorded as returning is counted out until the
    meeting's end. Rows without ``left_at`` (decided disqualified but not yet recorded as
    leaving) are not returned: they are recorded when the item is taken up.
    """
    rows = (
        ConflictOfInterest.objects.filter(
            agenda_item__meeting_id__in=list(meeting_ids),
            decision=ConflictDecision.DISQUALIFIED,
            left_at__isnull=False,
        )
        .annotate(
            returned=Coalesce(F("returned_at"), F("agenda_item__meeting__ends_at")),
        )
        .order_by("agenda_item__meeting_id", "left_at")
        .values_list("membership__user_id", "agenda_item__meeting_id", "left_at", "returned")
    )
    return [(u, m, left, ret) for u, m, left, ret in rows if left is not None]
