"""The engine's vocabulary: the policy, the input (sessions, participants, presence
intervals) and the output (reasons, results, the evaluation), with their validation."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from fractions import Fraction

ROUNDING_POLICIES = ("floor_per_session", "floor_total")
SHARE_BASES = ("session_minutes", "study_hours")
REASON_CODES = (
    "too_few_hours",
    "too_few_participants",
    "decision_meeting",
    "digital_not_allowed",
    "under_age",
    "invalid_session",
)
# What the live view's outlook says (``Outlook.reasons``).
OUTLOOK_CODES = ("hours_missing", "enough_participants", "participants_needed", "not_enough_time")

Key = Hashable

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ONE_US = timedelta(microseconds=1)


def _us(moment: datetime) -> int:
    return (moment - _EPOCH) // _ONE_US


def _require_aware(value: object, what: str) -> None:
    if not isinstance(value, datetime):
        raise ValueError(f"{what} must be a datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        raise ValueError(f"{what} is a naive datetime ({value.isoformat()}); use aware times")


def _require_int(value: object, what: str, minimum: int = 0) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"{what} must be an integer >= {minimum}, got {value!r}")


@dataclass(frozen=True, slots=True)
class Policy:
    """The numbers of the rules (S15): a dated record in the database, plain values here."""

    min_study_hours: int = 4
    min_participants: int = 4
    min_share: Fraction = Fraction(3, 4)
    min_age: int = 14
    leader_counts: bool = True
    rounding: str = "floor_per_session"
    share_base: str = "session_minutes"

    def __post_init__(self) -> None:
        _require_int(self.min_study_hours, "min_study_hours")
        _require_int(self.min_participants, "min_participants")
        _require_int(self.min_age, "min_age")
        if isinstance(self.min_share, bool) or not isinstance(self.min_share, Fraction | int):
            # A float share is refused on purpose: S14 forbids float comparisons.
            raise ValueError(
                f"min_share must be a Fraction (e.g. Fraction(3, 4)), got {self.min_share!r}"
            )
        if not 0 < self.min_share <= 1:
            raise ValueError(f"min_share must be in (0, 1], got {self.min_share}")
        object.__setattr__(self, "min_share", Fraction(self.min_share))
        if not isinstance(self.leader_counts, bool):
            raise ValueError("leader_counts must be True or False")
        if self.rounding not in ROUNDING_POLICIES:
            raise ValueError(
                f"unknown rounding {self.rounding!r}; known: {', '.join(ROUNDING_POLICIES)}"
            )
        if self.share_base not in SHARE_BASES:
            raise ValueError(
                f"unknown share base {self.share_base!r}; known: {', '.join(SHARE_BASES)}"
            )

    def base_minutes(self, minutes_total: int, study_hours: int) -> int:
        """The minutes a share is measured against (S14): see the module docstring."""
        return minutes_total if self.share_base == "session_minutes" else study_hours * 60

    def required_minutes(self, base_minutes: int) -> int:
        """The fewest whole minutes of presence that meet the share (exact ceiling)."""
        share = self.min_share
        return -(-base_minutes * share.numerator // share.denominator)


@dataclass(frozen=True, slots=True)
class Session:
    """A course session. Times are stored in UTC: Python subtracts two datetimes sharing a
    zone by wall clock, which would miscount an evening when daylight saving changes."""

    key: Key
    start: datetime
    end: datetime
    digital: bool = False
    decision_meeting: bool = False
    local_year: int = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        _require_aware(self.start, f"session {self.key!r} start")
        _require_aware(self.end, f"session {self.key!r} end")
        object.__setattr__(self, "local_year", self.start.year)
        object.__setattr__(self, "start", self.start.astimezone(UTC))
        object.__setattr__(self, "end", self.end.astimezone(UTC))


@dataclass(frozen=True, slots=True)
class Participant:
    key: Key
    birth_year: int | None = None
    is_leader: bool = False

    def __post_init__(self) -> None:
        if self.birth_year is not None:
            _require_int(self.birth_year, f"participant {self.key!r} birth_year", 1)


@dataclass(frozen=True, slots=True)
class Presence:
    """One interval of presence; ``participant`` and ``session`` are keys (stored in UTC)."""

    participant: Key
    session: Key
    start: datetime
    end: datetime

    # Integer microseconds since the epoch, computed once here: exact, and fast to compare.
    start_us: int = field(init=False, compare=False, repr=False)
    end_us: int = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        _require_aware(self.start, "presence start")
        _require_aware(self.end, "presence end")
        object.__setattr__(self, "start", self.start.astimezone(UTC))
        object.__setattr__(self, "end", self.end.astimezone(UTC))
        object.__setattr__(self, "start_us", _us(self.start))
        object.__setattr__(self, "end_us", _us(self.end))
        if self.end < self.start:
            raise ValueError(
                f"presence of {self.participant!r} in session {self.session!r} ends "
                f"({self.end.isoformat()}) before it starts ({self.start.isoformat()})"
            )


@dataclass(frozen=True, slots=True)
class Reason:
    """Why the course does not hold, or why one participant does not count.

    ``message`` is plain Norwegian for this module's own readers (tests, logs); a user
    interface says the same in the user's language from ``code``, ``session``,
    ``other_session``, ``participant`` and ``params`` (the numbers in the message).
    """

    code: str
    message: str
    session: Key | None = None
    participant: Key | None = None
    params: tuple[tuple[str, int], ...] = ()
    other_session: Key | None = None  # the session another one overlaps (invalid_session)

    @property
    def blocking(self) -> bool:
        return self.participant is None

    def param(self, name: str) -> int | None:
        return dict(self.params).get(name)


@dataclass(frozen=True, slots=True)
class ParticipantResult:
    key: Key
    minutes_present: int
    share: Fraction
    old_enough: bool
    qualifies: bool
    counts: bool
    minutes_by_session: Mapping[Key, int] = field(default_factory=dict)
    minutes_missing: int = 0  # more minutes the share needed (0 when met); says why "no"


@dataclass(frozen=True, slots=True)
class Evaluation:
    policy: Policy
    study_hours: int
    minutes_total: int
    hours_by_session: Mapping[Key, int]
    minutes_by_session: Mapping[Key, int]
    results: Mapping[Key, ParticipantResult]
    qualifying: frozenset[Key]
    holds: bool
    reasons: tuple[Reason, ...]
    course_year: int | None
    base_minutes: int = 0  # what every share is against (S14): see ``Policy.share_base``

    @property
    def required_minutes(self) -> int:
        """The fewest whole minutes of presence that meet the share (exact ceiling)."""
        return self.policy.required_minutes(self.base_minutes)

    @property
    def reason_codes(self) -> tuple[str, ...]:
        return tuple(r.code for r in self.reasons)
