from __future__ import annotations

import importlib
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from groups import demo

APPS = ("meetings", "attendance", "whistleblowing")


class Command(BaseCommand):
    help = "Load demo data (idempotent) and print the demo logins."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            ctx = demo.load()
            for app in APPS:
                try:
                    module = importlib.import_module(f"{app}.demo")
                except ModuleNotFoundError:
                    continue
                module.load(ctx)
        url = settings.SITE_URL
        self.stdout.write(self.style.SUCCESS(f"\nGruppeportalen: {url}/\n"))
        self.stdout.write(f"Demo logins (password for all: {demo.DEMO_PASSWORD}):")
        rows = [
            ("Gruppeleder", "leader"),
            ("Nestleder", "deputy"),
            ("Medlem", "member"),
            ("Vararepresentant", "substitute"),
            ("Ordfører (observatør)", "mayor"),
            ("Fraksjonsleder", "faction_leader"),
            ("Kursadministrator (MFA)", "course_admin"),
            ("Varslingsmottaker (MFA)", "handler"),
            ("Sekretariatet (MFA)", "secretariat"),
            ("Nettstedsadministrator (MFA)", "site_admin"),
        ]
        for label, key in rows:
            self.stdout.write(f"  {label:<30} {ctx.users[key].email}")
        self.stdout.write("Roles marked MFA set up an authenticator app (TOTP) at first login.\n")
