"""A group's period (G24, G4): the site admin opens the new four-year period after an
election; the local chapter leader convenes the constituting meeting; each seat of the last
period is carried over or ended; the group elects its leader and deputy. The last period's
records stay readable and can no longer be edited (``groups.permissions.require_open_period``).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from config import providers
from config.singleline import require_single_line
from groups.audit import audit
from groups.models import (
    BoardRole,
    CouncilGroup,
    Election,
    ElectionRole,
    GroupKind,
    Membership,
    MembershipStatus,
    PeriodConstitution,
    RuleSet,
    RuleSetStatus,
    Seat,
    SeatDecision,
    SeatTransition,
    User,
)
from groups.permissions import can_constitute
from groups.services.common import membership_sync_permissions
from groups.services.dispatch import ethics_ask_acknowledgement, rules_dispatch_to_all
from groups.services.members import _invite_on_commit, rules_in_force, user_get_or_invite

LATEST_START_AHEAD = dt.timedelta(days=366)  # a new period starts within a year of opening it
CONSTITUTION_WITHIN = dt.timedelta(days=183)  # the constituting meeting: soon after the start


def _day(day: dt.date) -> str:
    return date_format(day, "j. F Y")


def normalized_area(area_name: str) -> str:
    return " ".join(area_name.split())


def period_check(
    *,
    area_name: str,
    kind: str,
    period_start: dt.date,
    today: dt.date,
    exclude_pk: int | None = None,
) -> dt.date:
    """Refuse an absurd, duplicate or overlapping period (issue 17: "Fjellbygd, 2027–2031"
    twice, and a period starting in 1800); return the period's end (four years, G24)."""
    if kind not in GroupKind.values:
        raise ValidationError({"kind": _("Ukjent type gruppe.")})
    latest = today + LATEST_START_AHEAD
    if period_start > latest:
        raise ValidationError(
            {
                "period_start": _(
                    "En periode kan ikke starte mer enn ett år fram i tid (senest %(date)s)."
                )
                % {"date": _day(latest)}
            }
        )
    end = CouncilGroup.period_end_for(period_start)
    if end <= today:
        raise ValidationError(
            {
                "period_start": _(
                    "En periode som startet %(date)s, er allerede over. Oppgi starten på "
                    "perioden som gjelder nå, eller den neste."
                )
                % {"date": _day(period_start)}
            }
        )
    area = normalized_area(area_name)
    others = CouncilGroup.objects.filter(
        area_name__iexact=area, kind=kind, period_start__lt=end, period_end__gt=period_start
    )
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    clash = others.order_by("-period_end").first()
    if clash is not None:
        if clash.period_start == period_start:
            message = _("%(area)s har allerede perioden %(period)s.") % {
                "area": clash.area_name,
                "period": clash.period_label,
            }
        else:
            message = _(
                "Perioden overlapper %(area)s %(period)s, som varer til %(end)s. "
                "Den nye perioden kan tidligst starte %(end)s."
            ) % {
                "area": clash.area_name,
                "period": clash.period_label,
                "end": _day(clash.period_end),
            }
        raise ValidationError({"period_start": message})
    return end


def _copy_rules(previous: CouncilGroup, group: CouncilGroup, actor: User) -> RuleSet | None:
    """The last period's rules in force, as the new group's first proposal: the group adopts
    its rules itself (G22), by simple majority, usually at the constituting meeting."""
    old = rules_in_force(previous)
    if old is None:
        return None
    return RuleSet.objects.create(
        group=group,
        version=1,
        status=RuleSetStatus.PROPOSED,
        meeting_place=old.meeting_place,
        meeting_weekdays=old.meeting_weekdays,
        meeting_start=old.meeting_start,
        meeting_end=old.meeting_end,
        quarantine_months=old.quarantine_months,
        cooperation=old.cooperation,
        change_summary=_("Reglementet fra forrige periode, foreslått videreført."),
        proposed_by=actor,
        proposed_at=timezone.now(),
    )


@transaction.atomic
def period_open(
    *,
    actor: User,
    group: CouncilGroup,
    period_start: dt.date,
    convener_name: str,
    convener_email: str,
) -> CouncilGroup:
    """After an election the site admin opens the group's new four-year period and names
    the local chapter leader who convenes the constituting meeting (G24)."""
    if not actor.is_superuser:
        raise PermissionDenied(_("Bare nettstedsadministratorer kan åpne en ny periode."))
    previous = CouncilGroup.objects.select_for_update().get(pk=group.pk)
    following = CouncilGroup.objects.filter(previous_period=previous).first()
    if following is not None:
        raise ValidationError(
            {
                "period_start": _("Gruppa har allerede fått ny periode (%(period)s).")
                % {"period": following.period_label}
            }
        )
    today = timezone.localdate()
    end = period_check(
        area_name=previous.area_name,
        kind=previous.kind,
        period_start=period_start,
        today=today,
    )
    new = CouncilGroup.objects.create(
        area_name=previous.area_name,
        kind=previous.kind,
        period_start=period_start,
        period_end=end,
        previous_period=previous,
    )
    previous.closed_from = period_start
    previous.save(update_fields=["closed_from"])
    convener, created = user_get_or_invite(email=convener_email, full_name=convener_name)
    membership = Membership.objects.create(
        group=new, user=convener, seat=Seat.CHAPTER_LEADER, joined_on=period_start
    )
    membership_sync_permissions(membership)
    _invite_on_commit(convener, new, created)
    PeriodConstitution.objects.create(group=new, convener=convener)
    rules = _copy_rules(previous, new, actor)
    providers.period_created(new)
    audit(
        actor=actor,
        action="period.open",
        target=new,
        group=new,
        subject_user=convener,
        previous_id=previous.pk,
        rules_proposed=rules is not None,
    )
    return new


def _require_constitute(actor: User, group: CouncilGroup) -> PeriodConstitution:
    if not can_constitute(actor, group):
        raise PermissionDenied(
            _(
                "Bare lokallagslederen som kaller inn, og nettstedsadministratorer, kan "
                "konstituere gruppa, og bare til leder og nestleder er valgt."
            )
        )
    return PeriodConstitution.objects.select_for_update().get(group=group)


def pending_seats(group: CouncilGroup) -> list[Membership]:
    """The last period's seats not yet carried over or ended."""
    if group.previous_period_id is None:
        return []
    return list(
        Membership.objects.filter(
            group_id=group.previous_period_id,
            status=MembershipStatus.ACTIVE,
            transition__isnull=True,
        )
        .select_related("user")
        .order_by("user__full_name")
    )


@transaction.atomic
def constitution_seats(
    *, actor: User, group: CouncilGroup, decisions: Mapping[int, str]
) -> list[SeatTransition]:
    """Each seat of the last period, one by one: carried over (same seat, no board role:
    the board is elected anew) or ended. ``decisions`` maps the old membership's id to
    ``carry`` or ``end``; every seat still pending must have one."""
    _require_constitute(actor, group)
    seats = pending_seats(group)
    if not seats:
        raise ValidationError(_("Alle plassene fra forrige periode er allerede behandlet."))
    errors = {
        f"seat_{m.pk}": _("Velg om plassen videreføres eller avsluttes.")
        for m in seats
        if decisions.get(m.pk) not in SeatDecision.values
    }
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    done: list[SeatTransition] = []
    for old in seats:
        decision = decisions[old.pk]
        new_membership = None
        if decision == SeatDecision.CARRY:
            new_membership = Membership.objects.filter(group=group, user=old.user).first()
            if new_membership is None:
                new_membership = Membership.objects.create(
                    group=group, user=old.user, seat=old.seat, joined_on=group.period_start
                )
                membership_sync_permissions(new_membership)
        done.append(
            SeatTransition.objects.create(
                period=group,
                previous=old,
                decision=decision,
                membership=new_membership,
                decided_by=actor,
                decided_at=now,
            )
        )
        audit(
            actor=actor,
            action=f"period.seat_{decision}",
            target=old,
            group=group,
            subject_user=old.user,
            seat=old.seat,
        )
    return done


@transaction.atomic
def constitution_member_add(
    *, actor: User, group: CouncilGroup, email: str, full_name: str, seat: str
) -> Membership:
    """A newly elected representative who had no seat in the last period."""
    _require_constitute(actor, group)
    from groups.services.members import _member_create

    return _member_create(
        actor=actor,
        group=group,
        email=email,
        full_name=full_name,
        seat=seat,
        joined_on=group.period_start,
    )


def summoned_members(group: CouncilGroup, on: dt.date) -> list[Membership]:
    return [
        m
        for m in group.memberships.select_related("user").order_by("user__full_name")
        if m.is_summoned(on)
    ]


@transaction.atomic
def constitution_convene(
    *, actor: User, group: CouncilGroup, meeting_at: dt.datetime, place: str
) -> PeriodConstitution:
    """The local chapter leader convenes the new group (G24): one summons each, by e-mail.
    Sending the same time and place again sends nothing twice."""
    constitution = _require_constitute(actor, group)
    require_single_line(place=place)
    place = place.strip()
    if not place:
        raise ValidationError({"place": _("Oppgi hvor møtet holdes.")})
    now = timezone.now()
    if meeting_at <= now:
        raise ValidationError({"meeting_at": _("Møtet må være fram i tid.")})
    latest = max(timezone.localdate(now), group.period_start) + CONSTITUTION_WITHIN
    if timezone.localdate(meeting_at) > latest:
        raise ValidationError(
            {
                "meeting_at": _(
                    "Det konstituerende møtet holdes kort tid etter valget: senest %(date)s."
                )
                % {"date": _day(latest)}
            }
        )
    members = [
        m
        for m in summoned_members(group, timezone.localdate(meeting_at))
        if m.user_id != constitution.convener_id
    ]
    if not members:
        raise ValidationError(
            _(
                "Før over plassene fra forrige periode, eller legg til de nyvalgte, før du kaller inn."
            )
        )
    if (
        constitution.summoned_at is not None
        and constitution.meeting_at == meeting_at
        and constitution.place == place
    ):
        return constitution
    constitution.meeting_at, constitution.place, constitution.summoned_at = meeting_at, place, now
    constitution.save(update_fields=["meeting_at", "place", "summoned_at"])
    audit(
        actor=actor,
        action="period.convene",
        target=constitution,
        group=group,
        summoned=len(members),
    )
    from groups.tasks import send_constitution_summons

    stamp = now.isoformat()
    for m in members:
        transaction.on_commit(
            functools.partial(send_constitution_summons.delay, group.pk, m.user_id, stamp)
        )
    return constitution


def _check_candidate(group: CouncilGroup, membership: Membership, field: str) -> None:
    if (
        membership.group_id != group.pk
        or membership.seat != Seat.REGULAR
        or membership.status != MembershipStatus.ACTIVE
    ):
        raise ValidationError(
            {field: _("Gruppeleder og nestleder velges blant gruppas faste medlemmer.")}
        )


def _check_votes(field: str, name: str, votes_for: int, votes_against: int, voters: int) -> None:
    if votes_for < 0 or votes_against < 0:
        raise ValidationError({field: _("Antall stemmer kan ikke være negativt.")})
    if votes_for + votes_against > voters:
        raise ValidationError(
            {
                field: _(
                    "Det er avgitt flere stemmer (%(given)s) enn gruppa har "
                    "stemmeberettigede (%(voters)s)."
                )
                % {"given": votes_for + votes_against, "voters": voters}
            }
        )
    if votes_for <= votes_against:
        raise ValidationError(
            {
                field: _("%(name)s fikk ikke flertall. Før inn den som ble valgt med flertall.")
                % {"name": name}
            }
        )


@transaction.atomic
def constitution_elect(
    *,
    actor: User,
    group: CouncilGroup,
    leader: Membership,
    deputy: Membership,
    leader_votes_for: int,
    leader_votes_against: int,
    deputy_votes_for: int,
    deputy_votes_against: int,
    note: str = "",
) -> list[Election]:
    """G24, G4: at the constituting meeting the group elects its leader and deputy by simple
    majority of its regular members. The election is recorded with its votes; then everyone
    in the new group is asked to acknowledge the rules and the ethical guidelines."""
    constitution = _require_constitute(actor, group)
    now = timezone.now()
    if constitution.summoned_at is None or constitution.meeting_at is None:
        raise ValidationError(_("Kall inn til det konstituerende møtet før valget føres inn."))
    if now < constitution.meeting_at:
        raise ValidationError(
            _("Valget føres inn når det konstituerende møtet har begynt (%(when)s).")
            % {"when": date_format(timezone.localtime(constitution.meeting_at), "j. F Y H:i")}
        )
    _check_candidate(group, leader, "leader")
    _check_candidate(group, deputy, "deputy")
    if leader.pk == deputy.pk:
        raise ValidationError({"deputy": _("Nestlederen må være en annen enn gruppelederen.")})
    meeting_day = timezone.localdate(constitution.meeting_at)
    voters = sum(1 for m in group.memberships.all() if m.can_vote(meeting_day))
    _check_votes(
        "leader_votes_for", leader.user.full_name, leader_votes_for, leader_votes_against, voters
    )
    _check_votes(
        "deputy_votes_for", deputy.user.full_name, deputy_votes_for, deputy_votes_against, voters
    )
    group.memberships.filter(board_role__in=[BoardRole.LEADER, BoardRole.DEPUTY]).exclude(
        pk__in=[leader.pk, deputy.pk]
    ).update(board_role=BoardRole.NONE)
    elections = []
    for membership, role, votes_for, votes_against in (
        (leader, ElectionRole.LEADER, leader_votes_for, leader_votes_against),
        (deputy, ElectionRole.DEPUTY, deputy_votes_for, deputy_votes_against),
    ):
        membership.board_role = role
        membership.save(update_fields=["board_role"])
        elections.append(
            Election.objects.create(
                group=group,
                role=role,
                elected=membership,
                votes_for=votes_for,
                votes_against=votes_against,
                decided_at=now,
                recorded_by=actor,
                note=note.strip(),
            )
        )
    for m in group.memberships.all():
        membership_sync_permissions(m)
    constitution.completed_at = now
    constitution.save(update_fields=["completed_at"])
    audit(
        actor=actor,
        action="period.elect",
        target=constitution,
        group=group,
        leader_id=leader.pk,
        deputy_id=deputy.pk,
        leader_votes=[leader_votes_for, leader_votes_against],
        deputy_votes=[deputy_votes_for, deputy_votes_against],
    )
    period_ask_acknowledgements(actor=actor, group=group)
    return elections


def period_ask_acknowledgements(*, actor: User, group: CouncilGroup) -> None:
    """Everyone newly elected is asked to acknowledge the rules in force (one e-mail each,
    never twice for a version) and the ethical guidelines. Without rules in force yet, the
    rules are sent when the group adopts them (``ruleset_decide``)."""
    today = timezone.localdate()
    members = summoned_members(group, today)
    if rules_in_force(group) is not None:
        rules_dispatch_to_all(actor=actor, group=group)
    ethics_ask_acknowledgement(user_ids=[m.user_id for m in members])
