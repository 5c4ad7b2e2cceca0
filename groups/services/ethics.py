"""The party's ethical guidelines (E1): the secretariat publishes versions, every elected
representative is asked to go through the version in force and acknowledges it."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from config.singleline import LINE_BREAK
from config.textdiff import DiffBlock, diff_hunks, paragraphs
from groups.audit import audit
from groups.models import (
    ETHICS_SEATS,
    EthicsAcknowledgement,
    EthicsGuidelines,
    EthicsRequest,
    Membership,
    MembershipStatus,
    User,
)
from groups.permissions import is_secretariat

TITLE_MAX = 200
HEADING_MAX = 200
TEXT_MAX = 200_000
HEADING_MARK = "## "
HEADING_LINE = re.compile(r"^##[ \t]+(.*)$")


@dataclass(frozen=True)
class Section:
    heading: str
    text: str


# --- the guidelines as editable text ---------------------------------------------------------
def sections_to_text(sections: list[dict[str, str]]) -> str:
    """The sections as the secretariat edits them: a heading line "## ..." starts a section;
    paragraphs are separated by a blank line."""
    parts = []
    for s in sections:
        head = f"{HEADING_MARK}{s['heading']}\n\n" if s.get("heading") else ""
        parts.append(head + s.get("text", ""))
    return "\n\n".join(parts)


def sections_from_text(text: str) -> list[Section]:
    """Parse the editing format back into sections (text before the first heading is the
    preamble, a section without a heading)."""
    result: list[Section] = []
    heading: str | None = None
    lines: list[str] = []

    def close() -> None:
        body = "\n".join(lines).strip("\n")
        body = re.sub(r"\n{3,}", "\n\n", body).strip()
        if heading is not None or body:
            result.append(Section(heading=(heading or "").strip(), text=body))

    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        match = HEADING_LINE.match(raw.rstrip())
        if match:
            close()
            heading, lines = match.group(1), []
        else:
            lines.append(raw.rstrip())
    close()
    return result


def _validate(title: str, sections: list[Section]) -> None:
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = _("Oppgi en tittel.")
    elif len(title) > TITLE_MAX or LINE_BREAK.search(title):
        errors["title"] = _("Tittelen skal stå på én linje, med høyst 200 tegn.")
    if not sections:
        errors["text"] = _("Retningslinjene kan ikke være tomme.")
    for s in sections:
        if s.heading and len(s.heading) > HEADING_MAX:
            errors["text"] = _("En overskrift kan ha høyst 200 tegn: «%(h)s …».") % {
                "h": s.heading[:40]
            }
        elif not s.text:
            errors["text"] = _("Avsnittet «%(h)s» har ingen tekst.") % {"h": s.heading[:80]}
    if sum(len(s.heading) + len(s.text) for s in sections) > TEXT_MAX:
        errors["text"] = _("Teksten er for lang (høyst 200 000 tegn).")
    if errors:
        raise ValidationError(errors)


# --- reads ------------------------------------------------------------------------------------
def ethics_in_force() -> EthicsGuidelines | None:
    return EthicsGuidelines.objects.order_by("-version").first()


def _units(sections: list[dict[str, str]]) -> list[str]:
    units: list[str] = []
    for s in sections:
        if s.get("heading"):
            units.append(f"{HEADING_MARK}{s['heading']}")
        units.extend(paragraphs(s.get("text", "")))
    return units


def ethics_changes(
    before: list[dict[str, str]] | None, after: list[dict[str, str]]
) -> list[list[DiffBlock]]:
    """What a version changes against the one before it, paragraph by paragraph."""
    return diff_hunks(_units(before or []), _units(after))


def _elected_seats() -> QuerySet[Membership]:
    """E1: the seats whose holders must go through the guidelines: active seats of elected
    representatives and chapter leaders in any group, people with active accounts."""
    return Membership.objects.filter(
        status=MembershipStatus.ACTIVE, seat__in=ETHICS_SEATS, user__is_active=True
    ).exclude(left_on__lte=timezone.localdate())


def elected_representatives() -> list[int]:
    """E1: the user ids of everyone who must go through the guidelines."""
    return sorted(set(_elected_seats().values_list("user_id", flat=True)))


def ethics_due(user: User) -> EthicsGuidelines | None:
    """The version in force if ``user`` is an elected representative who has not yet
    acknowledged it (the home page's notice), else None."""
    guidelines = ethics_in_force()
    if guidelines is None or not user.is_authenticated:
        return None
    if not _elected_seats().filter(user=user).exists():
        return None
    if guidelines.acknowledgements.filter(user=user).exists():
        return None
    return guidelines


# --- writes -----------------------------------------------------------------------------------
@transaction.atomic
def ethics_publish(
    *, actor: User, title: str, sections: list[Section], change_summary: str
) -> EthicsGuidelines:
    """E1: the secretariat publishes a new version. It is in force at once; every elected
    representative is asked to acknowledge it (one e-mail each, sent after commit)."""
    if not is_secretariat(actor):
        raise PermissionDenied(_("Bare sekretariatet kan publisere de etiske retningslinjene."))
    _validate(title, sections)
    # Lock the versions so two publications cannot take the same number.
    last = EthicsGuidelines.objects.select_for_update().order_by("-version").first()
    data = [{"heading": s.heading, "text": s.text} for s in sections]
    if last is not None and last.sections == data and last.title == title.strip():
        raise ValidationError(
            {"text": _("Teksten er lik versjonen som gjelder. Gjør en endring først.")}
        )
    if last is not None and not change_summary.strip():
        raise ValidationError(
            {"change_summary": _("Skriv kort hva som er endret, så de folkevalgte ser det.")}
        )
    now = timezone.now()
    guidelines = EthicsGuidelines.objects.create(
        version=(last.version + 1) if last else 1,
        title=title.strip(),
        sections=data,
        change_summary=change_summary.strip(),
        published_at=now,
        published_by=actor,
    )
    users = elected_representatives()
    EthicsRequest.objects.bulk_create(
        [EthicsRequest(guidelines=guidelines, user_id=uid, requested_at=now) for uid in users],
        ignore_conflicts=True,
    )
    audit(
        actor=actor,
        action="ethics.publish",
        target=guidelines,
        version=guidelines.version,
        asked=len(users),
    )
    from groups.tasks import send_ethics_requests

    transaction.on_commit(functools.partial(send_ethics_requests.delay, guidelines.pk))
    return guidelines


@transaction.atomic
def ethics_acknowledge(*, actor: User, guidelines: EthicsGuidelines) -> EthicsAcknowledgement:
    """E1: an elected representative has gone through the version in force."""
    current = ethics_in_force()
    if current is None or current.pk != guidelines.pk:
        raise ValidationError(_("Du kan bare bekrefte versjonen som gjelder nå."))
    ack, created = EthicsAcknowledgement.objects.get_or_create(
        guidelines=guidelines, user=actor, defaults={"acknowledged_at": timezone.now()}
    )
    if created:
        audit(
            actor=actor,
            action="ethics.acknowledge",
            target=guidelines,
            subject_user=actor,
            version=guidelines.version,
        )
    return ack
