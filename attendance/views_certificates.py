"""Views of course certificates (S8) and the printable attendance list (S12, S6).

Every download checks access on each request; stored files have no public URL.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from attendance import attendance_list_pdf as lists
from attendance import certificates as service
from attendance.models import Certificate, CertificateRun, CertificateStatus, Course
from attendance.permissions import get_course_for_user
from groups.models import User


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 (login required by middleware)
    return user


def _issuer_course(request: HttpRequest, pk: int) -> Course:
    course = get_course_for_user(_user(request), pk, "view")
    if not service.can_issue(_user(request), course):
        raise PermissionDenied(
            _("Bare kursleder, gruppeleder og kursadministratorer har tilgang til dette.")
        )
    return course


def _pdf_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _stored(read: bytes | None) -> bytes:
    if read is None:
        raise Http404
    return read


def _corrupt(exc: service.StoredFileCorrupt) -> HttpResponse:
    """503: the stored file is gone or altered; making the certificates again repairs it."""
    message = (
        _("Filen finnes ikke lenger og kan ikke lastes ned. Lag kursbevisene på nytt.")
        if isinstance(exc, service.StoredFileMissing)
        else _("Filen er skadet og kan ikke lastes ned. Lag kursbevisene på nytt.")
    )
    return HttpResponse(message, status=503, content_type="text/plain; charset=utf-8")


# --- the course's certificate page ----------------------------------------------------------
def certificates(request: HttpRequest, pk: int) -> HttpResponse:
    """The participant's own certificates; for the leaders, all of them and generation."""
    user = _user(request)
    course = get_course_for_user(user, pk, "view")
    issuer = service.can_issue(user, course)
    mine = Certificate.objects.filter(course=course, user=user).order_by("-version")
    runs = course.certificate_runs.order_by("-requested_at", "-pk")
    return render(
        request,
        "attendance/certificates/course.html",
        {
            "course": course,
            "can_issue": issuer,
            "mine": mine,
            "valid": service.valid_certificates(course) if issuer else [],
            "last_run": runs.first() if issuer else None,
            "issuable": course.status in service.ISSUABLE,
        },
    )


@require_POST
def certificate_generate(request: HttpRequest, pk: int) -> HttpResponse:
    course = _issuer_course(request, pk)
    try:
        run = service.certificates_request(actor=_user(request), course=course)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("attendance:certificates", course.pk)
    return redirect("attendance:certificate_run", course.pk, run.pk)


@never_cache
def certificate_run(request: HttpRequest, pk: int, run_pk: int) -> HttpResponse:
    """The progress page; htmx polls the same URL for the status partial until done."""
    course = _issuer_course(request, pk)
    run = get_object_or_404(CertificateRun, pk=run_pk, course=course)
    template = (
        "attendance/certificates/_run_status.html"
        if request.headers.get("HX-Request") == "true"
        else "attendance/certificates/run.html"
    )
    return render(request, template, {"course": course, "run": run})


def certificates_all(request: HttpRequest, pk: int) -> HttpResponse:
    course = _issuer_course(request, pk)
    try:
        data = _stored(service.course_pdf(course))
    except service.StoredFileCorrupt as exc:
        return _corrupt(exc)
    return _pdf_response(data, f"kursbevis-kurs-{course.pk}.pdf")


def certificate_download(request: HttpRequest, pk: int, cert_pk: int) -> HttpResponse:
    """One certificate: its participant, or the course's leaders and administrators."""
    user = _user(request)
    course = get_course_for_user(user, pk, "view")
    certificate = Certificate.objects.filter(pk=cert_pk, course=course).first()
    if certificate is None or not (
        certificate.user_id == user.pk or service.can_issue(user, course)
    ):
        raise Http404
    try:
        data = service.read_verified(certificate.file, certificate.sha256)
    except service.StoredFileCorrupt as exc:
        return _corrupt(exc)
    return _pdf_response(data, f"kursbevis-{certificate.code}.pdf")


@require_POST
def certificate_revoke(request: HttpRequest, pk: int, cert_pk: int) -> HttpResponse:
    course = _issuer_course(request, pk)
    certificate = get_object_or_404(Certificate, pk=cert_pk, course=course)
    try:
        service.certificate_revoke(actor=_user(request), certificate=certificate)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Kursbeviset er trukket tilbake."))
    return redirect("attendance:certificates", course.pk)


# --- public verification --------------------------------------------------------------------
@login_not_required
@never_cache
def certificate_lookup(request: HttpRequest) -> HttpResponse:
    """A form for typing the code printed on a certificate."""
    raw = request.GET.get("kode", "").strip()
    if raw:
        code = service.normalize_code(raw)
        if code:
            return redirect("attendance:certificate_verify", code)
    return render(request, "attendance/certificates/lookup.html", {"typed": raw})


@login_not_required
@never_cache
def certificate_verify(request: HttpRequest, code: str) -> HttpResponse:
    """Confirms or denies a certificate, showing only name, course and hours."""
    verification = service.certificate_verify(code)
    return render(
        request,
        "attendance/certificates/verify.html",
        {
            "code": service.normalize_code(code),
            "state": verification.state,
            "certificate": verification.certificate,
            "statuses": CertificateStatus,
        },
        status=404 if verification.state == "unknown" else 200,
    )


# --- the attendance list as PDF (S12) ---------------------------------------------------------
def attendance_list_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The page for the printable list: the leader confirms it here. No "send" (S6)."""
    user = _user(request)
    course = get_course_for_user(user, pk, "records")
    if request.method == "POST":
        try:
            lists.attendance_list_confirm(actor=user, course=course)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Frammøtelista er bekreftet."))
        return redirect("attendance:attendance_list_print", course.pk)
    return render(
        request,
        "attendance/certificates/attendance_list.html",
        {
            "course": course,
            "list": lists.attendance_list(course),
            "is_course_leader": course.course_leader_id == user.pk,
            "confirmable": course.status in lists.CONFIRMABLE,
        },
    )


def attendance_list_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    course = get_course_for_user(_user(request), pk, "records")
    return _pdf_response(lists.attendance_list_pdf(course), f"frammoteliste-kurs-{course.pk}.pdf")
