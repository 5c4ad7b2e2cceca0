"""Session lifetime, the MFA requirement and the Permissions-Policy header, enforced around
every view."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from config.roles import user_roles

_LOGIN_AT = "_portal_login_at"
_SEEN_AT = "_portal_seen_at"


class SessionTimeoutMiddleware:
    """Log out after SESSION_IDLE_TIMEOUT without a request, or SESSION_ABSOLUTE_TIMEOUT in all."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            login_at = request.session.setdefault(_LOGIN_AT, now)
            seen_at = request.session.get(_SEEN_AT, now)
            idle = now - seen_at > settings.SESSION_IDLE_TIMEOUT
            expired = now - login_at > settings.SESSION_ABSOLUTE_TIMEOUT
            if idle or expired:
                logout(request)
                messages.info(request, _("Du ble logget ut fordi økten var utløpt."))
                return redirect(settings.LOGIN_URL)
            # Write at most once a minute, so reads stay cheap.
            if now - seen_at >= 60 or _SEEN_AT not in request.session:
                request.session[_SEEN_AT] = now
        return self.get_response(request)


def user_requires_mfa(request: HttpRequest) -> bool:
    user = request.user
    if not user.is_authenticated:
        return False
    if user.is_superuser or user.is_staff:
        return True
    return bool(user_roles(user) & set(settings.MFA_REQUIRED_GROUPS))


_MFA_FREE_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/drift/live/")

# Where a user sent to the TOTP set-up was going; the recovery-codes page that ends the
# set-up offers it as "Fortsett". Read by templates/mfa/recovery_codes/index.html, so the
# name has no leading underscore.
MFA_NEXT_SESSION_KEY = "portal_mfa_next"


def _remember_destination(request: HttpRequest) -> None:
    from django.utils.http import url_has_allowed_host_and_scheme

    path = request.get_full_path()
    if request.method == "GET" and url_has_allowed_host_and_scheme(
        path, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        request.session[MFA_NEXT_SESSION_KEY] = path
    else:
        request.session.pop(MFA_NEXT_SESSION_KEY, None)


class RequireMFAMiddleware:
    """Course administrators, whistleblowing handlers and site admins must set up TOTP
    before they reach any page: everything but the account pages redirects to MFA setup."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and not request.path.startswith(_MFA_FREE_PREFIXES):
            if user_requires_mfa(request):
                from allauth.mfa.models import Authenticator

                if not Authenticator.objects.filter(
                    user=user, type=Authenticator.Type.TOTP
                ).exists():
                    messages.warning(
                        request,
                        _(
                            "Rollen din krever tofaktorinnlogging. "
                            "Sett opp en autentiseringsapp først."
                        ),
                    )
                    _remember_destination(request)
                    return redirect("mfa_activate_totp")
            # Past the set-up and on a page of the portal: the destination has been used.
            request.session.pop(MFA_NEXT_SESSION_KEY, None)
        return self.get_response(request)


def permissions_policy_header(policy: dict[str, list[str]]) -> str:
    """``{"camera": [], "fullscreen": ["self"]}`` -> ``camera=(), fullscreen=(self)``."""
    return ", ".join(f"{feature}=({' '.join(allow)})" for feature, allow in policy.items())


class PermissionsPolicyMiddleware:
    """Send ``Permissions-Policy`` (settings.PERMISSIONS_POLICY) on every response, so no
    page, and nothing injected into one, can use the camera, microphone, location and the
    like. A view that needs a feature can set the header itself; it is left as it is."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.header = permissions_policy_header(settings.PERMISSIONS_POLICY)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response


# --- a dependency that is down (issue 20) ------------------------------------------------

RETRY_AFTER_SECONDS = 30


def _unavailable_errors() -> tuple[type[BaseException], ...]:
    """The errors that mean a store is away, not that the code is wrong: the database
    (OperationalError covers a refused or dropped connection, InterfaceError a connection
    already closed), Redis used as cache or counter store, and the broker a view queues a
    task on (kombu's OperationalError is what ``.delay()`` raises while Redis is down)."""
    import kombu.exceptions
    import redis.exceptions
    from django.db import utils

    return (
        utils.OperationalError,
        utils.InterfaceError,
        redis.exceptions.ConnectionError,
        redis.exceptions.TimeoutError,
        kombu.exceptions.OperationalError,
    )


def dependency_unavailable(exc: BaseException | None) -> bool:
    """Whether ``exc``, or an exception it was raised from or while handling, says a
    database, cache or broker is unreachable."""
    errors = _unavailable_errors()
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, errors):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


def unavailable_response() -> HttpResponse:
    """The 503 page: a template without a request, so no context processor runs and
    nothing on it needs the database, the cache or the session."""
    from django.template import loader

    body = loader.get_template("503.html").render({"retry_after": RETRY_AFTER_SECONDS})
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``. Django calls it for any uncaught exception, from a view or from a
    middleware (a session read in AuthenticationMiddleware fails before any view runs), and
    then logs the exception itself on ``django.request`` with the response's reason
    ("Service Unavailable" here). A store that is down is a 503 with Retry-After and a
    "try again in a moment" page; anything else stays the plain 500 page."""
    import sys

    from django.views.defaults import server_error as default_server_error

    if dependency_unavailable(sys.exc_info()[1]):
        return unavailable_response()
    return default_server_error(request)
