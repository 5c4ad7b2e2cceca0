"""G12, G19: the council's cases, who prepares them, and vote-deviation notices."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from config.web import run_service
from meetings import services
from meetings.forms import CaseForm, CaseUpdateForm, DeviationForm, DeviationRecordForm
from meetings.models import CouncilCase, DeviationChannel, VoteDeviationNotice
from meetings.permissions import can_agree_explanation, can_manage_group, get_group_for_meetings


def case_list(request: HttpRequest, group_pk: int) -> HttpResponse:
    group, membership = get_group_for_meetings(request.user, group_pk)
    manages = can_manage_group(request.user, group.pk)
    form = CaseForm(request.POST or None, group=group)
    if request.method == "POST":
        if not manages:
            raise PermissionDenied(_("Bare gruppeleder og nestleder kan fordele saker."))
        if (
            form.is_valid()
            and run_service(
                form,
                services.case_create,
                actor=request.user,
                council_meeting=form.cleaned_data["council_meeting"],
                number=form.cleaned_data["number"],
                title=form.cleaned_data["title"],
                recommendation=form.cleaned_data["recommendation"],
                responsible=form.cleaned_data["responsible"],
                due_date=form.cleaned_data["due_date"],
                is_election_with_sp_candidates=form.cleaned_data["is_election_with_sp_candidates"],
            )
            is not None
        ):
            messages.success(request, _("Saken er fordelt."))
            return redirect("meetings:cases", group_pk=group.pk)
    cases = (
        CouncilCase.objects.filter(
            council_meeting__group=group,
            council_meeting__ends_at__gte=timezone.now() - dt.timedelta(days=30),
        )
        .select_related("council_meeting__committee", "responsible__user")
        .order_by("council_meeting__starts_at", "number", "id")
    )
    return render(
        request,
        "meetings/cases.html",
        {
            "group": group,
            "cases": cases,
            "form": form,
            "manages": manages,
            "membership": membership,
        },
    )


def _case_for(request: HttpRequest, pk: int, perm: str = "view") -> CouncilCase:
    case = (
        CouncilCase.objects.select_related(
            "council_meeting__group", "council_meeting__committee", "responsible__user"
        )
        .filter(pk=pk)
        .first()
    )
    if case is None:
        raise Http404
    get_group_for_meetings(request.user, case.council_meeting.group_id, perm)  # type: ignore[arg-type]
    return case


def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The case, its member responsible, and (for the leader) every deviation notice."""
    case = _case_for(request, pk)
    group = case.council_meeting.group
    manages = can_manage_group(request.user, group.pk)
    may_agree = can_agree_explanation(request.user, case)  # type: ignore[arg-type]
    notices = case.deviations.select_related("membership__user")
    if not may_agree:
        notices = notices.filter(membership__user_id=request.user.pk or 0)
    update_form = CaseUpdateForm(
        group=group,
        initial={
            "responsible": case.responsible,
            "due_date": case.due_date,
            "group_conclusion": case.group_conclusion,
        },
    )
    return render(
        request,
        "meetings/case.html",
        {
            "case": case,
            "group": group,
            "manages": manages,
            "may_agree": may_agree,
            "notices": notices,
            "deviation_form": DeviationForm(),
            "record_form": DeviationRecordForm(group=group),
            "update_form": update_form,
            "bound": case.is_election_with_sp_candidates,
            "closed": timezone.now() >= case.council_meeting.starts_at,
        },
    )


def _case_form_page(
    request: HttpRequest, case: CouncilCase, form: object, title: str
) -> HttpResponse:
    return render(
        request,
        "meetings/form.html",
        {
            "form": form,
            "title": title,
            "back": ("meetings:case", case.pk),
            "case": case,
        },
    )


@require_POST
def case_update(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for(request, pk, "manage")
    form = CaseUpdateForm(request.POST, group=case.council_meeting.group)
    if (
        form.is_valid()
        and run_service(
            form,
            services.case_update,
            actor=request.user,
            case=case,
            responsible=form.cleaned_data["responsible"],
            due_date=form.cleaned_data["due_date"],
            group_conclusion=form.cleaned_data["group_conclusion"],
        )
        is not None
    ):
        messages.success(request, _("Saken er oppdatert."))
        return redirect("meetings:case", pk=case.pk)
    return _case_form_page(request, case, form, _("Endre saken"))


@require_POST
def deviation_create(request: HttpRequest, pk: int) -> HttpResponse:
    """G19: an absent member tells the leader before the council meeting."""
    case = _case_for(request, pk)
    form = DeviationForm(request.POST)
    if (
        form.is_valid()
        and run_service(
            form,
            services.deviation_notify,
            actor=request.user,
            case=case,
            reason=form.cleaned_data["reason"],
            wants_vote_explanation=form.cleaned_data["wants_vote_explanation"],
        )
        is not None
    ):
        messages.success(request, _("Gruppeleder er varslet om at du vil stemme annerledes."))
        return redirect("meetings:case", pk=case.pk)
    return _case_form_page(request, case, form, _("Meld avvikende stemme"))


@require_POST
def deviation_record(request: HttpRequest, pk: int) -> HttpResponse:
    """G19: the leader records what a member said at the group meeting."""
    case = _case_for(request, pk, "manage")
    form = DeviationRecordForm(request.POST, group=case.council_meeting.group)
    if (
        form.is_valid()
        and run_service(
            form,
            services.deviation_notify,
            actor=request.user,
            case=case,
            channel=DeviationChannel.MEETING,
            membership=form.cleaned_data["membership"],
            reason=form.cleaned_data["reason"],
        )
        is not None
    ):
        messages.success(request, _("Meldingen er registrert."))
        return redirect("meetings:case", pk=case.pk)
    return _case_form_page(request, case, form, _("Registrer avvikende stemme"))


@require_POST
def deviation_agree(request: HttpRequest, pk: int) -> HttpResponse:
    notice = VoteDeviationNotice.objects.filter(pk=pk).first()
    if notice is None:
        raise Http404
    case = _case_for(request, notice.case_id)
    services.deviation_agree_explanation(actor=request.user, notice=notice)  # type: ignore[arg-type]
    messages.success(request, _("Stemmeforklaringen er avtalt."))
    return redirect("meetings:case", pk=case.pk)
