"""One meeting: details, agenda, minutes, dissent, conflicts of interest."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from config.pagecache import fragments, unkept
from config.params import parse_id
from config.web import current_user, run_or_message, run_service
from groups import page_blocks
from groups.models import Membership
from meetings import services
from meetings.forms import (
    AbsenceForm,
    AccessibleForm,
    AgendaItemForm,
    AgendaPlanForm,
    CancelForm,
    ChapterBriefingForm,
    ChapterLinkForm,
    ConflictDeclareForm,
    ConflictLeaveForm,
    ConflictVoteForm,
    DecideForm,
    DissentForm,
    MeetingForm,
    MinutesForm,
    MinutesItemForm,
    MoveForm,
    ReopenForm,
    SummonForm,
)
from meetings.models import (
    AgendaItem,
    AgendaStatus,
    ConflictDecision,
    ConflictOfInterest,
    CouncilSlot,
    Meeting,
    MeetingKind,
    MeetingRequest,
    MeetingStatus,
    Minutes,
    RequestStatus,
)
from meetings.permissions import (
    can_manage_meeting,
    get_group_for_meetings,
    get_meeting_for_user,
    meeting_scope,
    membership_in,
)
from meetings.services import summons
from meetings.services.members import (
    BriefingStatus,
    briefing_status,
    briefings_prefetch,
    is_advisory,
)
from meetings.views._common import (
    conflict_for,
    from_leader_screen,
    item_for,
    meeting_return_url,
)
from meetings.views.item_forms import (
    BRIEFING,
    CHAPTER,
    CONFLICT,
    DISSENT,
    LEAVE,
    MINUTES,
    PLAN,
    Panel,
)
from meetings.views.minutes import minutes_form_initial, page_record

FormKey = tuple[str, int]


@dataclass
class ConflictRow:
    conflict: ConflictOfInterest
    leave: Panel
    vote_form: AccessibleForm | None = None


@dataclass
class ItemRow:
    """One agenda item. The forms in ``<details>`` (``Panel``) are loaded when opened, unless
    one came back with errors; the decision and vote forms are always shown, so built here."""

    item: AgendaItem
    dissent: Panel
    conflict: Panel
    own_conflict: bool
    conflicts: list[ConflictRow] = field(default_factory=list)
    decide_form: AccessibleForm | None = None
    minutes: Panel | None = None
    plan: Panel | None = None
    planned_start: Any = None
    facts: str = ""
    first: bool = False
    last: bool = False
    # G26: on a group meeting's item, whether the chapter board must be (and was) briefed
    chapter: BriefingStatus | None = None
    chapter_form: Panel | None = None
    briefing_form: Panel | None = None


# --- create and edit -------------------------------------------------------------------
def meeting_create(request: HttpRequest, group_pk: int) -> HttpResponse:
    group, _m = get_group_for_meetings(request.user, group_pk)
    scope = meeting_scope(request.user, group.pk)
    from_request = None
    if "krav" in request.GET and scope is None:
        request_pk = parse_id(request.GET["krav"])
        if request_pk is not None:
            from_request = MeetingRequest.objects.filter(
                pk=request_pk, group=group, status=RequestStatus.SATISFIED
            ).first()
        if from_request is None and request.method == "GET":
            messages.warning(
                request,
                _("Fant ikke kravet om møte. Skjemaet er ikke fylt ut fra et krav."),
            )
    ruleset = services.rules_in_force(group)
    initial: dict[str, Any] = {"kind": MeetingKind.GROUP, "mode": "physical"}
    if ruleset is not None:
        initial["place"] = ruleset.meeting_place
    if from_request is not None:
        initial["kind"] = MeetingKind.BOARD if from_request.kind == "board" else MeetingKind.GROUP
        initial["description"] = from_request.reason
    wanted = request.GET.get("type")
    if scope is not None:
        initial["kind"] = wanted if wanted in scope.kinds else scope.kinds[0]
    elif wanted in MeetingKind.values:
        # "Kall inn til medlemsmøte" on the meetings page opens the form with its kind chosen
        initial["kind"] = request.GET["type"]
    if initial["kind"] == MeetingKind.MEMBERS:
        initial["title"] = _("Medlemsmøte")
    form = MeetingForm(request.POST or None, group=group, initial=initial, scope=scope)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        meeting = run_service(
            form,
            services.meeting_schedule,
            actor=request.user,
            group=group,
            meeting_request=from_request,
            kind=d["kind"],
            title=d["title"],
            starts_at=d["starts_at"],
            ends_at=d["ends_at"],
            place=d["place"],
            mode=d["mode"],
            digital_link=d["digital_link"],
            committee=d.get("committee"),  # not on a chapter leader's form (G26)
            # a faction leader's form has neither (G5): a faction meeting is no short
            # meeting by the council's and no decision meeting
            council_slot=d.get("council_slot", CouncilSlot.NONE),
            is_decision_meeting=d.get("is_decision_meeting", False),
            description=d["description"],
        )
        if meeting is not None:
            messages.success(
                request, _("Møtet er satt opp. Send innkallingen når saklista er klar.")
            )
            return redirect("meetings:detail", pk=meeting.pk)
    return render(
        request,
        "meetings/form.html",
        {
            "form": form,
            "title": _("Kall inn til medlemsmøte")
            if initial["kind"] == MeetingKind.MEMBERS
            else _("Nytt møte"),
            "group": group,
            "back": ("meetings:plan", group.pk),
        },
    )


def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for_user(request.user, pk, "manage")
    initial = {f: getattr(meeting, f) for f in services.scheduling.MEETING_FIELDS}
    initial["starts_at"] = timezone.localtime(meeting.starts_at)
    initial["ends_at"] = timezone.localtime(meeting.ends_at)
    form = MeetingForm(
        request.POST or None,
        group=meeting.group,
        initial=initial,
        scope=meeting_scope(request.user, meeting.group_id),
    )
    if meeting.is_generated_title:
        # The plan made this meeting: its title is made when shown, in the reader's
        # language. Left blank it stays so; a title typed here is shown as written.
        title = form.fields["title"]
        title.required = False
        title.help_text = _("Tomt: tittelen lages av møteplanen, på leserens språk.")
        title.widget.attrs["placeholder"] = meeting.display_title
    if (
        request.method == "POST"
        and form.is_valid()
        and (
            run_service(
                form,
                services.meeting_update,
                actor=request.user,
                meeting=meeting,
                kind=form.cleaned_data["kind"],
                title=form.cleaned_data["title"],
                starts_at=form.cleaned_data["starts_at"],
                ends_at=form.cleaned_data["ends_at"],
                place=form.cleaned_data["place"],
                mode=form.cleaned_data["mode"],
                digital_link=form.cleaned_data["digital_link"],
                committee=form.cleaned_data["committee"],
                # not on a faction leader's form (G5): those stay as they are
                council_slot=form.cleaned_data.get("council_slot", meeting.council_slot),
                is_decision_meeting=form.cleaned_data.get(
                    "is_decision_meeting", meeting.is_decision_meeting
                ),
                description=form.cleaned_data["description"],
            )
            is not None
        )
    ):
        messages.success(request, _("Møtet er endret."))
        return redirect("meetings:detail", pk=meeting.pk)
    return render(
        request,
        "meetings/form.html",
        {
            "form": form,
            "title": _("Endre møtet"),
            "meeting": meeting,
            "back": ("meetings:detail", meeting.pk),
        },
    )


def meeting_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for_user(request.user, pk, "manage")
    form = CancelForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and (
            run_service(
                form,
                services.meeting_cancel,
                actor=request.user,
                meeting=meeting,
                reason=form.cleaned_data["reason"],
            )
            is not None
        )
    ):
        messages.success(request, _("Møtet er avlyst."))
        return redirect("meetings:detail", pk=meeting.pk)
    return render(
        request,
        "meetings/form.html",
        {
            "form": form,
            "title": _("Avlys møtet"),
            "meeting": meeting,
            "back": ("meetings:detail", meeting.pk),
            "submit": _("Avlys"),
        },
    )


def meeting_summon(request: HttpRequest, pk: int) -> HttpResponse:
    """G3, G5: summon members to a board or faction meeting."""
    meeting = get_meeting_for_user(request.user, pk, "manage")
    form = SummonForm(
        request.POST or None,
        group=meeting.group,
        initial={"memberships": list(meeting.summoned.all())},
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and (
            run_service(
                form,
                services.meeting_summon,
                actor=request.user,
                meeting=meeting,
                memberships=list(form.cleaned_data["memberships"]),
            )
            is not None
        )
    ):
        messages.success(request, _("Innkallingen er lagret."))
        return redirect("meetings:detail", pk=meeting.pk)
    return render(
        request,
        "meetings/form.html",
        {
            "form": form,
            "title": _("Innkall til møtet"),
            "meeting": meeting,
            "back": ("meetings:detail", meeting.pk),
        },
    )


# --- the meeting page ------------------------------------------------------------------
def _detail_context(
    request: HttpRequest, meeting: Meeting, bound: dict[FormKey, AccessibleForm] | None = None
) -> dict[str, Any]:
    bound = bound or {}
    user = request.user
    manages = can_manage_meeting(user, meeting)
    membership = membership_in(user, meeting.group_id)
    minutes = Minutes.objects.filter(meeting=meeting).first()
    locked = bool(minutes and minutes.is_approved)
    started = timezone.now() >= meeting.starts_at
    items = list(
        meeting.agenda_items.select_related(
            "submitted_by", "council_case", "presenter__user", "members_item__meeting"
        )
        .prefetch_related("dissents__author", "conflicts__membership__user", briefings_prefetch())
        .order_by("order", "id")
    )
    accepted: list[ItemRow] = []
    pending: list[ItemRow] = []
    for item in items:
        if item.status != AgendaStatus.ACCEPTED and not (
            manages or item.submitted_by_id == user.pk
        ):
            continue
        conflicts = list(item.conflicts.all())  # prefetched: one list per item, asked once
        row = ItemRow(
            item=item,
            dissent=Panel(DISSENT, item.pk, bound.get((DISSENT.key, item.pk))),
            conflict=Panel(CONFLICT, item.pk, bound.get((CONFLICT.key, item.pk))),
            own_conflict=any(
                membership is not None and c.membership_id == membership.pk for c in conflicts
            ),
            conflicts=[
                ConflictRow(
                    conflict=c,
                    leave=Panel(LEAVE, c.pk, bound.get((LEAVE.key, c.pk))),
                    vote_form=(bound.get(("vote", c.pk)) or ConflictVoteForm(prefix=f"vote-{c.pk}"))
                    if manages and c.decision == ConflictDecision.PENDING
                    else None,
                )
                for c in conflicts
            ],
        )
        if manages:
            row.decide_form = (
                bound.get(("decide", item.pk)) or DecideForm(prefix=f"decide-{item.pk}")
                if item.status != AgendaStatus.ACCEPTED
                else None
            )
            row.minutes = Panel(MINUTES, item.pk, bound.get((MINUTES.key, item.pk)))
            row.plan = Panel(PLAN, item.pk, bound.get((PLAN.key, item.pk)))
        if item.status == AgendaStatus.ACCEPTED:
            row.chapter = briefing_status(item)
            if manages and row.chapter is not None:
                row.chapter_form = Panel(CHAPTER, item.pk, bound.get((CHAPTER.key, item.pk)))
                row.briefing_form = Panel(BRIEFING, item.pk, bound.get((BRIEFING.key, item.pk)))
        (accepted if item.status == AgendaStatus.ACCEPTED else pending).append(row)
    starts = services.planned_starts(meeting.starts_at, [r.item for r in accepted])
    movable = [r for r in accepted if not r.item.is_media_strategy]
    for r in accepted:
        r.planned_start = starts[r.item.pk]
        r.facts = _time_facts(r.item, r.planned_start)
    if movable:
        movable[0].first = True
        movable[-1].last = True
    versions = list(minutes.versions.all()) if minutes else []
    writes = manages and started and not locked and meeting.status != MeetingStatus.CANCELLED
    open_for_replies = meeting.status == MeetingStatus.PLANNED and meeting.ends_at > timezone.now()
    summoned_me = summons.is_summoned_to(membership, meeting)
    return {
        "last_summons": summons.last_revision(meeting),
        "pending_changes": summons.summons_pending_changes(meeting) if manages else None,
        "replies": summons.replies(meeting) if manages else None,
        "open_for_replies": open_for_replies,
        "summoned_me": summoned_me,
        "my_reply": meeting.replies.filter(membership=membership).first() if summoned_me else None,
        "absence_form": bound.get(("absence", 0)) or AbsenceForm(prefix="absence"),
        # What other apps put on the meeting's page (the member's check-in, S16).
        "blocks": page_blocks.blocks_for(
            page_blocks.MEETING, user, timezone.now(), meeting=meeting
        ),
        "meeting": meeting,
        "manages": manages,
        "membership": membership,
        "accepted": accepted,
        "pending": pending,
        "minutes": minutes,
        "locked": locked,
        "started": started,
        "versions": versions,
        "summoned": list(meeting.summoned.select_related("user"))
        if meeting.kind in (MeetingKind.BOARD, MeetingKind.FACTION)
        else [],
        **_submit_context(meeting, manages, membership, bound),
        "advisory": is_advisory(meeting),
        "record": page_record(meeting, minutes),
        "minutes_form": (
            bound.get(("minutes_meta", 0))
            or MinutesForm(
                prefix="meta", group=meeting.group, initial=minutes_form_initial(meeting, minutes)
            )
        )
        if writes
        else None,
        "reopen_form": bound.get(("reopen", 0)) or ReopenForm(prefix="reopen"),
        "current_item": next((r.item for r in accepted if r.item.in_progress), None),
        "pending_decision": ConflictDecision.PENDING,
        "disqualified": ConflictDecision.DISQUALIFIED,
    }


def _submit_context(
    meeting: Meeting,
    manages: bool,
    membership: Membership | None,
    bound: dict[FormKey, AccessibleForm],
) -> dict[str, Any]:
    """The form for sending in an item (G9). It stays outside the page's kept fragments:
    each rendering carries its own submit key, so two open tabs send two items."""
    return {
        "can_submit": meeting.status == MeetingStatus.PLANNED
        and membership is not None
        and (manages or membership.seat != "party_member" or meeting.kind == MeetingKind.MEMBERS),
        "submit_form": bound.get(("submit", 0)) or AgendaItemForm(prefix="submit"),
    }


def _time_facts(item: AgendaItem, planned_start: Any) -> str:
    """ "kl. 18:20 · 30 min · Innleder: …" for one item (G9, G13)."""
    parts = []
    if planned_start is not None:
        parts.append(_("kl. %(time)s") % {"time": f"{timezone.localtime(planned_start):%H:%M}"})
    if item.duration_minutes:
        parts.append(_("%(n)s min") % {"n": item.duration_minutes})
    if item.presenter is not None:
        parts.append(_("Innleder: %(name)s") % {"name": item.presenter.user.full_name})
    if item.started_at is not None:
        parts.append(
            _("tatt opp %(time)s") % {"time": f"{timezone.localtime(item.started_at):%H:%M}"}
        )
    return " · ".join(parts)


def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The meeting's page: its agenda and its minutes are fragments kept until the data or
    the minute changes (config/pagecache.py); the form for sending in an item is fresh."""
    meeting = get_meeting_for_user(request.user, pk)
    outside = _submit_context(
        meeting,
        can_manage_meeting(request.user, meeting),
        membership_in(request.user, meeting.group_id),
        {},
    )
    context = {
        "meeting": meeting,
        **outside,
        "fragments": fragments(
            request, "meeting", meeting.pk, context=lambda: _detail_context(request, meeting)
        ),
    }
    return render(request, "meetings/detail.html", context)


def _rerender(
    request: HttpRequest, meeting: Meeting, key: FormKey, form: AccessibleForm
) -> HttpResponse:
    # Refusals that concern the whole form are also shown at the top, since the form's
    # section may be hidden now (approved minutes, a closed item).
    for error in form.non_field_errors():
        messages.error(request, str(error))
    if not form.non_field_errors():
        messages.error(request, _("Endringen ble ikke lagret. Se meldingen ved skjemaet."))
    # only those who run the meeting see the leader's screen, whatever the hidden field says
    if from_leader_screen(request) and can_manage_meeting(request.user, meeting):
        from meetings.views.leader import leader_context

        return render(
            request, "meetings/leader.html", leader_context(request, meeting, {key: form})
        )
    context = _detail_context(request, meeting, {key: form})
    return render(request, "meetings/detail.html", {**context, "fragments": unkept(context)})


def _done(request: HttpRequest, meeting: Meeting, message: str, anchor: str = "") -> HttpResponse:
    messages.success(request, message)
    return redirect(meeting_return_url(request, meeting.pk, anchor))


@require_POST
def item_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """G9: a member submits an item for the agenda; it goes to the leader."""
    meeting = get_meeting_for_user(request.user, pk)
    form = AgendaItemForm(request.POST, prefix="submit")
    item = (
        run_service(
            form,
            services.agenda_item_submit,
            actor=request.user,
            meeting=meeting,
            title=form.cleaned_data["title"],
            description=form.cleaned_data["description"],
            submit_key=form.cleaned_data["submit_key"],
        )
        if form.is_valid()
        else None
    )
    if item is not None:
        # The leader's own items go straight on the agenda (services.agenda_item_submit).
        if item.status == AgendaStatus.ACCEPTED:
            return _done(request, meeting, _("Saken er satt på saklista."), f"sak-{item.pk}")
        return _done(request, meeting, _("Saken er meldt inn til gruppeleder."), "saksliste")
    return _rerender(request, meeting, ("submit", 0), form)


@require_POST
def item_decide(request: HttpRequest, pk: int) -> HttpResponse:
    item = item_for(request, pk, "manage")
    form = DecideForm(request.POST, prefix=f"decide-{item.pk}")
    if (
        form.is_valid()
        and run_service(
            form,
            services.agenda_item_decide,
            actor=request.user,
            item=item,
            decision=form.cleaned_data["decision"],
            reason=form.cleaned_data["reason"],
        )
        is not None
    ):
        return _done(request, item.meeting, _("Saken er behandlet."), f"sak-{item.pk}")
    return _rerender(request, item.meeting, ("decide", item.pk), form)


@require_POST
def item_close(request: HttpRequest, pk: int) -> HttpResponse:
    item = item_for(request, pk, "manage")
    if run_or_message(request, services.agenda_item_close, actor=request.user, item=item):
        return _done(request, item.meeting, _("Saken er ferdigbehandlet."), f"sak-{item.pk}")
    return redirect(meeting_return_url(request, item.meeting.pk, f"sak-{item.pk}"))


@require_POST
def item_minutes(request: HttpRequest, pk: int) -> HttpResponse:
    """G13: minutes of one item, with the conclusion where the group disagrees."""
    item = item_for(request, pk, "manage")
    form = MinutesItemForm(
        request.POST, prefix=MINUTES.prefix(item.pk), advisory=is_advisory(item.meeting)
    )
    if (
        form.is_valid()
        and run_service(
            form,
            services.minutes_save_item,
            actor=request.user,
            item=item,
            recommendation=form.cleaned_data["recommendation"],
            discussion=form.cleaned_data["discussion"],
            disagrees_with_recommendation=form.cleaned_data["disagrees_with_recommendation"],
            conclusion=form.cleaned_data["conclusion"],
        )
        is not None
    ):
        status = briefing_status(item)
        if status is not None and status.warn and item.conclusion:
            # G26: saved (the group's conclusions are its own), but the leader is told
            messages.warning(
                request,
                _(
                    "Konklusjonen er lagret, men lokallagsstyret er ikke orientert om saken. "
                    "Registrer orienteringen når den er gjort."
                ),
            )
        return _done(request, item.meeting, _("Referatet for saken er lagret."), f"sak-{item.pk}")
    return _rerender(request, item.meeting, (MINUTES.key, item.pk), form)


@require_POST
def item_chapter_link(request: HttpRequest, pk: int) -> HttpResponse:
    """G26: the leader marks a group meeting's item as needing the chapter board's
    briefing, or links the members' meeting item where the matter was discussed."""
    from meetings.services.members import agenda_item_chapter_link, members_items_choices

    item = item_for(request, pk, "manage")
    form = ChapterLinkForm(
        request.POST,
        prefix=CHAPTER.prefix(item.pk),
        choices=members_items_choices(item.meeting),
    )
    if (
        form.is_valid()
        and run_service(
            form,
            agenda_item_chapter_link,
            actor=current_user(request),
            item=item,
            needs_chapter_briefing=form.cleaned_data["needs_chapter_briefing"],
            members_item=form.cleaned_data.get("members_item"),
        )
        is not None
    ):
        return _done(request, item.meeting, _("Saken er oppdatert."), f"sak-{item.pk}")
    return _rerender(request, item.meeting, (CHAPTER.key, item.pk), form)


@require_POST
def item_briefing(request: HttpRequest, pk: int) -> HttpResponse:
    """G26: the leader records that the chapter board was briefed on the matter."""
    from meetings.services.members import chapter_briefing_record

    item = item_for(request, pk, "manage")
    form = ChapterBriefingForm(
        request.POST, prefix=BRIEFING.prefix(item.pk), group=item.meeting.group
    )
    if (
        form.is_valid()
        and run_service(
            form,
            chapter_briefing_record,
            actor=current_user(request),
            item=item,
            briefed_on=form.cleaned_data["briefed_on"],
            briefed_by=form.cleaned_data["briefed_by"],
            channel=form.cleaned_data["channel"],
            note=form.cleaned_data["note"],
        )
        is not None
    ):
        return _done(
            request,
            item.meeting,
            _("Orienteringen av lokallagsstyret er registrert."),
            f"sak-{item.pk}",
        )
    return _rerender(request, item.meeting, (BRIEFING.key, item.pk), form)


@require_POST
def dissent_add(request: HttpRequest, pk: int) -> HttpResponse:
    """G25: a protokolltilførsel before the minutes are approved."""
    item = item_for(request, pk)
    form = DissentForm(request.POST, prefix=DISSENT.prefix(item.pk))
    if (
        form.is_valid()
        and run_service(
            form,
            services.dissent_add,
            actor=request.user,
            item=item,
            text=form.cleaned_data["text"],
        )
        is not None
    ):
        return _done(request, item.meeting, _("Protokolltilførselen er lagret."), f"sak-{item.pk}")
    return _rerender(request, item.meeting, (DISSENT.key, item.pk), form)


@require_POST
def conflict_declare(request: HttpRequest, pk: int) -> HttpResponse:
    """G18: a member raises their own possible disqualification."""
    item = item_for(request, pk)
    form = ConflictDeclareForm(request.POST, prefix=CONFLICT.prefix(item.pk))
    if (
        form.is_valid()
        and run_service(
            form,
            services.conflict_declare,
            actor=request.user,
            item=item,
            reason=form.cleaned_data["reason"],
            certain=form.cleaned_data["certain"],
        )
        is not None
    ):
        return _done(request, item.meeting, _("Habilitetsspørsmålet er meldt."), f"sak-{item.pk}")
    return _rerender(request, item.meeting, (CONFLICT.key, item.pk), form)


@require_POST
def conflict_vote(request: HttpRequest, pk: int) -> HttpResponse:
    conflict = conflict_for(request, pk)
    meeting = conflict.agenda_item.meeting
    form = ConflictVoteForm(request.POST, prefix=f"vote-{conflict.pk}")
    if (
        form.is_valid()
        and run_service(
            form,
            services.conflict_vote,
            actor=request.user,
            conflict=conflict,
            votes_for=form.cleaned_data["votes_for"],
            votes_against=form.cleaned_data["votes_against"],
        )
        is not None
    ):
        return _done(
            request, meeting, _("Avgjørelsen er registrert."), f"sak-{conflict.agenda_item_id}"
        )
    return _rerender(request, meeting, ("vote", conflict.pk), form)


@require_POST
def conflict_leave(request: HttpRequest, pk: int) -> HttpResponse:
    """S16: when the disqualified member left the item (and came back)."""
    conflict = conflict_for(request, pk)
    meeting = conflict.agenda_item.meeting
    form = ConflictLeaveForm(request.POST, prefix=LEAVE.prefix(conflict.pk))
    if (
        form.is_valid()
        and run_service(
            form,
            services.conflict_record_leave,
            actor=request.user,
            conflict=conflict,
            left_at=form.cleaned_data["left_at"],
            returned_at=form.cleaned_data["returned_at"],
        )
        is not None
    ):
        return _done(
            request, meeting, _("Fratreden er registrert."), f"sak-{conflict.agenda_item_id}"
        )
    return _rerender(request, meeting, (LEAVE.key, conflict.pk), form)


@require_POST
def minutes_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for_user(request.user, pk, "manage")
    form = MinutesForm(request.POST, prefix="meta", group=meeting.group)
    if (
        form.is_valid()
        and run_service(
            form,
            services.minutes_save,
            actor=request.user,
            meeting=meeting,
            present=form.cleaned_data["present"],
            leader=form.cleaned_data["leader"],
            present_text=form.cleaned_data["present_text"],
            notes=form.cleaned_data["notes"],
        )
        is not None
    ):
        return _done(request, meeting, _("Referatet er lagret."), "referat")
    return _rerender(request, meeting, ("minutes_meta", 0), form)


@require_POST
def minutes_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for_user(request.user, pk, "manage")
    form = ReopenForm(request.POST, prefix="reopen")
    if (
        form.is_valid()
        and run_service(
            form,
            services.minutes_reopen,
            actor=request.user,
            meeting=meeting,
            reason=form.cleaned_data["reason"],
        )
        is not None
    ):
        return _done(request, meeting, _("Referatet er åpnet for retting."), "referat")
    return _rerender(request, meeting, ("reopen", 0), form)


# --- the agenda with time (G9, G13, G20) -------------------------------------------------
@require_POST
def item_plan(request: HttpRequest, pk: int) -> HttpResponse:
    """G9: an item's planned length and presenter."""
    item = item_for(request, pk, "manage")
    form = AgendaPlanForm(request.POST, prefix=PLAN.prefix(item.pk), group=item.meeting.group)
    if (
        form.is_valid()
        and run_service(
            form,
            services.agenda_item_plan,
            actor=request.user,
            item=item,
            duration_minutes=form.cleaned_data["duration_minutes"],
            presenter=form.cleaned_data["presenter"],
        )
        is not None
    ):
        return _done(request, item.meeting, _("Tid og innleder er lagret."), f"sak-{item.pk}")
    return _rerender(request, item.meeting, (PLAN.key, item.pk), form)


@require_POST
def item_move(request: HttpRequest, pk: int) -> HttpResponse:
    """Move an item up or down the agenda; the media item keeps its place (G20)."""
    item = item_for(request, pk, "manage")
    form = MoveForm(request.POST)
    direction = form.cleaned_data["direction"] if form.is_valid() else ""
    if run_or_message(
        request, services.agenda_item_move, actor=request.user, item=item, direction=direction
    ):
        return _done(request, item.meeting, _("Saklista er endret."), f"sak-{item.pk}")
    return redirect("meetings:detail", pk=item.meeting.pk)


@require_POST
def item_start(request: HttpRequest, pk: int) -> HttpResponse:
    """G13: the leader marks the item in progress."""
    item = item_for(request, pk, "manage")
    if run_or_message(request, services.agenda_item_start, actor=request.user, item=item):
        return _done(request, item.meeting, _("Saken er tatt opp."), f"sak-{item.pk}")
    return redirect(meeting_return_url(request, item.meeting.pk, f"sak-{item.pk}"))
