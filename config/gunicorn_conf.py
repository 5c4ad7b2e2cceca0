"""gunicorn settings of the production image (Dockerfile, docker-compose.yml):
``gunicorn config.wsgi:application --config=config/gunicorn_conf.py``.

Behind the reverse proxy (Caddyfile), gunicorn is reachable only from it;
``--forwarded-allow-ips`` (the proxy's address) is given on the command line in
docker-compose.yml.

The access log names neither the client's address (behind the proxy it is the proxy's
anyway) nor its user agent or referrer, for any page. And it says nothing of the
whistleblowing channel (issue 15 items 3 and 13, W4): a line with the second a report was
posted, or a handler read one, dates it and ties it to whoever sent it, and the log
collector (docker, journald) stamps every line with its own time, so blanking fields is not
enough. Requests to the whistleblowing pages, and requests made from them (their style
sheets and forms carry them in ``Referer``), are not written at all. Server errors on them
are written, without address, user, user agent, referrer, query string or any header, so a
failing channel is still seen. Handlers' reads are in the app's own audit log.

The reverse proxy in front must do the same for the same paths (Caddyfile; README).
"""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import urlsplit

from gunicorn.glogging import Logger

WHISTLEBLOWING_PREFIX = "/varsling/"  # config/urls.py; a test checks they agree

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
# No control socket: nothing here manages gunicorn through it, and it would need a
# writable home directory in the container.
control_socket_disable = True
# One import before the fork: the workers share the in-memory secret that keys the
# whistleblowing rate limits (whistleblowing/ratelimit.py).
preload_app = True
accesslog = "-"
# Time, request line, status, bytes, duration: no %(h)s (address), %(a)s (user agent) or
# %(f)s (referer).
access_log_format = '%(t)s "%(r)s" %(s)s %(b)s %(M)sms'


def _normalised(path: str) -> str:
    # "//varsling/" reaches the same view as "/varsling/" in some setups
    return "/" + path.lstrip("/")


def is_whistleblowing(environ: dict[str, Any]) -> bool:
    path = _normalised(str(environ.get("PATH_INFO") or ""))
    referer = _normalised(urlsplit(str(environ.get("HTTP_REFERER") or "")).path)
    return path.startswith(WHISTLEBLOWING_PREFIX) or referer.startswith(WHISTLEBLOWING_PREFIX)


def _status(resp: Any) -> int:
    status = getattr(resp, "status", "") or ""
    try:
        return int(str(status).split(None, 1)[0])
    except ValueError:
        return 0


class PrivateAccessLogger(Logger):
    """Gunicorn's logger, minus every trace of whistleblowing requests except errors."""

    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> None:
        if is_whistleblowing(environ) and _status(resp) < 500:
            return
        super().access(resp, req, environ, request_time)

    def atoms(
        self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any
    ) -> dict[str, Any]:
        atoms: dict[str, Any] = super().atoms(resp, req, environ, request_time)
        if is_whistleblowing(environ):
            atoms = {
                name: value
                for name, value in atoms.items()
                if not (name.startswith("{") and name[-2:] in ("}i", "}e"))
            }
            atoms.update({"h": "-", "u": "-", "f": "-", "a": "-", "q": "-"})
            atoms["r"] = f"{environ.get('REQUEST_METHOD', '-')} {environ.get('PATH_INFO', '-')}"
        return atoms


logger_class = PrivateAccessLogger
