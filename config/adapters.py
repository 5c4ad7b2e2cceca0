from __future__ import annotations

import time

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import get_authentication_records
from django.http import HttpRequest

# The authentication records allauth keeps in the session that prove the user typed their
# password (or a code) in this session: a login, or a reauthentication.
_PROOF_METHODS = frozenset({"password", "mfa"})


def logged_in_recently(request: HttpRequest | None) -> bool:
    """Whether the request's user proved who they are in this very session no longer ago
    than ACCOUNT_REAUTHENTICATION_TIMEOUT: the same window a reauthentication buys."""
    if request is None or not request.user.is_authenticated:
        return False
    records = [
        record
        for record in get_authentication_records(request, request.user)
        if record.get("method") in _PROOF_METHODS and isinstance(record.get("at"), int | float)
    ]
    if not records:
        return False
    latest = max(record["at"] for record in records)
    return time.time() - latest < account_settings.REAUTHENTICATION_TIMEOUT


class PortalAccountAdapter(DefaultAccountAdapter):
    """Accounts are created by group leaders and site admins, never by self sign-up."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def is_reauthentication_required(self, *, app: str, **kwargs: object) -> bool:
        """allauth counts only an explicit reauthentication as recent, so a course
        administrator who has just logged in with the password, and is sent straight to the
        TOTP set-up, was asked for the password a second time. A login in this session that
        is as fresh as a reauthentication would be proves the same; a stale session still
        has to type the password again."""
        required = bool(super().is_reauthentication_required(app=app, **kwargs))
        if required and logged_in_recently(self.request):
            return False
        return required
