"""Demo data: the demo handler (in the secretariat, so they may also name recipients and
edit contacts) gets a key with a known passphrase, one report waits, and the report page
shows a public contact (W17) with made-up details.

Idempotent: a second run finds the key and the demo report and adds nothing."""

from __future__ import annotations

import secrets
from typing import Any

from whistleblowing import services
from whistleblowing.models import (
    AuditEvent,
    ContactRoute,
    Handler,
    HandlerGender,
    HandlerRole,
    PublicContact,
)

DEMO_PASSPHRASE = "demo-passphrase-2026"  # noqa: S105 - printed in the README on purpose


def load(ctx: Any) -> None:
    user = ctx.users["handler"]
    handler, _created = Handler.objects.get_or_create(
        user=user,
        defaults={
            "role": HandlerRole.SECRETARIAT,
            "gender": HandlerGender.FEMALE,
            "hr_competence": True,
            "sexual_harassment_recipient": True,
        },
    )
    if not handler.has_keys:
        services.handler_setup_keys(actor=user, handler=handler, passphrase=DEMO_PASSPHRASE)
    if not PublicContact.objects.exists():
        services.contact_save(
            actor=user,
            route=ContactRoute.SECRETARY_GENERAL,
            title="Generalsekretær i Senterpartiet (demo)",
            name="Gunnar Generalsen",
            phone="400 00 000",
            email="generalsekretaer@example.org",
        )
    if AuditEvent.objects.filter(action="case.submitted", data__demo=True).exists():
        return
    submitted = services.report_submit(
        report=services.ReportInput(
            category="discrimination",
            youth_wing=False,
            relation="witness",
            description=(
                "På fylkesårsmøtet hørte jeg en tillitsvalgt komme med nedsettende kommentarer "
                "om en ung deltaker flere ganger i løpet av kvelden. Hun virket lei seg."
            ),
            involved="En tillitsvalgt i lokallaget (demo)",
        ),
        files=[],
        form_token=secrets.token_hex(16),
    )
    AuditEvent.objects.filter(action="case.submitted", case=submitted.case).update(
        data={"demo": True, "category": "discrimination"}
    )
