"""Operations: the health page (/drift/) and the liveness probe."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.response import TemplateResponse

from groups.health import health_status, recent_task_failures


# --- operations ------------------------------------------------------------------------------
def health(request: HttpRequest) -> HttpResponse:
    if not request.user.is_superuser:
        return TemplateResponse(request, "403.html", status=403)
    return render(
        request,
        "groups/health.html",
        {"status": health_status(), "failures": recent_task_failures()},
    )


@login_not_required
def health_live(request: HttpRequest) -> HttpResponse:
    """For load balancers: says only that the web process answers."""
    return HttpResponse(b"ok", content_type="text/plain")
