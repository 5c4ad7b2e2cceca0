"""S2, S7, S15: the default study plan "Politisk arbeid" with its seven chapters and the
booklet's "Til diskusjon" questions, the default policy and the 2024 hourly rate.

Chapters 3, 5 and 7 have a "Til diskusjon" section in the booklet; chapter 6 ends with one
question in the text; chapters 1, 2 and 4 have none, and none is invented here (the course
leader plans those sessions from the chapter text; administrators can add questions).
"""

import datetime as dt
from decimal import Decimal

from django.db import migrations

LEARNING_OBJECTIVES = "\n".join(
    [
        "Tilegne seg nødvendig kunnskap for å utøve jobben som folkevalgt på best mulig måte.",
        "Kjenne arbeidsformene i kommunestyregruppa og samarbeidet med lokallaget.",
        "Kunne arbeide med økonomi, planarbeid og politikkutvikling gjennom fireårsperioden.",
        "Lære sammen gjennom dialog, refleksjon og diskusjon.",
    ]
)

CHAPTERS = [
    (1, "Arbeidet i kommunestyregruppa", []),
    (2, "Folkevalgt på Senterpartivis", []),
    (
        3,
        "Kommunestyregruppa og lokallaget",
        [
            "Hvordan vil dere legge best mulig til rette for samarbeid mellom "
            "kommunestyregruppa og lokallaget gjennom perioden?",
            "Hvordan vil dere takle «å møte dere selv i døra» hvis program og praktisk "
            "politikk spriker?",
            "Hvordan vil dere håndtere uenighet?",
            "I hvilke type saker kan det tenkes at representantene fristilles?",
            "Hva tenker dere rundt ombudsrollen, og hvordan vil dere ivareta denne?",
            "Hvordan bør folkevalgte opptre i rollen som arbeidsgiveransvar for de ansatte i "
            "kommunen?",
            "Hvordan vil dere bruke medlemsmøtet i arbeidet?",
        ],
    ),
    (4, "Om økonomi og planarbeid", []),
    (
        5,
        "Politikkutvikling i fireårsperioden",
        [
            "Hvorfor er det viktig å gjennomføre åpne møter, høringer og kontakt med spesielle "
            "grupper i arbeidet med ulike saker fra programmet?",
            "Skal vi prioritere mediearbeid, eller bruke mer tid på for eksempel åpne møter og "
            "høringer?",
            "Hvordan drive politikkutvikling i fireårsperioden, med utgangspunkt i programmet og "
            "mulige politiske allianser? Diskuter både strategi og tidsplan.",
            "Hvordan bruke kommunestyregruppa og medlemsmøtene i arbeidet?",
        ],
    ),
    (
        6,
        "Bærekraftige kommuner",
        ["Hvordan jobber Senterpartiet i din kommune med bærekraftsmålene?"],
    ),
    (
        7,
        "Til avslutning: Mye handler om kommunikasjon",
        [
            "Hvordan bør arbeidsdelingen være mellom styre og kommunestyregruppe i "
            "informasjonsarbeidet?",
            "Hvordan bruker dere digital kommunikasjon gjennom nettside og sosiale medier? "
            "Diskuter hvordan dere kan lykkes i sosiale medier, hva som er bra/dårlig og hva "
            "som eventuelt kan gjøres bedre.",
            "Hvem tar ansvaret for å skrive leserinnlegg, og hvordan kan andre i lokallaget "
            "involveres, til f.eks. å forberede innlegg?",
        ],
    ),
]


def seed(apps, schema_editor):
    StudyPlan = apps.get_model("attendance", "StudyPlan")
    StudyChapter = apps.get_model("attendance", "StudyChapter")
    StudyPolicy = apps.get_model("attendance", "StudyPolicy")
    SubsidyRate = apps.get_model("attendance", "SubsidyRate")
    plan, _ = StudyPlan.objects.get_or_create(
        name="Politisk arbeid",
        defaults={
            "description": (
                "Studieheftet for kommunestyre- og fylkestingsgrupper. Organiser gjerne arbeidet "
                "som en studiering; studieopplegget kan gjennomføres fysisk, digitalt (alle til "
                "stede samtidig på Teams eller lignende) eller som en kombinasjon."
            ),
            "learning_objectives": LEARNING_OBJECTIVES,
            "is_approved": True,
            "allows_digital": True,
            "is_default": True,
            "study_association": "Senterpartiskolen",
        },
    )
    for number, title, questions in CHAPTERS:
        StudyChapter.objects.get_or_create(
            plan=plan,
            number=number,
            defaults={"title": title, "discussion_questions": questions},
        )
    StudyPolicy.objects.get_or_create(valid_from=dt.date(2000, 1, 1))
    SubsidyRate.objects.get_or_create(year=2024, defaults={"amount_per_hour": Decimal("120.00")})


class Migration(migrations.Migration):
    dependencies = [("attendance", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
