"""S15: the attendance share is asked for as a percentage and stored as the exact fraction;
number fields on the portal's forms say in plain words what is wrong (issue 18)."""

from __future__ import annotations

import inspect
from fractions import Fraction

import pytest
from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from attendance import forms as attendance_forms
from attendance.forms import PolicyForm, RateForm
from attendance.models import StudyPolicy
from config.numbers import AmountField, PercentField, WholeNumberField, percent_text
from groups import forms as group_forms
from meetings import forms as meeting_forms
from tests.conftest import World

pytestmark = pytest.mark.django_db

POLICY = {
    "valid_from": "2031-01-01",
    "min_study_hours": 4,
    "min_participants": 4,
    "min_share": "75",
    "min_age": 14,
    "leader_counts": "on",
    "rounding": "floor_per_session",
    "share_base": "session_minutes",
    "retention_years": 5,
}


@pytest.mark.parametrize(
    ("typed", "share"),
    [
        ("75", Fraction(3, 4)),
        ("75 %", Fraction(3, 4)),
        ("75,00", Fraction(3, 4)),
        ("66,67", Fraction(6667, 10000)),
        ("66.67", Fraction(6667, 10000)),
        ("12,5", Fraction(1, 8)),
        ("0,01", Fraction(1, 10000)),
        ("100", Fraction(1)),
        (" 50 ", Fraction(1, 2)),
    ],
)
def test_a_percentage_with_up_to_two_decimals_is_kept_as_its_exact_fraction_s15(
    typed: str, share: Fraction
) -> None:
    form = PolicyForm(POLICY | {"min_share": typed})

    assert form.is_valid(), form.errors
    assert "min_share" not in form.cleaned_data
    stored = Fraction(
        form.cleaned_data["min_share_numerator"], form.cleaned_data["min_share_denominator"]
    )
    assert stored == share
    # reduced: the smallest numbers for the fraction
    assert form.cleaned_data["min_share_denominator"] == share.denominator


@pytest.mark.parametrize(
    ("typed", "norwegian", "english"),
    [
        ("33,3333", "høyst to desimaler", "at most two decimals"),
        ("33.333", "høyst to desimaler", "at most two decimals"),
        ("0", "over 0 og høyst 100", "above 0 and at most 100"),
        ("100,01", "over 0 og høyst 100", "above 0 and at most 100"),
        ("125", "over 0 og høyst 100", "above 0 and at most 100"),
        ("-5", "som et tall", "as a number"),
        ("3/4", "som et tall", "as a number"),
        ("1e2", "som et tall", "as a number"),
        ("syttifem", "som et tall", "as a number"),
        ("7" * 500, "som et tall", "as a number"),
        ("", "Fyll inn prosenten", "Fill in the percentage"),
    ],
)
def test_a_percentage_that_cannot_be_exact_or_is_no_share_is_refused_on_the_field_s15(
    typed: str, norwegian: str, english: str
) -> None:
    for language, expected in (("nb", norwegian), ("en", english)):
        with translation.override(language):
            form = PolicyForm(POLICY | {"min_share": typed})
            assert not form.is_valid()
            assert expected in " ".join(map(str, form.errors["min_share"])), form.errors
            assert list(form.errors) == ["min_share"]


def test_the_policy_screen_asks_for_a_percentage_previews_and_stores_the_fraction_s15(
    world: World,
) -> None:
    client = world.client_for("course_admin")
    url = reverse("attendance:policies")

    page = client.get(url).content.decode()
    assert 'name="min_share"' in page and "Frammøtekrav (prosent)" in page
    assert "min_share_numerator" not in page and "nevner" not in page

    preview = client.post(url, POLICY | {"min_share": "66,67"})
    assert preview.status_code == 200 and preview.context["preview"] is not None
    assert not StudyPolicy.objects.filter(valid_from="2031-01-01").exists()
    assert 'value="66,67"' in preview.content.decode()  # the input is kept
    saved = client.post(
        url,
        POLICY | {"min_share": "66,67", "confirm": "1", "previewed": preview.context["previewed"]},
    )
    assert saved.status_code == 302
    policy = StudyPolicy.objects.get(valid_from="2031-01-01")
    assert (policy.min_share_numerator, policy.min_share_denominator) == (6667, 10000)
    assert "66,67 %" in client.get(url).content.decode()

    # A confirmation of another percentage than the one previewed is a new preview.
    again = client.post(url, POLICY | {"valid_from": "2032-01-01", "min_share": "80"})
    tampered = client.post(
        url,
        POLICY
        | {
            "valid_from": "2032-01-01",
            "min_share": "80,5",
            "confirm": "1",
            "previewed": again.context["previewed"],
        },
    )
    assert tampered.status_code == 200 and tampered.context["preview"] is not None
    assert not StudyPolicy.objects.filter(valid_from="2032-01-01").exists()


def test_a_refused_percentage_keeps_the_input_and_says_why_in_the_users_language_s15(
    world: World,
) -> None:
    client = world.client_for("course_admin")
    count = StudyPolicy.objects.count()

    refused = client.post(reverse("attendance:policies"), POLICY | {"min_share": "33,3333"})
    body = refused.content.decode()
    assert refused.status_code == 200 and refused.context["preview"] is None
    assert 'value="33,3333"' in body and "høyst to desimaler" in body
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.post(reverse("attendance:policies"), POLICY | {"min_share": "33,3333"})
    assert "at most two decimals" in english.content.decode()
    assert StudyPolicy.objects.count() == count


def test_the_share_is_written_as_a_percentage_in_each_language_s15() -> None:
    with translation.override("nb"):
        assert percent_text(Fraction(3, 4)) == "75 %"
        assert percent_text(Fraction(6667, 10000)) == "66,67 %"
        assert percent_text(Fraction(2, 3)) == "≈ 66,67 %"
    with translation.override("en"):
        assert percent_text(Fraction(1, 8)) == "12.5 %"


# --- plain messages on number fields ----------------------------------------------------
def _portal_forms() -> list[type[forms.BaseForm]]:
    found = []
    for module in (attendance_forms, group_forms, meeting_forms):
        for _name, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, forms.BaseForm) and value.__module__ == module.__name__:
                found.append(value)
    return found


def test_every_number_field_on_the_portals_forms_has_the_portals_messages() -> None:
    checked = 0
    for form_class in _portal_forms():
        for name, field in form_class.base_fields.items():
            if isinstance(field, forms.DecimalField):
                assert isinstance(field, AmountField), f"{form_class.__name__}.{name}"
                checked += 1
            elif isinstance(field, forms.IntegerField):
                assert isinstance(field, WholeNumberField), f"{form_class.__name__}.{name}"
                checked += 1
            elif isinstance(field, PercentField):
                checked += 1
    assert checked >= 20


@pytest.mark.parametrize(
    ("amount", "norwegian", "english"),
    [
        ("123456789", "høyst 8 i alt", "at most 8 in all"),
        ("1234567", "høyst 6 sifre før komma", "at most 6 digits before the decimal"),
        ("125,505", "høyst 2 desimaler", "at most 2 decimals"),
        ("-1", "0 eller mer", "0 or more"),
        ("tolv", "Skriv et tall, for eksempel 125,50.", "Write a number, for example 125.50."),
    ],
)
def test_the_rate_form_explains_a_bad_amount_in_both_languages_s7(
    amount: str, norwegian: str, english: str
) -> None:
    for language, expected in (("nb", norwegian), ("en", english)):
        with translation.override(language):
            form = RateForm({"year": 2025, "amount_per_hour": amount})
            assert not form.is_valid()
            message = " ".join(map(str, form.errors["amount_per_hour"]))
            assert expected in message, message
            assert "Sørg for" not in message and "Ensure" not in message


def test_an_amount_takes_a_decimal_comma_s7() -> None:
    form = RateForm({"year": 2025, "amount_per_hour": "125,50"})

    assert form.is_valid(), form.errors
    assert str(form.cleaned_data["amount_per_hour"]) == "125.50"


@pytest.mark.parametrize(
    ("year", "norwegian", "english"),
    [
        ("1999", "2000 eller mer", "2000 or more"),
        ("2101", "2100 eller mindre", "2100 or less"),
        ("2025,5", "Skriv et helt tall", "Write a whole number"),
        ("", "Fyll inn et tall.", "Fill in a number."),
    ],
)
def test_a_whole_number_field_says_what_to_write_in_both_languages(
    year: str, norwegian: str, english: str
) -> None:
    for language, expected in (("nb", norwegian), ("en", english)):
        with translation.override(language):
            form = RateForm({"year": year, "amount_per_hour": "100"})
            assert not form.is_valid()
            assert expected in " ".join(map(str, form.errors["year"])), form.errors
