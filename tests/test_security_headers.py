"""Permissions-Policy on every response (issue 15 item 14)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from config.middleware import permissions_policy_header
from tests.conftest import World
from tests.factories.attendance import make_course, make_session_meeting

POWERFUL = ("camera", "microphone", "geolocation", "payment", "usb", "screen-wake-lock")


def _policy(header: str) -> dict[str, str]:
    return dict(item.strip().split("=", 1) for item in header.split(","))


@pytest.mark.django_db
def test_public_and_member_pages_deny_every_powerful_browser_feature(world: World) -> None:
    for response in (
        Client().get(reverse("account_login")),
        world.client_for("member").get(reverse("groups:home")),
    ):
        assert response.status_code == 200
        policy = _policy(response["Permissions-Policy"])
        for feature in POWERFUL:
            assert policy[feature] == "()", feature


@pytest.mark.django_db
def test_the_check_in_qr_screen_asks_for_no_camera(world: World) -> None:
    # Members scan the code with their phone's own camera app; the page never needs one.
    meeting = make_session_meeting(world.group)
    make_course(world.group, world.users["leader"], meetings=[meeting])
    response = world.client_for("leader").get(
        reverse("attendance:qr_screen", kwargs={"meeting_pk": meeting.pk})
    )
    assert response.status_code == 200
    assert "getUserMedia" not in response.content.decode()
    assert _policy(response["Permissions-Policy"])["camera"] == "()"


def test_a_feature_allowed_for_the_portal_itself_is_written_as_self() -> None:
    header = permissions_policy_header({"camera": ["self"], "usb": []})
    assert header == "camera=(self), usb=()"
