"""W17: migration 0006 makes one record of the public contacts. The two places they
were kept before (a handler's own public_phone / public_email, and the
WHISTLEBLOWING_CONTACT_PHONE / _EMAIL variables) are copied into it once."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)
BEFORE = [("whistleblowing", "0006_handling_duties")]
AFTER = [("whistleblowing", "0007_people_routes_and_public_contacts")]


def _migrate(targets):
    """Migrate whistleblowing to ``targets``; every other app stays at its newest
    migration, so the historical models (a user's language, say) match the tables."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    apps = {app for app, _name in targets}
    others = [n for n in executor.loader.graph.leaf_nodes() if n[0] not in apps]
    executor.migrate(targets)
    return executor.loader.project_state([*targets, *others]).apps


def test_existing_contacts_are_copied_into_the_one_record_W17(monkeypatch):
    monkeypatch.setenv("WHISTLEBLOWING_CONTACT_PHONE", "22 33 44 55")
    monkeypatch.setenv("WHISTLEBLOWING_CONTACT_EMAIL", "varsling@example.org")
    old = _migrate(BEFORE)
    try:
        User = old.get_model("groups", "User")
        Handler = old.get_model("whistleblowing", "Handler")
        ysg = User.objects.create(email="ylva@example.org", full_name="Ylva Ung")
        sec = User.objects.create(email="sara@example.org", full_name="Sara Sekretær")
        quiet = User.objects.create(email="stille@example.org", full_name="Stille")
        Handler.objects.create(
            user=ysg, role="youth_secretary_general", public_phone="+47 400 00 000"
        )
        Handler.objects.create(user=sec, role="secretariat", public_email="sara@sp.no")
        Handler.objects.create(user=quiet, role="secretariat")

        new = _migrate(AFTER)
        PublicContact = new.get_model("whistleblowing", "PublicContact")
        rows = {(c.route, c.name, c.phone, c.email) for c in PublicContact.objects.all()}
        assert rows == {
            ("youth_wing", "Ylva Ung", "+47 400 00 000", ""),
            ("central", "Sara Sekretær", "", "sara@sp.no"),
            ("secretary_general", "Generalsekretær", "22 33 44 55", "varsling@example.org"),
        }
        fields = {f.name for f in new.get_model("whistleblowing", "Handler")._meta.get_fields()}
        assert "public_phone" not in fields and "public_email" not in fields
    finally:
        _migrate(AFTER)
