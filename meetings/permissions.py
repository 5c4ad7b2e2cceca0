"""The one access helper of the meetings app: who may see and who may run a meeting.

- Group members with member rights see their group's meetings; independents (G16), people
  in quarantine (G15) and those who have left see none.
- Party members of a municipal group see group meetings (G8: open to party members);
  party members of a county group see only members' meetings and social gatherings.
- Board meetings (G17) are closed: only the board (leader, deputy, board member, observer)
  and members summoned to that meeting see them, their agenda and their minutes. Site
  admins, who may otherwise look at every group, do not.
- The leader and deputy run every meeting of their group; a faction leader runs the
  faction meetings of their own committee (G5); the local chapter leader calls and runs the
  members' meetings (G26: "Lokallagsleder ... kaller inn til medlemsmøte").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from config.pagecache import remember
from groups.models import Committee, CouncilGroup, Membership, Seat, User
from groups.permissions import (
    active_memberships,
    can_manage_group,
    closed_message,
    membership_in,
    period_closed,
    require_group_manager,
)
from meetings.models import (
    CouncilCase,
    CouncilMeeting,
    CouncilQuestion,
    Meeting,
    MeetingKind,
    QuestionStatus,
)

Perm = Literal["view", "manage"]

_OPEN_KINDS = (MeetingKind.MEMBERS, MeetingKind.SOCIAL)
_GROUP_KINDS = (MeetingKind.GROUP, MeetingKind.FACTION, *_OPEN_KINDS)


def visible_kinds(membership: Membership, group: CouncilGroup) -> tuple[str, ...]:
    """Kinds of meeting a member sees in their group, board meetings aside."""
    if membership.seat == Seat.PARTY_MEMBER:
        return (MeetingKind.GROUP, *_OPEN_KINDS) if group.is_municipal else _OPEN_KINDS
    return _GROUP_KINDS


def visibility_q(user: User | AnonymousUser) -> Q:
    """A filter on Meeting for what ``user`` may see (empty match for nobody)."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    q = Q(pk__in=[])
    memberships = active_memberships(user)
    for m in memberships:
        q |= Q(group_id=m.group_id, kind__in=visible_kinds(m, m.group))
        if m.on_board:
            q |= Q(group_id=m.group_id, kind=MeetingKind.BOARD)
    if memberships:
        summoned = Meeting.summoned.through.objects.filter(
            membership_id__in=[m.pk for m in memberships]
        ).values("meeting_id")
        q |= Q(kind=MeetingKind.BOARD, pk__in=summoned)
    if user.is_superuser:
        q |= ~Q(kind=MeetingKind.BOARD)
    return q


def visible_meetings(user: User | AnonymousUser) -> QuerySet[Meeting]:
    return Meeting.objects.filter(visibility_q(user))


def can_view_meeting(user: User | AnonymousUser, meeting: Meeting) -> bool:
    if not user.is_authenticated:
        return False
    m = membership_in(user, meeting.group_id)
    if meeting.kind == MeetingKind.BOARD:
        return bool(m and (m.on_board or meeting.summoned.filter(pk=m.pk).exists()))
    if m is not None:
        return meeting.kind in visible_kinds(m, meeting.group)
    return bool(user.is_superuser)


def can_manage_meeting(user: User | AnonymousUser, meeting: Meeting) -> bool:
    if not user.is_authenticated or period_closed(meeting.group):
        return False
    m = membership_in(user, meeting.group_id)
    if meeting.kind == MeetingKind.BOARD:
        return bool(m and m.manages_group)
    if m and m.manages_group:
        return True
    if meeting.kind == MeetingKind.FACTION and m is not None and meeting.committee is not None:
        return meeting.committee.faction_leader_id == m.pk
    if meeting.kind == MeetingKind.MEMBERS and is_chapter_leader(m):
        return True
    return bool(user.is_superuser)


def is_chapter_leader(m: Membership | None) -> bool:
    """G2, G26: the local chapter leader (in a county group the county leader), with rights."""
    return bool(
        m is not None
        and m.seat == Seat.CHAPTER_LEADER
        and m.has_member_rights(timezone.localdate())
    )


def led_committees(user: User | AnonymousUser, group_id: int) -> list[Committee]:
    """G5: the committees whose faction the user leads in the group (with member rights)."""
    m = membership_in(user, group_id)
    if m is None:
        return []
    return list(Committee.objects.filter(group_id=group_id, faction_leader=m))


@dataclass(frozen=True)
class MeetingScope:
    """What someone who does not lead the group may set up: faction meetings of the
    committees they lead (G5), members' meetings as the chapter leader (G26)."""

    kinds: tuple[str, ...]
    committees: list[Committee] = field(default_factory=list)


def meeting_scope(user: User | AnonymousUser, group_id: int) -> MeetingScope | None:
    """Which meetings the user may set up in the group: all (None) for its leaders; for a
    faction leader the faction meetings of the committees they lead (G5: "Fraksjonsleder
    har fullmakt til å kalle inn andre til fraksjonsmøte"); for the chapter leader the
    members' meetings (G26); 403 for everyone else."""
    if can_manage_group(user, group_id):
        return None
    led = led_committees(user, group_id)
    kinds: tuple[str, ...] = (MeetingKind.FACTION,) if led else ()
    if is_chapter_leader(membership_in(user, group_id)):
        kinds += (MeetingKind.MEMBERS,)
    if not kinds:
        raise PermissionDenied(
            _(
                "Bare gruppeleder, nestleder, fraksjonsledere (for fraksjonsmøter) og "
                "lokallagsleder (for medlemsmøter) kan gjøre dette."
            )
        )
    return MeetingScope(kinds=kinds, committees=led)


def require_meeting_manager(actor: User | AnonymousUser, meeting: Meeting) -> None:
    """For services: refuse an actor who may not run ``meeting``, and any change to a meeting
    of a closed period (G24)."""
    if period_closed(meeting.group):
        raise PermissionDenied(closed_message(meeting.group))
    if not can_manage_meeting(actor, meeting):
        raise PermissionDenied(_("Bare gruppeleder og nestleder kan gjøre dette."))


def get_meeting_for_user(user: User | AnonymousUser, pk: int, perm: Perm = "view") -> Meeting:
    """The meeting ``pk`` if ``user`` may ``perm`` it: 404 when they may not know it exists,
    403 when they see it but may not run it."""
    meeting = remember(  # kept between writes (config/pagecache.py)
        f"meeting:{pk}",
        lambda: (
            Meeting.objects.select_related("group", "committee", "council_meeting")
            .filter(pk=pk)
            .first()
        ),
        kind="meeting",
    )
    if meeting is None or not can_view_meeting(user, meeting):
        raise Http404
    if perm == "manage":
        require_meeting_manager(user, meeting)
    return meeting


def get_group_for_meetings(
    user: User | AnonymousUser, pk: int, perm: Perm = "view"
) -> tuple[CouncilGroup, Membership | None]:
    """The group and the user's membership in it, for the group-wide meeting pages."""
    try:
        group = CouncilGroup.objects.get(pk=pk)
    except CouncilGroup.DoesNotExist:
        raise Http404 from None
    if not user.is_authenticated:
        raise Http404
    m = membership_in(user, group.pk)
    if m is None and not user.is_superuser:
        raise Http404
    if perm == "manage":
        require_group_manager(user, group.pk)
    return group, m


def can_agree_explanation(actor: User, case: CouncilCase) -> bool:
    """G19: "etter avtale med gruppeleder / fraksjonsleder": the group's leaders, and for a
    committee's case the leader of that committee's faction."""
    cm = case.council_meeting
    if can_manage_group(actor, cm.group_id):
        return True
    faction_leader = cm.committee.faction_leader if cm.committee is not None else None
    return (
        faction_leader is not None
        and faction_leader.user_id == actor.pk
        and faction_leader.has_member_rights(timezone.localdate())
    )


# --- questions and interpellations to the council (G28) -------------------------------------
# What a party member of the chapter sees: what the group has sent to the council.
_SENT = (QuestionStatus.SUBMITTED, QuestionStatus.ANSWERED)


def may_draft_questions(user: User | AnonymousUser, group: CouncilGroup) -> bool:
    """The group's representatives with member rights draft questions; not the chapter's
    party members, and nothing in a closed period."""
    m = membership_in(user, group.pk)
    return m is not None and m.seat != Seat.PARTY_MEMBER and not period_closed(group)


def visible_questions_q(user: User | AnonymousUser, group: CouncilGroup) -> Q:
    """A filter on CouncilQuestion of ``group`` for what ``user`` may see: drafts only to
    their author and the group's leaders; to a party member only what was sent in."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    m = membership_in(user, group.pk)
    base = Q(group_id=group.pk)
    if m is not None and m.manages_group:
        return base
    if m is None and not user.is_superuser:
        return Q(pk__in=[])
    own = Q(author_id=m.pk) if m is not None else Q(pk__in=[])
    if m is not None and m.seat == Seat.PARTY_MEMBER:
        return base & (own | Q(status__in=_SENT))
    return base & (own | ~Q(status=QuestionStatus.DRAFT))


def may_act_on_question(user: User | AnonymousUser, question: CouncilQuestion) -> bool:
    """The author and the group's leaders act on a question (send it for approval, send it
    in, record the answer, withdraw it)."""
    if period_closed(question.group):
        return False
    if can_manage_group(user, question.group_id):
        return True
    m = membership_in(user, question.group_id)
    return m is not None and m.pk == question.author_id


def get_question_for_user(
    user: User | AnonymousUser, pk: int, perm: Literal["view", "act", "approve"] = "view"
) -> CouncilQuestion:
    """The question ``pk`` if ``user`` may see it (404 otherwise), and for ``act`` (author,
    leaders) or ``approve`` (leaders) may do that (403 otherwise)."""
    question = (
        CouncilQuestion.objects.select_related(
            "group", "council_meeting__committee", "author__user", "programme_issue"
        )
        .filter(pk=pk)
        .first()
    )
    if question is None:
        raise Http404
    if not CouncilQuestion.objects.filter(
        visible_questions_q(user, question.group), pk=question.pk
    ).exists():
        raise Http404
    if perm == "approve":
        require_group_manager(user, question.group_id)
    elif perm == "act" and not may_act_on_question(user, question):
        if period_closed(question.group):
            raise PermissionDenied(closed_message(question.group))
        raise PermissionDenied(_("Bare forslagsstilleren og gruppeleder kan gjøre dette."))
    return question


def get_council_meeting_for_user(
    user: User | AnonymousUser, pk: int, perm: Perm = "view"
) -> CouncilMeeting:
    """A council meeting of a group the user may see (404), and for ``manage`` leads (403)."""
    council_meeting = (
        CouncilMeeting.objects.select_related("group", "committee").filter(pk=pk).first()
    )
    group_id = council_meeting.group_id if council_meeting is not None else 0
    get_group_for_meetings(user, group_id, perm)
    assert council_meeting is not None  # noqa: S101 (get_group_for_meetings raised 404)
    return council_meeting
