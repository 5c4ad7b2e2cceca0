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

from config.forms import AccessibleForm
from config.privacy import INVENTORY, NOT_PERSONAL, WB_NOTE, Erasure
from config.web import add_service_errors, current_user
from groups.models import User
from groups.privacy import services as privacy
from groups.privacy.display import SHOWN_PER_KIND, person_kinds

CONSENT = "attendance.consent"


def _site_admin(request: HttpRequest) -> User:
    user = current_user(request)
    if not user.is_superuser:
        raise PermissionDenied(_("Bare nettstedsadministratorer har tilgang."))
    return user


def _kept_entries() -> list[object]:
    return [e for e in INVENTORY if e.erasure == Erasure.KEEP]


@never_cache
def my_data(request: HttpRequest) -> HttpResponse:
    """Each kind of record folded under its heading, fields labelled in the reader's
    language; the JSON download (``my_data_download``) is the full, unchanged export."""
    user = current_user(request)
    kinds = person_kinds(user, keep=(CONSENT,))
    consents = next((k.objects for k in kinds if k.entry.key == CONSENT), [])
    return render(
        request,
        "groups/privacy/my_data.html",
        {
            "kinds": [k for k in kinds if k.count],
            "empty_kinds": [k for k in kinds if not k.count],
            "shown_per_kind": SHOWN_PER_KIND,
            "active_consents": [c for c in consents if not getattr(c, "withdrawn_at", None)],
            "kept_entries": _kept_entries(),
            "wb_note": WB_NOTE,
        },
    )


@never_cache
def my_data_download(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
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
            "rows": [(row, ERASURE_WORDS[row.entry.erasure]) for row in privacy.inventory_rows()],
            "erasure_sweep": privacy.last_erasure_sweep(),
            "not_personal": sorted(NOT_PERSONAL.items()),
        },
    )


class ErasePreviewForm(AccessibleForm):
    """Step 1: whom. Nothing is erased from this form."""

    email = forms.EmailField(label=gettext_lazy("E-post til personen som skal slettes"))

    def clean_email(self) -> User:
        email = self.cleaned_data["email"].lower()
        person = User.objects.filter(email=email).first()
        if person is None:
            raise ValidationError(_("Fant ingen bruker med denne e-postadressen."))
        return person


class EraseConfirmForm(ErasePreviewForm):
    """Step 2, after the preview: the explicit, irreversible erasure."""

    email = forms.EmailField(widget=forms.HiddenInput)
    confirm = forms.BooleanField(
        label=gettext_lazy(
            "Jeg har kontrollert hva som slettes, og at denne personen skal slettes"
        ),
        error_messages={"required": gettext_lazy("Kryss av for at du har kontrollert dette.")},
    )


ERASURE_WORDS = {
    Erasure.DELETE: gettext_lazy("slettes"),
    Erasure.ANONYMISE: gettext_lazy("blir stående uten kobling til personen (anonymiseres)"),
    Erasure.KEEP: gettext_lazy("beholdes til lagringstiden går ut, så slettes det"),
    Erasure.OWN_APP: gettext_lazy("håndteres av sin egen app"),
}


@never_cache
def erase_person(request: HttpRequest) -> HttpResponse:
    """Art. 17 in two steps: a preview that names what goes and what is kept, then the
    erasure itself behind an explicit confirmation. The preview changes nothing."""
    admin = _site_admin(request)
    erasing = request.method == "POST" and "erase" in request.POST
    form = EraseConfirmForm(request.POST) if erasing else ErasePreviewForm(request.POST or None)
    person: User | None = None
    if request.method == "POST" and form.is_valid():
        person = form.cleaned_data["email"]
    elif erasing:  # not ticked: the preview again, with the error on the checkbox
        person = User.objects.filter(email=str(request.POST.get("email", "")).lower()).first()
    if erasing and person is not None and form.is_valid():
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
    if erasing and person is None:  # an address that is not there: say so on the visible field
        form = ErasePreviewForm(request.POST)
        form.is_valid()
    context: dict[str, object] = {"form": form, "person": person}
    if person is not None:
        context["preview"] = [
            (entry, count, ERASURE_WORDS[entry.erasure])
            for entry, count in privacy.erasure_plan(person)
        ]
        context["confirm_form"] = (
            form if erasing else EraseConfirmForm(initial={"email": person.email})
        )
        if erasing:
            context["form"] = ErasePreviewForm(initial={"email": person.email})
    return render(request, "groups/privacy/erase_person.html", context)
