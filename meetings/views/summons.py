"""The summons with the agenda, its calendar entry, absence and substitutes (issue 19)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from config.web import run_or_message, run_service
from groups.models import Membership
from meetings import services
from meetings.forms import AbsenceForm, AccessibleForm, SubstituteCallForm
from meetings.ics import meeting_calendar
from meetings.permissions import get_meeting_for_user
from meetings.services.summons import CHANGE_LABELS, last_revision, recipients
from meetings.views._common import (
    from_leader_screen,
    meeting_return_url,
)


def summons_send(request: HttpRequest, pk: int) -> HttpResponse:
    """The leader sends the summons, or once it is sent, one update naming what changed.
    GET shows what will go and to whom; POST sends."""
    meeting = get_meeting_for_user(request.user, pk, "manage")
    form = AccessibleForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        revision = run_service(form, services.summons_send, actor=request.user, meeting=meeting)
        if revision is not None:
            messages.success(
                request,
                _("Innkallingen er sendt.")
                if revision.number == 0
                else _("Endringen er sendt til alle som er innkalt."),
            )
            return redirect("meetings:detail", pk=meeting.pk)
    changed = services.summons_pending_changes(meeting)
    return render(
        request,
        "meetings/summons_send.html",
        {
            "meeting": meeting,
            "form": form,
            "last": last_revision(meeting),
            "changed": [str(CHANGE_LABELS[c]) for c in changed or []],
            "nothing_changed": changed == [],
            "recipients": recipients(meeting),
            "agenda": meeting.agenda_items.filter(status="accepted")
            .select_related("council_case__responsible__user")
            .order_by("order", "id"),
        },
    )


@require_GET
def meeting_ics(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Legg til i kalender": this meeting alone, same UID and SEQUENCE as the feed."""
    meeting = get_meeting_for_user(request.user, pk)
    response = HttpResponse(meeting_calendar(meeting), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="mote-{meeting.pk}.ics"'
    response["Cache-Control"] = "private, no-cache"
    return response


@require_POST
def absence_report(request: HttpRequest, pk: int) -> HttpResponse:
    """G2: a member reports absence, with an optional reason."""
    from meetings.views.meeting import _rerender

    meeting = get_meeting_for_user(request.user, pk)
    form = AbsenceForm(request.POST, prefix="absence")
    if (
        form.is_valid()
        and run_service(
            form,
            services.absence_report,
            actor=request.user,
            meeting=meeting,
            reason=form.cleaned_data["reason"],
        )
        is not None
    ):
        messages.success(request, _("Forfallet er meldt til gruppeleder."))
        return redirect(f"{meeting_url(meeting.pk)}#innkalling")
    return _rerender(request, meeting, ("absence", 0), form)


@require_POST
def attendance_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """The member is coming (also: withdraws a reported absence)."""
    meeting = get_meeting_for_user(request.user, pk)
    if run_or_message(request, services.attendance_confirm, actor=request.user, meeting=meeting):
        messages.success(request, _("Registrert: du kommer."))
    return redirect(f"{meeting_url(meeting.pk)}#innkalling")


@require_POST
def substitute_call(request: HttpRequest, pk: int) -> HttpResponse:
    """G2: the leader summons the substitute next in line for an absent regular member."""
    meeting = get_meeting_for_user(request.user, pk, "manage")
    form = SubstituteCallForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Velg hvem vararepresentanten skal møte for."))
        return redirect(_substitute_back(request, meeting.pk))
    by_pk = {
        m.pk: m
        for m in Membership.objects.filter(
            group_id=meeting.group_id,
            pk__in=[form.cleaned_data["replaces"], form.cleaned_data["substitute"]],
        ).select_related("user")
    }
    replaces = by_pk.get(form.cleaned_data["replaces"])
    substitute = by_pk.get(form.cleaned_data["substitute"])
    if replaces is None or substitute is None:
        messages.error(request, _("Fant ikke medlemmet i gruppa."))
        return redirect(_substitute_back(request, meeting.pk))
    call = run_or_message(
        request,
        services.substitute_call,
        actor=request.user,
        meeting=meeting,
        replaces=replaces,
        substitute=substitute,
    )
    if call is not None:
        messages.success(
            request,
            _("%(sub)s er kalt inn som vararepresentant for %(name)s.")
            % {"sub": substitute.user.full_name, "name": replaces.user.full_name},
        )
    return redirect(_substitute_back(request, meeting.pk))


def meeting_url(pk: int) -> str:
    from django.urls import reverse

    return reverse("meetings:detail", kwargs={"pk": pk})


def _substitute_back(request: HttpRequest, pk: int) -> str:
    """Back to the replies on the meeting page, or to the presence on the leader's screen."""
    return meeting_return_url(
        request, pk, "tilstede" if from_leader_screen(request) else "innkalling"
    )
