"""Demo data for `manage.py demo`: one municipal group with people in every kind of seat.

Idempotent: running it again finds what is there and adds nothing twice. Each app adds its
own part through ``<app>.demo.load(ctx)``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth.models import Group as AuthGroup
from django.utils import timezone

from groups.models import (
    SECRETARIAT_GROUP,
    BoardRole,
    Committee,
    CommitteeKind,
    CommitteeRole,
    CommitteeSeat,
    CouncilGroup,
    EthicsAcknowledgement,
    EthicsGuidelines,
    GroupKind,
    Membership,
    RuleAcknowledgement,
    RuleSet,
    RuleSetStatus,
    Seat,
    User,
)
from groups.models.groups import PERIOD_YEARS
from groups.services import membership_sync_permissions, ruleset_document

DEMO_PASSWORD = "Senterpartiet-2026"  # noqa: S105 - printed demo login
DEMO_DOMAIN = "demo.gruppeportalen.no"
FIRST_ELECTION_YEAR = 2023
DEMO_SETTLE_DAYS = 120  # the demo's past meetings and course reach about four months back

# (key, name, seat, board role, birth year, gender, postcode)
PEOPLE = [
    ("leader", "Liv Bakken", Seat.REGULAR, BoardRole.LEADER, 1968, "female", "2312"),
    ("deputy", "Per Haugen", Seat.REGULAR, BoardRole.DEPUTY, 1975, "male", "2315"),
    ("member", "Marit Lund", Seat.REGULAR, BoardRole.MEMBER, 1982, "female", "2318"),
    ("faction_leader", "Arne Dahl", Seat.REGULAR, BoardRole.NONE, 1959, "male", "2320"),
    ("mayor", "Ingrid Moen", Seat.REGULAR, BoardRole.OBSERVER, 1964, "female", "2312"),
    ("substitute", "Kari Nilsen", Seat.SUBSTITUTE, BoardRole.NONE, 1990, "female", "2322"),
    ("other_body", "Ole Berg", Seat.OTHER_BODY, BoardRole.NONE, 1971, "male", "2324"),
    ("chapter_leader", "Siv Strand", Seat.CHAPTER_LEADER, BoardRole.NONE, 1979, "female", "2325"),
    ("party_member", "Jon Eide", Seat.PARTY_MEMBER, BoardRole.NONE, 2004, "male", "2326"),
]

CENTRAL = [
    ("course_admin", "Tone Kursadmin", "course_administrators", False),
    ("handler", "Hilde Varsling", "whistleblowing_handlers", False),
    ("secretariat", "Sara Sekretariat", SECRETARIAT_GROUP, False),
    ("site_admin", "Sindre Drift", None, True),
]


@dataclass
class DemoContext:
    group: CouncilGroup
    users: dict[str, User] = field(default_factory=dict)
    memberships: dict[str, Membership] = field(default_factory=dict)
    committees: list[Committee] = field(default_factory=list)


def _user(key: str, name: str, **extra: object) -> User:
    email = f"{key.replace('_', '-')}@{DEMO_DOMAIN}"
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(
            email=email, password=DEMO_PASSWORD, full_name=name, **extra
        )
    return user


def period_start(today: dt.date) -> dt.date:
    """The demo group's period (G24): municipal elections fall every four years from 2023
    and a new group starts in October. On the first months of a new period the demo keeps
    the previous one, so its past meetings and course fall inside the period."""
    settled = today - dt.timedelta(days=DEMO_SETTLE_DAYS)
    year = settled.year - (settled.year - FIRST_ELECTION_YEAR) % PERIOD_YEARS
    start = dt.date(year, 10, 1)
    return start if start <= settled else dt.date(year - PERIOD_YEARS, 10, 1)


def load() -> DemoContext:
    start = period_start(timezone.localdate())
    # The demo's own period: a later period opened from it (G24) points back at it.
    group, _ = CouncilGroup.objects.get_or_create(
        area_name="Grønnbygd",
        kind=GroupKind.MUNICIPAL,
        previous_period=None,
        defaults={"period_start": start, "period_end": CouncilGroup.period_end_for(start)},
    )
    ctx = DemoContext(group=group)
    for key, name, seat, board_role, birth_year, gender, postcode in PEOPLE:
        user = _user(key, name, birth_year=birth_year, gender=gender, postcode=postcode)
        membership, _ = Membership.objects.get_or_create(
            group=group,
            user=user,
            defaults={"seat": seat, "board_role": board_role, "joined_on": start},
        )
        membership_sync_permissions(membership)
        ctx.users[key], ctx.memberships[key] = user, membership
    for key, name, role, superuser in CENTRAL:
        user = _user(key, name, is_staff=superuser, is_superuser=superuser)
        if role:
            user.groups.add(AuthGroup.objects.get_or_create(name=role)[0])
        ctx.users[key] = user

    factions = [
        ("Formannskapet", CommitteeKind.EXECUTIVE, ["leader", "deputy"], "substitute", "leader"),
        (
            "Hovedutvalg for oppvekst og kultur",
            CommitteeKind.MAIN,
            ["faction_leader", "member"],
            "other_body",
            "faction_leader",
        ),
    ]
    for name, kind, regulars, first_sub, leader in factions:
        committee, _ = Committee.objects.get_or_create(
            group=group, name=name, defaults={"kind": kind}
        )
        for key in regulars:
            CommitteeSeat.objects.get_or_create(
                committee=committee,
                membership=ctx.memberships[key],
                defaults={"role": CommitteeRole.REGULAR},
            )
        CommitteeSeat.objects.get_or_create(
            committee=committee,
            membership=ctx.memberships[first_sub],
            defaults={"role": CommitteeRole.FIRST_SUBSTITUTE},
        )
        committee.faction_leader = ctx.memberships[leader]
        committee.save(update_fields=["faction_leader"])
        ctx.committees.append(committee)

    now = timezone.now()
    rules, _ = RuleSet.objects.get_or_create(
        group=group,
        version=1,
        defaults={
            "status": RuleSetStatus.ADOPTED,
            "meeting_place": "Grønnbygd rådhus, møterom Lågen",
            "meeting_weekdays": "1",
            "meeting_start": dt.time(18, 0),
            "meeting_end": dt.time(20, 30),
            "quarantine_months": 3,
            "cooperation": "Gruppa samarbeider med Arbeiderpartiet om budsjettet.",
            "proposed_by": ctx.users["leader"],
            "proposed_at": now,
            "decided_at": now,
            "votes_for": 5,
            "votes_against": 0,
        },
    )
    if not rules.adopted_document:
        rules.adopted_document = ruleset_document(rules)
        rules.save(update_fields=["adopted_document"])
    for key in ("leader", "deputy", "member", "faction_leader"):
        RuleAcknowledgement.objects.get_or_create(
            ruleset=rules, user=ctx.users[key], defaults={"acknowledged_at": now}
        )
    # E1: the guidelines come with the database (the booklet's text, a data migration); the
    # leader and deputy have gone through the version in force, the others have not yet.
    ethics = EthicsGuidelines.objects.order_by("-version").first()
    if ethics is not None:
        for key in ("leader", "deputy"):
            EthicsAcknowledgement.objects.get_or_create(
                guidelines=ethics, user=ctx.users[key], defaults={"acknowledged_at": now}
            )
    return ctx
