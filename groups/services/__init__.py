"""Every write of the groups app: one function each, atomic, audited. Refusals raise
ValidationError with a Norwegian message; views show it on the form.

One module per sub-domain; everything is re-exported here, as in ``meetings.services``."""

from groups.services.committees import (
    committee_create,
    committee_seat_add,
    committee_seat_remove,
    faction_leader_elect,
    faction_members,
)
from groups.services.common import (
    membership_sync_permissions,
)
from groups.services.ethics import (
    Section,
    elected_representatives,
    ethics_acknowledge,
    ethics_changes,
    ethics_due,
    ethics_in_force,
    ethics_publish,
    sections_from_text,
    sections_to_text,
)
from groups.services.members import (
    group_create,
    member_add,
    membership_declare_independent,
    membership_leave,
    membership_update,
    rules_in_force,
    transfer_approve,
    transfer_propose,
    user_get_or_invite,
    user_update_profile,
)
from groups.services.rules import (
    RuleFields,
    rules_acknowledge,
    ruleset_decide,
    ruleset_document,
    ruleset_propose,
)

__all__ = [
    "RuleFields",
    "Section",
    "committee_create",
    "committee_seat_add",
    "committee_seat_remove",
    "elected_representatives",
    "ethics_acknowledge",
    "ethics_changes",
    "ethics_due",
    "ethics_in_force",
    "ethics_publish",
    "faction_leader_elect",
    "faction_members",
    "group_create",
    "member_add",
    "membership_declare_independent",
    "membership_leave",
    "membership_sync_permissions",
    "membership_update",
    "rules_acknowledge",
    "rules_in_force",
    "ruleset_decide",
    "ruleset_document",
    "ruleset_propose",
    "sections_from_text",
    "sections_to_text",
    "transfer_approve",
    "transfer_propose",
    "user_get_or_invite",
    "user_update_profile",
]
