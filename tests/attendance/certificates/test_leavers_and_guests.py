"""S8 (issue 10): a participant who has left the group, or who joined the course as a guest,
still finds and downloads their own certificate under "Mine timer"; the certificate words
the share from the course's policy, not a fixed "tre firedeler"."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from attendance.models import Certificate
from groups.models import MembershipStatus
from tests.attendance.certificates.builders import make_held_course
from tests.attendance.certificates.test_certificates import generate, pdf_text
from tests.conftest import World
from tests.factories.groups import make_user


def test_a_leaver_and_a_guest_download_their_own_certificate_from_my_hours_s8(
    world: World, client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    guest = make_user(birth_year=1990, full_name="Gunnar Gjest")
    built = make_held_course(
        world.group, world.users["leader"], present_users=[world.users["member"], guest]
    )
    membership = world.memberships["member"]
    generate(built, world, django_capture_on_commit_callbacks)
    membership.status = MembershipStatus.LEFT
    membership.save()

    for user in (world.users["member"], guest):
        client.force_login(user)
        page = client.get(reverse("attendance:my_hours")).content.decode()
        certificate = Certificate.objects.get(course=built.course, user=user)
        url = reverse("attendance:certificate_download", args=[built.course.pk, certificate.pk])
        assert url in page
        download = client.get(url)
        assert download.status_code == 200
        assert download["Content-Type"] == "application/pdf"
        assert user.full_name in pdf_text(download.content)
    # The guest was never in the group: the course page is closed to them, the certificate not.
    assert (
        client.get(reverse("attendance:course_detail", args=[built.course.pk])).status_code == 404
    )


def test_the_certificate_words_the_share_from_the_policy_s8_s14(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    built = make_held_course(
        world.group, world.users["leader"], present_users=[world.users["member"]]
    )
    generate(built, world, django_capture_on_commit_callbacks)
    certificate = Certificate.objects.get(course=built.course, user=world.users["member"])
    text = " ".join(pdf_text(certificate.file.read()).split())
    assert "til stede minst 75 % av tiden" in text
    assert "tre firedeler" not in text
