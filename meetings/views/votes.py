"""Members vote themselves (G18, G22, G6): the group's votes, opening, casting, closing."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from config.params import parse_id
from config.web import run_service
from groups.models import RuleSet, RuleSetStatus, User
from meetings import services
from meetings.forms import BallotForm, VoteCloseForm, VoteOpenForm
from meetings.models import (
    Ballot,
    ConflictDecision,
    ConflictOfInterest,
    Vote,
    VoteMethod,
    VoteStatus,
)
from meetings.permissions import (
    can_manage_group,
    can_view_meeting,
    get_group_for_meetings,
    membership_in,
)


def vote_for(user: User, pk: int, perm: str = "view") -> Vote:
    """The vote ``pk`` for the group's members (404 otherwise); a vote on a closed meeting's
    question only for those who see the meeting; ``manage`` for the group's leaders (403)."""
    vote = (
        Vote.objects.select_related("group", "meeting", "ruleset", "conflict").filter(pk=pk).first()
    )
    if vote is None:
        raise Http404
    get_group_for_meetings(user, vote.group_id, "manage" if perm == "manage" else "view")
    if vote.meeting is not None and not can_view_meeting(user, vote.meeting):
        raise Http404
    return vote


def _choices(group_id: int) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    rulesets = [
        (r.pk, _("Reglement versjon %(v)s") % {"v": r.version})
        for r in RuleSet.objects.filter(group_id=group_id, status=RuleSetStatus.PROPOSED)
    ]
    conflicts = [
        (c.pk, f"{c.membership.user.full_name}: {c.agenda_item.title}")
        for c in ConflictOfInterest.objects.filter(
            agenda_item__meeting__group_id=group_id, decision=ConflictDecision.PENDING
        ).select_related("membership__user", "agenda_item")
    ]
    return rulesets, conflicts


def vote_list(request: HttpRequest, group_pk: int) -> HttpResponse:
    group, membership = get_group_for_meetings(request.user, group_pk)
    votes = [
        v
        for v in Vote.objects.filter(group=group).select_related("meeting")
        if v.meeting is None or can_view_meeting(request.user, v.meeting)
    ]
    voted = set(
        Ballot.objects.filter(membership=membership, vote__in=votes).values_list(
            "vote_id", flat=True
        )
        if membership
        else []
    )
    return render(
        request,
        "meetings/votes.html",
        {
            "group": group,
            "open": [v for v in votes if v.status == VoteStatus.OPEN],
            "closed": [v for v in votes if v.status == VoteStatus.CLOSED],
            "voted": voted,
            "manages": can_manage_group(request.user, group.pk),
        },
    )


def vote_open(request: HttpRequest, group_pk: int) -> HttpResponse:
    """The leader opens a vote with a deadline, or records a show of hands."""
    group, _m = get_group_for_meetings(request.user, group_pk, "manage")
    rulesets, conflicts = _choices(group.pk)
    initial: dict[str, object] = {
        "method": VoteMethod.PORTAL,
        "deadline": timezone.localtime(timezone.now() + dt.timedelta(days=3)).replace(
            second=0, microsecond=0
        ),
    }
    wanted = parse_id(request.GET.get("reglement", ""))
    if wanted is not None and any(pk == wanted for pk, _label in rulesets):
        initial.update(subject="rules", ruleset=wanted)
    # from the leader's screen: a pending conflict-of-interest question (G18)
    wanted_conflict = parse_id(request.GET.get("habilitet", ""))
    if wanted_conflict is not None and any(pk == wanted_conflict for pk, _label in conflicts):
        initial.update(subject="conflict", conflict=wanted_conflict)
    form = VoteOpenForm(
        request.POST or None, rulesets=rulesets, conflicts=conflicts, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        ruleset = group.rulesets.filter(pk=data["ruleset"]).first() if data.get("ruleset") else None
        conflict = (
            ConflictOfInterest.objects.filter(
                pk=data["conflict"], agenda_item__meeting__group=group
            )
            .select_related("agenda_item__meeting", "membership")
            .first()
            if data.get("conflict")
            else None
        )
        title = data["title"] or _default_title(data["subject"], ruleset, conflict)
        common = {
            "actor": request.user,
            "group": group,
            "subject": data["subject"],
            "title": title,
            "ruleset": ruleset,
            "conflict": conflict,
        }
        if data["method"] == VoteMethod.HANDS:
            vote = run_service(
                form,
                services.vote_record_hands,
                votes_for=data["votes_for"],
                votes_against=data["votes_against"],
                votes_blank=data.get("votes_blank") or 0,
                **common,
            )
        else:
            vote = run_service(
                form,
                services.vote_open,
                deadline=data["deadline"],
                text=data["text"],
                secret=data["secret"],
                **common,
            )
        if vote is not None:
            messages.success(
                request,
                _("Avstemningen er åpnet. De som har stemmerett, har fått e-post.")
                if vote.is_open
                else _("Resultatet er ført inn."),
            )
            return redirect("meetings:vote", pk=vote.pk)
    return render(
        request,
        "meetings/form.html",
        {
            "form": form,
            "title": _("Ny avstemning"),
            "back": ("meetings:votes", group.pk),
            "submit": _("Åpne avstemningen"),
        },
    )


def _default_title(subject: str, ruleset: object, conflict: ConflictOfInterest | None) -> str:
    if subject == "rules" and ruleset is not None:
        return _("Endring i reglementet (versjon %(v)s)") % {"v": ruleset.version}  # type: ignore[attr-defined]
    if subject == "conflict" and conflict is not None:
        return _("Habilitet: %(name)s i «%(item)s»") % {
            "name": conflict.membership.user.full_name,
            "item": conflict.agenda_item.title,
        }
    return ""


def _detail(request: HttpRequest, vote: Vote, form: BallotForm | None = None) -> HttpResponse:
    membership = membership_in(request.user, vote.group_id)
    has_voted = bool(membership and vote.ballots.filter(membership=membership).exists())
    may_vote = (
        vote.is_open
        and vote.deadline > timezone.now()
        and not has_voted
        and services.may_vote(vote, membership)
    )
    ballots = []
    if not vote.is_open and not vote.secret:
        ballots = list(
            vote.ballots.select_related("membership__user").order_by("membership__user__full_name")
        )
    return render(
        request,
        "meetings/vote.html",
        {
            "vote": vote,
            "has_voted": has_voted,
            "ballot_form": (form or BallotForm()) if may_vote else None,
            "manages": can_manage_group(request.user, vote.group_id),
            "voters": len(vote.ballots.all()),
            "ballots": ballots,
            "concerned": vote.conflict.membership.user.full_name if vote.conflict else "",
        },
    )


def vote_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, vote_for(request.user, pk))  # type: ignore[arg-type]


@require_POST
def vote_cast(request: HttpRequest, pk: int) -> HttpResponse:
    vote = vote_for(request.user, pk)  # type: ignore[arg-type]
    form = BallotForm(request.POST)
    if (
        form.is_valid()
        and run_service(
            form,
            services.vote_cast,
            actor=request.user,
            vote=vote,
            choice=form.cleaned_data["choice"],
        )
        is not None
    ):
        messages.success(request, _("Stemmen din er registrert."))
        return redirect("meetings:vote", pk=vote.pk)
    if form.non_field_errors():
        for error in form.non_field_errors():
            messages.error(request, str(error))
    return _detail(request, vote, form)


def vote_close(request: HttpRequest, pk: int) -> HttpResponse:
    """Close before the deadline: a confirmation step, since the result is then fixed."""
    vote = vote_for(request.user, pk, "manage")  # type: ignore[arg-type]
    form = VoteCloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        closed = run_service(form, services.vote_close, actor=request.user, vote=vote)
        if closed is not None:
            messages.success(request, _("Avstemningen er avsluttet og resultatet er sendt ut."))
            return redirect("meetings:vote", pk=vote.pk)
    return render(
        request,
        "meetings/vote_close.html",
        {"vote": vote, "form": form, "voters": vote.ballots.count()},
    )
