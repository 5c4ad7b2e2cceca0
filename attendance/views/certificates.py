"""Course certificates (S8): the course's certificate page, generation and its progress,
downloads, revocation and the public verification.

Every download checks access on each request; stored files have no public URL.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import get_conditional_response
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from attendance import services
from attendance.engine import course_policy, share_rule_text
from attendance.models import Certificate, CertificateRun, CertificateStatus, Course, RunStatus
from attendance.permissions import get_course_for_user
from config.web import current_user, is_htmx, pdf_response, run_or_message


def _issuer_course(request: HttpRequest, pk: int) -> Course:
    course = get_course_for_user(current_user(request), pk, "view")
    if not services.can_issue(current_user(request), course):
        raise PermissionDenied(
            _("Bare kursleder, gruppeleder og kursadministratorer har tilgang til dette.")
        )
    return course


def _stored(read: bytes | None) -> bytes:
    if read is None:
        raise Http404
    return read


def _corrupt(exc: services.StoredFileCorrupt) -> HttpResponse:
    """503: the stored file is gone or altered; making the certificates again repairs it."""
    message = (
        _("Filen finnes ikke lenger og kan ikke lastes ned. Lag kursbevisene på nytt.")
        if isinstance(exc, services.StoredFileMissing)
        else _("Filen er skadet og kan ikke lastes ned. Lag kursbevisene på nytt.")
    )
    return HttpResponse(message, status=503, content_type="text/plain; charset=utf-8")


def certificates(request: HttpRequest, pk: int) -> HttpResponse:
    """The participant's own certificates; for the leaders, all of them and generation."""
    user = current_user(request)
    course = get_course_for_user(user, pk, "view")
    issuer = services.can_issue(user, course)
    mine = Certificate.objects.filter(course=course, user=user).order_by("-version")
    share_rule = share_rule_text(course_policy(course).to_rules())
    runs = course.certificate_runs.order_by("-requested_at", "-pk")
    return render(
        request,
        "attendance/certificates/course.html",
        {
            "course": course,
            "can_issue": issuer,
            "mine": mine,
            "valid": services.valid_certificates(course) if issuer else [],
            "last_run": runs.first() if issuer else None,
            "issuable": course.is_finished,
            "statuses": CertificateStatus,
            "share_rule": share_rule,
        },
    )


@require_POST
def certificate_generate(request: HttpRequest, pk: int) -> HttpResponse:
    course = _issuer_course(request, pk)
    run = run_or_message(
        request, services.certificates_request, actor=current_user(request), course=course
    )
    if run is None:
        return redirect("attendance:certificates", course.pk)
    return redirect("attendance:certificate_run", course.pk, run.pk)


@never_cache
def certificate_run(request: HttpRequest, pk: int, run_pk: int) -> HttpResponse:
    """The progress page; htmx polls the same URL for the status partial until done."""
    course = _issuer_course(request, pk)
    run = get_object_or_404(CertificateRun, pk=run_pk, course=course)
    template = (
        "attendance/certificates/_run_status.html"
        if is_htmx(request)
        else "attendance/certificates/run.html"
    )
    return render(request, template, {"course": course, "run": run, "statuses": RunStatus})


def certificates_all(request: HttpRequest, pk: int) -> HttpResponse:
    course = _issuer_course(request, pk)
    try:
        data = _stored(services.course_pdf(course))
    except services.StoredFileCorrupt as exc:
        return _corrupt(exc)
    return pdf_response(data, f"kursbevis-kurs-{course.pk}.pdf")


def certificate_download(request: HttpRequest, pk: int, cert_pk: int) -> HttpResponse:
    """One certificate: its participant, or the course's leaders and administrators."""
    user = current_user(request)
    # S8: the participant always reaches their own certificate, also after leaving the group
    # or when they joined the course as a guest; anyone else needs the course's leaders' rights.
    certificate = (
        Certificate.objects.select_related("course").filter(pk=cert_pk, course_id=pk).first()
    )
    if certificate is None:
        raise Http404
    if certificate.user_id != user.pk:
        course = get_course_for_user(user, pk, "view")
        if not services.can_issue(user, course):
            raise Http404
    # The stored file's sha256 is its ETag: a repeat download gets 304 and is not read.
    not_modified = get_conditional_response(request, etag=f'"{certificate.sha256}"')
    if not_modified is not None:
        not_modified["ETag"] = f'"{certificate.sha256}"'
        return not_modified
    try:
        data = services.read_verified(certificate.file, certificate.sha256)
    except services.StoredFileCorrupt as exc:
        return _corrupt(exc)
    response = pdf_response(data, f"kursbevis-{certificate.code}.pdf")
    response["ETag"] = f'"{certificate.sha256}"'
    return response


@require_POST
def certificate_revoke(request: HttpRequest, pk: int, cert_pk: int) -> HttpResponse:
    course = _issuer_course(request, pk)
    certificate = get_object_or_404(Certificate, pk=cert_pk, course=course)
    try:
        services.certificate_revoke(actor=current_user(request), certificate=certificate)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Kursbeviset er trukket tilbake."))
    return redirect("attendance:certificates", course.pk)


@login_not_required
@never_cache
def certificate_lookup(request: HttpRequest) -> HttpResponse:
    """A form for typing the code printed on a certificate."""
    raw = request.GET.get("kode", "").strip()
    if raw:
        code = services.normalize_code(raw)
        if code:
            return redirect("attendance:certificate_verify", code)
    return render(request, "attendance/certificates/lookup.html", {"typed": raw})


@login_not_required
@never_cache
def certificate_verify(request: HttpRequest, code: str) -> HttpResponse:
    """Confirms or denies a certificate, showing only name, course and hours."""
    verification = services.certificate_verify(code)
    return render(
        request,
        "attendance/certificates/verify.html",
        {
            "code": services.normalize_code(code),
            "state": verification.state,
            "certificate": verification.certificate,
            "statuses": CertificateStatus,
        },
        status=404 if verification.state == "unknown" else 200,
    )
