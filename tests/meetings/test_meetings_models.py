"""The models attendance builds on: constraints and the S16 interval selector."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from groups.models import CouncilGroup, Membership, Seat, User
from meetings.models import (
    AgendaItem,
    ConflictDecision,
    ConflictOfInterest,
    Meeting,
    MeetingKind,
)
from meetings.selectors import disqualified_intervals

pytestmark = pytest.mark.django_db
UTC = dt.UTC


def _group() -> CouncilGroup:
    return CouncilGroup.objects.create(
        area_name="Modellby",
        kind="municipal",
        period_start=dt.date(2023, 10, 1),
        period_end=dt.date(2027, 10, 1),
    )


def _meeting(group: CouncilGroup, **extra: object) -> Meeting:
    values: dict[str, object] = {
        "group": group,
        "kind": MeetingKind.GROUP,
        "title": "Gruppemøte",
        "starts_at": dt.datetime(2025, 3, 4, 17, 0, tzinfo=UTC),
        "ends_at": dt.datetime(2025, 3, 4, 19, 0, tzinfo=UTC),
    }
    values.update(extra)
    return Meeting.objects.create(**values)


def test_a_meeting_cannot_end_before_it_starts() -> None:
    group = _group()
    with pytest.raises(IntegrityError), transaction.atomic():
        _meeting(group, ends_at=dt.datetime(2025, 3, 4, 16, 0, tzinfo=UTC))
    assert not Meeting.objects.exists()


def test_board_meetings_count_as_decision_meetings() -> None:
    group = _group()
    assert _meeting(group, kind=MeetingKind.BOARD).counts_as_decision_meeting
    assert not _meeting(
        group,
        starts_at=dt.datetime(2025, 3, 5, 17, tzinfo=UTC),
        ends_at=dt.datetime(2025, 3, 5, 18, tzinfo=UTC),
    ).counts_as_decision_meeting


def test_disqualified_intervals_lists_who_left_which_meeting_and_when_S16() -> None:
    group = _group()
    meeting = _meeting(group)
    user = User.objects.create_user("a@example.org", full_name="A")
    other = User.objects.create_user("b@example.org", full_name="B")
    ms = Membership.objects.create(
        group=group, user=user, seat=Seat.REGULAR, joined_on=dt.date(2023, 10, 1)
    )
    ms_other = Membership.objects.create(
        group=group, user=other, seat=Seat.REGULAR, joined_on=dt.date(2023, 10, 1)
    )
    item = AgendaItem.objects.create(
        meeting=meeting, title="Reguleringsplan", submitted_at=meeting.starts_at
    )
    left = dt.datetime(2025, 3, 4, 17, 30, tzinfo=UTC)
    back = dt.datetime(2025, 3, 4, 17, 50, tzinfo=UTC)
    ConflictOfInterest.objects.create(
        agenda_item=item,
        membership=ms,
        reason="Søkers svoger",
        declared_at=left,
        decision=ConflictDecision.DISQUALIFIED,
        left_at=left,
        returned_at=back,
    )
    # declared but found not disqualified: stays in the room
    ConflictOfInterest.objects.create(
        agenda_item=item,
        membership=ms_other,
        reason="Nabo",
        declared_at=left,
        decision=ConflictDecision.NOT_DISQUALIFIED,
    )
    item2 = AgendaItem.objects.create(meeting=meeting, title="Budsjett", submitted_at=left)
    ConflictOfInterest.objects.create(
        agenda_item=item2,
        membership=ms,
        reason="Ansatt",
        declared_at=left,
        decision=ConflictDecision.DISQUALIFIED,
        left_at=back,
    )
    assert disqualified_intervals([meeting.pk]) == [
        (user.pk, meeting.pk, left, back),
        (user.pk, meeting.pk, back, meeting.ends_at),
    ]
    assert disqualified_intervals([]) == []
