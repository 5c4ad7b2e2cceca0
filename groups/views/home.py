"""The member's own pages: home, profile, ethics acknowledgement."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from groups import selectors, services
from groups.forms import (
    ProfileForm,
    run_form,
)
from groups.models import CouncilGroup
from groups.views.common import _user


# --- the member's own pages ----------------------------------------------------------------
def home(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    today = timezone.localdate()
    ethics = selectors.current_ethics()
    return render(
        request,
        "groups/home.html",
        {
            "groups": selectors.home_for(user, today),
            "ethics": ethics,
            "ethics_acknowledged": bool(
                ethics and ethics.acknowledgements.filter(user=user).exists()
            ),
            # Site admins open new periods (G24): every group, each period on its own line.
            "all_groups": CouncilGroup.objects.order_by("area_name", "kind", "-period_start")
            if user.is_superuser
            else [],
        },
    )


def profile(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = ProfileForm(
        request.POST or None,
        initial={
            "full_name": user.full_name,
            "birth_year": user.birth_year,
            "gender": user.gender,
            "postcode": user.postcode,
        },
    )
    done = run_form(
        request,
        form,
        lambda d: services.user_update_profile(actor=user, **d),
        _("Profilen er lagret."),
        reverse("groups:profile"),
    )
    return done or render(request, "groups/profile.html", {"form": form})


def ethics(request: HttpRequest) -> HttpResponse:
    guidelines = selectors.current_ethics()
    if guidelines is None:
        raise Http404
    user = _user(request)
    if request.method == "POST":
        services.ethics_acknowledge(actor=user, guidelines=guidelines)
        messages.success(
            request, _("Takk! Vi har registrert at du har gått gjennom retningslinjene.")
        )
        return redirect("groups:ethics")
    return render(
        request,
        "groups/ethics.html",
        {
            "guidelines": guidelines,
            "acknowledged": guidelines.acknowledgements.filter(user=user).first(),
        },
    )
