"""Privacy pages: "Mine data" and its download, the privacy notice, the data inventory and
the erasure of a person. Everything shown comes from ``config.privacy.INVENTORY``."""

from __future__ import annotations

import json

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from config.privacy import INVENTORY, NOT_PERSONAL, WB_NOTE, Erasure
from groups import privacy
from groups.forms import add_service_errors
from groups.models import User


def _user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


def _site_admin(request: HttpRequest) -> User:
    user = _user(request)
    if not user.is_superuser:
        raise PermissionDenied(_("Bare nettstedsadministratorer har tilgang."))
    return user


def _kept_entries() -> list[object]:
    return [e for e in INVENTORY if e.erasure == Erasure.KEEP]


@never_cache
def my_data(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    sections = privacy.person_sections(user)
    consents = next((s for s in sections if s.entry.key == "attendance.consent"), None)
    active_consents = [r for r in (consents.records if consents else []) if not r["withdrawn_at"]]
    return render(
        request,
        "groups/privacy/my_data.html",
        {
            "sections": sections,
            "active_consents": active_consents,
            "kept_entries": _kept_entries(),
            "wb_note": WB_NOTE,
        },
    )


@never_cache
def my_data_download(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    document = privacy.person_export(actor=user, person=user)
    body = json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="mine-data-{stamp}.json"'
    return response


@login_not_required
def privacy_notice(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "groups/privacy/notice.html",
        {"entries": [e for e in INVENTORY], "wb_note": WB_NOTE},
    )


@never_cache
def data_inventory(request: HttpRequest) -> HttpResponse:
    _site_admin(request)
    return render(
        request,
        "groups/privacy/inventory.html",
        {
            "rows": privacy.inventory_rows(),
            "erasure_sweep": privacy.last_erasure_sweep(),
            "not_personal": sorted(NOT_PERSONAL.items()),
        },
    )


class ErasePersonForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("E-post til personen som skal slettes"))
    confirm = forms.BooleanField(
        label=gettext_lazy("Jeg har kontrollert at denne personen skal slettes"), required=False
    )

    def clean_email(self) -> User:
        email = self.cleaned_data["email"].lower()
        person = User.objects.filter(email=email).first()
        if person is None:
            raise ValidationError(_("Fant ingen bruker med denne e-postadressen."))
        return person


@never_cache
def erase_person(request: HttpRequest) -> HttpResponse:
    admin = _site_admin(request)
    form = ErasePersonForm(request.POST or None)
    plan = None
    if request.method == "POST" and form.is_valid():
        person: User = form.cleaned_data["email"]
        if form.cleaned_data["confirm"]:
            try:
                record = privacy.person_erase(actor=admin, person=person)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                if record.completed_at:
                    messages.success(request, _("Personen er slettet."))
                else:
                    messages.success(
                        request,
                        _(
                            "Personen er slettet der ingen lagringsplikt hindrer det. Kontoen er "
                            "stengt, og resten slettes når lagringstiden går ut."
                        ),
                    )
                return redirect("groups:data_inventory")
        plan = privacy.erasure_plan(person)
    return render(request, "groups/privacy/erase_person.html", {"form": form, "plan": plan})
