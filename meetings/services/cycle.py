"""The year's cycle (årshjul, G27): loading the booklet's defaults for a group's period,
the year view's entries with their state, the leader's changes, and the reminders.

The state of an entry is read from the portal's data where the portal can know it: an
adopted half-year plan (G7), social gatherings held (G21), members' meetings held (G26),
the rules sent to the members (G23), the meeting the leader linked (the budget's group
meeting) having been held, a programme issue presented (E2). Where the portal cannot know
(the council treated the planning strategy, the testament was presented), the leader marks
the entry done.

Reminders: ``cycle_reminders_send_due`` is a beat sweep (hourly). It sends the responsible
person (the named member, else the member holding the responsible role, else the leader)
one e-mail per entry, lead (``meetings.cycle.REMINDER_LEADS``: 14 and 3 days before) and
deadline, in their language, from 07:00 Oslo time. A row in ``CycleReminder`` (unique per
entry, person, lead and deadline) is written in the transaction that sends the e-mail.
Guarantee: at least once; a worker killed between the mail server's acceptance and the
commit sends again on the next sweep, with the same Message-ID, so clients show one.
Nothing is sent for work that is done, for a closed period, or after the deadline.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext as _

from config.dates import day as written_day
from config.mail import send as send_mail
from config.outbox import message_id
from groups.audit import audit
from groups.models import (
    BoardRole,
    CouncilGroup,
    Membership,
    MembershipStatus,
    RulesDispatch,
    RulesDispatchKind,
    Seat,
    User,
)
from groups.permissions import closed_message, period_closed, require_group_manager
from meetings import cycle as rules
from meetings.models import (
    DEFAULTS,
    CouncilMeeting,
    CycleDefault,
    CycleEntry,
    CycleKey,
    CycleReminder,
    CycleRole,
    Meeting,
    MeetingKind,
    MeetingPlan,
    MeetingStatus,
    PlanStatus,
    ProgrammeIssue,
    ProgrammeStatus,
)

log = logging.getLogger(__name__)

_PROGRAMME_DONE = (ProgrammeStatus.PRESENTED, ProgrammeStatus.ACHIEVED, ProgrammeStatus.DROPPED)
# Meetings a leader may link an entry to (where the budget or the plan is treated)
LINKABLE_KINDS = (MeetingKind.GROUP, MeetingKind.BOARD, MeetingKind.MEMBERS)
# Entries whose state the portal reads from its own data, not from a linked meeting
SEEN_BY_PORTAL = (CycleKey.MEETING_PLAN, CycleKey.SOCIAL, CycleKey.MEMBERS, CycleKey.RULES)


def state_label(state: str) -> str:
    return {
        rules.DONE: _("Gjort"),
        rules.DUE: _("Snart frist"),
        rules.LATE: _("Over fristen"),
        rules.UPCOMING: _("Kommer"),
    }[state]


# --- loading the defaults for a period -------------------------------------------------
def _years_for(default: CycleDefault, group: CouncilGroup) -> list[int]:
    years = list(rules.period_years(group.period_start, group.period_end))
    if default.scope == "first":
        return years[:1]
    if default.scope == "last":
        return years[-1:]
    return years


def _in_scope(default: CycleDefault, group: CouncilGroup, year: int) -> bool:
    """A yearly entry belongs to the period when its default date (without council dates)
    falls inside it; once-entries always do."""
    if default.scope != "year":
        return True
    due = rules.default_due(
        default.rule, year=year, period_start=group.period_start, period_end=group.period_end
    )
    return rules.in_period(due, group.period_start, group.period_end)


def _carried_over(group: CouncilGroup, model: Any) -> dict[tuple[str, int], CycleEntry]:
    """The last period's latest entry of each kind: its adjusted month and day and its
    responsible role carry over into the new period."""
    if group.previous_period_id is None:
        return {}
    found: dict[tuple[str, int], CycleEntry] = {}
    for entry in model.objects.filter(group_id=group.previous_period_id).order_by("year"):
        found[(entry.key, entry.seq)] = entry
    return found


def entries_missing(
    group: CouncilGroup, existing: set[tuple[str, int, int]], *, model: Any = CycleEntry
) -> list[CycleEntry]:
    """The period's entries from the defaults that are not in ``existing`` (key, year,
    seq), unsaved. Reads only. ``model`` is ``CycleEntry`` (a data migration passes its
    historical model)."""
    previous = _carried_over(group, model)
    new: list[CycleEntry] = []
    for default in DEFAULTS:
        for year in _years_for(default, group):
            if (default.key, year, default.seq) in existing or not _in_scope(default, group, year):
                continue
            entry = model(
                group=group,
                key=default.key,
                year=year,
                seq=default.seq,
                responsible_role=default.role,
            )
            before = previous.get((default.key, default.seq))
            if before is not None:
                entry.responsible_role = before.responsible_role
                if before.due_on is not None and default.scope == "year":
                    moved = rules.on_month_day(year, before.due_on.month, before.due_on.day)
                    if rules.in_period(moved, group.period_start, group.period_end):
                        entry.due_on = moved
            new.append(entry)
    return new


def cycle_load(group: CouncilGroup) -> int:
    """Create the period's entries from the defaults where they are missing; idempotent
    (the unique constraint drops a second copy). Returns how many were created.

    Called when a period is created (``PERIOD_CREATED``, filled in ``MeetingsConfig.ready``),
    by the data migration for the periods from before, and by the reminder sweep. The year
    view and the calendar feed never write: what is still missing they show from the
    defaults (``occurrences``)."""
    existing = set(CycleEntry.objects.filter(group=group).values_list("key", "year", "seq"))
    new = entries_missing(group, existing)
    if not new:
        return 0
    with transaction.atomic():
        created = CycleEntry.objects.bulk_create(new, ignore_conflicts=True)
        audit(actor=None, action="meeting.cycle_load", group=group, entries=len(created))
    return len(new)


# --- the year view ---------------------------------------------------------------------
@dataclass
class Occurrence:
    """One deadline of the year view: a stored entry or a programme issue (E2)."""

    uid: str
    title: str
    hint: str
    due: dt.date
    default_due: dt.date | None
    state: str
    by_portal: bool
    responsible: Membership | None
    role_label: str
    url: str
    link_label: str
    entry: CycleEntry | None = None
    issue: ProgrammeIssue | None = None

    @property
    def state_label(self) -> str:
        return state_label(self.state)

    @property
    def updated_at(self) -> dt.datetime | None:
        if self.entry is not None:
            return self.entry.updated_at
        return self.issue.updated_at if self.issue is not None else None


class _Facts:
    """What the portal knows about a group's period, read once per view or sweep."""

    def __init__(self, group: CouncilGroup, now: dt.datetime) -> None:
        self.group = group
        self.now = now
        self.council_dates = tuple(
            timezone.localtime(s).date()
            for s in CouncilMeeting.objects.filter(group=group, committee__isnull=True).values_list(
                "starts_at", flat=True
            )
        )
        self.adopted = set(
            MeetingPlan.objects.filter(group=group, status=PlanStatus.ADOPTED).values_list(
                "year", "half"
            )
        )
        held = Meeting.objects.filter(
            group=group, kind__in=(MeetingKind.SOCIAL, MeetingKind.MEMBERS), starts_at__lte=now
        ).exclude(status=MeetingStatus.CANCELLED)
        self.held: dict[tuple[str, int], int] = {}
        for kind, starts in held.values_list("kind", "starts_at"):
            key = (kind, timezone.localtime(starts).year)
            self.held[key] = self.held.get(key, 0) + 1
        self.rules_sent = RulesDispatch.objects.filter(
            group=group, kind=RulesDispatchKind.SEND, created_at__date__gte=group.period_start
        ).exists()
        self.members = list(
            Membership.objects.filter(group=group, status=MembershipStatus.ACTIVE).select_related(
                "user"
            )
        )

    def holder(self, role: str) -> Membership | None:
        today = timezone.localdate(self.now)
        for m in self.members:
            if not m.has_member_rights(today):
                continue
            if role == CycleRole.CHAPTER_LEADER and m.seat == Seat.CHAPTER_LEADER:
                return m
            if role == CycleRole.LEADER and m.board_role == BoardRole.LEADER:
                return m
            if role == CycleRole.DEPUTY and m.board_role == BoardRole.DEPUTY:
                return m
            if role == CycleRole.BOARD and m.board_role == BoardRole.MEMBER:
                return m
        return None

    def responsible(self, entry: CycleEntry) -> tuple[Membership | None, str]:
        """Who gets the reminders, and the role to show beside the name: the named member;
        else the holder of the role; else the leader stands in (and the page says so)."""
        today = timezone.localdate(self.now)
        named = next((m for m in self.members if m.pk == entry.responsible_id), None)
        if named is not None and named.has_member_rights(today):
            return named, ""
        role = CycleRole(entry.responsible_role)
        holder = self.holder(role)
        if holder is not None:
            return holder, str(role.label)
        leader = self.holder(CycleRole.LEADER)
        if leader is None:
            return None, str(role.label)
        return leader, _("gruppeleder, i stedet for %(role)s") % {"role": str(role.label).lower()}


def _title(entry: CycleEntry) -> str:
    default = entry.default
    year = entry.year + (1 if default.for_next_year else 0)
    title = str(default.title)
    return title % {"year": year} if "%(year)s" in title else title


def _slot(entry: CycleEntry) -> tuple[str, int, int]:
    """What makes an entry one of the period's, saved or not."""
    return (entry.key, entry.year, entry.seq)


def _default_dues(entries: list[CycleEntry], facts: _Facts) -> dict[tuple[str, int, int], dt.date]:
    """Each entry's default deadline; "before" rules after the entries they follow."""
    group = facts.group
    dues: dict[tuple[str, int, int], dt.date] = {}
    effective: dict[str, dt.date] = {}
    for entry in sorted(entries, key=lambda e: e.default.rule.kind == "before"):
        rule = entry.default.rule
        dues[_slot(entry)] = rules.default_due(
            rule,
            year=entry.year,
            period_start=group.period_start,
            period_end=group.period_end,
            council_dates=facts.council_dates,
            others=effective,
        )
        if entry.default.scope != "year":
            effective[entry.key] = entry.due_on or dues[_slot(entry)]
    return dues


def _portal_done(entry: CycleEntry, facts: _Facts) -> bool:
    if entry.key == CycleKey.MEETING_PLAN:
        half = (entry.year, 2) if entry.seq == 1 else (entry.year + 1, 1)
        return half in facts.adopted
    if entry.key == CycleKey.SOCIAL:
        return facts.held.get((MeetingKind.SOCIAL, entry.year), 0) >= entry.seq
    if entry.key == CycleKey.MEMBERS:
        return facts.held.get((MeetingKind.MEMBERS, entry.year), 0) >= entry.seq
    if entry.key == CycleKey.RULES:
        return facts.rules_sent
    meeting = entry.meeting
    return bool(
        meeting is not None
        and meeting.status != MeetingStatus.CANCELLED
        and meeting.starts_at <= facts.now
    )


def _where(entry: CycleEntry) -> tuple[str, str]:
    group_pk = entry.group_id
    if entry.meeting is not None:
        return reverse(
            "meetings:detail", kwargs={"pk": entry.meeting_id}
        ), entry.meeting.display_title
    if entry.key == CycleKey.MEETING_PLAN:
        return reverse("meetings:plan", kwargs={"group_pk": group_pk}), _("Møteplan")
    if entry.key == CycleKey.RULES:
        return reverse("groups:rules", kwargs={"pk": group_pk}), _("Reglement")
    if entry.key == CycleKey.TESTAMENT:
        return reverse("meetings:testament", kwargs={"group_pk": group_pk}), _("Politisk testament")
    if entry.key in (CycleKey.SOCIAL, CycleKey.MEMBERS):
        return reverse("meetings:list"), _("Møter")
    return reverse("meetings:plan", kwargs={"group_pk": group_pk}), _("Gruppemøter")


def occurrences(
    group: CouncilGroup, *, now: dt.datetime | None = None, year: int | None = None
) -> list[Occurrence]:
    """The period's deadlines (or ``year``'s), with state, responsible person and where the
    work is done, in date order. Reads only: an entry not stored yet (a period from before
    its entries were made with it) is shown from the defaults, unsaved (``entry.pk`` is
    None), until ``cycle_load`` stores it."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    facts = _Facts(group, now)
    entries = list(
        CycleEntry.objects.filter(group=group).select_related("meeting", "responsible__user")
    )
    entries += entries_missing(group, {_slot(e) for e in entries})
    dues = _default_dues(entries, facts)
    found: list[Occurrence] = []
    for entry in entries:
        slot = _slot(entry)
        due = entry.due_on or dues[slot]
        if year is not None and due.year != year:
            continue
        by_portal = _portal_done(entry, facts)
        url, link_label = _where(entry)
        responsible, role_label = facts.responsible(entry)
        found.append(
            Occurrence(
                # The same before and after the entry is stored: a calendar keeps one event.
                uid=f"cycle-{group.pk}-{slot[0]}-{slot[1]}-{slot[2]}",
                title=_title(entry),
                hint=str(entry.default.hint),
                due=due,
                default_due=dues[slot],
                state=rules.state(due, today, done=by_portal or entry.done_at is not None),
                by_portal=by_portal,
                responsible=responsible,
                role_label=role_label,
                url=url,
                link_label=str(link_label),
                entry=entry,
            )
        )
    issues = ProgrammeIssue.objects.filter(group=group).select_related("assignee__user")
    if year is not None:
        issues = issues.filter(present_by__year=year)
    for issue in issues:
        found.append(
            Occurrence(
                uid=f"programme-{issue.pk}",
                title=_("Programpunkt legges fram: %(title)s") % {"title": issue.title},
                hint=_("Programsakene legges fram for drøfting i gruppa/medlemsmøtet."),
                due=issue.present_by,
                default_due=None,
                state=rules.state(issue.present_by, today, done=issue.status in _PROGRAMME_DONE),
                by_portal=True,
                responsible=issue.assignee,
                role_label="",
                url=reverse("meetings:programme", kwargs={"group_pk": group.pk}),
                link_label=_("Programoppfølging"),
                issue=issue,
            )
        )
    found.sort(key=lambda o: (o.due, o.title))
    return found


# --- the leader's changes --------------------------------------------------------------
def _check_hearing(entry: CycleEntry, due_on: dt.date | None, facts: _Facts) -> None:
    """The hearing closes at least a month before the council treats the strategy."""
    if entry.key not in (CycleKey.PLAN_HEARING, CycleKey.PLAN_STRATEGY):
        return
    entries = list(
        CycleEntry.objects.filter(
            group=entry.group, key__in=[CycleKey.PLAN_HEARING, CycleKey.PLAN_STRATEGY]
        ).exclude(pk=entry.pk)
    )
    changed = CycleEntry(
        pk=entry.pk, group=entry.group, key=entry.key, year=entry.year, seq=entry.seq, due_on=due_on
    )
    dues = _default_dues([*entries, changed], facts)
    by_key = {e.key: (e.due_on or dues[_slot(e)]) for e in [*entries, changed]}
    hearing = by_key.get(CycleKey.PLAN_HEARING)
    strategy = by_key.get(CycleKey.PLAN_STRATEGY)
    if hearing is None or strategy is None or rules.hearing_long_enough(hearing, strategy):
        return
    field = "due_on"
    if entry.key == CycleKey.PLAN_HEARING:
        message = _(
            "Høringsfristen må være minst en måned før kommunestyret behandler "
            "planstrategien (%(date)s)."
        ) % {"date": written_day(strategy, "document")}
    else:
        message = _(
            "Kommunestyret kan behandle planstrategien tidligst en måned etter høringsfristen "
            "(%(date)s). Flytt høringsfristen først."
        ) % {"date": written_day(hearing, "document")}
    raise ValidationError({field: message})


def cycle_entry_update(
    *,
    actor: User,
    entry: CycleEntry,
    due_on: dt.date | None,
    responsible_role: str,
    responsible: Membership | None,
    done: bool,
    meeting: Meeting | None = None,
) -> CycleEntry:
    """The leader adjusts an entry: its date (to the municipality's own calendar), who is
    responsible, the meeting where the work is done, and whether it is done."""
    group = entry.group
    if period_closed(group):
        raise PermissionDenied(closed_message(group))
    require_group_manager(actor, group.pk)
    if responsible_role not in CycleRole.values:
        raise ValidationError({"responsible_role": _("Velg et gyldig verv.")})
    if responsible is not None and (
        responsible.group_id != group.pk or responsible.status != MembershipStatus.ACTIVE
    ):
        raise ValidationError({"responsible": _("Den ansvarlige må være med i gruppa.")})
    if meeting is not None and (
        meeting.group_id != group.pk
        or meeting.kind not in LINKABLE_KINDS
        or entry.key in SEEN_BY_PORTAL
    ):
        raise ValidationError({"meeting": _("Velg et av gruppas møter.")})
    if due_on is not None:
        if entry.default.scope == "year" and due_on.year != entry.year:
            raise ValidationError(
                {"due_on": _("Fristen må ligge i %(year)s.") % {"year": entry.year}}
            )
        if not rules.in_period(due_on, group.period_start, group.period_end):
            last = group.period_end - dt.timedelta(days=1)
            raise ValidationError(
                {
                    "due_on": _("Fristen må ligge i perioden (%(first)s–%(last)s).")
                    % {
                        "first": written_day(group.period_start, "document"),
                        "last": written_day(last, "document"),
                    }
                }
            )
    now = timezone.now()
    _check_hearing(entry, due_on, _Facts(group, now))
    changed: list[str] = []
    with transaction.atomic():
        locked = CycleEntry.objects.select_for_update().get(pk=entry.pk)
        values: dict[str, Any] = {
            "due_on": due_on,
            "responsible_role": responsible_role,
            "responsible_id": responsible.pk if responsible else None,
            "meeting_id": meeting.pk if meeting else None,
        }
        for name, value in values.items():
            if getattr(locked, name) != value:
                setattr(locked, name, value)
                changed.append(name)
        if done and locked.done_at is None:
            locked.done_at, locked.done_by = now, actor
            changed.append("done")
        elif not done and locked.done_at is not None:
            locked.done_at, locked.done_by = None, None
            changed.append("undone")
        if changed:
            locked.save()
            audit(
                actor=actor,
                action="meeting.cycle_update",
                target=locked,
                group=group,
                key=locked.key,
                year=locked.year,
                changed=changed,
            )
    return locked


# --- reminders -------------------------------------------------------------------------
def _occurrence_title(occ: Occurrence) -> str:
    """What the reminder calls the work, in the language active when it is read."""
    if occ.entry is not None:
        return _title(occ.entry)
    return _("Programpunkt legges fram: %(title)s") % {"title": occ.issue.title}  # type: ignore[union-attr]


def _send_cycle_reminder(occ: Occurrence, user: User, lead: int, today: dt.date) -> None:
    group = (occ.entry or occ.issue).group  # type: ignore[union-attr]
    namespace = f"meetings.cycle.{occ.uid}.{lead}.{occ.due.isoformat()}"
    send_mail(
        user,
        template="meetings/email/cycle_reminder.txt",
        subject_template="meetings/email/cycle_reminder_subject.txt",
        context={
            "user": user,
            # Lazy: written in the recipient's language when the mail is rendered.
            "title": lazy(_occurrence_title, str)(occ),
            "hint": occ.entry.default.hint if occ.entry is not None else "",
            "due": occ.due,
            "days_left": (occ.due - today).days,
            "group": group,
            "url": settings.SITE_URL + occ.url,
            "cycle_url": settings.SITE_URL
            + reverse("meetings:cycle", kwargs={"group_pk": group.pk})
            + f"?ar={occ.due.year}",
        },
        headers={"Message-ID": message_id(namespace, user.pk)},
    )


def cycle_reminders_send_due(*, now: dt.datetime | None = None) -> int:
    """The beat sweep (see the module's docstring). Idempotent; returns how many went."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    if local.hour < rules.REMINDER_HOUR:
        return 0
    today = local.date()
    horizon = today + dt.timedelta(days=rules.DUE_WINDOW)
    groups = CouncilGroup.objects.filter(
        period_start__lte=horizon, period_end__gt=today - dt.timedelta(days=1)
    ).exclude(Q(closed_from__isnull=False) & Q(closed_from__lte=today))
    sent = 0
    for group in groups:
        cycle_load(group)  # a reminder row names a stored entry
        for occ in occurrences(group, now=now):
            if occ.state == rules.DONE or not (today <= occ.due <= horizon):
                continue
            lead = rules.reminder_lead(occ.due, today)
            member = occ.responsible
            if lead is None or member is None:
                continue
            user = member.user
            if not user.is_active or not user.email:
                continue
            fields: dict[str, Any] = {"user": user, "lead_days": lead, "due_on": occ.due}
            fields["entry" if occ.entry is not None else "issue"] = occ.entry or occ.issue
            if CycleReminder.objects.filter(**fields).exists():
                continue
            try:
                with transaction.atomic():
                    CycleReminder.objects.create(sent_at=now, **fields)
                    _send_cycle_reminder(occ, user, lead, today)
            except IntegrityError:
                continue  # another sweep sent it
            sent += 1
    log.info("year-cycle reminders sent: %d", sent)
    return sent
