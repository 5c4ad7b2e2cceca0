"""The demo handler can unlock with the documented passphrase and read the demo report."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from tests.factories import whistleblowing as f
from whistleblowing import demo, services
from whistleblowing.models import Case, Handler, PublicContact

pytestmark = pytest.mark.django_db


def test_demo_load_is_idempotent_and_the_passphrase_works():
    ctx = SimpleNamespace(users={"handler": f.make_user(handler_group=True)})
    demo.load(ctx)
    demo.load(ctx)
    assert Case.objects.count() == 1
    assert PublicContact.objects.count() == 1  # W17: the report page has a contact
    handler = Handler.objects.get(user=ctx.users["handler"])
    key = f.case_key(handler, Case.objects.get(), passphrase=demo.DEMO_PASSPHRASE)
    assert (
        "fylkesårsmøtet" in services.read_blob(key, Case.objects.get().content_blob)["description"]
    )
