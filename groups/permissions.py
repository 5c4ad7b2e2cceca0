"""One access helper for the groups app. Views never fetch a group by bare primary key.

A group's data is visible to its members only (a guardian object permission kept in step
with memberships by the services); the leader and deputy manage it.

Each answer (the user's object permissions on a group, their membership in it, their
memberships with member rights today) is looked up once per user object and shared by
every helper, view and template of the request: ``request.user`` is a new object on every
request. A write to a membership, a group or an object permission in this process (signals
connected in ``groups.apps``) makes every such answer stale, so a service that changes
access and checks it again in the same request, or a test, never sees an old one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, Literal

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.core import ObjectPermissionChecker

from config.pagecache import remember
from config.roles import user_roles
from groups.models import (
    SECRETARIAT_GROUP,
    CouncilGroup,
    Membership,
    MembershipStatus,
    PeriodConstitution,
    User,
)

Perm = Literal["view", "manage"]

PERMISSION_CODENAMES: dict[str, str] = {
    "view": "groups.view_councilgroup",
    "manage": "groups.manage_councilgroup",
}

_version = [0]


def access_changed(**_kwargs: Any) -> None:
    """Signal receiver: memberships, groups or object permissions were written."""
    _version[0] += 1


def remembered[T](user: User, key: tuple[object, ...], compute: Callable[[], T]) -> T:
    """``compute()``, remembered on ``user`` until access changes."""
    store: dict[object, Any] = user.__dict__.setdefault("_portal_access", {})
    if store.get("version") != _version[0]:
        store.clear()
        store["version"] = _version[0]
    if key not in store:
        store[key] = compute()
    found: T = store[key]
    return found


def group_perms(user: User, group: CouncilGroup) -> frozenset[str]:
    """The user's object permissions on ``group`` ("groups.view_councilgroup", ...), asked of
    guardian once and kept until the next write (config/pagecache.py; an inactive user has
    none). Site admins are handled by the callers."""
    return remembered(
        user,
        ("perms", group.pk),
        lambda: remember(
            f"perms:{user.pk}:{group.pk}",
            lambda: frozenset(
                f"groups.{codename}" for codename in ObjectPermissionChecker(user).get_perms(group)
            ),
            kind="perms",
        ),
    )


# --- closed periods (G24) ---------------------------------------------------------------------
def period_closed(group: CouncilGroup, on: dt.date | None = None) -> bool:
    """Once the next period has begun, the last one's meetings, minutes and courses stay
    readable and can no longer be edited."""
    return group.is_closed(on or timezone.localdate())


def closed_message(group: CouncilGroup) -> str:
    return _(
        "Perioden %(period)s er avsluttet. Det som ble gjort i perioden kan leses, men ikke endres."
    ) % {"period": group.period_label}


def require_open_period(group: CouncilGroup, on: dt.date | None = None) -> None:
    """For services: refuse any change to a closed period's records."""
    if period_closed(group, on):
        raise PermissionDenied(closed_message(group))


def require_open_period_of(group_id: int) -> None:
    group = (
        CouncilGroup.objects.filter(pk=group_id)
        .only("closed_from", "period_start", "period_end")
        .first()
    )
    if group is not None:
        require_open_period(group)


def get_group_for_user(user: User | AnonymousUser, pk: int, perm: Perm = "view") -> CouncilGroup:
    """The group ``pk`` if ``user`` may ``perm`` it: 404 when they may not even see it, 403
    when they see it but may not manage it (or its period is closed). Site admins may do both."""
    # kept between writes (config/pagecache.py), like the permissions below
    group = remember(
        f"group:{pk}",
        lambda: CouncilGroup.objects.filter(pk=pk).first(),
        kind="group",
    )
    if group is None:
        raise Http404
    if not user.is_authenticated:
        raise Http404
    if user.is_superuser:
        if perm == "manage":
            require_open_period(group)
        return group
    perms = group_perms(user, group)
    if PERMISSION_CODENAMES["view"] not in perms:
        raise Http404
    if perm == "manage" and PERMISSION_CODENAMES["manage"] not in perms:
        raise PermissionDenied(_("Bare gruppeleder og nestleder kan gjøre dette."))
    if perm == "manage":
        require_open_period(group)
    return group


def current_memberships(user: User | AnonymousUser) -> list[Membership]:
    """The user's memberships that still count (not left), with their groups, by the groups'
    names: one query per request, shared by every helper, view and provider of the home page
    that asks about the user's own memberships."""
    if not user.is_authenticated:
        return []

    def compute() -> list[Membership]:
        rows: list[Membership] = remember(  # and kept between writes (config/pagecache.py)
            f"memberships:{user.pk}",
            lambda: list(
                Membership.objects.filter(user=user)
                .exclude(status=MembershipStatus.LEFT)
                .select_related("group")
                .order_by("group__area_name", "pk")
            ),
            kind="memberships",
        )
        for m in rows:
            m.user = user  # the same row: no second read of it
        return rows

    return remembered(user, ("current",), compute)


def membership_for(user: User | AnonymousUser, group: CouncilGroup) -> Membership | None:
    """The user's membership in ``group`` that still counts (not left), or None."""
    return next((m for m in current_memberships(user) if m.group_id == group.pk), None)


def declared_independent(group: CouncilGroup) -> dict[int, Membership]:
    """G16: the memberships in ``group`` (not left) that declare their member independent,
    by user id, with no more than ``Membership.is_independent`` reads. One read per group,
    not per member: the 300 phones checking in to one meeting ask about the same group.
    Kept until a membership changes."""
    return remember(
        f"independents:{group.pk}",
        lambda: {
            m.user_id: m
            for m in Membership.objects.filter(group=group, independent_from__isnull=False)
            .exclude(status=MembershipStatus.LEFT)
            .order_by()
            .only("user_id", "independent_from")
        },
        kind="memberships",
    )


def can_manage(user: User | AnonymousUser, group: CouncilGroup) -> bool:
    if not user.is_authenticated or period_closed(group):
        return False
    return user.is_superuser or PERMISSION_CODENAMES["manage"] in group_perms(user, group)


# --- member rights today: the one definition every app uses (G1, G2, G15, G16) -------------
def active_memberships(user: User | AnonymousUser) -> list[Membership]:
    """The user's memberships that carry member rights today."""
    today = timezone.localdate()
    return [m for m in current_memberships(user) if m.has_member_rights(today)]


def membership_in(user: User | AnonymousUser, group_id: int) -> Membership | None:
    for m in active_memberships(user):
        if m.group_id == group_id:
            return m
    return None


def can_manage_group(user: User | AnonymousUser, group_id: int) -> bool:
    if not user.is_authenticated:
        return False
    group = (
        CouncilGroup.objects.filter(pk=group_id)
        .only("closed_from", "period_start", "period_end")
        .first()
    )
    if group is None or period_closed(group):
        return False
    m = membership_in(user, group_id)
    return bool(m and m.manages_group) or bool(user.is_superuser)


def require_group_manager(actor: User | AnonymousUser, group_id: int) -> None:
    """For services: refuse an actor who is not the group's leader or deputy (or site admin),
    and any change once the group's period is closed."""
    require_open_period_of(group_id)
    if not can_manage_group(actor, group_id):
        raise PermissionDenied(_("Bare gruppeleder og nestleder kan gjøre dette."))


# --- the party secretariat (E1) -----------------------------------------------------------------
def is_secretariat(user: User | AnonymousUser) -> bool:
    """The party secretariat publishes the ethical guidelines; site admins may too."""
    if not user.is_authenticated:
        return False
    return bool(user.is_superuser) or SECRETARIAT_GROUP in user_roles(user)


def require_secretariat(user: User | AnonymousUser) -> None:
    """For views: 403 for a logged-in user outside the secretariat (the page is no secret)."""
    if not is_secretariat(user):
        raise PermissionDenied(_("Bare sekretariatet har tilgang til denne siden."))


# --- the new period's constitution (G24) ------------------------------------------------------
def can_constitute(user: User | AnonymousUser, group: CouncilGroup) -> bool:
    """The convener (the local chapter leader named on the new period) and site admins
    constitute the new group, until its leader and deputy are elected."""
    if not user.is_authenticated or period_closed(group):
        return False
    constitution = PeriodConstitution.objects.filter(group=group).first()
    if constitution is None or constitution.completed_at is not None:
        return False
    return bool(user.is_superuser or constitution.convener_id == user.pk)


def get_group_to_constitute(user: User | AnonymousUser, pk: int) -> CouncilGroup:
    """The new period ``pk`` for its convener: 404 when the user may not see the group (or
    it is no new period), 403 when they see it but may not constitute it."""
    group = get_group_for_user(user, pk, "view")
    if not PeriodConstitution.objects.filter(group=group).exists():
        raise Http404
    if not can_constitute(user, group):
        raise PermissionDenied(
            _(
                "Bare lokallagslederen som kaller inn, og nettstedsadministratorer, kan "
                "konstituere gruppa, og bare til leder og nestleder er valgt."
            )
        )
    return group
