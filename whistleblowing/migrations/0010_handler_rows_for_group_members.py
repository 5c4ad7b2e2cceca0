"""Handlers are made when the role is granted (issue 14): a user already in the handlers
group without a Handler row (before this change, the row came on the first visit) gets one
now, as secretariat, as the first visit would have made it."""

from django.conf import settings
from django.db import migrations

HANDLERS_GROUP = "whistleblowing_handlers"


def create_missing_rows(apps, schema_editor):
    User = apps.get_model(settings.AUTH_USER_MODEL)
    Handler = apps.get_model("whistleblowing", "Handler")
    missing = User.objects.filter(groups__name=HANDLERS_GROUP, wb_handler__isnull=True)
    Handler.objects.bulk_create(
        [Handler(user_id=pk) for pk in missing.values_list("pk", flat=True).distinct()]
    )


class Migration(migrations.Migration):
    dependencies = [
        ("whistleblowing", "0009_notification_outbox"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(create_missing_rows, migrations.RunPython.noop, elidable=True),
    ]
