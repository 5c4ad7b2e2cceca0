"""Generated meeting titles from translatable parts (issue 18; G6, G7, G11, G20): the
half-year plan's meetings store no title and are called, when shown, by their kind, council
slot, the date they prepare for and the committee, in the reader's language: on pages, in
the calendar feed and in each recipient's e-mails. A title the leader wrote is shown as
written. The standing media item reads in the reader's language too."""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable
from typing import Any

import time_machine
from django.apps import apps
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from icalendar import Calendar

from meetings import services
from meetings.models import AgendaItem, Meeting, MeetingKind
from meetings.selectors import search_meetings
from tests.conftest import World
from tests.factories.meetings import at, make_council_meeting, make_meeting

migration = importlib.import_module("meetings.migrations.0009_generated_titles_from_parts")

TODAY = at(2031, 1, 5, 12)


def _plan(world: World) -> dict[tuple[str, str], Meeting]:
    make_council_meeting(world.group, at(2031, 3, 13, 10), ends_at=at(2031, 3, 13, 15))
    make_council_meeting(world.group, at(2031, 3, 6, 9), committee=world.committee)
    plan = services.plan_generate(
        actor=world.users["leader"], group=world.group, year=2031, half=1
    ).plan
    return {(m.kind, m.council_slot): m for m in plan.meetings.all()}


def _client(world: World, role: str, language: str) -> Client:
    client = world.client_for(role)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def test_the_plans_meetings_store_no_title_and_read_in_each_language_g7_g11(
    world: World,
) -> None:
    with time_machine.travel(TODAY, tick=False):
        meetings = _plan(world)
    assert all(m.title == "" for m in meetings.values())
    with translation.override("nb"):
        nb = {k: m.display_title for k, m in meetings.items()}
    with translation.override("en"):
        en = {k: m.display_title for k, m in meetings.items()}
    assert nb == {
        ("group", ""): "Gruppemøte før kommunestyret 13. mars 2031",
        ("group", "before"): "Formøte før kommunestyret 13. mars 2031",
        ("group", "after"): "Ettermøte etter kommunestyret 13. mars 2031",
        ("faction", ""): "Fraksjonsmøte før 6. mars 2031 (Hovedutvalg for oppvekst)",
    }
    assert en == {
        ("group", ""): "Group meeting before the council meeting of 13 March 2031",
        ("group", "before"): "Short meeting before the council meeting of 13 March 2031",
        ("group", "after"): "Short meeting after the council meeting of 13 March 2031",
        ("faction", ""): "Faction meeting before 6 March 2031 (Hovedutvalg for oppvekst)",
    }


def test_a_title_the_leader_wrote_is_shown_as_written_in_both_languages(world: World) -> None:
    with time_machine.travel(TODAY, tick=False):
        meeting = _plan(world)[("group", "")]
        meeting.title = "Budsjettmøte"
        meeting.save()
        own = make_meeting(world.group, title="Gruppemøte om skole", starts_at=at(2031, 2, 4))
        for language in ("nb", "en"):
            html = _client(world, "leader", language).get(
                reverse("meetings:detail", args=[meeting.pk])
            )
            assert "<h1>Budsjettmøte</h1>" in html.content.decode()
            with translation.override(language):
                assert own.display_title == "Gruppemøte om skole"


def test_pages_show_the_generated_title_and_media_item_in_english(world: World) -> None:
    with time_machine.travel(TODAY, tick=False):
        meeting = _plan(world)[("group", "")]
        en = (
            _client(world, "member", "en")
            .get(reverse("meetings:detail", args=[meeting.pk]))
            .content.decode()
        )
        nb = (
            _client(world, "member", "nb")
            .get(reverse("meetings:detail", args=[meeting.pk]))
            .content.decode()
        )
        listing = (
            _client(world, "member", "en")
            .get(reverse("meetings:plan", args=[world.group.pk]))
            .content.decode()
        )
    assert "<h1>Group meeting before the council meeting of 13 March 2031</h1>" in en
    assert "Media strategy" in en and "Mediestrategi" not in en
    assert "How do we make the group" in en
    assert "Gruppemøte før kommunestyret" not in en
    assert "<h1>Gruppemøte før kommunestyret 13. mars 2031</h1>" in nb
    assert "Mediestrategi" in nb
    assert "Group meeting before the council meeting of 13 March 2031" in listing
    media = AgendaItem.objects.get(meeting=meeting, is_media_strategy=True)
    assert media.title == "Mediestrategi"  # stored as made, in Norwegian


def test_a_media_item_the_leader_renamed_is_shown_as_written(world: World) -> None:
    with time_machine.travel(TODAY, tick=False):
        meeting = _plan(world)[("group", "")]
    media = AgendaItem.objects.get(meeting=meeting, is_media_strategy=True)
    media.title = "Media og sosiale medier i valgåret"
    media.save()
    with translation.override("en"):
        assert media.display_title == "Media og sosiale medier i valgåret"


def test_the_calendar_feed_is_written_in_its_owners_language(world: World) -> None:
    with time_machine.travel(TODAY, tick=False):
        meeting = _plan(world)[("group", "")]
        member = world.users["member"]
        token = services.calendar_feed_create(actor=member)
        url = reverse("meetings:feed", args=[token])
        nb = Calendar.from_ical(world.client_for("anonymous").get(url).content)
        member.language = "en"
        member.save(update_fields=["language"])
        response = world.client_for("anonymous").get(url)
        en = Calendar.from_ical(response.content)
    summaries_nb = {str(e["summary"]) for e in nb.walk("VEVENT")}
    summaries_en = {str(e["summary"]) for e in en.walk("VEVENT")}
    assert "Gruppemøte før kommunestyret 13. mars 2031" in summaries_nb
    assert "Group meeting before the council meeting of 13 March 2031" in summaries_en
    assert "Gruppemøte før kommunestyret 13. mars 2031" not in summaries_en
    with time_machine.travel(TODAY, tick=False):
        one = _client(world, "member", "en").get(reverse("meetings:meeting_ics", args=[meeting.pk]))
    assert one.status_code == 200
    assert "Group meeting before the council meeting of 13 March 2031" in str(
        Calendar.from_ical(one.content).walk("VEVENT")[0]["summary"]
    )


def test_summons_mails_carry_the_title_in_each_recipients_language(
    world: World, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    now = timezone.now()
    council = make_council_meeting(
        world.group, now + dt.timedelta(days=12), ends_at=now + dt.timedelta(days=12, hours=4)
    )
    meeting = make_meeting(
        world.group,
        title="",
        kind=MeetingKind.GROUP,
        council_meeting=council,
        starts_at=now + dt.timedelta(days=10),
        ends_at=now + dt.timedelta(days=10, hours=2),
    )
    world.users["member"].language = "en"
    world.users["member"].save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        services.summons_send(actor=world.users["leader"], meeting=meeting)
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    with translation.override("en"):
        english = meeting.display_title
    with translation.override("nb"):
        norwegian = meeting.display_title
    assert english.startswith("Group meeting before the council meeting of")
    assert subjects[world.users["member"].email] == f"Summons: {english}"
    assert subjects[world.users["leader"].email] == f"Innkalling: {norwegian}"
    assert english in next(m.body for m in mail.outbox if m.to[0] == world.users["member"].email)


def test_the_migration_blanks_the_titles_the_plan_stored_and_keeps_the_leaders(
    world: World,
) -> None:
    council = make_council_meeting(world.group, at(2031, 3, 13, 10), ends_at=at(2031, 3, 13, 15))
    committee_meeting = make_council_meeting(
        world.group, at(2031, 3, 6, 9), committee=world.committee
    )

    def meeting(title: str, **fields: Any) -> Meeting:
        fields.setdefault("council_meeting", council)
        fields.setdefault("starts_at", at(2031, 3, 4, 18))
        return make_meeting(world.group, title=title, **fields)

    norwegian = meeting("Gruppemøte før kommunestyret 13.03.2031")
    # made while the leader read English
    english = meeting(
        "Pre-meeting before the council 13.03.2031",
        council_slot="before",
        starts_at=at(2031, 3, 13, 9, 30),
    )
    faction = meeting(
        "Fraksjonsmøte før 06.03.2031 (Hovedutvalg for oppvekst)",
        kind=MeetingKind.FACTION,
        committee=world.committee,
        council_meeting=committee_meeting,
    )
    renamed = meeting("Gruppemøte før kommunestyret – budsjett")
    other_date = meeting("Gruppemøte før kommunestyret 14.03.2031")
    own = meeting("Gruppemøte før kommunestyret 13.03.2031", council_meeting=None)
    media = AgendaItem.objects.create(
        meeting=norwegian,
        title="Media strategy",
        order=900,
        submitted_at=at(2031, 1, 5),
        is_media_strategy=True,
    )

    migration.blank_generated_titles(apps, None)
    migration.media_item_in_norwegian(apps, None)

    titles = dict(
        Meeting.objects.filter(
            pk__in=[m.pk for m in (norwegian, english, faction, renamed, other_date, own)]
        ).values_list("pk", "title")
    )
    assert titles[norwegian.pk] == "" and titles[english.pk] == "" and titles[faction.pk] == ""
    assert titles[renamed.pk] == "Gruppemøte før kommunestyret – budsjett"
    assert titles[other_date.pk] == "Gruppemøte før kommunestyret 14.03.2031"
    assert titles[own.pk] == "Gruppemøte før kommunestyret 13.03.2031"  # not the plan's
    media.refresh_from_db()
    assert media.title == "Mediestrategi"
    faction.refresh_from_db()
    with translation.override("en"):
        assert faction.display_title == (
            "Faction meeting before 6 March 2031 (Hovedutvalg for oppvekst)"
        )
    migration.restore_generated_titles(apps, None)
    norwegian.refresh_from_db()
    assert norwegian.title == "Gruppemøte før kommunestyret 13.03.2031"


def test_a_generated_meeting_without_its_council_meeting_is_called_by_kind_and_date(
    world: World,
) -> None:
    meeting = make_meeting(world.group, title="", starts_at=at(2031, 3, 4, 18))
    with translation.override("nb"):
        assert meeting.display_title == "Gruppemøte 4. mars 2031"
    with translation.override("en"):
        assert meeting.display_title == "Group meeting 4 March 2031"


def test_the_meetings_search_finds_the_plans_meetings_by_their_title_in_each_language(
    world: World,
) -> None:
    with time_machine.travel(TODAY, tick=False):
        meetings = _plan(world)
        user = world.users["member"]
        with translation.override("nb"):
            found = set(search_meetings(user, past=False, text="formøte"))
        with translation.override("en"):
            found_en = set(search_meetings(user, past=False, text="short meeting before"))
            faction = set(search_meetings(user, past=False, text="oppvekst"))
    assert found == {meetings[("group", "before")]}
    assert found_en == {meetings[("group", "before")]}
    assert meetings[("faction", "")] in faction


def test_the_leader_may_leave_a_generated_title_blank_or_write_one_when_editing(
    world: World,
) -> None:
    with time_machine.travel(TODAY, tick=False):
        meeting = _plan(world)[("group", "")]
        client = _client(world, "leader", "nb")
        url = reverse("meetings:edit", args=[meeting.pk])
        form = client.get(url).content.decode()
        assert 'placeholder="Gruppemøte før kommunestyret 13. mars 2031"' in form
        assert "Tomt: tittelen lages av møteplanen" in form
        local = timezone.localtime(meeting.starts_at)
        data = {
            "kind": meeting.kind,
            "title": "",
            "starts_at": f"{local:%d.%m.%Y} 18:30",
            "ends_at": f"{local:%d.%m.%Y} 20:00",
            "place": meeting.place,
            "mode": meeting.mode,
        }
        assert client.post(url, data).status_code == 302
        meeting.refresh_from_db()
        assert meeting.title == "" and timezone.localtime(meeting.starts_at).minute == 30
        assert client.post(url, data | {"title": "Budsjett"}).status_code == 302
        meeting.refresh_from_db()
        with translation.override("en"):
            assert meeting.display_title == "Budsjett"
        # a meeting the leader set up still needs a title
        own = make_meeting(world.group, title="Eget møte", starts_at=at(2031, 2, 11))
        refused = client.post(reverse("meetings:edit", args=[own.pk]), data)
    assert refused.status_code == 200
    own.refresh_from_db()
    assert own.title == "Eget møte"
