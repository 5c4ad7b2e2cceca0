"""Every URL × every role has an asserted status (DESIGN.md, security model)."""

from __future__ import annotations

import copy
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver

from tests.authz import ROLES, Case, all_cases, case_url, log_in
from tests.conftest import World, build_world

OUR_NAMESPACES = ("groups", "meetings", "attendance", "whistleblowing")
# The portal's layout: every HTML page a role gets is a full page of it, so a template that
# fails half-way, or a page that falls back to a bare default, shows up here.
LAYOUT_LANDMARK = '<main id="main"'


def _url_names(resolver: URLResolver, prefix: str = "") -> Iterator[str]:
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            namespace = pattern.namespace
            yield from _url_names(pattern, f"{prefix}{namespace}:" if namespace else prefix)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{prefix}{pattern.name}"


def test_every_url_pattern_of_ours_has_an_authorization_case() -> None:
    ours = {name for name in _url_names(get_resolver()) if name.split(":", 1)[0] in OUR_NAMESPACES}
    covered = {case.name for case, _ in all_cases()}
    assert ours, "no URL patterns found"
    assert not (ours - covered), (
        f"URL patterns without an authorization case: {sorted(ours - covered)}"
    )


def test_every_case_names_a_real_url() -> None:
    names = set(_url_names(get_resolver()))
    unknown = {case.name for case, _ in all_cases()} - names
    assert not unknown, f"cases for unknown URL names: {sorted(unknown)}"


_PARAMS = [
    pytest.param(case, module, role, id=f"{case.id}-{role}")
    for case, module in all_cases()
    for role in ROLES
]


class _SharedWorlds:
    """The world of one case module, built once (``build_world`` and the module's
    ``setup``) for all of its cases × roles, as Django's ``TestCase.setUpTestData`` does:
    it lives in an outer transaction, each test runs in a savepoint inside it that is
    rolled back, and gets a deep copy of the built objects. The parameters come module by
    module, so a process builds each world about once; the next module's world replaces
    it (rolled back) between two tests. Its stored files are in a folder of their own,
    copied afresh for every test."""

    def __init__(self, blocker: Any, tmp: pytest.TempPathFactory) -> None:
        self.blocker, self.tmp = blocker, tmp
        self.module: object = None
        self.world: World | None = None
        self.media = Path()
        self._atomic: Any = None

    def get(self, module: object) -> World:
        if module is not self.module:
            self.close()
            self.media = self.tmp.mktemp("authz-media")
            with self.blocker.unblock(), override_settings(MEDIA_ROOT=str(self.media)):
                self._atomic = transaction.atomic()
                self._atomic.__enter__()
                world = build_world()
                setup = getattr(module, "setup", None)
                if setup:
                    setup(world)
                self.module, self.world = module, world
        assert self.world is not None
        return copy.deepcopy(self.world)

    def close(self) -> None:
        if self._atomic is not None:
            with self.blocker.unblock():
                transaction.set_rollback(True)
                self._atomic.__exit__(None, None, None)
        self._atomic, self.module, self.world = None, None, None


@pytest.fixture(scope="module")
def _shared_worlds(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[_SharedWorlds]:
    worlds = _SharedWorlds(django_db_blocker, tmp_path_factory)
    yield worlds
    worlds.close()


@pytest.fixture
def _case_world(_shared_worlds: _SharedWorlds, module: object) -> World:
    """Built (or kept) before ``db`` opens the test's savepoint inside its transaction."""
    return _shared_worlds.get(module)


@pytest.fixture
def _media_root(settings: Any, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    """Overrides the suite's fresh media folder: for a case, a fresh copy of its world's
    files (the world is built here, first, before ``db`` opens the test's savepoint)."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    if "shared_world" in request.fixturenames:
        request.getfixturevalue("_case_world")
        shared: _SharedWorlds = request.getfixturevalue("_shared_worlds")
        if any(shared.media.iterdir()):
            shutil.copytree(shared.media, tmp_path / "media")
            return
    (tmp_path / "media").mkdir()


@pytest.fixture
def shared_world(_case_world: World, db: None) -> World:
    return _case_world


@pytest.fixture(scope="module")
def _client() -> Client:
    """One test client for the module: it loads the middleware once, as a server process
    does (WhiteNoise indexes the static files then); ``log_in`` gives every test a fresh
    session of its role on it."""
    return Client()


@pytest.mark.parametrize(("case", "module", "role"), _PARAMS)
def test_role_gets_expected_status(
    case: Case, module: object, role: str, shared_world: World, _client: Client
) -> None:
    world = shared_world
    client = log_in(_client, world, case, role)
    url = case_url(world, case) + (f"?{case.query}" if case.query else "")
    data = case.data(world) if case.data else {}
    response = (
        getattr(client, case.method)(url, data)
        if data or case.method == "post"
        else (getattr(client, case.method)(url))
    )
    assert response.status_code == case.expect[role], (
        f"{role} {case.method.upper()} {url}: got {response.status_code}, "
        f"expected {case.expect[role]}"
    )
    is_html = response["Content-Type"].startswith("text/html")
    if response.status_code in (200, 403, 404) and is_html and not case.fragment:
        body = response.content.decode()
        assert LAYOUT_LANDMARK in body, (
            f"{role} {case.method.upper()} {url}: not a page of the portal's layout"
        )
