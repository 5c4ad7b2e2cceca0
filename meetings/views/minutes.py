"""The minutes as a record (one template for the page and the PDF) and their approval,
which asks for confirmation and shows what is missing first (G13, issue 17)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from config.pdf import pdf_download
from config.web import run_service
from groups.models import BoardRole, MembershipStatus
from meetings import presence, services
from meetings.forms import ConfirmForm
from meetings.models import Meeting, MeetingKind, MeetingStatus, Minutes, MinutesVersion
from meetings.permissions import get_meeting_for_user


def page_record(meeting: Meeting, minutes: Minutes | None) -> dict[str, Any] | None:
    """What the meeting page shows as its minutes: the latest approved version as frozen,
    or the live draft once the meeting has begun; the PDF renders the same dict."""
    if minutes is not None and minutes.is_approved:
        latest = minutes.versions.order_by("-number").first()
        if latest is not None:
            return services.version_record(latest)
    if meeting.status == MeetingStatus.CANCELLED or timezone.now() < meeting.starts_at:
        return None
    return services.minutes_snapshot(meeting)


def minutes_form_initial(meeting: Meeting, minutes: Minutes | None) -> dict[str, Any]:
    """The minutes form as saved; until someone is marked present, those who checked in
    (meetings.presence); until a leader is named, the faction's or the group's leader."""
    present = list(minutes.present.values_list("pk", flat=True)) if minutes else []
    if not present:
        present = sorted(presence.present_memberships(meeting))
    leader = minutes.leader_id if minutes else None
    if leader is None:
        if meeting.kind == MeetingKind.FACTION and meeting.committee is not None:
            leader = meeting.committee.faction_leader_id
        else:
            leader = (
                meeting.group.memberships.filter(
                    board_role=BoardRole.LEADER, status=MembershipStatus.ACTIVE
                )
                .values_list("pk", flat=True)
                .first()
            )
    return {
        "present": present,
        "leader": leader,
        "present_text": minutes.present_text if minutes else "",
        "notes": minutes.notes if minutes else "",
    }


def minutes_approve(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: what will be approved and what it lacks; POST with the box ticked approves."""
    meeting = get_meeting_for_user(request.user, pk, "manage")
    form = ConfirmForm(
        request.POST if request.method == "POST" else None,
        label=_("Jeg har sett over referatet og vil godkjenne og låse det"),
    )
    if request.method == "POST" and form.is_valid():
        version = run_service(form, services.minutes_approve, actor=request.user, meeting=meeting)
        if version is not None:
            messages.success(
                request,
                _("Referatet er godkjent og låst (versjon %(n)s).") % {"n": version.number},
            )
            return redirect(reverse("meetings:detail", kwargs={"pk": meeting.pk}) + "#referat")
    minutes = Minutes.objects.filter(meeting=meeting).first()
    return render(
        request,
        "meetings/minutes_approve.html",
        {
            "meeting": meeting,
            "form": form,
            "check": services.minutes_approval_check(meeting),
            "record": page_record(meeting, minutes) or services.minutes_snapshot(meeting),
        },
    )


def minutes_pdf(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """An approved version of the minutes as PDF, rendered from its frozen content with the
    template the meeting page uses."""
    meeting = get_meeting_for_user(request.user, pk)
    version = (
        MinutesVersion.objects.filter(minutes__meeting=meeting, number=number)
        .select_related("approved_by")
        .first()
    )
    if version is None:
        raise Http404
    return pdf_download(
        request,
        "meetings/minutes_pdf.html",
        {"record": services.version_record(version)},
        title=_("Referat: %(title)s") % {"title": meeting.display_title},
        filename=f"referat-{meeting.pk}-v{number}.pdf",
    )
