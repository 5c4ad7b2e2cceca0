"""Writes: council meetings, meetings, the half-year plan, meeting requests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from config.singleline import require_single_line
from groups import outbox
from groups.audit import audit
from groups.models import (
    BoardRole,
    Committee,
    CommitteeRole,
    CouncilGroup,
    Membership,
    RuleSet,
    RuleSetStatus,
    Seat,
    User,
)
from groups.permissions import require_group_manager, require_open_period
from meetings import plan as planner
from meetings import tasks
from meetings.models import (
    MEDIA_DESCRIPTION,
    MEDIA_TITLE,
    AgendaItem,
    AgendaStatus,
    CouncilMeeting,
    CouncilSlot,
    Meeting,
    MeetingKind,
    MeetingMode,
    MeetingPlan,
    MeetingRequest,
    MeetingStatus,
    PlanStatus,
    RequestKind,
    RequestSignature,
    RequestStatus,
    generated_title,
)
from meetings.permissions import can_manage_meeting, membership_in
from meetings.services import summons
from meetings.services.limits import check_span as _check_span

MEETING_FIELDS = (
    "kind",
    "council_slot",
    "title",
    "description",
    "starts_at",
    "ends_at",
    "place",
    "mode",
    "digital_link",
    "committee",
    "is_decision_meeting",
)
# What a calendar shows of a meeting: a change raises its SEQUENCE
CALENDAR_FIELDS = {"title", "starts_at", "ends_at", "place", "mode", "digital_link"}
REQUEST_THRESHOLD = {RequestKind.GROUP: 3, RequestKind.BOARD: 2, RequestKind.SESSION: 1}
MEDIA_ITEM_ORDER = 900


def _lock_group(group: CouncilGroup) -> None:
    # Serialises scheduling in one group so two overlapping meetings cannot both pass.
    CouncilGroup.objects.select_for_update().filter(pk=group.pk).first()


def rules_in_force(group: CouncilGroup) -> RuleSet | None:
    return group.rulesets.filter(status=RuleSetStatus.ADOPTED).first()


# --- council meetings ------------------------------------------------------------------
def council_meeting_create(
    *,
    actor: User,
    group: CouncilGroup,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    committee: Committee | None = None,
    place: str = "",
) -> CouncilMeeting:
    """G6, G11: the leader enters a council or committee meeting date."""
    require_group_manager(actor, group.pk)
    require_single_line(place=place)
    _check_span(group, starts_at, ends_at)
    if committee is not None and committee.group_id != group.pk:
        raise ValidationError(_("Utvalget hører ikke til denne gruppa."))
    with transaction.atomic():
        cm = CouncilMeeting.objects.create(
            group=group, committee=committee, starts_at=starts_at, ends_at=ends_at, place=place
        )
        audit(actor=actor, action="meeting.council_meeting_create", target=cm, group=group)
    return cm


def council_meeting_update(
    *,
    actor: User,
    council_meeting: CouncilMeeting,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    place: str = "",
) -> CouncilMeeting:
    """G6, G11: the council moves a meeting. The plan follows when it is made again
    (``plan_generate`` moves the meetings prepared for it that nothing has been added to)."""
    require_group_manager(actor, council_meeting.group.pk)
    _check_span(council_meeting.group, starts_at, ends_at)
    with transaction.atomic():
        changed = sorted(
            f
            for f, v in (("starts_at", starts_at), ("ends_at", ends_at), ("place", place))
            if getattr(council_meeting, f) != v
        )
        council_meeting.starts_at, council_meeting.ends_at = starts_at, ends_at
        council_meeting.place = place
        council_meeting.save(update_fields=["starts_at", "ends_at", "place"])
        audit(
            actor=actor,
            action="meeting.council_meeting_update",
            target=council_meeting,
            group=council_meeting.group,
            fields=changed,
        )
    return council_meeting


def council_in_session(group: CouncilGroup, start: dt.datetime, end: dt.datetime) -> bool:
    """G10: does the span fall within a sitting of the council itself?"""
    return CouncilMeeting.objects.filter(
        group=group, committee__isnull=True, starts_at__lt=end, ends_at__gt=start
    ).exists()


# --- meetings --------------------------------------------------------------------------
def _check_meeting(group: CouncilGroup, values: dict[str, Any], exclude_pk: int | None) -> None:
    # Titles end up in e-mail subjects and calendar feeds: one line only (issue 15 item 9).
    require_single_line(title=values.get("title"), place=values.get("place"))
    starts_at, ends_at = values["starts_at"], values["ends_at"]
    _check_span(group, starts_at, ends_at)
    kind = values["kind"]
    committee = values.get("committee")
    if kind == MeetingKind.FACTION and committee is None:
        raise ValidationError({"committee": _("Et fraksjonsmøte hører til et utvalg.")})
    if kind != MeetingKind.FACTION and committee is not None:
        raise ValidationError({"committee": _("Bare fraksjonsmøter hører til et utvalg.")})
    if committee is not None and committee.group_id != group.pk:
        raise ValidationError({"committee": _("Utvalget hører ikke til denne gruppa.")})
    if values.get("council_slot") and kind != MeetingKind.GROUP:
        raise ValidationError(
            {"council_slot": _("Korte møter før og etter kommunestyret er gruppemøter.")}
        )
    if values.get("mode") in (MeetingMode.DIGITAL, MeetingMode.HYBRID) and not values.get(
        "digital_link"
    ):
        raise ValidationError({"digital_link": _("Et digitalt møte trenger en lenke til møtet.")})
    clashes = Meeting.objects.filter(
        group=group, starts_at__lt=ends_at, ends_at__gt=starts_at
    ).exclude(status=MeetingStatus.CANCELLED)
    if exclude_pk is not None:
        clashes = clashes.exclude(pk=exclude_pk)
    if kind == MeetingKind.FACTION:
        # Factions of different committees may meet at the same time.
        clashes = clashes.exclude(Q(kind=MeetingKind.FACTION) & ~Q(committee=committee))
    clash = clashes.first()
    if clash is not None:
        local = timezone.localtime(clash.starts_at)
        raise ValidationError(
            {
                "starts_at": _("Tidspunktet overlapper med «%(title)s» %(date)s kl. %(time)s.")
                % {
                    "title": clash.display_title,
                    "date": local.strftime("%d.%m.%Y"),
                    "time": local.strftime("%H:%M"),
                }
            }
        )


def _ensure_media_item(meeting: Meeting, now: dt.datetime) -> None:
    """G20: media strategy is on every ordinary group meeting's agenda."""
    if not meeting.is_ordinary_group_meeting:
        return
    if meeting.agenda_items.filter(is_media_strategy=True).exists():
        return
    AgendaItem.objects.create(
        meeting=meeting,
        title=MEDIA_TITLE,  # Norwegian as made; AgendaItem.display_title translates it
        description=MEDIA_DESCRIPTION,
        order=MEDIA_ITEM_ORDER,
        status=AgendaStatus.ACCEPTED,
        submitted_at=now,
        decided_at=now,
        is_media_strategy=True,
    )


def _check_session_rule(actor: User, group: CouncilGroup, values: dict[str, Any]) -> bool:
    """G10: a group meeting during a council session is called through the group leader."""
    if values["kind"] not in (MeetingKind.GROUP, MeetingKind.FACTION) or values.get("council_slot"):
        return False
    if not council_in_session(group, values["starts_at"], values["ends_at"]):
        return False
    m = membership_in(actor, group.pk)
    if not (m and m.is_leader):
        raise ValidationError(
            {"starts_at": _("Under kommunestyremøtet kalles gruppemøter inn gjennom gruppeleder.")}
        )
    return True


def meeting_schedule(
    *,
    actor: User,
    group: CouncilGroup,
    meeting_request: MeetingRequest | None = None,
    plan: MeetingPlan | None = None,
    council_meeting: CouncilMeeting | None = None,
    **values: Any,
) -> Meeting:
    """Put a meeting in the calendar. Refuses overlaps and times that end before they start."""
    values.setdefault("council_slot", CouncilSlot.NONE)
    values.setdefault("mode", MeetingMode.PHYSICAL)
    require_open_period(group)
    probe = Meeting(group=group, kind=values["kind"], committee=values.get("committee"))
    if not can_manage_meeting(actor, probe):
        raise PermissionDenied(
            _(
                "Bare gruppeleder, nestleder, fraksjonsledere (for fraksjonsmøter) og "
                "lokallagsleder (for medlemsmøter) kan gjøre dette."
            )
        )
    now = timezone.now()
    with transaction.atomic():
        _lock_group(group)
        _check_meeting(group, values, None)
        in_session = _check_session_rule(actor, group, values)
        meeting = Meeting.objects.create(
            group=group,
            created_by=actor,
            plan=plan,
            council_meeting=council_meeting,
            during_council_session=in_session,
            **{k: v for k, v in values.items() if k in MEETING_FIELDS},
        )
        _ensure_media_item(meeting, now)
        if meeting_request is not None:
            if (
                meeting_request.group_id != group.pk
                or meeting_request.status == RequestStatus.SCHEDULED
            ):
                raise ValidationError(_("Kravet er allerede fulgt opp."))
            meeting_request.meeting = meeting
            meeting_request.status = RequestStatus.SCHEDULED
            meeting_request.save(update_fields=["meeting", "status"])
        audit(
            actor=actor,
            action="meeting.schedule",
            target=meeting,
            group=group,
            kind=meeting.kind,
            request_id=meeting_request.pk if meeting_request else None,
        )
    return meeting


def meeting_update(*, actor: User, meeting: Meeting, **values: Any) -> Meeting:
    """G14: the leader sets another place or time for one meeting."""
    require_open_period(meeting.group)
    if not can_manage_meeting(actor, meeting):
        raise PermissionDenied(_("Bare gruppeleder og nestleder kan gjøre dette."))
    if meeting.status != MeetingStatus.PLANNED:
        raise ValidationError(_("Bare planlagte møter kan endres."))
    merged = {f: getattr(meeting, f) for f in MEETING_FIELDS} | values
    # G5: a faction leader may not turn their faction meeting into another kind of meeting
    probe = Meeting(group=meeting.group, kind=merged["kind"], committee=merged["committee"])
    if not can_manage_meeting(actor, probe):
        raise PermissionDenied(_("Bare gruppeleder og nestleder kan gjøre dette."))
    with transaction.atomic():
        _lock_group(meeting.group)
        _check_meeting(meeting.group, merged, meeting.pk)
        in_session = _check_session_rule(actor, meeting.group, merged)
        changed = sorted(f for f in MEETING_FIELDS if getattr(meeting, f) != merged[f])
        for f in MEETING_FIELDS:
            setattr(meeting, f, merged[f])
        meeting.during_council_session = in_session
        if set(changed) & CALENDAR_FIELDS:
            meeting.sequence += 1  # calendars update the entry (RFC 5545 SEQUENCE)
        meeting.save()
        _ensure_media_item(meeting, timezone.now())
        audit(
            actor=actor,
            action="meeting.update",
            target=meeting,
            group=meeting.group,
            fields=changed,
        )
        summons.summons_after_update(actor, meeting)
    return meeting


def meeting_cancel(*, actor: User, meeting: Meeting, reason: str) -> Meeting:
    require_open_period(meeting.group)
    if not can_manage_meeting(actor, meeting):
        raise PermissionDenied(_("Bare gruppeleder og nestleder kan gjøre dette."))
    if meeting.status != MeetingStatus.PLANNED:
        raise ValidationError(_("Bare planlagte møter kan avlyses."))
    if not reason.strip():
        raise ValidationError({"reason": _("Skriv hvorfor møtet avlyses.")})
    with transaction.atomic():
        meeting.status = MeetingStatus.CANCELLED
        meeting.cancel_reason = reason.strip()
        meeting.sequence += 1
        meeting.save(update_fields=["status", "cancel_reason", "sequence", "updated_at"])
        audit(actor=actor, action="meeting.cancel", target=meeting, group=meeting.group)
        summons.summons_after_cancel(actor, meeting)
    return meeting


def meeting_summon(*, actor: User, meeting: Meeting, memberships: list[Membership]) -> Meeting:
    """G3, G5: the leader summons members to a board meeting, a faction leader to theirs."""
    require_open_period(meeting.group)
    if not can_manage_meeting(actor, meeting):
        raise PermissionDenied(_("Bare gruppeleder og nestleder kan gjøre dette."))
    if meeting.kind not in (MeetingKind.BOARD, MeetingKind.FACTION):
        raise ValidationError(_("Bare styremøter og fraksjonsmøter har egne innkallinger."))
    if any(m.group_id != meeting.group_id for m in memberships):
        raise ValidationError(_("Bare gruppas egne medlemmer kan innkalles."))
    with transaction.atomic():
        meeting.summoned.set(memberships)
        audit(
            actor=actor,
            action="meeting.summon",
            target=meeting,
            group=meeting.group,
            membership_ids=sorted(m.pk for m in memberships),
        )
    return meeting


# --- the half-year plan ----------------------------------------------------------------
@dataclass(frozen=True)
class GeneratedPlan:
    """What ``plan_generate`` did: the plan, how many meetings it added, and the council
    and committee meetings that found no free time in their window (named for the leader)."""

    plan: MeetingPlan
    created: int
    unplaced: list[str]
    moved: list[Meeting]


def _faction_committees(group: CouncilGroup) -> set[int]:
    """G5: a faction exists where the group has several regular members on a committee."""
    return set(
        Committee.objects.filter(group=group)
        .annotate(regulars=Count("seats", filter=Q(seats__role=CommitteeRole.REGULAR)))
        .filter(regulars__gte=2)
        .values_list("pk", flat=True)
    )


def plan_generate(*, actor: User, group: CouncilGroup, year: int, half: int) -> GeneratedPlan:
    """G7, G14, G6, G11: generate the plan's meetings from the rules in force. Running it
    again after new council dates are entered adds only what is missing; nothing is planned
    in the past."""
    require_group_manager(actor, group.pk)
    if half not in (1, 2):
        raise ValidationError(_("Velg vårhalvåret eller høsthalvåret."))
    ruleset = rules_in_force(group)
    if ruleset is None:
        raise ValidationError(_("Gruppa har ikke et vedtatt reglement med møtetider."))
    start, end = planner.half_year_bounds(year, half)
    now = timezone.now()
    if end <= now:
        raise ValidationError(_("Halvåret er over. Lag planen for et halvår som ikke er slutt."))
    council = list(
        CouncilMeeting.objects.filter(
            group=group, starts_at__gte=start, starts_at__lt=end
        ).select_related("committee")
    )
    if not any(c.committee_id is None for c in council):
        raise ValidationError(
            _("Legg inn datoene for kommunestyremøtene i halvåret før du lager møteplanen.")
        )
    faction_committees = _faction_committees(group)
    with transaction.atomic():
        _lock_group(group)
        plan, _created = MeetingPlan.objects.get_or_create(
            group=group, year=year, half=half, defaults={"ruleset": ruleset}
        )
        if plan.status == PlanStatus.ADOPTED:
            raise ValidationError(_("Møteplanen er vedtatt. Endre møtene ett for ett."))
        existing = Meeting.objects.filter(group=group).exclude(status=MeetingStatus.CANCELLED)
        movable = {(m.council_meeting_id, m.kind, m.council_slot): m for m in _movable(plan, now)}
        window = existing.filter(
            starts_at__lt=end + dt.timedelta(days=1),
            ends_at__gt=start - dt.timedelta(days=planner.WINDOW_DAYS + 1),
        ).exclude(pk__in=[m.pk for m in movable.values()])
        taken = list(window.values_list("starts_at", "ends_at"))
        prepared = set(
            existing.filter(council_meeting__in=council).values_list(
                "council_meeting_id", "kind", "council_slot"
            )
        ) - set(movable)
        rules = planner.Rules(
            place=ruleset.meeting_place,
            weekdays=tuple(ruleset.weekday_numbers),
            start=ruleset.meeting_start,
            end=ruleset.meeting_end,
        )
        dates = [
            planner.CouncilDate(
                id=c.pk,
                starts_at=c.starts_at,
                ends_at=c.ends_at,
                committee_id=c.committee_id,
                has_faction=c.committee_id in faction_committees,
                place=c.place,
            )
            for c in council
        ]
        by_id = {c.pk: c for c in council}
        outcome = planner.propose(rules, dates, taken, prepared, now)
        moved: list[Meeting] = []
        created = 0
        for p in outcome.proposals:
            cm = by_id[p.council_meeting_id]
            # The plan's meetings store no title: ``Meeting.display_title`` makes it from
            # the kind, the slot, the council meeting's date and the committee when shown.
            earlier = movable.get((p.council_meeting_id, p.kind, p.council_slot))
            if earlier is not None:
                if (earlier.starts_at, earlier.ends_at, earlier.place) != (
                    p.starts_at,
                    p.ends_at,
                    p.place,
                ):
                    earlier.starts_at, earlier.ends_at = p.starts_at, p.ends_at
                    earlier.place = p.place
                    earlier.sequence += 1
                    earlier.save(update_fields=["starts_at", "ends_at", "place", "sequence"])
                    summons.summons_after_update(actor, earlier)
                    moved.append(earlier)
                continue
            created += 1
            meeting = Meeting.objects.create(
                group=group,
                kind=p.kind,
                council_slot=p.council_slot,
                title="",
                starts_at=p.starts_at,
                ends_at=p.ends_at,
                place=p.place,
                committee_id=p.committee_id,
                plan=plan,
                council_meeting=cm,
                created_by=actor,
            )
            _ensure_media_item(meeting, now)
        audit(
            actor=actor,
            action="meeting.plan_generate",
            target=plan,
            group=group,
            created=created,
            moved=sorted(m.pk for m in moved),
            unplaced=len(outcome.unplaced),
        )
    unplaced = [
        generated_title(kind, slot, by_id[cm].starts_at, _committee_name(by_id[cm]))
        for cm, kind, slot in outcome.unplaced
    ]
    return GeneratedPlan(plan=plan, created=created, unplaced=unplaced, moved=moved)


def _committee_name(council_meeting: CouncilMeeting) -> str | None:
    committee = council_meeting.committee
    return committee.name if committee is not None else None


def _movable(plan: MeetingPlan, now: dt.datetime) -> list[Meeting]:
    """The plan's own meetings that may still move with the council calendar: in the
    future, still planned, with nothing on the agenda but the standing media item, no
    minutes, and not a course's session (a course's hours must not move unseen)."""
    return list(
        plan.meetings.filter(
            council_meeting__isnull=False, status=MeetingStatus.PLANNED, starts_at__gt=now
        )
        .exclude(agenda_items__is_media_strategy=False)
        .exclude(minutes__isnull=False)
        .exclude(course_session__isnull=False)
        .distinct()
    )


def plan_adopt_blockers(plan: MeetingPlan) -> list[str]:
    """What stops ``plan_adopt``; the confirmation page shows it before the leader adopts."""
    if plan.status == PlanStatus.ADOPTED:
        return [_("Møteplanen er allerede vedtatt.")]
    if not plan.meetings.exists():
        return [_("Møteplanen har ingen møter.")]
    return []


def plan_adopt(*, actor: User, plan: MeetingPlan) -> MeetingPlan:
    """G7: the half-year plan is adopted; its meetings are then edited one by one. The view
    asks for confirmation first, listing the plan's meetings."""
    require_group_manager(actor, plan.group.pk)
    blockers = plan_adopt_blockers(plan)
    if blockers:
        raise ValidationError(blockers)
    with transaction.atomic():
        plan.status = PlanStatus.ADOPTED
        plan.adopted_at = timezone.now()
        plan.adopted_by = actor
        plan.save(update_fields=["status", "adopted_at", "adopted_by"])
        audit(actor=actor, action="meeting.plan_adopt", target=plan, group=plan.group)
    return plan


SOCIAL_MINIMUM = 2  # G21, rules 12.0: "minst to ganger i året ... en sosial samling"


def social_gatherings_in_year(group: CouncilGroup, year: int) -> int:
    start = dt.datetime(year, 1, 1, tzinfo=planner.OSLO)
    return (
        Meeting.objects.filter(
            group=group,
            kind=MeetingKind.SOCIAL,
            starts_at__gte=start,
            starts_at__lt=start.replace(year=year + 1),
        )
        .exclude(status=MeetingStatus.CANCELLED)
        .count()
    )


# --- meeting requests (G6, G10, G17) ---------------------------------------------------
def _may_sign(kind: str, membership: Membership | None) -> bool:
    if membership is None:
        return False
    if kind == RequestKind.BOARD:
        # G17: "the two other board members" besides the leader
        return membership.board_role in (BoardRole.DEPUTY, BoardRole.MEMBER)
    return membership.can_vote(timezone.localdate())


def request_create(*, actor: User, group: CouncilGroup, kind: str, reason: str) -> MeetingRequest:
    """Start a request and sign it. During a council session a group meeting is asked for
    through the leader (G10): the request goes to the leader at once."""
    require_open_period(group)
    m = membership_in(actor, group.pk)
    now = timezone.now()
    if kind == RequestKind.GROUP and council_in_session(group, now, now + dt.timedelta(minutes=1)):
        kind = RequestKind.SESSION
    if kind == RequestKind.SESSION:
        if m is None or m.seat == Seat.PARTY_MEMBER:
            raise ValidationError(_("Bare gruppas medlemmer kan be om gruppemøte."))
    elif not _may_sign(kind, m):
        if kind == RequestKind.BOARD:
            raise ValidationError(
                _("Bare nestleder og gruppestyremedlem kan kreve styremøte sammen.")
            )
        raise ValidationError(_("Bare gruppas faste medlemmer kan kreve gruppemøte."))
    if not reason.strip():
        raise ValidationError({"reason": _("Skriv hva møtet skal handle om.")})
    assert m is not None  # noqa: S101 (checked above; narrows the type)
    with transaction.atomic():
        req = MeetingRequest.objects.create(
            group=group, kind=kind, reason=reason.strip(), created_by=actor, created_at=now
        )
        audit(actor=actor, action="meeting.request_create", target=req, group=group, kind=kind)
        _sign(req, m, actor, now)
    return req


def _sign(req: MeetingRequest, m: Membership, actor: User, now: dt.datetime) -> None:
    RequestSignature.objects.create(request=req, membership=m, signed_at=now)
    count = req.signatures.count()
    audit(actor=actor, action="meeting.request_sign", target=req, group=req.group, count=count)
    if count >= REQUEST_THRESHOLD[RequestKind(req.kind)]:
        req.status = RequestStatus.SATISFIED
        req.satisfied_at = now
        req.save(update_fields=["status", "satisfied_at"])
        outbox.enqueue(tasks.notify_request_satisfied, req.pk)


def request_sign(*, actor: User, meeting_request: MeetingRequest) -> MeetingRequest:
    """G6: at the third signature of a regular member the leader is notified; a satisfied
    request takes no more signatures."""
    with transaction.atomic():
        req = MeetingRequest.objects.select_for_update().get(pk=meeting_request.pk)
        if req.status != RequestStatus.OPEN:
            raise ValidationError(
                _("Kravet har allerede nok underskrifter. Gruppeleder er varslet.")
            )
        m = membership_in(actor, req.group_id)
        if not _may_sign(req.kind, m):
            if req.kind == RequestKind.BOARD:
                raise ValidationError(
                    _("Bare nestleder og gruppestyremedlem kan kreve styremøte sammen.")
                )
            raise ValidationError(_("Bare gruppas faste medlemmer kan kreve gruppemøte."))
        assert m is not None  # noqa: S101
        if req.signatures.filter(membership=m).exists():
            raise ValidationError(_("Du har allerede signert kravet."))
        _sign(req, m, actor, timezone.now())
    return req
