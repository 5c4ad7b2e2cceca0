"""What every groups view shares: the signed-in user."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from groups.models import (
    User,
)


def _user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):  # LoginRequiredMiddleware keeps anonymous users out
        raise PermissionDenied
    return user
