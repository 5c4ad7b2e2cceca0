"""The people and routes of the whistleblowing service (W8, W9, W17), set by the
secretariat: who receives reports in which role, and the public contacts a reporter can
call or write to instead of using the form.

Being in the handlers group is what lets a person reach the handlers' pages; the Handler
row holds the routing facts. Adding a role puts the user in the group, ending it takes
them out. A role is never ended while an open case has no other reader with a key
(issue 12), so a report already filed is never left without a reader.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from config.singleline import require_single_line
from whistleblowing.audit import audit
from whistleblowing.models import (
    HANDLERS_GROUP,
    Access,
    BodyLevel,
    Case,
    CaseStatus,
    ContactRoute,
    Handler,
    HandlerGender,
    HandlerRole,
    KeyGrant,
    PublicContact,
)

PHONE = re.compile(r"^\+?[0-9][0-9 ()-]{5,30}$")


def cases_only_read_by(handler: Handler) -> int:
    """Open cases for which this handler is the only active reader holding a key: taking
    them away would leave a filed report without a reader (issue 12)."""
    open_cases = Case.objects.filter(
        status__in=[CaseStatus.RECEIVED, CaseStatus.ACKNOWLEDGED],
        grants__handler=handler,
        grants__access=Access.READ,
    )
    others = KeyGrant.objects.filter(
        case=OuterRef("pk"),
        access=Access.READ,
        sealed_key__isnull=False,
        handler__is_active=True,
    ).exclude(handler=handler)
    return open_cases.exclude(Exists(others)).distinct().count()


def handler_rows_for_members(user_ids: Iterable[int]) -> None:
    """A user put in the handlers group gets a Handler row at once (as secretariat; the
    secretariat sets the role, gender and designations), so reading the handlers' pages
    never writes. Idempotent: an existing row, active or not, is left as it is."""
    existing = set(Handler.objects.filter(user_id__in=user_ids).values_list("user_id", flat=True))
    Handler.objects.bulk_create(
        [Handler(user_id=pk) for pk in sorted(set(user_ids) - existing)], ignore_conflicts=True
    )


def on_groups_changed(
    sender: Any,
    instance: Any,
    action: str,
    reverse: bool,
    pk_set: set[int] | None,
    **_: Any,
) -> None:
    """``m2m_changed`` of ``User.groups``: whichever way a user lands in the handlers group
    (a role given here, the admin, the demo data, ``group.user_set.add``)."""
    if action != "post_add" or not pk_set:
        return
    if reverse:  # group.user_set.add(users): instance is the group, pk_set the users
        if instance.name == HANDLERS_GROUP:
            handler_rows_for_members(pk_set)
    elif Group.objects.filter(pk__in=pk_set, name=HANDLERS_GROUP).exists():
        handler_rows_for_members([instance.pk])


def _handlers_group() -> Group:
    group, _created = Group.objects.get_or_create(name=HANDLERS_GROUP)
    return group


def _check_role(*, role: str, gender: str, body_level: str, body_name: str) -> tuple[str, str]:
    """The body fields to store; refusals per field."""
    errors: dict[str, list[str]] = {}
    if role not in HandlerRole.values:
        errors["role"] = [_("Velg en rolle fra listen.")]
    if gender not in HandlerGender.values:
        errors["gender"] = [_("Velg kjønn fra listen.")]
    body_name = body_name.strip()
    if role == HandlerRole.LEADER:
        if body_level not in BodyLevel.values:
            errors["body_level"] = [
                _("Velg om personen leder en gruppe, et lokallag eller et fylkeslag.")
            ]
        if not body_name:
            errors["body_name"] = [
                _("Skriv navnet på organet personen leder, slik varsleren kjenner det.")
            ]
    else:
        body_level, body_name = "", ""
    require_single_line(body_name=body_name)
    if errors:
        raise ValidationError(errors)
    return body_level, body_name


@transaction.atomic
def handler_role_add(
    *,
    actor: Any,
    email: str,
    role: str,
    gender: str = HandlerGender.OTHER,
    hr_competence: bool = False,
    sexual_harassment_recipient: bool = False,
    body_level: str = "",
    body_name: str = "",
) -> Handler:
    """Give a user who has an account a role as report recipient (W8, W9). The person
    then sets up their own key; until then no report is sealed to them."""
    errors: dict[str, list[Any]] = {}
    try:
        body_level, body_name = _check_role(
            role=role, gender=gender, body_level=body_level, body_name=body_name
        )
    except ValidationError as exc:
        errors.update(exc.message_dict)
    user = get_user_model().objects.filter(email__iexact=email.strip(), is_active=True).first()
    existing = None
    if user is None:
        errors["email"] = [
            _(
                "Fant ingen aktiv bruker med denne e-postadressen. Personen må ha en bruker i "
                "portalen først."
            )
        ]
    else:
        existing = Handler.objects.select_for_update().filter(user=user).first()
        in_group = user.groups.filter(name=HANDLERS_GROUP).exists()
        if existing is not None and existing.is_active and in_group:
            errors["email"] = [
                _("Personen er allerede varslingsmottaker. Endre rollen i listen i stedet.")
            ]
    if errors or user is None:
        raise ValidationError(errors)
    handler = existing or Handler(user=user)
    handler.role = role
    handler.gender = gender
    handler.hr_competence = bool(hr_competence)
    handler.sexual_harassment_recipient = bool(sexual_harassment_recipient)
    handler.body_level = body_level
    handler.body_name = body_name
    handler.is_active = True
    handler.save()
    user.groups.add(_handlers_group())
    audit(actor=actor, action="handler.role_added", handler=handler.pk, role=role)
    return handler


@transaction.atomic
def handler_role_update(
    *,
    actor: Any,
    handler: Handler,
    role: str,
    gender: str,
    hr_competence: bool,
    sexual_harassment_recipient: bool,
    body_level: str = "",
    body_name: str = "",
) -> Handler:
    """Change an active recipient's role and designations. Only reports filed from now on
    follow the new route; filed ones keep the readers they were sealed to."""
    body_level, body_name = _check_role(
        role=role, gender=gender, body_level=body_level, body_name=body_name
    )
    handler = Handler.objects.select_for_update().get(pk=handler.pk)
    if not handler.is_active:
        raise ValidationError(_("Rollen er avsluttet. Legg personen til på nytt i stedet."))
    before = handler.role
    handler.role = role
    handler.gender = gender
    handler.hr_competence = bool(hr_competence)
    handler.sexual_harassment_recipient = bool(sexual_harassment_recipient)
    handler.body_level = body_level
    handler.body_name = body_name
    handler.save()
    audit(actor=actor, action="handler.role_changed", handler=handler.pk, role=role, was=before)
    return handler


@transaction.atomic
def handler_role_end(*, actor: Any, handler: Handler) -> Handler:
    """End a recipient's role: no new report reaches them, and they leave the handlers'
    pages. Refused while an open case has no other reader with a key (issue 12)."""
    handler = Handler.objects.select_for_update().get(pk=handler.pk)
    if not handler.is_active:
        raise ValidationError(_("Rollen er allerede avsluttet."))
    count = cases_only_read_by(handler)
    if count:
        raise ValidationError(
            _(
                "Rollen kan ikke avsluttes ennå: %(count)d åpne saker har ingen andre lesere "
                "med nøkkel. Be mottakeren gi tilgang til en annen mottaker i hver sak først."
            ),
            params={"count": count},
        )
    handler.is_active = False
    handler.save(update_fields=["is_active"])
    handler.user.groups.remove(_handlers_group())
    audit(actor=actor, action="handler.role_ended", handler=handler.pk, role=handler.role)
    return handler


# --- public contacts (W17) ------------------------------------------------------------


def _check_contact(*, route: str, title: str, name: str, phone: str, email: str) -> dict[str, str]:
    values = {
        "route": route,
        "title": title.strip(),
        "name": name.strip(),
        "phone": phone.strip(),
        "email": email.strip(),
    }
    errors: dict[str, list[str]] = {}
    if route not in ContactRoute.values:
        errors["route"] = [_("Velg hvilken vei kontakten gjelder.")]
    if not values["name"]:
        errors["name"] = [_("Skriv navnet på kontaktpersonen.")]
    if not values["phone"] and not values["email"]:
        errors["phone"] = [_("Skriv telefonnummer, e-postadresse eller begge.")]
    if values["phone"] and not PHONE.match(values["phone"]):
        errors["phone"] = [
            _("Skriv telefonnummeret med sifre, gjerne med mellomrom, for eksempel 922 30 101.")
        ]
    if values["email"]:
        try:
            validate_email(values["email"])
        except ValidationError:
            errors["email"] = [_("Skriv en gyldig e-postadresse, for eksempel navn@sp.no.")]
    for field, limit in (("title", 120), ("name", 120), ("phone", 40), ("email", 254)):
        if len(values[field]) > limit and field not in errors:
            errors[field] = [_("Teksten er for lang.")]
    if errors:
        raise ValidationError(errors)
    require_single_line(title=values["title"], name=values["name"])
    return values


@transaction.atomic
def contact_save(
    *,
    actor: Any,
    contact: PublicContact | None = None,
    route: str,
    title: str,
    name: str,
    phone: str,
    email: str,
) -> PublicContact:
    """Add or change a public contact (W17)."""
    values = _check_contact(route=route, title=title, name=name, phone=phone, email=email)
    if contact is None:
        contact = PublicContact.objects.create(**values)
        audit(actor=actor, action="contact.added", contact=contact.pk, route=route)
    else:
        PublicContact.objects.filter(pk=contact.pk).update(**values)
        contact.refresh_from_db()
        audit(actor=actor, action="contact.changed", contact=contact.pk, route=route)
    return contact


@transaction.atomic
def contact_delete(*, actor: Any, contact: PublicContact) -> None:
    pk, route = contact.pk, contact.route
    PublicContact.objects.filter(pk=pk).delete()
    audit(actor=actor, action="contact.deleted", contact=pk, route=route)
