"""The language switch is public: anonymous reporters use it on the whistleblowing page
(issue 15 item 14). Everyone is sent back to ``next``; ``tests/test_language_switch.py``
checks that anonymous visitors are not sent to the login page instead."""

from __future__ import annotations

from tests.authz import Case, _all

CASES = [
    Case("set_language", _all(302), method="post", data=lambda w: {"language": "en", "next": "/"}),
    Case("set_language", _all(302), label="get"),
]
