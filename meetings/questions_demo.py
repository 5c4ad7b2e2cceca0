"""Demo data for questions to the council (G28): called from ``meetings.demo.load``.
Idempotent and works on any date: nothing is made without a council meeting to come."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from meetings import services
from meetings.models import CouncilMeeting, CouncilQuestion, ProgrammeIssue, QuestionKind


def load(ctx: Any) -> None:
    group, users = ctx.group, ctx.users
    if CouncilQuestion.objects.filter(group=group).exists():
        return
    council = (
        CouncilMeeting.objects.filter(
            group=group,
            committee__isnull=True,
            starts_at__gt=timezone.now() + dt.timedelta(days=2),
        )
        .order_by("starts_at")
        .first()
    )
    if council is None:
        return
    issue = ProgrammeIssue.objects.filter(group=group, title="Bredbånd til alle grender").first()
    asked = services.question_create(
        actor=users["faction_leader"],
        group=group,
        council_meeting=council,
        kind=QuestionKind.QUESTION,
        title="Bredbånd i Nordbygda",
        addressee="Ordføreren",
        text=(
            "Flere husstander i Nordbygda har fortsatt ikke bredbånd. Når kan innbyggerne "
            "regne med at utbyggingen er ferdig, og hva gjør kommunen for å få det til?"
        ),
        programme_issue=issue,
    )
    services.question_send_for_approval(actor=users["faction_leader"], question=asked)
    interpellation = services.question_create(
        actor=users["member"],
        group=group,
        council_meeting=council,
        kind=QuestionKind.INTERPELLATION,
        title="Beredskap ved lange strømbrudd",
        addressee="Ordføreren",
        text=(
            "Uværet i vinter ga strømbrudd i flere døgn. Interpellanten ber ordføreren gjøre "
            "rede for kommunens beredskapsplan, og om planen skal gjennomgås på nytt."
        ),
    )
    services.question_send_for_approval(actor=users["member"], question=interpellation)
    services.question_approve(actor=users["leader"], question=interpellation)
