"""E2 programme follow-up and the end-of-period summary; calendar feed and reminders."""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db.models import Count, Max, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from config.conditional import conditional_download, content_etag
from config.mail import language_of
from config.pagecache import remember
from config.pdf import pdf_download
from config.web import run_service
from groups.models import CouncilGroup, User
from meetings import services
from meetings.forms import ProgrammeIssueForm, ProgrammeUpdateForm, ReminderForm
from meetings.ics import build_calendar
from meetings.models import (
    CalendarFeed,
    ProgrammeIssue,
    ProgrammeStatus,
    ReminderPreference,
    Sector,
)
from meetings.permissions import can_manage_group, get_group_for_meetings, may_draft_questions
from meetings.selectors import feed_meetings
from meetings.services.followup import _programme_window, token_digest
from meetings.views.questions import questions_by_issue


def _timeline(group: CouncilGroup, issues: list[ProgrammeIssue]) -> list[dict[str, Any]]:
    """Half-years over the first three years, each with the issues due for presenting."""
    first, last = _programme_window(group)
    buckets: list[dict[str, Any]] = []
    year, half = first.year, 1 if first.month < 7 else 2
    while dt.date(year, 1 if half == 1 else 7, 1) < last:
        start = dt.date(year, 1 if half == 1 else 7, 1)
        end = dt.date(year, 7, 1) if half == 1 else dt.date(year + 1, 1, 1)
        buckets.append(
            {
                "label": (_("%(year)s vår") if half == 1 else _("%(year)s høst")) % {"year": year},
                "issues": [i for i in issues if start <= i.present_by < end],
            }
        )
        year, half = (year, 2) if half == 1 else (year + 1, 1)
    return buckets


def programme(request: HttpRequest, group_pk: int) -> HttpResponse:
    """E2: issues by sector, each with its member, timeline and status."""
    group, membership = get_group_for_meetings(request.user, group_pk)
    manages = can_manage_group(request.user, group.pk)
    form = ProgrammeIssueForm(request.POST or None, group=group)
    if request.method == "POST" and (
        form.is_valid()
        and run_service(
            form,
            services.programme_issue_create,
            actor=request.user,
            group=group,
            title=form.cleaned_data["title"],
            sector=form.cleaned_data["sector"],
            assignee=form.cleaned_data["assignee"],
            start_on=form.cleaned_data["start_on"],
            present_by=form.cleaned_data["present_by"],
        )
        is not None
    ):
        messages.success(request, _("Programpunktet er lagt til."))
        return redirect("meetings:programme", group_pk=group.pk)
    issues = list(ProgrammeIssue.objects.filter(group=group).select_related("assignee__user"))
    asked = questions_by_issue(request.user, group)
    may_ask = may_draft_questions(request.user, group)
    by_sector: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for issue in issues:
        by_sector[issue.get_sector_display()].append(
            {
                "issue": issue,
                "form": ProgrammeUpdateForm(
                    prefix=f"issue-{issue.pk}",
                    initial={"status": issue.status, "outcome": issue.outcome},
                ),
                "may_update": manages
                or (membership is not None and issue.assignee_id == membership.pk),
                "questions": asked.get(issue.pk, []),
                "may_ask": may_ask,
            }
        )
    first, last = _programme_window(group)
    return render(
        request,
        "meetings/programme.html",
        {
            "group": group,
            "manages": manages,
            "form": form,
            "by_sector": dict(by_sector),
            "timeline": _timeline(group, issues),
            "first": first,
            "last": last,
            "show_form": manages,
        },
    )


@require_POST
def programme_update(request: HttpRequest, pk: int) -> HttpResponse:
    issue = ProgrammeIssue.objects.filter(pk=pk).first()
    if issue is None:
        raise Http404
    group, _m = get_group_for_meetings(request.user, issue.group_id)
    form = ProgrammeUpdateForm(request.POST, prefix=f"issue-{issue.pk}")
    if (
        form.is_valid()
        and run_service(
            form,
            services.programme_issue_update,
            actor=request.user,
            issue=issue,
            status=form.cleaned_data["status"],
            outcome=form.cleaned_data["outcome"],
        )
        is not None
    ):
        messages.success(request, _("Programpunktet er oppdatert."))
        return redirect("meetings:programme", group_pk=group.pk)
    return render(
        request,
        "meetings/form.html",
        {
            "form": form,
            "title": issue.title,
            "back": ("meetings:programme", group.pk),
        },
    )


def _testament_context(group: CouncilGroup) -> dict[str, Any]:
    issues = ProgrammeIssue.objects.filter(group=group).select_related("assignee__user")
    sectors: dict[str, dict[str, list[ProgrammeIssue]]] = {}
    for issue in issues.order_by("sector", "present_by"):
        entry = sectors.setdefault(str(Sector(issue.sector).label), {"achieved": [], "open": []})
        entry["achieved" if issue.status == ProgrammeStatus.ACHIEVED else "open"].append(issue)
    total = issues.count()
    achieved = issues.filter(status=ProgrammeStatus.ACHIEVED).count()
    return {
        "group": group,
        "sectors": sectors,
        "total": total,
        "achieved": achieved,
        "made_at": timezone.localtime(),
    }


def testament(request: HttpRequest, group_pk: int) -> HttpResponse:
    """E2: the one-page end-of-period summary, "politisk testament"."""
    group, _m = get_group_for_meetings(request.user, group_pk)
    if request.GET.get("format") == "pdf":
        return pdf_download(
            request,
            "meetings/testament_pdf.html",
            _testament_context(group),
            title=_("Politisk testament"),
            filename=f"politisk-testament-{group.pk}.pdf",
        )
    return render(request, "meetings/testament.html", _testament_context(group))


# --- calendar and reminders ------------------------------------------------------------
def calendar_settings(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)  # noqa: S101
    pref = ReminderPreference.objects.filter(user=user).first()
    form = ReminderForm(
        request.POST or None, initial={"minutes_before": pref.minutes_before if pref else ""}
    )
    if request.method == "POST" and form.is_valid():
        services.reminder_set(actor=user, minutes_before=form.cleaned_data["minutes_before"])
        messages.success(request, _("Påminnelsene er lagret."))
        return redirect("meetings:calendar")
    new_token = request.session.pop("meetings_new_feed_token", None)
    feed_url = (
        settings.SITE_URL + reverse("meetings:feed", kwargs={"token": new_token})
        if new_token
        else None
    )
    return render(
        request,
        "meetings/calendar.html",
        {
            "form": form,
            "has_feed": CalendarFeed.objects.filter(user=user).exists(),
            "feed_url": feed_url,
            "cycle_feed_url": (
                settings.SITE_URL + reverse("meetings:cycle_feed", kwargs={"token": new_token})
                if new_token
                else None
            ),
        },
    )


@require_POST
def calendar_feed_new(request: HttpRequest) -> HttpResponse:
    token = services.calendar_feed_create(actor=request.user)  # type: ignore[arg-type]
    # shown once on the next page, then forgotten (only its digest is stored)
    request.session["meetings_new_feed_token"] = token
    messages.success(
        request, _("Ny kalenderadresse er laget. Eventuelle gamle adresser virker ikke lenger.")
    )
    return redirect("meetings:calendar")


@require_POST
def calendar_feed_revoke(request: HttpRequest) -> HttpResponse:
    services.calendar_feed_revoke(actor=request.user)  # type: ignore[arg-type]
    messages.success(request, _("Kalenderadressen er slettet og virker ikke lenger."))
    return redirect("meetings:calendar")


@login_not_required
@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The private feed: no session, authenticated by its secret token alone. A calendar
    that fetches it again with the ETag it was given gets 304 until a meeting in it (or the
    set of meetings) changes; the body is built once per change and cached for the user."""
    # Between writes, a calendar's repeat asks nothing of the database (config/pagecache.py;
    # the key holds the token's digest, never the token).
    user = remember(f"feed-user:{token_digest(token)}", lambda: services.feed_user(token))
    if user is None:
        raise Http404
    meetings = feed_meetings(user)

    def what_it_shows() -> tuple[dict[str, Any], list[tuple[str, str]]]:
        # Which meetings (their number and the sum of their ids), the latest change to any
        # of them (every save stamps updated_at), and their groups' names.
        unordered = meetings.order_by()
        shown = unordered.aggregate(n=Count("pk"), ids=Sum("pk"), last=Max("updated_at"))
        groups = sorted(unordered.values_list("group__area_name", "group__kind").distinct())
        return shown, groups

    # the feed reaches back 90 days from now: worked out again each minute at least
    shown, groups = remember(f"feed:{user.pk}:{int(time.time() // 60)}", what_it_shows)
    # The feed is written in its owner's language (generated titles, kinds, descriptions).
    language = language_of(user)

    def build() -> bytes:
        with translation.override(language):
            return build_calendar(
                meetings.select_related("group", "council_meeting", "committee"),
                name=_("Gruppeportalen – møter"),
            )

    return conditional_download(
        request,
        kind="ics",
        owner=user.pk,
        etag=content_etag("ics", settings.SITE_URL, shown, groups, language),
        build=build,
        content_type="text/calendar; charset=utf-8",
        headers={"Cache-Control": "private, max-age=300", "X-Robots-Tag": "noindex"},
    )
