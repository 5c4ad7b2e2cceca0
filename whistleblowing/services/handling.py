"""What handlers do with a case. Every function takes the case key the handler unsealed
(``case_key_for_handler``), so nothing here can run without an unlocked handler."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from whistleblowing import crypto, dates, uploads
from whistleblowing.audit import audit
from whistleblowing.models import (
    Access,
    Attachment,
    Author,
    Case,
    CaseStatus,
    Handler,
    KeyGrant,
    LogEntry,
    Message,
)
from whistleblowing.services.reporting import (
    MAX_TEXT,
    _delete_files_on_rollback,
    _json_blob,
    _store_attachments,
    read_blob,
)

# Kinds of case-log entries (W12–W16). Stored inside the encrypted payload.
LOG_KINDS: dict[str, Any] = {
    "note": gettext_lazy("Notat"),
    "meeting": gettext_lazy("Møte"),
    "contact_affected": gettext_lazy("Kontakt med den som opplevde det"),
    "views_heard": gettext_lazy("Synspunkt på anmeldelse innhentet fra fornærmede eller foresatte"),
    "police": gettext_lazy("Vurdering av politianmeldelse"),
    "sanction": gettext_lazy("Reaksjon vedtatt"),
}
SYSTEM_KINDS: dict[str, Any] = {
    # Entries of earlier versions: a meeting's guardian is now part of the meeting entry.
    "guardian": gettext_lazy("Foresatte / annen voksen for person under 18"),
    "age_recorded": gettext_lazy("Alder på den det gjelder registrert"),
    "trigger": gettext_lazy("Generalsekretæren informert"),
    "help_requested": gettext_lazy("Bistand fra partiet sentralt bedt om"),
    "help_answered": gettext_lazy("Bistand fra partiet sentralt gitt"),
    "legal_hold": gettext_lazy("Sletting stanset"),
    "acknowledged": gettext_lazy("Mottak bekreftet til varsler"),
    "access_granted": gettext_lazy("Tilgang gitt"),
    "escalated": gettext_lazy("Løftet til generalsekretær"),
    "routed_to_party_general": gettext_lazy(
        "Saken gikk til partiets generalsekretær fordi varsleren ba om at "
        "Senterungdommens generalsekretær ikke skal se den"
    ),
    "feedback": gettext_lazy("Tilbakemelding om behandlingen gitt"),
    "not_a_case": gettext_lazy("Vurdert: ikke en varslingssak"),
    "closed": gettext_lazy("Saken avsluttet"),
}
SANCTIONS: dict[str, Any] = {
    "oral_warning": gettext_lazy("Muntlig advarsel"),
    "written_warning": gettext_lazy("Skriftlig advarsel"),
    "written_reprimand": gettext_lazy("Skriftlig irettesettelse"),
    "suspension": gettext_lazy("Suspensjon mens saken behandles"),
    "exclusion": gettext_lazy("Eksklusjon (vedtektene § 5)"),
    "employment": gettext_lazy("Konsekvenser for ansettelsesforhold"),
}
REPRIMAND_PARTS: dict[str, Any] = {
    "ban_events": gettext_lazy("Utestengelse fra arrangementer for en periode"),
    "ban_conduct": gettext_lazy("Forbud for en periode (for eksempel mot alkohol)"),
    "no_positions": gettext_lazy("Ingen tillitsverv eller folkevalgte verv for en periode"),
    "step_down": gettext_lazy("Må fratre sine tillitsverv"),
}
POLICE_DECISIONS: dict[str, Any] = {
    "recommend": gettext_lazy("Anbefalt å anmelde (fornærmede er myndig)"),
    "must_report": gettext_lazy("Skal meldes: fornærmede er under 16 år"),
    "reported": gettext_lazy("Anmeldt til politiet"),
    "child_welfare": gettext_lazy("Bekymringsmelding sendt barnevernet"),
    "not_reported": gettext_lazy("Ikke anmeldt"),
}
# W15: the reasons the guidelines leave for not reporting a matter concerning a person
# under 16 to the police ("skal det meldes" applies where a crime is suspected; a report
# of concern to the child welfare service is also "meldt", and is a decision of its own).
NOT_REPORTED_REASONS: dict[str, Any] = {
    "no_suspected_crime": gettext_lazy("Det er ingen mistanke om et straffbart forhold"),
    "already_reported": gettext_lazy("Forholdet er allerede meldt til politiet av andre"),
}
UNDER_16_REPORTED = ("reported", "child_welfare")
AGE_BANDS: dict[str, Any] = {
    "adult": gettext_lazy("18 år eller eldre"),
    "16_17": gettext_lazy("16 eller 17 år"),
    "under_16": gettext_lazy("Under 16 år"),
}


def _require_read(handler: Handler, case: Case) -> KeyGrant:
    grant = KeyGrant.objects.filter(case=case, handler=handler).first()
    if grant is None or grant.access != Access.READ or grant.sealed_key is None:
        raise PermissionDenied
    return grant


def case_key_for_handler(*, handler: Handler, case: Case, private_key: bytes) -> bytes:
    """Unseal the case key. Every decryption is logged (who, when)."""
    grant = _require_read(handler, case)
    key = crypto.unseal(private_key, bytes(grant.sealed_key or b""))
    audit(actor=handler.user, action="case.decrypted", case=case, handler=handler.pk)
    return key


def _log(case: Case, handler: Handler | None, key: bytes, kind: str, **fields: Any) -> LogEntry:
    return LogEntry.objects.create(
        case=case,
        handler=handler,
        created_at=timezone.now(),
        payload_blob=_json_blob(key, {"kind": kind, **fields}),
    )


def _locked_open_case(case: Case) -> Case:
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not case.is_open:
        raise ValidationError(_("Saken er avsluttet."))
    return case


def _text(value: str, field: str, *, required: bool = True) -> str:
    if required and not value.strip():
        raise ValidationError({field: [_("Dette feltet må fylles ut.")]})
    if len(value) > MAX_TEXT:
        raise ValidationError({field: [_("Teksten er for lang.")]})
    return value


@transaction.atomic
def case_acknowledge(*, handler: Handler, case: Case, key: bytes, message: str) -> Case:
    """W5: confirm receipt and say how the case will be handled; starts the 3-month clock."""
    _require_read(handler, case)
    case = _locked_open_case(case)
    if case.status != CaseStatus.RECEIVED:
        raise ValidationError(_("Mottaket er allerede bekreftet."))
    _text(message, "message")
    now = timezone.now()
    case.status = CaseStatus.ACKNOWLEDGED
    case.acknowledged_at = now
    case.feedback_due_at = dates.add_months(now, dates.FEEDBACK_WITHIN_MONTHS)
    case.save(update_fields=["status", "acknowledged_at", "feedback_due_at"])
    Message.objects.create(
        case=case,
        author=Author.HANDLER,
        handler=handler,
        created_at=now,
        body_blob=_json_blob(key, {"body": message, "acknowledgement": True}),
    )
    _log(case, handler, key, "acknowledged")
    audit(actor=handler.user, action="case.acknowledged", case=case)
    return case


def handler_message_send(
    *,
    handler: Handler,
    case: Case,
    key: bytes,
    body: str,
    is_feedback: bool = False,
    files: Sequence[UploadedFile] = (),
) -> Message:
    _require_read(handler, case)
    _text(body, "body")
    uploads.check_files(files)
    stored: list[Attachment] = []
    try:
        with transaction.atomic():
            case = _locked_open_case(case)
            now = timezone.now()
            message = Message.objects.create(
                case=case,
                author=Author.HANDLER,
                handler=handler,
                created_at=now,
                body_blob=_json_blob(key, {"body": body, "feedback": is_feedback}),
            )
            stored = _store_attachments(
                case=case, key=key, files=files, author=Author.HANDLER, now=now
            )
            if is_feedback and case.feedback_given_at is None:
                case.feedback_given_at = now
                case.save(update_fields=["feedback_given_at"])
                _log(case, handler, key, "feedback")
            audit(
                actor=handler.user,
                action="case.message_sent",
                case=case,
                feedback=is_feedback,
                files=len(stored),
            )
    except Exception:
        _delete_files_on_rollback(stored)
        raise
    return message


def age_band(case: Case, key: bytes) -> str | None:
    """W13, W15: the recorded age band of the person affected, or None."""
    if not case.age_blob:
        return None
    band = read_blob(key, bytes(case.age_blob)).get("age_band")
    return str(band) if band in AGE_BANDS else None


def _kinds_logged(case: Case, key: bytes) -> list[dict[str, Any]]:
    return [read_blob(key, bytes(e.payload_blob)) for e in LogEntry.objects.filter(case=case)]


def _check_meeting(fields: dict[str, Any], band: str | None) -> dict[str, Any]:
    """W13: under 18, parents or guardians take part; over 16 and objecting, another adult."""
    if not isinstance(fields.get("meeting_date"), date):
        raise ValidationError({"meeting_date": [_("Oppgi dato for møtet.")]})
    guardian = bool(fields.get("guardian_present"))
    objected = bool(fields.get("objected_to_guardian"))
    other_adult = bool(fields.get("other_adult_present"))
    if band in ("16_17", "under_16") and not guardian:
        if band == "16_17" and objected and not other_adult:
            raise ValidationError(
                {
                    "other_adult_present": [
                        _(
                            "Fornærmede er over 16 år og motsatte seg at foresatte deltok. "
                            "Da skal en annen myndig person delta i møtet."
                        )
                    ]
                }
            )
        if not (band == "16_17" and objected and other_adult):
            raise ValidationError(
                {
                    "guardian_present": [
                        _(
                            "Når fornærmede er under 18 år, skal foreldre eller foresatte delta. "
                            "Bare når fornærmede motsetter seg det og er over 16 år, kan en "
                            "annen myndig person delta i stedet."
                        )
                    ]
                }
            )
    return {
        "meeting_date": fields["meeting_date"].isoformat(),
        "trusted_person_offered": bool(fields.get("trusted_person_offered")),
        "both_sides_heard": bool(fields.get("both_sides_heard")),
        "guardian_present": guardian,
        "objected_to_guardian": objected,
        "other_adult_present": other_adult,
    }


def _check_police(
    fields: dict[str, Any], band: str | None, earlier: list[dict[str, Any]]
) -> dict[str, Any]:
    """W15: never reported before the aggrieved or their guardians are heard (a recorded
    entry), unless they are the accused; under 16 a decision not to report needs a reason
    the guidelines allow."""
    decision = fields.get("police_decision")
    if decision not in POLICE_DECISIONS:
        raise ValidationError({"police_decision": [_("Velg en vurdering.")]})
    accused = bool(fields.get("guardians_accused"))
    heard = any(p.get("kind") == "views_heard" for p in earlier)
    if decision == "reported" and not (heard or accused):
        raise ValidationError(
            {
                "police_decision": [
                    _(
                        "En sak skal aldri anmeldes uten at fornærmede eller fornærmedes "
                        "foresatte først er hørt, med mindre de selv er anklaget. Dokumenter "
                        "først at synspunktet deres er innhentet."
                    )
                ]
            }
        )
    reason = str(fields.get("not_reported_reason") or "")
    if reason and reason not in NOT_REPORTED_REASONS:
        raise ValidationError({"not_reported_reason": [_("Velg en grunn fra listen.")]})
    if decision != "not_reported":
        reason = ""
    elif band == "under_16" and not reason:
        raise ValidationError(
            {
                "not_reported_reason": [
                    _(
                        "Gjelder saken en person under 16 år, skal den meldes. Velg hvorfor "
                        "den ikke er meldt."
                    )
                ]
            }
        )
    return {
        "police_decision": decision,
        "aggrieved_heard": heard,
        "guardians_accused": accused,
        "not_reported_reason": reason,
    }


def _check_log_fields(
    kind: str, fields: dict[str, Any], *, band: str | None, earlier: list[dict[str, Any]]
) -> dict[str, Any]:
    """The booklet's rules for meetings, minors, police and sanctions (W13, W15, W16)."""
    if kind == "meeting":
        return _check_meeting(fields, band)
    if kind == "police":
        return _check_police(fields, band, earlier)
    if kind == "sanction":
        sanction = fields.get("sanction")
        if sanction not in SANCTIONS:
            raise ValidationError({"sanction": [_("Velg en reaksjon.")]})
        parts = [p for p in fields.get("reprimand_parts") or [] if p in REPRIMAND_PARTS]
        if parts and sanction != "written_reprimand":
            raise ValidationError(
                {"reprimand_parts": [_("Tilleggene gjelder bare skriftlig irettesettelse.")]}
            )
        return {"sanction": sanction, "reprimand_parts": parts}
    if kind in ("note", "contact_affected", "views_heard"):
        return {}
    raise ValidationError({"kind": [_("Ukjent type loggføring.")]})


@transaction.atomic
def log_entry_add(
    *, handler: Handler, case: Case, key: bytes, kind: str, text: str, fields: dict[str, Any]
) -> LogEntry:
    """W14: document a step. Kind-specific checks in ``_check_log_fields``."""
    _require_read(handler, case)
    case = _locked_open_case(case)
    _text(text, "text")
    checked = _check_log_fields(
        kind, fields, band=age_band(case, key), earlier=_kinds_logged(case, key)
    )
    entry = _log(case, handler, key, kind, text=text, **checked)
    audit(actor=handler.user, action="case.logged", case=case, entry=entry.pk)
    return entry


@transaction.atomic
def access_grant(*, handler: Handler, case: Case, key: bytes, target: Handler) -> KeyGrant:
    """W10: let another handler read the case by sealing the case key to their public key.
    The excluded handler can never be given access."""
    _require_read(handler, case)
    case = _locked_open_case(case)
    content = read_blob(key, bytes(case.content_blob))
    if target.pk == content.get("excluded_handler_id"):
        raise ValidationError(
            _("Varsleren har bedt om at denne personen ikke skal se saken. Tilgang kan ikke gis.")
        )
    if not target.is_active or not target.has_keys:
        raise ValidationError(
            _("Mottakeren har ikke satt opp nøkkelen sin ennå og kan ikke få tilgang.")
        )
    now = timezone.now()
    grant = KeyGrant.objects.select_for_update().filter(case=case, handler=target).first()
    if grant is not None and grant.access == Access.READ:
        raise ValidationError(_("Denne personen har allerede tilgang."))
    sealed = crypto.seal(bytes(target.public_key or b""), key)
    if grant is None:
        grant = KeyGrant.objects.create(
            case=case,
            handler=target,
            access=Access.READ,
            sealed_key=sealed,
            created_at=now,
            granted_by=handler,
        )
    else:
        grant.access = Access.READ
        grant.sealed_key = sealed
        grant.granted_by = handler
        grant.save(update_fields=["access", "sealed_key", "granted_by"])
    _log(case, handler, key, "access_granted", target=target.pk)
    audit(actor=handler.user, action="case.access_granted", case=case, target=target.pk)
    return grant


def _check_under_16_reported(case: Case, key: bytes) -> None:
    """W15: a case about a person under 16 is not closed before it is reported (to the
    police or the child welfare service), or a reason the guidelines allow is recorded."""
    if age_band(case, key) != "under_16":
        return
    for payload in _kinds_logged(case, key):
        if payload.get("kind") != "police":
            continue
        if payload.get("police_decision") in UNDER_16_REPORTED:
            return
        if payload.get("not_reported_reason") in NOT_REPORTED_REASONS:
            return
    raise ValidationError(
        {
            "reason": [
                _(
                    "Saken gjelder en person under 16 år og kan ikke avsluttes før det er "
                    "dokumentert at den er meldt til politiet eller barnevernet, eller hvorfor "
                    "den ikke skal meldes."
                )
            ]
        }
    )


def unanswered_messages(case: Case, key: bytes) -> list[dict[str, Any]]:
    """The handlers' messages the reporter has not answered: those sent after the
    reporter's last message, leaving out the acknowledgement and a closing message. The
    reporter cannot answer once the case is closed, so closing lists them first (issue 17)."""
    waiting: list[dict[str, Any]] = []
    for message in Message.objects.filter(case=case).select_related("handler__user"):
        if message.author == Author.REPORTER:
            waiting = []
            continue
        body = read_blob(key, bytes(message.body_blob))
        if body.get("acknowledgement") or body.get("final"):
            continue
        waiting.append(
            {"id": message.pk, "at": message.created_at, "body": body.get("body", ""),
             "handler": message.handler}
        )  # fmt: skip
    return waiting


def _close_checks(case: Case, key: bytes, reason: str, final_message: str | None) -> None:
    if not case.is_open:
        raise ValidationError(_("Saken er avsluttet."))
    errors: dict[str, list[str]] = {}
    for field, value in (("reason", reason), ("message", final_message)):
        if value is None:
            continue
        try:
            _text(value, field)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    _check_under_16_reported(case, key)


def case_close_preview(
    *, handler: Handler, case: Case, key: bytes, reason: str, final_message: str
) -> list[dict[str, Any]]:
    """What closing would do, before it is confirmed: refuses as closing would, and
    returns the messages the reporter has not answered (issue 17). Writes nothing."""
    _require_read(handler, case)
    _close_checks(case, key, reason, final_message)
    return unanswered_messages(case, key)


UNANSWERED_CODE = "unanswered"


def _close(
    *,
    handler: Handler,
    case: Case,
    key: bytes,
    status: str,
    kind: str,
    reason: str,
    final_message: str | None = None,
    seen_unanswered: Collection[int] = (),
) -> Case:
    _require_read(handler, case)
    case = _locked_open_case(case)
    _close_checks(case, key, reason, final_message)
    now = timezone.now()
    unanswered = [m["id"] for m in unanswered_messages(case, key)]
    if final_message is not None:
        if any(pk not in seen_unanswered for pk in unanswered):
            raise ValidationError(
                _(
                    "Varsleren har ikke svart på alle spørsmålene dine, og kan ikke svare "
                    "etter at saken er avsluttet. Se over meldingene før du avslutter."
                ),
                code=UNANSWERED_CODE,
            )
        Message.objects.create(
            case=case,
            author=Author.HANDLER,
            handler=handler,
            created_at=now,
            body_blob=_json_blob(key, {"body": final_message, "final": True}),
        )
    case.status = status
    case.closed_at = now
    case.delete_after = dates.add_years(now, dates.RETENTION_YEARS)
    case.save(update_fields=["status", "closed_at", "delete_after"])
    _log(case, handler, key, kind, text=reason, unanswered=len(unanswered))
    audit(
        actor=handler.user,
        action=f"case.{kind}",
        case=case,
        final_message=final_message is not None,
        unanswered=len(unanswered),
    )
    return case


@transaction.atomic
def case_close(
    *,
    handler: Handler,
    case: Case,
    key: bytes,
    reason: str,
    final_message: str,
    seen_unanswered: Collection[int] = (),
) -> Case:
    """Close the case with a last message to the reporter; it will be deleted 5 years
    later (W14). Refused while the reporter has unanswered questions the handler has not
    been shown (``case_close_preview``), since the reporter cannot answer afterwards."""
    return _close(
        handler=handler,
        case=case,
        key=key,
        status=CaseStatus.CLOSED,
        kind="closed",
        reason=reason,
        final_message=final_message,
        seen_unanswered=seen_unanswered,
    )


@transaction.atomic
def case_mark_not_a_case(
    *,
    handler: Handler,
    case: Case,
    key: bytes,
    reason: str,
    final_message: str,
    seen_unanswered: Collection[int] = (),
) -> Case:
    """Triage: not a whistleblowing case (W2), with the reason for the documentation and a
    last message that tells the reporter so (and where else to turn); confirmed like
    closing, with the unanswered questions shown first. Retention as when closed."""
    return _close(
        handler=handler,
        case=case,
        key=key,
        status=CaseStatus.NOT_A_CASE,
        kind="not_a_case",
        reason=reason,
        final_message=final_message,
        seen_unanswered=seen_unanswered,
    )


def attachment_read(
    *, handler: Handler | None, case: Case, key: bytes, attachment: Attachment
) -> tuple[str, str, bytes]:
    """(name, content type, bytes) of one attachment; logged."""
    if attachment.case_id != case.pk:
        raise PermissionDenied
    meta = read_blob(key, bytes(attachment.meta_blob))
    with attachment.file.open("rb") as handle:
        data = crypto.decrypt(key, handle.read())
    audit(
        actor=handler.user if handler else None,
        action="case.attachment_decrypted",
        case=case,
    )
    return str(meta.get("name", "vedlegg")), str(meta.get("type", "")), data


def police_export_logged(*, handler: Handler, case: Case) -> None:
    _require_read(handler, case)
    audit(actor=handler.user, action="case.police_export", case=case)
