"""The ethical guidelines (E1): the booklet's text ships with the database, the secretariat
publishes versions and sees what changed, every elected representative is asked once, and
acknowledges the version in force."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from config.textdiff import diff_hunks
from groups import selectors, services
from groups.models import (
    SECRETARIAT_GROUP,
    AuditEntry,
    EthicsAcknowledgement,
    EthicsGuidelines,
    EthicsRequest,
    Seat,
)
from groups.tasks import send_ethics_requests
from tests.conftest import World
from tests.factories.groups import (
    booklet_ethics,
    give_role,
    make_group,
    make_membership,
    make_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def secretariat(db: None) -> Any:
    return give_role(make_user(full_name="Sara Sekretariat"), SECRETARIAT_GROUP)


def _publish(actor: Any, text: str, summary: str = "Ny regel om gaver.") -> EthicsGuidelines:
    return services.ethics_publish(
        actor=actor,
        title="Senterpartiets etiske retningslinjer",
        sections=services.sections_from_text(text),
        change_summary=summary,
    )


def _booklet_text() -> str:
    return services.sections_to_text(booklet_ethics().sections)


# --- the shipped text ----------------------------------------------------------------------
def test_a_fresh_database_holds_the_booklets_guidelines_with_every_chapter_e1() -> None:
    guidelines = services.ethics_in_force()
    assert guidelines is not None
    headings = [s["heading"] for s in guidelines.sections]
    for heading in (
        "Interessekonflikter",
        "Gaver",
        "Lobbyvirksomhet",
        "Sosiale medier",
        "Varsling",
        "Oppfølging av varsler",
    ):
        assert heading in headings
    gifts = next(s for s in guidelines.sections if s["heading"] == "Gaver")
    assert gifts["text"].startswith("Det er ikke tillatt for personer i egenskap av å være")
    assert "symbolske verdier" in gifts["text"]
    assert guidelines.published_at.date().isoformat() == "2022-10-25"


def test_the_editing_format_round_trips_the_booklet_e1() -> None:
    sections = booklet_ethics().sections
    parsed = services.sections_from_text(services.sections_to_text(sections))
    assert [{"heading": s.heading, "text": s.text} for s in parsed] == sections


def test_the_diff_names_only_what_changed() -> None:
    hunks = diff_hunks(
        ["## Gaver", "Gammel tekst.", "Uendret."], ["## Gaver", "Ny tekst.", "Uendret."]
    )
    assert len(hunks) == 1
    changed = [b for b in hunks[0] if b.kind != "equal"]
    assert changed[0].before == ("Gammel tekst.",) and changed[0].after == ("Ny tekst.",)
    assert diff_hunks(["A"], ["A"]) == []


# --- publishing -----------------------------------------------------------------------------
def test_the_secretariat_publishes_a_new_version_that_is_in_force_and_keeps_the_old_e1(
    world: World, secretariat: Any, django_capture_on_commit_callbacks: Any
) -> None:
    old = booklet_ethics()
    old_sections = list(old.sections)
    text = _booklet_text().replace(
        "symbolske verdier.", "symbolske verdier. Gaver over 500 kroner meldes til gruppeleder."
    )
    with django_capture_on_commit_callbacks(execute=True):
        new = _publish(secretariat, text)
    assert services.ethics_in_force() == new and new.version == old.version + 1
    assert new.published_by == secretariat
    old.refresh_from_db()
    assert old.sections == old_sections  # the old version is a fixed record
    hunks = services.ethics_changes(old.sections, new.sections)
    inserted = [p for hunk in hunks for b in hunk for p in b.after if b.kind != "equal"]
    assert any("500 kroner" in p for p in inserted)
    assert AuditEntry.objects.filter(action="ethics.publish", target_id=str(new.pk)).exists()


def test_publishing_asks_every_elected_representative_once_with_one_email_e1(
    world: World, secretariat: Any, django_capture_on_commit_callbacks: Any
) -> None:
    party_member = make_membership(world.group, seat=Seat.PARTY_MEMBER)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        new = _publish(secretariat, _booklet_text() + "\n\nEt nytt avsnitt.")
    asked = set(EthicsRequest.objects.filter(guidelines=new).values_list("user_id", flat=True))
    assert world.users["member"].pk in asked and world.users["leader"].pk in asked
    assert world.users["outsider"].pk in asked  # a leader of another group is elected too
    assert party_member.user_id not in asked  # members without a seat are not asked
    assert world.users["course_admin"].pk not in asked
    recipients = [m.to[0] for m in mail.outbox]
    assert sorted(recipients) == sorted(set(recipients))  # one each
    assert world.users["member"].email in recipients
    message = next(m for m in mail.outbox if m.to == [world.users["member"].email])
    assert reverse("groups:ethics") in message.body
    assert "Marit" not in message.subject and "@" not in message.subject
    # The task is idempotent: a rerun or a retry sends nobody a second mail.
    assert send_ethics_requests(new.pk) == 0
    assert len(mail.outbox) == len(recipients)


def test_a_failed_mail_releases_its_claim_for_the_retry_e1(
    world: World, secretariat: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    new = _publish(secretariat, _booklet_text() + "\n\nEt nytt avsnitt.")
    EthicsRequest.objects.filter(guidelines=new).update(emailed_at=None)

    def broken(*args: Any, **kwargs: Any) -> int:
        raise OSError("smtp down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", broken)
    with pytest.raises(OSError):
        send_ethics_requests.run(new.pk)
    assert not EthicsRequest.objects.filter(guidelines=new, emailed_at__isnull=False).exists()


def test_only_the_secretariat_may_publish_e1(world: World) -> None:
    with pytest.raises(PermissionDenied):
        _publish(world.users["leader"], _booklet_text() + "\n\nNy.")
    with pytest.raises(PermissionDenied):
        _publish(world.users["course_admin"], _booklet_text() + "\n\nNy.")


@pytest.mark.parametrize(
    ("text", "summary", "field"),
    [
        ("", "Endret", "text"),
        ("## Gaver\n\n", "Endret", "text"),
        ("## " + "x" * 201 + "\n\nTekst", "Endret", "text"),
        ("## Gaver\n\nNy tekst om gaver.", "", "change_summary"),
    ],
)
def test_bad_guidelines_are_refused_on_the_field_e1(
    secretariat: Any, text: str, summary: str, field: str
) -> None:
    booklet_ethics()
    with pytest.raises(ValidationError) as exc:
        _publish(secretariat, text, summary)
    assert field in exc.value.error_dict


def test_publishing_the_same_text_again_is_refused_e1(secretariat: Any) -> None:
    booklet_ethics()
    with pytest.raises(ValidationError) as exc:
        _publish(secretariat, _booklet_text())
    assert "text" in exc.value.error_dict


# --- acknowledging --------------------------------------------------------------------------
def test_a_member_acknowledges_the_version_in_force_and_not_an_old_one_e1(
    world: World, secretariat: Any
) -> None:
    old = booklet_ethics()
    new = _publish(secretariat, _booklet_text() + "\n\nNytt avsnitt.")
    with pytest.raises(ValidationError):
        services.ethics_acknowledge(actor=world.users["member"], guidelines=old)
    ack = services.ethics_acknowledge(actor=world.users["member"], guidelines=new)
    assert ack.guidelines == new
    services.ethics_acknowledge(actor=world.users["member"], guidelines=new)  # twice: once
    assert EthicsAcknowledgement.objects.filter(user=world.users["member"]).count() == 1


def test_the_ethics_page_shows_the_text_and_records_the_version_e1_issue17(
    world: World,
) -> None:
    guidelines = booklet_ethics()
    client = world.client_for("member")
    page = client.get(reverse("groups:ethics")).content.decode()
    assert "Lobbyvirksomhet" in page and "symbolske verdier" in page
    response = client.post(reverse("groups:ethics"), {"version": guidelines.version})
    assert response.status_code == 302
    assert EthicsAcknowledgement.objects.filter(
        user=world.users["member"], guidelines=guidelines
    ).exists()


@pytest.mark.parametrize("version", ["", "abc", "-1", "999999999999", "1 OR 1=1"])
def test_a_bad_or_stale_acknowledgement_records_nothing_e1(world: World, version: str) -> None:
    booklet_ethics()
    response = world.client_for("member").post(reverse("groups:ethics"), {"version": version})
    assert response.status_code == 302
    assert not EthicsAcknowledgement.objects.filter(user=world.users["member"]).exists()


def test_the_home_page_asks_an_elected_representative_but_not_a_course_admin_e1(
    world: World,
) -> None:
    booklet_ethics()
    member_home = world.client_for("member").get(reverse("groups:home")).content.decode()
    assert "venter på din bekreftelse" in member_home
    admin_home = world.client_for("course_admin").get(reverse("groups:home")).content.decode()
    assert "venter på din bekreftelse" not in admin_home


# --- who has acknowledged ----------------------------------------------------------------
def test_leaders_see_who_has_not_acknowledged_and_the_secretariat_the_share_e1(
    world: World, secretariat: Any
) -> None:
    guidelines = booklet_ethics()
    services.ethics_acknowledge(actor=world.users["leader"], guidelines=guidelines)
    detail = world.client_for("leader").get(reverse("groups:detail", args=[world.group.pk]))
    assert "Marit Medlem" in detail.content.decode().split("Har ikke bekreftet")[1]
    shares = {
        s.group: s
        for s in selectors.ethics_share_per_group(guidelines, guidelines.published_at.date())
    }
    mine = shares[world.group]
    assert mine.acknowledged == 1 and mine.asked == 5  # leader, deputy, member, faction, substitute
    client = world.client_for("member")
    client.force_login(secretariat)
    page = client.get(reverse("groups:ethics_admin")).content.decode()
    assert "1 av 5" in page and "Marit" not in page


# --- the publish page -----------------------------------------------------------------------
def test_the_publish_page_shows_the_changes_before_it_publishes_e1(
    world: World, secretariat: Any
) -> None:
    booklet_ethics()
    client = world.client_for("member")
    client.force_login(secretariat)
    url = reverse("groups:ethics_publish")
    data = {
        "title": "Senterpartiets etiske retningslinjer",
        "change_summary": "Ny regel om gaver.",
        "text": _booklet_text() + "\n\n## Nytt kapittel\n\nEn ny regel.",
    }
    before = EthicsGuidelines.objects.count()
    preview = client.post(url, {**data, "preview": "1"})
    assert preview.status_code == 200 and "<ins>En ny regel.</ins>" in preview.content.decode()
    assert EthicsGuidelines.objects.count() == before
    unconfirmed = client.post(url, {**data, "publish": "1"})
    assert unconfirmed.status_code == 200 and EthicsGuidelines.objects.count() == before
    assert "Kryss av" in unconfirmed.content.decode()
    done = client.post(url, {**data, "publish": "1", "confirm": "on"})
    assert done.status_code == 302 and EthicsGuidelines.objects.count() == before + 1


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"title": "", "text": "x"},
        {"title": "Linje\nto", "text": "Tekst"},
        {"title": "T", "text": ""},
        {"title": "T" * 201, "text": "Tekst"},
        {
            "title": "T",
            "text": "## Tom\n\n",
            "change_summary": "x",
            "publish": "1",
            "confirm": "on",
        },
    ],
)
def test_bad_input_on_the_publish_form_keeps_it_and_publishes_nothing_e1(
    world: World, secretariat: Any, data: dict[str, str]
) -> None:
    booklet_ethics()
    client = world.client_for("member")
    client.force_login(secretariat)
    before = EthicsGuidelines.objects.count()
    response = client.post(reverse("groups:ethics_publish"), data)
    assert response.status_code == 200
    assert EthicsGuidelines.objects.count() == before
    assert (
        'class="field-error"' in response.content.decode()
        or "form-errors" in response.content.decode()
    )


def test_elected_representatives_are_people_with_seats_in_any_group_e1() -> None:
    group = make_group()
    regular = make_membership(group)
    chapter = make_membership(group, seat=Seat.CHAPTER_LEADER)
    party = make_membership(group, seat=Seat.PARTY_MEMBER)
    ids = services.elected_representatives()
    assert regular.user_id in ids and chapter.user_id in ids and party.user_id not in ids
