from django.conf import settings
from django.http import HttpRequest


def portal(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    roles: set[str] = set()
    if user is not None and user.is_authenticated:
        roles = set(user.groups.values_list("name", flat=True))
    return {
        "PORTAL_ENV": settings.PORTAL_ENV,
        "SITE_URL": settings.SITE_URL,
        "is_course_admin": "course_administrators" in roles,
        "is_handler": "whistleblowing_handlers" in roles,
    }
