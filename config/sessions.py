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
from django.contrib.sessions.models import Session
from django.db import connections, router
from django.utils import timezone


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

    def load(self) -> dict[str, Any]:
        """The session's data, in one statement written once per process: every request of
        a logged-in user loads it, and building the same query through the ORM each time
        was a third of a bare logged-in request (issue 13). Same rows as Django's: the key,
        not yet expired; a key that matches nothing is dropped."""
        connection = connections[router.db_for_read(self.model)]
        cursor = connection.cursor()
        try:
            cursor.execute(_load_sql(connection), [self.session_key, _now_for(connection)])
            row = cursor.fetchone()
        finally:
            cursor.close()
        if row is None:
            self._session_key = None
            return {}
        return self.decode(row[0])


def _now_for(connection: Any) -> Any:
    return connection.ops.adapt_datetimefield_value(timezone.now())


_SQL: dict[str, str] = {}


def _load_sql(connection: Any) -> str:
    if connection.alias not in _SQL:
        quote = connection.ops.quote_name
        # Names from the model's own meta, quoted by the backend; the values are parameters.
        _SQL[connection.alias] = (
            f"SELECT {quote('session_data')} FROM {quote(Session._meta.db_table)} "  # noqa: S608  # nosec B608
            f"WHERE {quote('session_key')} = %s AND {quote('expire_date')} > %s"
        )
    return _SQL[connection.alias]
