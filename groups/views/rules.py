"""The group's rules (G22, G23): in force, versions, PDF, proposals, decisions, acknowledgements."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from config.pdf import pdf_download
from config.web import add_service_errors, current_user, run_form, run_or_message
from groups import selectors, services
from groups.forms import (
    RulesDecisionForm,
    RulesForm,
)
from groups.models import (
    CouncilGroup,
    RuleSet,
    RuleSetStatus,
)
from groups.permissions import can_manage, get_group_for_user, membership_for, period_closed


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
    return _rules_page(request, group, _ruleset(group, version), RulesDecisionForm())


def _rules_page(
    request: HttpRequest,
    group: CouncilGroup,
    ruleset: RuleSet,
    decision_form: RulesDecisionForm,
    status: int = 200,
) -> HttpResponse:
    """One version's page; ``decision_form`` is bound (with its errors) after a refusal."""
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
            "is_leader": (bool(me and me.is_leader) or request.user.is_superuser)
            and not period_closed(group),
            "acknowledged": ruleset.acknowledgements.filter(user=current_user(request)).first(),
            "decision_form": decision_form,
            "changes": selectors.rules_changes(services.rules_in_force(group), ruleset)
            if ruleset.status == RuleSetStatus.PROPOSED
            else [],
        },
        status=status,
    )


def rules_pdf(request: HttpRequest, pk: int, version: int) -> HttpResponse:
    group = get_group_for_user(request.user, pk, "view")
    ruleset = _ruleset(group, version)
    return pdf_download(
        request,
        "groups/pdf/rules.html",
        {
            "group": group,
            "ruleset": ruleset,
            "overview": selectors.group_overview(group, timezone.localdate()),
        },
        title=str(ruleset),
        filename=f"reglement-v{ruleset.version}.pdf",
    )


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
            actor=current_user(request),
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
    if ruleset.status != RuleSetStatus.PROPOSED:
        # Decided already (or meanwhile): there is no form left to show a refusal on.
        messages.error(request, _("Dette forslaget er allerede behandlet."))
        return redirect("groups:rules_version", pk=group.pk, version=ruleset.version)
    form = RulesDecisionForm(request.POST)
    if not form.is_valid():
        # The votes as typed stay in the form, each error on its field.
        return _rules_page(request, group, ruleset, form, status=200)
    try:
        decided = services.ruleset_decide(
            actor=current_user(request),
            ruleset=ruleset,
            votes_for=form.cleaned_data["votes_for"],
            votes_against=form.cleaned_data["votes_against"],
            note=form.cleaned_data["note"],
        )
    except ValidationError as exc:
        add_service_errors(form, exc)
        return _rules_page(request, group, ruleset, form, status=200)
    if decided.status == RuleSetStatus.ADOPTED:
        messages.success(request, _("Reglementet er vedtatt og gjelder fra nå."))
    else:
        messages.info(request, _("Forslaget fikk ikke flertall og er forkastet."))
    return redirect("groups:rules_version", pk=group.pk, version=ruleset.version)


@require_POST
def rules_acknowledge(request: HttpRequest, pk: int, version: int) -> HttpResponse:
    group = get_group_for_user(request.user, pk, "view")
    ruleset = _ruleset(group, version)
    if run_or_message(
        request, services.rules_acknowledge, actor=current_user(request), ruleset=ruleset
    ):
        messages.success(request, _("Takk! Du har bekreftet at du har lest reglementet."))
    return redirect("groups:rules_version", pk=group.pk, version=ruleset.version)
