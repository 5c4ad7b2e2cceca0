"""Services: submission, routing with keys, reporter access, handling (W1–W16)."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories import whistleblowing as f
from whistleblowing import crypto, services
from whistleblowing.models import (
    Access,
    AuditEvent,
    Case,
    CaseStatus,
    KeyGrant,
    LogEntry,
    Message,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return {
        "sec": f.make_handler(role="secretariat", gender="female"),
        "sec2": f.make_handler(role="secretariat", gender="male"),
        "sg": f.make_handler(role="secretary_general", gender="male"),
        "ysg": f.make_handler(role="youth_secretary_general", gender="female"),
    }


def grants(case):
    return dict(KeyGrant.objects.filter(case=case).values_list("handler_id", "access"))


def test_w1_anyone_can_submit_without_an_account_and_gets_a_receipt(staff):
    result = f.submit()
    assert len(result.receipt) == 16
    case = Case.objects.get()
    assert case.status == CaseStatus.RECEIVED
    assert result.receipt not in case.receipt_hash
    assert case.receipt_index == result.receipt[:4]
    assert AuditEvent.objects.filter(action="case.submitted", actor=None).count() == 1


def test_w8_youth_wing_case_is_sealed_to_youth_general_and_general_only_informed(staff):
    case = f.submit(youth_wing=True).case
    assert grants(case) == {staff["ysg"].pk: Access.READ, staff["sg"].pk: Access.INFORMED}
    # The informed general cannot open it in the portal (W10: metadata only).
    private = services.handler_unlock(
        actor=staff["sg"].user, handler=staff["sg"], passphrase=f.PASSPHRASE
    )
    with pytest.raises(PermissionDenied):
        services.case_key_for_handler(handler=staff["sg"], case=case, private_key=private)
    key = f.case_key(staff["ysg"], case)
    assert services.read_blob(key, case.content_blob)["description"].startswith("Det skjedde")


def test_w9_sexual_harassment_reaches_designated_recipients_of_both_genders(staff):
    woman = f.make_handler(gender="female", sexual_harassment_recipient=True, hr_competence=True)
    man = f.make_handler(gender="male", sexual_harassment_recipient=True, hr_competence=True)
    case = f.submit(category="sexual_harassment").case
    assert grants(case) == {
        woman.pk: Access.READ,
        man.pk: Access.READ,
        staff["sg"].pk: Access.STANDBY,
    }


def test_excluded_handler_never_gets_a_key_and_cannot_be_granted_access(staff):
    case = f.submit(excluded_handler_id=staff["sec2"].pk).case
    assert staff["sec2"].pk not in grants(case)
    private = services.handler_unlock(
        actor=staff["sec2"].user, handler=staff["sec2"], passphrase=f.PASSPHRASE
    )
    with pytest.raises(PermissionDenied):
        services.case_key_for_handler(handler=staff["sec2"], case=case, private_key=private)
    # No grant row means nothing to unseal even with the raw blobs of others.
    other_blob = KeyGrant.objects.get(case=case, handler=staff["sec"]).sealed_key or b""
    with pytest.raises(crypto.DecryptionError):
        crypto.unseal(private, other_blob)
    key = f.case_key(staff["sec"], case)
    with pytest.raises(ValidationError, match="ikke skal se saken"):
        services.access_grant(handler=staff["sec"], case=case, key=key, target=staff["sec2"])


def test_w10_handler_can_grant_access_and_it_is_logged(staff):
    case = f.submit(youth_wing=True).case
    key = f.case_key(staff["ysg"], case)
    services.access_grant(handler=staff["ysg"], case=case, key=key, target=staff["sec"])
    assert grants(case)[staff["sec"].pk] == Access.READ
    assert f.case_key(staff["sec"], case) == key
    assert AuditEvent.objects.filter(action="case.access_granted", case=case).exists()
    with pytest.raises(ValidationError, match="allerede tilgang"):
        services.access_grant(handler=staff["ysg"], case=case, key=key, target=staff["sec"])


def test_granting_upgrades_the_informed_general_to_reader(staff):
    case = f.submit(youth_wing=True).case
    key = f.case_key(staff["ysg"], case)
    services.access_grant(handler=staff["ysg"], case=case, key=key, target=staff["sg"])
    assert grants(case)[staff["sg"].pk] == Access.READ
    assert f.case_key(staff["sg"], case) == key


def test_handler_without_keys_cannot_be_granted(staff):
    newcomer = f.make_handler(keys=False)
    case = f.submit().case
    key = f.case_key(staff["sec"], case)
    with pytest.raises(ValidationError, match="nøkkelen"):
        services.access_grant(handler=staff["sec"], case=case, key=key, target=newcomer)


def test_submission_is_refused_when_nobody_can_receive_it():
    f.make_handler(keys=False)
    with pytest.raises(ValidationError, match="ikke klart"):
        f.submit()
    assert not Case.objects.exists()


def test_every_decryption_is_logged_with_who(staff):
    case = f.submit().case
    f.case_key(staff["sec"], case)
    f.case_key(staff["sec"], case)
    events = AuditEvent.objects.filter(action="case.decrypted", case=case)
    assert events.count() == 2
    assert {e.actor_id for e in events} == {staff["sec"].user_id}


def test_wrong_passphrase_is_refused_and_logged(staff):
    with pytest.raises(ValidationError, match="stemmer ikke"):
        services.handler_unlock(
            actor=staff["sec"].user, handler=staff["sec"], passphrase="feil" * 4
        )
    assert AuditEvent.objects.filter(action="handler.unlock_failed").count() == 1


def test_passphrase_change_keeps_the_same_private_key(staff):
    before = services.handler_unlock(
        actor=staff["sec"].user, handler=staff["sec"], passphrase=f.PASSPHRASE
    )
    services.handler_change_passphrase(
        actor=staff["sec"].user, handler=staff["sec"], old=f.PASSPHRASE, new="ny-lang-frase-99"
    )
    staff["sec"].refresh_from_db()
    after = services.handler_unlock(
        actor=staff["sec"].user, handler=staff["sec"], passphrase="ny-lang-frase-99"
    )
    assert before == after


def test_w4_w5_reporter_reads_acknowledgement_with_the_receipt(staff):
    result = f.submit(anonymous=False, name="Kari", contact="kari@example.org")
    key = f.case_key(staff["sec"], result.case)
    assert services.read_blob(key, result.case.content_blob)["name"] == "Kari"
    services.case_acknowledge(
        handler=staff["sec"], case=result.case, key=key, message="Vi har mottatt varselet."
    )
    opened = services.reporter_open(receipt=crypto.format_receipt(result.receipt))
    assert opened is not None
    case, reporter_key = opened
    assert reporter_key == key
    case.refresh_from_db()
    assert case.status == CaseStatus.ACKNOWLEDGED
    assert case.feedback_due_at is not None
    ack = Message.objects.get(case=case)
    assert services.read_blob(reporter_key, ack.body_blob)["body"] == "Vi har mottatt varselet."
    with pytest.raises(ValidationError, match="allerede bekreftet"):
        services.case_acknowledge(handler=staff["sec"], case=case, key=key, message="igjen")


def test_wrong_receipt_opens_nothing(staff):
    result = f.submit()
    wrong = result.receipt[:4] + ("0" if result.receipt[4] != "0" else "1") + result.receipt[5:]
    assert services.reporter_open(receipt=wrong) is None
    assert services.reporter_open(receipt="0000 0000 0000 000") is None
    assert services.reporter_open(receipt="abcd") is None


def test_reporter_can_answer_and_add_files_until_the_case_is_closed(staff):
    result = f.submit()
    _, key = services.reporter_open(receipt=result.receipt)  # type: ignore[misc]
    services.reporter_message_send(
        case=result.case, key=key, body="Mer informasjon", files=[f.pdf_upload()]
    )
    assert result.case.attachments.count() == 1
    handler_key = f.case_key(staff["sec"], result.case)
    services.case_close(
        handler=staff["sec"],
        case=result.case,
        key=handler_key,
        reason="Ferdig",
        final_message="Saken er avsluttet.",
    )
    with pytest.raises(ValidationError, match="avsluttet"):
        services.reporter_message_send(case=result.case, key=key, body="mer", files=[])


def test_w14_closing_sets_deletion_five_years_later(staff):
    case = f.submit().case
    key = f.case_key(staff["sec"], case)
    case = services.case_close(
        handler=staff["sec"],
        case=case,
        key=key,
        reason="Behandlet",
        final_message="Saken er avsluttet.",
    )
    assert case.delete_after is not None and case.closed_at is not None
    assert case.delete_after.year == case.closed_at.year + 5
    assert case.delete_after.month == case.closed_at.month


def test_w2_triage_not_a_whistleblowing_case_needs_a_reason(staff):
    case = f.submit().case
    key = f.case_key(staff["sec"], case)
    with pytest.raises(ValidationError):
        services.case_mark_not_a_case(
            handler=staff["sec"], case=case, key=key, reason=" ", final_message="Ikke en sak."
        )
    with pytest.raises(ValidationError):  # the reporter is told, so a message is needed
        services.case_mark_not_a_case(
            handler=staff["sec"], case=case, key=key, reason="Kommunal sak", final_message=" "
        )
    case = services.case_mark_not_a_case(
        handler=staff["sec"],
        case=case,
        key=key,
        reason="Gjelder en kommunal sak",
        final_message="Dette gjelder kommunen. Ta det opp med kommunens varslingskanal.",
    )
    assert case.status == CaseStatus.NOT_A_CASE
    assert case.delete_after is not None


def test_w13_minor_meeting_without_guardian_is_refused_unless_over_16_and_objecting(staff):
    case = f.submit().case
    key = f.case_key(staff["sec"], case)
    add = lambda **fields: services.log_entry_add(  # noqa: E731
        handler=staff["sec"], case=case, key=key, kind="meeting", text="Møte",
        fields={"meeting_date": date(2026, 3, 2), **fields},
    )  # fmt: skip
    services.case_age_record(handler=staff["sec"], case=case, key=key, band="under_16")
    with pytest.raises(ValidationError, match="foresatte delta"):
        add(guardian_present=False)
    with pytest.raises(ValidationError, match="foresatte delta"):
        add(objected_to_guardian=True, other_adult_present=True)
    add(guardian_present=True)
    services.case_age_record(handler=staff["sec"], case=case, key=key, band="16_17")
    with pytest.raises(ValidationError, match="annen myndig person"):
        add(objected_to_guardian=True)
    add(objected_to_guardian=True, other_adult_present=True)
    meetings = [
        services.read_blob(key, e.payload_blob)
        for e in LogEntry.objects.filter(case=case)
        if services.read_blob(key, e.payload_blob)["kind"] == "meeting"
    ]
    assert [m["guardian_present"] for m in meetings] == [True, False]
    assert meetings[1]["other_adult_present"] is True


def test_w13_meeting_with_trusted_person_is_documented(staff):
    case = f.submit().case
    key = f.case_key(staff["sec"], case)
    entry = services.log_entry_add(
        handler=staff["sec"],
        case=case,
        key=key,
        kind="meeting",
        text="Samtale med begge parter",
        fields={"meeting_date": date(2026, 3, 2), "trusted_person_offered": True},
    )
    payload = services.read_blob(key, entry.payload_blob)
    assert payload["kind"] == "meeting"
    assert payload["trusted_person_offered"] is True


def test_w15_police_report_never_before_the_aggrieved_is_heard(staff):
    case = f.submit().case
    key = f.case_key(staff["sec"], case)
    log = lambda kind, **fields: services.log_entry_add(  # noqa: E731
        handler=staff["sec"], case=case, key=key, kind=kind, text="Steg", fields=fields
    )
    with pytest.raises(ValidationError, match="aldri anmeldes"):
        log("police", police_decision="reported")
    # A ticked box is not a hearing: it must be recorded first.
    with pytest.raises(ValidationError, match="aldri anmeldes"):
        log("police", police_decision="reported", aggrieved_heard=True)
    log("views_heard")
    entry = log("police", police_decision="reported")
    assert services.read_blob(key, entry.payload_blob)["aggrieved_heard"] is True


def test_w15_police_report_without_hearing_when_the_guardians_are_accused(staff):
    case = f.submit().case
    key = f.case_key(staff["sec"], case)
    services.log_entry_add(
        handler=staff["sec"], case=case, key=key, kind="police", text="Anmeldt",
        fields={"police_decision": "reported", "guardians_accused": True},
    )  # fmt: skip


def test_w16_sanctions_are_recorded_from_the_booklets_list(staff):
    case = f.submit().case
    key = f.case_key(staff["sec"], case)
    with pytest.raises(ValidationError):
        services.log_entry_add(
            handler=staff["sec"], case=case, key=key, kind="sanction", text="x",
            fields={"sanction": "fine"},
        )  # fmt: skip
    with pytest.raises(ValidationError, match="irettesettelse"):
        services.log_entry_add(
            handler=staff["sec"], case=case, key=key, kind="sanction", text="x",
            fields={"sanction": "oral_warning", "reprimand_parts": ["step_down"]},
        )  # fmt: skip
    entry = services.log_entry_add(
        handler=staff["sec"], case=case, key=key, kind="sanction", text="Vedtatt i styret",
        fields={"sanction": "written_reprimand", "reprimand_parts": ["no_positions"]},
    )  # fmt: skip
    assert services.read_blob(key, entry.payload_blob)["reprimand_parts"] == ["no_positions"]


def test_w12_contact_with_the_affected_person_is_logged(staff):
    case = f.submit(relation="witness").case
    key = f.case_key(staff["sec"], case)
    entry = services.log_entry_add(
        handler=staff["sec"], case=case, key=key, kind="contact_affected",
        text="Ringte den som opplevde det", fields={},
    )  # fmt: skip
    assert services.read_blob(key, entry.payload_blob)["kind"] == "contact_affected"


def test_w11_feedback_message_stops_the_feedback_clock(staff):
    case = f.submit().case
    key = f.case_key(staff["sec"], case)
    services.case_acknowledge(handler=staff["sec"], case=case, key=key, message="Mottatt")
    services.handler_message_send(
        handler=staff["sec"], case=case, key=key, body="Slik har vi fulgt opp", is_feedback=True
    )
    case.refresh_from_db()
    assert case.feedback_given_at is not None
