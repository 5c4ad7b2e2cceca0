"""The central roles of a user (auth groups: course administrators, whistleblowing handlers,
the secretariat), read in one query per request and shared by the MFA check, the templates
and every app's role checks."""

from __future__ import annotations

from config.pagecache import remember

_roles_version = [0]


def roles_changed(**_kwargs: object) -> None:
    """Signal receiver (connected in ``groups.apps``): someone's central roles changed."""
    _roles_version[0] += 1


def user_roles(user: object) -> frozenset[str]:
    """The names of the central roles (auth groups) of ``user``, read once per user object
    (``request.user`` is a new one on every request) and shared by the MFA check, the
    templates and every app's role checks, until a role is given or taken in this process."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = user.__dict__.get("_portal_roles")
    if cached is None or cached[0] != _roles_version[0]:
        names = remember(
            f"roles:{user.pk}",  # type: ignore[attr-defined]
            lambda: frozenset(user.groups.values_list("name", flat=True)),  # type: ignore[attr-defined]
            kind="roles",
        )
        cached = user.__dict__["_portal_roles"] = (_roles_version[0], names)
    roles: frozenset[str] = cached[1]
    return roles
