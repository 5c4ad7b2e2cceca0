from django.conf import settings
from django.http import HttpRequest


def portal(request: HttpRequest) -> dict[str, object]:
    return {"PORTAL_ENV": settings.PORTAL_ENV, "SITE_URL": settings.SITE_URL}
