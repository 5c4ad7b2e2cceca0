"""Gunicorn settings. Gunicorn reads this file from its working directory by default
(``/app`` in the image), so the Dockerfile's and docker-compose's command lines need no
flag for it; the command line still sets bind, workers and ``--access-logfile``.

The access log says nothing about the whistleblowing channel (issue 15 item 3). A line
with the client's address, user agent, referrer and the second a report was posted is what
identifies a reporter, and the log collector (docker, journald) stamps every line with its
own time, so blanking fields is not enough: requests to the whistleblowing pages, and
requests made from them (their style sheets, scripts and forms carry them in ``Referer``),
are not written at all. Server errors on them are written, without address, user, user
agent, referrer or any header, so that a failing channel is still seen. Handlers' reads
are in the app's own audit log (who, when), which is where they belong.

The reverse proxy in front must do the same for the same paths (see README).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from gunicorn.glogging import Logger

WHISTLEBLOWING_PREFIX = "/varsling/"  # config/urls.py; a test checks they agree


def is_whistleblowing(environ: dict[str, Any]) -> bool:
    path = str(environ.get("PATH_INFO") or "")
    referer = urlsplit(str(environ.get("HTTP_REFERER") or "")).path
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
