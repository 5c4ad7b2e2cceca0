"""Presence merging: whole minutes present per participant per session, the union of
their intervals clipped to the session (S16), and presence minus absence."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from itertools import compress
from operator import attrgetter

from attendance.rules.types import Key, Participant, Presence, Session, _us

_MINUTE_US = 60_000_000
_NOBODY = object()  # matches no participant key
_PARTICIPANT = attrgetter("participant")
_SESSION = attrgetter("session")


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
