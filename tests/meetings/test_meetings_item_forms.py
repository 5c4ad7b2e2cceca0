"""The per-item forms of the meeting page load on demand: a link in a closed <details>, a small
page without JavaScript, the form alone for htmx; a form with errors comes back open."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import time_machine
from django.urls import reverse

from meetings import services
from meetings.models import ConflictDecision, Dissent
from tests.conftest import World
from tests.factories.meetings import at, make_item, make_meeting

NOW = at(2025, 2, 3, 19)
HTMX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def _form_url(pk: int, kind: str) -> str:
    return reverse("meetings:item_form", kwargs={"pk": pk, "kind": kind})


def test_the_meeting_page_links_the_item_forms_instead_of_rendering_them(world: World) -> None:
    meeting = make_meeting(world.group, starts_at=at(2025, 2, 3, 18))
    item = make_item(meeting)
    body = world.client_for("leader").get(reverse("meetings:detail", args=[meeting.pk]))
    text = body.content.decode()
    for kind, prefix in (
        ("referat", "minutes"),
        ("protokolltilforsel", "dissent"),
        ("habilitet", "conflict"),
    ):
        url = _form_url(item.pk, kind)
        assert (
            f'hx-get="{url}" hx-trigger="toggle once" hx-target="#{prefix}-{item.pk}-panel"' in text
        )
        assert f'<div id="{prefix}-{item.pk}-panel"><p><a href="{url}">' in text
        assert f'name="{prefix}-{item.pk}-' not in text
    assert "<details open" not in text


def test_without_javascript_the_link_opens_a_page_with_just_that_form(world: World) -> None:
    meeting = make_meeting(world.group, starts_at=at(2025, 2, 3, 18), title="Gruppemøte")
    item = make_item(meeting, title="Gatelys")
    response = world.client_for("member").get(_form_url(item.pk, "protokolltilforsel"))
    text = response.content.decode()
    assert response.status_code == 200
    assert "<html" in text and "<h1>Gi protokolltilførsel</h1>" in text
    assert f'href="{reverse("meetings:detail", args=[meeting.pk])}#sak-{item.pk}"' in text
    assert f'action="{reverse("meetings:dissent_add", args=[item.pk])}"' in text
    assert f'<label for="id_dissent-{item.pk}-text">Protokolltilførsel</label>' in text
    assert "HX-Request" in response["Vary"]


def test_htmx_gets_the_form_alone_and_its_fields_post_back(world: World) -> None:
    meeting = make_meeting(world.group, starts_at=at(2025, 2, 3, 18))
    item = make_item(meeting)
    client = world.client_for("member")
    response = client.get(_form_url(item.pk, "protokolltilforsel"), headers=HTMX)
    text = response.content.decode()
    assert text.startswith("<form ") and "<html" not in text and "csrfmiddlewaretoken" in text
    assert f'name="dissent-{item.pk}-text"' in text
    posted = client.post(
        reverse("meetings:dissent_add", args=[item.pk]), {f"dissent-{item.pk}-text": "Uenig"}
    )
    assert posted.status_code == 302
    assert Dissent.objects.get(agenda_item=item).text == "Uenig"


def test_the_minutes_form_starts_from_what_is_written(world: World) -> None:
    meeting = make_meeting(world.group, starts_at=at(2025, 2, 3, 18))
    item = make_item(meeting, discussion="Drøftet kostnadene")
    response = world.client_for("leader").get(_form_url(item.pk, "referat"), headers=HTMX)
    assert "Drøftet kostnadene</textarea>" in response.content.decode()
    assert world.client_for("member").get(_form_url(item.pk, "referat")).status_code == 403


def test_the_leave_form_starts_from_the_recorded_times(world: World) -> None:
    meeting = make_meeting(world.group, starts_at=at(2025, 2, 3, 18))
    item = make_item(meeting)
    conflict = services.conflict_declare(
        actor=world.users["member"], item=item, reason="Nabo", certain=True
    )
    assert conflict.decision == ConflictDecision.DISQUALIFIED
    services.conflict_record_leave(
        actor=world.users["leader"], conflict=conflict, left_at=at(2025, 2, 3, 18, 30)
    )
    url = reverse("meetings:conflict_form", kwargs={"pk": conflict.pk, "kind": "fratreden"})
    page = world.client_for("leader").get(reverse("meetings:detail", args=[meeting.pk]))
    assert f'hx-get="{url}"' in page.content.decode()
    text = world.client_for("leader").get(url, headers=HTMX).content.decode()
    assert 'value="03.02.2025 18:30"' in text  # as Norwegians write it (issue 18)
    assert f'action="{reverse("meetings:conflict_leave", args=[conflict.pk])}"' in text


def test_a_refused_form_comes_back_open_with_its_errors_and_the_others_stay_lazy(
    world: World,
) -> None:
    meeting = make_meeting(world.group, starts_at=at(2025, 2, 3, 18))
    item = make_item(meeting)
    other = make_item(meeting, title="Annen sak")
    response = world.client_for("member").post(
        reverse("meetings:dissent_add", args=[item.pk]), {f"dissent-{item.pk}-text": ""}
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert text.count("<details open>") == 1
    opened = text.split("<details open>", 1)[1].split("</details>", 1)[0]
    assert 'aria-invalid="true"' in opened and f'id="id_dissent-{item.pk}-text_error"' in opened
    assert f'hx-get="{_form_url(other.pk, "protokolltilforsel")}"' in text
    assert f'hx-get="{_form_url(item.pk, "habilitet")}"' in text


def test_an_unknown_form_kind_is_not_found(world: World) -> None:
    meeting = make_meeting(world.group, starts_at=at(2025, 2, 3, 18))
    item = make_item(meeting)
    assert world.client_for("leader").get(_form_url(item.pk, "avstemning")).status_code == 404
