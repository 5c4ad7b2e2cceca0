"""gunicorn settings of the production image (Dockerfile, docker-compose.yml):
``gunicorn -c config/gunicorn_conf.py config.wsgi:application``.

Behind the reverse proxy (Caddyfile), gunicorn is reachable only from it. The access log
names neither the client's address (behind the proxy it is the proxy's anyway) nor its user
agent, and has no line at all for the whistleblowing channel: a line with the time of a
``POST /varsling/`` would date a report to the second and tie it to whoever sent it
(issue 15 items 3 and 13). ``--forwarded-allow-ips`` (the proxy's address) is given on the
command line in docker-compose.yml.
"""

from __future__ import annotations

import os
from typing import Any

from gunicorn.glogging import Logger

# Paths that are never access-logged: the whistleblowing channel, reporter and handler side.
UNLOGGED_PREFIXES = ("/varsling",)

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
# No control socket: nothing here manages gunicorn through it, and it would need a
# writable home directory in the container.
control_socket_disable = True
accesslog = "-"
# Time, request line, status, bytes, duration: no %(h)s (address), %(a)s (user agent) or
# %(f)s (referer).
access_log_format = '%(t)s "%(r)s" %(s)s %(b)s %(M)sms'


def is_unlogged(path: str) -> bool:
    # "//varsling/" reaches the same view as "/varsling/" in some setups: compare normalised.
    normalised = "/" + path.lstrip("/")
    return normalised.startswith(UNLOGGED_PREFIXES)


class PrivateAccessLogger(Logger):
    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> None:
        if is_unlogged(environ.get("PATH_INFO", "") or getattr(req, "path", "") or ""):
            return
        super().access(resp, req, environ, request_time)


logger_class = PrivateAccessLogger
