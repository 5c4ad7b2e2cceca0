from django.urls import path

from attendance.views import admin, certificates, checkin, courses, member, plans

app_name = "attendance"

urlpatterns = [
    path("mine-timer/", member.my_hours, name="my_hours"),
    path("studieplaner/<int:pk>/", member.plan_detail, name="plan_detail"),
    path("gruppe/<int:group_pk>/", courses.group_courses, name="group_courses"),
    path("gruppe/<int:group_pk>/nytt-kurs/", courses.course_create, name="course_create"),
    path("kurs/<int:pk>/", courses.course_detail, name="course_detail"),
    path("kurs/<int:pk>/kunngjoring/", member.announcement, name="announcement"),
    path("kurs/<int:pk>/endre/", courses.course_edit, name="course_edit"),
    path("kurs/<int:pk>/samlinger/ny/", courses.session_add, name="session_add"),
    path(
        "kurs/<int:pk>/samlinger/<int:session_pk>/fjern/",
        courses.session_remove,
        name="session_remove",
    ),
    path("kurs/<int:pk>/status/", courses.course_transition, name="course_transition"),
    path("kurs/<int:pk>/unntak/", courses.exemption_request, name="exemption_request"),
    path("kurs/<int:pk>/samtykke/trekk/", member.consent_withdraw, name="consent_withdraw"),
    path("kurs/<int:pk>/oversikt/", courses.live, name="live"),
    path("kurs/<int:pk>/frammoteliste/", courses.attendance_list, name="attendance_list"),
    path(
        "kurs/<int:pk>/frammoteliste.csv",
        courses.attendance_list_csv,
        name="attendance_list_csv",
    ),
    path("moter/<int:meeting_pk>/qr/", checkin.qr_screen, name="qr_screen"),
    path("moter/<int:meeting_pk>/qr/kode/", checkin.qr_code, name="qr_code"),
    path("moter/<int:meeting_pk>/qr/projektor/", checkin.qr_projector, name="qr_projector"),
    path(
        "moter/<int:meeting_pk>/qr/projektor/status/",
        checkin.qr_projector_status,
        name="qr_projector_status",
    ),
    path("moter/<int:meeting_pk>/frammote/", checkin.presence_edit, name="presence_edit"),
    path(
        "moter/<int:meeting_pk>/frammote/importer/",
        checkin.presence_import,
        name="presence_import",
    ),
    path("moter/<int:meeting_pk>/innsjekk/", checkin.checkin_view, name="checkin"),
    path("moter/<int:meeting_pk>/innsjekk/liste/", checkin.checkin_list, name="checkin_list"),
    path("moter/<int:meeting_pk>/utsjekk/", checkin.checkout, name="checkout"),
    path("frammote/<int:pk>/", checkin.presence_correct, name="presence_correct"),
    path("inn/<str:token>/", checkin.scan, name="scan"),
    path("administrasjon/", admin.admin_queue, name="admin_queue"),
    path("administrasjon/kurs/<int:pk>/", admin.admin_decide, name="admin_decide"),
    path("administrasjon/unntak/<int:pk>/", admin.exemption_decide, name="exemption_decide"),
    path("administrasjon/tilskudd/", admin.subsidy_report, name="subsidy_report"),
    path("administrasjon/tilskudd.csv", admin.subsidy_csv, name="subsidy_csv"),
    path("administrasjon/tilskudd/lukk/", admin.quarter_close, name="quarter_close"),
    path("administrasjon/regler/", admin.policies, name="policies"),
    path("administrasjon/satser/", admin.rates, name="rates"),
    # Study plans and their versions (S2, S9, S13).
    path("administrasjon/studieplaner/", plans.plan_list, name="plan_list"),
    path("administrasjon/studieplaner/ny/", plans.plan_create, name="plan_create"),
    path("administrasjon/studieplaner/<int:pk>/", plans.plan_edit, name="plan_edit"),
    path(
        "administrasjon/studieplaner/<int:pk>/kapittel/ny/",
        plans.chapter_edit,
        name="chapter_create",
    ),
    path(
        "administrasjon/studieplaner/<int:pk>/kapittel/<int:chapter_pk>/",
        plans.chapter_edit,
        name="chapter_edit",
    ),
    path(
        "administrasjon/studieplaner/<int:pk>/godkjenn/",
        plans.plan_approve,
        name="plan_approve",
    ),
    path(
        "administrasjon/studieplaner/<int:pk>/ny-versjon/",
        plans.plan_new_version,
        name="plan_new_version",
    ),
    # Course certificates (S8) and the printable attendance list (S12).
    path("kurs/<int:pk>/kursbevis/", certificates.certificates, name="certificates"),
    path(
        "kurs/<int:pk>/kursbevis/lag/",
        certificates.certificate_generate,
        name="certificate_generate",
    ),
    path(
        "kurs/<int:pk>/kursbevis/utskrift/<int:run_pk>/",
        certificates.certificate_run,
        name="certificate_run",
    ),
    path(
        "kurs/<int:pk>/kursbevis/alle.pdf",
        certificates.certificates_all,
        name="certificates_all",
    ),
    path(
        "kurs/<int:pk>/kursbevis/<int:cert_pk>.pdf",
        certificates.certificate_download,
        name="certificate_download",
    ),
    path(
        "kurs/<int:pk>/kursbevis/<int:cert_pk>/trekk-tilbake/",
        certificates.certificate_revoke,
        name="certificate_revoke",
    ),
    path("kursbevis/kontroll/", certificates.certificate_lookup, name="certificate_lookup"),
    path(
        "kursbevis/kontroll/<str:code>/",
        certificates.certificate_verify,
        name="certificate_verify",
    ),
    path(
        "kurs/<int:pk>/frammoteliste/utskrift/",
        courses.attendance_list_print,
        name="attendance_list_print",
    ),
    path(
        "kurs/<int:pk>/frammoteliste/utskrift.pdf",
        courses.attendance_list_pdf,
        name="attendance_list_pdf",
    ),
]
