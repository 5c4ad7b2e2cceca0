"""All writes of the attendance app. Each service takes ``actor=``, runs in a transaction and
writes an audit entry; refusals are ValidationErrors with a Norwegian message.

``courses`` holds the course workflow, ``checkin`` consent and presence, ``certificates``
the course certificates, ``attendance_list`` the leader's confirmation of the list and
``retention`` the deletion of attendance data (S10).
"""

from attendance.services.attendance_list import attendance_list_confirm, attendance_list_pdf
from attendance.services.certificates import (
    StoredFileCorrupt,
    can_issue,
    certificate_revoke,
    certificate_verify,
    certificates_generate,
    certificates_request,
    course_pdf,
    normalize_code,
    plan_certificates,
    read_verified,
    valid_certificates,
)
from attendance.services.checkin import (
    active_consent,
    checkin_open,
    consent_give,
    consent_withdraw,
    grant_load,
    grant_store,
    link_token,
    presence_add,
    presence_check_in,
    presence_check_out,
    presence_correct,
    qr_token,
    token_redeem,
)
from attendance.services.courses import (
    course_approve,
    course_complete,
    course_create,
    course_reject,
    course_report,
    course_session_add,
    course_session_remove,
    course_submit,
    course_update,
    course_withdraw,
    exemption_decide,
    exemption_request,
    policy_create,
    rate_set,
)
from attendance.services.retention import retention_sweep

__all__ = [
    "StoredFileCorrupt",
    "active_consent",
    "attendance_list_confirm",
    "attendance_list_pdf",
    "can_issue",
    "certificate_revoke",
    "certificate_verify",
    "certificates_generate",
    "certificates_request",
    "checkin_open",
    "consent_give",
    "consent_withdraw",
    "course_approve",
    "course_complete",
    "course_create",
    "course_pdf",
    "course_reject",
    "course_report",
    "course_session_add",
    "course_session_remove",
    "course_submit",
    "course_update",
    "course_withdraw",
    "exemption_decide",
    "exemption_request",
    "grant_load",
    "grant_store",
    "link_token",
    "normalize_code",
    "plan_certificates",
    "policy_create",
    "presence_add",
    "presence_check_in",
    "presence_check_out",
    "presence_correct",
    "qr_token",
    "rate_set",
    "read_verified",
    "retention_sweep",
    "token_redeem",
    "valid_certificates",
]
