"""The ethical guidelines (E1): the member reads and acknowledges the version in force; the
secretariat publishes a new version, sees what changed and who has acknowledged."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from config.web import add_service_errors, current_user
from groups import selectors, services
from groups.forms import EthicsAcknowledgeForm, EthicsPublishForm
from groups.models import EthicsGuidelines
from groups.permissions import is_secretariat, require_secretariat


def ethics(request: HttpRequest) -> HttpResponse:
    guidelines = services.ethics_in_force()
    if guidelines is None:
        raise Http404
    user = current_user(request)
    form = EthicsAcknowledgeForm(
        request.POST if request.method == "POST" else None, initial={"version": guidelines.version}
    )
    if request.method == "POST":
        if form.is_valid() and form.cleaned_data["version"] == guidelines.version:
            services.ethics_acknowledge(actor=user, guidelines=guidelines)
            messages.success(
                request, _("Takk! Vi har registrert at du har gått gjennom retningslinjene.")
            )
            return redirect("groups:ethics")
        messages.error(
            request,
            _("Det er publisert en ny versjon mens du leste. Les den, og bekreft på nytt."),
        )
        return redirect("groups:ethics")
    return render(
        request,
        "groups/ethics.html",
        {
            "guidelines": guidelines,
            "form": form,
            "acknowledged": guidelines.acknowledgements.filter(user=user).first(),
            "asked": user.pk in services.elected_representatives(),
            "is_secretariat": is_secretariat(user),
        },
    )


def ethics_version(request: HttpRequest, version: int) -> HttpResponse:
    """One version, with what it changed against the version before it."""
    guidelines = get_object_or_404(EthicsGuidelines, version=version)
    previous = EthicsGuidelines.objects.filter(version__lt=version).order_by("-version").first()
    return render(
        request,
        "groups/ethics_version.html",
        {
            "guidelines": guidelines,
            "previous": previous,
            "in_force": services.ethics_in_force(),
            "hunks": services.ethics_changes(
                previous.sections if previous else None, guidelines.sections
            ),
        },
    )


def ethics_admin(request: HttpRequest) -> HttpResponse:
    require_secretariat(request.user)
    guidelines = services.ethics_in_force()
    return render(
        request,
        "groups/ethics_admin.html",
        {
            "guidelines": guidelines,
            "versions": EthicsGuidelines.objects.order_by("-version"),
            "shares": selectors.ethics_share_per_group(guidelines, timezone.localdate())
            if guidelines
            else [],
        },
    )


def ethics_publish(request: HttpRequest) -> HttpResponse:
    """Write a new version, see it against the version in force, then publish (a second,
    confirmed step: the version is a fixed record once published)."""
    require_secretariat(request.user)
    current = services.ethics_in_force()
    initial = (
        {"title": current.title, "text": services.sections_to_text(current.sections)}
        if current
        else {}
    )
    form = EthicsPublishForm(request.POST if request.method == "POST" else None, initial=initial)
    hunks = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        sections = services.sections_from_text(data["text"])
        hunks = services.ethics_changes(
            current.sections if current else None,
            [{"heading": s.heading, "text": s.text} for s in sections],
        )
        if "publish" in request.POST and not data["confirm"]:
            form.add_error("confirm", _("Kryss av for at du har sett endringene."))
        elif "publish" in request.POST:
            try:
                published = services.ethics_publish(
                    actor=current_user(request),
                    title=data["title"],
                    sections=sections,
                    change_summary=data["change_summary"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Versjon %(v)s er publisert. De folkevalgte får en e-post og en melding.")
                    % {"v": published.version},
                )
                return redirect("groups:ethics_version", version=published.version)
    return render(
        request,
        "groups/ethics_publish.html",
        {"form": form, "current": current, "hunks": hunks, "previewed": hunks is not None},
    )
