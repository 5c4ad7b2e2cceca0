"""A group's new period (G24, G4): open it, convene the constituting meeting, carry seats
over, elect leader and deputy; and the leader sends the rules (G23)."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from config.web import add_service_errors, current_user, run_form, run_or_message
from groups import services
from groups.forms import (
    ConveneForm,
    ElectionForm,
    NewMemberForm,
    PeriodOpenForm,
    RulesSendForm,
    SeatsForm,
)
from groups.models import (
    CouncilGroup,
    MembershipStatus,
    PeriodConstitution,
    RulesDelivery,
    RulesDispatchKind,
    Seat,
)
from groups.permissions import (
    can_constitute,
    get_group_for_user,
    get_group_to_constitute,
)


def period_open(request: HttpRequest, pk: int) -> HttpResponse:
    """The site admin opens the group's next four-year period after an election."""
    group = get_group_for_user(request.user, pk, "view")
    user = current_user(request)
    if not user.is_superuser:
        return TemplateResponse(
            request,
            "403.html",
            {"exception": _("Bare nettstedsadministratorer kan åpne en ny periode.")},
            status=403,
        )
    following = CouncilGroup.objects.filter(previous_period=group).first()
    chapter_leader = (
        group.memberships.filter(seat=Seat.CHAPTER_LEADER, status=MembershipStatus.ACTIVE)
        .select_related("user")
        .first()
    )
    initial: dict[str, Any] = {"period_start": group.period_end}
    if chapter_leader is not None:
        initial |= {
            "convener_name": chapter_leader.user.full_name,
            "convener_email": chapter_leader.user.email,
        }
    form = PeriodOpenForm(request.POST or None, initial=initial)
    done = run_form(
        request,
        form,
        lambda d: services.period_open(
            actor=user,
            group=group,
            period_start=d["period_start"],
            convener_name=d["convener_name"],
            convener_email=d["convener_email"],
        ),
        _("Den nye perioden er åpnet. Lokallagslederen kan nå kalle inn til konstituerende møte."),
        lambda opened: reverse("groups:constitution", args=[opened.pk]),
    )
    if done:
        return done
    return render(
        request,
        "groups/period_open.html",
        {"group": group, "form": form, "following": following},
    )


def constitution(request: HttpRequest, pk: int) -> HttpResponse:
    """The new period's constitution: who is in, the summons, the election."""
    group = get_group_for_user(request.user, pk, "view")
    record = get_object_or_404(PeriodConstitution.objects.select_related("convener"), group=group)
    may_act = can_constitute(request.user, group)
    form = None
    if may_act:
        initial = (
            {"meeting_at": timezone.localtime(record.meeting_at), "place": record.place}
            if record.meeting_at
            else {}
        )
        form = ConveneForm(request.POST or None, initial=initial)
        done = run_form(
            request,
            form,
            lambda d: services.constitution_convene(
                actor=current_user(request),
                group=group,
                meeting_at=d["meeting_at"],
                place=d["place"],
            ),
            _("Innkallingen er sendt til alle i den nye gruppa."),
            reverse("groups:constitution", args=[group.pk]),
        )
        if done:
            return done
    elif request.method == "POST":
        return TemplateResponse(request, "403.html", status=403)
    today = timezone.localdate()
    return render(
        request,
        "groups/constitution.html",
        {
            "group": group,
            "constitution": record,
            "may_act": may_act,
            "form": form,
            "members": services.summoned_members(group, today),
            "pending": services.pending_seats(group) if may_act else [],
            "elections": group.elections.select_related("elected__user"),
            "transitions": group.seat_transitions.select_related("previous__user").order_by(
                "previous__user__full_name"
            ),
        },
    )


def constitution_seats(request: HttpRequest, pk: int) -> HttpResponse:
    """Seat by seat: carried over from the last period, or ended; and the newly elected."""
    group = get_group_to_constitute(request.user, pk)
    user = current_user(request)
    seats = services.pending_seats(group)
    adding = request.method == "POST" and "add_member" in request.POST
    form = SeatsForm(request.POST if request.method == "POST" and not adding else None, seats=seats)
    new_form = NewMemberForm(request.POST if adding else None, prefix="new")
    back = reverse("groups:constitution_seats", args=[group.pk])
    if request.method == "POST" and not adding and form.is_valid():
        try:
            services.constitution_seats(actor=user, group=group, decisions=form.decisions())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Plassene er ført over til den nye perioden."))
            return redirect(back)
    if adding:
        done = run_form(
            request,
            new_form,
            lambda d: services.constitution_member_add(
                actor=user, group=group, full_name=d["full_name"], email=d["email"], seat=d["seat"]
            ),
            _("Personen er lagt til i den nye gruppa."),
            back,
        )
        if done:
            return done
    return render(
        request,
        "groups/constitution_seats.html",
        {
            "group": group,
            "form": form,
            "new_form": new_form,
            "seats": seats,
            "members": group.memberships.select_related("user").order_by("user__full_name"),
        },
    )


def constitution_elect(request: HttpRequest, pk: int) -> HttpResponse:
    """The group elects its leader and deputy at the constituting meeting."""
    group = get_group_to_constitute(request.user, pk)
    candidates = (
        group.memberships.filter(seat=Seat.REGULAR, status=MembershipStatus.ACTIVE)
        .select_related("user")
        .order_by("user__full_name")
    )
    form = ElectionForm(request.POST or None, candidates=candidates)
    done = run_form(
        request,
        form,
        lambda d: services.constitution_elect(
            actor=current_user(request),
            group=group,
            leader=d["leader"],
            leader_votes_for=d["leader_votes_for"],
            leader_votes_against=d["leader_votes_against"],
            deputy=d["deputy"],
            deputy_votes_for=d["deputy_votes_for"],
            deputy_votes_against=d["deputy_votes_against"],
            note=d["note"],
        ),
        _("Gruppa er konstituert. Alle i gruppa blir bedt om å bekrefte reglementet.")
        if services.rules_in_force(group)
        else _(
            "Gruppa er konstituert. Legg reglementet fram for gruppa: når det er vedtatt, får "
            "alle det tilsendt og blir bedt om å bekrefte det."
        ),
        reverse("groups:detail", args=[group.pk]),
    )
    return done or render(
        request,
        "groups/constitution_elect.html",
        {
            "group": group,
            "form": form,
            "constitution": PeriodConstitution.objects.get(group=group),
        },
    )


def rules_send(request: HttpRequest, pk: int) -> HttpResponse:
    """G23: send the rules in force to every member and observer, remind those who have not
    acknowledged, and see who got what, and when."""
    group = get_group_for_user(request.user, pk, "manage")
    if request.method == "POST":
        form = RulesSendForm(request.POST)
        if form.is_valid():
            dispatch = run_or_message(
                request,
                services.rules_send,
                actor=current_user(request),
                group=group,
                kind=form.cleaned_data["kind"],
                token=form.cleaned_data["token"],
            )
            if dispatch is not None:
                count = dispatch.deliveries.count()
                messages.success(
                    request,
                    ngettext(
                        "Sendt til %(count)s person. Hver får én e-post med lenke.",
                        "Sendt til %(count)s personer. Hver får én e-post med lenke.",
                        count,
                    )
                    % {"count": count},
                )
        else:
            messages.error(request, _("Skjemaet er utløpt. Last siden på nytt og prøv igjen."))
        return redirect("groups:rules_send", pk=group.pk)
    ruleset = services.rules_in_force(group)
    recipients = services.rules_recipients(group)
    acked: set[int] = set()
    sent: set[int] = set()
    if ruleset is not None:
        acked = set(ruleset.acknowledgements.values_list("user_id", flat=True))
        sent = set(
            ruleset.deliveries.filter(kind=RulesDispatchKind.SEND).values_list("user_id", flat=True)
        )
    return render(
        request,
        "groups/rules_send.html",
        {
            "group": group,
            "ruleset": ruleset,
            "token": uuid.uuid4(),
            "not_sent": [m for m in recipients if m.user_id not in sent],
            "not_acked": [m for m in recipients if m.user_id not in acked],
            "deliveries": RulesDelivery.objects.filter(ruleset__group=group)
            .select_related("user", "ruleset")
            .order_by("-queued_at", "user__full_name")[:500],
        },
    )
