"""One settings module for every run, driven by environment variables.

PORTAL_ENV chooses the posture: ``development`` (the default: embedded SQLite and a broker
that needs no server), ``test`` (set by pytest) or ``production`` (everything secure, every
secret required). DATABASE_URL, REDIS_URL, EMAIL_URL and friends override the defaults.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path
from typing import Any

from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from config.celery import (
    BROKER_VISIBILITY_TIMEOUT,
    TASK_ACKS_LATE,
    TASK_REJECT_ON_WORKER_LOST,
)
from config.env import (
    ImproperlyConfiguredEnv,
    database_from_url,
    env_bool,
    env_header,
    env_int,
    env_list,
    env_networks,
    env_str,
    mailer_from_url,
    redis_for_worker,
    sqlite_database,
)

BASE_DIR = Path(__file__).resolve().parent.parent

PORTAL_ENV = env_str("PORTAL_ENV", "development")
if PORTAL_ENV not in {"development", "test", "production"}:
    raise ImproperlyConfiguredEnv(
        f"PORTAL_ENV={PORTAL_ENV!r} must be development, test or production"
    )
PRODUCTION = PORTAL_ENV == "production"
TESTING = PORTAL_ENV == "test"

DATA_DIR = Path(env_str("DATA_DIR", str(BASE_DIR / "var")))
# `make test` runs the suite in parallel processes (pytest-xdist): each gets its own data
# folder (file broker, file cache) and, below, its own Redis database, so that one process's
# cache.clear() or queued task never reaches another's. The test database is per process
# already (a file per pid for SQLite; pytest-django's "_gwN" suffix for PostgreSQL).
_XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "") if TESTING else ""
if _XDIST_WORKER:
    DATA_DIR = DATA_DIR / f"test-{_XDIST_WORKER}"

DEBUG = env_bool("DEBUG", PORTAL_ENV == "development")
SECRET_KEY = env_str("SECRET_KEY", None if PRODUCTION else "dev-only-" + "x" * 50)
ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver", "[::1]"]
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # allauth's session list (/accounts/sessions/) and MFA templates load it.
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "guardian",
    "groups",
    "meetings",
    "attendance",
    "whistleblowing",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "config.middleware.SessionTimeoutMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "config.middleware.RequireMFAMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "config.context_processors.portal",
            ],
            # The `day` and `when` date filters, one format per purpose (config/dates.py),
            # and `state_badge`, the badge class of a state (config/badges.py).
            # `fragment`, a part of a page kept until the data changes (config/pagecache.py).
            "builtins": ["config.dates", "config.badges", "config.pagecache"],
        },
    }
]

# --- Database -------------------------------------------------------------------------
_database_url = env_str("DATABASE_URL", "")
if _database_url:
    DATABASES = {"default": database_from_url(_database_url)}
else:
    DATABASES = {"default": sqlite_database(str(DATA_DIR / "portal.sqlite3"))}
    if TESTING:
        # A file, not SQLite's shared in-memory database: threads (live server, Celery
        # worker) then wait on each other's locks instead of failing at once. One file per
        # process, so parallel runs don't meet.
        DATABASES["default"]["TEST"] = {
            "NAME": str(Path(tempfile.gettempdir()) / f"portal-test-{os.getpid()}.sqlite3")
        }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, broker --------------------------------------------------------------------
# Two kinds of data, two durabilities (issue 20; README "Stores"). REDIS_URL: the Celery
# broker and the whistleblowing rate counters, which must survive a restart (compose runs
# it with an append-only file). CACHE_URL: Django's cache (allauth's short login and MFA
# windows), which may be lost; it defaults to REDIS_URL.
REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL and _XDIST_WORKER:
    REDIS_URL = redis_for_worker(REDIS_URL, _XDIST_WORKER)
CACHE_URL = env_str("CACHE_URL", REDIS_URL)
CACHES: dict[str, dict[str, Any]]
if CACHE_URL and _XDIST_WORKER and CACHE_URL != REDIS_URL:
    CACHE_URL = redis_for_worker(CACHE_URL, _XDIST_WORKER)
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            # Each test run gets its own key space so counters never leak between runs.
            "KEY_PREFIX": f"test-{secrets.token_hex(4)}" if TESTING else "portal",
        }
    }
elif TESTING:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    # A file cache is shared by every process of the embedded run (web, worker), so rate
    # limits hold across them without a server.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(DATA_DIR / "cache"),
        }
    }

# The costly part of busy pages, reused until the data changes (config/pagecache.py): in
# each web process's own memory, so no copy of a page lies in a cache volume or data folder.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 300)
# The test settings turn this on: an answer kept under named tables must read no other.
PAGE_CACHE_CHECK_TABLES = False
CACHES["fragments"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "fragments",
    "TIMEOUT": PAGE_CACHE_SECONDS,
    "OPTIONS": {"MAX_ENTRIES": 1000},
}
# The small answers every request asks again (``remember``: a user, their roles, their
# memberships), beside the fragments and not among them: 300 members checking in, or a
# county group's 500, each need a few, and a page's fragments must not push them out. A few
# kilobytes each, so 20,000 of them are tens of megabytes at most.
CACHES["answers"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "answers",
    "TIMEOUT": PAGE_CACHE_SECONDS,
    "OPTIONS": {"MAX_ENTRIES": 20000},
}

CELERY_BROKER_URL = REDIS_URL or "filesystem://"
if not REDIS_URL:
    for _folder in ("queue", "processed", "control"):
        (DATA_DIR / "broker" / _folder).mkdir(parents=True, exist_ok=True)
# Acks and the visibility timeout per task type: the decision and why are in config/celery.py.
CELERY_TASK_ACKS_LATE = TASK_ACKS_LATE
CELERY_TASK_REJECT_ON_WORKER_LOST = TASK_REJECT_ON_WORKER_LOST
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = (
    {"visibility_timeout": BROKER_VISIBILITY_TIMEOUT}
    if REDIS_URL
    else {
        "data_folder_in": str(DATA_DIR / "broker" / "queue"),
        "data_folder_out": str(DATA_DIR / "broker" / "queue"),
        "processed_folder": str(DATA_DIR / "broker" / "processed"),
        "control_folder": str(DATA_DIR / "broker" / "control"),
        "store_processed": False,
        # An idle worker looks at the folder five times a second (a directory listing), so
        # that it sees a shutdown within about a second: make run's Ctrl-C (config/runall.py).
        "polling_interval": 0.2,
    }
)
CELERY_TASK_ALWAYS_EAGER = TESTING and not env_bool("CELERY_REAL_WORKER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "Europe/Oslo"
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# --- Authentication -------------------------------------------------------------------
AUTH_USER_MODEL = "groups.User"
# Django's and allauth's, keeping the logged-in user between writes (config/backends.py).
AUTHENTICATION_BACKENDS = [
    "config.backends.ModelBackend",
    "config.backends.AuthenticationBackend",
    "guardian.backends.ObjectPermissionBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "groups:home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_ADAPTER = "config.adapters.PortalAccountAdapter"
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "reset_password": "20/m/ip,5/m/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Gruppeportalen"
# A code from the 30 seconds before still counts (RFC 6238, section 5.2): typing it on an old
# phone, or a phone clock a little behind, must not fail at the turn of a window. allauth
# still refuses a code used once.
MFA_TOTP_TOLERANCE = 1
# Tracking writes on every request (one UPDATE each); sessions are still listed and can be
# ended, showing when they started.
USERSESSIONS_TRACK_ACTIVITY = False
# Roles whose users must have a second factor before they reach any page of theirs.
MFA_REQUIRED_GROUPS = ["course_administrators", "whistleblowing_handlers", "secretariat"]

GUARDIAN_USER_OBJ_PERMS_MODEL = "guardian.UserObjectPermission"
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Session: idle timeout and absolute lifetime (config.middleware enforces both).
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_TIMEOUT", 60 * 60)
SESSION_ABSOLUTE_TIMEOUT = env_int("SESSION_ABSOLUTE_TIMEOUT", 12 * 60 * 60)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT
# The database engine, but a failed read logs the database error, not an AttributeError.
SESSION_ENGINE = "config.sessions"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# --- Internationalisation -------------------------------------------------------------
LANGUAGE_CODE = "nb"
LANGUAGES = [("nb", _("Norsk bokmål")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Oslo"
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "staticfiles"
WHITENOISE_USE_FINDERS = not PRODUCTION
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(DATA_DIR / "media")))
MEDIA_URL = "/media-not-served/"  # stored files are served only by views that check access
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
FILE_UPLOAD_PERMISSIONS = 0o600
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
# No upload anywhere in the portal is spooled to the temp folder in clear: outside the
# whistleblowing views (which install their own encrypting handler) nothing takes files,
# so a file part is kept in memory up to FILE_UPLOAD_MAX_MEMORY_SIZE and dropped beyond it.
FILE_UPLOAD_HANDLERS = ["django.core.files.uploadhandler.MemoryFileUploadHandler"]

# --- Whistleblowing intake (issue 15 items 4, 5) ----------------------------------------
# The largest request body a whistleblowing form accepts, refused by Content-Length before a
# byte is read: 5 files of 10 MiB plus room for the text. The reverse proxy uses the same.
# W17: the public phone and e-mail for reporting outside the form are data, edited by the
# secretariat (whistleblowing.PublicContact), not settings.
WHISTLEBLOWING_MAX_BODY_BYTES = env_int("WHISTLEBLOWING_MAX_BODY_BYTES", 52 * 1024 * 1024)
# What the reporter side may store in one case in all, the first report and every follow-up.
WHISTLEBLOWING_CASE_MAX_FILES = env_int("WHISTLEBLOWING_CASE_MAX_FILES", 25)
WHISTLEBLOWING_CASE_MAX_BYTES = env_int("WHISTLEBLOWING_CASE_MAX_BYTES", 100 * 1024 * 1024)
if min(WHISTLEBLOWING_MAX_BODY_BYTES, WHISTLEBLOWING_CASE_MAX_BYTES) < 1024 * 1024:
    raise ImproperlyConfiguredEnv(
        "WHISTLEBLOWING_MAX_BODY_BYTES and WHISTLEBLOWING_CASE_MAX_BYTES must be at least 1 MiB"
    )
if WHISTLEBLOWING_CASE_MAX_FILES < 1:
    raise ImproperlyConfiguredEnv("WHISTLEBLOWING_CASE_MAX_FILES must be at least 1")
# The client address for rate limits: REMOTE_ADDR, unless the request comes from one of
# TRUSTED_PROXIES, in which case the nearest untrusted address in TRUSTED_PROXY_HEADER
# (e.g. X-Forwarded-For, as the proxy appends it). Neither is trusted by default.
TRUSTED_PROXY_HEADER = env_header("TRUSTED_PROXY_HEADER")
TRUSTED_PROXIES = env_networks("TRUSTED_PROXIES")
if bool(TRUSTED_PROXY_HEADER) != bool(TRUSTED_PROXIES):
    raise ImproperlyConfiguredEnv(
        "TRUSTED_PROXY_HEADER and TRUSTED_PROXIES go together: set both or neither"
    )

# --- E-mail ---------------------------------------------------------------------------
# Production refuses to start without a real mail server: invitations and password resets
# carry links that must reach the person, not the logs (issue 15 item 12).
_EMAIL_DEFAULT = None if PRODUCTION else ("locmem://" if TESTING else "console://")
MAILERS = {
    "default": mailer_from_url(
        env_str("EMAIL_URL", _EMAIL_DEFAULT, hint="smtp://user:pass@host:587 or smtps://…"),
        production=PRODUCTION,
    )
}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Gruppeportalen <ikke-svar@gruppeportalen.no>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security headers -----------------------------------------------------------------
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
# No page uses a powerful browser feature: members scan the check-in QR code with their
# phone's own camera app, not in the page. WebAuthn (publickey-credentials-*) is off too:
# MFA is TOTP and recovery codes. A feature that becomes needed gets ["self"] here.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-create",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "sync-xhr",
        "usb",
        "web-share",
        "xr-spatial-tracking",
    )
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# X-Forwarded-Proto is believed only when BEHIND_TRUSTED_PROXY says every request reaches
# the portal through our own reverse proxy, which sets the header itself (docker-compose:
# Caddy in front, gunicorn reachable from it alone). Anywhere else a client could send
# "X-Forwarded-Proto: https" over plain HTTP and be treated as secure (issue 15 item 13).
BEHIND_TRUSTED_PROXY = env_bool("BEHIND_TRUSTED_PROXY", False)
if BEHIND_TRUSTED_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # __Host- cookies: the browser accepts them only over HTTPS, for Path=/ and without a
    # Domain, so no sibling subdomain and no plain-HTTP page can set or shadow them.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    LANGUAGE_COOKIE_NAME = "__Host-language"
    LANGUAGE_COOKIE_SECURE = True
    SESSION_COOKIE_PATH = CSRF_COOKIE_PATH = LANGUAGE_COOKIE_PATH = "/"
    SESSION_COOKIE_DOMAIN = CSRF_COOKIE_DOMAIN = LANGUAGE_COOKIE_DOMAIN = None
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfiguredEnv("SECRET_KEY must be at least 50 characters in production")

# Only the benchmark run mounts a bare hello view, the yardstick for req/s ratios.
BENCHMARK_HELLO = env_bool("BENCHMARK_HELLO", False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # The file-system broker has no host name; kombu warns about it on every connect.
        "kombu.connection": {"level": "ERROR"},
    },
}

from config.schedule import CELERY_BEAT_SCHEDULE  # noqa: E402, F401
