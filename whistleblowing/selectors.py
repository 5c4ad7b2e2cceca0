"""Reads: the handler's case list with deadlines, and the decrypted view of one case."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from whistleblowing import dates, routing
from whistleblowing.models import (
    Access,
    Attachment,
    Case,
    CaseStatus,
    Handler,
    HoldReason,
    KeyGrant,
    LogEntry,
    Message,
    TriggerKind,
)
from whistleblowing.services import active_recipients, named_handlers, read_blob
from whistleblowing.services.handling import (
    AGE_BANDS,
    LOG_KINDS,
    NOT_REPORTED_REASONS,
    POLICE_DECISIONS,
    REPRIMAND_PARTS,
    SANCTIONS,
    SYSTEM_KINDS,
)
from whistleblowing.services.people import cases_only_read_by as cases_only_read_by
from whistleblowing.services.reporting import as_recipient

# A deadline this close is urgent on the handler's list (the first reminder, day 7 of 14).
URGENT_BEFORE = timedelta(days=7)


@dataclass(frozen=True)
class Deadlines:
    acknowledge_by: datetime | None
    feedback_by: datetime | None
    delete_after: datetime | None
    overdue: bool
    urgent: bool


def deadlines(case: Case, now: datetime | None = None) -> Deadlines:
    now = now or timezone.now()
    ack_by = None
    if case.status == CaseStatus.RECEIVED:
        ack_by = dates.acknowledge_by(case.created_at)
    feedback_by = (
        case.feedback_due_at
        if case.status == CaseStatus.ACKNOWLEDGED and case.feedback_given_at is None
        else None
    )
    overdue = bool((ack_by and ack_by <= now) or (feedback_by and feedback_by <= now))
    soon = now + timedelta(days=dates.FEEDBACK_REMINDER_DAYS_BEFORE)
    urgent = overdue or bool(
        (ack_by and ack_by <= now + URGENT_BEFORE) or (feedback_by and feedback_by <= soon)
    )
    return Deadlines(ack_by, feedback_by, case.delete_after, overdue, urgent)


@dataclass(frozen=True)
class CaseRow:
    case: Case
    access: str
    deadlines: Deadlines


def cases_for_handler(handler: Handler) -> list[CaseRow]:
    """Only cases the handler holds a listed grant for; standby grants stay invisible."""
    now = timezone.now()
    grants = (
        KeyGrant.objects.filter(handler=handler)
        .filter(Q(access=Access.READ) | Q(access=Access.INFORMED))
        .select_related("case")
        .order_by("case__status", "case__created_at")
    )
    rows = [CaseRow(g.case, g.access, deadlines(g.case, now)) for g in grants]
    rows.sort(key=lambda r: (not r.case.is_open, not r.deadlines.urgent, r.case.created_at))
    return rows


def routing_warnings() -> list[str]:
    """W8, W9 configuration checks shown on the handler dashboard (codes, rendered in template)."""
    recipients = active_recipients()
    designated = [h for h in recipients if h.sexual_harassment_recipient]
    warnings = []
    if designated and not routing.gender_balanced([as_recipient(h) for h in recipients]):
        warnings.append("gender")
    if designated and not any(h.hr_competence for h in designated):
        warnings.append("hr")
    if not any(h.role == "secretary_general" for h in recipients):
        warnings.append("no_general")
    if not routing.youth_wing_ready([as_recipient(h) for h in recipients]):
        warnings.append("no_youth_general")
    return warnings


ROUTE_TITLES = {
    routing.CENTRAL: gettext_lazy("Varslingsmottakerne sentralt (sekretariatet)"),
    routing.SEXUAL_HARASSMENT: gettext_lazy("Seksuell trakassering (utpekte mottakere)"),
    routing.GENERAL: gettext_lazy("Generalsekretæren direkte"),
    routing.YOUTH_WING: gettext_lazy("Senterungdommen (Senterungdommens generalsekretær)"),
    routing.UNION: gettext_lazy("Saker som gjelder ansatte (tillitsvalgt for ansatte)"),
    routing.LEADERS: gettext_lazy("Nærmeste leder"),
}


@dataclass(frozen=True)
class RouteRow:
    """One route of the route-health panel (W8, W9): who reads what it receives now."""

    code: str
    title: str
    body: str
    readers: list[Handler]
    waiting: list[Handler]
    fallback: list[Handler]

    @property
    def ok(self) -> bool:
        return bool(self.readers)


def route_health() -> list[RouteRow]:
    """Every route with its readers who hold a key, and those named without one."""
    handlers = named_handlers()
    by_id = {h.pk: h for h in handlers}
    rows = []
    for health in routing.route_health([as_recipient(h) for h in handlers]):
        title = str(ROUTE_TITLES[health.code])
        if health.body:
            title = f"{title}: {health.body}"
        rows.append(
            RouteRow(
                code=health.code,
                title=title,
                body=health.body,
                readers=[by_id[i] for i in health.readers],
                waiting=[by_id[i] for i in health.waiting],
                fallback=[by_id[i] for i in health.fallback],
            )
        )
    return rows


def routes_without_reader() -> list[str]:
    """The titles of the routes no reader with a key can receive now (no silent
    fallback, issue 12): for the health page."""
    return [row.title for row in route_health() if not row.ok]


def route_health_checks() -> list[Any]:
    """The health page's row for the whistleblowing routes (``config.healthchecks``).
    Route and body names only, never a person."""
    from config.healthchecks import Check

    missing = routes_without_reader()
    detail = (
        _("Uten leser med nøkkel: %(routes)s") % {"routes": "; ".join(missing)}
        if missing
        else _("Alle ruter har en leser med nøkkel")
    )
    return [Check(_("Varslingsruter"), not missing, detail)]


@dataclass
class CaseView:
    case: Case
    content: dict[str, Any]
    messages: list[dict[str, Any]] = field(default_factory=list)
    log: list[dict[str, Any]] = field(default_factory=list)
    attachments: list[dict[str, Any]] = field(default_factory=list)
    readers: list[Handler] = field(default_factory=list)


def _label(table: dict[str, Any], code: Any) -> str:
    return str(table.get(str(code), code or ""))


def _describe_log(payload: dict[str, Any]) -> dict[str, Any]:
    kind = str(payload.get("kind", "note"))
    details = []
    if payload.get("meeting_date"):
        details.append(str(payload["meeting_date"]))
    for code_key, table in (
        ("age_band", AGE_BANDS),
        ("police_decision", POLICE_DECISIONS),
        ("not_reported_reason", NOT_REPORTED_REASONS),
        ("sanction", SANCTIONS),
        ("trigger", dict(TriggerKind.choices)),
        ("hold_reason", dict(HoldReason.choices)),
    ):
        if payload.get(code_key):
            details.append(_label(table, payload[code_key]))
    details.extend(_label(REPRIMAND_PARTS, p) for p in payload.get("reprimand_parts") or [])
    if payload.get("ends_on"):
        details.append(str(payload["ends_on"]))
    return {
        "kind": kind,
        "label": _label({**LOG_KINDS, **SYSTEM_KINDS}, kind),
        "text": payload.get("text", ""),
        "details": details,
        "flags": {k: v for k, v in payload.items() if isinstance(v, bool)},
    }


def case_view(case: Case, key: bytes, *, for_reporter: bool = False) -> CaseView:
    view = CaseView(case=case, content=read_blob(key, bytes(case.content_blob)))
    for message in Message.objects.filter(case=case).select_related("handler__user"):
        body = read_blob(key, bytes(message.body_blob))
        view.messages.append(
            {"author": message.author, "at": message.created_at, **body, "obj": message}
        )
    for attachment in Attachment.objects.filter(case=case):
        meta = read_blob(key, bytes(attachment.meta_blob))
        view.attachments.append(
            {"id": attachment.pk, "author": attachment.author, "at": attachment.created_at,
             "size": attachment.size, **meta}
        )  # fmt: skip
    if not for_reporter:
        for entry in LogEntry.objects.filter(case=case).select_related("handler__user"):
            payload = read_blob(key, bytes(entry.payload_blob))
            view.log.append(
                {"at": entry.created_at, "handler": entry.handler, **_describe_log(payload)}
            )
        view.readers = list(
            Handler.objects.filter(grants__case=case, grants__access=Access.READ).select_related(
                "user"
            )
        )
    return view
