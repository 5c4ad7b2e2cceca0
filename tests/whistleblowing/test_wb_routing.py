"""Routing rules (W8, W9, W10) as a pure function: no database."""

from __future__ import annotations

import itertools

from whistleblowing.routing import (
    ADDRESSED,
    INFORMED,
    READ,
    STANDBY,
    TO_GENERAL,
    TO_LEADER,
    TO_UNION,
    Recipient,
    addressable,
    gender_balanced,
    route,
    route_health,
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


# --- addressed routes: nearest leader, staff matters (W8) -------------------------------

LEADER_A = Recipient(7, "leader", body="Grønnbygd Senterparti")
LEADER_B = Recipient(8, "leader", body="Nabobygd Senterparti")
UNION = Recipient(9, "union_representative")
LEADER_NO_KEY = Recipient(10, "leader", has_key=False, body="Fjellfylket Senterparti")
WITH_ADDRESSED = [*EVERYONE, LEADER_A, LEADER_B, UNION, LEADER_NO_KEY]


def _addressed(to, leader_id=None, recipients=WITH_ADDRESSED, excluded=None, **kw):
    return route(
        category=kw.get("category", "other"),
        youth_wing=kw.get("youth_wing", False),
        recipients=recipients,
        excluded_id=excluded,
        addressed_to=to,
        leader_id=leader_id,
    )


def test_w8_a_report_to_the_nearest_leader_is_read_by_that_leader_alone():
    assert _addressed(TO_LEADER, 7) == {7: READ, 3: STANDBY}
    # Sexual harassment too may go to the nearest leader (the booklet says so).
    assert _addressed(TO_LEADER, 8, category="sexual_harassment") == {8: READ, 3: STANDBY}


def test_w8_a_leader_without_a_key_or_not_a_leader_receives_nothing_and_nothing_goes_elsewhere():
    assert _addressed(TO_LEADER, 10) == {}  # named, no key yet
    assert _addressed(TO_LEADER, 1) == {}  # a secretariat handler is not a leader
    assert _addressed(TO_LEADER, None) == {}
    assert _addressed(TO_LEADER, 7, excluded=7) == {}


def test_w8_staff_matters_go_to_the_union_representative_or_the_general():
    assert _addressed(TO_UNION) == {9: READ, 3: STANDBY}
    assert _addressed(TO_GENERAL) == {3: READ}
    assert _addressed(TO_UNION, recipients=EVERYONE) == {}  # no union representative
    assert _addressed(TO_GENERAL, excluded=3) == {}


def test_w8_youth_wing_reports_cannot_be_addressed_elsewhere():
    for to in (TO_LEADER, TO_UNION, TO_GENERAL):
        assert _addressed(to, 7, youth_wing=True) == {}


def test_w8_addressable_lists_only_routes_with_a_reader_who_holds_a_key():
    routes = addressable(WITH_ADDRESSED)
    assert [r.id for r in routes[TO_LEADER]] == [7, 8]
    assert [r.id for r in routes[TO_UNION]] == [9]
    assert [r.id for r in routes[TO_GENERAL]] == [3]
    assert addressable([SEC_A, LEADER_NO_KEY]) == {TO_LEADER: [], TO_UNION: [], TO_GENERAL: []}


def test_every_addressed_plan_has_its_reader_or_is_refused():
    for to in ADDRESSED:
        for leader_id in (None, 7, 8, 10):
            for excluded in (None, 3, 7, 9):
                plan = _addressed(to, leader_id, excluded=excluded)
                assert not plan or READ in plan.values()
                assert excluded not in plan
                assert 10 not in plan  # no key, nothing sealed to it


# --- route health (issue 12: no silent fallback) --------------------------------------


def _health(recipients):
    return {(h.code, h.body): h for h in route_health(recipients)}


def test_route_health_names_the_readers_with_a_key_and_those_still_waiting():
    health = _health(WITH_ADDRESSED)
    assert health[("central", "")].readers == (1, 2, 5, 6)
    assert health[("sexual_harassment", "")].readers == (5, 6)
    assert health[("general", "")].readers == (3,)
    assert health[("youth_wing", "")].readers == (4,)
    assert health[("union", "")].readers == (9,)
    assert health[("leader", "Grønnbygd Senterparti")].readers == (7,)
    leader = health[("leader", "Fjellfylket Senterparti")]
    assert not leader.ok and leader.waiting == (10,)
    assert [h.code for h in route_health(WITH_ADDRESSED) if not h.ok] == ["leader"]


def test_route_health_warns_on_every_route_without_a_reader():
    youth_no_key = Recipient(11, "youth_secretary_general", has_key=False)
    health = _health([SG, youth_no_key])
    assert not health[("central", "")].ok and health[("central", "")].fallback == (3,)
    assert not health[("sexual_harassment", "")].ok
    assert health[("sexual_harassment", "")].fallback == (3,)
    assert health[("general", "")].ok
    youth = health[("youth_wing", "")]
    assert not youth.ok and youth.waiting == (11,) and youth.fallback == ()
    assert not health[("union", "")].ok
    assert not health[("leader", "")].ok  # no leader named at all


def test_route_health_of_the_youth_wing_turns_ok_once_its_general_has_a_key():
    waiting = Recipient(11, "youth_secretary_general", has_key=False)
    assert not _health([SG, waiting])[("youth_wing", "")].ok
    keyed = Recipient(11, "youth_secretary_general", has_key=True)
    assert _health([SG, keyed])[("youth_wing", "")].ok
    assert youth_wing_ready([keyed]) and not youth_wing_ready([waiting])
