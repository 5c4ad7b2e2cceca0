"""G27: the year's cycle is stored when a period is created (``PERIOD_CREATED``); the
periods from before get theirs here, so the year view and the feed never write."""

from django.db import migrations


def load(apps, schema_editor):
    from meetings.services.cycle import entries_missing

    council_group = apps.get_model("groups", "CouncilGroup")
    cycle_entry = apps.get_model("meetings", "CycleEntry")
    for group in council_group.objects.order_by("period_start", "pk"):
        existing = set(
            cycle_entry.objects.filter(group=group).values_list("key", "year", "seq")
        )
        new = entries_missing(group, existing, model=cycle_entry)
        cycle_entry.objects.bulk_create(new, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("groups", "0008_user_language"),
        ("meetings", "0009_generated_titles_from_parts"),
    ]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
