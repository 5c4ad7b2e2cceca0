"""Routing rules (W8, W9, W10) as a pure function: no database."""

from __future__ import annotations

import itertools

from whistleblowing.routing import (
    INFORMED,
    READ,
    STANDBY,
    Recipient,
    gender_balanced,
    route,
    sealed,
    youth_wing_ready,
)

SEC_A = Recipient(1, "secretariat", "female")
SEC_B = Recipient(2, "secretariat", "male")
SG = Recipient(3, "secretary_general", "male")
YSG = Recipient(4, "youth_secretary_general", "female")
SH_F = Recipient(5, "secretariat", "female", sexual_harassment_recipient=True)
SH_M = Recipient(6, "secretariat", "male", sexual_harassment_recipient=True)
EVERYONE = [SEC_A, SEC_B, SG, YSG, SH_F, SH_M]


def test_w8_ordinary_reports_go_to_the_secretariat_with_the_general_in_reserve():
    plan = route(category="financial", youth_wing=False, recipients=EVERYONE, excluded_id=None)
    assert plan == {1: READ, 2: READ, 5: READ, 6: READ, 3: STANDBY}


def test_w8_w10_youth_wing_reports_go_to_youth_general_and_party_general_is_informed():
    plan = route(category="roles", youth_wing=True, recipients=EVERYONE, excluded_id=None)
    assert plan == {4: READ, 3: INFORMED}


def test_w9_sexual_harassment_goes_to_designated_recipients_of_both_genders():
    plan = route(
        category="sexual_harassment", youth_wing=False, recipients=EVERYONE, excluded_id=None
    )
    assert plan == {5: READ, 6: READ, 3: STANDBY}
    assert gender_balanced(EVERYONE)
    assert not gender_balanced([SH_F, SEC_B])


def test_w9_sexual_harassment_falls_back_to_secretariat_when_none_designated():
    plan = route(
        category="sexual_harassment", youth_wing=False, recipients=[SEC_A, SG], excluded_id=None
    )
    assert plan == {1: READ, 3: STANDBY}


def test_excluded_handler_gets_nothing_not_even_a_reserve_key():
    plan = route(category="other", youth_wing=False, recipients=EVERYONE, excluded_id=1)
    assert 1 not in plan
    plan = route(category="other", youth_wing=False, recipients=EVERYONE, excluded_id=3)
    assert 3 not in plan


def test_w8_falls_back_to_secretary_general_when_the_route_is_empty():
    # The only youth general is excluded: the party's general reads it (issue 12).
    plan = route(category="roles", youth_wing=True, recipients=EVERYONE, excluded_id=4)
    assert plan == {3: READ}
    plan = route(category="other", youth_wing=False, recipients=[SG], excluded_id=None)
    assert plan == {3: READ}


def test_nobody_to_receive_gives_an_empty_plan():
    assert route(category="other", youth_wing=False, recipients=[SEC_A], excluded_id=1) == {}


def test_w8_youth_wing_report_without_a_youth_general_goes_nowhere_else():
    # No silent fallback (issue 12): the party general does not read it instead.
    party = [SEC_A, SEC_B, SG, SH_F, SH_M]
    assert route(category="roles", youth_wing=True, recipients=party, excluded_id=None) == {}
    assert not youth_wing_ready(party)
    assert youth_wing_ready(EVERYONE)


def test_w10_informed_holds_no_key_standby_and_read_do():
    assert not sealed(INFORMED)
    assert sealed(READ) and sealed(STANDBY)


def test_w8_the_party_general_is_never_more_than_informed_while_a_youth_general_reads():
    for excluded in (None, 1, 3, 5):
        plan = route(category="roles", youth_wing=True, recipients=EVERYONE, excluded_id=excluded)
        assert plan[4] == READ
        assert {h: a for h, a in plan.items() if h != 4} == ({} if excluded == 3 else {3: INFORMED})


def test_every_plan_has_a_reader_or_is_refused_and_never_reaches_the_excluded():
    """Over every set of recipients, every exclusion and every route: a report is either
    refused (empty plan) or has at least one reader; the excluded handler gets nothing."""
    for size in range(len(EVERYONE) + 1):
        for chosen in itertools.combinations(EVERYONE, size):
            for excluded in (None, *(r.id for r in chosen)):
                for category, youth in (
                    ("other", False),
                    ("sexual_harassment", False),
                    ("roles", True),
                ):
                    plan = route(
                        category=category,
                        youth_wing=youth,
                        recipients=chosen,
                        excluded_id=excluded,
                    )
                    assert not plan or READ in plan.values()
                    assert excluded not in plan
                    if youth:
                        assert STANDBY not in plan.values()
