from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest


class PortalAccountAdapter(DefaultAccountAdapter):
    """Accounts are created by group leaders and site admins, never by self sign-up."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False
