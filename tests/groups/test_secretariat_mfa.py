"""The party secretariat publishes the ethical guidelines for everyone (E1) and keeps the
whistleblowing recipients: like the other central roles it must have a second factor
before it reaches any page of the portal (before, it had none)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group as AuthGroup
from django.urls import reverse

from groups.models import SECRETARIAT_GROUP
from tests.factories.groups import enable_totp, make_user


@pytest.mark.django_db
def test_the_secretariat_is_sent_to_set_up_totp_before_any_page(client):
    user = make_user(full_name="Sara Sekretariat")
    user.groups.add(AuthGroup.objects.get_or_create(name=SECRETARIAT_GROUP)[0])
    client.force_login(user)
    for name in ("groups:ethics_admin", "groups:home"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"] == reverse("mfa_activate_totp")
    enable_totp(user)
    assert client.get(reverse("groups:ethics_admin")).status_code == 200
