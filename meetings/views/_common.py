from __future__ import annotations

from typing import TypeVar

from django.http import Http404, HttpRequest
from django.urls import reverse

from meetings.models import AgendaItem, AgendaStatus, ConflictOfInterest
from meetings.permissions import Perm, can_manage_meeting, get_meeting_for_user

T = TypeVar("T")

# A form sent from the leader's screen during the meeting says so in a hidden field, and
# the answer goes back there instead of to the meeting page. Only this one value is read,
# so the field cannot send anyone elsewhere.
BACK_FIELD = "tilbake"
BACK_LEADER = "moteleder"


def from_leader_screen(request: HttpRequest) -> bool:
    return (request.POST.get(BACK_FIELD) or request.GET.get(BACK_FIELD)) == BACK_LEADER


def meeting_return_url(request: HttpRequest, meeting_pk: int, anchor: str = "") -> str:
    """The meeting page, or the leader's screen when the form was sent from there."""
    name = "meetings:leader" if from_leader_screen(request) else "meetings:detail"
    url = reverse(name, kwargs={"pk": meeting_pk})
    return f"{url}#{anchor}" if anchor else url


def item_for(request: HttpRequest, pk: int, perm: Perm = "view") -> AgendaItem:
    """The agenda item ``pk`` if the user may ``perm`` its meeting; items not (yet) on the
    agenda only for those who run the meeting and the member who sent it in."""
    item = AgendaItem.objects.filter(pk=pk).first()
    if item is None:
        raise Http404
    item.meeting = get_meeting_for_user(request.user, item.meeting_id, perm)
    if (
        item.status != AgendaStatus.ACCEPTED
        and perm == "view"
        and not can_manage_meeting(request.user, item.meeting)
        and item.submitted_by_id != request.user.pk
    ):
        raise Http404
    return item


def conflict_for(request: HttpRequest, pk: int) -> ConflictOfInterest:
    """A declared conflict of interest, for those who run its meeting."""
    conflict = ConflictOfInterest.objects.select_related("membership__user").filter(pk=pk).first()
    if conflict is None:
        raise Http404
    conflict.agenda_item = item_for(request, conflict.agenda_item_id, "manage")
    return conflict
