"""On a phone (issue 18): every page of the authorization matrix that a logged-in role may
open, loaded in Chromium at 390 × 844, scrolls only up and down, and no box in it scrolls sideways either. Tables become cards below
the width break and long unbroken text wraps, so nothing widens the page past the screen
(``document.documentElement.scrollWidth <= window.innerWidth + 1``).

The world it walks is the matrix's own (``tests/authz``), plus a member with a 200-character
unbroken name and a meeting and a course with 200-character unbroken titles and a
5,000-character description. One browser context per role, each logged in once. With
``$SCREENSHOT_DIR`` set, a screenshot of every page (its top 2,400 px) goes there, for a
person to look at; they assert nothing, and take 40 % of the test's time, so a plain run
makes none.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.authz import Case, all_cases, log_in
from tests.conftest import World, build_world
from tests.factories.groups import make_membership, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
# The role that sees the most of a page (actions, edit links) comes first.
PREFERENCE = (
    "leader",
    "site_admin",
    "course_admin",
    "handler",
    "member",
    "faction_leader",
    "outsider",
)
LONG_NAME = "Langnavn" + "x" * 192  # 200 characters, no place to break
LONG_TEXT = ("Beskrivelse" + "y" * 489) * 10  # 5,000 characters, no space

# The elements that reach past the right edge, for a message that says where to look.
OVERFLOW = """() => {
  const width = window.innerWidth;
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const box = el.getBoundingClientRect();
    if (box.right > width + 1 && box.width > 0) {
      out.push(el.tagName.toLowerCase() + (el.className ? '.' + el.className : '')
        + ' ' + Math.round(box.right));
    }
  }
  // A box that scrolls sideways inside the page hides its right-hand side just the same.
  const sideways = [];
  for (const el of document.querySelectorAll('main *')) {
    const style = getComputedStyle(el).overflowX;
    if ((style === 'auto' || style === 'scroll') && el.scrollWidth > el.clientWidth + 1) {
      sideways.push(el.tagName.toLowerCase() + (el.className ? '.' + el.className : ''));
    }
  }
  return {scroll: document.documentElement.scrollWidth, inner: width, out: out.slice(-5),
          sideways: sideways, height: document.documentElement.scrollHeight};
}"""


def _long_text_world() -> tuple[World, dict[str, dict[str, Any]]]:
    """The matrix's world with every app's objects; each case module keeps its own
    ``extra`` (two modules both name a "meeting"), as when the matrix test runs it alone."""
    world = build_world()
    extras: dict[str, dict[str, Any]] = {}
    for module in {id(m): m for _, m in all_cases()}.values():
        world.extra = {}
        setup = getattr(module, "setup", None)
        if setup:
            setup(world)
        extras[module.__name__] = world.extra
    world.extra = extras["tests.authz.meetings"]
    make_membership(world.group, make_user(full_name=LONG_NAME))
    meeting = world.extra["meeting"]
    meeting.title, meeting.description, meeting.place = LONG_NAME, LONG_TEXT, LONG_NAME
    meeting.save(update_fields=["title", "description", "place"])
    course = extras["tests.authz.attendance"]["course"]
    course.title = LONG_NAME
    course.save(update_fields=["title"])
    return world, extras


def _pages_by_role() -> dict[str, list[tuple[Case, Any]]]:
    """Each page once as the role that sees most of it, and again as a plain member when
    a member may open it too (the people who check in on their phones)."""
    pages: dict[str, list[tuple[Case, Any]]] = {role: [] for role in PREFERENCE}
    for case, module in all_cases():
        if case.method != "get" or case.fragment:
            continue
        role = next((r for r in PREFERENCE if case.expect.get(r) == 200), None)
        if role:
            pages[role].append((case, module))
        if role != "member" and case.expect.get("member") == 200:
            pages["member"].append((case, module))
    return pages


def _session_cookie(world: World, role: str, case: Case) -> str:
    """A logged-in session of the role; reauthenticated, so allauth's guarded pages open."""
    client = log_in(Client(), world, case, role)
    return str(client.cookies[settings.SESSION_COOKIE_NAME].value)


def _folder() -> Path | None:
    named = os.environ.get("SCREENSHOT_DIR")
    if named:
        Path(named).mkdir(parents=True, exist_ok=True)
        return Path(named)
    return None


@pytest.mark.long
def test_every_matrix_page_fits_a_390px_phone_without_sideways_scroll(
    browser: Any, live_server: Any
) -> None:
    """Issue 18: no horizontal overflow at 390 × 844 on any page a logged-in role opens,
    with 200-character unbroken names and a 5,000-character description in the data."""
    started = time.monotonic()
    world, extras = _long_text_world()
    folder = _folder()
    failures: dict[str, Any] = {}
    checked = 0
    for role, cases in _pages_by_role().items():
        if not cases:
            continue
        reauth = Case("account_reauthenticate", {}, reauthenticated=True)
        context = browser.new_context(
            base_url=live_server.url, locale="nb-NO", viewport=PHONE, device_scale_factor=1
        )
        context.set_default_timeout(15_000)
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": _session_cookie(world, role, reauth),
                    "url": live_server.url,
                }
            ]
        )
        page = context.new_page()
        for case, module in cases:
            world.extra = extras[module.__name__]
            url = reverse(case.name, kwargs=case.kwargs(world)) + (
                f"?{case.query}" if case.query else ""
            )
            try:
                response = page.goto(url, wait_until="load")
            except Exception as error:  # a download (PDF, CSV, calendar) is not a page
                if "Download is starting" in str(error):
                    continue
                raise
            if response is None or "text/html" not in response.headers.get("content-type", ""):
                continue
            checked += 1
            if response.status != 200:  # the matrix says this role may open it
                failures[f"{case.id} as {role} ({url})"] = {"status": response.status}
                continue
            found = page.evaluate(OVERFLOW)
            if folder is not None:
                name = f"{role}-{case.id}".replace(":", "_").replace("[", "_").replace("]", "")
                height = min(found["height"], 2400)
                page.screenshot(
                    path=str(folder / f"{name}.jpg"),
                    type="jpeg",
                    quality=70,
                    full_page=True,
                    clip={"x": 0, "y": 0, "width": PHONE["width"], "height": height},
                )
            if found["scroll"] > found["inner"] + 1 or found["sideways"]:
                failures[f"{case.id} as {role} ({url})"] = found
        context.close()
    elapsed = time.monotonic() - started
    print(f"\n{checked} pages at 390×844 in {elapsed:.1f} s; screenshots in {folder or '(none)'}")
    assert checked > 100
    assert not failures, "\n".join(f"{where}: {found}" for where, found in failures.items())


CONTRAST = """(selector) => {
  const channel = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
  const lum = (rgb) => { const [r, g, b] = rgb.match(/\\d+/g).map(Number);
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b); };
  return [...document.querySelectorAll(selector)].map((el) => {
    const s = getComputedStyle(el);
    const [a, b] = [lum(s.color), lum(s.backgroundColor)].sort((x, y) => y - x);
    return {text: el.textContent.trim(), background: s.backgroundColor,
            contrast: (a + 0.05) / (b + 0.05)};
  });
}"""


def test_state_badges_differ_by_state_and_meet_aa_contrast(
    page: Any, live_server: Any, world: World
) -> None:
    """Issue 18 (Look): "Ikke startet", "Under arbeid" and "Gjennomført" no longer share
    one colour, and each badge's text meets WCAG AA (4.5:1) on its background."""
    import datetime as dt

    from django.utils import timezone

    from meetings.models import ProgrammeIssue

    for n, status in enumerate(("not_started", "in_progress", "achieved", "dropped")):
        ProgrammeIssue.objects.create(
            group=world.group,
            title=f"Programpunkt {n}",
            sector="school",
            status=status,
            start_on=dt.date(2026, 1, 1),
            present_by=dt.date(2027, 1, 1),
            updated_at=timezone.now(),
        )
    client = Client()
    client.force_login(world.users["member"])
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page.goto(reverse("meetings:programme", kwargs={"group_pk": world.group.pk}))
    badges = {b["text"]: b for b in page.evaluate(CONTRAST, "h3 .badge")}
    states = ("Ikke startet", "Under arbeid", "Gjennomført", "Lagt bort")
    assert set(states) <= set(badges), badges
    assert len({badges[s]["background"] for s in states}) == len(states), badges
    for badge in badges.values():
        assert badge["contrast"] >= 4.5, badge
