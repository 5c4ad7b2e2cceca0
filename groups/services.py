"""Every write of the groups app: one function each, atomic, audited.

Rules refused here raise ValidationError with a Norwegian message; views show it on the form.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from groups.audit import audit
from groups.models import (
    BOARD_SEATS,
    BoardRole,
    Committee,
    CommitteeKind,
    CommitteeRole,
    CommitteeSeat,
    CouncilGroup,
    EthicsAcknowledgement,
    EthicsGuidelines,
    GroupKind,
    Membership,
    MembershipStatus,
    RuleAcknowledgement,
    RuleSet,
    RuleSetStatus,
    Seat,
    User,
)
from groups.permissions import PERMISSION_CODENAMES, can_manage, membership_for
from groups.selectors import group_overview


# --- permissions kept in step with memberships ------------------------------------------
def membership_sync_permissions(membership: Membership) -> None:
    user, group = membership.user, membership.group
    active = membership.status != MembershipStatus.LEFT
    for codename, wanted in (
        (PERMISSION_CODENAMES["view"], active),
        (PERMISSION_CODENAMES["manage"], active and membership.manages_group),
    ):
        if wanted:
            assign_perm(codename, user, group)
        else:
            remove_perm(codename, user, group)


def _require_manager(actor: User, group: CouncilGroup) -> None:
    if not can_manage(actor, group):
        raise PermissionDenied(_("Bare gruppeleder og nestleder kan gjøre dette."))


def _today() -> dt.date:
    return timezone.localdate()


# --- users -------------------------------------------------------------------------------
def user_get_or_invite(*, email: str, full_name: str) -> tuple[User, bool]:
    """The account for ``email``, created without a password when new (the person sets
    one through the password-reset link the leader's invitation sends)."""
    email = email.strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    if user:
        return user, False
    return User.objects.create_user(email=email, full_name=full_name.strip()), True


def user_update_profile(
    *, actor: User, full_name: str, birth_year: int | None, gender: str, postcode: str
) -> User:
    this_year = _today().year
    if birth_year is not None and not (this_year - 120 <= birth_year <= this_year):
        raise ValidationError({"birth_year": _("Fødselsåret er ikke gyldig.")})
    actor.full_name, actor.birth_year, actor.gender, actor.postcode = (
        full_name.strip(),
        birth_year,
        gender,
        postcode.strip(),
    )
    actor.full_clean(exclude=["password"])
    actor.save(update_fields=["full_name", "birth_year", "gender", "postcode"])
    audit(actor=actor, action="user.update_profile", target=actor, subject_user=actor)
    return actor


def _invite_on_commit(user: User, group: CouncilGroup, created: bool) -> None:
    if created:
        from groups.tasks import send_invitation

        transaction.on_commit(functools.partial(send_invitation.delay, user.pk, group.pk))


# --- groups (G24) --------------------------------------------------------------------------
@transaction.atomic
def group_create(
    *,
    actor: User,
    area_name: str,
    kind: str,
    period_start: dt.date,
    leader_email: str,
    leader_name: str,
) -> CouncilGroup:
    """A site admin creates a group for a four-year period and appoints its first leader."""
    if not actor.is_superuser:
        raise PermissionDenied(_("Bare nettstedsadministratorer kan opprette grupper."))
    if kind not in GroupKind.values:
        raise ValidationError({"kind": _("Ukjent type gruppe.")})
    group = CouncilGroup.objects.create(
        area_name=area_name.strip(),
        kind=kind,
        period_start=period_start,
        period_end=CouncilGroup.period_end_for(period_start),
    )
    leader, created = user_get_or_invite(email=leader_email, full_name=leader_name)
    membership = Membership.objects.create(
        group=group,
        user=leader,
        seat=Seat.REGULAR,
        board_role=BoardRole.LEADER,
        joined_on=max(period_start, _today()),
    )
    membership_sync_permissions(membership)
    _invite_on_commit(leader, group, created)
    audit(actor=actor, action="group.create", target=group, group=group, subject_user=leader)
    return group


# --- members and seats (G1, G2) ------------------------------------------------------------
def _check_seat(group: CouncilGroup, seat: str) -> None:
    if seat not in Seat.values:
        raise ValidationError({"seat": _("Ukjent plass.")})
    if seat == Seat.PARTY_MEMBER and not group.is_municipal:
        # G2: party members' speaking rights hold in municipal groups only.
        raise ValidationError(
            {
                "seat": _(
                    "Medlemmer i lokallaget har bare tale- og forslagsrett i kommunestyregrupper."
                )
            }
        )


@transaction.atomic
def member_add(
    *,
    actor: User,
    group: CouncilGroup,
    email: str,
    full_name: str,
    seat: str,
    joined_on: dt.date | None = None,
) -> Membership:
    _require_manager(actor, group)
    _check_seat(group, seat)
    user, created = user_get_or_invite(email=email, full_name=full_name)
    if Membership.objects.filter(group=group, user=user).exists():
        raise ValidationError({"email": _("Denne personen er allerede med i gruppa.")})
    membership = Membership.objects.create(
        group=group, user=user, seat=seat, joined_on=joined_on or _today()
    )
    membership_sync_permissions(membership)
    _invite_on_commit(user, group, created)
    audit(
        actor=actor,
        action="membership.add",
        target=membership,
        group=group,
        subject_user=user,
        seat=seat,
        new_account=created,
    )
    return membership


@transaction.atomic
def membership_update(
    *,
    actor: User,
    membership: Membership,
    seat: str,
    board_role: str,
) -> Membership:
    """Change seat and board role (G3: leader, deputy, one board member; mayor as observer)."""
    group = membership.group
    _require_manager(actor, group)
    _check_seat(group, seat)
    if board_role not in BoardRole.values:
        raise ValidationError({"board_role": _("Ukjent rolle i gruppestyret.")})
    if board_role in BOARD_SEATS and seat != Seat.REGULAR:
        raise ValidationError(
            {"board_role": _("Gruppestyret velges blant gruppas faste medlemmer.")}
        )
    if board_role in BOARD_SEATS:
        taken = (
            Membership.objects.filter(group=group, board_role=board_role)
            .exclude(pk=membership.pk)
            .exclude(status=MembershipStatus.LEFT)
            .first()
        )
        if taken:
            raise ValidationError(
                {
                    "board_role": _("%(role)s er allerede %(name)s. Endre den personen først.")
                    % {"role": BoardRole(board_role).label, "name": taken.user.full_name}
                }
            )
    if (
        membership.board_role == BoardRole.LEADER
        and board_role != BoardRole.LEADER
        and membership.user_id == actor.pk
        and not actor.is_superuser
    ):
        raise ValidationError(
            {"board_role": _("Du kan ikke fjerne deg selv som gruppeleder. Velg ny leder først.")}
        )
    old = (membership.seat, membership.board_role)
    membership.seat, membership.board_role = seat, board_role
    membership.save(update_fields=["seat", "board_role"])
    membership_sync_permissions(membership)
    audit(
        actor=actor,
        action="membership.update",
        target=membership,
        group=group,
        subject_user=membership.user,
        old_seat=old[0],
        old_board_role=old[1],
        seat=seat,
        board_role=board_role,
    )
    return membership


@transaction.atomic
def membership_leave(*, actor: User, membership: Membership, left_on: dt.date) -> Membership:
    _require_manager(actor, membership.group)
    if membership.board_role == BoardRole.LEADER:
        raise ValidationError(_("Gruppelederen kan ikke meldes ut. Velg ny leder først."))
    if left_on < membership.joined_on:
        raise ValidationError({"left_on": _("Utmeldingsdatoen er før innmeldingsdatoen.")})
    membership.status, membership.left_on, membership.board_role = (
        MembershipStatus.LEFT,
        left_on,
        BoardRole.NONE,
    )
    membership.save(update_fields=["status", "left_on", "board_role"])
    Committee.objects.filter(faction_leader=membership).update(faction_leader=None)
    membership_sync_permissions(membership)
    audit(
        actor=actor,
        action="membership.leave",
        target=membership,
        group=membership.group,
        subject_user=membership.user,
    )
    return membership


@transaction.atomic
def membership_declare_independent(
    *, actor: User, membership: Membership, from_date: dt.date
) -> Membership:
    """G16: an independent takes no part in group meetings from ``from_date``."""
    _require_manager(actor, membership.group)
    if membership.board_role == BoardRole.LEADER:
        raise ValidationError(_("Gruppelederen kan ikke erklæres uavhengig. Velg ny leder først."))
    membership.independent_from = from_date
    if membership.board_role in BOARD_SEATS:
        membership.board_role = BoardRole.NONE
    membership.save(update_fields=["independent_from", "board_role"])
    membership_sync_permissions(membership)
    audit(
        actor=actor,
        action="membership.independent",
        target=membership,
        group=membership.group,
        subject_user=membership.user,
        from_date=from_date.isoformat(),
    )
    return membership


# --- transfers (G15) ---------------------------------------------------------------------
@transaction.atomic
def transfer_propose(
    *,
    actor: User,
    group: CouncilGroup,
    email: str,
    full_name: str,
    from_party: str,
    seat: str = Seat.REGULAR,
) -> Membership:
    """A representative from another party asks to join: no member rights until the board
    approves (and any quarantine in the group's rules has passed)."""
    _require_manager(actor, group)
    _check_seat(group, seat)
    if not from_party.strip():
        raise ValidationError({"from_party": _("Oppgi hvilket parti representanten kommer fra.")})
    user, created = user_get_or_invite(email=email, full_name=full_name)
    if Membership.objects.filter(group=group, user=user).exists():
        raise ValidationError({"email": _("Denne personen er allerede med i gruppa.")})
    _invite_on_commit(user, group, created)
    membership = Membership.objects.create(
        group=group,
        user=user,
        seat=seat,
        status=MembershipStatus.PROPOSED,
        joined_on=_today(),
        transfer_from_party=from_party.strip(),
    )
    audit(actor=actor, action="transfer.propose", target=membership, group=group, subject_user=user)
    return membership


def rules_in_force(group: CouncilGroup) -> RuleSet | None:
    return group.rulesets.filter(status=RuleSetStatus.ADOPTED).first()


def _add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable")


@transaction.atomic
def transfer_approve(
    *, actor: User, membership: Membership, votes_for: int, votes_against: int
) -> Membership:
    """G15: the group board approves; the quarantine from the rules in force applies."""
    group = membership.group
    actor_membership = membership_for(actor, group)
    if not actor.is_superuser and not (
        actor_membership and actor_membership.board_role in BOARD_SEATS
    ):
        raise PermissionDenied(_("Bare gruppestyret kan godkjenne en overgang."))
    if membership.status != MembershipStatus.PROPOSED:
        raise ValidationError(_("Denne overgangen er allerede behandlet."))
    board = group.memberships.filter(
        board_role__in=BOARD_SEATS, status=MembershipStatus.ACTIVE
    ).count()
    if votes_for < 0 or votes_against < 0 or votes_for + votes_against > board:
        raise ValidationError(
            _("Gruppestyret har %(board)d medlemmer. Det kan ikke gis %(given)d stemmer.")
            % {"board": board, "given": votes_for + votes_against}
        )
    if votes_for <= votes_against:
        raise ValidationError(
            _("Overgangen er ikke godkjent: den fikk ikke flertall i gruppestyret.")
        )
    now = timezone.now()
    rules = rules_in_force(group)
    months = rules.quarantine_months if rules else 0
    membership.status = MembershipStatus.ACTIVE
    membership.transfer_approved_at = now
    membership.quarantine_until = _add_months(timezone.localdate(now), months) if months else None
    membership.save(update_fields=["status", "transfer_approved_at", "quarantine_until"])
    membership_sync_permissions(membership)
    audit(
        actor=actor,
        action="transfer.approve",
        target=membership,
        group=group,
        subject_user=membership.user,
        votes_for=votes_for,
        votes_against=votes_against,
        quarantine_months=months,
    )
    return membership


# --- committees and factions (G5) ----------------------------------------------------------
@transaction.atomic
def committee_create(*, actor: User, group: CouncilGroup, name: str, kind: str) -> Committee:
    _require_manager(actor, group)
    if kind not in CommitteeKind.values:
        raise ValidationError({"kind": _("Ukjent type utvalg.")})
    if Committee.objects.filter(group=group, name__iexact=name.strip()).exists():
        raise ValidationError({"name": _("Gruppa har allerede et utvalg med dette navnet.")})
    committee = Committee.objects.create(group=group, name=name.strip(), kind=kind)
    audit(actor=actor, action="committee.create", target=committee, group=group)
    return committee


@transaction.atomic
def committee_seat_add(
    *, actor: User, committee: Committee, membership: Membership, role: str
) -> CommitteeSeat:
    _require_manager(actor, committee.group)
    if membership.group_id != committee.group_id or membership.status == MembershipStatus.LEFT:
        raise ValidationError({"membership": _("Personen er ikke med i gruppa.")})
    if role not in CommitteeRole.values:
        raise ValidationError({"role": _("Ukjent rolle i utvalget.")})
    if role == CommitteeRole.FIRST_SUBSTITUTE and committee.seats.filter(role=role).exists():
        raise ValidationError({"role": _("Utvalget har allerede en 1. vara.")})
    try:
        with transaction.atomic():
            seat = CommitteeSeat.objects.create(
                committee=committee, membership=membership, role=role
            )
    except IntegrityError:
        raise ValidationError(
            {"membership": _("Personen har allerede plass i utvalget.")}
        ) from None
    audit(
        actor=actor,
        action="committee.seat_add",
        target=seat,
        group=committee.group,
        subject_user=membership.user,
        role=role,
    )
    return seat


@transaction.atomic
def committee_seat_remove(*, actor: User, seat: CommitteeSeat) -> None:
    committee = seat.committee
    _require_manager(actor, committee.group)
    if committee.faction_leader_id == seat.membership_id:
        committee.faction_leader = None
        committee.save(update_fields=["faction_leader"])
    audit(
        actor=actor,
        action="committee.seat_remove",
        target=committee,
        group=committee.group,
        subject_user=seat.membership.user,
    )
    seat.delete()


def faction_members(committee: Committee) -> list[Membership]:
    """G5: the faction is the committee's regular members plus its 1st substitute."""
    return [
        s.membership
        for s in committee.seats.select_related("membership__user").order_by(
            "role", "membership__user__full_name"
        )
    ]


@transaction.atomic
def faction_leader_elect(*, actor: User, committee: Committee, membership: Membership) -> Committee:
    """G5: a faction leader is elected where the group has several members on the committee."""
    _require_manager(actor, committee.group)
    regular = committee.seats.filter(role=CommitteeRole.REGULAR).count()
    if regular < 2:
        raise ValidationError(
            {
                "membership": _(
                    "Fraksjonsleder velges bare der gruppa har flere faste medlemmer i utvalget."
                )
            }
        )
    if not committee.seats.filter(membership=membership).exists():
        raise ValidationError({"membership": _("Fraksjonslederen må være med i fraksjonen.")})
    committee.faction_leader = membership
    committee.save(update_fields=["faction_leader"])
    audit(
        actor=actor,
        action="faction.leader_elect",
        target=committee,
        group=committee.group,
        subject_user=membership.user,
    )
    return committee


# --- the group's rules (G22, G23) and the ethical guidelines (E1) -------------------------
@dataclass(frozen=True)
class RuleFields:
    meeting_place: str
    meeting_weekdays: list[int]
    meeting_start: dt.time
    meeting_end: dt.time
    quarantine_months: int
    cooperation: str


def _validate_rule_fields(fields: RuleFields) -> None:
    errors: dict[str, str] = {}
    if not fields.meeting_place.strip():
        errors["meeting_place"] = _("Oppgi fast møtested.")
    if not fields.meeting_weekdays or any(d not in range(7) for d in fields.meeting_weekdays):
        errors["meeting_weekdays"] = _("Velg minst én møtedag.")
    if fields.meeting_end <= fields.meeting_start:
        errors["meeting_end"] = _("Møtet må slutte etter at det begynner.")
    if not 0 <= fields.quarantine_months <= 48:
        errors["quarantine_months"] = _("Karantenetiden må være mellom 0 og 48 måneder.")
    if errors:
        raise ValidationError(errors)


def _ruleset_values(fields: RuleFields) -> dict[str, object]:
    return {
        "meeting_place": fields.meeting_place.strip(),
        "meeting_weekdays": ",".join(str(d) for d in sorted(set(fields.meeting_weekdays))),
        "meeting_start": fields.meeting_start,
        "meeting_end": fields.meeting_end,
        "quarantine_months": fields.quarantine_months,
        "cooperation": fields.cooperation.strip(),
    }


@transaction.atomic
def ruleset_propose(
    *, actor: User, group: CouncilGroup, fields: RuleFields, change_summary: str
) -> RuleSet:
    """G22: changes are proposed through the group leader; the group then decides."""
    membership = membership_for(actor, group)
    if not (membership and membership.is_leader) and not actor.is_superuser:
        raise PermissionDenied(_("Endringer i reglementet fremmes gjennom gruppeleder."))
    _validate_rule_fields(fields)
    if group.rulesets.filter(status=RuleSetStatus.PROPOSED).exists():
        raise ValidationError(
            _("Det ligger allerede et forslag til behandling. Vedta eller forkast det først.")
        )
    last = group.rulesets.order_by("-version").first()
    ruleset = RuleSet.objects.create(
        group=group,
        version=(last.version + 1) if last else 1,
        status=RuleSetStatus.PROPOSED,
        change_summary=change_summary.strip(),
        proposed_by=actor,
        proposed_at=timezone.now(),
        **_ruleset_values(fields),
    )
    audit(
        actor=actor, action="ruleset.propose", target=ruleset, group=group, version=ruleset.version
    )
    return ruleset


def ruleset_document(ruleset: RuleSet) -> str:
    """The rules as the group adopts them: sections 1.0-14.0 with today's members, board and
    factions, in Norwegian (the official text), as the fixed record of the adoption."""
    with translation.override("nb"):
        return render_to_string(
            "groups/_rules_document.html",
            {
                "group": ruleset.group,
                "ruleset": ruleset,
                "overview": group_overview(ruleset.group, timezone.localdate()),
            },
        )


@transaction.atomic
def ruleset_decide(
    *, actor: User, ruleset: RuleSet, votes_for: int, votes_against: int, note: str = ""
) -> RuleSet:
    """G22: adopted by simple majority of the group (more for than against)."""
    group = ruleset.group
    membership = membership_for(actor, group)
    if not (membership and membership.is_leader) and not actor.is_superuser:
        raise PermissionDenied(_("Bare gruppeleder kan føre vedtaket inn."))
    if ruleset.status != RuleSetStatus.PROPOSED:
        raise ValidationError(_("Dette forslaget er allerede behandlet."))
    if votes_for < 0 or votes_against < 0:
        raise ValidationError(_("Antall stemmer kan ikke være negativt."))
    voters = sum(
        1 for m in group.memberships.select_related("user") if m.can_vote(timezone.localdate())
    )
    if votes_for + votes_against > voters:
        raise ValidationError(
            _(
                "Det er avgitt flere stemmer (%(given)s) enn gruppa har stemmeberettigede (%(voters)s)."
            )
            % {"given": votes_for + votes_against, "voters": voters}
        )
    now = timezone.now()
    adopted = votes_for > votes_against
    if adopted:
        group.rulesets.filter(status=RuleSetStatus.ADOPTED).update(status=RuleSetStatus.SUPERSEDED)
    ruleset.status = RuleSetStatus.ADOPTED if adopted else RuleSetStatus.REJECTED
    ruleset.decided_at, ruleset.votes_for, ruleset.votes_against = now, votes_for, votes_against
    ruleset.decision_note = note.strip()
    if adopted:
        ruleset.adopted_document = ruleset_document(ruleset)
    ruleset.save()
    audit(
        actor=actor,
        action="ruleset.adopt" if adopted else "ruleset.reject",
        target=ruleset,
        group=group,
        votes_for=votes_for,
        votes_against=votes_against,
    )
    return ruleset


@transaction.atomic
def rules_acknowledge(*, actor: User, ruleset: RuleSet) -> RuleAcknowledgement:
    """G23: members and observers confirm they have read the rules in force."""
    if ruleset.status != RuleSetStatus.ADOPTED:
        raise ValidationError(_("Du kan bare bekrefte reglementet som gjelder."))
    if not membership_for(actor, ruleset.group):
        raise PermissionDenied(_("Du er ikke med i denne gruppa."))
    ack, created = RuleAcknowledgement.objects.get_or_create(
        ruleset=ruleset, user=actor, defaults={"acknowledged_at": timezone.now()}
    )
    if created:
        audit(
            actor=actor,
            action="ruleset.acknowledge",
            target=ruleset,
            group=ruleset.group,
            subject_user=actor,
        )
    return ack


@transaction.atomic
def ethics_acknowledge(*, actor: User, guidelines: EthicsGuidelines) -> EthicsAcknowledgement:
    """E1: an elected representative has gone through the ethical guidelines."""
    ack, created = EthicsAcknowledgement.objects.get_or_create(
        guidelines=guidelines, user=actor, defaults={"acknowledged_at": timezone.now()}
    )
    if created:
        audit(actor=actor, action="ethics.acknowledge", target=guidelines, subject_user=actor)
    return ack
