"""Shared by the groups services: object permissions kept in step with memberships, the
manager check."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from groups.models import (
    CouncilGroup,
    Membership,
    MembershipStatus,
    User,
)
from groups.permissions import PERMISSION_CODENAMES, can_manage, require_open_period


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
    require_open_period(group)
    if not can_manage(actor, group):
        raise PermissionDenied(_("Bare gruppeleder og nestleder kan gjøre dette."))


def _today() -> dt.date:
    return timezone.localdate()
