"""Django's PostgreSQL backend, with the health check of a kept connection done without a
round trip to the server (issue 13).

Connections are kept between requests (``CONN_MAX_AGE``), and checked before a request
first uses one (``CONN_HEALTH_CHECKS``), so that a database restarted overnight costs the
next visitor a new connection and not an error page. Django checks by sending ``SELECT 1``:
a round trip on every request that reads anything, a quarter of a logged-in page's floor
on PostgreSQL. The same question is answered here from the connection's own state: psycopg
knows when it has been closed or broken, and a server that ends a connection (a restart, a
terminated backend, an idle timeout) says so and closes its end, which leaves bytes or an
end of file waiting on the socket of a connection that should have nothing to read. Then it
is closed, and Django opens a new one for the request.

What is not noticed without a round trip (a network gone silent without closing) is not
noticed by ``SELECT 1`` either until its own timeout. After an error in a request Django
still asks with ``SELECT 1`` (``is_usable``), as before.
"""

from __future__ import annotations

import select

import psycopg
from django.db.backends.postgresql import base
from psycopg import pq


class DatabaseWrapper(base.DatabaseWrapper):
    health_check_enabled: bool  # set by Django (not in its type stubs)
    health_check_done: bool

    def close_if_health_check_failed(self) -> None:
        if self.connection is None or not self.health_check_enabled or self.health_check_done:
            return
        if not self._idle_and_open():
            self.close()
        self.health_check_done = True

    def _idle_and_open(self) -> bool:
        conn = self.connection
        if conn.closed or conn.broken or conn.info.transaction_status != pq.TransactionStatus.IDLE:
            return False
        try:
            poller = select.poll()
            poller.register(conn.fileno(), select.POLLIN)
            return not poller.poll(0)
        except (OSError, ValueError, psycopg.Error):  # the socket is gone
            return False
