"""The member's own pages: home and profile."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from config import homework
from config.pagecache import fragments
from config.web import current_user, run_form
from groups import page_blocks, selectors, services
from groups.forms import (
    ProfileForm,
)
from groups.models import CouncilGroup, User


# --- the member's own pages ----------------------------------------------------------------
def _section_titles() -> dict[str, str]:
    return {
        homework.MEMBER: _("Det neste for deg"),
        homework.LEADER: _("Venter på deg som leder"),
        homework.COURSE_ADMIN: _("Kursgodkjenning"),
        homework.HANDLER: _("Frister i varslingssaker"),
        homework.SITE_ADMIN: _("Drift"),
    }


@dataclass(frozen=True)
class WorkPart:
    heading: str  # the group a leader's entries concern; empty where one list is enough
    entries: list[homework.Entry]


@dataclass(frozen=True)
class WorkSection:
    key: str
    title: str
    parts: list[WorkPart]


def work_sections(user: User, now: dt.datetime) -> list[WorkSection]:
    """Every role's work for the home page, from every app's provider (config/homework.py):
    a leader's under one heading per group, the others in one list each."""
    titles = _section_titles()
    sections = []
    for key, entries in homework.collect(user, now).items():
        if key == homework.LEADER:
            by_group: dict[str, list[homework.Entry]] = {}
            for entry in sorted(entries, key=lambda e: (e.context, e.order)):
                by_group.setdefault(entry.context, []).append(entry)
            parts = [WorkPart(heading, rows) for heading, rows in by_group.items()]
        else:
            parts = [WorkPart("", entries)]
        sections.append(WorkSection(key, titles.get(key, key), parts))
    return sections


def home(request: HttpRequest) -> HttpResponse:
    """Every role's work and the user's groups: a fragment kept until the data or the
    minute changes (config/pagecache.py)."""
    user = current_user(request)
    now = timezone.now()

    def context() -> dict[str, object]:
        return {
            # What needs the user now, per role, with counts and links (issue 17).
            "work": work_sections(user, now),
            "groups": selectors.home_for(user, timezone.localdate(now)),
            # What other apps put on the home page (an open check-in, S16).
            "blocks": page_blocks.blocks_for(page_blocks.HOME, user, now),
            # Site admins open new periods (G24): every group, each period on its own line.
            "all_groups": CouncilGroup.objects.order_by("area_name", "kind", "-period_start")
            if user.is_superuser
            else [],
        }

    return render(
        request, "groups/home.html", {"fragments": fragments(request, "home", context=context)}
    )


def profile(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
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
        lambda d: services.user_update_profile(
            actor=user,
            full_name=d["full_name"],
            birth_year=d["birth_year"],
            gender=d["gender"],
            postcode=d["postcode"],
        ),
        _("Profilen er lagret."),
        reverse("groups:profile"),
    )
    return done or render(request, "groups/profile.html", {"form": form})
