"""Authorization cases for the year's cycle (årshjul, G27): members see their group's year
view and calendar; the leader (and the deputy, and a site admin) adjusts the entries;
others may not know the group exists. The feed is authenticated by its token alone."""

from __future__ import annotations

from typing import Any

from meetings import services
from meetings.models import CycleEntry, CycleKey
from tests.authz import GROUP_MANAGE, GROUP_VIEW, Case, _all

# A valid change saves and redirects for those who may act
MANAGE_SAVE = _all(404, anonymous=302, member=403, faction_leader=403, leader=302, site_admin=302)


def setup(world: Any) -> None:
    services.cycle_load(world.group)
    entry = CycleEntry.objects.filter(group=world.group, key=CycleKey.BUDGET).order_by("year")[0]
    token = services.calendar_feed_create(actor=world.users["faction_leader"])
    world.extra.update(cycle_entry=entry, cycle_token=token)


def _group(w: Any) -> dict[str, int]:
    return {"group_pk": w.group.pk}


def _entry(w: Any) -> dict[str, int]:
    return {"pk": w.extra["cycle_entry"].pk}


def _valid(w: Any) -> dict[str, str]:
    entry = w.extra["cycle_entry"]
    return {"due_on": f"{entry.year}-11-20", "responsible_role": "deputy"}


CASES = [
    Case("meetings:cycle", GROUP_VIEW, kwargs=_group),
    Case("meetings:cycle", GROUP_VIEW, kwargs=_group, query="ar=1999", label="bad-year"),
    Case("meetings:cycle_ics", GROUP_VIEW, kwargs=_group),
    Case("meetings:cycle_edit", GROUP_MANAGE, kwargs=_entry),
    # an empty form is shown again with its errors; a valid one saves
    Case("meetings:cycle_edit", GROUP_MANAGE, kwargs=_entry, method="post", data=lambda w: {}),
    Case(
        "meetings:cycle_edit",
        MANAGE_SAVE,
        kwargs=_entry,
        method="post",
        data=_valid,
        label="valid",
    ),
    Case(
        "meetings:cycle_edit",
        _all(404, anonymous=302),
        kwargs=lambda w: {"pk": 999999},
        label="missing",
    ),
    Case("meetings:cycle_feed", _all(200), kwargs=lambda w: {"token": w.extra["cycle_token"]}),
    Case("meetings:cycle_feed", _all(404), kwargs=lambda w: {"token": "x" * 43}, label="bad-token"),
]
