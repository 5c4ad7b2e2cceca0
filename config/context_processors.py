from django.conf import settings
from django.http import HttpRequest

from config.middleware import user_roles


def portal(request: HttpRequest) -> dict[str, object]:
    roles = user_roles(request) if hasattr(request, "user") else frozenset()
    return {
        "PORTAL_ENV": settings.PORTAL_ENV,
        "SITE_URL": settings.SITE_URL,
        "is_course_admin": "course_administrators" in roles,
        "is_handler": "whistleblowing_handlers" in roles,
        "is_secretariat": "secretariat" in roles,
    }
