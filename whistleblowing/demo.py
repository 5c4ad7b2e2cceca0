"""Demo data: the demo handler gets a key with a known passphrase, and one report waits.

Idempotent: a second run finds the key and the demo report and adds nothing."""

from __future__ import annotations

import secrets
from typing import Any

from whistleblowing import services
from whistleblowing.models import AuditEvent, Handler, HandlerGender, HandlerRole

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
