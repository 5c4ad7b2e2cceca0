"""Environment helpers that reject a bad value instead of guessing (healthchecks' habit)."""

from __future__ import annotations

import ipaddress
import os
import re
from urllib.parse import parse_qs, unquote, urlparse


class ImproperlyConfiguredEnv(ValueError):
    pass


def env_str(name: str, default: str | None = None, *, hint: str = "") -> str:
    """The variable's value; without a default, an unset variable stops start-up with a
    message naming it (and ``hint``: what to set it to)."""
    value = os.environ.get(name)
    if value is None or value == "":
        if default is None:
            raise ImproperlyConfiguredEnv(f"{name} must be set" + (f": {hint}" if hint else ""))
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return _boolean(name, value)


def _boolean(name: str, value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfiguredEnv(f"{name}={value!r} is not a boolean (use true/false)")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfiguredEnv(f"{name}={value!r} is not an integer") from None


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_networks(name: str) -> list[str]:
    """Comma-separated IP addresses or networks (``10.0.0.0/8``, ``::1``), each checked."""
    networks = []
    for item in env_list(name, []):
        try:
            networks.append(str(ipaddress.ip_network(item, strict=False)))
        except ValueError:
            raise ImproperlyConfiguredEnv(
                f"{name}: {item!r} is not an IP address or network"
            ) from None
    return networks


def env_header(name: str) -> str:
    """An HTTP header name (``X-Forwarded-For``) or empty; returned as it appears in
    ``request.META`` (``HTTP_X_FORWARDED_FOR``)."""
    value = os.environ.get(name, "").strip()
    if not value:
        return ""
    if not re.fullmatch(r"[A-Za-z0-9-]+", value):
        raise ImproperlyConfiguredEnv(f"{name}={value!r} is not an HTTP header name")
    return "HTTP_" + value.upper().replace("-", "_")


def database_from_url(url: str) -> dict[str, object]:
    """Parse postgres://user:pass@host:port/name or sqlite:///path into a DATABASES entry."""
    parsed = urlparse(url)
    if parsed.scheme in {"postgres", "postgresql", "pgsql"}:
        name = unquote(parsed.path.lstrip("/"))
        if not name:
            raise ImproperlyConfiguredEnv("DATABASE_URL has no database name")
        options: dict[str, object] = {
            # Parameters bound by the server, and a statement run more than five times on
            # a connection prepared there: parsed and planned once per connection instead
            # of on every request (a third to nearly half of a short query's time; issue
            # 13). Behind a pooler in transaction mode, turn it off in the URL:
            # ?server_side_binding=false&prepare_threshold=none.
            "server_side_binding": True,
            "prepare_threshold": PREPARE_THRESHOLD,
        }
        for key, values in parse_qs(parsed.query).items():
            options[key] = _database_option(key, values[-1])
        return {
            "ENGINE": "config.postgres",
            "NAME": name,
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
            "OPTIONS": options,
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
        }
    if parsed.scheme == "sqlite":
        path = unquote(parsed.path)
        if path.startswith("//"):
            path = path[1:]
        return sqlite_database(path)
    raise ImproperlyConfiguredEnv(
        f"DATABASE_URL scheme {parsed.scheme!r} is not supported (use postgres:// or sqlite://)"
    )


PREPARE_THRESHOLD = 5  # psycopg's own default, which Django turns off unless asked


def _database_option(key: str, value: str) -> object:
    """A query parameter of DATABASE_URL as psycopg wants it: the two options above as a
    boolean and a number (or none); every other one, such as sslmode, as written."""
    if key == "server_side_binding":
        return _boolean(f"DATABASE_URL: {key}", value)
    if key == "prepare_threshold":
        if value.lower() == "none":
            return None
        if not value.isdigit():
            raise ImproperlyConfiguredEnv(
                f"DATABASE_URL: prepare_threshold={value!r} is not a number or none"
            )
        return int(value)
    return value


def sqlite_database(path: str) -> dict[str, object]:
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": path,
        "CONN_MAX_AGE": 60,
        "OPTIONS": {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
    }


def redis_for_worker(url: str, worker: str) -> str:
    """The Redis URL for one parallel test process ("gw0", "gw1", …): the database after the
    configured one, plus the process's number (redis://h:6379/0 → /1 for gw0, /2 for gw1)."""
    parts = urlparse(url)
    base = int(parts.path.strip("/") or 0)
    number = int(worker.removeprefix("gw") or 0)
    return parts._replace(path=f"/{base + 1 + number}").geturl()


def mailer_from_url(url: str, *, production: bool = False) -> dict[str, object]:
    """A MAILERS entry from console:// , locmem:// or smtp(s)://user:pass@host:port?tls=true

    In production only smtp(s):// is accepted: console:// would write password-setting
    links into the logs, and locmem:// would drop every e-mail without a word."""
    parsed = urlparse(url)
    if production and parsed.scheme in {"console", "locmem"}:
        raise ImproperlyConfiguredEnv(
            f"EMAIL_URL={parsed.scheme}:// is not allowed in production: "
            "e-mails carry password-setting links; use smtp:// or smtps://"
        )
    if parsed.scheme == "console":
        return {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if parsed.scheme == "locmem":
        return {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    if parsed.scheme in {"smtp", "smtps"}:
        options = {k: v[-1].lower() for k, v in parse_qs(parsed.query).items()}
        return {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": parsed.hostname or "",
                "port": parsed.port or (465 if parsed.scheme == "smtps" else 587),
                "username": unquote(parsed.username or ""),
                "password": unquote(parsed.password or ""),
                "use_ssl": parsed.scheme == "smtps",
                "use_tls": parsed.scheme == "smtp" and options.get("tls", "true") == "true",
                "timeout": 20,
            },
        }
    raise ImproperlyConfiguredEnv(f"EMAIL_URL scheme {parsed.scheme!r} is not supported")
