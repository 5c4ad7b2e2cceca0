"""E1: the ethical guidelines become versioned sections with who published them, every
representative asked to acknowledge is recorded, and a fresh database holds the guidelines
as the booklet "Politisk arbeid" states them (last revised by the national board on 25
October 2022).

Existing versions keep their text (as one section) and are numbered by publication date;
the booklet's version is added after them, so it is the version in force."""

import datetime as dt
from zoneinfo import ZoneInfo

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

TITLE = "Senterpartiets etiske retningslinjer"
BOOKLET_SUMMARY = "Sist revidert av Senterpartiets landsstyre 25. oktober 2022."
BOOKLET_PUBLISHED = dt.datetime(2022, 10, 25, 12, 0, tzinfo=ZoneInfo("Europe/Oslo"))

SECTIONS = [
    {
        "heading": "",
        "text": (
            "Allmenngyldige etiske verdier og normer som åpenhet, sannferdighet, ærlighet, "
            "pålitelighet, lojalitet, og at man skal behandle andre slik man selv ønsker å bli "
            "behandlet, ligger til grunn for Senterpartiets arbeid. Politisk arbeid er basert på "
            "gjensidig tillit mellom velger og folkevalgte. Partiets representanter skal opptre "
            "slik at det aldri kan være tvil om at de både som tillitsvalgte, folkevalgte og "
            "ansatte etterstreber å leve opp til, og praktiserer, en høy etisk standard og "
            "utfører sine oppgaver med høy grad av integritet. Senterpartiets etiske "
            "retningslinjer er ment å være generelle rettesnorer som igjen krever gjennomtenking "
            "og refleksjon av den enkelte folkevalgte, tillitsvalgte, medlemmer og ansatte. "
            "Bestemmelsene som er nedfelt er ikke uttømmende. Det er den enkelte og gruppers "
            "handlinger sammen som avgjør den etiske standarden i partiet. Det kreves god "
            "dømmekraft å sikre at alle handlinger og beslutninger er i samsvar med vår etiske "
            "standard. Tillits- og folkevalgte har et selvstendig ansvar for å unngå "
            "situasjoner/relasjoner der det kan stilles spørsmål ved om hendelser kan oppfattes å "
            "være i strid med dette reglement."
        ),
    },
    {
        "heading": "Lederansvaret",
        "text": (
            "Lederne i partiet, både tillitsvalgte, folkevalgte og ansatte, har et særlig ansvar "
            "for etisk standard og refleksjon og for å skape trygge møteplasser i partiet. For "
            "det første fordi lederne gjennom ord, handlinger og lederstil har stor innflytelse "
            "på kulturen og normene for adferd i organisasjonen. For det andre fordi lederne selv "
            "kan bli satt i situasjoner hvor valg og beslutninger krever etisk refleksjon og "
            "klokskap.\n"
            "\n"
            "For det tredje fordi det er ledernes ansvar å sørge for at hele organisasjonen er "
            "seg bevisst de etiske kravene som stilles i partiet, og at det umiddelbart blir tatt "
            "opp i organisasjonen dersom det skjer brudd på lover og regler, eller det utvikler "
            "seg en uheldig sedvane og kultur. Mange ser opp til og har stor respekt for "
            "mennesker med makt. Vær særlig bevisst på en ubalanse i maktforholdet i din omgang "
            "med andre. Ledere har et ekstra ansvar på arrangementer der ungdommer er til stede "
            "fordi man kan oppfattes som forbilde og skal opptre deretter."
        ),
    },
    {
        "heading": "Personlig ansvar",
        "text": (
            "Hver enkelt plikter å gjøre seg kjent med de bestemmelser og instrukser som til "
            "enhver tid gjelder for tillitsvalgte, folkevalgte og ansatte i partiet, og har et "
            "personlig ansvar for å følge retningslinjene på beste måte. Dette gjelder også "
            "tidligere tillitsvalgte, folkevalgte og ansatte. Det påligger alle tillitsvalgte et "
            "spesielt ansvar for å forebygge, være på vakt mot uheldig opptreden og ta eventuelle "
            "saker på høyeste alvor. Arbeidsgiver har ansvar for å beskytte arbeidstakere som "
            "avdekker og rapporterer kritikkverdige forhold."
        ),
    },
    {
        "heading": "Diskriminering og trakassering",
        "text": (
            "Senterpartiet aksepterer ingen form for trakassering, diskriminering eller annen "
            "utilbørlig adferd overfor personer du forholder deg til. I Senterpartiet er det "
            "nulltoleranse for adferd som oppleves seksualisert krenkende og som ikke respekterer "
            "en annens integritet fysisk, følelsesmessig eller mentalt. Tillitsvalgte som blir "
            "kontaktet om uønsket seksuell oppmerksomhet eller annen utilbørlig adferd må ta alle "
            "slike henvendelser alvorlig med nødvendig oppfølging av alle parter. Det er "
            "trakassering når en person blir utsatt for uønskede negative handlinger, unnlatelser "
            "eller ytringer som virker eller har til formål å virke krenkende, skremmende, "
            "fiendtlige, nedverdigende eller ydmykende. *\n"
            "\n"
            "Seksuell trakassering er uønsket seksuell oppmerksomhet som har som formål eller "
            "virkning å være krenkende, skremmende, fiendtlig, nedverdigende, ydmykende eller "
            "plagsom. * Innunder seksuell trakassering ligger også uønsket seksuell oppmerksomhet "
            "i sosiale medier, spredning av nakenbilder eller annen distribusjon av bilder med "
            "seksuelt innhold, samt uønsket kontakt/seksuell oppmerksomhet via telefon og "
            "digitale kommunikasjonskanaler.\n"
            "\n"
            "*Hentet fra arbeidsmiljøloven § 4-3 og likestillings- og diskrimineringsloven § 13. "
            "Trakassering og seksuell trakassering kan også være straffbart etter straffelovens "
            "bestemmelser."
        ),
    },
    {
        "heading": "Varsling",
        "text": (
            "Alle medlemmer, tillitsvalgte, folkevalgte og ansatte i Senterpartiet kan varsle. "
            "Varsler kan også mottas fra personer utenfor organisasjonen. Varsling er å gå videre "
            "med mistanke eller visshet om kritikkverdige forhold til noen som kan gjøre noe med "
            "det. Med kritikkverdige forhold menes brudd på Senterpartiets vedtekter eller brudd "
            "med Senterpartiets etiske retningslinjer, samt tilfeller der dette også er brudd på "
            "norsk lov. Overtredelsen kan gjelde både personlig adferd, politisk eller "
            "organisatorisk overtramp. Ledende tillitsvalgte og ansatte pålegges et særskilt "
            "ansvar (intern varslingsplikt) for forhold de måtte bli kjent med i partiet.\n"
            "\n"
            "Tematikken kan for eksempel være:\n"
            "• Diskriminering og trakassering (herunder uønsket seksuell oppmerksomhet)\n"
            "• Misbruk av rusmidler\n"
            "• Integritet/inhabilitet\n"
            "• Rolleforståelse\n"
            "• Ivaretakelse av de yngste\n"
            "• Økonomisk mislighold\n"
            "\n"
            "Kritikkverdige forhold skal varsles om så tidlig som mulig. De impliserte og partiet "
            "er ikke tjent med at kritikkverdige forhold i organisasjonen holdes skjult. Hvem "
            "varsleren er skal håndteres fortrolig, med mindre varsler selv ønsker å bli gjort "
            "kjent. Varsler skal ha tilbakemelding om at varsel er mottatt og den videre "
            "håndtering så snart som mulig og senest innen 14 dager etter at varselet er "
            "fremsatt. Den som varsler skal ikke møte represalier eller gjengjeldelse for dette. "
            "Dersom den som varsler ikke selv er part i saken, skal vedkommende få bekreftelse "
            "når varselet er mottatt og tatt opp til behandling. Vedkommende har ikke krav på "
            "videre informasjon rundt håndteringen av varselet."
        ),
    },
    {
        "heading": "Varsling av kritikkverdige forhold",
        "text": (
            "Som utgangspunkt må saker kunne varsles til nærmeste leder i det organ som er "
            "berørt. I tilfeller der det ikke er naturlig å varsle til nærmeste leder kan det "
            "varsles til generalsekretær. Det kan også varsles direkte til den ansatte som er "
            "utpekt som varslingsmottaker sentralt. For varslingssaker som gjelder "
            "senterungdommer skal det alltid varsles direkte til Senterungdommens "
            "generalsekretær. Saker som berører ansatte skal varsles til tillitsvalgt eller "
            "generalsekretær avhengig av situasjonen. Saker vedrørende arbeidsmiljø for eller "
            "blant ansatte kan varsles til arbeidsmiljøutvalget."
        ),
    },
    {
        "heading": "Spesielt ved varsling om seksuell trakassering",
        "text": (
            "Som utgangspunkt må saker om seksuell trakassering også kunne varsles til nærmeste "
            "leder i det organ som er berørt. I tilfeller der det ikke er naturlig å varsle til "
            "nærmeste leder kan det varsles til generalsekretær. Det kan også varsles direkte til "
            "den ansatte som er utpekt som varslingsmottaker sentralt. Som hovedregel skal begge "
            "kjønn være representert som varslingsmottakere, men det er viktig at utpekt "
            "varselmottaker har HR-kompetanse. Senterpartiets generalsekretær har myndighet til å "
            "håndtere alle varsler om seksuell trakassering i Senterpartiet.\n"
            "\n"
            "Kontaktinformasjon til varslingskontakter:\n"
            "- Generalsekretær i Senterpartiet Knut M. Olsen, kmo@sp.no, 922 30 101\n"
            "- Personal- og økonomirådgiver i Senterpartiet Emilie Hammer, eh@sp.no, 416 36 545"
        ),
    },
    {
        "heading": "Oppfølging av varsler",
        "text": (
            "Senterpartiets generalsekretær skal – uten opphold – informeres for håndtering, "
            "bistand eller konsultasjon dersom:\n"
            "• Det er tvil om sak og håndtering.\n"
            "• Varsleren ikke oppnår reaksjon.\n"
            "• Saken forutsetter håndtering av offentlig tilsyn eller politi.\n"
            "• Saken kan ha betydning utover i organisasjonen og offentligheten.\n"
            "\n"
            "Senterpartiets generalsekretær skal alltid informeres om varsler i Senterungdommen. "
            "Alle konkrete meldinger om trakassering og seksuell trakassering skal tas alvorlig "
            "og føre til konkret handling. Dersom et medlem får opplysninger om trakassering, "
            "skal dette rapporteres til en ledende tillitsvalgt eller generalsekretær. Ved "
            "organisasjonens behov for bistand fra Senterpartiet sentralt, skal slik bistand ytes "
            "uten unødig opphold og senest innen 14 dager.\n"
            "\n"
            "Ved trakasseringsvarsler hvor informasjonen gis av andre enn den som opplever seg "
            "trakassert, må den som håndterer saken ta kontakt med den som opplever seg "
            "trakassert for å nedtegne all relevant informasjon om saken.\n"
            "\n"
            "Senterpartiet skal i møte med varsler om trakassering ivareta begge parter på en god "
            "måte. Partiet skal legge til rette for at begge parter opplever å bli tatt på alvor. "
            "Både varslere og de(n) det varsles mot skal kunne ta med en person de(n) har tillit "
            "til, inn i møter og samtaler vedrørende varselet. Informasjon som gis i slike saker "
            "skal behandles fortrolig. Hensynet til enkeltmennesker, enten det er den fornærmede "
            "eller motparten, må stå i fokus (kontradiksjonsprinsippet). Dersom den fornærmede er "
            "under 18 år skal foreldre/foresatte delta på møtet. Motsetter den fornærmede seg "
            "dette og er over 16 år skal vedkommende ha med seg en annen myndig person til møtet.\n"
            "\n"
            "Ved behandlingen av saker om kritikkverdige forhold og seksuell trakassering skal "
            "saksbehandlingen dokumentere partiets håndtering og handlinger i saken. Det samme "
            "gjelder for Senterungdommen. Denne dokumentasjonen skal ved behov og på forespørsel "
            "overleveres politi/-påtalemyndighet. Dokumentasjonen skal håndteres i henhold til "
            "GDPR. Hovedregelen er at opplysningene skal slettes innen 5 år etter at saken er "
            "avsluttet. Dersom den fornærmede er myndig skal generalsekretær anbefale at "
            "straffbare forhold anmeldes. Om ønskelig skal det gis nødvendig bistand ved slik "
            "anmeldelse. Generalsekretæren kan knytte til seg juridisk kompetanse ved behov. Hvis "
            "det foreligger mistanke om at det har skjedd lovbrudd bør man melde saken til "
            "politiet og/eller barnevernet så raskt som mulig. For personer under 16 år skal det "
            "meldes. Politianmeldelse skal aldri skje uten først å innhente synspunkt fra "
            "fornærmede/fornærmedes foresatte, med mindre disse er anklaget i saken. Fornærmede "
            "må få nødvendig hjelp til å fremstille egen versjon, og på eget grunnlag få hjelp "
            "til å anmelde saken. I noen tilfeller kan oppfølging av saker også bestå i å lede "
            "folk til relevant helsehjelp.\n"
            "\n"
            "Politianmeldelser skal behandles konfidensielt. Retningslinjer gitt i "
            "forvaltningsloven om oppbevaring av taushetsbelagte opplysninger, arkivloven og "
            "personopplysningsloven skal følges. Det samme gjelder bekymringsmeldinger til "
            "barnevernet. Det er kun rettsvesenet som kan dømme i straffesaker. Ingen instans i "
            "partiet skal opptre som dommer for mulige lovbrudd."
        ),
    },
    {
        "heading": "Reaksjoner",
        "text": (
            "En tillitsvalgt er en som har tillitt fra omgivelsene. En tillitsvalgt som bryter "
            "med partikultur og etiske retningslinjer, mister tillit. Det vil kunne bli lagt "
            "betydelig vekt på slike brudd ved eventuell renominasjon/gjenvalg. Ved brudd på "
            "etiske retningslinjer, kan Senterpartiet komme til å ta offentlig avstand fra "
            "adferden og handlingene, og oppfordre vedkommende til å vurdere sin "
            "stilling/posisjon.\n"
            "\n"
            "Personer som utsetter andre for noen form for trakassering skal møtes med sanksjoner "
            "og partiet har sanksjonsmuligheter som:\n"
            "\n"
            "Muntlig advarsel (ikke konklusjon om, men en bekymring for brudd på retningslinjer).\n"
            "\n"
            "Skriftlig advarsel (ikke konklusjon om, men en bekymring for brudd på "
            "retningslinjer).\n"
            "\n"
            "Skriftlig irettesettelse (pga. konklusjon om brudd på etiske retningslinjer) som kan "
            "inkludere:\n"
            "- Utestengelse for en gitt periode (eks fra partiarrangementer med overnatting)\n"
            "- Ileggelse av forbud for en gitt periode (eks mot å nyte alkohol på "
            "partiarrangementer).\n"
            "- At vedkommende ikke får anledning til å påta seg tillits- eller folkevalgte verv "
            "for en periode.\n"
            "- At vedkommende må fratre sine tillitsverv.\n"
            "\n"
            "Suspensjon mens saken behandles\n"
            "\n"
            "Eksklusjon (jfr. partiets vedtekter § 5).\n"
            "\n"
            "Konsekvenser for ansettelsesforhold i Senterpartiet.\n"
            "\n"
            "For eventuelt å kunne håndheve ilagte suspensjon eller reaksjoner, kan nødvendige "
            "organer motta informasjon om beslutningen om ileggelse av suspensjon eller reaksjon."
        ),
    },
    {
        "heading": "Interessekonflikter",
        "text": (
            "Den som ønsker å stille som kandidat til valg for partiet plikter å være åpen "
            "overfor de organer som skal foreta innstilling og valg om forhold som kan medføre "
            "interessekonflikter."
        ),
    },
    {
        "heading": "Lobbyvirksomhet",
        "text": (
            "Åpenhet og tilgjengelighet er sentrale positive kjennetegn ved det norske "
            "demokratiet. Det er viktig at politikere, uten at dette mistenkeliggjøres, har "
            "mulighet til å innhente informasjon på fritt grunnlag fra de kildene de selv måtte "
            "ønske, samt at de kan ha en direkte dialog med dem som faktisk berøres av de "
            "politiske beslutningene. Tillitsvalgte og ansatte i Senterpartiet plikter derfor å "
            "gjøre seg kjent med hvem og hvilke interesser de man møter i politiske sammenhenger "
            "representerer."
        ),
    },
    {
        "heading": "Gaver",
        "text": (
            "Det er ikke tillatt for personer i egenskap av å være tillitsvalgt, folkevalgt eller "
            "ansatt i Senterpartiet å tilby eller ta imot gaver der dette kan påvirke "
            "beslutninger eller kan oppfattes slik, og under ingen omstendigheter i tilfeller der "
            "dette handler om annet enn symbolske verdier."
        ),
    },
    {
        "heading": "Sosiale medier",
        "text": (
            "Sosiale medier er først og fremst en mulighet, men uvettig bruk kan føre til stor "
            "negativ oppmerksomhet, både for den enkelte og for partiet. Tillitsvalgte, "
            "folkevalgte og ansatte skal ha partiets beste for øye også når de henvender seg via "
            "sosiale medier. Man bør tilstrebe samme aktsomhet i omtale av personer og politikk "
            "gjennom sosiale medier som man ville gjort ansikt til ansikt eller i et "
            "debattinnlegg i aviser."
        ),
    },
    {
        "heading": "Oppfølging i organisasjonen",
        "text": (
            "Etiske retningslinjer har ingen verdi uten at de viser seg i etisk handling når man "
            "står overfor et etisk dilemma. For å sikre høy etisk bevissthet legges følgende til "
            "grunn:\n"
            "· Nytt sentralstyre, fylkesstyre og lokallagsstyre samt alle folkevalgte skal "
            "gjennomgå partiets etiske retningslinjer og den praksis som følges, men også "
            "reflektere over etiske dilemmaer. De skal også gjøre seg kjent med relevante lover, "
            "partiets vedtekter og øvrige retningslinjer.\n"
            "· Nye ansatte skal få en innføring i relevante lover, partiets vedtekter og "
            "retningslinjer, og etisk praksis i organisasjonen."
        ),
    },
]


def forwards(apps, schema_editor):
    Guidelines = apps.get_model("groups", "EthicsGuidelines")
    rows = list(Guidelines.objects.order_by("published_at", "pk"))
    for number, row in enumerate(rows, start=1):
        row.number = number
        row.sections = [{"heading": "", "text": row.body}]
        row.save(update_fields=["number", "sections"])
    if not any(row.sections and row.sections[0]["text"] == SECTIONS[0]["text"] for row in rows):
        Guidelines.objects.create(
            version_label="",
            number=len(rows) + 1,
            title=TITLE,
            body="",
            sections=SECTIONS,
            change_summary=BOOKLET_SUMMARY,
            published_at=BOOKLET_PUBLISHED,
        )


def backwards(apps, schema_editor):
    Guidelines = apps.get_model("groups", "EthicsGuidelines")
    for row in Guidelines.objects.all():
        row.body = "\n\n".join(
            (s["heading"] + "\n\n" if s["heading"] else "") + s["text"] for s in row.sections
        )
        row.version_label = str(row.number)
        row.save(update_fields=["body", "version_label"])


class Migration(migrations.Migration):
    dependencies = [
        ("groups", "0004_task_failure"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField("ethicsguidelines", "version", "version_label"),
        migrations.AlterField(
            model_name="ethicsguidelines",
            name="version_label",
            field=models.CharField(blank=True, max_length=40),
        ),
        migrations.AddField(
            model_name="ethicsguidelines",
            name="number",
            field=models.PositiveIntegerField(null=True),
        ),
        migrations.AddField(
            model_name="ethicsguidelines",
            name="sections",
            field=models.JSONField(default=list, verbose_name="avsnitt"),
        ),
        migrations.AddField(
            model_name="ethicsguidelines",
            name="change_summary",
            field=models.TextField(blank=True, verbose_name="hva er endret"),
        ),
        migrations.AddField(
            model_name="ethicsguidelines",
            name="published_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="publisert av",
            ),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.RemoveField(model_name="ethicsguidelines", name="body"),
        migrations.RemoveField(model_name="ethicsguidelines", name="version_label"),
        migrations.RenameField("ethicsguidelines", "number", "version"),
        migrations.AlterField(
            model_name="ethicsguidelines",
            name="version",
            field=models.PositiveIntegerField(unique=True, verbose_name="versjon"),
        ),
        migrations.AlterModelOptions(
            name="ethicsguidelines",
            options={
                "ordering": ("-version",),
                "verbose_name": "etiske retningslinjer",
                "verbose_name_plural": "etiske retningslinjer",
            },
        ),
        migrations.AlterField(
            model_name="ethicsacknowledgement",
            name="guidelines",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="acknowledgements",
                to="groups.ethicsguidelines",
            ),
        ),
        migrations.CreateModel(
            name="EthicsRequest",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("requested_at", models.DateTimeField(verbose_name="bedt om bekreftelse")),
                ("emailed_at", models.DateTimeField(blank=True, null=True, verbose_name="e-post sendt")),
                (
                    "guidelines",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="requests",
                        to="groups.ethicsguidelines",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="ethics_requests",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("guidelines", "user"), name="ethics_request_once")
                ],
            },
        ),
    ]
