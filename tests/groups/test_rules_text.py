"""G23: the rules that members acknowledge say what the booklet's template says
("Reglement for kommunestyregruppa (mal)" in the study booklet), with the group's own facts
filled into its blanks (G1: the number of voting members)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils.html import strip_tags

from tests.conftest import World

BOOKLET = Path(settings.BASE_DIR).parent / "shared" / "seed" / "000_f86ba44bd32f219b.txt"

# Sentences of the template, as the booklet words them (its blanks and the choice between
# "kommunestyre-" and "fylkesting-" left out).
TEMPLATE_PHRASES = [
    "med tale-, forslags- og stemmerett i alle saker som behandles av gruppa",
    "Disse møter med tale- og forslagsrett",
    "Medlemmer i lokallaget har tale- og forslagsrett på gruppemøtene i kommunestyregruppa",
    "Ordfører/varaordfører er observatør i gruppestyre",
    "Sørge for at fraksjonen drøfter sakene i forkant av alle møter",
    "Orientere resten av gruppa om arbeidet i fraksjonen",
    "Legge fram utvalgets saker på gruppemøtet",
    "Ha kontakt med samarbeidspartienes utvalgsmedlemmer i forkant av utvalgsmøtene",
    "Formannskapsfraksjonen er sammensatt av de faste medlemmene",
    "Fraksjonsleder har fullmakt til å kalle inn andre til fraksjonsmøte",
    "Det vedtas halvårige møteplaner for gruppa",
    "Gruppemøtene i kommunestyregruppa er åpen",
    "skal dette fremmes gjennom gruppeleder",
    "føle seg trygge på sakene i forkant og ivaretas i etterkant",
    "Representanter som erklærer seg som uavhengige skal ikke delta på gruppemøter i Senterpartiet",
    "Møtene i gruppestyret skal holdes for lukkede dører",
    "Det skal tungtveiende grunner til for å gå imot vedtak / konklusjoner i gruppa, gruppestyret eller fraksjonene",
    "etter avtale med gruppeleder / fraksjonsleder",
    "Dette skal gjøres på en måte der en ikke går til «politisk angrep» på egne partifeller",
    "Mediestrategi bør være tema på alle ordinære gruppemøter",
    "oppfordres til å være aktive på sosiale medi",
    "Gruppeleder er ansvarlig for at dette blir gjennomført",
    "minst to ganger i året",
]


def _words(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _fold(text: str) -> str:
    # "åpen"/"åpne", "sosiale media"/"medier": the page corrects the booklet's grammar
    return _words(text).lower().replace("åpne", "åpen")


@pytest.mark.django_db
def test_the_rules_page_says_what_the_template_says_G23(world: World) -> None:
    page = world.client_for("member").get(reverse("groups:rules", args=[world.group.pk]))
    assert page.status_code == 200
    text = _fold(strip_tags(page.content.decode()))
    missing = [p for p in TEMPLATE_PHRASES if _fold(p) not in text]
    assert missing == []


@pytest.mark.django_db
def test_the_rules_count_the_voting_members_not_everyone_registered_G1_G23(
    world: World,
) -> None:
    """Leader, deputy, member and faction leader vote; the substitute does not."""
    page = world.client_for("member").get(reverse("groups:rules", args=[world.group.pk]))
    text = _words(strip_tags(page.content.decode()))
    assert "totalt 4 medlemmer med tale-, forslags- og stemmerett" in text


@pytest.mark.skipif(not BOOKLET.exists(), reason="the booklet lies beside the repository")
def test_the_phrases_are_the_booklet_s_own_words() -> None:
    booklet = _fold(BOOKLET.read_text(encoding="utf-8"))
    assert [p for p in TEMPLATE_PHRASES if _fold(p) not in booklet] == []


def _document(response: object) -> str:
    """The rules document itself, without the page's live parts (who has acknowledged)."""
    html = response.content.decode()  # type: ignore[attr-defined]
    return _words(strip_tags(html.split('<div class="rules-document">', 1)[1]))


def _pdf_text(response: object) -> str:
    import subprocess
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(response.content)  # type: ignore[attr-defined]
        f.flush()
        out = subprocess.run(["pdftotext", "-layout", f.name, "-"], capture_output=True, check=True)
    return _words(out.stdout.decode())


@pytest.mark.django_db
def test_an_adopted_version_is_a_fixed_record_of_its_text_and_members_G22_G23(
    world: World,
) -> None:
    """Members and factions added after the adoption, or a person erased, never change the
    page or the PDF of the version as it was adopted."""
    import datetime as dt

    from groups import privacy, services
    from groups.models import RuleSetStatus
    from tests.factories.groups import make_committee, make_membership, make_user

    leader = world.users["leader"]
    fields = services.RuleFields(
        meeting_place="Kommunehuset",
        meeting_weekdays=[2],
        meeting_start=dt.time(18),
        meeting_end=dt.time(20),
        quarantine_months=0,
        cooperation="",
    )
    proposal = services.ruleset_propose(
        actor=leader, group=world.group, fields=fields, change_summary="Onsdager"
    )
    services.ruleset_decide(actor=leader, ruleset=proposal, votes_for=3, votes_against=1)
    client = world.client_for("leader")
    page_url = reverse("groups:rules_version", args=[world.group.pk, proposal.version])
    pdf_url = reverse("groups:rules_pdf", args=[world.group.pk, proposal.version])
    page_before = _document(client.get(page_url))
    pdf_before = _pdf_text(client.get(pdf_url))
    assert "Marit Medlem" in page_before and "Marit Medlem" in pdf_before
    # later: a new member, a new faction with a leader, and an erased member
    make_membership(world.group, make_user(full_name="Nora Nykommer"))
    committee = make_committee(world.group, name="Formannskapet")
    committee.faction_leader = world.memberships["deputy"]
    committee.save()
    privacy.person_erase(actor=world.users["site_admin"], person=world.users["member"])
    page_after = _document(client.get(page_url))
    pdf_after = _pdf_text(client.get(pdf_url))
    assert page_after == page_before
    assert "Nora Nykommer" not in page_after and "Nora Nykommer" not in pdf_after
    assert "Formannskapet: Nils Nestleder" not in page_after
    doc = proposal.adopted_document
    assert "Marit Medlem" in doc and "Marit Medlem" in pdf_after
    proposal.refresh_from_db()
    assert proposal.status == RuleSetStatus.ADOPTED and proposal.adopted_document == doc


@pytest.mark.django_db
def test_a_rejected_version_says_it_was_rejected_not_adopted_G22(world: World) -> None:
    import datetime as dt

    from groups import services

    leader = world.users["leader"]
    fields = services.RuleFields(
        meeting_place="Kommunehuset",
        meeting_weekdays=[2],
        meeting_start=dt.time(18),
        meeting_end=dt.time(20),
        quarantine_months=0,
        cooperation="",
    )
    proposal = services.ruleset_propose(
        actor=leader, group=world.group, fields=fields, change_summary="Onsdager"
    )
    url = reverse("groups:rules_version", args=[world.group.pk, proposal.version])
    assert "Forslag, ikke vedtatt" in client_text(world, url)
    services.ruleset_decide(actor=leader, ruleset=proposal, votes_for=1, votes_against=3)
    text = client_text(world, url)
    assert "Forkastet" in text and "Vedtatt " not in text.split("Reglement for", 1)[1]
    assert proposal.adopted_document == ""


def client_text(world: World, url: str) -> str:
    return _words(strip_tags(world.client_for("leader").get(url).content.decode()))


@pytest.mark.django_db
def test_a_proposal_shows_what_it_changes_against_the_version_in_force_G22(
    world: World,
) -> None:
    import datetime as dt

    from groups import services

    fields = services.RuleFields(
        meeting_place="Kommunehuset",
        meeting_weekdays=[1],
        meeting_start=dt.time(18),
        meeting_end=dt.time(20),
        quarantine_months=0,
        cooperation="",
    )
    proposal = services.ruleset_propose(
        actor=world.users["leader"], group=world.group, fields=fields, change_summary="Nytt sted"
    )
    url = reverse("groups:rules_version", args=[world.group.pk, proposal.version])
    html = world.client_for("member").get(url).content.decode()
    table = html.split("Endringer mot reglementet som gjelder nå", 1)[1].split("</table>", 1)[0]
    assert "<del>Rådhuset, møterom 2</del>" in table and "<ins>Kommunehuset</ins>" in table
    assert "Møtedager" not in table, "an unchanged blank is not listed"
