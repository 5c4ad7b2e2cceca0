from django.conf import settings
from django.http import HttpRequest

from config.roles import user_roles


def portal(request: HttpRequest) -> dict[str, object]:
    roles = user_roles(getattr(request, "user", None))
    return {
        "PORTAL_ENV": settings.PORTAL_ENV,
        "SITE_URL": settings.SITE_URL,
        "is_course_admin": "course_administrators" in roles,
        "is_handler": "whistleblowing_handlers" in roles,
        "is_secretariat": "secretariat" in roles,
    }
