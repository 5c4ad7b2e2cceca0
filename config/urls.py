from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, include, path
from django.views.i18n import set_language


@login_not_required
def set_language_remembered(request: HttpRequest) -> HttpResponse:
    """Django's set_language; a logged-in person's choice is also kept on their account, so
    the e-mails the portal sends them are written in it (issue 19)."""
    response = set_language(request)
    chosen = request.POST.get("language", "") if request.method == "POST" else ""
    user = request.user
    if (
        user.is_authenticated
        and chosen in {code for code, _name in settings.LANGUAGES}
        and getattr(user, "language", chosen) != chosen
    ):
        get_user_model().objects.filter(pk=user.pk).update(language=chosen)
    return response


admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]
admin.site.site_header = "Gruppeportalen"

urlpatterns: list[URLPattern | URLResolver] = [
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    # Public: anonymous reporters on the whistleblowing page switch language too (W1).
    path("i18n/setlang/", set_language_remembered, name="set_language"),
    path("", include("groups.urls")),
    path("moter/", include("meetings.urls")),
    path("studiearbeid/", include("attendance.urls")),
    path("varsling/", include("whistleblowing.urls")),
]

# A database, cache or broker that is down is a 503 "try again in a moment" (issue 20).
handler500 = "config.middleware.server_error"

if settings.BENCHMARK_HELLO:

    @login_not_required
    def hello(request: HttpRequest) -> HttpResponse:
        return HttpResponse(b"hello")

    urlpatterns.append(path("__hello__", hello))
