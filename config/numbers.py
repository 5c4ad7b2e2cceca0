"""Number fields for the portal's forms, with messages a person understands.

Django's own messages read as the framework wrote them ("Sørg for at det er 8 eller færre
tall totalt."). These fields say what to write instead, in both languages, and name the
limit. ``PercentField`` asks for a percentage and gives the exact fraction it stands for.
"""

from __future__ import annotations

import re
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django import forms
from django.utils import formats
from django.utils.translation import gettext_lazy as _

WHOLE_NUMBER_MESSAGES: dict[str, Any] = {
    "required": _("Fyll inn et tall."),
    "invalid": _("Skriv et helt tall, for eksempel 4."),
    "min_value": _("Skriv et tall som er %(limit_value)s eller mer."),
    "max_value": _("Skriv et tall som er %(limit_value)s eller mindre."),
    "step_size": _("Skriv et tall i trinn på %(limit_value)s."),
}

AMOUNT_MESSAGES: dict[str, Any] = {
    **WHOLE_NUMBER_MESSAGES,
    "invalid": _("Skriv et tall, for eksempel 125,50."),
    "max_digits": _("Tallet har for mange sifre: høyst %(max)s i alt."),
    "max_decimal_places": _("Skriv høyst %(max)s desimaler."),
    "max_whole_digits": _("Tallet er for stort: høyst %(max)s sifre før komma."),
}


class WholeNumberField(forms.IntegerField):
    default_error_messages = WHOLE_NUMBER_MESSAGES


class AmountField(forms.DecimalField):
    """A decimal number; a comma or a full stop before the decimals are both fine."""

    default_error_messages = AMOUNT_MESSAGES

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if isinstance(value, str):
            value = value.strip().replace(" ", "").replace("\u00a0", "").replace(",", ".")
        result: Decimal | None = super().to_python(value)
        return result


# Up to three whole digits and up to PERCENT_DECIMALS decimals, "," or "." between them.
PERCENT_DECIMALS = 2
_PERCENT = re.compile(r"^(\d{1,3})(?:[.,](\d+))?$")


def percent_text(share: Fraction) -> str:
    """``share`` (a fraction of one) as a percentage in the active language: "75 %",
    "66,67 %"; a share no two decimals write exactly is rounded and marked with "≈"."""
    value = share * 100
    rounded = Decimal(value.numerator) / Decimal(value.denominator)
    shown = rounded.quantize(Decimal("0.01")).normalize()
    if shown == shown.to_integral():
        shown = shown.quantize(Decimal(1))
    text = formats.number_format(shown, use_l10n=True)
    exact = Fraction(shown) == value
    return f"{text} %" if exact else f"≈ {text} %"


class PercentField(forms.Field):
    """A percentage with at most two decimals (75, 66,67), cleaned to the exact fraction
    of one it stands for, reduced (75 → 3/4, 66,67 → 6667/10000). A percentage that needs
    more decimals (33,3333) cannot be stored exactly and is refused, as is anything
    outside 0 < p <= 100."""

    default_error_messages = {
        "required": _("Fyll inn prosenten, for eksempel 75."),
        "invalid": _("Skriv prosenten som et tall, for eksempel 75 eller 66,67."),
        "inexact": _(
            "Skriv prosenten med høyst to desimaler, for eksempel 66,67. "
            "Flere desimaler kan ikke lagres nøyaktig."
        ),
        "range": _("Skriv en prosent over 0 og høyst 100."),
    }

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Fraction):
            return percent_text(value).removesuffix(" %").removeprefix("≈ ")
        return value

    def to_python(self, value: Any) -> Fraction | None:
        if isinstance(value, Fraction):
            return value
        text = (
            str(value or "")
            .strip()
            .removesuffix("%")
            .strip()
            .replace(" ", "")
            .replace("\u00a0", "")
        )
        if not text:
            return None
        match = _PERCENT.match(text) if len(text) <= 40 else None
        if match is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        whole, decimals = match.group(1), (match.group(2) or "")
        if len(decimals.rstrip("0")) > PERCENT_DECIMALS:
            raise forms.ValidationError(self.error_messages["inexact"], code="inexact")
        share = Fraction(int(whole + decimals), 10 ** len(decimals)) / 100
        if not 0 < share <= 1:
            raise forms.ValidationError(self.error_messages["range"], code="range")
        return share
