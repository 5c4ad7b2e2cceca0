"""allauth's pages (login, sessions, e-mail, passwords, MFA), for every role.

Only the status is not enough: ``tests/test_authz.py`` also checks that every HTML page it
gets is the portal's full layout, so a template that fails to render (issue 15 item 6:
``/accounts/sessions/`` loaded ``humanize`` without the app installed) fails here.
"""

from __future__ import annotations

from typing import Any

from tests.authz import LOGGED_IN, PUBLIC, Case, _all

# Pages for anonymous visitors only: a logged-in user is sent home.
ANONYMOUS_ONLY = _all(302, anonymous=200)
# A step of a flow that was never started: everyone is sent back to its start.
NO_FLOW = _all(302)
# Only users with TOTP: the others have no device to turn off (404).
TOTP_USERS = _all(
    404, anonymous=302, course_admin=200, handler=200, secretariat=200, site_admin=200
)
TOTP_USERS_REDIRECT = _all(
    404, anonymous=302, course_admin=302, handler=302, secretariat=302, site_admin=302
)
# The MFA step of reauthentication: users without TOTP are sent to the password step.
TOTP_STEP = _all(302, course_admin=200, handler=200, secretariat=200, site_admin=200)
# Until the password was typed again a moment ago, these pages ask for it first.
REAUTH_FIRST = _all(302)
# Activating TOTP is for those who have none yet; those who have one are sent on (302).
NO_TOTP_YET = _all(302, outsider=200, member=200, faction_leader=200, leader=200, secretariat=302)


def _bad_key(w: Any) -> dict[str, str]:
    return {"key": "ikke-en-nokkel"}


def _bad_reset_key(w: Any) -> dict[str, str]:
    return {"uidb36": "zz", "key": "ikke-en-nokkel"}


def setup(world: Any) -> None:
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    for role in ("course_admin", "handler", "secretariat", "site_admin"):
        RecoveryCodes.activate(world.users[role])


CASES = [
    Case("account_login", ANONYMOUS_ONLY),
    Case("account_logout", LOGGED_IN),
    Case("account_signup", ANONYMOUS_ONLY),
    Case("account_inactive", PUBLIC),
    Case("account_reauthenticate", LOGGED_IN),
    Case("account_request_reauthentication_code", NO_FLOW),
    Case("account_confirm_reauthentication_code", NO_FLOW),
    Case("account_email", LOGGED_IN),
    Case("account_email_verification_sent", PUBLIC),
    Case("account_confirm_email", PUBLIC, kwargs=_bad_key),
    Case("account_change_password", LOGGED_IN),
    Case("account_set_password", NO_FLOW),
    Case("account_reset_password", PUBLIC),
    Case("account_reset_password_done", PUBLIC),
    Case("account_reset_password_from_key", PUBLIC, kwargs=_bad_reset_key),
    Case("account_reset_password_from_key_done", PUBLIC),
    Case("account_confirm_login_code", NO_FLOW),
    Case("mfa_index", LOGGED_IN),
    Case("mfa_authenticate", NO_FLOW),
    Case("mfa_reauthenticate", TOTP_STEP),
    Case("mfa_activate_totp", REAUTH_FIRST),
    Case("mfa_activate_totp", NO_TOTP_YET, reauthenticated=True, label="reauthenticated"),
    Case("mfa_deactivate_totp", TOTP_USERS_REDIRECT),
    Case("mfa_deactivate_totp", TOTP_USERS, reauthenticated=True, label="reauthenticated"),
    Case("mfa_view_recovery_codes", TOTP_USERS_REDIRECT),
    Case("mfa_view_recovery_codes", TOTP_USERS, reauthenticated=True, label="reauthenticated"),
    Case("mfa_generate_recovery_codes", REAUTH_FIRST),
    Case("mfa_generate_recovery_codes", LOGGED_IN, reauthenticated=True, label="reauthenticated"),
    Case("mfa_download_recovery_codes", TOTP_USERS_REDIRECT),
    Case("mfa_download_recovery_codes", TOTP_USERS, reauthenticated=True, label="reauthenticated"),
    Case("usersessions_list", LOGGED_IN),
]
