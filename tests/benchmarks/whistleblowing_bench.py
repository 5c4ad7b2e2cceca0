"""Whistleblowing benchmark (numbers for the closing note of issue 6).

1. Argon2id: the parameters in force and their time here (handler key derivation, receipt
   hash, receipt verification).
2. Submit-to-stored: the real report view (encrypt, seal, Argon2id for the receipt) ÷ a
   plain form post of the same size (same fields and file, validated, stored in clear),
   both called in-process, same run, median of N.
3. Deadline sweep over 10,000 open cases ÷ a bare query over them: the first run (which
   sends the due reminders) and a second run (nothing new due: the idempotent steady state).

    .venv/bin/python -m tests.benchmarks.whistleblowing_bench
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import secrets
import statistics
import time
from collections.abc import Callable

from tests.benchmarks.common import setup_django

N = 15
CASES = 10_000


def timed(fn: Callable[[], object], repeat: int = N) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    os.environ["EMAIL_URL"] = "locmem://"
    setup_django()
    from django import forms
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.sessions.backends.cache import SessionStore
    from django.core.files.storage import default_storage
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection, reset_queries
    from django.http import HttpRequest, HttpResponse
    from django.test import RequestFactory
    from django.utils import timezone

    from tests.factories import whistleblowing as f
    from whistleblowing import crypto, ratelimit, services, views
    from whistleblowing import forms as wb_forms
    from whistleblowing.models import Access, AuditEvent, Case, CaseStatus, KeyGrant

    # --- 1. Argon2id -------------------------------------------------------------------
    params = crypto.kdf_params()
    salt = secrets.token_bytes(crypto.SALT_BYTES)
    kdf = timed(lambda: crypto.derive_key("en passordfrase", salt, params), 7)
    stored = crypto.hash_receipt("1234567890123456")
    hash_time = timed(lambda: crypto.hash_receipt("1234567890123456"), 7)
    verify_time = timed(lambda: crypto.verify_receipt(stored, "1234567890123456"), 7)
    print(
        f"Argon2id: opslimit (passes) {params.opslimit}, memlimit {params.memlimit // 2**20} MiB, "
        f"parallelism 1; key derivation {kdf * 1000:.0f} ms, receipt hash "
        f"{hash_time * 1000:.0f} ms, receipt verify {verify_time * 1000:.0f} ms"
    )

    # --- 2. submit-to-stored ÷ plain form post ------------------------------------------
    handler = f.make_handler()
    f.make_handler(role="secretary_general")
    ratelimit.LIMITS["submit"] = dataclasses.replace(
        ratelimit.LIMITS["submit"], free=10**9, cap=10**9, crowd=None
    )
    description = "Beskrivelse av hendelsen. " * 80  # ~2 KB
    attachment = b"%PDF-1.4\n" + secrets.token_bytes(100 * 1024)
    factory = RequestFactory()

    def post(view: Callable[[HttpRequest], HttpResponse]) -> HttpResponse:
        data = {
            "category": "discrimination",
            "youth_wing": "no",
            "relation": "witness",
            "description": description,
            "involved": "To personer",
            "anonymous": "yes",
            "name": "",
            "contact": "",
            "excluded_handler": "",
            "token": wb_forms.new_form_token(),
            "attachments": SimpleUploadedFile("bilag.pdf", attachment),
        }
        request = factory.post("/varsling/", data)
        request.user = AnonymousUser()
        request.session = SessionStore()
        request._dont_enforce_csrf_checks = True  # type: ignore[attr-defined]
        response = view(request)
        assert response.status_code == 200, response.status_code
        return response

    class PlainForm(forms.Form):
        category = forms.CharField()
        youth_wing = forms.CharField()
        relation = forms.CharField()
        description = forms.CharField()
        involved = forms.CharField(required=False)
        anonymous = forms.CharField()
        name = forms.CharField(required=False)
        contact = forms.CharField(required=False)
        token = forms.CharField()
        attachments = forms.FileField()

    def plain_view(request: HttpRequest) -> HttpResponse:
        form = PlainForm(request.POST, request.FILES)
        assert form.is_valid(), form.errors
        data = dict(form.cleaned_data)
        upload = data.pop("attachments")
        name = default_storage.save("plain/bilag.bin", upload)
        AuditEvent.objects.create(at=timezone.now(), action="bench.plain", data={**data, "f": name})
        return HttpResponse("ok")

    post(views.report)  # warm up both paths
    post(plain_view)
    real = timed(lambda: post(views.report))
    plain = timed(lambda: post(plain_view))
    print(
        f"Submit-to-stored (2 KB text + 100 KB file): report view {real * 1000:.1f} ms, plain "
        f"form post {plain * 1000:.1f} ms, ratio {real / plain:.1f}× (median of {N}; the "
        f"report view runs Argon2id twice: receipt hash and receipt key)"
    )

    # --- 3. deadline sweep over 10,000 open cases ÷ bare query -------------------------------
    now = timezone.now()
    Case.objects.all().delete()
    blob = secrets.token_bytes(200)
    cases = [
        Case(
            created_at=now - dt.timedelta(days=i % 14, hours=1),
            category="other",
            status=CaseStatus.RECEIVED,
            content_blob=blob,
            receipt_index=f"{i % 10000:04d}",
            receipt_hash="$argon2id$dummy",
            receipt_key_blob=blob,
            receipt_salt=blob[:16],
            receipt_opslimit=1,
            receipt_memlimit=8192,
        )
        for i in range(CASES)
    ]
    Case.objects.bulk_create(cases, batch_size=1000)
    KeyGrant.objects.bulk_create(
        [
            KeyGrant(case=c, handler=handler, access=Access.READ, sealed_key=blob, created_at=now)
            for c in cases
        ],
        batch_size=1000,
    )

    def bare() -> int:
        return len(
            list(Case.objects.filter(status=CaseStatus.RECEIVED).values_list("pk", "created_at"))
        )

    bare_time = timed(bare, 5)
    start = time.perf_counter()
    first = services.deadline_sweep()
    first_time = time.perf_counter() - start
    reset_queries()
    steady = timed(services.deadline_sweep, 5)
    print(
        f"Deadline sweep over {CASES} open cases: bare query {bare_time * 1000:.1f} ms; "
        f"first sweep {first_time * 1000:.0f} ms ({first.reminders} reminders sent, "
        f"{first.escalations} escalations) = {first_time / bare_time:.0f}× ; steady-state "
        f"sweep {steady * 1000:.1f} ms = {steady / bare_time:.2f}× the bare query "
        f"({connection.vendor})"
    )


if __name__ == "__main__":
    main()
