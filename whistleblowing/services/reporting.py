"""Every write of the whistleblowing app. Each service runs in one transaction and writes
its audit event; none logs, mails or queues content (ids and codes only)."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from config.roles import user_roles
from whistleblowing import crypto, dates, routing, uploads
from whistleblowing.audit import audit
from whistleblowing.models import (
    HANDLERS_GROUP,
    Access,
    Attachment,
    Author,
    Case,
    Category,
    Handler,
    HandlerRole,
    KeyGrant,
    LogEntry,
    Message,
    NotificationKind,
    Relation,
    UsedFormToken,
)
from whistleblowing.services.sweeps import notice_record

MIN_PASSPHRASE = 12
MAX_TEXT = 20_000


class ReplayedSubmission(ValidationError):
    """The same report form was posted twice; the first one is safely stored."""


def _json_blob(key: bytes, payload: dict[str, Any]) -> bytes:
    return crypto.encrypt(key, json.dumps(payload, ensure_ascii=False).encode("utf-8"))


def read_blob(key: bytes, blob: bytes | memoryview) -> dict[str, Any]:
    value = json.loads(crypto.decrypt(key, bytes(blob)).decode("utf-8"))
    return value if isinstance(value, dict) else {}


def _store_attachments(
    *, case: Case, key: bytes, files: Sequence[UploadedFile], author: str, now: Any
) -> list[Attachment]:
    if author == Author.REPORTER:
        uploads.check_case_quota(case=case, author=author, files=files)
    stored = []
    for upload in files:
        upload.seek(0)
        data = upload.read()
        attachment = Attachment(case=case, author=author, created_at=now, size=len(data))
        attachment.meta_blob = _json_blob(
            key, {"name": upload.name or "vedlegg", "type": upload.content_type or ""}
        )
        attachment.file.save("vedlegg.bin", ContentFile(crypto.encrypt(key, data)), save=False)
        attachment.save()
        _file_time(attachment, now)
        stored.append(attachment)
    return stored


def _file_time(attachment: Attachment, moment: Any) -> None:
    """The stored file's times say no more than its row (a reporter's: the day only)."""
    try:
        path = attachment.file.path
    except NotImplementedError:  # a storage without local files keeps its own times
        return
    stamp = moment.timestamp()
    os.utime(path, (stamp, stamp))


def _delete_files_on_rollback(attachments: list[Attachment]) -> None:
    for attachment in attachments:
        if attachment.file.name:
            attachment.file.storage.delete(attachment.file.name)


def _queue_notification(case: Case, kind: str, ref: int = 0) -> None:
    """The notice's outbox row, in the report's own transaction (see ``sweeps``)."""
    notice_record(case, kind, ref)


# --- handlers and keys ----------------------------------------------------------------


def is_handler_user(user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and HANDLERS_GROUP in user_roles(user)
    )


def handler_for_user(user: Any) -> Handler | None:
    """The active Handler row of a user in the handlers group, or None. A pure read: the
    row is made when the user is put in the group (``people.on_groups_changed``)."""
    if not is_handler_user(user):
        return None
    return Handler.objects.filter(user=user, is_active=True).first()


def _check_passphrase(passphrase: str) -> None:
    if len(passphrase) < MIN_PASSPHRASE:
        raise ValidationError(
            _("Passordfrasen må ha minst %(min)d tegn."), params={"min": MIN_PASSPHRASE}
        )


@transaction.atomic
def handler_setup_keys(*, actor: Any, handler: Handler, passphrase: str) -> bytes:
    """Create the handler's keypair; returns the private key for immediate unlocking."""
    handler = Handler.objects.select_for_update().get(pk=handler.pk)
    if handler.has_keys:
        raise ValidationError(_("Du har allerede satt opp nøkkelen din."))
    _check_passphrase(passphrase)
    pair = crypto.new_keypair()
    protected = crypto.protect(pair.private, passphrase)
    handler.public_key = pair.public
    handler.private_key_blob = protected.blob
    handler.kdf_salt = protected.salt
    handler.kdf_opslimit = protected.opslimit
    handler.kdf_memlimit = protected.memlimit
    handler.key_created_at = timezone.now()
    handler.save()
    audit(actor=actor, action="handler.keys_created", handler=handler.pk)
    return pair.private


def _protected(handler: Handler) -> crypto.ProtectedKey:
    if not handler.has_keys or handler.private_key_blob is None:
        raise ValidationError(_("Du har ikke satt opp nøkkelen din ennå."))
    return crypto.ProtectedKey(
        blob=bytes(handler.private_key_blob),
        salt=bytes(handler.kdf_salt or b""),
        opslimit=int(handler.kdf_opslimit or 0),
        memlimit=int(handler.kdf_memlimit or 0),
    )


def handler_unlock(*, actor: Any, handler: Handler, passphrase: str) -> bytes:
    try:
        private = crypto.unprotect(_protected(handler), passphrase)
    except crypto.DecryptionError:
        audit(actor=actor, action="handler.unlock_failed", handler=handler.pk)
        raise ValidationError(_("Passordfrasen stemmer ikke.")) from None
    audit(actor=actor, action="handler.unlocked", handler=handler.pk)
    return private


@transaction.atomic
def handler_change_passphrase(*, actor: Any, handler: Handler, old: str, new: str) -> bytes:
    private = handler_unlock(actor=actor, handler=handler, passphrase=old)
    _check_passphrase(new)
    protected = crypto.protect(private, new)
    Handler.objects.filter(pk=handler.pk).update(
        private_key_blob=protected.blob,
        kdf_salt=protected.salt,
        kdf_opslimit=protected.opslimit,
        kdf_memlimit=protected.memlimit,
    )
    audit(actor=actor, action="handler.passphrase_changed", handler=handler.pk)
    return private


def active_recipients() -> list[Handler]:
    """Handlers who can receive a report now: in the group, active, with a keypair."""
    return list(
        Handler.objects.filter(
            is_active=True,
            public_key__isnull=False,
            user__is_active=True,
            user__groups__name=HANDLERS_GROUP,
        )
        .select_related("user")
        .distinct()
    )


def named_handlers() -> list[Handler]:
    """Everyone named as a recipient now (in the group, active), with or without a key:
    what the route-health panel shows."""
    return list(
        Handler.objects.filter(
            is_active=True, user__is_active=True, user__groups__name=HANDLERS_GROUP
        )
        .select_related("user")
        .distinct()
    )


def as_recipient(handler: Handler) -> routing.Recipient:
    return routing.Recipient(
        id=handler.pk,
        role=handler.role,
        gender=handler.gender,
        sexual_harassment_recipient=handler.sexual_harassment_recipient,
        has_key=handler.has_keys,
        body=handler.body_name,
    )


# --- the reporter ---------------------------------------------------------------------


@dataclass(frozen=True)
class ReportInput:
    category: str
    youth_wing: bool
    relation: str
    description: str
    involved: str = ""
    anonymous: bool = True
    name: str = ""
    contact: str = ""
    excluded_handler_id: int | None = None
    # W8: whom the reporter addressed (routing.ADDRESSED), and which leader.
    addressed_to: str = routing.TO_CENTRAL
    leader_id: int | None = None


@dataclass(frozen=True)
class Submitted:
    case: Case
    receipt: str  # digits; shown once, never stored


def report_problems(report: ReportInput) -> dict[str, list[str]]:
    """Every rule a report breaks, by field, all at once (the form shows them in one
    round, issue 17); ``report_submit`` refuses a report with any."""
    errors: dict[str, list[str]] = {}
    if report.category not in Category.values:
        errors["category"] = [_("Velg hva varselet gjelder.")]
    if report.relation not in Relation.values:
        errors["relation"] = [_("Velg hvordan du kjenner til saken.")]
    if not report.description.strip():
        errors["description"] = [_("Beskriv hva som har skjedd. Feltet kan ikke være tomt.")]
    elif len(report.description) > MAX_TEXT:
        errors["description"] = [_("Beskrivelsen er for lang. Legg heller ved en fil.")]
    if not report.anonymous and not (report.name.strip() and report.contact.strip()):
        errors["name"] = [_("Skriv navn og hvordan vi kan nå deg, eller velg å varsle anonymt.")]
    if report.addressed_to not in routing.ADDRESSED:
        errors["addressed_to"] = [_("Velg hvem som skal få varselet.")]
    elif report.youth_wing and report.addressed_to != routing.TO_CENTRAL:
        errors["addressed_to"] = [_youth_always()]
    elif report.addressed_to == routing.TO_LEADER and report.leader_id is None:
        errors["leader"] = [_("Velg hvilken leder som skal få varselet.")]
    elif (
        report.addressed_to == routing.TO_LEADER and report.leader_id == report.excluded_handler_id
    ):
        errors["excluded_handler"] = [
            _("Du har valgt at lederen du sender til, ikke skal se varselet. Velg én av delene.")
        ]
    return errors


def _validate_report(report: ReportInput) -> None:
    if errors := report_problems(report):
        raise ValidationError(errors)


def _youth_always() -> str:
    return _(
        "Varsler om Senterungdommen går alltid til Senterungdommens generalsekretær. Velg "
        "«Varslingsmottakerne sentralt», eller svar nei på spørsmålet om Senterungdommen."
    )


def _not_ready(report: ReportInput) -> ValidationError:
    """W8: an addressed route nobody can read is refused on its own field; nothing goes
    silently elsewhere."""
    if report.addressed_to == routing.TO_LEADER:
        return ValidationError(
            {
                "leader": [
                    _(
                        "Denne lederen kan ikke ta imot varsler her ennå. Ingenting er lagret. "
                        "Velg en annen mottaker, eller bruk telefon eller e-post."
                    )
                ]
            }
        )
    if report.addressed_to != routing.TO_CENTRAL:
        return ValidationError(
            {
                "addressed_to": [
                    _(
                        "Denne mottakeren kan ikke ta imot varsler her ennå. Ingenting er "
                        "lagret. Velg en annen mottaker, eller bruk telefon eller e-post."
                    )
                ]
            }
        )
    return ValidationError(
        _(
            "Varslingsmottaket er ikke klart til å ta imot varsler akkurat nå. "
            "Ingenting er lagret. Kontakt generalsekretæren direkte."
        )
    )


def report_submit(
    *, report: ReportInput, files: Sequence[UploadedFile], form_token: str
) -> Submitted:
    """Store a report encrypted, route it (W8–W10) and return the receipt (W1, W4, W5).

    A replayed form token raises ``ReplayedSubmission`` and changes nothing."""
    _validate_report(report)
    uploads.check_files(files)
    recipients = active_recipients()
    plan = routing.route(
        category=report.category,
        youth_wing=report.youth_wing,
        recipients=[as_recipient(h) for h in recipients],
        excluded_id=report.excluded_handler_id,
        addressed_to=report.addressed_to,
        leader_id=report.leader_id,
    )
    if routing.READ not in plan.values():
        raise _not_ready(report)
    token_hash = hashlib.sha256(form_token.encode("utf-8")).hexdigest()
    if UsedFormToken.objects.filter(token_hash=token_hash).exists():
        raise ReplayedSubmission(_replay_message())

    receipt = crypto.new_receipt()
    key = crypto.new_case_key()
    params = crypto.kdf_params()
    receipt_salt = crypto.new_case_key()[: crypto.SALT_BYTES]
    receipt_key = crypto.derive_key(receipt, receipt_salt, params)
    receipt_hash = crypto.hash_receipt(receipt)
    # The day only, for every row this request writes: the hour of a report is a clue to
    # who sent it, and the deadlines count calendar days (dates.py).
    now = dates.day_start(timezone.now())
    stored: list[Attachment] = []
    try:
        with transaction.atomic():
            UsedFormToken.objects.create(token_hash=token_hash, used_at=now)
            case = Case.objects.create(
                created_at=now,
                category=report.category,
                youth_wing=report.youth_wing,
                content_blob=_json_blob(
                    key,
                    {
                        "relation": report.relation,
                        "description": report.description,
                        "involved": report.involved,
                        "anonymous": report.anonymous,
                        "name": "" if report.anonymous else report.name,
                        "contact": "" if report.anonymous else report.contact,
                        "excluded_handler_id": report.excluded_handler_id,
                        "addressed_to": report.addressed_to,
                        "leader_id": report.leader_id,
                    },
                ),
                receipt_index=crypto.receipt_index(receipt),
                receipt_hash=receipt_hash,
                receipt_key_blob=crypto.encrypt(receipt_key, key),
                receipt_salt=receipt_salt,
                receipt_opslimit=params.opslimit,
                receipt_memlimit=params.memlimit,
            )
            by_id = {h.pk: h for h in recipients}
            KeyGrant.objects.bulk_create(
                KeyGrant(
                    case=case,
                    handler=by_id[handler_id],
                    access=access,
                    sealed_key=crypto.seal(bytes(by_id[handler_id].public_key or b""), key)
                    if routing.sealed(access)
                    else None,
                    created_at=now,
                )
                for handler_id, access in plan.items()
            )
            if case.youth_wing:
                # W5, W10: the youth wing's deputy is told (metadata, no key) if the report
                # gets no reaction in 14 days. The row is made now, while the excluded
                # person is known; the sweep cannot read the report.
                KeyGrant.objects.bulk_create(
                    KeyGrant(
                        case=case,
                        handler=h,
                        access=Access.ON_ESCALATION,
                        sealed_key=None,
                        created_at=now,
                    )
                    for h in recipients
                    if h.role == HandlerRole.YOUTH_DEPUTY
                    and h.pk != report.excluded_handler_id
                    and h.pk not in plan
                )
            if case.youth_wing and any(
                by_id[h].role == routing.SECRETARY_GENERAL and a == routing.READ
                for h, a in plan.items()
            ):
                # W8, W10: the youth wing's general was excluded; the readers see why the
                # party's general holds the key.
                LogEntry.objects.create(
                    case=case,
                    handler=None,
                    created_at=now,
                    payload_blob=_json_blob(key, {"kind": "routed_to_party_general"}),
                )
            stored = _store_attachments(
                case=case, key=key, files=files, author=Author.REPORTER, now=now
            )
            audit(
                actor=None,
                action="case.submitted",
                case=case,
                at=now,
                category=case.category,
                youth_wing=case.youth_wing,
                files=len(stored),
                readers=sum(1 for a in plan.values() if a == routing.READ),
                route=report.addressed_to,
            )
            _queue_notification(case, NotificationKind.NEW_REPORT)
    except IntegrityError:
        _delete_files_on_rollback(stored)
        raise ReplayedSubmission(_replay_message()) from None
    except Exception:
        _delete_files_on_rollback(stored)
        raise
    return Submitted(case=case, receipt=receipt)


def _replay_message() -> str:
    return _(
        "Dette skjemaet er allerede sendt inn, og varselet ditt er trygt mottatt. "
        "Bruk kvitteringskoden du fikk da du sendte det."
    )


def reporter_open(*, receipt: str) -> tuple[Case, bytes] | None:
    """The case and its key for a receipt, or None. One Argon2id check per case sharing
    the receipt's index (a handful at most), never a scan of all cases."""
    digits = crypto.normalise_receipt(receipt)
    if digits is None:
        return None
    candidates = list(Case.objects.filter(receipt_index=crypto.receipt_index(digits)))
    if not candidates:
        # Same cost as a real check, so timing does not reveal whether an index exists.
        crypto.verify_receipt(crypto.hash_receipt("0" * crypto.RECEIPT_DIGITS), digits)
        return None
    for case in candidates:
        if not crypto.verify_receipt(case.receipt_hash, digits):
            continue
        receipt_key = crypto.derive_key(
            digits,
            bytes(case.receipt_salt),
            crypto.KdfParams(case.receipt_opslimit, case.receipt_memlimit),
        )
        key = crypto.decrypt(receipt_key, bytes(case.receipt_key_blob))
        audit(
            actor=None,
            action="case.reporter_opened",
            case=case,
            at=dates.day_start(timezone.now()),
        )
        return case, key
    return None


def reporter_message_send(
    *, case: Case, key: bytes, body: str, files: Sequence[UploadedFile]
) -> Message | None:
    """The reporter answers or adds information/files to their own case."""
    if not body.strip() and not files:
        raise ValidationError({"body": [_("Skriv en melding eller legg ved en fil.")]})
    if len(body) > MAX_TEXT:
        raise ValidationError({"body": [_("Meldingen er for lang. Legg heller ved en fil.")]})
    uploads.check_files(files)
    stored: list[Attachment] = []
    try:
        with transaction.atomic():
            case = Case.objects.select_for_update().get(pk=case.pk)
            if not case.is_open:
                raise ValidationError(_("Saken er avsluttet. Du kan ikke legge til mer i den."))
            now = dates.day_start(timezone.now())  # see report_submit
            message = None
            if body.strip():
                message = Message.objects.create(
                    case=case,
                    author=Author.REPORTER,
                    created_at=now,
                    body_blob=_json_blob(key, {"body": body}),
                )
            stored = _store_attachments(
                case=case, key=key, files=files, author=Author.REPORTER, now=now
            )
            audit(
                actor=None,
                action="case.reporter_wrote",
                case=case,
                at=now,
                message=bool(message),
                files=len(stored),
            )
            ref = message.pk if message else stored[0].pk.int % 2**62
            _queue_notification(case, NotificationKind.REPORTER_MESSAGE, ref)
    except Exception:
        _delete_files_on_rollback(stored)
        raise
    return message
