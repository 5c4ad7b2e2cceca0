"""Django's own request logging says nothing about whistleblowing requests (issue 15 item 3).

Django logs 4xx answers ("Bad Request: /varsling/"), CSRF refusals and, under runserver,
every request line, each record carrying the request (client address, user agent, cookies)
for any handler that wants to format or mail it. For requests to the whistleblowing pages,
or made from them (the ``Referer`` of their static files and forms), this filter:

* drops every record below ERROR: the time of a refused report is itself a clue;
* keeps errors (the channel failing must be seen), but without the request object, so no
  formatter or ``AdminEmailHandler`` can add the address, agent or cookies to them.

The gunicorn side is ``gunicorn.conf.py``; the reverse proxy must do the same (README).
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

LOGGERS = ("django.request", "django.security.csrf", "django.server")


def prefix() -> str:
    from django.urls import reverse

    return reverse("whistleblowing:report")


def _path_of(record: logging.LogRecord) -> tuple[str, str]:
    """(path, referer path) of the request the record is about, "" when unknown."""
    request = getattr(record, "request", None)
    path = getattr(request, "path", None)
    if isinstance(path, str):
        meta = getattr(request, "META", {}) or {}
        return path, urlsplit(str(meta.get("HTTP_REFERER", ""))).path
    # runserver: the record's first argument is the request line "POST /varsling/ HTTP/1.1".
    if isinstance(record.args, tuple) and record.args and isinstance(record.args[0], str):
        parts = record.args[0].split()
        return (parts[1] if len(parts) > 1 else ""), ""
    return "", ""


class WhistleblowingRequestFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        path, referer = _path_of(record)
        start = prefix()
        if not (path.startswith(start) or referer.startswith(start)):
            return True
        if record.levelno < logging.ERROR:
            return False
        record.request = None
        return True


def install() -> None:
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, WhistleblowingRequestFilter) for f in logger.filters):
            logger.addFilter(WhistleblowingRequestFilter())
