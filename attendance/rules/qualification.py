"""Who can count: the age test (S12), the minimum number of participants with an
exemption (S4), and the share in words."""

from __future__ import annotations

from fractions import Fraction

from attendance.rules.types import Participant, Policy, Reason, _require_int


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
