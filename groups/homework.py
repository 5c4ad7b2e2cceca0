"""The groups app's part of the home page (config/homework.py): for a leader, who has not
acknowledged the rules in force; for a member, what waits for their acknowledgement; for a
site admin, the warnings of the health page."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from config.homework import LEADER, MEMBER, SITE_ADMIN, Entry
from groups.models import (
    BoardRole,
    Membership,
    MembershipStatus,
    RuleAcknowledgement,
    RuleSet,
    RuleSetStatus,
)
from groups.permissions import current_memberships
from groups.selectors import own_rules


def managed_memberships(user: Any, now: datetime) -> list[Membership]:
    """The user's memberships as leader or deputy (who run the group's work), with their
    groups, from the request's one read of them. Shared by the providers of the apps above
    groups."""
    return [
        m
        for m in current_memberships(user)
        if m.board_role in (BoardRole.LEADER, BoardRole.DEPUTY) and m.has_member_rights(now.date())
    ]


def _missing_acknowledgements(led: list[Membership]) -> list[Entry]:
    """Per group led: how many members have not acknowledged the rules in force (two
    queries for any number of groups and members)."""
    groups = {m.group_id: m.group for m in led}
    if not groups:
        return []
    in_force = {
        r.group_id: r
        for r in RuleSet.objects.filter(group_id__in=groups, status=RuleSetStatus.ADOPTED)
    }
    acked = set(
        RuleAcknowledgement.objects.filter(ruleset__in=in_force.values()).values_list(
            "ruleset__group_id", "user_id"
        )
    )
    missing: dict[int, int] = {}
    for group_id, user_id in (
        Membership.objects.filter(group_id__in=in_force)
        .exclude(status=MembershipStatus.LEFT)
        .values_list("group_id", "user_id")
    ):
        if (group_id, user_id) not in acked:
            missing[group_id] = missing.get(group_id, 0) + 1
    return [
        Entry(
            section=LEADER,
            label=_("Har ikke bekreftet reglementet"),
            count=missing.get(group_id, 0),
            url=reverse("groups:rules", args=[group_id]) + "#ikke-bekreftet",
            context=str(group),
            order=40,
        )
        for group_id, group in groups.items()
        if group_id in in_force
    ]


def _to_acknowledge(user: Any) -> list[Entry]:
    """For a member: the rules in force they have not acknowledged, and the ethical
    guidelines if they wait for them."""
    from groups import services

    memberships = current_memberships(user)
    own = own_rules(user)
    rules, acked = own.in_force, own.acknowledged
    entries = [
        Entry(
            section=MEMBER,
            label=_("Les og bekreft reglementet"),
            url=reverse("groups:rules", args=[m.group_id]),
            context=str(m.group),
            order=30,
        )
        for m in memberships
        if m.group_id in rules and rules[m.group_id].pk not in acked
    ]
    ethics = services.ethics_due(user)
    if ethics is not None:
        entries.append(
            Entry(
                section=MEMBER,
                label=_("Les og bekreft retningslinjene"),
                url=reverse("groups:ethics"),
                context=_(
                    "Versjon %(version)s av de etiske retningslinjene venter på din bekreftelse"
                )
                % {"version": ethics.version},
                order=31,
            )
        )
    return entries


def _health_warnings() -> list[Entry]:
    from groups.health import health_warnings

    failing = health_warnings()
    return [
        Entry(
            section=SITE_ADMIN,
            label=_("Varsler på driftssiden"),
            count=len(failing),
            url=reverse("groups:health"),
            context=", ".join(c.name for c in failing),
            urgent=bool(failing),
            order=10,
        )
    ]


def home_work(user: Any, now: datetime) -> list[Entry]:
    """What waits for ``user`` from the groups app."""
    if not getattr(user, "is_authenticated", False):
        return []
    entries = _missing_acknowledgements(managed_memberships(user, now))
    entries += _to_acknowledge(user)
    if user.is_superuser:
        entries += _health_warnings()
    return entries
