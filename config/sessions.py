"""The database session engine, with a failed read that shows the database's own error
(issue 20).

Django's ``SessionBase._get_session`` loads the session inside ``except AttributeError``
(the cache attribute not being set yet is how it knows to load), so when the database is
down the logged traceback *begins* with ``AttributeError: 'SessionStore' object has no
attribute '_session_cache'`` and only further down, "during handling of the above
exception", names the ``OperationalError``. Here the load happens outside that handler:
the only exception, and the first line of the log, is the database's."""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore


class SessionStore(DatabaseSessionStore):
    def _get_session(self, no_load: bool = False) -> dict[str, Any]:
        self.accessed = True
        if "_session_cache" not in self.__dict__:
            if self.session_key is None or no_load:
                self._session_cache = {}
            else:
                self._session_cache = self.load()
        return self._session_cache

    _session = property(_get_session)
