"""The study-work rules engine (S3, S5, S12-S16): pure Python, standard library only.

Input: a course's sessions, its participants and their presence intervals, and the policy
in force (S15). Output: a frozen :class:`Evaluation` with the study hours, every
participant's minutes present, who qualifies, whether the course holds, and every reason
why not. Nothing else in the portal re-implements these rules; ``attendance.engine``
turns database rows into this input, reads the result and says what each reason means in
the user's language (from its code and numbers; ``Reason.message`` is plain Norwegian).

Contract (binding, see issue 4; names may grow, not change):

* Times are timezone-aware ``datetime`` objects; a naive one raises ``ValueError``.
* A session that ends before (or when) it starts is not an error but a reason
  (``invalid_session``); so is a decision meeting (``decision_meeting``, S13), a digital
  session where the plan does not allow it (``digital_not_allowed``, S9), and two sessions
  overlapping in time (``invalid_session``). Such sessions count for nothing, and the
  course does not hold while they are attached.
* Presence intervals may overlap (a member scanned twice, the leader corrected it): the
  union counts, once. Time outside the session the interval belongs to does not count
  (S16: a disqualified member's interval is simply absent from the input).
* Arithmetic is exact: minutes are integers, the share a ``Fraction``; the 75 % test is
  ``minutes_present * den >= minutes_total * num`` (S14), never a float.
* Study hours are whole clock hours (S5), by a named rounding policy:
  ``floor_per_session`` (default: 18:00-20:30 gives 2) or ``floor_total``.
* The age test (S12): born in year ``b``, the participant turns ``min_age`` by the end of
  the course's year ``y`` when ``y - b >= min_age``. An unknown birth year cannot pass it.
  ``y`` is ``course_year`` when given, else the year of the first session in the time zone
  its start was given in.
* The base of the share is a named policy value (S14, S15): ``session_minutes`` (default:
  the counted sessions' clock minutes, "til stede i minst 75 % av tiden") or
  ``study_hours`` (the course's whole study hours in minutes, "75 % av antall godkjente
  studietimer"). ``Evaluation.base_minutes`` is that base; every share is against it.
* A participant ``qualifies`` when present at least ``min_share`` of the base minutes
  and old enough (this entitles them to a certificate, S8). They ``count`` towards the
  minimum number of participants when they qualify and, for the course leader, when the
  policy says the leader counts (S13). ``Evaluation.qualifying`` holds those who count.
* The course ``holds`` when it has at least ``min_study_hours`` study hours and at least
  ``min_participants`` counting participants (with an approved exemption, S4, at least
  ``exemption_minimum`` (the group's number of representatives) when given, else one),
  and no session is invalid. ``reasons`` lists every course-level reason why not,
  followed by participant-level notes (``Reason.participant`` set), which do not block
  the course: ``holds == all(r.participant is not None for r in reasons)``.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from fractions import Fraction
from itertools import compress
from operator import attrgetter
from types import MappingProxyType

__all__ = [
    "OUTLOOK_CODES",
    "REASON_CODES",
    "ROUNDING_POLICIES",
    "SHARE_BASES",
    "Evaluation",
    "Outlook",
    "Participant",
    "ParticipantOutlook",
    "ParticipantResult",
    "Policy",
    "Presence",
    "Reason",
    "Session",
    "evaluate",
    "outlook",
    "subtract",
]

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

_MINUTE = timedelta(minutes=1)
_MINUTE_US = 60_000_000
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ONE_US = timedelta(microseconds=1)
_NOBODY = object()  # matches no participant key
_PARTICIPANT = attrgetter("participant")
_SESSION = attrgetter("session")


def _us(moment: datetime) -> int:
    return (moment - _EPOCH) // _ONE_US


Key = Hashable


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


def _minutes(delta: timedelta) -> int:
    return delta // _MINUTE


def _session_problems(
    sessions: list[Session], digital_allowed: bool
) -> tuple[dict[Key, Session], list[Reason]]:
    """The sessions that count, and a reason for each one that does not."""
    reasons: list[Reason] = []
    bad: set[Key] = set()
    ordered = sorted(sessions, key=lambda s: (s.start, s.end, repr(s.key)))
    for s in ordered:
        if s.end <= s.start:
            bad.add(s.key)
            reasons.append(
                Reason(
                    "invalid_session",
                    f"Samlingen {s.key} slutter før den begynner, eller varer ingen tid.",
                    session=s.key,
                )
            )
        if s.decision_meeting:
            bad.add(s.key)
            reasons.append(
                Reason(
                    "decision_meeting",
                    f"Samlingen {s.key} er et beslutningsmøte (styremøte eller årsmøte) og "
                    "kan ikke være studiearbeid.",
                    session=s.key,
                )
            )
        if s.digital and not digital_allowed:
            bad.add(s.key)
            reasons.append(
                Reason(
                    "digital_not_allowed",
                    f"Samlingen {s.key} er digital, men studieplanen tillater ikke digitale "
                    "samlinger.",
                    session=s.key,
                )
            )
    valid_in_time = [s for s in ordered if s.end > s.start]
    latest_end: Session | None = None
    for s in valid_in_time:
        if latest_end is not None and s.start < latest_end.end:
            bad.update((s.key, latest_end.key))
            reasons.append(
                Reason(
                    "invalid_session",
                    f"Samlingene {latest_end.key} og {s.key} overlapper i tid; samme tid kan "
                    "bare telle én gang.",
                    session=s.key,
                    other_session=latest_end.key,
                )
            )
        if latest_end is None or s.end > latest_end.end:
            latest_end = s
    counted = {s.key: s for s in ordered if s.key not in bad}
    return counted, reasons


def _index(
    sessions: Iterable[Session], participants: Iterable[Participant]
) -> tuple[list[Session], dict[Key, Participant]]:
    session_list = list(sessions)
    seen: set[Key] = set()
    for s in session_list:
        if not isinstance(s, Session):
            raise ValueError(f"sessions must hold Session objects, got {type(s).__name__}")
        if s.key in seen:
            raise ValueError(f"session key {s.key!r} appears twice")
        seen.add(s.key)
    people: dict[Key, Participant] = {}
    for p in participants:
        if not isinstance(p, Participant):
            raise ValueError(f"participants must hold Participant objects, got {type(p).__name__}")
        if p.key in people:
            raise ValueError(f"participant key {p.key!r} appears twice")
        people[p.key] = p
    return session_list, people


def _union_us(bounds: list[int]) -> int:
    """The length of the union of non-empty intervals given flat: start, end, start, ..."""
    intervals = sorted(zip(bounds[::2], bounds[1::2], strict=True))
    total = 0
    cur_start, cur_end = intervals[0]
    for a, b in intervals[1:]:
        if a > cur_end:
            total += cur_end - cur_start
            cur_start, cur_end = a, b
        elif b > cur_end:
            cur_end = b
    return total + (cur_end - cur_start)


def _present_by_session(
    presences: Iterable[Presence],
    counted: Mapping[Key, Session],
    all_sessions: set[Key],
    people: Mapping[Key, Participant],
    until: datetime | None = None,
) -> dict[Key, dict[Key, int]]:
    """Whole minutes present, per participant (every one of ``people``) per counted session
    they were in: the union of their intervals, each clipped to its own session.

    The hot loop of the engine: one pass over the intervals, on integer microseconds. The
    common case, one interval per (participant, session), stores its minutes at once and
    allocates nothing. Further intervals of a pair that follow its first one directly (a
    double scan; the pieces ``subtract`` leaves) are joined on the way, as a run. A pair
    with an interval anywhere else is ``scattered``: all its intervals are gathered again
    after the loop, in one filtering pass, so the work stays linear in any order."""
    items = presences if isinstance(presences, list | tuple) else list(presences)
    limit = _us(until) if until is not None else None
    # Session bounds as integers, once; a session that does not count gets bounds that no
    # interval fits in (1 > 0), so the loop needs no test for it.
    spans: dict[Key, tuple[int, int]] = dict.fromkeys(all_sessions, (1, 0))
    for key, s in counted.items():
        s_start, s_end = _us(s.start), _us(s.end)
        spans[key] = (s_start, s_end if limit is None or s_end < limit else limit)
    acc: dict[Key, dict[Key, int]] = {key: {} for key in people}
    run: list[int] = []  # the bounds of the current run, flat: start, end, start, ...
    run_last: Presence | None = None  # the item that ended it
    scattered: set[tuple[Key, Key]] = set()
    get_person = acc.get
    last: object = _NOBODY  # the participant key of the item before (identity cache)
    per: dict[Key, int] = {}
    before: Presence | None = None
    session: Key = None
    try:
        for pr in items:
            person = pr.participant
            if person is not last:
                found = get_person(person)
                if found is None:
                    raise ValueError(f"presence names unknown participant {person!r}")
                per, last = found, person
            session = pr.session
            s0, s1 = spans[session]
            a = pr.start_us
            if a < s0:
                a = s0
            b = pr.end_us
            if b > s1:
                b = s1
            if b > a:
                if session not in per:
                    per[session] = (b - a) // _MINUTE_US
                # A second (third, ...) interval of the pair: rare, off the fast path. All
                # but the first non-empty interval of a pair come here, so when the item
                # before is of the pair and did not extend a run, it is the first (if not
                # empty). Anything else is scattered, and what is stored here is replaced.
                elif (
                    before is not None
                    and before.session == session
                    and before.participant == person
                ):
                    if before is run_last:  # the run of this pair goes on
                        run += (a, b)
                        per[session] = _union_us(run) // _MINUTE_US
                        run_last = pr
                    else:
                        c = before.start_us
                        if c < s0:
                            c = s0
                        d = before.end_us
                        if d > s1:
                            d = s1
                        if d > c:  # a run of two: the first interval and this one
                            run = [c, d, a, b]
                            run_last = pr
                            if a <= d and c <= b:  # overlapping or touching: one span
                                both = (b if b > d else d) - (a if a < c else c)
                            else:
                                both = (b - a) + (d - c)
                            per[session] = both // _MINUTE_US
                        else:
                            scattered.add((person, session))
                else:
                    scattered.add((person, session))
            before = pr
    except KeyError:
        if session in spans:
            raise
        raise ValueError(f"presence names unknown session {session!r}") from None
    except AttributeError:
        for item in items:
            if not isinstance(item, Presence):
                raise ValueError(
                    f"presences must hold Presence objects, got {type(item).__name__}"
                ) from None
        raise
    if scattered:
        gathered: dict[tuple[Key, Key], list[int]] = {pair: [] for pair in scattered}
        wanted = map(
            scattered.__contains__, zip(map(_PARTICIPANT, items), map(_SESSION, items), strict=True)
        )
        for item in compress(items, wanted):
            s0, s1 = spans[item.session]
            a = item.start_us if item.start_us > s0 else s0
            b = item.end_us if item.end_us < s1 else s1
            if b > a:
                gathered[item.participant, item.session] += (a, b)
        for (person, session), bounds in gathered.items():
            acc[person][session] = _union_us(bounds) // _MINUTE_US
    return acc


def _study_hours(minutes_by_session: Mapping[Key, int]) -> dict[Key, int]:
    # Under floor_total the per-session figures are for display only; the total is floored
    # once over the whole course (_total_hours).
    return {k: m // 60 for k, m in minutes_by_session.items()}


def _total_hours(policy: Policy, minutes_by_session: Mapping[Key, int]) -> int:
    if policy.rounding == "floor_per_session":
        return sum(m // 60 for m in minutes_by_session.values())
    return sum(minutes_by_session.values()) // 60


def _hours_text(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if rest == 0:
        return f"{hours} time" if hours == 1 else f"{hours} timer"
    return f"{hours} t {rest} min"


@dataclass(frozen=True, slots=True)
class _Course:
    """What ``evaluate`` and ``outlook`` both start from."""

    people: dict[Key, Participant]
    counted: dict[Key, Session]  # the sessions that count
    session_reasons: list[Reason]  # why the others do not
    minutes_by_session: dict[Key, int]
    minutes_total: int
    study_hours: int
    course_year: int | None
    present: dict[Key, dict[Key, int]]  # minutes per participant per session


def _prepare(
    sessions: Iterable[Session],
    participants: Iterable[Participant],
    presences: Iterable[Presence],
    policy: Policy,
    *,
    digital_allowed: bool,
    course_year: int | None,
    until: datetime | None = None,
) -> _Course:
    if not isinstance(policy, Policy):
        raise ValueError(f"policy must be a Policy, got {type(policy).__name__}")
    session_list, people = _index(sessions, participants)
    counted, reasons = _session_problems(session_list, digital_allowed)
    minutes_by_session = {k: _minutes(s.end - s.start) for k, s in counted.items()}
    if course_year is None and session_list:
        course_year = min(session_list, key=lambda s: s.start).local_year
    all_sessions = {s.key for s in session_list}
    return _Course(
        people=people,
        counted=counted,
        session_reasons=reasons,
        minutes_by_session=minutes_by_session,
        minutes_total=sum(minutes_by_session.values()),
        study_hours=_total_hours(policy, minutes_by_session),
        course_year=course_year,
        present=_present_by_session(presences, counted, all_sessions, people, until),
    )


def _old_enough(person: Participant, course_year: int | None, policy: Policy) -> bool:
    """S12: turns ``min_age`` by the end of the course's year (birth year is enough)."""
    return (
        person.birth_year is not None
        and course_year is not None
        and course_year - person.birth_year >= policy.min_age
    )


def _under_age(person: Participant, course_year: int | None, policy: Policy) -> Reason:
    key, birth_year, min_age = person.key, person.birth_year, policy.min_age
    params = [("min_age", min_age)]
    if birth_year is None:
        message = (
            f"Deltaker {key} mangler fødselsår, så alderskravet ({min_age} år "
            "innen utgangen av kursåret) kan ikke kontrolleres."
        )
    else:
        message = (
            f"Deltaker {key} fyller ikke {min_age} år innen utgangen av "
            f"{course_year} og teller ikke med."
        )
        params.append(("birth_year", birth_year))
    if course_year is not None:
        params.append(("course_year", course_year))
    return Reason("under_age", message, participant=key, params=tuple(params))


def evaluate(
    sessions: Iterable[Session],
    participants: Iterable[Participant],
    presences: Iterable[Presence],
    policy: Policy,
    *,
    exemption: bool = False,
    exemption_minimum: int | None = None,
    digital_allowed: bool = True,
    course_year: int | None = None,
) -> Evaluation:
    """Judge a course from its sessions and presence alone. See the module docstring."""
    course = _prepare(
        sessions,
        participants,
        presences,
        policy,
        digital_allowed=digital_allowed,
        course_year=course_year,
    )
    minutes_total, study_hours = course.minutes_total, course.study_hours
    base = policy.base_minutes(minutes_total, study_hours)
    required = policy.required_minutes(base)
    share = policy.min_share
    shares: dict[int, Fraction] = {}  # equal minutes, equal share: build each Fraction once
    results: dict[Key, ParticipantResult] = {}
    notes: list[Reason] = []
    qualifying: set[Key] = set()
    met_share = 0  # present enough, whether or not they count (S3, S12: counts that match)
    for key, person in course.people.items():
        per_session = course.present[key]
        got = sum(per_session.values())
        # S14: exact integer arithmetic, never a rounded percentage.
        meets_share = base > 0 and got * share.denominator >= base * share.numerator
        met_share += meets_share
        old_enough = _old_enough(person, course.course_year, policy)
        if not old_enough:
            notes.append(_under_age(person, course.course_year, policy))
        qualifies = meets_share and old_enough
        counts = qualifies and (policy.leader_counts or not person.is_leader)
        if counts:
            qualifying.add(key)
        if got not in shares:
            shares[got] = Fraction(got, base) if base else Fraction(0)
        results[key] = ParticipantResult(
            key,
            got,
            shares[got],
            old_enough,
            qualifies,
            counts,
            MappingProxyType(per_session),
            max(required - got, 0) if base and not meets_share else 0,
        )

    reasons = course.session_reasons
    if study_hours < policy.min_study_hours:
        reasons.append(
            Reason(
                "too_few_hours",
                f"Kurset har {study_hours} hele studietimer; det må ha minst "
                f"{policy.min_study_hours}.",
                params=(("study_hours", study_hours), ("min_study_hours", policy.min_study_hours)),
            )
        )
    needed = _needed(policy, exemption, exemption_minimum)
    if len(qualifying) < needed:
        if exemption:
            message = (
                f"Kurset har {len(qualifying)} deltakere som har vært til stede minst "
                f"{_percent(policy.min_share)} av tiden; selv med unntak må minst "
                f"{'én' if needed == 1 else needed} delta."
            )
        else:
            message = (
                f"Kurset har {len(qualifying)} deltakere som har vært til stede minst "
                f"{_percent(policy.min_share)} av tiden; det må ha minst {needed}."
            )
        reasons.append(
            Reason(
                "too_few_participants",
                message,
                params=(
                    ("qualifying", len(qualifying)),
                    ("min_participants", needed),
                    ("exemption", int(exemption)),
                    ("met_share", met_share),
                ),
            )
        )
    notes.sort(key=lambda r: repr(r.participant))
    return Evaluation(
        policy=policy,
        study_hours=study_hours,
        minutes_total=minutes_total,
        hours_by_session=MappingProxyType(_study_hours(course.minutes_by_session)),
        minutes_by_session=MappingProxyType(course.minutes_by_session),
        results=MappingProxyType(results),
        qualifying=frozenset(qualifying),
        holds=not reasons,
        reasons=(*reasons, *notes),
        course_year=course.course_year,
        base_minutes=base,
    )


def _needed(policy: Policy, exemption: bool, exemption_minimum: int | None) -> int:
    """S4: a granted exemption lowers the minimum to the group's number of representatives
    (``exemption_minimum``), never below one and never above the policy's minimum."""
    if not exemption:
        return policy.min_participants
    if exemption_minimum is None:
        return min(policy.min_participants, 1)
    _require_int(exemption_minimum, "exemption_minimum", 1)
    return min(policy.min_participants, exemption_minimum)


def _percent(share: Fraction) -> str:
    value = share * 100
    if value.denominator == 1:
        return f"{value.numerator} %"
    return f"{float(value):.1f} %".replace(".", ",")


# --- The live view: what is still needed --------------------------------------------------


@dataclass(frozen=True, slots=True)
class ParticipantOutlook:
    key: Key
    minutes_so_far: int
    minutes_needed: int  # more minutes, from now on, to reach the share; 0 when reached
    can_still_qualify: bool


@dataclass(frozen=True, slots=True)
class Outlook:
    """What a course still needs at ``now``, assuming everyone attends from now on."""

    minutes_total: int
    minutes_remaining: int
    required_minutes: int
    hours_missing: int
    qualified_so_far: frozenset[Key]
    more_participants_needed: int
    minutes_each: int  # how long each of them must still attend
    possible: bool
    participants: Mapping[Key, ParticipantOutlook]
    messages: tuple[str, ...]  # the ``message`` of each of ``reasons``
    reasons: tuple[Reason, ...] = ()  # codes from OUTLOOK_CODES, the numbers in ``params``


def outlook(
    sessions: Iterable[Session],
    participants: Iterable[Participant],
    presences: Iterable[Presence],
    policy: Policy,
    *,
    now: datetime,
    exemption: bool = False,
    exemption_minimum: int | None = None,
    digital_allowed: bool = True,
    course_year: int | None = None,
) -> Outlook:
    """From the presence recorded up to ``now``: who can still reach the share, and how
    many more participants must attend how much of the remaining time for the course to
    hold. A participant not yet seen at all can still come: they count as a newcomer."""
    _require_aware(now, "now")
    now = now.astimezone(UTC)
    course = _prepare(
        sessions,
        participants,
        presences,
        policy,
        digital_allowed=digital_allowed,
        course_year=course_year,
        until=now,
    )
    minutes_total = course.minutes_total
    remaining = sum(
        _minutes(s.end - max(s.start, now)) for s in course.counted.values() if s.end > now
    )
    hours_missing = max(0, policy.min_study_hours - course.study_hours)
    base = policy.base_minutes(minutes_total, course.study_hours)
    required = policy.required_minutes(base)
    per: dict[Key, ParticipantOutlook] = {}
    qualified: set[Key] = set()
    candidates: list[int] = []
    for key, person in course.people.items():
        got = sum(course.present[key].values())
        need = max(0, required - got)
        old_enough = _old_enough(person, course.course_year, policy)
        counts_if_qualified = old_enough and (policy.leader_counts or not person.is_leader)
        can = base > 0 and need <= remaining and old_enough
        per[key] = ParticipantOutlook(key, got, need, can)
        if not counts_if_qualified or base == 0:
            continue
        if need == 0:
            qualified.add(key)
        elif need <= remaining:
            candidates.append(need)
    target = _needed(policy, exemption, exemption_minimum)
    missing = max(0, target - len(qualified))
    candidates.sort()
    # Newcomers can fill the gap when the rest of the course alone meets the share.
    while len(candidates) < missing and base > 0 and required <= remaining:
        candidates.append(required)
    possible = hours_missing == 0 and len(candidates) >= missing and base > 0
    minutes_each = candidates[missing - 1] if missing and len(candidates) >= missing else 0
    notes: list[Reason] = []
    if hours_missing:
        notes.append(
            Reason(
                "hours_missing",
                f"Kurset mangler {hours_missing} hele studietimer; legg til flere samlinger.",
                params=(("hours_missing", hours_missing),),
            )
        )
    if missing == 0:
        notes.append(
            Reason(
                "enough_participants",
                f"{len(qualified)} deltakere har allerede nok frammøte til at kurset holder.",
                params=(("qualified", len(qualified)),),
            )
        )
    elif len(candidates) >= missing:
        who = "1 deltaker til må" if missing == 1 else f"{missing} deltakere til må"
        notes.append(
            Reason(
                "participants_needed",
                f"{who} delta {_hours_text(minutes_each)} av den gjenstående tiden.",
                params=(("missing", missing), ("minutes_each", minutes_each)),
            )
        )
    else:
        notes.append(
            Reason(
                "not_enough_time",
                f"Det trengs {missing} deltakere til, men det er ikke nok tid igjen til at så "
                "mange når kravet.",
                params=(("missing", missing),),
            )
        )
    return Outlook(
        minutes_total=minutes_total,
        minutes_remaining=remaining,
        required_minutes=required,
        hours_missing=hours_missing,
        qualified_so_far=frozenset(qualified),
        more_participants_needed=missing,
        minutes_each=minutes_each,
        possible=possible,
        participants=MappingProxyType(per),
        messages=tuple(r.message for r in notes),
        reasons=tuple(notes),
    )


def subtract(presences: Iterable[Presence], absences: Iterable[Presence]) -> list[Presence]:
    """Presence minus absence, per participant and session (S16: a member declared
    disqualified on an agenda item is out of the room from ``left_at`` to ``returned_at``).
    The result holds only non-empty intervals; input order is kept."""
    holes: dict[tuple[Key, Key], list[tuple[datetime, datetime]]] = {}
    for hole in absences:
        holes.setdefault((hole.participant, hole.session), []).append((hole.start, hole.end))
    out: list[Presence] = []
    for pr in presences:
        pieces = [(pr.start, pr.end)]
        for h_start, h_end in sorted(holes.get((pr.participant, pr.session), ())):
            next_pieces: list[tuple[datetime, datetime]] = []
            for a, b in pieces:
                if h_end <= a or h_start >= b:
                    next_pieces.append((a, b))
                    continue
                if a < h_start:
                    next_pieces.append((a, h_start))
                if h_end < b:
                    next_pieces.append((h_end, b))
            pieces = next_pieces
        out.extend(Presence(pr.participant, pr.session, a, b) for a, b in pieces if b > a)
    return out
