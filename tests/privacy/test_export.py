"""Art. 15/20: the export holds every kind of record about the member, and nobody else's."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from config.privacy import INVENTORY
from groups.models import AuditEntry
from groups.privacy import model_for, person_export
from tests.factories.groups import make_user
from tests.privacy.builders import one_of_each

pytestmark = pytest.mark.django_db


def _exportable() -> set[str]:
    return {e.key for e in INVENTORY if e.in_export and e.subjects and model_for(e) is not None}


def test_export_holds_one_of_each_kind_and_nothing_of_another_person() -> None:
    member = make_user(full_name="Mari Eksportsen", email="mari@example.org", birth_year=1961)
    other = make_user(full_name="Odd Annensen", email="odd@example.org", birth_year=1937)
    mine = one_of_each(member)
    theirs = one_of_each(other)
    assert set(mine) == _exportable()

    document = person_export(actor=member, person=member)
    sections = {s["model"]: s for s in document["sections"]}
    assert set(sections) == _exportable()
    for key, row in mine.items():
        ids = {r["id"] for r in sections[key]["records"]}
        assert row.pk in ids, f"{key}: the member's row is missing from the export"
        assert theirs[key].pk not in ids or theirs[key].pk == row.pk, f"{key}: another's row"
    dumped = json.dumps(document, default=str)
    for leak in ("Odd Annensen", "odd@example.org"):
        assert leak not in dumped
    # The other person's birth year as a value of its own, not digits inside a timestamp's
    # microseconds (which made this test fail on about one run in a few hundred).
    assert not re.search(r"(?<!\d)1937(?!\d)", dumped)
    assert "Mari Eksportsen" in dumped and "1961" in dumped
    assert "password" not in dumped


def test_whistleblowing_is_left_out_and_the_export_says_how_to_reach_it() -> None:
    member = make_user()
    document = person_export(actor=member, person=member)
    assert not [s for s in document["sections"] if s["model"].startswith("whistleblowing.")]
    assert "kvitteringskoden" in document["not_included"]


def test_the_download_is_json_and_is_audited_without_the_data() -> None:
    member = make_user(full_name="Randi Revisjon", email="randi@example.org", birth_year=1959)
    client = Client()
    client.force_login(member)
    response = client.get(reverse("groups:my_data_download"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    document = json.loads(response.content)
    assert document["person_id"] == member.pk
    entry = AuditEntry.objects.get(action="privacy.export")
    assert entry.actor == member and entry.subject_user == member
    logged = json.dumps(entry.data) + entry.target_type + entry.target_id
    for leak in ("Randi", "randi@example.org", "1959"):
        assert leak not in logged


def test_mine_data_page_lists_the_sections_and_the_whistleblowing_note() -> None:
    member = make_user()
    client = Client()
    client.force_login(member)
    page = client.get(reverse("groups:my_data")).content.decode()
    assert "Plasser i grupper" in page and "Frammøte" in page
    assert "kvitteringskoden" in page
