"""The year's cycle (årshjul, G27): the year view, the leader's form, and the calendar."""

from __future__ import annotations

import datetime as dt
from itertools import groupby
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from config.conditional import conditional_download, content_etag
from config.web import current_user, run_service
from groups.models import CouncilGroup
from groups.permissions import active_memberships
from meetings import cycle as rules
from meetings import services
from meetings.forms import CycleEntryForm
from meetings.ics import build_cycle_calendar
from meetings.models import CycleEntry
from meetings.permissions import can_manage_group, get_group_for_meetings
from meetings.services.cycle import SEEN_BY_PORTAL, Occurrence


def _month_name(year: int, month: int) -> str:
    """The month's name in the active language (Norwegian: lower case, as in "januar")."""
    return dateformat.format(dt.date(year, month, 1), "F")


def _year(request: HttpRequest, group: CouncilGroup) -> int:
    """The year asked for (``?ar=``), or this year, kept inside the period."""
    years = rules.period_years(group.period_start, group.period_end)
    today = timezone.localdate()
    fallback = min(max(today.year, years[0]), years[-1])
    raw = request.GET.get("ar", "")
    if not raw:
        return fallback
    if not (raw.isascii() and raw.isdigit() and int(raw) in years):
        messages.warning(
            request,
            _("Året finnes ikke i perioden %(period)s. Viser %(year)s.")
            % {"period": group.period_label, "year": fallback},
        )
        return fallback
    return int(raw)


def cycle_year(request: HttpRequest, group_pk: int) -> HttpResponse:
    """The group's year view: each deadline of the year by month, with its state."""
    group, _membership = get_group_for_meetings(request.user, group_pk)
    year = _year(request, group)
    found = services.occurrences(group, year=year)
    months = [
        {"name": _month_name(year, month), "number": month, "entries": list(items)}
        for month, items in groupby(found, key=lambda o: o.due.month)
    ]
    years = list(rules.period_years(group.period_start, group.period_end))
    return render(
        request,
        "meetings/cycle.html",
        {
            "group": group,
            "year": year,
            "years": years,
            "months": months,
            "late": sum(1 for o in found if o.state == rules.LATE),
            "due": sum(1 for o in found if o.state == rules.DUE),
            "manages": can_manage_group(request.user, group.pk),
            "leads": rules.REMINDER_LEADS,
        },
    )


def _entry_for(request: HttpRequest, pk: int) -> tuple[CycleEntry, Occurrence]:
    entry = CycleEntry.objects.select_related("group").filter(pk=pk).first()
    if entry is None:
        raise Http404
    get_group_for_meetings(request.user, entry.group_id, "manage")
    occ = next(o for o in services.occurrences(entry.group) if o.entry and o.entry.pk == entry.pk)
    return entry, occ


def cycle_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The leader adjusts one deadline: date, who is responsible, the meeting, done."""
    entry, occ = _entry_for(request, pk)
    group = entry.group
    form = CycleEntryForm(
        request.POST or None,
        group=group,
        default_due=occ.default_due,
        by_portal=occ.by_portal,
        linkable=entry.key not in SEEN_BY_PORTAL,
        initial={
            "due_on": entry.due_on,
            "responsible_role": entry.responsible_role,
            "responsible": entry.responsible_id,
            "meeting": entry.meeting_id,
            "done": entry.done_at is not None,
        },
    )
    back = reverse("meetings:cycle", kwargs={"group_pk": group.pk}) + f"?ar={occ.due.year}"
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = run_service(
            form,
            services.cycle_entry_update,
            actor=current_user(request),
            entry=entry,
            due_on=data["due_on"],
            responsible_role=data["responsible_role"],
            responsible=data["responsible"],
            done=data["done"],
            meeting=data.get("meeting"),
        )
        if saved is not None:
            messages.success(request, _("Årshjulet er oppdatert."))
            due = saved.due_on or occ.default_due or occ.due
            return redirect(
                reverse("meetings:cycle", kwargs={"group_pk": group.pk})
                + f"?ar={due.year}#entry-{saved.pk}"
            )
    return render(
        request,
        "meetings/cycle_edit.html",
        {"group": group, "entry": entry, "occ": occ, "form": form, "back": back},
    )


def _groups_etag(pairs: list[tuple[CouncilGroup, list[Occurrence]]]) -> str:
    return content_etag(
        "cycle",
        settings.SITE_URL,
        timezone.localdate(),
        [
            (
                g.pk,
                str(g),
                [
                    (
                        o.uid,
                        o.due,
                        o.state,
                        o.title,
                        o.responsible.pk if o.responsible else None,
                        o.updated_at,
                    )
                    for o in found
                ],
            )
            for g, found in pairs
        ],
    )


def _ics(
    request: HttpRequest, pairs: list[tuple[CouncilGroup, list[Occurrence]]], **kw: Any
) -> HttpResponse:
    name = _("Gruppeportalen – årshjul")
    return conditional_download(
        request,
        kind="cycle-ics",
        etag=_groups_etag(pairs),
        build=lambda: build_cycle_calendar(pairs, name=name),
        content_type="text/calendar; charset=utf-8",
        headers={"Cache-Control": "private, max-age=300", "X-Robots-Tag": "noindex"},
        **kw,
    )


@require_GET
def cycle_ics(request: HttpRequest, group_pk: int) -> HttpResponse:
    """The group's year's cycle as a calendar file, for its members."""
    group, _membership = get_group_for_meetings(request.user, group_pk)
    response = _ics(request, [(group, services.occurrences(group))], owner=request.user.pk)
    response["Content-Disposition"] = f'attachment; filename="arshjul-{group.pk}.ics"'
    return response


@login_not_required
@require_GET
def cycle_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The private feed of the year's cycle of every group the member belongs to, by the
    same secret address token as the meetings' feed (no session). 304 until it changes."""
    user = services.feed_user(token)
    if user is None:
        raise Http404
    groups = sorted({m.group for m in active_memberships(user)}, key=lambda g: g.pk)
    return _ics(request, [(g, services.occurrences(g)) for g in groups], owner=user.pk)
