"""One access helper for the groups app. Views never fetch a group by bare primary key.

A group's data is visible to its members only (a guardian object permission kept in step
with memberships by the services); the leader and deputy manage it.
"""

from __future__ import annotations

from typing import Literal

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from groups.models import SECRETARIAT_GROUP, CouncilGroup, Membership, MembershipStatus, User

Perm = Literal["view", "manage"]

PERMISSION_CODENAMES: dict[str, str] = {
    "view": "groups.view_councilgroup",
    "manage": "groups.manage_councilgroup",
}


def get_group_for_user(user: User | AnonymousUser, pk: int, perm: Perm = "view") -> CouncilGroup:
    """The group ``pk`` if ``user`` may ``perm`` it: 404 when they may not even see it, 403
    when they see it but may not manage it. Site admins may do both."""
    try:
        group = CouncilGroup.objects.get(pk=pk)
    except CouncilGroup.DoesNotExist:
        raise Http404 from None
    if not user.is_authenticated:
        raise Http404
    if user.is_superuser:
        return group
    if not user.has_perm(PERMISSION_CODENAMES["view"], group):
        raise Http404
    if perm == "manage" and not user.has_perm(PERMISSION_CODENAMES["manage"], group):
        raise PermissionDenied(_("Bare gruppeleder og nestleder kan gjøre dette."))
    return group


def membership_for(user: User | AnonymousUser, group: CouncilGroup) -> Membership | None:
    """The user's membership in ``group`` that still counts (not left), or None."""
    if not user.is_authenticated:
        return None
    return (
        Membership.objects.filter(group=group, user=user)
        .exclude(status=MembershipStatus.LEFT)
        .select_related("user")
        .first()
    )


def can_manage(user: User | AnonymousUser, group: CouncilGroup) -> bool:
    return bool(
        user.is_authenticated
        and (user.is_superuser or user.has_perm(PERMISSION_CODENAMES["manage"], group))
    )


# --- member rights today: the one definition every app uses (G1, G2, G15, G16) -------------
def active_memberships(user: User | AnonymousUser) -> list[Membership]:
    """The user's memberships that carry member rights today."""
    if not user.is_authenticated:
        return []
    today = timezone.localdate()
    rows = Membership.objects.filter(user=user).exclude(status=MembershipStatus.LEFT)
    return [m for m in rows.select_related("group") if m.has_member_rights(today)]


def membership_in(user: User | AnonymousUser, group_id: int) -> Membership | None:
    for m in active_memberships(user):
        if m.group_id == group_id:
            return m
    return None


def can_manage_group(user: User | AnonymousUser, group_id: int) -> bool:
    if not user.is_authenticated:
        return False
    m = membership_in(user, group_id)
    return bool(m and m.manages_group) or bool(user.is_superuser)


def require_group_manager(actor: User | AnonymousUser, group_id: int) -> None:
    """For services: refuse an actor who is not the group's leader or deputy (or site admin)."""
    if not can_manage_group(actor, group_id):
        raise PermissionDenied(_("Bare gruppeleder og nestleder kan gjøre dette."))


# --- the party secretariat (E1) -----------------------------------------------------------------
def is_secretariat(user: User | AnonymousUser) -> bool:
    """The party secretariat publishes the ethical guidelines; site admins may too."""
    if not user.is_authenticated:
        return False
    return bool(user.is_superuser) or user.groups.filter(name=SECRETARIAT_GROUP).exists()


def require_secretariat(user: User | AnonymousUser) -> None:
    """For views: 403 for a logged-in user outside the secretariat (the page is no secret)."""
    if not is_secretariat(user):
        raise PermissionDenied(_("Bare sekretariatet har tilgang til denne siden."))
