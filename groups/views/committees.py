"""Committees and factions (G5): create, detail, seats and faction leaders."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from config.params import parse_id
from config.web import current_user, run_form
from groups import services
from groups.forms import (
    CommitteeForm,
    CommitteeSeatForm,
    FactionLeaderForm,
)
from groups.models import (
    Committee,
    CommitteeSeat,
    CouncilGroup,
    Membership,
    MembershipStatus,
)
from groups.permissions import can_manage, get_group_for_user


# --- committees and factions (G5) ----------------------------------------------------------
def committee_create(request: HttpRequest, pk: int) -> HttpResponse:
    group = get_group_for_user(request.user, pk, "manage")
    form = CommitteeForm(request.POST or None)
    done = run_form(
        request,
        form,
        lambda d: services.committee_create(
            actor=current_user(request), group=group, name=d["name"], kind=d["kind"]
        ),
        _("Utvalget er opprettet."),
        reverse("groups:detail", args=[group.pk]),
    )
    return done or render(request, "groups/committee_create.html", {"group": group, "form": form})


def _active_memberships(group: CouncilGroup) -> QuerySet[Membership]:
    return group.memberships.filter(status=MembershipStatus.ACTIVE).select_related("user")


def committee_detail(request: HttpRequest, pk: int, cid: int) -> HttpResponse:
    group = get_group_for_user(request.user, pk, "view")
    committee = get_object_or_404(Committee, pk=cid, group=group)
    manage = can_manage(request.user, group)
    seat_form = CommitteeSeatForm(
        request.POST if "add_seat" in request.POST else None,
        memberships=_active_memberships(group),
        prefix="seat",
    )
    leader_form = FactionLeaderForm(
        request.POST if "elect" in request.POST else None,
        memberships=_active_memberships(group).filter(committee_seats__committee=committee),
        prefix="leader",
        initial={"membership": committee.faction_leader_id},
    )
    if request.method == "POST":
        if not manage:
            return TemplateResponse(request, "403.html", status=403)
        actor = current_user(request)
        done: HttpResponse | None = None
        if "add_seat" in request.POST:
            done = run_form(
                request,
                seat_form,
                lambda d: services.committee_seat_add(
                    actor=actor, committee=committee, membership=d["membership"], role=d["role"]
                ),
                _("Plassen er lagt til."),
                request.path,
            )
        elif "elect" in request.POST:
            done = run_form(
                request,
                leader_form,
                lambda d: services.faction_leader_elect(
                    actor=actor, committee=committee, membership=d["membership"]
                ),
                _("Fraksjonslederen er registrert."),
                request.path,
            )
        elif "remove_seat" in request.POST:
            seat_pk = parse_id(request.POST["remove_seat"])
            if seat_pk is None:
                raise Http404
            seat = get_object_or_404(CommitteeSeat, pk=seat_pk, committee=committee)
            services.committee_seat_remove(actor=actor, seat=seat)
            messages.success(request, _("Plassen er fjernet."))
            return redirect(request.path)
        if done:
            return done
    return render(
        request,
        "groups/committee_detail.html",
        {
            "group": group,
            "committee": committee,
            "seats": committee.seats.select_related("membership__user").order_by(
                "role", "membership__user__full_name"
            ),
            "manage": manage,
            "seat_form": seat_form,
            "leader_form": leader_form,
        },
    )
