from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, include, path

admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]
admin.site.site_header = "Gruppeportalen"

urlpatterns: list[URLPattern | URLResolver] = [
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("groups.urls")),
    path("moter/", include("meetings.urls")),
    path("studiearbeid/", include("attendance.urls")),
    path("varsling/", include("whistleblowing.urls")),
]

if settings.BENCHMARK_HELLO:

    @login_not_required
    def hello(request: HttpRequest) -> HttpResponse:
        return HttpResponse(b"hello")

    urlpatterns.append(path("__hello__", hello))
