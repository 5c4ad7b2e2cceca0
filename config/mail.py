"""One way to write an e-mail: in the recipient's language, from templates, sent by a task.

A service never sends mail itself: in its transaction it queues a task (through the outbox,
``groups.outbox.enqueue``, or ``transaction.on_commit(partial(task.delay, ...))``), so
nothing goes out for a change that was rolled back. The task loads what it needs by id and
calls ``send``:

- ``to`` is a person (the mail is written in the language they read the portal in,
  ``language_of``) or a list of addresses (the portal's own language); ``language`` says
  otherwise where a mail must be in one language whatever the person chose.
- the subject is a subject template (``subject_template``), or a text to translate
  (``subject``, usually ``gettext_lazy``) with ``subject_params`` filled in after it is
  translated. Either way it is made one line (``config.singleline.email_subject``).
- the body is ``template``, rendered with ``context`` and ``SITE_URL``.
- ``headers`` carries a deterministic ``Message-ID`` (``config.outbox.message_id``, or
  ``groups.outbox.message_headers()`` inside an outbox task), so a mail sent twice by an
  at-least-once task is shown once.

Nothing here imports an app: whistleblowing may use it and depends on config/ only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation

from config.singleline import email_subject


def language_of(user: Any) -> str:
    """The language the person reads the portal in (set by the language switch), else the
    portal's own."""
    known = {code for code, _name in settings.LANGUAGES}
    chosen = getattr(user, "language", "")
    return chosen if chosen in known else settings.LANGUAGE_CODE


def render(
    *,
    template: str,
    context: Mapping[str, object],
    language: str,
    subject: object = None,
    subject_params: Mapping[str, object] | None = None,
    subject_template: str | None = None,
) -> tuple[str, str]:
    """The subject (one line) and the body of a mail in ``language``."""
    if (subject is None) == (subject_template is None):
        raise TypeError("give subject or subject_template")
    with translation.override(language):
        full = {**context, "SITE_URL": settings.SITE_URL}
        line: str
        if subject_template is not None:
            line = str(render_to_string(subject_template, full))
        else:
            line = str(subject)
            if subject_params is not None:
                line = line % dict(subject_params)
        body = str(render_to_string(template, full))
    return email_subject(line), body


def send(
    to: Any,
    *,
    template: str,
    context: Mapping[str, object] | None = None,
    subject: object = None,
    subject_params: Mapping[str, object] | None = None,
    subject_template: str | None = None,
    language: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> int:
    """Send one e-mail to ``to`` (a person, or a list of addresses); returns how many were
    sent (0 when there is no one to send to)."""
    if isinstance(to, Sequence) and not isinstance(to, str):
        addresses = list(to)
        chosen = language or settings.LANGUAGE_CODE
    else:
        addresses = [to.email]
        chosen = language or language_of(to)
    if not addresses:
        return 0
    line, body = render(
        template=template,
        context=context or {},
        language=chosen,
        subject=subject,
        subject_params=subject_params,
        subject_template=subject_template,
    )
    return EmailMessage(line, body, None, addresses, headers=dict(headers or {})).send()
