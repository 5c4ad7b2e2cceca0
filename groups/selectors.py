"""Reads with more than a trivial query. Each returns everything its page needs in a fixed
number of queries, whatever the number of members."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from groups.models import (
    ETHICS_SEATS,
    BoardRole,
    Committee,
    CommitteeSeat,
    CouncilGroup,
    EthicsGuidelines,
    Membership,
    MembershipStatus,
    RuleAcknowledgement,
    RuleSet,
    RuleSetStatus,
    Seat,
    User,
)
from groups.permissions import current_memberships, remembered


@dataclass(frozen=True)
class MemberRow:
    membership: Membership
    can_vote: bool
    can_speak: bool
    can_propose: bool
    summoned: bool
    independent: bool
    in_quarantine: bool
    acknowledged_rules: bool
    acknowledged_ethics: bool
    # The seat and board role in the user's language: looked up once per page, not per row.
    seat_label: str
    board_role_label: str


@dataclass(frozen=True)
class GroupOverview:
    group: CouncilGroup
    rows: list[MemberRow]
    proposed: list[Membership]
    former: list[Membership]
    board: list[Membership]
    committees: list[Committee]
    rules: RuleSet | None
    pending_rules: RuleSet | None
    ethics: EthicsGuidelines | None

    @property
    def voting_members(self) -> list[Membership]:
        """G1, rules 2.0: the sitting representatives with the right to vote."""
        return [row.membership for row in self.rows if row.can_vote]

    @property
    def not_acknowledged(self) -> list[Membership]:
        return [row.membership for row in self.rows if not row.acknowledged_rules]

    @property
    def not_acknowledged_ethics(self) -> list[Membership]:
        """E1: the group's elected representatives who have not acknowledged the guidelines
        in force (members without a seat are not asked)."""
        return [
            row.membership
            for row in self.rows
            if row.membership.seat in ETHICS_SEATS and not row.acknowledged_ethics
        ]


def current_ethics() -> EthicsGuidelines | None:
    """E1: the version in force (the highest number)."""
    return EthicsGuidelines.objects.order_by("-version").first()


@dataclass(frozen=True)
class EthicsShare:
    group: CouncilGroup
    asked: int
    acknowledged: int

    @property
    def percent(self) -> int:
        return (self.acknowledged * 100) // self.asked if self.asked else 100


def ethics_share_per_group(guidelines: EthicsGuidelines, on: dt.date) -> list[EthicsShare]:
    """E1, for the secretariat: per group, how many of its elected representatives have
    acknowledged ``guidelines`` (counts only, no names)."""
    acked = set(guidelines.acknowledgements.values_list("user_id", flat=True))
    per_group: dict[int, set[int]] = {}
    for group_id, user_id in (
        Membership.objects.filter(status=MembershipStatus.ACTIVE, seat__in=ETHICS_SEATS)
        .exclude(left_on__lte=on)
        .values_list("group_id", "user_id")
    ):
        per_group.setdefault(group_id, set()).add(user_id)
    return [
        EthicsShare(
            group=g,
            asked=len(per_group.get(g.pk, set())),
            acknowledged=len(per_group.get(g.pk, set()) & acked),
        )
        for g in CouncilGroup.objects.order_by("area_name")
    ]


# What the member lists show of a person: a county group lists hundreds (G2), so the rest
# of the user row (password hash, contact details) is not read.
_MEMBER_LIST_FIELDS = (
    *(f.name for f in Membership._meta.concrete_fields),
    "user__full_name",
    "user__email",
)


def group_overview(group: CouncilGroup, on: dt.date) -> GroupOverview:
    memberships = list(
        group.memberships.select_related("user")
        .only(*_MEMBER_LIST_FIELDS)
        .order_by("user__full_name")
    )
    rulesets = list(
        group.rulesets.filter(status__in=[RuleSetStatus.ADOPTED, RuleSetStatus.PROPOSED])
    )
    rules = next((r for r in rulesets if r.status == RuleSetStatus.ADOPTED), None)
    pending = next((r for r in rulesets if r.status == RuleSetStatus.PROPOSED), None)
    acked: set[int] = set()
    if rules:
        acked = set(
            RuleAcknowledgement.objects.filter(ruleset=rules).values_list("user_id", flat=True)
        )
    ethics = current_ethics()
    ethics_acked: set[int] = (
        set(ethics.acknowledgements.values_list("user_id", flat=True)) if ethics else set()
    )
    seats = {value: str(label) for value, label in Seat.choices}
    board_roles = {value: str(label) for value, label in BoardRole.choices}
    rows = [
        MemberRow(
            membership=m,
            can_vote=m.can_vote(on),
            can_speak=m.can_speak(on),
            can_propose=m.can_propose(on),
            summoned=m.is_summoned(on),
            independent=m.is_independent(on),
            in_quarantine=bool(m.quarantine_until and on < m.quarantine_until),
            acknowledged_rules=m.user_id in acked,
            acknowledged_ethics=m.user_id in ethics_acked,
            seat_label=seats.get(m.seat, m.seat),
            board_role_label=board_roles.get(m.board_role, m.board_role) if m.board_role else "",
        )
        for m in memberships
        if m.status == MembershipStatus.ACTIVE and not (m.left_on and m.left_on <= on)
    ]
    committees = list(
        group.committees.select_related("faction_leader__user").prefetch_related(
            Prefetch(
                "seats",
                queryset=CommitteeSeat.objects.select_related("membership__user").order_by(
                    "role", "membership__user__full_name"
                ),
            )
        )
    )
    return GroupOverview(
        group=group,
        rows=rows,
        proposed=[m for m in memberships if m.status == MembershipStatus.PROPOSED],
        former=[m for m in memberships if m.status == MembershipStatus.LEFT],
        board=sorted(
            (m for m in memberships if m.on_board),
            key=lambda m: ["leader", "deputy", "member", "observer"].index(m.board_role),
        ),
        committees=committees,
        rules=rules,
        pending_rules=pending,
        ethics=ethics,
    )


@dataclass(frozen=True)
class HomeGroup:
    membership: Membership
    rules: RuleSet | None
    rules_acknowledged: bool
    can_vote: bool
    can_speak: bool
    can_propose: bool
    independent: bool
    in_quarantine: bool
    factions: list[Committee]


@dataclass(frozen=True)
class OwnRules:
    in_force: dict[int, RuleSet]  # per group id, of the user's current memberships
    acknowledged: frozenset[int]  # the ids of those the user has acknowledged


def own_rules(user: User) -> OwnRules:
    """The rules in force in the user's groups and which of them they have acknowledged:
    read once per request (the home page and its work list both show them)."""

    def compute() -> OwnRules:
        group_ids = [m.group_id for m in current_memberships(user)]
        in_force = {
            r.group_id: r
            for r in RuleSet.objects.filter(group_id__in=group_ids, status=RuleSetStatus.ADOPTED)
        }
        acked = RuleAcknowledgement.objects.filter(
            user=user, ruleset_id__in=[r.pk for r in in_force.values()]
        ).values_list("ruleset_id", flat=True)
        return OwnRules(in_force, frozenset(acked))

    return remembered(user, ("rules",), compute)


def home_for(user: User, on: dt.date) -> list[HomeGroup]:
    memberships = current_memberships(user)
    own = own_rules(user)
    rules, acked = own.in_force, own.acknowledged
    factions: dict[int, list[Committee]] = {}
    for seat in CommitteeSeat.objects.filter(membership__in=memberships).select_related(
        "committee"
    ):
        factions.setdefault(seat.membership_id, []).append(seat.committee)
    return [
        HomeGroup(
            membership=m,
            rules=rules.get(m.group_id),
            rules_acknowledged=bool(rules.get(m.group_id) and rules[m.group_id].pk in acked),
            can_vote=m.can_vote(on),
            can_speak=m.can_speak(on),
            can_propose=m.can_propose(on),
            independent=m.is_independent(on),
            in_quarantine=bool(m.quarantine_until and on < m.quarantine_until),
            factions=factions.get(m.pk, []),
        )
        for m in memberships
    ]


@dataclass(frozen=True)
class RuleChange:
    label: str
    before: str
    after: str


def rules_changes(in_force: RuleSet | None, proposal: RuleSet) -> list[RuleChange]:
    """G22: what a proposal changes against the version in force, blank by blank."""
    if in_force is None or in_force.pk == proposal.pk:
        return []

    def values(r: RuleSet) -> list[tuple[str, str]]:
        return [
            (str(_("Møtelokale")), r.meeting_place),
            (str(_("Møtedager")), ", ".join(r.weekday_names)),
            (str(_("Fra kl.")), r.meeting_start.strftime("%H:%M")),
            (str(_("Til kl.")), r.meeting_end.strftime("%H:%M")),
            (str(_("Karantenetid ved overgang (måneder)")), str(r.quarantine_months)),
            (str(_("Samarbeid med andre parti")), r.cooperation),
        ]

    return [
        RuleChange(label, old, new)
        for (label, old), (_label, new) in zip(values(in_force), values(proposal), strict=True)
        if old != new
    ]
