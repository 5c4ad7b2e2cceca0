"""Certificate and printable attendance-list URLs, included inside attendance's namespace."""

from django.urls import path

from attendance import views_certificates as views

urlpatterns = [
    path("kurs/<int:pk>/kursbevis/", views.certificates, name="certificates"),
    path("kurs/<int:pk>/kursbevis/lag/", views.certificate_generate, name="certificate_generate"),
    path(
        "kurs/<int:pk>/kursbevis/utskrift/<int:run_pk>/",
        views.certificate_run,
        name="certificate_run",
    ),
    path("kurs/<int:pk>/kursbevis/alle.pdf", views.certificates_all, name="certificates_all"),
    path(
        "kurs/<int:pk>/kursbevis/<int:cert_pk>.pdf",
        views.certificate_download,
        name="certificate_download",
    ),
    path(
        "kurs/<int:pk>/kursbevis/<int:cert_pk>/trekk-tilbake/",
        views.certificate_revoke,
        name="certificate_revoke",
    ),
    path("kursbevis/kontroll/", views.certificate_lookup, name="certificate_lookup"),
    path("kursbevis/kontroll/<str:code>/", views.certificate_verify, name="certificate_verify"),
    path(
        "kurs/<int:pk>/frammoteliste/utskrift/",
        views.attendance_list_print,
        name="attendance_list_print",
    ),
    path(
        "kurs/<int:pk>/frammoteliste/utskrift.pdf",
        views.attendance_list_pdf,
        name="attendance_list_pdf",
    ),
]
