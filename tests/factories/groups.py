from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.contrib.auth.models import Group as AuthGroup
from django.utils import timezone

from groups.models import (
    BoardRole,
    Committee,
    CommitteeRole,
    CommitteeSeat,
    CouncilGroup,
    EthicsGuidelines,
    GroupKind,
    Membership,
    RuleSet,
    RuleSetStatus,
    Seat,
    User,
)
from groups.services import membership_sync_permissions

_seq = itertools.count(1)
PASSWORD = "Riktig-hest-batteri-42"


def make_user(**fields: Any) -> User:
    n = next(_seq)
    fields.setdefault("email", f"person{n}@example.org")
    fields.setdefault("full_name", f"Person Nummer{n}")
    fields.setdefault("birth_year", 1970 + n % 40)
    fields.setdefault("gender", "female" if n % 2 else "male")
    fields.setdefault("postcode", f"{2300 + n % 100:04d}")
    password = fields.pop("password", PASSWORD)
    return User.objects.create_user(password=password, **fields)


def make_group(**fields: Any) -> CouncilGroup:
    n = next(_seq)
    start = fields.pop("period_start", dt.date(2023, 10, 1))
    fields.setdefault("area_name", f"Testkommune{n}")
    fields.setdefault("kind", GroupKind.MUNICIPAL)
    return CouncilGroup.objects.create(
        period_start=start, period_end=CouncilGroup.period_end_for(start), **fields
    )


def make_membership(
    group: CouncilGroup,
    user: User | None = None,
    *,
    seat: str = Seat.REGULAR,
    board_role: str = BoardRole.NONE,
    **fields: Any,
) -> Membership:
    fields.setdefault("joined_on", group.period_start)
    membership = Membership.objects.create(
        group=group, user=user or make_user(), seat=seat, board_role=board_role, **fields
    )
    membership_sync_permissions(membership)
    return membership


def make_ruleset(group: CouncilGroup, **fields: Any) -> RuleSet:
    fields.setdefault("version", (group.rulesets.count() or 0) + 1)
    fields.setdefault("status", RuleSetStatus.ADOPTED)
    fields.setdefault("meeting_place", "Rådhuset, møterom 2")
    fields.setdefault("meeting_weekdays", "1")
    fields.setdefault("meeting_start", dt.time(18, 0))
    fields.setdefault("meeting_end", dt.time(20, 0))
    fields.setdefault("decided_at", timezone.now())
    return RuleSet.objects.create(group=group, **fields)


def make_committee(group: CouncilGroup, **fields: Any) -> Committee:
    n = next(_seq)
    fields.setdefault("name", f"Hovedutvalg {n}")
    fields.setdefault("kind", "main")
    return Committee.objects.create(group=group, **fields)


def add_committee_seat(
    committee: Committee, membership: Membership, role: str = CommitteeRole.REGULAR
) -> CommitteeSeat:
    return CommitteeSeat.objects.create(committee=committee, membership=membership, role=role)


def booklet_ethics() -> EthicsGuidelines:
    """The guidelines the data migration ships (a transactional test elsewhere may have
    flushed them; put them back the way the migration does)."""
    import importlib

    module = importlib.import_module("groups.migrations.0005_ethics_versions_and_requests")
    found = EthicsGuidelines.objects.filter(
        title=module.TITLE, change_summary=module.BOOKLET_SUMMARY
    ).first()
    if found:
        return found
    last = EthicsGuidelines.objects.order_by("-version").first()
    return EthicsGuidelines.objects.create(
        version=(last.version + 1) if last else 1,
        title=module.TITLE,
        sections=module.SECTIONS,
        change_summary=module.BOOKLET_SUMMARY,
        published_at=module.BOOKLET_PUBLISHED,
    )


def make_ethics(**fields: Any) -> EthicsGuidelines:
    """A new version of the guidelines, after those there are (the migration ships one)."""
    last = EthicsGuidelines.objects.order_by("-version").first()
    fields.setdefault("version", (last.version + 1) if last else 1)
    fields.setdefault("title", "Senterpartiets etiske retningslinjer")
    fields.setdefault(
        "sections", [{"heading": "Gaver", "text": "Allmenngyldige etiske verdier og normer."}]
    )
    fields.setdefault("published_at", timezone.now())
    return EthicsGuidelines.objects.create(**fields)


def give_role(user: User, role: str) -> User:
    """Put the user in a central role and give them a TOTP device (MFA is required)."""
    group, _ = AuthGroup.objects.get_or_create(name=role)
    user.groups.add(group)
    enable_totp(user)
    return user


def enable_totp(user: User) -> str:
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    user._totp_secret = secret  # type: ignore[attr-defined]
    return secret


def totp_code(secret: str, *, windows_ago: int = 0) -> str:
    """The code an authenticator app shows now, or ``windows_ago`` 30-second windows ago."""
    counter = int(timezone.now().timestamp()) // 30 - windows_ago
    return format_hotp_value(hotp_value(secret, counter))


def make_new_period(
    group: CouncilGroup, convener: User | None = None, **fields: Any
) -> CouncilGroup:
    """The group's next period, opened but not constituted, with ``convener`` (a new person
    if none) as the local chapter leader who convenes it. Built directly, on any date."""
    from groups.models import PeriodConstitution

    start = fields.pop("period_start", group.period_end)
    new = CouncilGroup.objects.create(
        area_name=group.area_name,
        kind=group.kind,
        period_start=start,
        period_end=CouncilGroup.period_end_for(start),
        previous_period=group,
        **fields,
    )
    group.closed_from = start
    group.save(update_fields=["closed_from"])
    convener = convener or make_user(full_name="Lise Lokallag")
    make_membership(new, convener, seat=Seat.CHAPTER_LEADER, joined_on=start)
    PeriodConstitution.objects.create(group=new, convener=convener)
    return new
