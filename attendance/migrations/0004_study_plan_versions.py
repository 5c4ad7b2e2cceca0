"""S2, S9, S13: study plans become versions.

Each StudyPlan row is one version of a plan (``series`` + ``version``); a course already
points at the row it was planned with, so it keeps that version. Chapters get the booklet's
"Tips" boxes.

The seeded "Politisk arbeid" gains what it lacked, in the booklet's words: the questions of
chapter 2 under "Hva gjør vi hvis vi blir uenige?" and the tips boxes of chapters 2, 5, 6 and
7. If no course follows the seeded version yet, it is completed in place; if courses do,
those courses keep what they were planned with and a version 2 is added and made the
default for new courses."""

import datetime as dt

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.utils.text import slugify

SEED_NAME = "Politisk arbeid"

CHAPTER_2_QUESTIONS = [
    "Kan det gjøres vedtak som binder gruppa?",
    "Hva sier programmet?",
    "Hvordan vil vi forholde oss, og hvordan vil vi løse en mulig konflikt?",
    "Hvordan kan vi forebygge og håndtere konflikter?",
]

TIPS = {
    2: [
        "Forsøk å finne ut hva som ligger i konflikten, hva er det som ligger bak? Hvorfor har "
        "det oppstått en konflikt? Hva handler dette egentlig om? Prøv å se saken fra flere "
        "sider.",
        "Snakk med, og ikke bare om den eller de konflikten gjelder.",
        "Vær løsningsorienterte, og spør hvordan konflikten kan løses.",
        "Vær ekstra varsom ved personkonflikter, forsøk å se menneskene og ikke bare "
        "konflikten. Vær bevisst at konflikter kan gå utover psykisk helse, og at ikke alle "
        "tåler like mye.",
        "Ved låste konflikter: ta kontakt med Sp fylkeskontor, hovedorganisasjon eller søk "
        "ekstern hjelp.",
        "Tenk framover når konflikten er løst, sørg for at løsningen er ryddig og blir "
        "akseptert av de berørte partene. Ikke bruk energi på å fordele skyld.",
        "Husk at dere skal leve med løsning på konflikten også i framtida.",
    ],
    5: [
        "Standpunkt og forslag som fremmes i kommunestyret, skal være drøftet i gruppa. Vi må "
        "tåle å ikke være enige om ett og alt, men sakene skal være diskutert på forhånd.",
        "Offentlige ytringer og personlige vurderinger, til media, i møter eller andre fora, "
        "må vi kunne leve med. Ingen må snakke på vegne av partiet dersom standpunktet ikke er "
        "avklart!",
        "I store og konfliktfylte saker bør vi vente med å gå ut med standpunkt til saken har "
        "vært diskutert i kommunestyregruppa og medlemsmøte.",
        "Har partiet et klart standpunkt til en sak i programmet og du ikke har reservert deg, "
        "er det sterkt kritikkverdig om du går offentlig ut med et nytt syn.",
        "Det er lov å endre standpunkt ut fra nye forhold og opplysninger, men den prosessen "
        "tar vi i gruppa før alle andre gjøres kjent med endringene i syn.",
    ],
    6: [
        "Norge har forpliktet seg til å følge opp bærekraftsmålene, og dette må skje på alle "
        "nivåer i samfunnet. Kommuner og fylkeskommuner er svært viktige aktører gjennom "
        "politikk, planarbeid, partnerskap og forvaltning. KS gir hvert år ut publikasjonen "
        "Status kommune. I Status kommune 2023 Der folk bor er det henvist til relevante "
        "bærekraftsmål under hvert kapittel. Det er også mulig å søke på status kommune - "
        "kommunevise indikatorer",
        "«Politisk prioritering og eierskap er essensielt. Politisk prioritering påvirker både "
        "fart og retning for implementering av målene», skriver KS i en rapport om hvordan "
        "kommunesektoren arbeider for en bærekraftig fremtid.",
    ],
    7: [
        "Ta kontakt med journalister som du vet dekker din kommune. Gi vedkommende ditt "
        "telefonnummer og e-postadresse, og legg inn journalistens telefonnummer på din egen "
        "mobil.",
        "Mediene vil nødig være «mikrofonstativ» for politikere, men de tar gjerne imot gode "
        "tips til saker. Kontakt derfor lokale medier når du mener å ha en god sak. Gi gjerne "
        "informasjon om saker som kommer til politisk behandling når dere internt i partiet har "
        "avklart standpunkt, men før sakene skal behandles i kommunestyret.",
        "Har du skriftlige momenter til innlegg du holder i kommunestyret, kan det være greit å "
        "gi dette til tilstedeværende presse. Skriv gjerne leserbrev, men ha et konkret budskap "
        "som gjengis i overskriften. Start med din konklusjon og gi den en positiv vinkling sett "
        "fra Senterpartiets og din saks synsvinkel. Skriv kort!",
        "Se www.senterpartiskolen.no for mer informasjon om mediearbeid.",
    ],
}


def _series(apps, schema_editor):
    StudyPlan = apps.get_model("attendance", "StudyPlan")
    taken = set()
    for plan in StudyPlan.objects.order_by("pk"):
        base = slugify(plan.name)[:70] or "plan"
        series, n = base, 2
        while series in taken:
            series, n = f"{base}-{n}", n + 1
        taken.add(series)
        plan.series = series
        plan.save(update_fields=["series"])


def complete(plan_chapters):
    """Add chapter 2's questions and the tips boxes to chapters that lack them."""
    for chapter in plan_chapters:
        changed = []
        if chapter.number == 2 and not chapter.discussion_questions:
            chapter.discussion_questions = list(CHAPTER_2_QUESTIONS)
            changed.append("discussion_questions")
        if chapter.number in TIPS and not chapter.tips:
            chapter.tips = list(TIPS[chapter.number])
            changed.append("tips")
        if changed:
            chapter.save(update_fields=changed)


def seed_additions(apps, schema_editor):
    StudyPlan = apps.get_model("attendance", "StudyPlan")
    StudyChapter = apps.get_model("attendance", "StudyChapter")
    Course = apps.get_model("attendance", "Course")
    seeded = StudyPlan.objects.filter(name=SEED_NAME, version=1).first()
    if seeded is None:
        return
    if not Course.objects.filter(plan=seeded).exists():
        complete(StudyChapter.objects.filter(plan=seeded))
        return
    if StudyPlan.objects.filter(series=seeded.series, version__gt=1).exists():
        return
    was_default = seeded.is_default
    if was_default:
        seeded.is_default = False
        seeded.save(update_fields=["is_default"])
    successor = StudyPlan.objects.create(
        series=seeded.series,
        version=2,
        name=seeded.name,
        description=seeded.description,
        learning_objectives=seeded.learning_objectives,
        is_approved=True,
        approved_on=dt.date.today(),  # noqa: DTZ011 - the day this version was made
        allows_digital=seeded.allows_digital,
        is_default=was_default,
        study_association=seeded.study_association,
    )
    for chapter in StudyChapter.objects.filter(plan=seeded).order_by("number"):
        StudyChapter.objects.create(
            plan=successor,
            number=chapter.number,
            title=chapter.title,
            discussion_questions=list(chapter.discussion_questions),
            tips=list(chapter.tips),
            learning_objectives=chapter.learning_objectives,
        )
    complete(StudyChapter.objects.filter(plan=successor))


class Migration(migrations.Migration):
    dependencies = [
        ("attendance", "0003_certificates"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="studyplan",
            name="series",
            field=models.SlugField(max_length=80, null=True, verbose_name="plan"),
        ),
        migrations.AddField(
            model_name="studyplan",
            name="version",
            field=models.PositiveSmallIntegerField(default=1, verbose_name="versjon"),
        ),
        migrations.AddField(
            model_name="studyplan",
            name="approved_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="studychapter",
            name="tips",
            field=models.JSONField(blank=True, default=list, verbose_name="tips"),
        ),
        migrations.AlterField(
            model_name="studyplan",
            name="name",
            field=models.CharField(max_length=200, verbose_name="navn"),
        ),
        migrations.RunPython(_series, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="studyplan",
            name="series",
            field=models.SlugField(blank=True, max_length=80, null=True, verbose_name="plan"),
        ),
        migrations.AlterModelOptions(
            name="studyplan",
            options={
                "ordering": ("name", "-version"),
                "verbose_name": "studieplan",
                "verbose_name_plural": "studieplaner",
            },
        ),
        migrations.AddConstraint(
            model_name="studyplan",
            constraint=models.UniqueConstraint(
                fields=("series", "version"), name="plan_version_unique"
            ),
        ),
        migrations.RunPython(seed_additions, migrations.RunPython.noop),
    ]
