"""G28: the forms of questions and interpellations to the council (input only; the rules
are in ``meetings.services.questions``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config.dateinputs import DateField, DateTimeField
from config.dates import day, when
from config.forms import AccessibleForm
from config.params import parse_id
from config.singleline import SingleLineCharField
from groups.models import CouncilGroup
from meetings.models import (
    AgendaItem,
    CouncilMeeting,
    ProgrammeIssue,
    QuestionKind,
    QuestionStatus,
)
from meetings.services.questions import REASON_MAX, TEXT_MAX, deadline_for

TEXT_WIDGET = forms.Textarea(attrs={"rows": 8})


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
        max_length=TEXT_MAX,
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


class QuestionFilterForm(AccessibleForm):
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
        max_length=REASON_MAX,
    )


class SubmitForm(AccessibleForm):
    submitted_at = _datetime_field(gettext_lazy("Sendt inn"))
    late_reason = forms.CharField(
        label=gettext_lazy("Grunn til sen innlevering"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=REASON_MAX,
        help_text=gettext_lazy("Bare når fristen er ute."),
    )


class AnswerForm(AccessibleForm):
    answered_on = DateField(label=gettext_lazy("Besvart"))
    answer_text = forms.CharField(
        label=gettext_lazy("Svaret"),
        widget=TEXT_WIDGET,
        required=False,
        max_length=TEXT_MAX,
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
        max_length=REASON_MAX,
    )
