from django.urls import include, path

from attendance import views

app_name = "attendance"

urlpatterns = [
    path("mine-timer/", views.my_hours, name="my_hours"),
    path("studieplaner/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("gruppe/<int:group_pk>/", views.group_courses, name="group_courses"),
    path("gruppe/<int:group_pk>/nytt-kurs/", views.course_create, name="course_create"),
    path("kurs/<int:pk>/", views.course_detail, name="course_detail"),
    path("kurs/<int:pk>/kunngjoring/", views.announcement, name="announcement"),
    path("kurs/<int:pk>/endre/", views.course_edit, name="course_edit"),
    path("kurs/<int:pk>/samlinger/ny/", views.session_add, name="session_add"),
    path(
        "kurs/<int:pk>/samlinger/<int:session_pk>/fjern/",
        views.session_remove,
        name="session_remove",
    ),
    path("kurs/<int:pk>/status/", views.course_transition, name="course_transition"),
    path("kurs/<int:pk>/unntak/", views.exemption_request, name="exemption_request"),
    path("kurs/<int:pk>/samtykke/trekk/", views.consent_withdraw, name="consent_withdraw"),
    path("kurs/<int:pk>/oversikt/", views.live, name="live"),
    path("kurs/<int:pk>/frammoteliste/", views.attendance_list, name="attendance_list"),
    path("kurs/<int:pk>/frammoteliste.csv", views.attendance_list_csv, name="attendance_list_csv"),
    path("moter/<int:meeting_pk>/qr/", views.qr_screen, name="qr_screen"),
    path("moter/<int:meeting_pk>/qr/kode/", views.qr_code, name="qr_code"),
    path("moter/<int:meeting_pk>/frammote/", views.presence_edit, name="presence_edit"),
    path("moter/<int:meeting_pk>/innsjekk/", views.checkin_view, name="checkin"),
    path("moter/<int:meeting_pk>/utsjekk/", views.checkout, name="checkout"),
    path("frammote/<int:pk>/", views.presence_correct, name="presence_correct"),
    path("inn/<str:token>/", views.scan, name="scan"),
    path("administrasjon/", views.admin_queue, name="admin_queue"),
    path("administrasjon/kurs/<int:pk>/", views.admin_decide, name="admin_decide"),
    path("administrasjon/unntak/<int:pk>/", views.exemption_decide, name="exemption_decide"),
    path("administrasjon/tilskudd/", views.subsidy_report, name="subsidy_report"),
    path("administrasjon/tilskudd.csv", views.subsidy_csv, name="subsidy_csv"),
    path("administrasjon/regler/", views.policies, name="policies"),
    path("administrasjon/satser/", views.rates, name="rates"),
    path("", include("attendance.urls_certificates")),
]
