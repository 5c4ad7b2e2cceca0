"""Views: the public reporting pages (no login, W1) in reporter.py and the handlers' pages
(MFA, keys) in handlers.py, the secretariat's people and routes in people.py. urls.py reads the names here."""

from whistleblowing.views.handlers import (
    case_acknowledge,
    case_attachment,
    case_close,
    case_detail,
    case_grant,
    case_log,
    case_message,
    case_police_pdf,
    case_triage,
    handler_cases,
    handler_keys,
    handler_lock,
    handler_unlock,
)
from whistleblowing.views.people import (
    contact_add,
    contact_delete,
    contact_edit,
    people,
    people_add,
    people_edit,
    people_end,
)
from whistleblowing.views.reporter import report, reporter_case, reporter_login, reporter_logout

__all__ = [
    "case_acknowledge",
    "case_attachment",
    "case_close",
    "case_detail",
    "case_grant",
    "case_log",
    "case_message",
    "case_police_pdf",
    "case_triage",
    "contact_add",
    "contact_delete",
    "contact_edit",
    "handler_cases",
    "handler_keys",
    "handler_lock",
    "handler_unlock",
    "people",
    "people_add",
    "people_edit",
    "people_end",
    "report",
    "reporter_case",
    "reporter_login",
    "reporter_logout",
]
