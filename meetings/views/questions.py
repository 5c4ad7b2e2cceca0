"""G28: questions and interpellations to the council, from draft to answer (E2 link)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from config.params import parse_id
from config.web import current_user, run_form, run_or_message, run_service
from groups.models import CouncilGroup, User
from meetings import services
from meetings.forms import (
    AnswerForm,
    ApproveForm,
    DeadlineForm,
    QuestionFilterForm,
    QuestionForm,
    ReturnForm,
    SubmitForm,
    WithdrawForm,
)
from meetings.models import (
    OPEN_STATUSES,
    CouncilQuestion,
    QuestionKind,
    QuestionStatus,
)
from meetings.permissions import (
    Perm,
    can_manage_group,
    get_council_meeting_for_user,
    get_group_for_meetings,
    get_question_for_user,
    may_act_on_question,
    may_draft_questions,
    visible_questions_q,
)
from meetings.services.questions import (
    approval_items,
    deadline_for,
    deadline_is_default,
    deadline_state,
    question_deadline,
)


# --- helpers ---------------------------------------------------------------------------
def _annotated(questions: QuerySet[CouncilQuestion], now: dt.datetime) -> list[dict[str, Any]]:
    rows = []
    for q in questions.select_related(
        "council_meeting__question_deadline", "author__user", "programme_issue"
    ):
        rows.append({"q": q, "deadline": question_deadline(q), "state": deadline_state(q, now)})
    return rows


def questions_by_issue(
    user: User | AnonymousUser, group: CouncilGroup
) -> dict[int, list[dict[str, Any]]]:
    """The group's questions that ``user`` may see, by the programme issue they serve (E2)."""
    found: dict[int, list[dict[str, Any]]] = {}
    questions = CouncilQuestion.objects.filter(
        visible_questions_q(user, group), programme_issue__isnull=False
    )
    for row in _annotated(questions, timezone.now()):
        found.setdefault(row["q"].programme_issue_id, []).append(row)
    return found


def _back_to(question: CouncilQuestion) -> HttpResponse:
    return redirect("meetings:question", pk=question.pk)


# --- pages -----------------------------------------------------------------------------
def question_list(request: HttpRequest, group_pk: int) -> HttpResponse:
    """The group's questions and interpellations, by state and council meeting."""
    group, _m = get_group_for_meetings(request.user, group_pk)
    form = QuestionFilterForm(request.GET or None, group=group)
    questions = CouncilQuestion.objects.filter(visible_questions_q(request.user, group))
    if form.is_valid():
        if form.cleaned_data["status"]:
            questions = questions.filter(status=form.cleaned_data["status"])
        if form.cleaned_data["council_meeting"]:
            questions = questions.filter(council_meeting=form.cleaned_data["council_meeting"])
    return render(
        request,
        "meetings/questions/list.html",
        {
            "group": group,
            "form": form,
            "rows": _annotated(questions, timezone.now()),
            "may_draft": may_draft_questions(request.user, group),
        },
    )


def question_create(request: HttpRequest, group_pk: int) -> HttpResponse:
    group, _m = get_group_for_meetings(request.user, group_pk)
    if not may_draft_questions(request.user, group):
        raise PermissionDenied(
            _("Bare gruppas representanter kan skrive spørsmål til kommunestyret.")
        )
    initial: dict[str, Any] = {"kind": QuestionKind.QUESTION}
    for key, field in (
        ("kommunestyremote", "council_meeting"),
        ("programpunkt", "programme_issue"),
    ):
        pk = parse_id(request.GET.get(key))
        if pk is not None:
            initial[field] = pk
    form = QuestionForm(request.POST or None, group=group, initial=initial)
    actor = current_user(request)
    done = run_form(
        request,
        form,
        lambda d: services.question_create(
            actor=actor,
            group=group,
            council_meeting=d["council_meeting"],
            kind=d["kind"],
            title=d["title"],
            addressee=d["addressee"],
            text=d["text"],
            programme_issue=d["programme_issue"],
        ),
        _("Utkastet er lagret. Send det til godkjenning når teksten er klar."),
        lambda question: reverse("meetings:question", args=[question.pk]),
    )
    if done is not None:
        return done
    return render(
        request,
        "meetings/questions/form.html",
        {"group": group, "form": form, "title": _("Nytt spørsmål eller interpellasjon")},
    )


def question_detail(request: HttpRequest, pk: int) -> HttpResponse:
    question = get_question_for_user(request.user, pk)
    now = timezone.now()
    acts = may_act_on_question(request.user, question)
    approves = can_manage_group(request.user, question.group_id)
    return render(
        request,
        "meetings/questions/detail.html",
        {
            "question": question,
            "group": question.group,
            "versions": list(
                question.versions.select_related("approved_by", "agenda_item__meeting")
            ),
            "deadline": question_deadline(question),
            "deadline_default": deadline_is_default(question.council_meeting),
            "deadline_state": deadline_state(question, now),
            "acts": acts,
            "approves": approves,
            "editable": acts and question.status in OPEN_STATUSES,
            "return_form": ReturnForm(),
        },
    )


def question_edit(request: HttpRequest, pk: int) -> HttpResponse:
    question = get_question_for_user(request.user, pk, "act")
    if question.status not in OPEN_STATUSES:
        messages.error(request, _("Spørsmålet er sendt inn og kan ikke endres."))
        return _back_to(question)
    initial = {
        "kind": question.kind,
        "council_meeting": question.council_meeting_id,
        "addressee": question.addressee,
        "title": question.title,
        "text": question.text,
        "programme_issue": question.programme_issue_id,
    }
    form = QuestionForm(
        request.POST or None,
        group=question.group,
        current=question.council_meeting,
        initial=initial,
    )
    actor = current_user(request)
    done = run_form(
        request,
        form,
        lambda d: services.question_update(
            actor=actor,
            question=question,
            council_meeting=d["council_meeting"],
            kind=d["kind"],
            title=d["title"],
            addressee=d["addressee"],
            text=d["text"],
            programme_issue=d["programme_issue"],
        ),
        _("Rettelsen er lagret og sendt til godkjenning. Den godkjente teksten er tatt vare på.")
        if question.status == QuestionStatus.APPROVED
        else _("Endringene er lagret."),
        reverse("meetings:question", args=[question.pk]),
    )
    if done is not None:
        return done
    return render(
        request,
        "meetings/questions/form.html",
        {
            "group": question.group,
            "question": question,
            "form": form,
            "title": _("Rett teksten")
            if question.status == QuestionStatus.APPROVED
            else _("Endre utkastet"),
            "correction": question.status == QuestionStatus.APPROVED,
        },
    )


@require_POST
def question_send(request: HttpRequest, pk: int) -> HttpResponse:
    question = get_question_for_user(request.user, pk, "act")
    if run_or_message(
        request,
        services.question_send_for_approval,
        actor=current_user(request),
        question=question,
    ):
        messages.success(request, _("Spørsmålet er sendt til gruppeleder for godkjenning."))
    return _back_to(question)


@require_POST
def question_return(request: HttpRequest, pk: int) -> HttpResponse:
    question = get_question_for_user(request.user, pk, "approve")
    form = ReturnForm(request.POST)
    if (
        form.is_valid()
        and run_service(
            form,
            services.question_return,
            actor=current_user(request),
            question=question,
            comment=form.cleaned_data["comment"],
        )
        is not None
    ):
        messages.success(request, _("Spørsmålet er sendt tilbake til forslagsstilleren."))
        return _back_to(question)
    return render(
        request,
        "meetings/questions/action.html",
        {
            "question": question,
            "form": form,
            "title": _("Send tilbake"),
            "button": _("Send tilbake"),
        },
    )


def question_approve(request: HttpRequest, pk: int) -> HttpResponse:
    """The confirmation step: the text that will be fixed, and how it was approved."""
    question = get_question_for_user(request.user, pk, "approve")
    items = approval_items(question.group, timezone.now())
    form = ApproveForm(request.POST or None, items=items)
    if request.method == "POST" and form.is_valid():
        version = run_service(
            form,
            services.question_approve,
            actor=current_user(request),
            question=question,
            agenda_item=form.cleaned_data["agenda_item"],
        )
        if version is not None:
            messages.success(
                request,
                _("Versjon %(n)s er godkjent. Teksten er låst; en rettelse blir en ny versjon.")
                % {"n": version.number},
            )
            return _back_to(question)
    return render(
        request,
        "meetings/questions/approve.html",
        {
            "question": question,
            "group": question.group,
            "form": form,
            "ready": question.status == QuestionStatus.AWAITING,
            "next_number": question.versions.count() + 1,
            "deadline": question_deadline(question),
        },
    )


def _question_action(
    request: HttpRequest,
    question: CouncilQuestion,
    form: Any,
    save: Any,
    done_message: str,
    **page: Any,
) -> HttpResponse:
    """One step on a question (submitted, answered, withdrawn): the form, the service on
    POST, back to the question when it is done; ``page`` goes to the template."""
    done = run_form(
        request, form, save, done_message, reverse("meetings:question", args=[question.pk])
    )
    if done is not None:
        return done
    return render(
        request,
        "meetings/questions/action.html",
        {"question": question, "form": form, "button": page["title"], **page},
    )


def question_submit(request: HttpRequest, pk: int) -> HttpResponse:
    question = get_question_for_user(request.user, pk, "act")
    deadline = question_deadline(question)
    actor = current_user(request)
    form = SubmitForm(
        request.POST or None,
        initial={"submitted_at": timezone.localtime().replace(second=0, microsecond=0)},
    )
    return _question_action(
        request,
        question,
        form,
        lambda d: services.question_submit(
            actor=actor,
            question=question,
            submitted_at=d["submitted_at"],
            late_reason=d["late_reason"],
        ),
        _("Spørsmålet er registrert som sendt inn."),
        title=_("Registrer som sendt inn"),
        ready=question.status == QuestionStatus.APPROVED,
        deadline=deadline,
        late=timezone.now() > deadline,
        intro=_(
            "Send den godkjente teksten til kommunen slik reglene der sier, og registrer det her."
        ),
    )


def question_answer(request: HttpRequest, pk: int) -> HttpResponse:
    question = get_question_for_user(request.user, pk, "act")
    actor = current_user(request)
    form = AnswerForm(request.POST or None, initial={"answered_on": timezone.localdate()})
    return _question_action(
        request,
        question,
        form,
        lambda d: services.question_answer(
            actor=actor,
            question=question,
            answered_on=d["answered_on"],
            answer_text=d["answer_text"],
            answer_reference=d["answer_reference"],
        ),
        _("Svaret er registrert."),
        title=_("Registrer svaret"),
        ready=question.status == QuestionStatus.SUBMITTED,
    )


def question_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    question = get_question_for_user(request.user, pk, "act")
    actor = current_user(request)
    return _question_action(
        request,
        question,
        WithdrawForm(request.POST or None),
        lambda d: services.question_withdraw(actor=actor, question=question, reason=d["reason"]),
        _("Spørsmålet er trukket."),
        title=_("Trekk spørsmålet"),
        ready=question.status in (*OPEN_STATUSES, QuestionStatus.SUBMITTED),
        intro=_("Et trukket spørsmål kan ikke tas opp igjen. Det som er godkjent, blir stående."),
    )


def council_questions(request: HttpRequest, pk: int) -> HttpResponse:
    """A council meeting's page for questions: the deadlines and what the group asks."""
    perm: Perm = "manage" if request.method == "POST" else "view"
    council_meeting = get_council_meeting_for_user(request.user, pk, perm)
    group = council_meeting.group
    manages = can_manage_group(request.user, group.pk)
    initial = {
        "question_deadline": timezone.localtime(
            deadline_for(council_meeting, QuestionKind.QUESTION)
        ),
        "interpellation_deadline": timezone.localtime(
            deadline_for(council_meeting, QuestionKind.INTERPELLATION)
        ),
    }
    form = DeadlineForm(request.POST or None, initial=initial)
    done = run_form(
        request,
        form,
        lambda d: services.question_deadline_set(
            actor=current_user(request),
            council_meeting=council_meeting,
            question_deadline=d["question_deadline"],
            interpellation_deadline=d["interpellation_deadline"],
        ),
        _("Fristene er lagret."),
        reverse("meetings:council_questions", args=[council_meeting.pk]),
    )
    if done is not None:
        return done
    questions = CouncilQuestion.objects.filter(
        visible_questions_q(request.user, group), council_meeting=council_meeting
    )
    return render(
        request,
        "meetings/questions/council.html",
        {
            "council_meeting": council_meeting,
            "group": group,
            "manages": manages,
            "form": form,
            "rows": _annotated(questions, timezone.now()),
            "question_deadline": initial["question_deadline"],
            "interpellation_deadline": initial["interpellation_deadline"],
            "deadline_default": deadline_is_default(council_meeting),
            "may_draft": may_draft_questions(request.user, group)
            and council_meeting.committee_id is None
            and council_meeting.starts_at > timezone.now(),
        },
    )
