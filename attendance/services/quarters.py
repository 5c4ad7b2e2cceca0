"""Closed quarters and previews of policy and rate changes (S7, S15).

A closed quarter is an official record: ``quarter_close`` copies the quarter's report in
(hours, amounts, the rate and the policy of each course) and nothing changes it after.
A correction is a new version with a reason; the earlier versions are kept. Hours a
course reports for a closed quarter go to the first open quarter (``late_hours_moved``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from attendance import rules
from attendance.engine import CourseInputs, course_inputs, policy_at_start
from attendance.models import (
    ANNOUNCED_STATUSES,
    Course,
    QuarterClosing,
    StudyPolicy,
    SubsidyRate,
)
from attendance.permissions import is_course_admin
from attendance.selectors import (
    closed_labels,
    live_subsidy_lines,
    parse_label,
    quarter_bounds,
    quarter_label,
    subsidy_report,
)
from groups.audit import audit
from groups.models import User


def _require_admin(actor: User) -> None:
    if not is_course_admin(actor):
        raise PermissionDenied(_("Bare kursadministratorer kan gjøre dette."))


def _next_label(label: str) -> str:
    year, quarter = parse_label(label)
    return quarter_label(year + 1, 1) if quarter == 4 else quarter_label(year, quarter + 1)


def late_hours_moved(hours: dict[str, int], now: dt.datetime) -> dict[str, int]:
    """S7: hours of a closed quarter count in the quarter the course is reported in (at
    ``now``), or the first open one after it. A closed quarter never gets new hours."""
    closed = closed_labels()
    local = timezone.localtime(now)
    current = quarter_label(local.year, (local.month - 1) // 3 + 1)
    out: dict[str, int] = {}
    for label, value in sorted(hours.items()):
        target = label
        if target in closed:
            target = max(current, label)
            while target in closed:
                target = _next_label(target)
        out[target] = out.get(target, 0) + int(value)
    return out


def _snapshot(*, actor: User, year: int, quarter: int, version: int, note: str) -> QuarterClosing:
    if version == 1:
        report = subsidy_report(year, quarter)
        lines, rate = report.lines, report.rate_amount
    else:
        found = SubsidyRate.objects.filter(year=year).first()
        rate = found.amount_per_hour if found else None
        lines = live_subsidy_lines(year, quarter, rate)
    now = timezone.now()
    try:
        with transaction.atomic():
            closing = QuarterClosing.objects.create(
                year=year,
                quarter=quarter,
                version=version,
                closed_at=now,
                closed_by=actor,
                closed_by_name=actor.full_name or actor.email,
                note=note,
                rate_amount=rate,
                lines=[line.as_json() for line in lines],
                total_hours=sum(line.hours for line in lines),
                total_amount=sum((line.amount for line in lines), Decimal(0)),
            )
            audit(
                actor=actor,
                action="subsidy_quarter.close" if version == 1 else "subsidy_quarter.correct",
                target=closing,
                year=year,
                quarter=quarter,
                version=version,
            )
    except IntegrityError:
        raise ValidationError(
            _("Kvartalet ble nettopp lukket av en annen. Last siden på nytt.")
        ) from None
    return closing


def quarter_close(*, actor: User, year: int, quarter: int) -> QuarterClosing:
    """S7: the administrator closes the quarter (the subsidy is paid). Only a quarter that
    is over, and only once: after that, a correction is a new version."""
    _require_admin(actor)
    if quarter_bounds(year, quarter)[1] > timezone.now():
        raise ValidationError(_("Kvartalet er ikke over ennå og kan ikke lukkes."))
    if QuarterClosing.objects.filter(year=year, quarter=quarter).exists():
        raise ValidationError(_("Kvartalet er allerede lukket. En rettelse blir en ny versjon."))
    if not SubsidyRate.objects.filter(year=year).exists():
        raise ValidationError(
            _("Det finnes ingen sats for %(year)s. Legg den inn før kvartalet lukkes.")
            % {"year": year}
        )
    return _snapshot(actor=actor, year=year, quarter=quarter, version=1, note="")


def quarter_correct(*, actor: User, year: int, quarter: int, note: str) -> QuarterClosing:
    """S7: a corrected version of a closed quarter, from the reported hours and the year's
    rate as they are now. The earlier versions stay as they were; the reason is required."""
    _require_admin(actor)
    if not note.strip():
        raise ValidationError({"note": _("Skriv hva rettelsen gjelder.")})
    last = QuarterClosing.objects.filter(year=year, quarter=quarter).aggregate(v=Max("version"))
    if last["v"] is None:
        raise ValidationError(_("Kvartalet er ikke lukket; det kan lukkes, ikke rettes."))
    return _snapshot(
        actor=actor, year=year, quarter=quarter, version=last["v"] + 1, note=note.strip()
    )


# --- previews (S15, S7) --------------------------------------------------------------------
@dataclass(frozen=True)
class PolicyImpact:
    course: Course
    current: StudyPolicy
    hours_before: int
    hours_after: int
    holds_before: bool
    holds_after: bool

    @property
    def changes_verdict(self) -> bool:
        return self.holds_before != self.holds_after or self.hours_before != self.hours_after


@dataclass(frozen=True)
class PolicyPreview:
    impacts: list[PolicyImpact]  # open courses the new policy would judge instead
    pinned: int  # approved and later courses, which keep their policy


def policy_preview(candidate: StudyPolicy) -> PolicyPreview:
    """S15: the open courses (not yet approved) that ``candidate`` would judge, with their
    hours and verdict before and after. Approved courses keep their pinned policy."""
    new_rules = candidate.to_rules()
    later = (
        StudyPolicy.objects.filter(valid_from__gt=candidate.valid_from)
        .order_by("valid_from")
        .first()
    )
    impacts = []
    waiting = Course.objects.filter(policy__isnull=True).exclude(status__in=ANNOUNCED_STATUSES)
    for course in waiting.select_related("group", "plan"):
        inputs = course_inputs(course)
        if not inputs.sessions:
            continue
        start = timezone.localdate(min(s.start for s in inputs.sessions))
        if start < candidate.valid_from or (later is not None and start >= later.valid_from):
            continue
        before = _judge(inputs, inputs.policy)
        after = _judge(inputs, new_rules)
        impacts.append(
            PolicyImpact(
                course=course,
                current=policy_at_start(course),
                hours_before=before.study_hours,
                hours_after=after.study_hours,
                holds_before=before.holds,
                holds_after=after.holds,
            )
        )
    impacts.sort(key=lambda i: (str(i.course.group), i.course.title.lower()))
    return PolicyPreview(impacts, Course.objects.filter(status__in=ANNOUNCED_STATUSES).count())


def _judge(data: CourseInputs, policy: rules.Policy) -> rules.Evaluation:
    return rules.evaluate(
        data.sessions,
        data.participants,
        data.presences,
        policy,
        exemption=data.exemption,
        exemption_minimum=data.exemption_minimum,
        digital_allowed=data.digital_allowed,
        course_year=data.course_year,
    )


@dataclass(frozen=True)
class RateImpact:
    year: int
    quarter: int
    hours: int
    amount_before: Decimal | None
    amount_after: Decimal
    closed: bool  # a closed quarter keeps its amount


def rate_preview(year: int, amount_per_hour: Decimal) -> list[RateImpact]:
    """S7: per quarter of ``year``, the amount now and with the new rate. A closed quarter
    keeps the amount it was closed with."""
    out = []
    for quarter in range(1, 5):
        report = subsidy_report(year, quarter)
        if not report.lines and not report.is_closed:
            continue
        out.append(
            RateImpact(
                year=year,
                quarter=quarter,
                hours=report.total_hours,
                amount_before=report.total_amount if report.rate_amount is not None else None,
                amount_after=report.total_amount
                if report.is_closed
                else amount_per_hour * report.total_hours,
                closed=report.is_closed,
            )
        )
    return out
