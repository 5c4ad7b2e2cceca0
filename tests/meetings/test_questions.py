"""Questions and interpellations to the council (G28, linked to E2): the state machine,
approved texts as immutable versions, the council's deadlines on many dates, the
reminders (once each), who may do what, and bad input."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from config.homework import LEADER, MEMBER
from groups.models import AuditEntry, Seat
from meetings import services
from meetings.models import (
    CouncilMeeting,
    CouncilQuestion,
    ProgrammeIssue,
    QuestionKind,
    QuestionReminder,
    QuestionStatus,
    QuestionVersion,
)
from meetings.permissions import visible_questions_q
from meetings.questions_home import home_work
from meetings.services.questions import deadline_for, default_deadline
from tests.conftest import World
from tests.factories.groups import make_membership
from tests.factories.meetings import OSLO, at, make_council_meeting, make_item, make_meeting

NOW = at(2025, 2, 3, 9)


@pytest.fixture
def clock() -> Any:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _draft(world: World, council: CouncilMeeting, **fields: Any) -> CouncilQuestion:
    values: dict[str, Any] = {
        "kind": QuestionKind.QUESTION,
        "title": "Brannstasjonen",
        "addressee": "Ordføreren",
        "text": "Når kommer den nye brannstasjonen i Grønnbygd?",
    }
    values.update(fields)
    actor = values.pop("actor", world.users["member"])
    return services.question_create(
        actor=actor, group=world.group, council_meeting=council, **values
    )


def _approved(world: World, council: CouncilMeeting, **fields: Any) -> CouncilQuestion:
    question = _draft(world, council, **fields)
    services.question_send_for_approval(actor=world.users["member"], question=question)
    services.question_approve(actor=world.users["leader"], question=question)
    question.refresh_from_db()
    return question


def _actions(question: CouncilQuestion) -> list[str]:
    return list(
        AuditEntry.objects.filter(target_id=str(question.pk), action__startswith="meeting.question")
        .order_by("pk")
        .values_list("action", flat=True)
    )


# --- the state machine ------------------------------------------------------------------
def test_a_question_goes_from_draft_to_answer_and_every_step_is_audited_G28(
    world: World, clock: Any
) -> None:
    council = make_council_meeting(world.group, at(2025, 2, 13, 10))
    issue = ProgrammeIssue.objects.create(
        group=world.group,
        title="Trygg skolevei",
        sector="school",
        start_on=dt.date(2024, 1, 1),
        present_by=dt.date(2025, 6, 1),
        updated_at=NOW,
    )
    question = _draft(world, council, programme_issue=issue)
    assert question.status == QuestionStatus.DRAFT
    assert question.author == world.memberships["member"]
    services.question_send_for_approval(actor=world.users["member"], question=question)
    version = services.question_approve(actor=world.users["leader"], question=question)
    assert version.number == 1 and version.way == "leader"
    clock.move_to(at(2025, 2, 5, 14))
    question.refresh_from_db()
    services.question_submit(
        actor=world.users["member"], question=question, submitted_at=at(2025, 2, 5, 13)
    )
    question.refresh_from_db()
    assert question.status == QuestionStatus.SUBMITTED
    assert question.submitted_by == world.users["member"]
    assert question.submitted_version == version
    assert not question.was_late
    clock.move_to(at(2025, 2, 14, 9))
    services.question_answer(
        actor=world.users["leader"],
        question=question,
        answered_on=dt.date(2025, 2, 13),
        answer_text="Ordføreren svarte at den kommer i 2027.",
        answer_reference="",
    )
    question.refresh_from_db()
    assert question.status == QuestionStatus.ANSWERED
    assert question.answered_on == dt.date(2025, 2, 13)
    assert _actions(question) == [
        "meeting.question_create",
        "meeting.question_send_for_approval",
        "meeting.question_approve",
        "meeting.question_submit",
        "meeting.question_answer",
    ]
    approval = AuditEntry.objects.get(action="meeting.question_approve")
    assert approval.actor == world.users["leader"]
    assert approval.data["version"] == 1
    # the programme issue (E2) lists it
    assert list(issue.council_questions.all()) == [question]


@pytest.mark.parametrize(
    ("status", "refused"),
    [
        (QuestionStatus.DRAFT, ["approve", "submit", "answer", "return"]),
        (QuestionStatus.AWAITING, ["send", "submit", "answer"]),
        (QuestionStatus.APPROVED, ["send", "approve", "return", "answer"]),
        (QuestionStatus.SUBMITTED, ["send", "approve", "submit", "edit", "return"]),
        (QuestionStatus.ANSWERED, ["send", "approve", "submit", "answer", "withdraw", "edit"]),
        (QuestionStatus.WITHDRAWN, ["send", "approve", "submit", "answer", "withdraw", "edit"]),
    ],
)
def test_each_state_refuses_the_steps_that_do_not_follow_from_it_G28(
    world: World, clock: Any, status: str, refused: list[str]
) -> None:
    council = make_council_meeting(world.group, at(2025, 2, 13, 10))
    member, leader = world.users["member"], world.users["leader"]
    question = _draft(world, council)
    if status != QuestionStatus.DRAFT:
        services.question_send_for_approval(actor=member, question=question)
    if status in (QuestionStatus.APPROVED, QuestionStatus.SUBMITTED, QuestionStatus.ANSWERED):
        services.question_approve(actor=leader, question=question)
    if status in (QuestionStatus.SUBMITTED, QuestionStatus.ANSWERED):
        services.question_submit(actor=member, question=question, submitted_at=NOW)
    if status == QuestionStatus.ANSWERED:
        services.question_answer(
            actor=member,
            question=question,
            answered_on=NOW.date(),
            answer_text="Ja.",
            answer_reference="",
        )
    if status == QuestionStatus.WITHDRAWN:
        services.question_withdraw(actor=member, question=question, reason="")
    question.refresh_from_db()
    assert question.status == status
    steps = {
        "send": lambda: services.question_send_for_approval(actor=member, question=question),
        "approve": lambda: services.question_approve(actor=leader, question=question),
        "return": lambda: services.question_return(actor=leader, question=question, comment="Nei"),
        "submit": lambda: services.question_submit(
            actor=member, question=question, submitted_at=NOW
        ),
        "answer": lambda: services.question_answer(
            actor=member,
            question=question,
            answered_on=NOW.date(),
            answer_text="Ja.",
            answer_reference="",
        ),
        "withdraw": lambda: services.question_withdraw(actor=member, question=question, reason=""),
        "edit": lambda: services.question_update(
            actor=member,
            question=question,
            council_meeting=council,
            kind=question.kind,
            title="Ny tittel",
            addressee="Ordføreren",
            text="Ny tekst",
        ),
    }
    for name in refused:
        with pytest.raises(ValidationError):
            steps[name]()
    question.refresh_from_db()
    assert question.status == status


def test_the_leader_sends_a_question_back_with_a_comment_and_it_is_a_draft_again_G28(
    world: World, clock: Any
) -> None:
    council = make_council_meeting(world.group, at(2025, 2, 13, 10))
    question = _draft(world, council)
    services.question_send_for_approval(actor=world.users["member"], question=question)
    with pytest.raises(ValidationError) as err:
        services.question_return(actor=world.users["leader"], question=question, comment="  ")
    assert "comment" in err.value.message_dict
    services.question_return(actor=world.users["leader"], question=question, comment="Kortere.")
    question.refresh_from_db()
    assert question.status == QuestionStatus.DRAFT
    assert question.returned_comment == "Kortere."


# --- official record: the approved text is fixed ---------------------------------------
def test_an_approved_text_is_fixed_and_a_correction_is_a_new_version_G28(
    world: World, clock: Any
) -> None:
    council = make_council_meeting(world.group, at(2025, 2, 13, 10))
    question = _approved(world, council)
    first = question.versions.get()
    first_text = first.text
    services.question_update(
        actor=world.users["member"],
        question=question,
        council_meeting=council,
        kind=QuestionKind.QUESTION,
        title="Brannstasjonen",
        addressee="Ordføreren",
        text="Når kommer den nye brannstasjonen, og hva koster den?",
    )
    question.refresh_from_db()
    assert question.status == QuestionStatus.AWAITING  # the correction needs approval
    first.refresh_from_db()
    assert first.text == first_text
    second = services.question_approve(actor=world.users["leader"], question=question)
    assert second.number == 2
    assert second.text.endswith("hva koster den?")
    assert [v.text for v in question.versions.order_by("number")] == [first_text, second.text]
    # a version row is never written twice
    second.text = "Noe annet"
    with pytest.raises(ValueError, match="never changed"):
        second.save()
    assert QuestionVersion.objects.get(pk=second.pk).text.endswith("hva koster den?")
    # what is sent in is the latest approved version, and after that nothing changes
    question.refresh_from_db()
    services.question_submit(actor=world.users["member"], question=question, submitted_at=NOW)
    question.refresh_from_db()
    assert question.submitted_version == second
    with pytest.raises(ValidationError):
        services.question_update(
            actor=world.users["leader"],
            question=question,
            council_meeting=council,
            kind=QuestionKind.QUESTION,
            title="Brannstasjonen",
            addressee="Ordføreren",
            text="Endret etter innsending",
        )


def test_a_group_meeting_decision_is_recorded_on_its_agenda_item_G28(
    world: World, clock: Any
) -> None:
    council = make_council_meeting(world.group, at(2025, 2, 13, 10))
    held = make_meeting(world.group, starts_at=at(2025, 2, 1, 18))
    item = make_item(held, title="Spørsmål til kommunestyret")
    future_item = make_item(make_meeting(world.group, starts_at=at(2025, 2, 20, 18)))
    other_item = make_item(make_meeting(world.other_group, starts_at=at(2025, 2, 1, 12)))
    question = _draft(world, council)
    services.question_send_for_approval(actor=world.users["member"], question=question)
    for wrong in (future_item, other_item):
        with pytest.raises(ValidationError) as err:
            services.question_approve(
                actor=world.users["leader"], question=question, agenda_item=wrong
            )
        assert "agenda_item" in err.value.message_dict
    version = services.question_approve(
        actor=world.users["leader"], question=question, agenda_item=item
    )
    assert version.way == "group_meeting"
    assert version.agenda_item == item


# --- deadlines ------------------------------------------------------------------------------
# Council meetings on many dates: new year, around both daylight-saving changes, a leap day,
# Sunday, late evening.
COUNCIL_DATES = [
    at(2024, 1, 2, 10),
    at(2024, 3, 1, 18),
    at(2024, 3, 31, 10),
    at(2024, 4, 1, 9),
    at(2024, 10, 27, 18),
    at(2024, 10, 28, 9),
    at(2024, 12, 31, 23, 30),
    at(2025, 6, 19, 13),
    at(2026, 3, 29, 12),
    at(2027, 2, 4, 17),
]


@pytest.mark.parametrize("starts_at", COUNCIL_DATES, ids=lambda d: d.strftime("%Y-%m-%d-%H"))
def test_the_default_deadlines_are_noon_the_day_before_and_a_week_before_on_any_date_G28(
    world: World, starts_at: dt.datetime
) -> None:
    council = make_council_meeting(world.group, starts_at)
    q = deadline_for(council, QuestionKind.QUESTION).astimezone(OSLO)
    i = deadline_for(council, QuestionKind.INTERPELLATION).astimezone(OSLO)
    local_day = starts_at.astimezone(OSLO).date()
    assert (q.date(), q.hour, q.minute) == (local_day - dt.timedelta(days=1), 12, 0)
    assert (i.date(), i.hour, i.minute) == (local_day - dt.timedelta(days=7), 12, 0)
    assert q == default_deadline(council, QuestionKind.QUESTION)


@pytest.mark.parametrize("starts_at", COUNCIL_DATES, ids=lambda d: d.strftime("%Y-%m-%d-%H"))
@pytest.mark.parametrize("kind", [QuestionKind.QUESTION, QuestionKind.INTERPELLATION])
def test_sending_in_after_the_deadline_needs_a_reason_and_is_marked_late_G28(
    world: World, starts_at: dt.datetime, kind: str
) -> None:
    council = make_council_meeting(world.group, starts_at)
    deadline = deadline_for(council, kind)
    with time_machine.travel(deadline - dt.timedelta(days=9), tick=False) as clock:
        on_time = _approved(world, council, kind=kind, title="I tide")
        late = _approved(world, council, kind=kind, title="For sent")
        clock.move_to(deadline + dt.timedelta(minutes=1))
        services.question_submit(
            actor=world.users["member"], question=on_time, submitted_at=deadline
        )
        with pytest.raises(ValidationError) as err:
            services.question_submit(
                actor=world.users["member"],
                question=late,
                submitted_at=deadline + dt.timedelta(minutes=1),
            )
        assert "late_reason" in err.value.message_dict
        assert "Fristen var" in err.value.message_dict["late_reason"][0]
        services.question_submit(
            actor=world.users["member"],
            question=late,
            submitted_at=deadline + dt.timedelta(minutes=1),
            late_reason="Saken kom opp i avisa i går.",
        )
    on_time.refresh_from_db()
    late.refresh_from_db()
    assert not on_time.was_late and on_time.deadline_at_submission == deadline
    assert late.was_late and late.deadline_at_submission == deadline
    assert late.status == QuestionStatus.SUBMITTED


def test_the_leader_enters_the_councils_own_deadlines_and_they_rule_G28(
    world: World, clock: Any
) -> None:
    council = make_council_meeting(world.group, at(2025, 2, 13, 10))
    with pytest.raises(PermissionDenied):
        services.question_deadline_set(
            actor=world.users["member"],
            council_meeting=council,
            question_deadline=at(2025, 2, 11, 15),
            interpellation_deadline=at(2025, 2, 3, 15),
        )
    with pytest.raises(ValidationError) as err:
        services.question_deadline_set(
            actor=world.users["leader"],
            council_meeting=council,
            question_deadline=at(2025, 2, 13, 10),
            interpellation_deadline=at(2025, 2, 3, 15),
        )
    assert "question_deadline" in err.value.message_dict
    services.question_deadline_set(
        actor=world.users["leader"],
        council_meeting=council,
        question_deadline=at(2025, 2, 11, 15),
        interpellation_deadline=at(2025, 2, 4, 15),
    )
    council = CouncilMeeting.objects.get(pk=council.pk)
    assert deadline_for(council, QuestionKind.QUESTION) == at(2025, 2, 11, 15)
    assert deadline_for(council, QuestionKind.INTERPELLATION) == at(2025, 2, 4, 15)
    question = _approved(world, council)
    clock.move_to(at(2025, 2, 12, 9))
    with pytest.raises(ValidationError):  # the default (noon the day before) would allow it
        services.question_submit(
            actor=world.users["member"], question=question, submitted_at=at(2025, 2, 12, 9)
        )
    assert AuditEntry.objects.filter(action="meeting.question_deadline_set").count() == 1


def test_a_question_cannot_be_sent_in_once_the_council_meeting_has_begun_G28(
    world: World, clock: Any
) -> None:
    council = make_council_meeting(world.group, at(2025, 2, 4, 10))
    question = _approved(world, council)
    clock.move_to(at(2025, 2, 4, 11))
    with pytest.raises(ValidationError) as err:
        services.question_submit(
            actor=world.users["member"],
            question=question,
            submitted_at=at(2025, 2, 4, 10, 30),
            late_reason="Glemte det",
        )
    assert "submitted_at" in err.value.message_dict
    with pytest.raises(ValidationError):  # nor sent in the future
        services.question_submit(
            actor=world.users["member"], question=question, submitted_at=at(2025, 2, 5, 9)
        )


# --- who may do what ---------------------------------------------------------------------
def test_only_representatives_draft_and_only_author_and_leaders_act_G28(
    world: World, clock: Any
) -> None:
    council = make_council_meeting(world.group, at(2025, 2, 13, 10))
    party = make_membership(world.group, seat=Seat.PARTY_MEMBER)
    with pytest.raises(PermissionDenied):
        _draft(world, council, actor=party.user)
    with pytest.raises(PermissionDenied):
        _draft(world, council, actor=world.users["outsider"])
    question = _draft(world, council)
    other = world.users["faction_leader"]
    with pytest.raises(PermissionDenied):
        services.question_send_for_approval(actor=other, question=question)
    services.question_send_for_approval(actor=world.users["member"], question=question)
    with pytest.raises(PermissionDenied):
        services.question_approve(actor=world.users["member"], question=question)
    with pytest.raises(PermissionDenied):
        services.question_withdraw(actor=other, question=question, reason="")
    services.question_approve(actor=world.users["deputy"], question=question)


def test_drafts_are_seen_by_their_author_and_leaders_and_party_members_see_what_was_sent_G28(
    world: World, clock: Any
) -> None:
    council = make_council_meeting(world.group, at(2025, 2, 13, 10))
    party = make_membership(world.group, seat=Seat.PARTY_MEMBER).user
    draft = _draft(world, council, title="Utkast")
    approved = _approved(world, council, title="Godkjent")
    sent = _approved(world, council, title="Sendt")
    services.question_submit(actor=world.users["member"], question=sent, submitted_at=NOW)

    def seen(user: Any) -> set[str]:
        return set(
            CouncilQuestion.objects.filter(visible_questions_q(user, world.group)).values_list(
                "title", flat=True
            )
        )

    assert seen(world.users["member"]) == {"Utkast", "Godkjent", "Sendt"}
    assert seen(world.users["leader"]) == {"Utkast", "Godkjent", "Sendt"}
    assert seen(world.users["faction_leader"]) == {"Godkjent", "Sendt"}
    assert seen(party) == {"Sendt"}
    assert seen(world.users["outsider"]) == set()
    client = world.client_for("faction_leader")
    assert client.get(reverse("meetings:question", args=[draft.pk])).status_code == 404
    assert client.get(reverse("meetings:question", args=[approved.pk])).status_code == 200


# --- reminders --------------------------------------------------------------------------
def test_deadline_reminders_go_to_author_and_leader_once_each_across_the_weeks_G28(
    world: World, settings: Any
) -> None:
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    member = world.users["member"]
    member.language = "en"
    member.save(update_fields=["language"])
    council = make_council_meeting(world.group, at(2025, 3, 13, 10))  # deadline 12 Mar 12:00
    with time_machine.travel(at(2025, 2, 20, 9), tick=False) as clock:
        question = _draft(world, council, title="Bredbånd")
        interpellation = _draft(world, council, kind=QuestionKind.INTERPELLATION, title="Skole")
        submitted = _approved(world, council, title="Sendt tidlig")
        services.question_submit(actor=member, question=submitted, submitted_at=at(2025, 2, 20, 9))
        sent_at: dict[tuple[int, str], dt.datetime] = {}
        moment = at(2025, 2, 20, 9)
        while moment < at(2025, 3, 14, 9):  # every quarter hour, as beat runs the sweep
            clock.move_to(moment)
            before = len(mail.outbox)
            services.question_reminders_send_due()
            for message in mail.outbox[before:]:
                key = (message.body.count("Skole"), message.to[0])
                assert key not in sent_at, "a reminder was sent twice"
                sent_at[key] = moment
            moment += dt.timedelta(minutes=15)
    # two open questions × (author + leader); the one sent in gets none
    assert len(mail.outbox) == 4
    assert QuestionReminder.objects.count() == 4
    assert {m.to[0] for m in mail.outbox} == {member.email, world.users["leader"].email}
    # each two days before its deadline: interpellation 6 Mar 12:00 → 4 Mar; question 12 → 10
    assert sent_at[(1, member.email)] == at(2025, 3, 4, 12)
    assert sent_at[(0, member.email)] == at(2025, 3, 10, 12)
    # in the recipient's language
    to_member = [m for m in mail.outbox if m.to == [member.email]]
    to_leader = [m for m in mail.outbox if m.to == [world.users["leader"].email]]
    assert all(m.subject.startswith("Deadline for") for m in to_member)
    assert all(m.subject.startswith("Frist for") for m in to_leader)
    assert all("Message-ID" in m.extra_headers for m in mail.outbox)
    assert interpellation.pk and question.pk


def test_a_leader_who_is_the_author_gets_one_reminder_and_none_after_the_deadline_G28(
    world: World, settings: Any
) -> None:
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    council = make_council_meeting(world.group, at(2025, 3, 13, 10))
    with time_machine.travel(at(2025, 3, 12, 12, 30), tick=False):  # deadline passed
        late = _draft(world, council, actor=world.users["leader"], title="Sent")
        assert services.question_reminders_send_due() == 0
    with time_machine.travel(at(2025, 3, 11, 9), tick=False):
        CouncilQuestion.objects.filter(pk=late.pk).update(created_at=at(2025, 3, 11, 9))
        assert services.question_reminders_send_due() == 1
        assert services.question_reminders_send_due() == 0
    assert len(mail.outbox) == 1


# --- the home page ------------------------------------------------------------------------
def test_the_author_sees_their_question_on_the_home_page_urgent_near_the_deadline_G28(
    world: World, clock: Any
) -> None:
    council = make_council_meeting(world.group, at(2025, 2, 13, 10))
    question = _draft(world, council, title="Bredbånd")
    entries = home_work(world.users["member"], NOW)
    mine = [e for e in entries if e.section == MEMBER]
    assert [e.label for e in mine] == ["Ditt spørsmål: Bredbånd"]
    assert not mine[0].urgent
    assert home_work(world.users["faction_leader"], NOW) == []
    services.question_send_for_approval(actor=world.users["member"], question=question)
    near = at(2025, 2, 11, 9)
    entries = home_work(world.users["member"], near)
    assert [e.urgent for e in entries if e.section == MEMBER] == [True]
    leader = [e for e in home_work(world.users["leader"], near) if e.section == LEADER]
    assert leader[0].count == 1 and leader[0].urgent


# --- bad input through the pages --------------------------------------------------------
def test_bad_input_gets_a_message_on_the_form_never_an_error_page_G28(
    world: World, clock: Any
) -> None:
    council = make_council_meeting(world.group, at(2025, 2, 13, 10))
    past = make_council_meeting(world.group, at(2025, 1, 20, 10))
    client = world.client_for("member")
    url = reverse("meetings:question_create", args=[world.group.pk])
    cases = [
        {
            "kind": "question",
            "council_meeting": "99999999999999999999999",
            "addressee": "O",
            "title": "T",
            "text": "x",
        },
        {"kind": "question", "council_meeting": "abc", "addressee": "O", "title": "T", "text": "x"},
        {
            "kind": "riddle",
            "council_meeting": council.pk,
            "addressee": "O",
            "title": "T",
            "text": "x",
        },
        {
            "kind": "question",
            "council_meeting": council.pk,
            "addressee": "O",
            "title": "T",
            "text": "   ",
        },
        {
            "kind": "question",
            "council_meeting": council.pk,
            "addressee": "O",
            "title": "T\nU",
            "text": "x",
        },
        {
            "kind": "question",
            "council_meeting": past.pk,
            "addressee": "O",
            "title": "T",
            "text": "x",
        },
        {
            "kind": "question",
            "council_meeting": council.pk,
            "addressee": "O",
            "title": "T",
            "text": "x" * 7000,
        },
        {
            "kind": "question",
            "council_meeting": council.pk,
            "addressee": "O",
            "title": "T",
            "text": "x",
            "programme_issue": "-1",
        },
    ]
    for data in cases:
        response = client.post(url, data)
        assert response.status_code == 200, data
        assert 'class="form-errors"' in response.content.decode(), data
    assert not CouncilQuestion.objects.exists()
    assert (
        client.get(url + "?kommunestyremote=x&programpunkt=999999999999999999999").status_code
        == 200
    )
    list_url = reverse("meetings:questions", args=[world.group.pk])
    assert client.get(list_url + "?status=nonsense&council_meeting=%00").status_code == 200
    assert client.get(reverse("meetings:question", args=[999999])).status_code == 404
    question = _approved(world, council)
    submit = reverse("meetings:question_submit", args=[question.pk])
    for data in (
        {"submitted_at": "i går"},
        {"submitted_at": "2025-02-09T10:00"},
        {"submitted_at": "2024-01-01T10:00"},
    ):
        response = client.post(submit, data)
        assert response.status_code == 200, data
        assert 'class="form-errors"' in response.content.decode(), data
    question.refresh_from_db()
    assert question.status == QuestionStatus.APPROVED
    leader = world.client_for("leader")
    deadlines = reverse("meetings:council_questions", args=[council.pk])
    response = leader.post(
        deadlines, {"question_deadline": "2025-02-14T10:00", "interpellation_deadline": "x"}
    )
    assert response.status_code == 200
    assert (
        "Fristen må være før" in response.content.decode()
        or "form-errors" in response.content.decode()
    )


# --- the lists ------------------------------------------------------------------------------
def test_questions_are_listed_per_group_council_meeting_and_programme_issue_G28_E2(
    world: World, clock: Any
) -> None:
    first = make_council_meeting(world.group, at(2025, 2, 13, 10))
    second = make_council_meeting(world.group, at(2025, 3, 13, 10))
    issue = ProgrammeIssue.objects.create(
        group=world.group,
        title="Trygg skolevei",
        sector="school",
        start_on=dt.date(2024, 1, 1),
        present_by=dt.date(2025, 6, 1),
        updated_at=NOW,
    )
    _draft(world, first, title="Utkast om bredbånd")
    _approved(world, first, title="Gangfelt ved skolen", programme_issue=issue)
    _approved(world, second, title="Fergetilbudet", kind=QuestionKind.INTERPELLATION)
    client = world.client_for("faction_leader")  # another representative: no drafts
    listing = reverse("meetings:questions", args=[world.group.pk])
    page = client.get(listing).content.decode()
    assert "Gangfelt ved skolen" in page and "Fergetilbudet" in page
    assert "Utkast om bredbånd" not in page
    page = client.get(listing, {"council_meeting": second.pk}).content.decode()
    assert "Fergetilbudet" in page and "Gangfelt ved skolen" not in page
    page = world.client_for("member").get(listing, {"status": "draft"}).content.decode()
    assert "Utkast om bredbånd" in page and "Fergetilbudet" not in page
    page = client.get(reverse("meetings:council_questions", args=[first.pk])).content.decode()
    assert "Gangfelt ved skolen" in page and "Fergetilbudet" not in page
    assert "onsdag 12. februar 2025 kl. 12:00" in page  # the question deadline, in full
    page = client.get(reverse("meetings:programme", args=[world.group.pk])).content.decode()
    assert "Gangfelt ved skolen" in page and "Fergetilbudet" not in page
    plan = client.get(reverse("meetings:plan", args=[world.group.pk])).content.decode()
    assert reverse("meetings:council_questions", args=[first.pk]) in plan


def test_the_page_shows_the_deadline_and_a_late_submission_with_its_reason_G28(
    world: World, clock: Any
) -> None:
    council = make_council_meeting(world.group, at(2025, 2, 13, 10))
    question = _approved(world, council)
    url = reverse("meetings:question", args=[question.pk])
    page = world.client_for("member").get(url).content.decode()
    assert "onsdag 12. februar 2025 kl. 12:00" in page
    assert "standardfrist" in page
    clock.move_to(at(2025, 2, 12, 15))
    response = world.client_for("member").post(
        reverse("meetings:question_submit", args=[question.pk]),
        {"submitted_at": "2025-02-12T14:00"},
    )
    assert response.status_code == 200
    assert "Skriv hvorfor" in response.content.decode()
    response = world.client_for("member").post(
        reverse("meetings:question_submit", args=[question.pk]),
        {"submitted_at": "2025-02-12T14:00", "late_reason": "Nyheten kom i dag."},
    )
    assert response.status_code == 302
    page = world.client_for("faction_leader").get(url).content.decode()
    assert "Levert etter fristen" in page and "Nyheten kom i dag." in page


# --- the demo -----------------------------------------------------------------------------
@pytest.mark.parametrize("today", ["2025-01-03", "2025-06-25", "2025-12-27", "2027-09-28"])
def test_the_demo_has_a_question_to_approve_and_an_approved_interpellation_G28(
    db: None, today: str
) -> None:
    from groups import demo as groups_demo
    from meetings import demo as meetings_demo

    with time_machine.travel(dt.datetime.fromisoformat(f"{today}T12:00+01:00"), tick=False):
        ctx = groups_demo.load()
        meetings_demo.load(ctx)
        statuses = sorted(CouncilQuestion.objects.values_list("status", flat=True))
        ahead = CouncilMeeting.objects.filter(
            committee__isnull=True, starts_at__gt=dt.datetime.fromisoformat(f"{today}T12:00+01:00")
        )
        if ahead.exists():
            assert statuses == [QuestionStatus.APPROVED, QuestionStatus.AWAITING]
            asked = CouncilQuestion.objects.get(status=QuestionStatus.AWAITING)
            assert asked.programme_issue is not None
        meetings_demo.load(groups_demo.load())
        assert CouncilQuestion.objects.count() == len(statuses)
