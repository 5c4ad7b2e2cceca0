"""Views: the public reporting pages (no login, W1) in reporter.py and the handlers' pages
(MFA, keys) in handlers.py. urls.py reads the names here."""

from whistleblowing.views.handlers import (
    case_acknowledge,
    case_age,
    case_attachment,
    case_close,
    case_detail,
    case_grant,
    case_help,
    case_help_answer,
    case_hold,
    case_log,
    case_message,
    case_police_pdf,
    case_triage,
    case_trigger,
    handler_cases,
    handler_keys,
    handler_lock,
    handler_unlock,
)
from whistleblowing.views.reporter import report, reporter_case, reporter_login, reporter_logout

__all__ = [
    "case_acknowledge",
    "case_age",
    "case_attachment",
    "case_close",
    "case_detail",
    "case_grant",
    "case_help",
    "case_help_answer",
    "case_hold",
    "case_log",
    "case_message",
    "case_police_pdf",
    "case_triage",
    "case_trigger",
    "handler_cases",
    "handler_keys",
    "handler_lock",
    "handler_unlock",
    "report",
    "reporter_case",
    "reporter_login",
    "reporter_logout",
]
