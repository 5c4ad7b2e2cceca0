from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from config.params import parse_id
from config.pdf import render_pdf
from groups import selectors, services
from groups.forms import (
    CommitteeForm,
    CommitteeSeatForm,
    DateForm,
    FactionLeaderForm,
    GroupCreateForm,
    MemberAddForm,
    MembershipEditForm,
    ProfileForm,
    RulesDecisionForm,
    RulesForm,
    TransferForm,
    VotesForm,
    run_form,
)
from groups.health import health_status, recent_task_failures
from groups.models import (
    BOARD_SEATS,
    Committee,
    CommitteeSeat,
    CouncilGroup,
    Membership,
    MembershipStatus,
    RuleSet,
    RuleSetStatus,
    User,
)
from groups.permissions import can_manage, get_group_for_user, membership_for


def _user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):  # LoginRequiredMiddleware keeps anonymous users out
        raise PermissionDenied
    return user


# --- the member's own pages ----------------------------------------------------------------
def home(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    today = timezone.localdate()
    ethics = selectors.current_ethics()
    return render(
        request,
        "groups/home.html",
        {
            "groups": selectors.home_for(user, today),
            "ethics": ethics,
            "ethics_acknowledged": bool(
                ethics and ethics.acknowledgements.filter(user=user).exists()
            ),
        },
    )


def profile(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = ProfileForm(
        request.POST or None,
        initial={
            "full_name": user.full_name,
            "birth_year": user.birth_year,
            "gender": user.gender,
            "postcode": user.postcode,
        },
    )
    done = run_form(
        request,
        form,
        lambda d: services.user_update_profile(actor=user, **d),
        _("Profilen er lagret."),
        reverse("groups:profile"),
    )
    return done or render(request, "groups/profile.html", {"form": form})


def ethics(request: HttpRequest) -> HttpResponse:
    guidelines = selectors.current_ethics()
    if guidelines is None:
        raise Http404
    user = _user(request)
    if request.method == "POST":
        services.ethics_acknowledge(actor=user, guidelines=guidelines)
        messages.success(
            request, _("Takk! Vi har registrert at du har gått gjennom retningslinjene.")
        )
        return redirect("groups:ethics")
    return render(
        request,
        "groups/ethics.html",
        {
            "guidelines": guidelines,
            "acknowledged": guidelines.acknowledgements.filter(user=user).first(),
        },
    )


# --- groups ------------------------------------------------------------------------------
def group_create(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not user.is_superuser:
        return TemplateResponse(request, "403.html", status=403)
    form = GroupCreateForm(request.POST or None)
    created: list[CouncilGroup] = []
    done = run_form(
        request,
        form,
        lambda d: created.append(services.group_create(actor=user, **d)),
        _("Gruppa er opprettet, og gruppelederen har fått tilgang."),
        reverse("groups:home"),
    )
    if done and created:
        return redirect("groups:detail", pk=created[0].pk)
    return render(request, "groups/group_create.html", {"form": form})


def group_detail(request: HttpRequest, pk: int) -> HttpResponse:
    group = get_group_for_user(request.user, pk, "view")
    overview = selectors.group_overview(group, timezone.localdate())
    return render(
        request,
        "groups/group_detail.html",
        {
            "group": group,
            "overview": overview,
            "manage": can_manage(request.user, group),
            "me": membership_for(request.user, group),
        },
    )


def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    group = get_group_for_user(request.user, pk, "manage")
    form = MemberAddForm(request.POST or None)
    done = run_form(
        request,
        form,
        lambda d: services.member_add(actor=_user(request), group=group, **d),
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
            actor=_user(request), membership=membership, seat=d["seat"], board_role=d["board_role"]
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
            action(actor=_user(request), membership=membership, date=form.cleaned_data["date"])
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
        lambda d: services.transfer_propose(actor=_user(request), group=group, **d),
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
        lambda d: services.transfer_approve(actor=_user(request), membership=membership, **d),
        _("Overgangen er godkjent av gruppestyret."),
        reverse("groups:detail", args=[group.pk]),
    )
    return done or render(
        request,
        "groups/transfer_approve.html",
        {"group": group, "membership": membership, "form": form},
    )


# --- committees and factions (G5) ----------------------------------------------------------
def committee_create(request: HttpRequest, pk: int) -> HttpResponse:
    group = get_group_for_user(request.user, pk, "manage")
    form = CommitteeForm(request.POST or None)
    done = run_form(
        request,
        form,
        lambda d: services.committee_create(actor=_user(request), group=group, **d),
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
        actor = _user(request)
        done = None
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


# --- the group's rules (G22, G23) ------------------------------------------------------------
def _ruleset(group: CouncilGroup, version: int) -> RuleSet:
    return get_object_or_404(RuleSet, group=group, version=version)


def rules(request: HttpRequest, pk: int) -> HttpResponse:
    group = get_group_for_user(request.user, pk, "view")
    in_force = services.rules_in_force(group)
    if in_force is None:
        pending = group.rulesets.filter(status=RuleSetStatus.PROPOSED).first()
        return render(
            request,
            "groups/rules_missing.html",
            {"group": group, "pending": pending, "manage": can_manage(request.user, group)},
        )
    return rules_version(request, pk, in_force.version)


def rules_version(request: HttpRequest, pk: int, version: int) -> HttpResponse:
    group = get_group_for_user(request.user, pk, "view")
    ruleset = _ruleset(group, version)
    overview = selectors.group_overview(group, timezone.localdate())
    me = membership_for(request.user, group)
    return render(
        request,
        "groups/rules.html",
        {
            "group": group,
            "ruleset": ruleset,
            "overview": overview,
            "versions": group.rulesets.order_by("-version"),
            "manage": can_manage(request.user, group),
            "is_leader": bool(me and me.is_leader) or request.user.is_superuser,
            "acknowledged": ruleset.acknowledgements.filter(user=_user(request)).first(),
            "decision_form": RulesDecisionForm(),
            "changes": selectors.rules_changes(services.rules_in_force(group), ruleset)
            if ruleset.status == RuleSetStatus.PROPOSED
            else [],
        },
    )


def rules_pdf(request: HttpRequest, pk: int, version: int) -> HttpResponse:
    group = get_group_for_user(request.user, pk, "view")
    ruleset = _ruleset(group, version)
    pdf = render_pdf(
        "groups/pdf/rules.html",
        {
            "group": group,
            "ruleset": ruleset,
            "overview": selectors.group_overview(group, timezone.localdate()),
        },
        title=str(ruleset),
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="reglement-v{ruleset.version}.pdf"'
    return response


def rules_propose(request: HttpRequest, pk: int) -> HttpResponse:
    group = get_group_for_user(request.user, pk, "manage")
    current = services.rules_in_force(group)
    initial: dict[str, Any] = {}
    if current:
        initial = {
            "meeting_place": current.meeting_place,
            "meeting_weekdays": current.weekday_numbers,
            "meeting_start": current.meeting_start,
            "meeting_end": current.meeting_end,
            "quarantine_months": current.quarantine_months,
            "cooperation": current.cooperation,
        }
    form = RulesForm(request.POST or None, initial=initial)
    done = run_form(
        request,
        form,
        lambda d: services.ruleset_propose(
            actor=_user(request),
            group=group,
            change_summary=d["change_summary"],
            fields=services.RuleFields(
                meeting_place=d["meeting_place"],
                meeting_weekdays=d["meeting_weekdays"],
                meeting_start=d["meeting_start"],
                meeting_end=d["meeting_end"],
                quarantine_months=d["quarantine_months"],
                cooperation=d["cooperation"],
            ),
        ),
        _("Forslaget er lagret. Legg det fram for gruppa, og før inn vedtaket."),
        reverse("groups:rules_list", args=[group.pk]),
    )
    return done or render(
        request, "groups/rules_propose.html", {"group": group, "form": form, "current": current}
    )


def rules_list(request: HttpRequest, pk: int) -> HttpResponse:
    group = get_group_for_user(request.user, pk, "view")
    return render(
        request,
        "groups/rules_list.html",
        {
            "group": group,
            "versions": group.rulesets.order_by("-version"),
            "manage": can_manage(request.user, group),
        },
    )


@require_POST
def rules_decide(request: HttpRequest, pk: int, version: int) -> HttpResponse:
    group = get_group_for_user(request.user, pk, "manage")
    ruleset = _ruleset(group, version)
    form = RulesDecisionForm(request.POST)
    if form.is_valid():
        try:
            decided = services.ruleset_decide(
                actor=_user(request), ruleset=ruleset, **form.cleaned_data
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            if decided.status == RuleSetStatus.ADOPTED:
                messages.success(request, _("Reglementet er vedtatt og gjelder fra nå."))
            else:
                messages.info(request, _("Forslaget fikk ikke flertall og er forkastet."))
    else:
        messages.error(request, _("Oppgi antall stemmer for og mot (hele tall, 0 eller mer)."))
    return redirect("groups:rules_version", pk=group.pk, version=ruleset.version)


@require_POST
def rules_acknowledge(request: HttpRequest, pk: int, version: int) -> HttpResponse:
    group = get_group_for_user(request.user, pk, "view")
    ruleset = _ruleset(group, version)
    try:
        services.rules_acknowledge(actor=_user(request), ruleset=ruleset)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Takk! Du har bekreftet at du har lest reglementet."))
    return redirect("groups:rules_version", pk=group.pk, version=ruleset.version)


# --- operations ------------------------------------------------------------------------------
def health(request: HttpRequest) -> HttpResponse:
    if not request.user.is_superuser:
        return TemplateResponse(request, "403.html", status=403)
    return render(
        request,
        "groups/health.html",
        {"status": health_status(), "failures": recent_task_failures()},
    )


@login_not_required
def health_live(request: HttpRequest) -> HttpResponse:
    """For load balancers: says only that the web process answers."""
    return HttpResponse(b"ok", content_type="text/plain")
