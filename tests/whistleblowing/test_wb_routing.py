"""Routing rules (W8, W9, W10) as a pure function: no database."""

from __future__ import annotations

from whistleblowing.routing import (
    INFORMED,
    READ,
    STANDBY,
    Recipient,
    gender_balanced,
    route,
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
    # The only youth general is excluded: the booklet's "or to the secretary general".
    plan = route(category="roles", youth_wing=True, recipients=EVERYONE, excluded_id=4)
    assert plan == {3: READ}
    plan = route(category="other", youth_wing=False, recipients=[SG], excluded_id=None)
    assert plan == {3: READ}


def test_nobody_to_receive_gives_an_empty_plan():
    assert route(category="other", youth_wing=False, recipients=[SEC_A], excluded_id=1) == {}
