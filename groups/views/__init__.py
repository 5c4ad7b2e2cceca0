"""Views of the groups app: the member's own pages, groups and members, committees,
the rules and operations. One module per sub-domain; urls.py reads the names here."""

from groups.views.committees import committee_create, committee_detail
from groups.views.ethics import ethics, ethics_admin, ethics_publish, ethics_version
from groups.views.health import health, health_live
from groups.views.home import home, profile
from groups.views.membership import (
    group_create,
    group_detail,
    member_add,
    membership_edit,
    membership_independent,
    membership_leave,
    transfer_approve,
    transfer_propose,
)
from groups.views.periods import (
    constitution,
    constitution_elect,
    constitution_seats,
    period_open,
    rules_send,
)
from groups.views.rules import (
    rules,
    rules_acknowledge,
    rules_decide,
    rules_list,
    rules_pdf,
    rules_propose,
    rules_version,
)

__all__ = [
    "committee_create",
    "committee_detail",
    "constitution",
    "constitution_elect",
    "constitution_seats",
    "ethics",
    "ethics_admin",
    "ethics_publish",
    "ethics_version",
    "group_create",
    "group_detail",
    "health",
    "health_live",
    "home",
    "member_add",
    "membership_edit",
    "membership_independent",
    "membership_leave",
    "period_open",
    "profile",
    "rules",
    "rules_acknowledge",
    "rules_decide",
    "rules_list",
    "rules_pdf",
    "rules_propose",
    "rules_send",
    "rules_version",
    "transfer_approve",
    "transfer_propose",
]
