"""Issue 18: the half-year plan's meetings store no title; ``Meeting.display_title`` makes
it from the kind, council slot, the date prepared for and the committee, in the reader's
language. This blanks the titles the plan stored, in Norwegian (or in English, when the
leader made the plan in English), and leaves every title a leader wrote or changed."""

import zoneinfo

from django.db import migrations, models

OSLO = zoneinfo.ZoneInfo("Europe/Oslo")

# What the plan stored before, per (kind, council slot), in both languages.
OLD_TITLES = {
    ("group", ""): (
        "Gruppemøte før kommunestyret %(date)s",
        "Group meeting before the council %(date)s",
    ),
    ("group", "before"): (
        "Formøte før kommunestyret %(date)s",
        "Pre-meeting before the council %(date)s",
    ),
    ("group", "after"): (
        "Ettermøte etter kommunestyret %(date)s",
        "Follow-up meeting after the council %(date)s",
    ),
    ("faction", ""): ("Fraksjonsmøte før %(date)s", "Faction meeting before %(date)s"),
}


def old_titles(meeting, council_meeting, committee_name):
    """The titles the plan would have stored for ``meeting``."""
    texts = OLD_TITLES.get((meeting.kind, meeting.council_slot), ())
    date = council_meeting.starts_at.astimezone(OSLO).strftime("%d.%m.%Y")
    out = set()
    for text in texts:
        title = text % {"date": date}
        if meeting.kind == "faction" and committee_name:
            title = f"{title} ({committee_name})"
        out.add(title)
    return out


def blank_generated_titles(apps, schema_editor):
    Meeting = apps.get_model("meetings", "Meeting")
    meetings = Meeting.objects.filter(council_meeting__isnull=False).select_related(
        "council_meeting", "committee"
    )
    blank = [
        m.pk
        for m in meetings.iterator()
        if m.title in old_titles(m, m.council_meeting, m.committee.name if m.committee_id else None)
    ]
    Meeting.objects.filter(pk__in=blank).update(title="")


def media_item_in_norwegian(apps, schema_editor):
    """G20: the standing media item made while the leader read English was stored as
    "Media strategy"; stored in Norwegian, it is shown in each reader's language."""
    AgendaItem = apps.get_model("meetings", "AgendaItem")
    AgendaItem.objects.filter(is_media_strategy=True, title="Media strategy").update(
        title="Mediestrategi"
    )


def restore_generated_titles(apps, schema_editor):
    """Back: the Norwegian title the plan used to store."""
    Meeting = apps.get_model("meetings", "Meeting")
    for m in Meeting.objects.filter(title="", council_meeting__isnull=False).select_related(
        "council_meeting", "committee"
    ):
        texts = OLD_TITLES.get((m.kind, m.council_slot))
        if texts:
            date = m.council_meeting.starts_at.astimezone(OSLO).strftime("%d.%m.%Y")
            title = texts[0] % {"date": date}
            if m.kind == "faction" and m.committee_id:
                title = f"{title} ({m.committee.name})"
            m.title = title
            m.save(update_fields=["title"])


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0008_chapter_briefing_members_meetings"),
    ]

    operations = [
        migrations.AlterField(
            model_name="meeting",
            name="title",
            field=models.CharField(blank=True, max_length=200, verbose_name="tittel"),
        ),
        migrations.RunPython(blank_generated_titles, restore_generated_titles),
        migrations.RunPython(media_item_in_norwegian, migrations.RunPython.noop),
    ]
