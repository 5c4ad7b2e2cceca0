from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from groups.models import (
    SECRETARIAT_GROUP,
    BoardRole,
    Committee,
    CouncilGroup,
    Membership,
    RuleSet,
    Seat,
    User,
)
from tests.factories.groups import (
    add_committee_seat,
    give_role,
    make_committee,
    make_group,
    make_membership,
    make_ruleset,
    make_user,
)

IN_CI = os.environ.get("CI", "").lower() == "true"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(autouse=True)
def _media_root(settings: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Stored files of a test go to a fresh folder, never the developer's var/media."""
    settings.MEDIA_ROOT = str(tmp_path_factory.mktemp("media"))
    settings.PAGE_CACHE_CHECK_TABLES = True  # config/pagecache.py: remember(tables=...)


@pytest.fixture(autouse=True)
def _norwegian() -> Iterator[None]:
    """Each test starts in Norwegian: the test client's requests run in this thread and
    LocaleMiddleware leaves the last request's language active."""
    from django.utils import translation

    with translation.override("nb"):
        yield


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    from django.core.cache import cache

    cache.clear()
    yield


@dataclass
class World:
    group: CouncilGroup
    other_group: CouncilGroup
    users: dict[str, User]
    memberships: dict[str, Membership]
    committee: Committee
    ruleset: RuleSet
    extra: dict[str, Any] = field(default_factory=dict)

    def client_for(self, role: str) -> Client:
        client = Client()
        if role != "anonymous":
            client.force_login(self.users[role])
        return client


def build_world() -> World:
    group = make_group(area_name="Grønnbygd")
    other = make_group(area_name="Nabobygd")
    users = {
        "leader": make_user(full_name="Liv Leder", email="leder@example.org"),
        "deputy": make_user(full_name="Nils Nestleder", email="nestleder@example.org"),
        "member": make_user(full_name="Marit Medlem", email="medlem@example.org"),
        "faction_leader": make_user(full_name="Frode Fraksjon", email="fraksjon@example.org"),
        "outsider": make_user(full_name="Ola Utenfor", email="utenfor@example.org"),
        "course_admin": give_role(
            make_user(full_name="Kari Kurs", email="kurs@example.org"), "course_administrators"
        ),
        "handler": give_role(
            make_user(full_name="Hege Handler", email="varsling@example.org"),
            "whistleblowing_handlers",
        ),
        "secretariat": give_role(
            make_user(full_name="Sara Sekretariat", email="sekretariat@example.org"),
            SECRETARIAT_GROUP,
        ),
        "site_admin": make_user(
            full_name="Siri Admin", email="admin@example.org", is_staff=True, is_superuser=True
        ),
    }
    from tests.factories.groups import enable_totp

    enable_totp(users["site_admin"])
    memberships = {
        "leader": make_membership(group, users["leader"], board_role=BoardRole.LEADER),
        "deputy": make_membership(group, users["deputy"], board_role=BoardRole.DEPUTY),
        "member": make_membership(group, users["member"]),
        "faction_leader": make_membership(group, users["faction_leader"]),
        "outsider": make_membership(other, users["outsider"], board_role=BoardRole.LEADER),
        "substitute": make_membership(group, seat=Seat.SUBSTITUTE),
    }
    committee = make_committee(group, name="Hovedutvalg for oppvekst")
    add_committee_seat(committee, memberships["faction_leader"])
    add_committee_seat(committee, memberships["member"])
    committee.faction_leader = memberships["faction_leader"]
    committee.save()
    ruleset = make_ruleset(group)
    make_ruleset(other)
    return World(group, other, users, memberships, committee, ruleset)


@pytest.fixture
def world(db: None) -> World:
    return build_world()


# --- browser tests ---------------------------------------------------------------------
def _chromium_available() -> bool:
    return os.path.exists(CHROMIUM) or shutil.which("chromium") is not None


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not _chromium_available():
        message = (
            f"Chromium not found at {CHROMIUM}: browser tests skipped (apt-get install chromium)"
        )
        if IN_CI:
            pytest.fail(message + " — CI=true, so this is a failure")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls in the test
    # itself are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(base_url=live_server.url, locale="nb-NO")
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def screenshot(page: Any, name: str) -> None:
    """A full-page screenshot of what the test sees, in ``$SCREENSHOT_DIR`` when it is set
    (``SCREENSHOT_DIR=/tmp/shots make test``, then look at them); nothing otherwise."""
    folder = os.environ.get("SCREENSHOT_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / Path(name).with_suffix(".png")), full_page=True)


def login_in_browser(page: Any, user: User, password: str | None = None) -> None:
    """Log in through the real login form."""
    from tests.factories.groups import PASSWORD

    page.goto("/accounts/login/")
    page.get_by_label("E-post").fill(user.email)
    page.get_by_label("Passord").fill(password or PASSWORD)
    page.get_by_role("button", name="Logg inn").click()


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Fault-injection tests run alone after the parallel run (marker ``serial``). The
    ``long`` ones go first: xdist hands tests out in this order, and one of them begun last
    would leave a single worker running it after the others had finished."""
    for item in items:
        if item.get_closest_marker("faults") is not None:
            item.add_marker(pytest.mark.serial)
    items.sort(key=lambda item: item.get_closest_marker("long") is None)


def _restores_migrated_data(item: pytest.Item | None) -> bool:
    marker = item.get_closest_marker("django_db") if item is not None else None
    return marker is not None and bool(marker.kwargs.get("serialized_rollback"))


# The test database's migrated rows, as Django serialized them when it made the database.
# Django keeps them on the connection object, and looks for them there when a test with
# ``serialized_rollback`` starts; but a test thread that has started Playwright (its
# greenlets) or closed its connections may hold another connection object, without them,
# and Django then restores nothing.
_MIGRATED_ROWS: list[str] = []


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None) -> None:
    """pytest-django's, keeping the migrated rows where every test can find them."""
    from django.db import connection

    rows = getattr(connection, "_test_serialized_contents", None)
    if rows:
        _MIGRATED_ROWS.append(rows)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """A test with ``serialized_rollback`` starts from the migrated rows, restored here,
    and only them: a transactional test before it has flushed the database and made the
    content types and permissions again with new ids, which a restore on top would collide
    with. Empty it, restore, and forget the content types this process has looked up. (Once
    the database exists: a new one holds just the migrated rows.) Django restores them once
    more when it finds them on the connection; that updates the same rows."""
    if _restores_migrated_data(item) and _MIGRATED_ROWS:
        from django.contrib.contenttypes.models import ContentType
        from django.core.management import call_command
        from django.db import connection
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            # Sequences kept (as Django's own flush between tests): restarted, they would
            # hand out the ids of the restored rows again on PostgreSQL.
            call_command(
                "flush",
                verbosity=0,
                interactive=False,
                reset_sequences=False,
                inhibit_post_migrate=True,
            )
            connection.creation.deserialize_db_from_string(_MIGRATED_ROWS[0])
        ContentType.objects.clear_cache()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Any:
    """A test with ``serialized_rollback`` restores the migrated data for itself, and its
    flush at the end leaves the database empty, without the content types and permissions
    that migrate creates (Django inhibits post_migrate there). Whichever test runs next in
    this process (the order differs under pytest-xdist) would then miss them: create them
    again, as every other flush does."""
    result = yield
    # With no test after this one, the teardown above has also dropped the test database.
    if nextitem is not None and _restores_migrated_data(item):
        from django.core.management.sql import emit_post_migrate_signal
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    return result
