"""The authorization matrix: every URL pattern × every role, with an asserted status.

Each app lists its cases in ``tests/authz/<app>.py`` as ``CASES: list[Case]``;
``tests/test_authz.py`` runs them all and fails when a URL pattern has no case.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

ROLES = (
    "anonymous",
    "outsider",
    "member",
    "faction_leader",
    "leader",
    "course_admin",
    "handler",
    "secretariat",
    "site_admin",
)
# The party secretariat is a central role with no group of its own. Unless a case names it,
# it is answered as someone from another group (the outsider) is.
DEFAULTS_FROM = {"secretariat": "outsider"}


def expect(**statuses: int) -> dict[str, int]:
    for role, like in DEFAULTS_FROM.items():
        if role not in statuses and like in statuses:
            statuses[role] = statuses[like]
    missing = set(ROLES) - set(statuses)
    extra = set(statuses) - set(ROLES)
    if missing or extra:
        raise ValueError(f"expectations must name every role: missing {missing}, unknown {extra}")
    return statuses


def _all(status: int, **overrides: int) -> dict[str, int]:
    return expect(**({role: status for role in ROLES} | overrides))


PUBLIC = _all(200)
LOGGED_IN = _all(200, anonymous=302)
# A group's pages: its members see them, others may not know they exist (404).
GROUP_VIEW = _all(404, anonymous=302, member=200, faction_leader=200, leader=200, site_admin=200)
GROUP_MANAGE = _all(404, anonymous=302, member=403, faction_leader=403, leader=200, site_admin=200)
SITE_ADMIN_ONLY = _all(403, anonymous=302, site_admin=200)
# The secretariat's own pages (E1: the ethical guidelines).
SECRETARIAT_ONLY = _all(403, anonymous=302, secretariat=200, site_admin=200)


@dataclass(frozen=True)
class Case:
    name: str
    expect: Mapping[str, int]
    kwargs: Callable[[Any], dict[str, Any]] = field(default=lambda world: {})
    method: str = "get"
    data: Callable[[Any], dict[str, Any]] | None = None
    query: str = ""
    label: str = ""
    # Log the client in as if the user had just typed their password: allauth's pages that
    # guard secrets (MFA setup, recovery codes) otherwise redirect to reauthentication.
    reauthenticated: bool = False
    # An htmx fragment, not a page: the layout check of tests/test_authz.py skips it.
    fragment: bool = False

    @property
    def id(self) -> str:
        return f"{self.name}[{self.label or self.method}]"


def modules() -> list[Any]:
    """The apps' case modules (``tests/authz/<app>.py``), each with ``CASES`` and maybe
    ``setup(world)``."""
    return [
        importlib.import_module(f"{__name__}.{info.name}")
        for info in pkgutil.iter_modules(__path__)
    ]


def all_cases() -> list[tuple[Case, Any]]:
    return [(case, module) for module in modules() for case in getattr(module, "CASES", [])]


def client_for_case(world: Any, case: Case, role: str) -> Any:
    """The test client of a role, reauthenticated when the case asks for it."""
    from django.test import Client

    return log_in(Client(), world, case, role)


def log_in(client: Any, world: Any, case: Case, role: str) -> Any:
    """Start a fresh session of the role on the client (a client keeps its loaded
    middleware, which is the slow part of making one)."""
    from django.urls import reverse

    from tests.factories.groups import PASSWORD

    client.cookies.clear()
    if role == "anonymous":
        return client
    client.force_login(world.users[role])
    if case.reauthenticated:
        # Type the password again, as allauth asks before its guarded pages open.
        response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
        assert response.status_code == 302, "reauthentication with the right password failed"
    return client


def case_url(world: Any, case: Case) -> str:
    from django.urls import reverse

    return reverse(case.name, kwargs=case.kwargs(world))
