"""G28: questions and interpellations to the council, from draft to answer (E2 link)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from config.dateinputs import DateField, DateTimeField
from config.dates import day, when
from config.params import parse_id
from config.singleline import SingleLineCharField
from config.web import run_or_message
from config.web import run_service as run
from groups.models import CouncilGroup, User
from meetings import services
from meetings.forms import AccessibleForm
from meetings.models import (
    OPEN_STATUSES,
    AgendaItem,
    CouncilMeeting,
    CouncilQuestion,
    ProgrammeIssue,
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

TEXT_WIDGET = forms.Textarea(attrs={"rows": 8})


# --- forms (input only; the rules are in services.questions) -----------------------------
class IdChoiceField(forms.ModelChoiceField):
    """A choice of one row by id that refuses what is no id before asking the database."""

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        if parse_id(str(value)) is None:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(value)


def _datetime_field(label: Any, **kwargs: Any) -> forms.DateTimeField:
    return DateTimeField(label=label, **kwargs)


class CouncilMeetingChoice(IdChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return when(obj.starts_at)


def deadlines_help(meetings: list[CouncilMeeting]) -> str:
    """The deadlines of the first council meetings in the choice, shown under it."""
    return " ".join(
        _("%(when)s: spørsmål innen %(q)s, interpellasjoner innen %(i)s.")
        % {
            "when": day(cm.starts_at),
            "q": when(deadline_for(cm, QuestionKind.QUESTION)),
            "i": when(deadline_for(cm, QuestionKind.INTERPELLATION)),
        }
        for cm in meetings[:3]
    )


class QuestionForm(AccessibleForm):
    kind = forms.ChoiceField(
        label=gettext_lazy("Type"), choices=QuestionKind.choices, widget=forms.RadioSelect
    )
    council_meeting = CouncilMeetingChoice(
        label=gettext_lazy("Kommunestyremøte"), queryset=CouncilMeeting.objects.none()
    )
    addressee = SingleLineCharField(
        label=gettext_lazy("Til"), max_length=200, initial=gettext_lazy("Ordføreren")
    )
    title = SingleLineCharField(label=gettext_lazy("Tittel"), max_length=200)
    text = forms.CharField(
        label=gettext_lazy("Tekst"),
        widget=TEXT_WIDGET,
        max_length=services.questions.TEXT_MAX,
        help_text=gettext_lazy(
            "Et spørsmål er kort og konkret. En interpellasjon tar opp en større sak og gir "
            "debatt i kommunestyret."
        ),
    )
    programme_issue = IdChoiceField(
        label=gettext_lazy("Programpunkt det følger opp"),
        queryset=ProgrammeIssue.objects.none(),
        required=False,
        empty_label=gettext_lazy("Ingen"),
    )

    def __init__(
        self,
        *args: Any,
        group: CouncilGroup,
        current: CouncilMeeting | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        meetings = CouncilMeeting.objects.filter(
            group=group, committee__isnull=True, starts_at__gt=timezone.now()
        ).select_related("question_deadline")
        if current is not None:
            meetings = meetings | CouncilMeeting.objects.filter(pk=current.pk)
        meetings = meetings.order_by("starts_at")
        self.fields["council_meeting"].queryset = meetings  # type: ignore[attr-defined]
        upcoming = [cm for cm in meetings[:4] if cm.starts_at > timezone.now()]
        if upcoming:
            self.fields["council_meeting"].help_text = _("Frister: %(list)s") % {
                "list": deadlines_help(upcoming)
            }
        self.fields["programme_issue"].queryset = ProgrammeIssue.objects.filter(group=group)  # type: ignore[attr-defined]


class FilterForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("Alle")), *QuestionStatus.choices],
    )
    council_meeting = IdChoiceField(
        label=gettext_lazy("Kommunestyremøte"),
        queryset=CouncilMeeting.objects.none(),
        required=False,
        empty_label=gettext_lazy("Alle"),
    )

    def __init__(self, *args: Any, group: CouncilGroup, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["council_meeting"].queryset = CouncilMeeting.objects.filter(  # type: ignore[attr-defined]
            group=group, committee__isnull=True
        ).order_by("-starts_at")


class DeadlineForm(AccessibleForm):
    question_deadline = _datetime_field(gettext_lazy("Frist for spørsmål"))
    interpellation_deadline = _datetime_field(gettext_lazy("Frist for interpellasjoner"))


class ApproveForm(AccessibleForm):
    agenda_item = IdChoiceField(
        label=gettext_lazy("Vedtatt i gruppemøte"),
        queryset=AgendaItem.objects.none(),
        required=False,
        empty_label=gettext_lazy("Nei, godkjent av gruppeleder"),
        help_text=gettext_lazy("Velg saken dersom gruppa vedtok spørsmålet i et gruppemøte."),
    )

    def __init__(self, *args: Any, items: list[AgendaItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["agenda_item"]
        field.queryset = AgendaItem.objects.filter(pk__in=[i.pk for i in items])  # type: ignore[attr-defined]
        field.label_from_instance = lambda item: (  # type: ignore[attr-defined]
            f"{item.meeting.display_title} ({when(item.meeting.starts_at)}): {item.title}"
        )


class ReturnForm(AccessibleForm):
    comment = forms.CharField(
        label=gettext_lazy("Hva bør endres"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=services.questions.REASON_MAX,
    )


class SubmitForm(AccessibleForm):
    submitted_at = _datetime_field(gettext_lazy("Sendt inn"))
    late_reason = forms.CharField(
        label=gettext_lazy("Grunn til sen innlevering"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=services.questions.REASON_MAX,
        help_text=gettext_lazy("Bare når fristen er ute."),
    )


class AnswerForm(AccessibleForm):
    answered_on = DateField(label=gettext_lazy("Besvart"))
    answer_text = forms.CharField(
        label=gettext_lazy("Svaret"),
        widget=TEXT_WIDGET,
        required=False,
        max_length=services.questions.TEXT_MAX,
    )
    answer_reference = SingleLineCharField(
        label=gettext_lazy("Eller: hvor svaret finnes (vedlegg, lenke, saksnummer)"),
        max_length=300,
        required=False,
    )


class WithdrawForm(AccessibleForm):
    reason = forms.CharField(
        label=gettext_lazy("Grunn"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=services.questions.REASON_MAX,
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
    form = FilterForm(request.GET or None, group=group)
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
    if request.method == "POST" and form.is_valid():
        question = run(
            form, services.question_create, actor=request.user, group=group, **form.cleaned_data
        )
        if question is not None:
            messages.success(
                request,
                _("Utkastet er lagret. Send det til godkjenning når teksten er klar."),
            )
            return _back_to(question)
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
    if (
        request.method == "POST"
        and form.is_valid()
        and run(
            form,
            services.question_update,
            actor=request.user,
            question=question,
            **form.cleaned_data,
        )
        is not None
    ):
        if question.status == QuestionStatus.APPROVED:
            messages.success(
                request,
                _(
                    "Rettelsen er lagret og sendt til godkjenning. Den godkjente teksten er tatt vare på."
                ),
            )
        else:
            messages.success(request, _("Endringene er lagret."))
        return _back_to(question)
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
        request, services.question_send_for_approval, actor=request.user, question=question
    ):
        messages.success(request, _("Spørsmålet er sendt til gruppeleder for godkjenning."))
    return _back_to(question)


@require_POST
def question_return(request: HttpRequest, pk: int) -> HttpResponse:
    question = get_question_for_user(request.user, pk, "approve")
    form = ReturnForm(request.POST)
    if (
        form.is_valid()
        and run(
            form,
            services.question_return,
            actor=request.user,
            question=question,
            **form.cleaned_data,
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
        version = run(
            form,
            services.question_approve,
            actor=request.user,
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


def question_submit(request: HttpRequest, pk: int) -> HttpResponse:
    question = get_question_for_user(request.user, pk, "act")
    deadline = question_deadline(question)
    form = SubmitForm(
        request.POST or None,
        initial={"submitted_at": timezone.localtime().replace(second=0, microsecond=0)},
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and run(
            form,
            services.question_submit,
            actor=request.user,
            question=question,
            **form.cleaned_data,
        )
        is not None
    ):
        messages.success(request, _("Spørsmålet er registrert som sendt inn."))
        return _back_to(question)
    return render(
        request,
        "meetings/questions/action.html",
        {
            "question": question,
            "form": form,
            "title": _("Registrer som sendt inn"),
            "button": _("Registrer som sendt inn"),
            "ready": question.status == QuestionStatus.APPROVED,
            "deadline": deadline,
            "late": timezone.now() > deadline,
            "intro": _(
                "Send den godkjente teksten til kommunen slik reglene der sier, og registrer det her."
            ),
        },
    )


def question_answer(request: HttpRequest, pk: int) -> HttpResponse:
    question = get_question_for_user(request.user, pk, "act")
    form = AnswerForm(request.POST or None, initial={"answered_on": timezone.localdate()})
    if (
        request.method == "POST"
        and form.is_valid()
        and run(
            form,
            services.question_answer,
            actor=request.user,
            question=question,
            **form.cleaned_data,
        )
        is not None
    ):
        messages.success(request, _("Svaret er registrert."))
        return _back_to(question)
    return render(
        request,
        "meetings/questions/action.html",
        {
            "question": question,
            "form": form,
            "title": _("Registrer svaret"),
            "button": _("Registrer svaret"),
            "ready": question.status == QuestionStatus.SUBMITTED,
        },
    )


def question_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    question = get_question_for_user(request.user, pk, "act")
    form = WithdrawForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and run(
            form,
            services.question_withdraw,
            actor=request.user,
            question=question,
            **form.cleaned_data,
        )
        is not None
    ):
        messages.success(request, _("Spørsmålet er trukket."))
        return _back_to(question)
    return render(
        request,
        "meetings/questions/action.html",
        {
            "question": question,
            "form": form,
            "title": _("Trekk spørsmålet"),
            "button": _("Trekk spørsmålet"),
            "ready": question.status in (*OPEN_STATUSES, QuestionStatus.SUBMITTED),
            "intro": _(
                "Et trukket spørsmål kan ikke tas opp igjen. Det som er godkjent, blir stående."
            ),
        },
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
    if (
        request.method == "POST"
        and form.is_valid()
        and run(
            form,
            services.question_deadline_set,
            actor=request.user,
            council_meeting=council_meeting,
            **form.cleaned_data,
        )
        is not None
    ):
        messages.success(request, _("Fristene er lagret."))
        return redirect("meetings:council_questions", pk=council_meeting.pk)
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
