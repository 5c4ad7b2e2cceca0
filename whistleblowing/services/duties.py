"""The handling duties of the guidelines that are more than a log entry:

* W10: a handler marks a case (handling in doubt; public supervision or police; matters
  beyond the organisation) and the party's secretary general is informed at once. On a
  party report the reserve key opens for them; on a youth-wing report they are informed
  only (metadata), as the key rules say, until a youth-wing reader grants access.
* W11: a local handler asks the central party for help; the request has its own 14-day
  clock (``deadline_sweep`` reminds and escalates, once each).
* W13, W15: the age band of the person affected, encrypted with the case key.
* W14: a legal hold stops deletion until its end date.

What a handler writes, and the codes that say why (trigger, hold reason, age), are inside
the encrypted log; the clear rows hold only dates and who.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from whistleblowing import dates
from whistleblowing.audit import audit
from whistleblowing.models import (
    CENTRAL_ROLES,
    Access,
    Case,
    CaseTrigger,
    Handler,
    HelpRequest,
    HoldReason,
    KeyGrant,
    LegalHold,
    NotificationKind,
    TriggerKind,
)
from whistleblowing.services.handling import (
    AGE_BANDS,
    _locked_open_case,
    _log,
    _require_read,
    _text,
)
from whistleblowing.services.reporting import _json_blob
from whistleblowing.services.sweeps import notice_record, open_reserve_for_generals

MAX_HOLD_YEARS = 10


def _notice(case: Case, kind: str, ref: int) -> None:
    """The notice row in this step's transaction (the outbox, ``sweeps``): sent after
    commit, and by beat's ``send_notices`` if the broker was away."""
    notice_record(case, kind, ref)


@transaction.atomic
def case_trigger_mark(
    *, handler: Handler, case: Case, key: bytes, kind: str, text: str
) -> CaseTrigger:
    """W10: mark the case; the secretary general is informed at once (a notice without
    content), and access follows the key rules."""
    _require_read(handler, case)
    case = _locked_open_case(case)
    if kind not in TriggerKind.values:
        raise ValidationError({"kind": [_("Velg hvorfor generalsekretæren skal informeres.")]})
    _text(text, "text")
    now = timezone.now()
    trigger = CaseTrigger.objects.create(case=case, created_at=now, handler=handler)
    opened = 0 if case.youth_wing else open_reserve_for_generals(case)
    _log(case, handler, key, "trigger", trigger=kind, text=text)
    audit(actor=handler.user, action="case.trigger", case=case, opened=opened)
    _notice(case, NotificationKind.TRIGGER, trigger.pk)
    return trigger


@transaction.atomic
def help_request(*, handler: Handler, case: Case, key: bytes, text: str) -> HelpRequest:
    """W11: ask the central party for help; help is due within 14 calendar days."""
    _require_read(handler, case)
    case = _locked_open_case(case)
    if handler.role in CENTRAL_ROLES:
        raise ValidationError(
            _("Du er selv en del av partiet sentralt. Gi heller en kollega tilgang til saken.")
        )
    if HelpRequest.objects.filter(case=case, answered_at__isnull=True).exists():
        raise ValidationError({"text": [_("Det er allerede bedt om bistand i denne saken.")]})
    _text(text, "text")
    now = timezone.now()
    request = HelpRequest.objects.create(
        case=case, requested_by=handler, requested_at=now, due_at=dates.acknowledge_by(now)
    )
    opened = 0 if case.youth_wing else open_reserve_for_generals(case)
    _log(case, handler, key, "help_requested", text=text)
    audit(actor=handler.user, action="case.help_requested", case=case, opened=opened)
    _notice(case, NotificationKind.HELP_REQUESTED, request.pk)
    return request


@transaction.atomic
def help_answer(*, handler: Handler, case: Case, key: bytes | None = None) -> HelpRequest:
    """W11: someone central says help is given; the clock stops. Informed handlers (no
    key) can do this too: it writes a date, nothing of the case."""
    if handler.role not in CENTRAL_ROLES:
        raise PermissionDenied
    if not KeyGrant.objects.filter(
        case=case, handler=handler, access__in=[Access.READ, Access.INFORMED]
    ).exists():
        raise PermissionDenied
    request = (
        HelpRequest.objects.select_for_update().filter(case=case, answered_at__isnull=True).first()
    )
    if request is None:
        raise ValidationError(_("Det er ingen åpen forespørsel om bistand i denne saken."))
    request.answered_at = timezone.now()
    request.answered_by = handler
    request.save(update_fields=["answered_at", "answered_by"])
    if key is not None:
        _log(case, handler, key, "help_answered")
    audit(actor=handler.user, action="case.help_answered", case=case, request=request.pk)
    return request


@transaction.atomic
def case_age_record(*, handler: Handler, case: Case, key: bytes, band: str) -> Case:
    """W13, W15: whether the person affected is under 18 or under 16. A change is a new
    log entry; the current band is kept encrypted on the case."""
    _require_read(handler, case)
    case = _locked_open_case(case)
    if band not in AGE_BANDS:
        raise ValidationError({"band": [_("Velg alder.")]})
    case.age_blob = _json_blob(key, {"age_band": band})
    case.save(update_fields=["age_blob"])
    _log(case, handler, key, "age_recorded", age_band=band)
    audit(actor=handler.user, action="case.age_recorded", case=case)
    return case


@transaction.atomic
def legal_hold_place(
    *, handler: Handler, case: Case, key: bytes, reason: str, ends_on: Any, text: str
) -> LegalHold:
    """W14: the police or a court needs the documentation; the case is not deleted before
    ``ends_on``, then at the next retention sweep."""
    _require_read(handler, case)
    case = Case.objects.select_for_update().get(pk=case.pk)
    if reason not in HoldReason.values:
        raise ValidationError({"reason": [_("Velg hvem som trenger dokumentasjonen.")]})
    now = timezone.now()
    today = dates.local_date(now)
    if not isinstance(ends_on, date) or ends_on <= today:
        raise ValidationError({"ends_on": [_("Oppgi en dato fram i tid.")]})
    if ends_on > today + timedelta(days=365 * MAX_HOLD_YEARS):
        message = _("En stans kan vare i høyst %(years)d år om gangen.")
        raise ValidationError({"ends_on": [message % {"years": MAX_HOLD_YEARS}]})
    _text(text, "text")
    hold = LegalHold.objects.create(
        case=case, ends_at=dates.midnight(ends_on), placed_at=now, placed_by=handler
    )
    _log(
        case, handler, key, "legal_hold", hold_reason=reason, ends_on=ends_on.isoformat(), text=text
    )
    audit(actor=handler.user, action="case.hold_placed", case=case, hold=hold.pk)
    return hold
