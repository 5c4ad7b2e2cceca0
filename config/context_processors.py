from django.conf import settings
from django.http import HttpRequest

from config.pagecache import fragments
from config.roles import user_roles

# Pages whose header and footer are drawn afresh: account pages carry one-time keys in
# their addresses, and whistleblowing keeps nothing of its own in any cache.
_UNKEPT_CHROME = ("/accounts/", "/varsling/")


def portal(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    roles = user_roles(user)
    keep = getattr(user, "is_authenticated", False) and not request.path.startswith(_UNKEPT_CHROME)
    return {
        # The header and footer of base.html, kept per user, language and address (the
        # language form returns to this page), config/pagecache.py.
        "chrome": fragments(request, "chrome", request.get_full_path()) if keep else None,
        "PORTAL_ENV": settings.PORTAL_ENV,
        "SITE_URL": settings.SITE_URL,
        "is_course_admin": "course_administrators" in roles,
        "is_handler": "whistleblowing_handlers" in roles,
        "is_secretariat": "secretariat" in roles,
    }
