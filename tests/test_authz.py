"""Every URL × every role has an asserted status (DESIGN.md, security model)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.authz import ROLES, Case, all_cases, case_url, client_for_case
from tests.conftest import World

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


@pytest.mark.parametrize(("case", "module", "role"), _PARAMS)
def test_role_gets_expected_status(case: Case, module: object, role: str, world: World) -> None:

    setup = getattr(module, "setup", None)
    if setup:
        setup(world)
    client = client_for_case(world, case, role)
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
