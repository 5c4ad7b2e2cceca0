"""The login backends, with the logged-in user kept between writes (issue 13).

Every request of a logged-in user loads the user named by the session. Between writes to
the users table the row cannot have changed, so it is kept in the process under that
table's generation (config/pagecache.py): a password change, a deactivation or any other
write to it moves the generation, and the next request reads the row again. Django still checks the session's
password hash against the user on every request.
"""

from __future__ import annotations

from typing import Any

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend

from config.pagecache import remember


class _KeepsUser:
    def get_user(self, user_id: Any) -> Any:
        return remember(
            f"user:{user_id}",
            lambda: super(_KeepsUser, self).get_user(user_id),  # type: ignore[misc]
            kind="user",
        )


class ModelBackend(_KeepsUser, DjangoModelBackend):
    """Django's login by username (force_login, the admin)."""


class AuthenticationBackend(_KeepsUser, AllauthBackend):
    """allauth's login by e-mail address (the portal's login form)."""
