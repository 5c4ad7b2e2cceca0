"""Dates as Norwegians write them, in both languages (issue 18): a native date input is
drawn in the browser's locale ("mm/dd/yyyy" in Chromium on an English system, on a
Norwegian page), so every form of the portal asks for dates in a text box through
``config/dateinputs.py``: it accepts 1.12.2026, 01.12.2026 and 2026-12-01, says how to
write anything else, and keeps what was typed."""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import zoneinfo

import pytest
from django import forms
from django.apps import apps
from django.utils import timezone, translation

from config import dateinputs
from config.dateinputs import DateField, DateTimeField, TimeField, parse_date, parse_datetime

OSLO = zoneinfo.ZoneInfo("Europe/Oslo")


@pytest.mark.parametrize(
    "typed",
    ["1.12.2026", "01.12.2026", "1.12.26", "01.12.26", "2026-12-01", " 1.12.2026 "],
)
def test_a_date_is_read_as_people_type_it(typed: str) -> None:
    assert parse_date(typed) == dt.date(2026, 12, 1)
    for language in ("nb", "en"):
        with translation.override(language):
            assert DateField().clean(typed) == dt.date(2026, 12, 1)


@pytest.mark.parametrize(
    "typed", ["12/01/2026", "31.2.2026", "1.13.2026", "1.12", "i morgen", "2026-12", "1.12.226"]
)
def test_anything_else_is_refused_with_how_to_write_it(typed: str) -> None:
    with translation.override("nb"):
        with pytest.raises(forms.ValidationError) as refused:
            DateField().clean(typed)
        assert refused.value.messages == ["Skriv datoen som dd.mm.åååå, for eksempel 1.12.2026."]
    with translation.override("en"):
        with pytest.raises(forms.ValidationError) as refused:
            DateField().clean(typed)
        assert refused.value.messages == ["Write the date as dd.mm.yyyy, for example 1.12.2026."]


@pytest.mark.parametrize(
    "typed",
    [
        "1.12.2026 18:30",
        "01.12.2026 18.30",
        "1.12.2026 kl. 18:30",
        "1.12.2026, 18:30",
        "1.12.2026 1830",
        "2026-12-01T18:30",
        "2026-12-01 18:30:00",
    ],
)
def test_a_date_and_time_is_read_in_oslo_time(typed: str) -> None:
    assert parse_datetime(typed) == dt.datetime(2026, 12, 1, 18, 30)  # noqa: DTZ001 (naive, made aware by the field)
    with timezone.override(OSLO):
        value = DateTimeField().clean(typed)
    assert value == dt.datetime(2026, 12, 1, 18, 30, tzinfo=OSLO)


@pytest.mark.parametrize("typed", ["1.12.2026", "18:30", "1.12.2026 25:00", "12/1/2026 6pm"])
def test_a_date_and_time_without_one_of_them_is_refused(typed: str) -> None:
    with translation.override("nb"):
        with pytest.raises(forms.ValidationError) as refused:
            DateTimeField().clean(typed)
        assert "dd.mm.åååå tt:mm" in refused.value.messages[0]


@pytest.mark.parametrize("typed", ["18:30", "18.30", "1830", "18:30:00"])
def test_a_time_is_read_with_a_colon_a_full_stop_or_neither(typed: str) -> None:
    assert TimeField().clean(typed) == dt.time(18, 30)


def test_a_time_out_of_range_is_refused() -> None:
    with translation.override("en"):
        with pytest.raises(forms.ValidationError) as refused:
            TimeField().clean("24:61")
        assert refused.value.messages == ["Write the time as hh:mm, for example 18:30."]


def test_the_boxes_are_text_with_the_format_as_placeholder_and_show_dates_the_norwegian_way() -> (
    None
):
    class Form(forms.Form):
        day = DateField()
        at = DateTimeField()
        clock = TimeField()

    with translation.override("nb"), timezone.override(OSLO):
        html = str(
            Form(
                initial={
                    "day": dt.date(2026, 12, 1),
                    "at": dt.datetime(2026, 12, 1, 17, 30, tzinfo=dt.UTC),
                    "clock": dt.time(9, 5),
                }
            )
        )
    assert 'type="date"' not in html and 'type="time"' not in html
    assert 'type="datetime-local"' not in html
    assert 'value="01.12.2026"' in html and 'placeholder="dd.mm.åååå"' in html
    assert 'value="01.12.2026 18:30"' in html  # in Oslo time
    assert 'value="09:05"' in html and 'placeholder="tt:mm"' in html
    with translation.override("en"):
        assert 'placeholder="dd.mm.yyyy hh:mm"' in str(Form())


def test_a_refused_date_keeps_what_was_typed() -> None:
    class Form(forms.Form):
        day = DateField()

    with translation.override("nb"):
        form = Form(data={"day": "31.02.2026"})
        assert not form.is_valid()
        html = str(form)
    assert 'value="31.02.2026"' in html
    assert "Skriv datoen som dd.mm.åååå" in html


def _app_form_classes() -> list[type[forms.BaseForm]]:
    found = []
    for app in ("groups", "meetings", "attendance", "whistleblowing"):
        module = importlib.import_module(f"{apps.get_app_config(app).name}.forms")
        found += [
            obj
            for _, obj in inspect.getmembers(module, inspect.isclass)
            if issubclass(obj, forms.BaseForm) and obj.__module__ == module.__name__
        ]
    return found


def test_every_form_of_the_portal_asks_for_dates_through_the_shared_fields() -> None:
    """One place for dates: no form of the apps uses Django's own date, time or datetime
    field (whose box the browser draws in its own locale)."""
    ours = (dateinputs.DateField, dateinputs.DateTimeField, dateinputs.TimeField)
    wrong = []
    for form in _app_form_classes():
        for name, field in form.base_fields.items():
            if isinstance(field, forms.DateField | forms.DateTimeField | forms.TimeField):
                if not isinstance(field, ours):
                    wrong.append(f"{form.__module__}.{form.__name__}.{name}")
                elif not isinstance(field.widget, dateinputs._TextInput):
                    wrong.append(f"{form.__module__}.{form.__name__}.{name} (widget)")
    assert len(_app_form_classes()) > 20
    assert wrong == []
