"""In Chromium, at phone width (issue 11, G24, G4): the site admin opens the group's new
period after the election; the local chapter leader carries the seats over seat by seat,
convenes the constituting meeting, and records the group's election of leader and deputy."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from groups.models import BoardRole, CouncilGroup, Election, Membership, PeriodConstitution, Seat
from tests.conftest import build_world
from tests.factories.groups import make_membership, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


def _as(page: Any, live_server: Any, user: Any) -> None:
    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def _fits_phone(page: Any, name: str) -> None:
    folder = Path(settings.DATA_DIR) / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / name), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_site_admin_opens_a_period_and_the_group_elects_its_leader_G24(
    page: Any, live_server: Any
) -> None:
    world = build_world()
    group = world.group
    # The period ends in two months, whatever day the test runs.
    ends = timezone.localdate() + dt.timedelta(days=60)
    group.period_start = ends.replace(year=ends.year - 4, day=min(ends.day, 28))
    group.period_end = CouncilGroup.period_end_for(group.period_start)
    group.save()
    chapter_leader = make_user(full_name="Siv Strand", email="siv@example.org")
    make_membership(group, chapter_leader, seat=Seat.CHAPTER_LEADER)
    page.set_viewport_size(PHONE)

    # The site admin opens the new period; the form proposes the old period's end and the
    # chapter leader as convener.
    _as(page, live_server, world.users["site_admin"])
    page.goto("/")
    page.get_by_role("link", name=f"{group} {group.period_label}").click()
    page.get_by_role("link", name="Åpne ny periode").click()
    assert page.get_by_label("Lokallagsleders e-post").input_value() == "siv@example.org"
    page.get_by_label("Den nye perioden starter").fill("1800-01-01")
    page.get_by_role("button", name="Åpne ny periode").click()
    page.get_by_text("er allerede over").wait_for()
    _fits_phone(page, "period-open-error.png")
    page.get_by_label("Den nye perioden starter").fill(group.period_end.isoformat())
    page.get_by_role("button", name="Åpne ny periode").click()
    page.get_by_text("Den nye perioden er åpnet.").wait_for()
    new = CouncilGroup.objects.get(previous_period=group)

    # The chapter leader carries the seats over, seat by seat, and ends one.
    _as(page, live_server, chapter_leader)
    page.goto(f"/grupper/{new.pk}/")
    page.get_by_role("link", name="Konstituering").click()
    page.get_by_role("link", name="Før over plassene og legg til nyvalgte").click()
    for fieldset in page.get_by_role("group").all():
        name = fieldset.locator("legend").inner_text()
        choice = "Avsluttes" if name.startswith("Frode Fraksjon") else "Videreføres"
        fieldset.get_by_label(choice).check()
    _fits_phone(page, "period-seats.png")
    page.get_by_role("button", name="Lagre plassene").click()
    page.get_by_text("Plassene er ført over til den nye perioden.").wait_for()
    assert not Membership.objects.filter(group=new, user=world.users["faction_leader"]).exists()

    # The summons, then the evening of the meeting.
    page.get_by_role("link", name="Tilbake til konstitueringen").click()
    tomorrow = timezone.localtime() + dt.timedelta(days=1)
    page.get_by_label("Tidspunkt for konstituerende møte").fill(tomorrow.strftime("%Y-%m-%dT18:00"))
    page.get_by_label("Sted").fill("Rådhuset, møterom 2")
    page.get_by_role("button", name="Kall inn").click()
    page.get_by_text("Innkallingen er sendt til alle i den nye gruppa.").wait_for()
    PeriodConstitution.objects.filter(group=new).update(
        meeting_at=timezone.now() - dt.timedelta(hours=1)
    )
    _fits_phone(page, "period-constitution.png")

    # The group elects its leader and deputy; a tie is refused with the votes kept.
    page.get_by_role("link", name="Før inn valget").click()
    page.get_by_role("heading", name="Valg av gruppeleder og nestleder").wait_for()
    page.get_by_label(re.compile(r"^Gruppeleder")).select_option(label="Liv Leder")
    page.get_by_label("Stemmer for gruppeleder").fill("1")
    page.get_by_label("Stemmer mot gruppeleder").fill("1")
    page.get_by_label(re.compile(r"^Nestleder")).select_option(label="Nils Nestleder")
    page.get_by_label("Stemmer for nestleder").fill("3")
    page.get_by_label("Stemmer mot nestleder").fill("0")
    page.get_by_role("button", name="Før inn valget").click()
    page.get_by_text("Liv Leder fikk ikke flertall").wait_for()
    assert page.get_by_label("Stemmer for nestleder").input_value() == "3"
    _fits_phone(page, "period-election-error.png")
    page.get_by_label("Stemmer for gruppeleder").fill("3")
    page.get_by_label("Stemmer mot gruppeleder").fill("0")
    page.get_by_role("button", name="Før inn valget").click()
    page.get_by_text("Gruppa er konstituert.").wait_for()
    assert "når det er vedtatt" in page.content()
    page.get_by_text("Gruppeleder: Liv Leder").wait_for()
    _fits_phone(page, "period-group.png")
    leader = Membership.objects.get(group=new, user=world.users["leader"])
    assert leader.board_role == BoardRole.LEADER
    assert Election.objects.get(group=new, role="leader").votes_for == 3


def test_leader_sends_the_rules_and_sees_who_got_what_G23(page: Any, live_server: Any) -> None:
    from django.core import mail

    from groups.models import RulesDelivery

    world = build_world()
    page.set_viewport_size(PHONE)
    _as(page, live_server, world.users["leader"])
    page.goto(f"/grupper/{world.group.pk}/reglement/")
    page.get_by_role("link", name="Send reglementet til alle").click()
    page.get_by_role("button", name="Send versjon 1 til alle").dblclick()
    page.get_by_text("Sendt til 5 personer.").wait_for()
    assert RulesDelivery.objects.count() == 5
    assert len(mail.outbox) == 5
    page.get_by_role("button", name="Minn dem som ikke har bekreftet").click()
    page.get_by_text("Sendt til 5 personer.").wait_for()
    table = page.get_by_role("table")
    assert "Marit Medlem" in table.inner_text() and "Påminnelse" in table.inner_text()
    _fits_phone(page, "rules-send.png")
