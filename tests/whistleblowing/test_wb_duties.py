"""The handling duties of issue 12: escalation of youth-wing reports to the party's general
and the youth wing's deputy (W5, W10), the other W10 triggers, central help within 14 days
(W11), minors (W13, W15), and deletion with notice and legal hold (W14). Clocks are run on
many dates with moved time."""

from __future__ import annotations

import datetime as dt
from datetime import date
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tests.factories import whistleblowing as f
from tests.whistleblowing.test_wb_views import handler_client
from whistleblowing import dates, permissions, services
from whistleblowing.models import (
    Access,
    AuditEvent,
    Case,
    CaseTrigger,
    HelpRequest,
    KeyGrant,
    LegalHold,
    LogEntry,
    Notification,
)

pytestmark = pytest.mark.django_db
START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
# Around the change to summer time, across a year end, a leap day and a month end.
STARTS = [
    START,
    dt.datetime(2026, 3, 20, 22, 30, tzinfo=dt.UTC),
    dt.datetime(2026, 10, 20, 23, 15, tzinfo=dt.UTC),
    dt.datetime(2026, 12, 24, 12, 0, tzinfo=dt.UTC),
    dt.datetime(2028, 2, 20, 6, 0, tzinfo=dt.UTC),
    dt.datetime(2027, 1, 31, 21, 59, tzinfo=dt.UTC),
]


@pytest.fixture
def staff():
    return {
        "sec": f.make_handler(role="secretariat"),
        "sg": f.make_handler(role="secretary_general"),
        "ysg": f.make_handler(role="youth_secretary_general"),
        "deputy": f.make_handler(role="youth_deputy"),
    }


def at(moment, function, *args, **kwargs):
    with time_machine.travel(moment, tick=False):
        return function(*args, **kwargs)


def recipients() -> list[str]:
    return sorted(to for message in mail.outbox for to in message.to)


def log_kinds(case, key) -> list[str]:
    return [
        services.read_blob(key, e.payload_blob)["kind"] for e in LogEntry.objects.filter(case=case)
    ]


# --- W5, W10: escalation of youth-wing reports -----------------------------------------


def test_w5_w10_youth_wing_escalation_informs_general_and_deputy_with_no_key(staff):
    case = at(START, f.submit, youth_wing=True).case
    deputy = KeyGrant.objects.get(case=case, handler=staff["deputy"])
    assert deputy.access == Access.ON_ESCALATION and deputy.sealed_key is None
    # Before day 14 the deputy does not even know the case exists.
    with pytest.raises(permissions.Http404):
        permissions.get_case_for_handler(staff["deputy"], case.pk, read=False)
    assert at(START + dt.timedelta(days=13), services.deadline_sweep).escalations == 0
    mail.outbox.clear()
    assert at(START + dt.timedelta(days=14), services.deadline_sweep).escalations == 1
    assert at(START + dt.timedelta(days=15), services.deadline_sweep).escalations == 0
    assert recipients() == sorted(
        [staff["ysg"].user.email, staff["sg"].user.email, staff["deputy"].user.email]
    )
    for name in ("sg", "deputy"):
        grant = KeyGrant.objects.get(case=case, handler=staff[name])
        assert grant.access == Access.INFORMED and grant.sealed_key is None
        found, listed = permissions.get_case_for_handler(staff[name], case.pk, read=False)
        assert found == case and listed.access == Access.INFORMED
    event = AuditEvent.objects.get(action="case.escalated", case=case)
    assert event.data["deputies"] == 1 and event.data["generals"] == 1


def test_w10_a_deputy_the_reporter_excluded_is_never_told(staff):
    case = f.submit(youth_wing=True, excluded_handler_id=staff["deputy"].pk).case
    at(START + dt.timedelta(days=40), services.deadline_sweep)
    assert not KeyGrant.objects.filter(case=case, handler=staff["deputy"]).exists()


def test_w10_party_reports_give_the_deputy_nothing_and_keep_the_reserve_key(staff):
    case = at(START, f.submit).case
    assert not KeyGrant.objects.filter(case=case, handler=staff["deputy"]).exists()
    assert KeyGrant.objects.get(case=case, handler=staff["sg"]).access == Access.STANDBY
    at(START + dt.timedelta(days=14), services.deadline_sweep)
    assert KeyGrant.objects.get(case=case, handler=staff["sg"]).access == Access.READ
    assert not KeyGrant.objects.filter(case=case, handler=staff["deputy"]).exists()


# --- W10: the other triggers -----------------------------------------------------------


def test_w10_trigger_on_a_party_case_opens_the_reserve_key_and_tells_the_general_once(
    staff, django_capture_on_commit_callbacks
):
    case = f.submit().case
    key = f.case_key(staff["sec"], case)
    services.notices_send()  # the new-report notice, waiting in the outbox
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.case_trigger_mark(
            handler=staff["sec"], case=case, key=key, kind="authorities", text="Politiet bør inn"
        )
    assert recipients() == [staff["sg"].user.email]
    assert "Politiet" not in mail.outbox[0].body and "Politiet" not in mail.outbox[0].subject
    assert KeyGrant.objects.get(case=case, handler=staff["sg"]).access == Access.READ
    assert f.case_key(staff["sg"], case) == key
    # Once: the outbox sends nothing more when its task or the sweep runs again.
    assert services.notices_send() == 0
    assert len(mail.outbox) == 1
    # Why is only in the encrypted log.
    assert log_kinds(case, key)[-1] == "trigger"
    entry = LogEntry.objects.filter(case=case).last()
    assert services.read_blob(key, entry.payload_blob)["trigger"] == "authorities"


def test_w10_trigger_on_a_youth_wing_case_informs_the_general_with_metadata_only(
    staff, django_capture_on_commit_callbacks
):
    case = f.submit(youth_wing=True).case
    key = f.case_key(staff["ysg"], case)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.case_trigger_mark(
            handler=staff["ysg"], case=case, key=key, kind="in_doubt", text="Usikker"
        )
    assert recipients() == [staff["sg"].user.email]
    grant = KeyGrant.objects.get(case=case, handler=staff["sg"])
    assert grant.access == Access.INFORMED and grant.sealed_key is None
    private = services.handler_unlock(actor=None, handler=staff["sg"], passphrase=f.PASSPHRASE)
    with pytest.raises(PermissionDenied):
        services.case_key_for_handler(handler=staff["sg"], case=case, private_key=private)
    # The informed page shows that the general was told, and nothing of the case.
    client = handler_client(staff["sg"], unlock=False)
    page = client.get(reverse("whistleblowing:case_detail", args=[case.pk])).content.decode()
    assert 'data-testid="triggers"' in page and "Usikker" not in page
    # A youth-wing reader's grant then lets the general read it.
    services.access_grant(handler=staff["ysg"], case=case, key=key, target=staff["sg"])
    assert f.case_key(staff["sg"], case) == key


def test_w10_trigger_needs_a_known_reason_and_an_open_case(staff):
    case = f.submit().case
    key = f.case_key(staff["sec"], case)
    with pytest.raises(ValidationError) as error:
        services.case_trigger_mark(handler=staff["sec"], case=case, key=key, kind="x", text="y")
    assert "kind" in error.value.error_dict
    with pytest.raises(ValidationError) as error:
        services.case_trigger_mark(handler=staff["sec"], case=case, key=key, kind="beyond", text="")
    assert "text" in error.value.error_dict
    services.case_close(
        handler=staff["sec"],
        case=case,
        key=key,
        reason="Ferdig",
        final_message="Saken er avsluttet.",
    )
    with pytest.raises(ValidationError):
        services.case_trigger_mark(
            handler=staff["sec"], case=case, key=key, kind="beyond", text="Sent"
        )
    assert not CaseTrigger.objects.exists()


def test_w10_a_handler_without_read_access_cannot_trigger(staff):
    case = f.submit(youth_wing=True).case
    with pytest.raises(PermissionDenied):
        services.case_trigger_mark(
            handler=staff["sg"], case=case, key=b"x" * 32, kind="beyond", text="Forsøk"
        )


# --- W11: central help within 14 days --------------------------------------------------


def _help_notices(request: HelpRequest) -> list[str]:
    return sorted(
        Notification.objects.filter(case=request.case, ref=request.pk, delivered=True)
        .exclude(kind="help_requested")
        .values_list("kind", flat=True)
    )


@pytest.mark.parametrize("start", STARTS, ids=lambda s: s.isoformat())
def test_w11_help_request_has_its_own_clock_with_reminders_and_escalation_once(
    staff, start, django_capture_on_commit_callbacks
):
    case = at(start, f.submit, youth_wing=True).case
    asked = start + dt.timedelta(days=5)  # the help clock starts when help is asked for
    key = f.case_key(staff["ysg"], case)
    at(start, services.case_acknowledge, handler=staff["ysg"], case=case, key=key, message="Ok")
    with time_machine.travel(asked, tick=False), django_capture_on_commit_callbacks(execute=True):
        request = services.help_request(
            handler=staff["ysg"], case=case, key=key, text="Trenger råd om mulig lovbrudd"
        )
    assert recipients()[-1:] == [staff["sg"].user.email]
    day = dates.local_date(asked)

    def sweep_on(days: int, hour: int = 0, minute: int = 5):
        moment = dt.datetime.combine(
            day + dt.timedelta(days=days), dt.time(hour, minute), tzinfo=dates.LOCAL
        )
        return at(moment, services.deadline_sweep).help

    assert sweep_on(6, 23, 55) == 0
    assert sweep_on(7) == 1
    assert sweep_on(7, 18) == 0
    assert sweep_on(11, 23, 55) == 0
    assert sweep_on(12) == 1
    assert sweep_on(13, 23, 55) == 0
    mail.outbox.clear()
    assert sweep_on(14) == 1
    assert sweep_on(14, 12) == 0
    assert sweep_on(30) == 0
    assert _help_notices(request) == ["help_overdue", "help_reminder_12", "help_reminder_7"]
    request.refresh_from_db()
    assert request.overdue
    assert recipients() == sorted([staff["sg"].user.email, staff["ysg"].user.email])
    # On a youth-wing report the general is still only informed.
    assert KeyGrant.objects.get(case=case, handler=staff["sg"]).sealed_key is None
    assert request.due_at == dates.midnight(day + dt.timedelta(days=14))


def test_w11_help_given_stops_the_clock_and_is_shown(staff):
    case = at(START, f.submit, youth_wing=True).case
    key = f.case_key(staff["ysg"], case)
    at(START, services.help_request, handler=staff["ysg"], case=case, key=key, text="Hjelp")
    # The informed general answers without any key.
    at(START + dt.timedelta(days=3), services.help_answer, handler=staff["sg"], case=case)
    assert at(START + dt.timedelta(days=20), services.deadline_sweep).help == 0
    request = HelpRequest.objects.get()
    assert request.answered_by == staff["sg"] and not request.overdue
    with pytest.raises(ValidationError):
        services.help_answer(handler=staff["sg"], case=case)
    # A new request may follow once the first is answered.
    services.help_request(handler=staff["ysg"], case=case, key=key, text="Mer hjelp")
    with pytest.raises(ValidationError):
        services.help_request(handler=staff["ysg"], case=case, key=key, text="Enda mer")
    assert HelpRequest.objects.count() == 2


def test_w11_the_central_party_does_not_ask_itself_and_locals_do_not_answer(staff):
    case = f.submit().case
    key = f.case_key(staff["sec"], case)
    with pytest.raises(ValidationError, match="sentralt"):
        services.help_request(handler=staff["sec"], case=case, key=key, text="Hjelp")
    youth = f.submit(youth_wing=True).case
    ykey = f.case_key(staff["ysg"], youth)
    services.help_request(handler=staff["ysg"], case=youth, key=ykey, text="Hjelp")
    with pytest.raises(PermissionDenied):
        services.help_answer(handler=staff["ysg"], case=youth, key=ykey)
    with pytest.raises(PermissionDenied):  # central, but no grant on this case
        services.help_answer(handler=staff["sec"], case=youth)


def test_w11_help_on_a_closed_case_is_no_longer_chased(staff):
    case = at(START, f.submit, youth_wing=True).case
    key = f.case_key(staff["ysg"], case)
    at(START, services.help_request, handler=staff["ysg"], case=case, key=key, text="Hjelp")
    at(
        START,
        services.case_close,
        handler=staff["ysg"],
        case=case,
        key=key,
        reason="Løst",
        final_message="Saken er avsluttet.",
    )
    assert at(START + dt.timedelta(days=14), services.deadline_sweep).help == 0


# --- W13, W15: minors ------------------------------------------------------------------


def test_w13_the_age_band_is_recorded_encrypted_and_changes_are_logged(staff):
    case = f.submit().case
    key = f.case_key(staff["sec"], case)
    assert services.age_band(case, key) is None
    services.case_age_record(handler=staff["sec"], case=case, key=key, band="16_17")
    case.refresh_from_db()
    assert b"16_17" not in bytes(case.age_blob or b"")
    assert services.age_band(case, key) == "16_17"
    services.case_age_record(handler=staff["sec"], case=case, key=key, band="under_16")
    case.refresh_from_db()
    assert services.age_band(case, key) == "under_16"
    assert log_kinds(case, key).count("age_recorded") == 2
    with pytest.raises(ValidationError):
        services.case_age_record(handler=staff["sec"], case=case, key=key, band="12")


def test_w13_an_adult_case_logs_a_meeting_without_a_guardian(staff):
    case = f.submit().case
    key = f.case_key(staff["sec"], case)
    services.case_age_record(handler=staff["sec"], case=case, key=key, band="adult")
    services.log_entry_add(
        handler=staff["sec"], case=case, key=key, kind="meeting", text="Møte",
        fields={"meeting_date": date(2026, 3, 2)},
    )  # fmt: skip


@pytest.mark.parametrize("closer", ["case_close", "case_mark_not_a_case"])
def test_w15_an_under_16_case_is_not_closed_before_it_is_reported(staff, closer):
    case = f.submit().case
    key = f.case_key(staff["sec"], case)
    extra = {"final_message": "Saken er avsluttet."}
    close = lambda: getattr(services, closer)(  # noqa: E731
        handler=staff["sec"], case=case, key=key, reason="Ferdig", **extra
    )
    log = lambda **fields: services.log_entry_add(  # noqa: E731
        handler=staff["sec"], case=case, key=key, kind="police", text="Vurdert", fields=fields
    )
    services.case_age_record(handler=staff["sec"], case=case, key=key, band="under_16")
    with pytest.raises(ValidationError, match="under 16 år") as error:
        close()
    assert "reason" in error.value.error_dict
    log(police_decision="must_report")  # the intention is not the report
    with pytest.raises(ValidationError, match="under 16 år"):
        close()
    with pytest.raises(ValidationError) as error:
        log(police_decision="not_reported")  # not without a reason the guidelines allow
    assert "not_reported_reason" in error.value.error_dict
    with pytest.raises(ValidationError):
        log(police_decision="not_reported", not_reported_reason="too_much_work")
    log(police_decision="not_reported", not_reported_reason="no_suspected_crime")
    assert close().closed_at is not None


def test_w15_an_under_16_case_closes_after_a_report_to_the_police_or_child_welfare(staff):
    for decision in ("reported", "child_welfare"):
        case = f.submit().case
        key = f.case_key(staff["sec"], case)
        services.case_age_record(handler=staff["sec"], case=case, key=key, band="under_16")
        log = lambda kind, key=key, case=case, **fields: services.log_entry_add(  # noqa: E731
            handler=staff["sec"], case=case, key=key, kind=kind, text="Steg", fields=fields
        )
        log("views_heard")
        log("police", police_decision=decision)
        services.case_close(
            handler=staff["sec"],
            case=case,
            key=key,
            reason="Meldt",
            final_message="Saken er avsluttet.",
        )


def test_w15_adult_cases_close_without_a_police_record(staff):
    case = f.submit().case
    key = f.case_key(staff["sec"], case)
    services.case_age_record(handler=staff["sec"], case=case, key=key, band="16_17")
    services.case_close(
        handler=staff["sec"],
        case=case,
        key=key,
        reason="Ferdig",
        final_message="Saken er avsluttet.",
    )


# --- W14: deletion with notice and hold ------------------------------------------------


def _closed_case(staff, moment=START):
    with time_machine.travel(moment, tick=False):
        case = f.submit().case
        key = f.case_key(staff["sec"], case)
        services.case_close(
            handler=staff["sec"],
            case=case,
            key=key,
            reason="Ferdig",
            final_message="Saken er avsluttet.",
        )
    case.refresh_from_db()
    return case, key


@pytest.mark.parametrize("start", STARTS, ids=lambda s: s.isoformat())
def test_w14_readers_are_told_30_days_before_deletion_exactly_once(staff, start):
    case, _key = _closed_case(staff, start)
    due = case.delete_after
    services.notices_send()  # the new-report notice, waiting in the outbox
    mail.outbox.clear()
    assert at(due - dt.timedelta(days=30, minutes=1), services.retention_sweep).notices == 0
    assert at(due - dt.timedelta(days=30), services.retention_sweep).notices == 1
    assert at(due - dt.timedelta(days=29), services.retention_sweep).notices == 0
    assert recipients() == [staff["sec"].user.email]
    assert at(due - dt.timedelta(minutes=1), services.retention_sweep).deleted == 0
    assert at(due, services.retention_sweep).deleted == 1
    assert not Case.objects.filter(pk=case.pk).exists()


def test_w14_no_case_is_deleted_without_30_days_notice_even_after_a_downtime(staff):
    case, _key = _closed_case(staff)
    late = case.delete_after + dt.timedelta(days=3)
    outcome = at(late, services.retention_sweep)
    assert (outcome.notices, outcome.deleted) == (1, 0)
    assert at(late + dt.timedelta(days=29), services.retention_sweep).deleted == 0
    assert at(late + dt.timedelta(days=30), services.retention_sweep).deleted == 1


def test_w14_a_legal_hold_stops_deletion_until_it_ends_and_the_tombstone_says_so(staff):
    case, key = _closed_case(staff)
    due = case.delete_after
    ends_on = (due + dt.timedelta(days=100)).date()
    at(
        due - dt.timedelta(days=60),
        services.legal_hold_place,
        handler=staff["sec"], case=case, key=key, reason="police", ends_on=ends_on,
        text="Politiet ber om dokumentasjonen i sak 123",
    )  # fmt: skip
    at(due - dt.timedelta(days=30), services.retention_sweep)
    held = at(due + dt.timedelta(days=1), services.retention_sweep)
    assert (held.deleted, held.held) == (0, 1)
    assert at(due + dt.timedelta(days=99), services.retention_sweep).deleted == 0
    end = dates.midnight(ends_on)
    assert at(end - dt.timedelta(minutes=1), services.retention_sweep).deleted == 0
    assert at(end + dt.timedelta(hours=2), services.retention_sweep).deleted == 1
    tombstone = AuditEvent.objects.get(action="case.deleted")
    assert tombstone.data["held"] is True and tombstone.data["holds"] == 1
    assert not LegalHold.objects.exists()
    placed = AuditEvent.objects.get(action="case.hold_placed")
    assert "police" not in str(placed.data)  # the reason is in the encrypted log only


def test_w14_a_case_never_held_says_so_in_its_tombstone(staff):
    case, _key = _closed_case(staff)
    at(case.delete_after - dt.timedelta(days=30), services.retention_sweep)
    at(case.delete_after, services.retention_sweep)
    assert AuditEvent.objects.get(action="case.deleted").data["held"] is False


def test_w14_a_hold_needs_a_reason_a_future_date_and_read_access(staff):
    case, key = _closed_case(staff)
    place = lambda **kw: at(  # noqa: E731
        START + dt.timedelta(days=1),
        services.legal_hold_place,
        handler=staff["sec"], case=case, key=key,
        **{"reason": "court", "ends_on": date(2027, 1, 1), "text": "Retten", **kw},
    )  # fmt: skip
    for bad, field in (
        ({"reason": "curious"}, "reason"),
        ({"ends_on": date(2026, 3, 1)}, "ends_on"),
        ({"ends_on": date(2040, 1, 1)}, "ends_on"),
        ({"ends_on": None}, "ends_on"),
        ({"text": " "}, "text"),
    ):
        with pytest.raises(ValidationError) as error:
            place(**bad)
        assert field in error.value.error_dict
    with pytest.raises(PermissionDenied):
        services.legal_hold_place(
            handler=staff["sg"], case=case, key=key, reason="court",
            ends_on=date(2027, 1, 1), text="x",
        )  # fmt: skip
    place()
    assert LegalHold.objects.count() == 1


# --- the case page -------------------------------------------------------------------------


def test_w10_the_trigger_form_asks_for_confirmation_and_keeps_the_input(staff):
    case = f.submit().case
    client = handler_client(staff["sec"])
    url = reverse("whistleblowing:case_trigger", args=[case.pk])
    response = client.post(url, {"trigger-kind": "beyond", "trigger-text": "Kan nå avisene"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Kan nå avisene" in page and "trigger-confirm_error" in page
    assert not CaseTrigger.objects.exists()
    response = client.post(
        url, {"trigger-kind": "beyond", "trigger-text": "Kan nå avisene", "trigger-confirm": "on"}
    )
    assert response.status_code == 302
    assert CaseTrigger.objects.count() == 1


def test_w11_w13_w14_help_age_and_hold_from_the_case_page(staff):
    case = f.submit(youth_wing=True).case
    client = handler_client(staff["ysg"])
    url = lambda name: reverse(f"whistleblowing:{name}", args=[case.pk])  # noqa: E731
    page = client.get(url("case_detail")).content.decode()
    for heading in ("Be om bistand", "Informer generalsekretæren", "Alder på den det gjelder"):
        assert heading in page
    response = client.post(url("case_age"), {"age-band": "under_16"})
    assert response.status_code == 302
    response = client.post(url("case_help"), {"help-text": "Råd trengs", "help-confirm": "on"})
    assert response.status_code == 302
    response = client.post(
        url("case_hold"),
        {"hold-reason": "court", "hold-ends_on": "2020-01-01", "hold-text": "Retten", "hold-confirm": "on"},
    )  # fmt: skip
    assert response.status_code == 400 and "Retten" in response.content.decode()
    page = client.get(url("case_detail")).content.decode()
    assert 'data-testid="help-requests"' in page and "Under 16 år" in page
    # Closing is refused on the close form, with the reason kept.
    response = client.post(url("case_close"), {"close-reason": "Ferdig behandlet"})
    assert response.status_code == 400
    assert "Ferdig behandlet" in response.content.decode()
    # The informed general answers the help request without unlocking anything.
    general = handler_client(staff["sg"], unlock=False)
    page = general.get(url("case_detail")).content.decode()
    assert "Registrer at bistand er gitt" in page and "Råd trengs" not in page
    assert general.post(url("case_help_answer")).status_code == 302
    assert HelpRequest.objects.get().answered_by == staff["sg"]


def test_w11_a_local_handler_gets_403_answering_help(staff):
    case = f.submit(youth_wing=True).case
    client = handler_client(staff["ysg"])
    assert (
        client.post(reverse("whistleblowing:case_help_answer", args=[case.pk])).status_code == 403
    )


def test_w14_deletion_comes_on_its_day_when_the_30_days_of_notice_cross_a_dst_change(staff):
    """Found by a period simulation: with the notice at noon before summer time starts,
    30 days of 24 hours ended an hour after the next noon sweep, and the case was deleted
    a day late. The notice counts in Norwegian calendar days."""
    case, _key = _closed_case(staff)
    Case.objects.filter(pk=case.pk).update(
        delete_after=dt.datetime(2031, 4, 15, 6, 0, tzinfo=dt.UTC)  # summer time began 30 March
    )
    services.notices_send()
    told = deleted = None
    day = dt.date(2031, 3, 1)
    while day <= dt.date(2031, 4, 20) and deleted is None:
        noon = dt.datetime.combine(day, dt.time(12), tzinfo=ZoneInfo("Europe/Oslo"))
        result = at(noon, services.retention_sweep)
        told = told or (day if result.notices else None)
        deleted = day if result.deleted else None
        day += dt.timedelta(days=1)
    assert (told, deleted) == (dt.date(2031, 3, 16), dt.date(2031, 4, 15))
