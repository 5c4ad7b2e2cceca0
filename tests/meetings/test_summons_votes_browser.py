"""End to end in Chromium (issue 19): the leader sends the summons with the agenda; a member
reports absence; the leader summons the substitute next in line; the members vote on a rules
change in the portal; the outcome appears in the rules history. Phone width (390 x 844)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from groups.models import RuleSet, RuleSetStatus
from meetings.models import SubstituteCall, SummonsDispatch
from tests.conftest import build_world, login_in_browser, screenshot
from tests.factories.groups import make_ruleset
from tests.factories.meetings import make_item, make_meeting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _logout(page: Any) -> None:
    page.get_by_role("button", name="Logg ut").click()
    page.wait_for_url("**/accounts/login/**")


def test_summons_absence_substitute_and_a_members_vote_on_the_rules_G2_G6_G22(
    page: Any,
) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    world = build_world()
    start = timezone.localtime(timezone.now() + dt.timedelta(days=7)).replace(
        hour=18, minute=0, second=0, microsecond=0
    )
    meeting = make_meeting(world.group, title="Gruppemøte før kommunestyret", starts_at=start)
    item = make_item(meeting, title="Skolebruksplan", order=1)
    make_item(meeting, title="Budsjett", order=2)
    make_item(meeting, title="Mediestrategi", order=900, is_media_strategy=True)
    substitute = world.memberships["substitute"]
    proposal = make_ruleset(
        world.group,
        status=RuleSetStatus.PROPOSED,
        decided_at=None,
        change_summary="Møtene flyttes til onsdag.",
    )
    url = f"/moter/{meeting.pk}/"

    # the leader plans the agenda with time (G9, G20) and sends the summons
    login_in_browser(page, world.users["leader"])
    page.goto(url)
    card = page.locator(f"#sak-{item.pk}")
    card.get_by_text("Tid og innleder").click()
    card.get_by_label("Planlagt varighet (minutter)").fill("30")
    card.get_by_label("Innleder").select_option(label="Marit Medlem")
    card.get_by_role("button", name="Lagre tid og innleder").click()
    page.get_by_text("Tid og innleder er lagret.").wait_for()
    card.get_by_text("kl. 18:00 · 30 min · Innleder: Marit Medlem").wait_for()
    page.locator("#sak-" + str(item.pk)).wait_for()
    card.get_by_role("button", name="Flytt ned: Skolebruksplan").click()
    page.get_by_text("Saklista er endret.").wait_for()
    page.locator("#sak-" + str(item.pk)).get_by_text("2. Skolebruksplan").wait_for()
    page.get_by_text("Fast sak på saklista").wait_for()
    screenshot(page, "agenda_with_time")
    page.get_by_role("link", name="Send innkalling").click()
    page.get_by_text("Skolebruksplan").wait_for()
    screenshot(page, "summons_send")
    page.get_by_role("button", name="Send innkallingen").click()
    page.get_by_text("Innkallingen er sendt.").wait_for()
    assert len(mail.outbox) == 5
    assert "2. Skolebruksplan – ansvarlig: Marit Medlem (30 min)" in mail.outbox[0].body
    assert SummonsDispatch.objects.filter(sent_at__isnull=False).count() == 5
    _logout(page)

    # a member reports absence with a reason
    login_in_browser(page, world.users["member"])
    page.goto(url)
    page.get_by_text("Meld forfall", exact=True).first.click()
    page.get_by_label("Grunn (valgfritt)").fill("Jobbreise")
    page.get_by_role("button", name="Meld forfall").click()
    page.get_by_text("Forfallet er meldt til gruppeleder.").wait_for()
    page.get_by_text("Du har meldt forfall.").wait_for()
    _logout(page)

    # the leader sees who is not coming and summons the next substitute in their place
    login_in_browser(page, world.users["leader"])
    page.goto(url + "#innkalling")
    section = page.locator("#innkalling")
    section.get_by_text("Marit Medlem – Jobbreise").wait_for()
    screenshot(page, "meeting_replies")
    mail.outbox.clear()
    section.get_by_role("button", name=f"Kall inn {substitute.user.full_name} (neste vara)").click()
    page.get_by_text(
        f"{substitute.user.full_name} er kalt inn som vararepresentant for Marit Medlem."
    ).wait_for()
    assert SubstituteCall.objects.filter(meeting=meeting, substitute=substitute).exists()
    assert [m.to for m in mail.outbox] == [[substitute.user.email]]
    assert "vararepresentant for Marit Medlem" in mail.outbox[0].body

    # the leader opens a vote on the rules change
    page.goto(f"/moter/gruppe/{world.group.pk}/avstemninger/")
    page.get_by_role("link", name="Ny avstemning").click()
    page.get_by_label("Hva skal det stemmes over?").select_option("rules")
    page.get_by_label("Forslag til reglement").select_option(str(proposal.pk))
    page.get_by_role("button", name="Åpne avstemningen").click()
    page.get_by_text("Avstemningen er åpnet.").wait_for()
    vote_url = page.url
    page.get_by_label("For", exact=True).check()
    page.get_by_role("button", name="Avgi stemme").click()
    page.get_by_text("Stemmen din er registrert.").wait_for()
    _logout(page)

    for role, choice in (("member", "For"), ("deputy", "Mot")):
        login_in_browser(page, world.users[role])
        page.goto(vote_url)
        page.get_by_label(choice, exact=True).check()
        page.get_by_role("button", name="Avgi stemme").click()
        page.get_by_text("Stemmen din er registrert.").wait_for()
        _logout(page)

    # the leader closes it (a confirmation step); the outcome is in the rules history
    login_in_browser(page, world.users["leader"])
    page.goto(vote_url)
    page.get_by_text("3 av 4 stemmeberettigede har stemt.").wait_for()
    page.get_by_role("link", name="Avslutt avstemningen nå").click()
    page.get_by_role("button", name="Avslutt avstemningen").click()
    page.get_by_text("Kryss av for å bekrefte.").wait_for()  # not ticked: nothing closed
    page.get_by_label("Ja, avslutt avstemningen nå").check()
    page.get_by_role("button", name="Avslutt avstemningen").click()
    page.get_by_text("Avstemningen er avsluttet og resultatet er sendt ut.").wait_for()
    page.get_by_text("2 for, 1 mot, 0 blanke av 4 stemmeberettigede.").wait_for()
    screenshot(page, "vote_result")
    assert RuleSet.objects.get(pk=proposal.pk).status == RuleSetStatus.ADOPTED
    page.goto(f"/grupper/{world.group.pk}/reglement/versjoner/")
    page.get_by_text("Avstemning i portalen: 2 for, 1 mot, 0 blanke").wait_for()
    screenshot(page, "rules_history")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
