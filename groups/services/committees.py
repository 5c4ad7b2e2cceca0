"""Committees and factions (G5)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from groups.audit import audit
from groups.models import (
    Committee,
    CommitteeKind,
    CommitteeRole,
    CommitteeSeat,
    CouncilGroup,
    Membership,
    MembershipStatus,
    User,
)
from groups.services.common import _require_manager


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
