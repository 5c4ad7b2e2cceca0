"""Groups and their members: create, detail, add, edit, independent, leave, transfers."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from config.pagecache import fragments
from config.web import current_user, run_form
from groups import selectors, services
from groups.forms import (
    DateForm,
    GroupCreateForm,
    MemberAddForm,
    MembershipEditForm,
    TransferForm,
    VotesForm,
)
from groups.models import (
    BOARD_SEATS,
    CouncilGroup,
    Membership,
    MembershipStatus,
    PeriodConstitution,
    Seat,
)
from groups.permissions import can_manage, get_group_for_user, membership_for, period_closed


# --- groups ------------------------------------------------------------------------------
def group_create(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if not user.is_superuser:
        return TemplateResponse(request, "403.html", status=403)
    form = GroupCreateForm(request.POST or None)
    done = run_form(
        request,
        form,
        lambda d: services.group_create(
            actor=user,
            area_name=d["area_name"],
            kind=d["kind"],
            period_start=d["period_start"],
            leader_name=d["leader_name"],
            leader_email=d["leader_email"],
        ),
        _("Gruppa er opprettet, og gruppelederen har fått tilgang."),
        lambda created: reverse("groups:detail", args=[created.pk]),
    )
    if done:
        return done
    return render(request, "groups/group_create.html", {"form": form})


MEMBERS_PER_PAGE = 50


def group_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The group and its members. A county group lists every local party member (G2), so
    the list is paged, representatives before party members, and searchable by name. The
    page is a fragment kept until the data changes (config/pagecache.py): a repeat runs
    only the access check."""
    group = get_group_for_user(request.user, pk, "view")
    query = request.GET.get("q", "").strip()[:100]
    side = request.GET.get("side")

    def context() -> dict[str, object]:
        overview = selectors.group_overview(group, timezone.localdate())
        rows = sorted(overview.rows, key=lambda row: row.membership.seat == Seat.PARTY_MEMBER)
        if query:
            needle = query.casefold()
            rows = [row for row in rows if needle in row.membership.user.full_name.casefold()]
        return {
            "overview": overview,
            "members": Paginator(rows, MEMBERS_PER_PAGE).get_page(side),
            "searchable": len(overview.rows) > MEMBERS_PER_PAGE or bool(query),
            "manage": can_manage(request.user, group),
            "me": membership_for(request.user, group),
            "closed": period_closed(group),
            "next_period": CouncilGroup.objects.filter(previous_period=group).first(),
            "constitution": PeriodConstitution.objects.filter(group=group).first(),
        }

    return render(
        request,
        "groups/group_detail.html",
        {
            "group": group,
            "query": query,
            "fragments": fragments(request, "group", group.pk, query, side, context=context),
        },
    )


def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    group = get_group_for_user(request.user, pk, "manage")
    form = MemberAddForm(request.POST or None)
    done = run_form(
        request,
        form,
        lambda d: services.member_add(
            actor=current_user(request),
            group=group,
            full_name=d["full_name"],
            email=d["email"],
            seat=d["seat"],
            joined_on=d["joined_on"],
        ),
        _("Personen er lagt til i gruppa."),
        reverse("groups:detail", args=[group.pk]),
    )
    return done or render(request, "groups/member_add.html", {"group": group, "form": form})


def _membership(group: CouncilGroup, mid: int) -> Membership:
    return get_object_or_404(
        Membership.objects.select_related("user", "group"), pk=mid, group=group
    )


def membership_edit(request: HttpRequest, pk: int, mid: int) -> HttpResponse:
    group = get_group_for_user(request.user, pk, "manage")
    membership = _membership(group, mid)
    form = MembershipEditForm(
        request.POST or None,
        initial={"seat": membership.seat, "board_role": membership.board_role},
    )
    done = run_form(
        request,
        form,
        lambda d: services.membership_update(
            actor=current_user(request),
            membership=membership,
            seat=d["seat"],
            board_role=d["board_role"],
        ),
        _("Endringen er lagret."),
        reverse("groups:detail", args=[group.pk]),
    )
    return done or render(
        request,
        "groups/membership_edit.html",
        {
            "group": group,
            "membership": membership,
            "form": form,
            "independent_form": DateForm(prefix="independent", label=_("Uavhengig fra")),
            "leave_form": DateForm(prefix="leave", label=_("Ut av gruppa fra")),
        },
    )


def _membership_date_action(
    request: HttpRequest, pk: int, mid: int, prefix: str, action: Callable[..., object], ok: str
) -> HttpResponse:
    group = get_group_for_user(request.user, pk, "manage")
    membership = _membership(group, mid)
    form = DateForm(request.POST or None, prefix=prefix)
    if request.method == "POST" and form.is_valid():
        try:
            action(
                actor=current_user(request), membership=membership, date=form.cleaned_data["date"]
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, ok)
            return redirect("groups:detail", pk=group.pk)
    elif request.method == "POST":
        messages.error(request, _("Oppgi en gyldig dato."))
    return redirect("groups:membership_edit", pk=group.pk, mid=membership.pk)


@require_POST
def membership_independent(request: HttpRequest, pk: int, mid: int) -> HttpResponse:
    return _membership_date_action(
        request,
        pk,
        mid,
        "independent",
        lambda actor, membership, date: services.membership_declare_independent(
            actor=actor, membership=membership, from_date=date
        ),
        _("Personen er registrert som uavhengig og kalles ikke lenger inn til gruppemøter."),
    )


@require_POST
def membership_leave(request: HttpRequest, pk: int, mid: int) -> HttpResponse:
    return _membership_date_action(
        request,
        pk,
        mid,
        "leave",
        lambda actor, membership, date: services.membership_leave(
            actor=actor, membership=membership, left_on=date
        ),
        _("Personen er meldt ut av gruppa."),
    )


def transfer_propose(request: HttpRequest, pk: int) -> HttpResponse:
    group = get_group_for_user(request.user, pk, "manage")
    form = TransferForm(request.POST or None)
    done = run_form(
        request,
        form,
        lambda d: services.transfer_propose(
            actor=current_user(request),
            group=group,
            full_name=d["full_name"],
            email=d["email"],
            from_party=d["from_party"],
            seat=d["seat"],
        ),
        _("Overgangen er registrert og venter på gruppestyrets godkjenning."),
        reverse("groups:detail", args=[group.pk]),
    )
    return done or render(request, "groups/transfer_propose.html", {"group": group, "form": form})


def transfer_approve(request: HttpRequest, pk: int, mid: int) -> HttpResponse:
    group = get_group_for_user(request.user, pk, "view")
    me = membership_for(request.user, group)
    if not (request.user.is_superuser or (me and me.board_role in BOARD_SEATS)):
        return TemplateResponse(request, "403.html", status=403)
    membership = get_object_or_404(
        Membership.objects.select_related("user"),
        pk=mid,
        group=group,
        status=MembershipStatus.PROPOSED,
    )
    form = VotesForm(request.POST or None)
    done = run_form(
        request,
        form,
        lambda d: services.transfer_approve(
            actor=current_user(request),
            membership=membership,
            votes_for=d["votes_for"],
            votes_against=d["votes_against"],
        ),
        _("Overgangen er godkjent av gruppestyret."),
        reverse("groups:detail", args=[group.pk]),
    )
    return done or render(
        request,
        "groups/transfer_approve.html",
        {"group": group, "membership": membership, "form": form},
    )
