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
from groups.services.dispatch import (
    ethics_ask_acknowledgement,
    rules_delivery_send,
    rules_dispatch_to_all,
    rules_recipients,
    rules_send,
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
from groups.services.periods import (
    constitution_convene,
    constitution_elect,
    constitution_member_add,
    constitution_seats,
    pending_seats,
    period_ask_acknowledgements,
    period_check,
    period_open,
    summoned_members,
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
    "constitution_convene",
    "constitution_elect",
    "constitution_member_add",
    "constitution_seats",
    "elected_representatives",
    "ethics_acknowledge",
    "ethics_ask_acknowledgement",
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
    "pending_seats",
    "period_ask_acknowledgements",
    "period_check",
    "period_open",
    "rules_acknowledge",
    "rules_delivery_send",
    "rules_dispatch_to_all",
    "rules_in_force",
    "rules_recipients",
    "rules_send",
    "ruleset_decide",
    "ruleset_document",
    "ruleset_propose",
    "sections_from_text",
    "sections_to_text",
    "summoned_members",
    "transfer_approve",
    "transfer_propose",
    "user_get_or_invite",
    "user_update_profile",
]
