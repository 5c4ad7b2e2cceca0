"""The outbox rule for notices and e-mails (issue 20), shared by the apps.

A notice is a row written in the same transaction as the change that causes it (a report
filed, a deadline passed). Nothing is sent inside that transaction. After commit a task
sends the pending rows, and a periodic sweep sends whatever that task did not (a broker
restarted and lost it, a worker died); each row is marked sent once the mail server has
taken its e-mail. So a notice is never lost: its row exists or the change did not happen.

Between "the mail server took it" and "the row is marked" a crash is possible (kill -9,
a database that goes away). The next sweep then sends the notice again: **at least once**.
The resent e-mail carries the same ``Message-ID``, derived here from the row's id, so mail
clients and servers collapse the two into one. Each app says in its own code which
guarantee each of its notices has.

Nothing here imports an app: whistleblowing uses it and may depend on config/ only.
"""

from __future__ import annotations

from urllib.parse import urlparse

from django.conf import settings
from django.utils.crypto import salted_hmac

_SALT = "config.outbox.message_id"


def site_domain() -> str:
    """The portal's host name, for the right-hand side of a Message-ID."""
    return urlparse(settings.SITE_URL).hostname or "localhost"


def message_id(namespace: str, pk: int) -> str:
    """A stable ``Message-ID`` for outbox row ``pk`` of ``namespace`` (a table's label).

    Deterministic, unlike ``make_msgid``: the same row gives the same header every time
    it is sent. It is a keyed hash of namespace and id, so the header tells a mail server
    neither which table nor how many rows there are (the number of whistleblowing
    notices is itself confidential). Changing SECRET_KEY changes the ids of rows not yet
    sent; the worst case is one duplicate that clients do not collapse."""
    digest = salted_hmac(_SALT, f"{namespace}:{pk}", algorithm="sha256").hexdigest()[:32]
    return f"<outbox.{digest}@{site_domain()}>"
