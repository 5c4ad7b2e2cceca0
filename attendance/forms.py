from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from attendance.meeting_reports import MAX_BYTES
from attendance.models import (
    CORRECTION_REASON_LENGTH,
    ExemptionGround,
    Rounding,
    ShareBase,
    StudyChapter,
    StudyPlan,
    StudyPolicy,
)
from config.dateinputs import DATETIME_DISPLAY, DateField, DateTimeField
from config.forms import AccessibleForm, AccessibleModelForm
from config.numbers import AmountField, PercentField, WholeNumberField
from config.singleline import SingleLineCharField
from groups.models import CouncilGroup, Membership, MembershipStatus, User
from meetings.models import Meeting, MeetingKind, MeetingStatus


class CourseForm(AccessibleForm):
    title = SingleLineCharField(label=_("Navn på kurset"), max_length=200)
    plan = forms.ModelChoiceField(label=_("Studieplan"), queryset=StudyPlan.objects.none())
    course_leader = forms.ModelChoiceField(label=_("Kursleder"), queryset=User.objects.none())

    def __init__(
        self, *args: Any, group: CouncilGroup, keep: StudyPlan | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        # S2: the latest approved versions; a course being edited may keep its own version.
        current = StudyPlan.objects.current()
        plans = current | StudyPlan.objects.filter(pk=keep.pk) if keep else current
        self.fields["plan"].queryset = plans.order_by("name", "-version")  # type: ignore[attr-defined]
        members = Membership.objects.filter(group=group, status=MembershipStatus.ACTIVE)
        self.fields["course_leader"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            pk__in=members.values("user_id")
        ).order_by("full_name")
        default = StudyPlan.objects.filter(is_default=True).first()
        if default and not self.is_bound:
            self.initial.setdefault("plan", default.pk)


class SessionForm(AccessibleForm):
    meeting = forms.ModelChoiceField(label=_("Møte"), queryset=Meeting.objects.none())
    chapter = forms.ModelChoiceField(
        label=_("Kapittel i studieplanen"), queryset=StudyChapter.objects.none(), required=False
    )

    def __init__(
        self,
        *args: Any,
        group: CouncilGroup,
        plan: StudyPlan,
        chapter_url: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if chapter_url:
            # S2: choosing a chapter shows its questions (htmx; the page works without it).
            self.fields["chapter"].widget.attrs.update(
                {
                    "hx-get": chapter_url,
                    "hx-trigger": "change",
                    "hx-target": "#chapter-questions",
                    "hx-swap": "outerHTML",
                    "aria-controls": "chapter-questions",
                }
            )
        self.fields["meeting"].queryset = (  # type: ignore[attr-defined]
            Meeting.objects.filter(group=group, course_session__isnull=True)
            .exclude(status=MeetingStatus.CANCELLED)
            .exclude(kind__in=(MeetingKind.SOCIAL, MeetingKind.BOARD))
            .exclude(is_decision_meeting=True)
            .order_by("starts_at")
        )
        self.fields["chapter"].queryset = plan.chapters.all()  # type: ignore[attr-defined]


class RejectForm(AccessibleForm):
    reason = forms.CharField(label=_("Grunn til avvisning"), widget=forms.Textarea, required=False)


class ExemptionForm(AccessibleForm):
    # S4: the booklet's only ground; other grounds are not offered.
    ground = forms.ChoiceField(
        label=_("Grunnlag"),
        choices=[(ExemptionGround.FEW_REPRESENTATIVES, ExemptionGround.FEW_REPRESENTATIVES.label)],
    )
    reason = forms.CharField(label=_("Begrunnelse"), widget=forms.Textarea)


class ExemptionDecisionForm(AccessibleForm):
    decision = forms.ChoiceField(
        label=_("Avgjørelse"), choices=[("grant", _("Innvilg")), ("refuse", _("Avslå"))]
    )
    note = forms.CharField(label=_("Begrunnelse"), widget=forms.Textarea, required=False)


class LocalDateTimeField(DateTimeField):
    """A date and a time as people write them (config/dateinputs.py), in Europe/Oslo."""


class PresenceForm(AccessibleForm):
    user = forms.ModelChoiceField(label=_("Deltaker"), queryset=User.objects.none())
    started_at = LocalDateTimeField(label=_("Kom"))
    ended_at = LocalDateTimeField(label=_("Gikk"), required=False)
    reason = SingleLineCharField(
        label=_("Grunn (lagres i endringsloggen)"), max_length=CORRECTION_REASON_LENGTH
    )

    def __init__(self, *args: Any, users: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if users is None:
            del self.fields["user"]
        else:
            self.fields["user"].queryset = users  # type: ignore[attr-defined]


class ParticipantChoiceField(forms.ModelChoiceField):
    """A participant by name, marked when their consent is already on file (S10)."""

    consenting: frozenset[int] = frozenset()

    def label_from_instance(self, obj: Any) -> str:
        if obj.pk in self.consenting:
            return str(_("%(name)s (har samtykket)") % {"name": obj.full_name})
        return str(obj.full_name)


class PresenceAddForm(PresenceForm):
    """S10, S16: the leader registers any participant by name, on an evening without QR.
    The times start as the session's; times outside it are clipped to it and shown again
    with a warning, so nothing outside the session is saved without the leader seeing it."""

    user = ParticipantChoiceField(label=_("Deltaker"), queryset=User.objects.none())
    consent_informed = forms.BooleanField(
        label=_("Deltakeren er informert og samtykker"),
        required=False,
        help_text=_(
            "For deltakere som ikke har samtykket selv ved å skanne QR-koden: du har fortalt "
            "at deltakerne føres på frammøtelisten (navn, fødselsår, kjønn, postnummer og "
            "tider), hvorfor og hvor lenge, og deltakeren samtykker. Det lagres at du "
            "registrerte samtykket, og når."
        ),
    )
    field_order = ["user", "started_at", "ended_at", "consent_informed", "reason"]

    def __init__(
        self, *args: Any, users: Any, consenting: set[int], meeting: Meeting, **kwargs: Any
    ) -> None:
        super().__init__(*args, users=users, **kwargs)
        self.meeting = meeting
        user_field = self.fields["user"]
        assert isinstance(user_field, ParticipantChoiceField)  # noqa: S101
        user_field.consenting = frozenset(consenting)
        self.fields["started_at"].initial = _local_input(meeting.starts_at)
        self.fields["ended_at"].initial = _local_input(meeting.ends_at)
        self.fields["ended_at"].help_text = _("Tomt: deltakeren er her fortsatt.")
        self.fields["reason"].initial = _("Registrert av kursleder uten QR-kode")

    def clean(self) -> dict[str, Any]:
        from attendance.services import session_bounds_error

        data = super().clean() or {}
        start, end = data.get("started_at"), data.get("ended_at")
        if start is None or (end is not None and end < start):
            return data
        meeting = self.meeting
        errors = session_bounds_error(meeting, start, end)
        if errors:
            # Into the session; a time on the far side of it becomes its start or end.
            clipped = {
                "started_at": meeting.starts_at
                if start < meeting.starts_at or start >= meeting.ends_at
                else start,
                "ended_at": None
                if end is None
                else (
                    meeting.ends_at if end > meeting.ends_at or end <= meeting.starts_at else end
                ),
            }
            typed = {"started_at": start, "ended_at": end}
            corrected = QueryDict(mutable=True)
            corrected.update(self.data)
            for name, message in errors.items():
                value = clipped[name]
                if value is None:  # pragma: no cover - only set fields can be outside
                    continue
                corrected[name] = _local_input(value)
                self.add_error(
                    name,
                    message
                    + " "
                    + _(
                        "Du skrev kl. %(typed)s; tiden er rettet til kl. %(fixed)s. Kontroller "
                        "og trykk «Registrer» igjen."
                    )
                    % {
                        "typed": timezone.localtime(typed[name]).strftime("%H:%M"),
                        "fixed": timezone.localtime(value).strftime("%H:%M"),
                    },
                )
            self.data = corrected  # the form shows the corrected times with the warning
        return data


def _local_input(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime(DATETIME_DISPLAY)


class PresenceCorrectForm(PresenceForm):
    delete = forms.BooleanField(label=_("Fjern dette intervallet"), required=False)


class PolicyForm(AccessibleModelForm):
    class Meta:
        model = StudyPolicy
        fields = [
            "valid_from",
            "min_study_hours",
            "min_participants",
            "min_share",
            "min_age",
            "leader_counts",
            "rounding",
            "share_base",
            "retention_years",
        ]
        field_classes = {
            "valid_from": DateField,
            **{
                name: WholeNumberField
                for name in ("min_study_hours", "min_participants", "min_age", "retention_years")
            },
        }

    # S15: the share as a percentage; stored as the exact fraction it stands for.
    min_share = PercentField(
        label=_("Frammøtekrav (prosent)"),
        initial="75",
        help_text=_(
            "Hvor stor del en deltaker minst må være til stede, for eksempel 75. "
            "Høyst to desimaler, for eksempel 66,67."
        ),
    )
    rounding = forms.ChoiceField(label=_("Avrunding av studietimer"), choices=Rounding.choices)
    share_base = forms.ChoiceField(
        label=_("Frammøtekravet regnes av"),
        choices=ShareBase.choices,
        help_text=_(
            "Samlingenes tid: minst andelen av tiden. Godkjente studietimer: minst andelen av "
            "de hele studietimene."
        ),
    )

    def clean_valid_from(self) -> dt.date:
        value: dt.date = self.cleaned_data["valid_from"]
        if not 2000 <= value.year <= 2100:
            raise forms.ValidationError(_("Velg en dato mellom år 2000 og 2100."))
        return value

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        share = cleaned.pop("min_share", None)
        if share is not None:
            cleaned["min_share_numerator"] = share.numerator
            cleaned["min_share_denominator"] = share.denominator
            # The instance gets the fraction too, so the model's own checks see it.
            self.instance.min_share_numerator = share.numerator
            self.instance.min_share_denominator = share.denominator
        return cleaned


class RateForm(AccessibleForm):
    year = WholeNumberField(label=_("År"), min_value=2000, max_value=2100)
    amount_per_hour = AmountField(
        label=_("Kroner per studietime"), min_value=0, max_digits=8, decimal_places=2
    )


class QuarterForm(AccessibleForm):
    year = WholeNumberField(label=_("År"), min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(
        label=_("Kvartal"), coerce=int, choices=[(q, f"{q}.") for q in range(1, 5)]
    )

    @staticmethod
    def current() -> dict[str, int]:
        today: dt.date = timezone.localdate()
        return {"year": today.year, "quarter": (today.month - 1) // 3 + 1}


class StudyPlanForm(AccessibleForm):
    """S2: a study plan version's own fields (chapters are edited one by one)."""

    name = SingleLineCharField(label=_("Tittel på studieplanen"), max_length=200)
    description = forms.CharField(
        label=_("Om studieplanen"), required=False, max_length=5000, widget=forms.Textarea
    )
    learning_objectives = forms.CharField(
        label=_("Læringsmål"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Ett mål per linje. Står på kursbeviset."),
    )
    allows_digital = forms.BooleanField(
        label=_(
            "Digitale samlinger er tillatt (alle, kursleder også, til stede samtidig, for "
            "eksempel på Teams)"
        ),
        required=False,
    )


class ChapterForm(AccessibleForm):
    number = WholeNumberField(label=_("Kapittel nr."), min_value=1, max_value=99)
    title = SingleLineCharField(label=_("Tittel"), max_length=200)
    discussion_questions = forms.CharField(
        label=_("Til diskusjon"),
        required=False,
        max_length=50_000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Ett spørsmål per linje."),
    )
    tips = forms.CharField(
        label=_("Tips"),
        required=False,
        max_length=50_000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Ett tips per linje."),
    )
    learning_objectives = forms.CharField(
        label=_("Læringsmål for kapittelet"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PlanApproveForm(AccessibleForm):
    approved_on = DateField(label=_("Godkjent dato"))
    make_default = forms.BooleanField(label=_("Standard studieplan for nye kurs"), required=False)
    confirm = forms.BooleanField(
        label=_(
            "Jeg har kontrollert planen. Når den er godkjent, kan den ikke endres; endringer "
            "blir en ny versjon."
        ),
        error_messages={"required": _("Kryss av for at du har kontrollert planen.")},
    )


class QuarterCloseForm(QuarterForm):
    """S7: closing a quarter is irreversible: the administrator confirms it, and a
    correction of a closed quarter needs its reason."""

    confirm = forms.BooleanField(
        label=_("Jeg bekrefter at kvartalet er utbetalt, og at rapporten låses slik den står."),
        required=True,
        error_messages={"required": _("Kryss av for å bekrefte.")},
    )
    note = forms.CharField(
        label=_("Hva rettelsen gjelder"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": _("Skriv hva rettelsen gjelder.")},
    )

    def __init__(self, *args: Any, correcting: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].widget = forms.HiddenInput()
        self.fields["quarter"].widget = forms.HiddenInput()
        if correcting:
            self.fields["confirm"].label = _(
                "Jeg bekrefter at en ny versjon av rapporten skal lages og låses. De tidligere "
                "versjonene beholdes."
            )
        else:
            del self.fields["note"]


class MeetingReportForm(AccessibleForm):
    """The meeting tool's attendance report (S9): read, never kept."""

    report = forms.FileField(
        label=_("Frammøterapport (CSV)"),
        help_text=_(
            "Frammøterapporten fra Teams eller deltakereksporten fra Zoom. Filen lagres ikke."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,text/csv"}),
    )

    def clean_report(self) -> bytes:
        upload = self.cleaned_data["report"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("Filen er for stor til å være en frammøterapport."))
        return bytes(upload.read())


class MeetingReportConfirmForm(AccessibleForm):
    token = forms.CharField(widget=forms.HiddenInput, max_length=200_000)
