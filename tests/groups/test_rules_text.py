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
