"""How long a meeting may last and when it may be (issue 17: meetings in the years 0001
and 9999, and a month-long meeting, were accepted). Council meetings keep the same limits."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from groups.models import CouncilGroup
from meetings.plan import OSLO

MAX_MEETING_LENGTH = dt.timedelta(hours=24)
YEARS_BEFORE_PERIOD = 1  # the earliest meeting: a year before the group's period started
YEARS_AHEAD = 5  # the latest meeting: five years from now


def _years_later(day: dt.date, years: int) -> dt.date:
    year = min(max(day.year + years, dt.MINYEAR), dt.MAXYEAR)
    try:
        return day.replace(year=year)
    except ValueError:  # 29 February
        return day.replace(year=year, day=28)


def check_span(group: CouncilGroup, starts_at: dt.datetime, ends_at: dt.datetime) -> None:
    """A meeting lasts at most 24 hours and lies in a sane window: not earlier than a year
    before the group's period started, not later than five years from now (issue 17: the
    years 0001 and 9999 and a month-long meeting were accepted)."""
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("Møtet må slutte etter at det starter.")})
    if ends_at - starts_at > MAX_MEETING_LENGTH:
        raise ValidationError(
            {"ends_at": _("Et møte kan vare høyst 24 timer. Legg inn ett møte for hver dag.")}
        )
    earliest = _years_later(group.period_start, -YEARS_BEFORE_PERIOD)
    latest = _years_later(timezone.localdate(), YEARS_AHEAD)
    if starts_at < dt.datetime.combine(earliest, dt.time(), tzinfo=OSLO):
        raise ValidationError(
            {
                "starts_at": _(
                    "Datoen er for tidlig: møtet kan ikke være før %(date)s, "
                    "ett år før gruppas periode startet."
                )
                % {"date": earliest.strftime("%d.%m.%Y")}
            }
        )
    if starts_at >= dt.datetime.combine(latest, dt.time(), tzinfo=OSLO):
        raise ValidationError(
            {
                "starts_at": _(
                    "Datoen er for langt fram: møtet kan ikke være senere enn fem år fram "
                    "i tid (før %(date)s)."
                )
                % {"date": latest.strftime("%d.%m.%Y")}
            }
        )
