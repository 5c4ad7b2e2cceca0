"""The forms of one agenda item (or one conflict of interest), loaded when they are opened.

The meeting page shows each of these forms in a closed ``<details>`` holding only a link to
``item_form``/``conflict_form``. Without JavaScript the link opens a small page with just that
form; with htmx, opening the ``<details>`` fetches the same URL and swaps in the form alone.
A form that came back with errors is passed to the meeting page bound and shown open there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from config.web import is_htmx, vary_on_htmx
from groups.models import BoardRole, MembershipStatus
from meetings.forms import (
    AccessibleForm,
    AgendaPlanForm,
    ChapterBriefingForm,
    ChapterLinkForm,
    ConflictDeclareForm,
    ConflictLeaveForm,
    DissentForm,
    MinutesItemForm,
)
from meetings.models import AgendaItem, BriefingChannel, ConflictOfInterest, MeetingKind
from meetings.permissions import Perm
from meetings.views._common import (
    BACK_FIELD,
    BACK_LEADER,
    conflict_for,
    from_leader_screen,
    item_for,
)


@dataclass(frozen=True)
class FormSpec:
    """One kind of per-item form: how it is built, where it posts, what it is called.

    ``key`` is also the form's prefix (``<key>-<pk>``) and the name ``_rerender`` uses for it;
    ``perm`` is the one the POST view checks, so the form is shown to exactly those who may send it.
    """

    key: str
    slug: str
    owner: Literal["item", "conflict"]
    perm: Perm
    form_class: type[AccessibleForm]
    action: str
    summary: str | Promise
    submit: str | Promise
    initial: Callable[[Any], dict[str, Any]] | None = None
    form_kwargs: Callable[[Any], dict[str, Any]] | None = None
    # Which items the form is for at all (404 for the others)
    applies: Callable[[Any], bool] | None = None

    def prefix(self, pk: int) -> str:
        return f"{self.key}-{pk}"

    def url(self, pk: int) -> str:
        name = "meetings:item_form" if self.owner == "item" else "meetings:conflict_form"
        return reverse(name, kwargs={"pk": pk, "kind": self.slug})

    def unbound(self, obj: AgendaItem | ConflictOfInterest) -> AccessibleForm:
        initial = self.initial(obj) if self.initial else None
        extra = self.form_kwargs(obj) if self.form_kwargs else {}
        return self.form_class(prefix=self.prefix(obj.pk), initial=initial, **extra)


def _minutes_initial(item: AgendaItem) -> dict[str, Any]:
    return {
        "recommendation": item.recommendation,
        "discussion": item.discussion,
        "disagrees_with_recommendation": item.disagrees_with_recommendation,
        "conclusion": item.conclusion,
    }


def _leave_initial(conflict: ConflictOfInterest) -> dict[str, Any]:
    return {
        "left_at": timezone.localtime(conflict.left_at) if conflict.left_at else None,
        "returned_at": timezone.localtime(conflict.returned_at) if conflict.returned_at else None,
    }


MINUTES = FormSpec(
    key="minutes",
    slug="referat",
    owner="item",
    perm="manage",
    form_class=MinutesItemForm,
    action="meetings:item_minutes",
    summary=_("Skriv referat for saken"),
    submit=_("Lagre referat"),
    initial=_minutes_initial,
    form_kwargs=lambda item: {"advisory": item.meeting.kind == MeetingKind.MEMBERS},
)
DISSENT = FormSpec(
    key="dissent",
    slug="protokolltilforsel",
    owner="item",
    perm="view",
    form_class=DissentForm,
    action="meetings:dissent_add",
    summary=_("Gi protokolltilførsel"),
    submit=_("Lagre protokolltilførsel"),
)
CONFLICT = FormSpec(
    key="conflict",
    slug="habilitet",
    owner="item",
    perm="view",
    form_class=ConflictDeclareForm,
    action="meetings:conflict_declare",
    summary=_("Ta opp min habilitet"),
    submit=_("Meld habilitetsspørsmål"),
)
LEAVE = FormSpec(
    key="leave",
    slug="fratreden",
    owner="conflict",
    perm="manage",
    form_class=ConflictLeaveForm,
    action="meetings:conflict_leave",
    summary=_("Registrer når medlemmet fratrådte saken"),
    submit=_("Lagre"),
    initial=_leave_initial,
)
PLAN = FormSpec(
    key="plan",
    slug="tid",
    owner="item",
    perm="manage",
    form_class=AgendaPlanForm,
    action="meetings:item_plan",
    summary=_("Tid og innleder"),
    submit=_("Lagre tid og innleder"),
    initial=lambda item: {
        "duration_minutes": item.duration_minutes,
        "presenter": item.presenter_id,
    },
    form_kwargs=lambda item: {"group": item.meeting.group},
)


def _group_item(item: AgendaItem) -> bool:
    """G26: the chapter board is briefed on what the group itself concludes on."""
    return item.meeting.kind == MeetingKind.GROUP and not item.is_media_strategy


def _briefing_initial(item: AgendaItem) -> dict[str, Any]:
    leader = (
        item.meeting.group.memberships.filter(
            board_role=BoardRole.LEADER, status=MembershipStatus.ACTIVE
        )
        .values_list("pk", flat=True)
        .first()
    )
    return {
        "briefed_on": timezone.localdate(),
        "briefed_by": leader,
        "channel": BriefingChannel.CHAPTER_LEADER,
    }


def _chapter_kwargs(item: AgendaItem) -> dict[str, Any]:
    from meetings.services.members import members_items_choices

    return {"choices": members_items_choices(item.meeting)}


CHAPTER = FormSpec(
    key="chapter",
    slug="lokallag",
    owner="item",
    perm="manage",
    form_class=ChapterLinkForm,
    action="meetings:item_chapter_link",
    summary=_("Medlemsmøte og lokallagsstyret"),
    submit=_("Lagre"),
    initial=lambda item: {
        "needs_chapter_briefing": item.needs_chapter_briefing,
        "members_item": item.members_item_id,
    },
    form_kwargs=_chapter_kwargs,
    applies=_group_item,
)
BRIEFING = FormSpec(
    key="briefing",
    slug="orientering",
    owner="item",
    perm="manage",
    form_class=ChapterBriefingForm,
    action="meetings:item_briefing",
    summary=_("Registrer at lokallagsstyret er orientert"),
    submit=_("Registrer orienteringen"),
    initial=_briefing_initial,
    form_kwargs=lambda item: {"group": item.meeting.group},
    applies=_group_item,
)
SPECS = {
    (spec.owner, spec.slug): spec
    for spec in (MINUTES, DISSENT, CONFLICT, LEAVE, PLAN, CHAPTER, BRIEFING)
}


@dataclass
class Panel:
    """One ``<details>`` on the meeting page: a bound form shown open, or a link to load it."""

    spec: FormSpec
    pk: int
    form: AccessibleForm | None = None
    # True on the leader's screen: the form, once loaded, sends the answer back there
    from_leader: bool = False

    @cached_property
    def url(self) -> str:
        url = self.spec.url(self.pk)
        return f"{url}?{BACK_FIELD}={BACK_LEADER}" if self.from_leader else url

    @property
    def dom_id(self) -> str:
        return f"{self.spec.prefix(self.pk)}-panel"


def _respond(
    request: HttpRequest,
    spec: FormSpec,
    obj: AgendaItem | ConflictOfInterest,
    context: dict[str, Any],
) -> HttpResponse:
    context |= {
        "spec": spec,
        "pk": obj.pk,
        "form": spec.unbound(obj),
        "back_leader": from_leader_screen(request),
    }
    template = "meetings/_item_form.html" if is_htmx(request) else "meetings/item_form.html"
    return vary_on_htmx(render(request, template, context))


@require_GET
def item_form(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """An agenda item's minutes, dissent or conflict-of-interest form (G13, G25, G18)."""
    spec = SPECS.get(("item", kind))
    if spec is None:
        raise Http404
    item = item_for(request, pk, spec.perm)
    if spec.applies is not None and not spec.applies(item):
        raise Http404
    return _respond(request, spec, item, {"meeting": item.meeting, "item": item})


@require_GET
def conflict_form(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """When a disqualified member left the item (S16)."""
    spec = SPECS.get(("conflict", kind))
    if spec is None:
        raise Http404
    conflict = conflict_for(request, pk)
    item = conflict.agenda_item
    return _respond(
        request,
        spec,
        conflict,
        {"meeting": item.meeting, "item": item, "conflict": conflict},
    )
