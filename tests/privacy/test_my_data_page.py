""" "Mine data" reads as a page, not a dump: labelled fields in the reader's language, choice
labels, dates in the portal's form, each kind folded on its own, the JSON export beside it
and unchanged (issue 18)."""

from __future__ import annotations

import json
import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from config.dates import day, when
from groups.models import BoardRole, Membership, User
from groups.privacy import display
from tests.factories.groups import make_group, make_membership, make_user
from tests.privacy.builders import one_of_each

pytestmark = pytest.mark.django_db

ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
RAW_NAMES = ("is_superuser", "board_role", "female", "joined_on", "user_id", "full_name")


def _member() -> User:
    member = make_user(
        full_name="Mari Lesbar", email="mari@example.org", birth_year=1961, gender="female"
    )
    one_of_each(member)
    return member


def _page(member: User, language: str = "nb") -> str:
    client = Client()
    client.force_login(member)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(reverse("groups:my_data"))
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_shows_labels_choice_labels_and_dates_not_field_names_or_iso_times() -> None:
    member = _member()
    membership = Membership.objects.filter(user=member).first()
    assert membership is not None
    membership.board_role = BoardRole.LEADER
    membership.save(update_fields=["board_role"])

    page = _page(member)

    for raw in RAW_NAMES:
        assert f">{raw}<" not in page, raw
    assert not ISO_MOMENT.search(page), ISO_MOMENT.search(page)
    assert "<dt>Kjønn</dt><dd>Kvinne</dd>" in page
    assert "<dt>Fullt navn</dt><dd>Mari Lesbar</dd>" in page
    # links named after what they link to, in the page's language
    assert "<dt>Gruppe</dt>" in page and "<dt>Group</dt>" not in page
    assert "<dt>Bruker</dt><dd>Mari Lesbar</dd>" in page
    with translation.override("nb"):
        assert f"<dt>Rolle i gruppestyret</dt><dd>{BoardRole.LEADER.label}</dd>" in page
        assert f"<dd>{day(membership.joined_on)}</dd>" in page
        assert f"<dd>{when(member.date_joined)}</dd>" in page
    assert "<dd>Nei</dd>" in page  # is_superuser, a yes/no


def test_the_page_is_in_the_readers_language() -> None:
    member = _member()

    page = _page(member, "en")

    assert "<dt>Full name</dt><dd>Mari Lesbar</dd>" in page
    assert "<dd>Woman</dd>" in page and "<dd>No</dd>" in page
    assert "What is stored about you" in page
    with translation.override("en"):
        assert f"<dd>{when(member.date_joined)}</dd>" in page


def test_each_kind_is_folded_on_its_own_and_the_empty_kinds_are_one_list() -> None:
    member = _member()
    kinds = display.person_kinds(member)
    with_rows = [k for k in kinds if k.count]

    page = _page(member)

    # one per kind with rows, one for the kinds with none, one for what must be kept
    assert (
        page.count('<details class="data-kind">')
        == len(with_rows) + (1 if len(with_rows) < len(kinds) else 0) + 1
    )
    assert "<details open" not in page
    for kind in with_rows:
        assert str(kind.entry.title) in page
    # the download sits beside the kinds, in the same layout
    layout = page[page.index('class="data-layout"') :]
    assert layout.index("Last ned mine data (JSON)") < layout.index("data-kind")


def test_a_long_kind_shows_its_first_rows_and_points_to_the_file() -> None:
    member = make_user(full_name="Mari Mange")
    for _ in range(display.SHOWN_PER_KIND + 3):
        make_membership(make_group(), member)

    page = _page(member)
    kind = next(k for k in display.person_kinds(member) if k.entry.key == "groups.membership")

    assert kind.count == display.SHOWN_PER_KIND + 3 and kind.more == 3
    assert len(kind.rows) == display.SHOWN_PER_KIND
    assert f"De første {display.SHOWN_PER_KIND} av {kind.count} vises her." in page


def test_another_person_linked_from_my_rows_is_never_named() -> None:
    """A course I lead that another person created: the JSON keeps the id (as before), the
    page says "another person"."""
    from tests.factories.attendance import make_course

    member = make_user(full_name="Mari Lesbar")
    other = make_user(full_name="Odd Annensen", email="odd@example.org")
    group = make_group()
    make_membership(group, member)
    course = make_course(group, member, title="Budsjettkurs")
    course.created_by = other
    course.save(update_fields=["created_by"])

    page = _page(member)

    assert "Odd Annensen" not in page and "odd@example.org" not in page
    assert "<dt>Kursleder</dt><dd>Mari Lesbar</dd>" in page
    assert "<dt>Opprettet av</dt><dd>en annen person</dd>" in page
    assert "<dd>Budsjettkurs</dd>" in page
    assert course.created_by == other


def test_the_json_export_keeps_its_raw_field_names_and_iso_values() -> None:
    member = _member()
    client = Client()
    client.force_login(member)

    document = json.loads(client.get(reverse("groups:my_data_download")).content)

    sections = {s["model"]: s for s in document["sections"]}
    record = sections["groups.user"]["records"][0]
    assert record["is_superuser"] is False and record["gender"] == "female"
    assert ISO_MOMENT.match(record["date_joined"])
    assert sections["groups.membership"]["records"][0]["user_id"] == member.pk
