# Issue 15 item 3: what a reporter did is kept to the day only.

import datetime
from zoneinfo import ZoneInfo

from django.db import migrations

OSLO = ZoneInfo("Europe/Oslo")
REPORTER_EVENTS = ("case.submitted", "case.reporter_opened", "case.reporter_wrote")
REPORTER_NOTICES = ("new_report", "reporter_message")


def _day(moment):
    local = moment.astimezone(OSLO).date()
    return datetime.datetime.combine(local, datetime.time(0), tzinfo=OSLO)


def coarsen_reporter_times(apps, schema_editor):
    """Issue 15 item 3: what the reporter did is kept to the day, also in old rows."""
    model = lambda name: apps.get_model("whistleblowing", name)  # noqa: E731
    for case in model("Case").objects.only("created_at").iterator():
        model("Case").objects.filter(pk=case.pk).update(created_at=_day(case.created_at))
        model("KeyGrant").objects.filter(case_id=case.pk, granted_by__isnull=True).update(
            created_at=_day(case.created_at)
        )
    for name, filters in (
        ("Message", {"author": "reporter"}),
        ("Attachment", {"author": "reporter"}),
        ("Notification", {"kind__in": REPORTER_NOTICES}),
    ):
        for row in model(name).objects.filter(**filters).only("created_at").iterator():
            model(name).objects.filter(pk=row.pk).update(created_at=_day(row.created_at))
    for row in model("UsedFormToken").objects.only("used_at").iterator():
        model("UsedFormToken").objects.filter(pk=row.pk).update(used_at=_day(row.used_at))
    events = model("AuditEvent").objects.filter(actor__isnull=True, action__in=REPORTER_EVENTS)
    for row in events.only("at").iterator():
        model("AuditEvent").objects.filter(pk=row.pk).update(at=_day(row.at))


class Migration(migrations.Migration):

    dependencies = [
        ('whistleblowing', '0002_unlock'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='message',
            options={'ordering': ['id']},
        ),
        migrations.RunPython(coarsen_reporter_times, migrations.RunPython.noop),
    ]
