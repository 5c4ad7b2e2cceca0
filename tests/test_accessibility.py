"""Universal design (WCAG 2.1 AA): every HTML page of the authorization matrix, as a role
that may see it, checked with axe-core in Chromium; plus keyboard-only use of the skip link.

axe-core (MPL-2.0) is vendored in tests/vendor/axe.min.js.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.authz import Case, all_cases
from tests.conftest import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def _role_that_sees(case: Case) -> str | None:
    for role in ("member", "leader", "site_admin", "course_admin", "handler", "anonymous"):
        if case.expect.get(role) == 200:
            return role
    return None


def _pages() -> list[tuple[Case, object, str]]:
    pages = []
    for case, module in all_cases():
        role = _role_that_sees(case)
        # An htmx fragment is no page of its own: axe checks it inside the page that loads it.
        if case.method == "get" and role and not case.fragment:
            pages.append((case, module, role))
    return pages


def _violations(page: Any) -> list[dict[str, Any]]:
    page.evaluate(AXE)
    result = page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}})).violations",
        WCAG_TAGS,
    )
    return [
        {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"][:3]]}
        for v in result
    ]


@pytest.mark.long
def test_every_page_meets_wcag_21_aa(browser: Any, live_server: Any) -> None:
    world = build_world()
    for module in {id(m): m for _, m, _ in _pages()}.values():
        setup = getattr(module, "setup", None)
        if setup:
            setup(world)
    cookies: dict[str, str] = {}
    failures: dict[str, list[dict[str, Any]]] = {}
    checked = 0
    context = browser.new_context(base_url=live_server.url, locale="nb-NO")
    page = context.new_page()
    probe = Client()  # one client: it loads the middleware once
    for case, _module, role in _pages():
        url = reverse(case.name, kwargs=case.kwargs(world)) + (
            f"?{case.query}" if case.query else ""
        )
        probe.cookies.clear()
        if role != "anonymous":
            probe.force_login(world.users[role])
        head = probe.get(url)
        if "text/html" not in head.get("Content-Type", "") or head.has_header(
            "Content-Disposition"
        ):
            continue  # PDFs, CSV, calendar feeds
        context.clear_cookies()
        if role != "anonymous":
            if role not in cookies:
                client = Client()
                client.force_login(world.users[role])
                cookies[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
            context.add_cookies(
                [
                    {
                        "name": settings.SESSION_COOKIE_NAME,
                        "value": cookies[role],
                        "url": live_server.url,
                    }
                ]
            )
        page.goto(url)
        checked += 1
        found = _violations(page)
        if found:
            failures[f"{case.id} as {role}"] = found
    context.close()
    assert checked > 10
    assert not failures, "\n".join(f"{page}: {found}" for page, found in failures.items())


def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(page: Any) -> None:
    page.goto(reverse("account_login"))
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Hopp til innholdet"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
