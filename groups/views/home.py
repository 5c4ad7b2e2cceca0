"""The member's own pages: home and profile."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from groups import page_blocks, selectors, services
from groups.forms import (
    ProfileForm,
    run_form,
)
from groups.models import CouncilGroup
from groups.views.common import _user


# --- the member's own pages ----------------------------------------------------------------
def home(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    now = timezone.now()
    today = timezone.localdate(now)
    return render(
        request,
        "groups/home.html",
        {
            "groups": selectors.home_for(user, today),
            # What other apps put on the home page (an open check-in, S16).
            "blocks": page_blocks.blocks_for(page_blocks.HOME, user, now),
            # E1: the notice for an elected representative who has not acknowledged the
            # version in force.
            "ethics_due": services.ethics_due(user),
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
