from groups.models.audit import AuditEntry, Heartbeat
from groups.models.groups import (
    BOARD_SEATS,
    BoardRole,
    Committee,
    CommitteeKind,
    CommitteeRole,
    CommitteeSeat,
    CouncilGroup,
    CouncilGroupGroupObjectPermission,
    CouncilGroupUserObjectPermission,
    GroupKind,
    Membership,
    MembershipStatus,
    Seat,
)
from groups.models.privacy import PersonErasure, SweepRun
from groups.models.rules import (
    WEEKDAYS,
    EthicsAcknowledgement,
    EthicsGuidelines,
    RuleAcknowledgement,
    RuleSet,
    RuleSetStatus,
)
from groups.models.users import Gender, User

__all__ = [
    "BOARD_SEATS",
    "WEEKDAYS",
    "AuditEntry",
    "BoardRole",
    "Committee",
    "CommitteeKind",
    "CommitteeRole",
    "CommitteeSeat",
    "CouncilGroup",
    "CouncilGroupGroupObjectPermission",
    "CouncilGroupUserObjectPermission",
    "EthicsAcknowledgement",
    "EthicsGuidelines",
    "Gender",
    "GroupKind",
    "Heartbeat",
    "Membership",
    "MembershipStatus",
    "PersonErasure",
    "RuleAcknowledgement",
    "RuleSet",
    "RuleSetStatus",
    "Seat",
    "SweepRun",
    "User",
]
