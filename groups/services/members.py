"""Users, groups (G24), members and seats (G1, G2, G16), transfers (G15)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from config import providers
from groups.audit import audit
from groups.models import (
    BOARD_SEATS,
    BoardRole,
    Committee,
    CouncilGroup,
    Membership,
    MembershipStatus,
    RuleSet,
    RuleSetStatus,
    Seat,
    User,
)
from groups.permissions import membership_for
from groups.services.common import _require_manager, _today, membership_sync_permissions

OLDEST_AGE = 120  # a birth year further back than this is a typing slip


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
    if birth_year is not None and not (this_year - OLDEST_AGE <= birth_year <= this_year):
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
    """Through the task outbox (groups.outbox): queued after commit, and queued again by
    beat's sweep if a broker restart loses it ("invitations not sent")."""
    if created:
        from groups import outbox
        from groups.tasks import send_invitation

        outbox.enqueue(send_invitation, user.pk, group.pk)


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
    """A site admin creates a group for a four-year period and appoints its first leader.
    An absurd year, a duplicate or an overlap with the same area's period is refused."""
    if not actor.is_superuser:
        raise PermissionDenied(_("Bare nettstedsadministratorer kan opprette grupper."))
    from groups.services.periods import normalized_area, period_check

    # A double click is two requests of the same admin: the second waits here, then finds
    # the first one's group and is refused as a duplicate.
    User.objects.select_for_update().filter(pk=actor.pk).first()
    if not normalized_area(area_name):
        raise ValidationError({"area_name": _("Oppgi kommune eller fylke.")})
    period_end = period_check(
        area_name=area_name, kind=kind, period_start=period_start, today=_today()
    )
    group = CouncilGroup.objects.create(
        area_name=normalized_area(area_name),
        kind=kind,
        period_start=period_start,
        period_end=period_end,
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
    providers.period_created(group)
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
    return _member_create(
        actor=actor, group=group, email=email, full_name=full_name, seat=seat, joined_on=joined_on
    )


def _member_create(
    *,
    actor: User,
    group: CouncilGroup,
    email: str,
    full_name: str,
    seat: str,
    joined_on: dt.date | None,
) -> Membership:
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
