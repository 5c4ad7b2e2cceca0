"""Upcoming and past meetings with search; the group's plan; meeting requests."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from config.pagecache import fragments
from config.web import run_or_message, run_service
from groups.models import User
from meetings import services
from meetings.forms import ConfirmForm, CouncilMeetingForm, PlanForm, RequestForm, SearchForm
from meetings.models import (
    CouncilMeeting,
    Meeting,
    MeetingPlan,
    MeetingRequest,
    RequestSignature,
    RequestStatus,
)
from meetings.permissions import (
    active_memberships,
    can_manage_group,
    get_group_for_meetings,
    is_chapter_leader,
    led_committees,
)
from meetings.selectors import search_meetings

PAGE_SIZE = 50
REQUEST_PAGE_SIZE = 20


def meeting_list(request: HttpRequest) -> HttpResponse:
    """The user's meetings, searchable: a fragment kept until the data or the minute changes
    (config/pagecache.py), per search and page."""
    user = request.user
    assert isinstance(user, User)  # noqa: S101 (login required by middleware)
    past = request.GET.get("vis") == "tidligere"
    querystring = request.GET.urlencode()

    def context() -> dict[str, object]:
        form = SearchForm(request.GET or None)
        data = form.cleaned_data if form.is_valid() else {}
        page = Paginator(
            search_meetings(
                user,
                past=past,
                text=(data.get("q") or "").strip(),
                date_from=data.get("date_from"),
                date_to=data.get("date_to"),
            ),
            PAGE_SIZE,
        ).get_page(request.GET.get("side"))
        memberships = active_memberships(user)
        managed = [m.group for m in memberships if m.manages_group]
        open_requests = MeetingRequest.objects.filter(
            group__in=managed, status=RequestStatus.SATISFIED
        ).select_related("group")
        return {
            "page": page,
            "form": form,
            "groups": [m.group for m in memberships],
            "managed": managed,
            "open_requests": open_requests,
            "querystring": querystring,
        }

    return render(
        request,
        "meetings/list.html",
        {"past": past, "fragments": fragments(request, "list", querystring, context=context)},
    )


def group_plan(request: HttpRequest, group_pk: int) -> HttpResponse:
    """G7, G21: the group's council dates, plans and the social-gathering warning."""
    group, _membership = get_group_for_meetings(request.user, group_pk)
    manages = can_manage_group(request.user, group.pk)
    year = timezone.localdate().year
    socials = services.social_gatherings_in_year(group, year)
    # each plan lists its meetings by display title, which reads the council meeting
    plans = MeetingPlan.objects.filter(group=group).prefetch_related(
        Prefetch(
            "meetings",
            queryset=Meeting.objects.select_related("council_meeting", "committee"),
        )
    )
    council = CouncilMeeting.objects.filter(
        group=group, starts_at__gte=timezone.now()
    ).select_related("committee")[:40]
    ruleset = services.rules_in_force(group)
    return render(
        request,
        "meetings/plan.html",
        {
            "group": group,
            "manages": manages,
            "led_committees": [] if manages else led_committees(request.user, group.pk),
            # G26: the chapter leader calls members' meetings
            "calls_members_meetings": manages or is_chapter_leader(_membership),
            "year": year,
            "socials": socials,
            "social_warning": socials < services.SOCIAL_MINIMUM,
            "plans": plans,
            "council": council,
            "ruleset": ruleset,
            "plan_form": PlanForm(
                initial={"year": year, "half": 1 if timezone.localdate().month < 7 else 2}
            ),
            "council_form": CouncilMeetingForm(group=group),
        },
    )


@require_POST
def plan_generate(request: HttpRequest, group_pk: int) -> HttpResponse:
    group, _m = get_group_for_meetings(request.user, group_pk, "manage")
    form = PlanForm(request.POST)
    if form.is_valid():
        generated = run_service(
            form,
            services.plan_generate,
            actor=request.user,
            group=group,
            year=form.cleaned_data["year"],
            half=form.cleaned_data["half"],
        )
        if generated is not None:
            messages.success(request, _("Møteplanen er laget. Gå gjennom møtene og vedta planen."))
            for moved in generated.moved:
                messages.info(
                    request,
                    _("«%(title)s» er flyttet til %(when)s.")
                    % {
                        "title": moved.display_title,
                        "when": timezone.localtime(moved.starts_at).strftime("%d.%m.%Y %H:%M"),
                    },
                )
            for title in generated.unplaced:
                messages.warning(
                    request,
                    _("Fant ingen ledig tid for «%(title)s». Legg det inn for hånd.")
                    % {"title": title},
                )
            return redirect("meetings:plan", group_pk=group.pk)
    return render(
        request,
        "meetings/form.html",
        {
            "form": form,
            "title": _("Lag halvårlig møteplan"),
            "group": group,
            "back": ("meetings:plan", group.pk),
        },
    )


def plan_adopt(request: HttpRequest, pk: int) -> HttpResponse:
    """G7: GET lists the plan's meetings; POST with the box ticked adopts the plan."""
    plan = MeetingPlan.objects.filter(pk=pk).first()
    group, _m = get_group_for_meetings(request.user, plan.group_id if plan else 0, "manage")
    assert plan is not None  # noqa: S101 (get_group_for_meetings raised 404 otherwise)
    form = ConfirmForm(
        request.POST if request.method == "POST" else None,
        label=_("Jeg har sett over møtene og vil vedta møteplanen"),
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and run_service(form, services.plan_adopt, actor=request.user, plan=plan) is not None
    ):
        messages.success(request, _("Møteplanen er vedtatt."))
        return redirect("meetings:plan", group_pk=group.pk)
    return render(
        request,
        "meetings/plan_adopt.html",
        {
            "group": group,
            "plan": plan,
            "form": form,
            "blockers": services.plan_adopt_blockers(plan),
            "meetings": list(
                plan.meetings.select_related("committee", "council_meeting").order_by("starts_at")
            ),
        },
    )


def council_meeting_create(request: HttpRequest, group_pk: int) -> HttpResponse:
    group, _m = get_group_for_meetings(request.user, group_pk, "manage")
    form = CouncilMeetingForm(request.POST or None, group=group)
    if request.method == "POST" and form.is_valid():
        created = run_service(
            form,
            services.council_meeting_create,
            actor=request.user,
            group=group,
            committee=form.cleaned_data["committee"],
            starts_at=form.cleaned_data["starts_at"],
            ends_at=form.cleaned_data["ends_at"],
            place=form.cleaned_data["place"],
        )
        if created is not None:
            messages.success(request, _("Møtet i kommunestyret/utvalget er lagt inn."))
            return redirect("meetings:plan", group_pk=group.pk)
    return render(
        request,
        "meetings/form.html",
        {
            "form": form,
            "title": _("Legg inn kommunestyremøte eller utvalgsmøte"),
            "group": group,
            "back": ("meetings:plan", group.pk),
        },
    )


def council_meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """G6: the council moved a meeting; making the plan again moves what prepares it."""
    council_meeting = CouncilMeeting.objects.filter(pk=pk).first()
    group, _m = get_group_for_meetings(
        request.user, council_meeting.group_id if council_meeting else 0, "manage"
    )
    assert council_meeting is not None  # noqa: S101 (get_group_for_meetings raised 404)
    initial = {
        "committee": council_meeting.committee,
        "starts_at": timezone.localtime(council_meeting.starts_at),
        "ends_at": timezone.localtime(council_meeting.ends_at),
        "place": council_meeting.place,
    }
    form = CouncilMeetingForm(request.POST or None, group=group, initial=initial)
    form.fields["committee"].disabled = True
    if request.method == "POST" and form.is_valid():
        updated = run_service(
            form,
            services.council_meeting_update,
            actor=request.user,
            council_meeting=council_meeting,
            starts_at=form.cleaned_data["starts_at"],
            ends_at=form.cleaned_data["ends_at"],
            place=form.cleaned_data["place"],
        )
        if updated is not None:
            messages.success(
                request,
                _(
                    "Møtet er flyttet. Lag møteplanen på nytt for å flytte gruppemøtene som hører til."
                ),
            )
            return redirect("meetings:plan", group_pk=group.pk)
    return render(
        request,
        "meetings/form.html",
        {
            "form": form,
            "title": _("Endre kommunestyremøte eller utvalgsmøte"),
            "group": group,
            "back": ("meetings:plan", group.pk),
        },
    )


def request_list(request: HttpRequest, group_pk: int) -> HttpResponse:
    """G6, G10, G17: requests for a meeting, signed in the portal."""
    group, membership = get_group_for_meetings(request.user, group_pk)
    form = RequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        created = run_service(
            form,
            services.request_create,
            actor=request.user,
            group=group,
            kind=form.cleaned_data["kind"],
            reason=form.cleaned_data["reason"],
        )
        if created is not None:
            messages.success(request, _("Kravet er registrert med din underskrift."))
            return redirect("meetings:requests", group_pk=group.pk)
    page = Paginator(
        MeetingRequest.objects.filter(group=group)
        .exclude(status=RequestStatus.SCHEDULED)
        .order_by("-created_at", "-pk")
        .prefetch_related("signatures__membership__user"),
        REQUEST_PAGE_SIZE,
    ).get_page(request.GET.get("side"))
    return render(
        request,
        "meetings/requests.html",
        {
            "group": group,
            "form": form,
            "page": page,
            "membership": membership,
            "signed": set(
                RequestSignature.objects.filter(
                    membership=membership, request__in=[r.pk for r in page]
                ).values_list("request_id", flat=True)
            )
            if membership
            else set(),
            "manages": can_manage_group(request.user, group.pk),
        },
    )


@require_POST
def request_sign(request: HttpRequest, pk: int) -> HttpResponse:
    req = MeetingRequest.objects.filter(pk=pk).first()
    group, _m = get_group_for_meetings(request.user, req.group_id if req else 0)
    assert req is not None  # noqa: S101
    if (
        run_or_message(request, services.request_sign, actor=request.user, meeting_request=req)
        is not None
    ):
        messages.success(request, _("Du har signert kravet."))
    return redirect("meetings:requests", group_pk=group.pk)
