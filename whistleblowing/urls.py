from django.urls import path

from whistleblowing import views

app_name = "whistleblowing"
urlpatterns = [
    path("", views.report, name="report"),
    path("kvittering/", views.reporter_login, name="reporter_login"),
    path("min-sak/", views.reporter_case, name="reporter_case"),
    path("min-sak/lukk/", views.reporter_logout, name="reporter_logout"),
    path("behandling/", views.handler_cases, name="handler_cases"),
    path("behandling/nokkel/", views.handler_keys, name="handler_keys"),
    path("behandling/las-opp/", views.handler_unlock, name="handler_unlock"),
    path("behandling/las/", views.handler_lock, name="handler_lock"),
    path("behandling/mottakere/", views.people, name="people"),
    path("behandling/mottakere/ny/", views.people_add, name="people_add"),
    path("behandling/mottakere/<int:pk>/", views.people_edit, name="people_edit"),
    path("behandling/mottakere/<int:pk>/avslutt/", views.people_end, name="people_end"),
    path("behandling/kontakter/ny/", views.contact_add, name="contact_add"),
    path("behandling/kontakter/<int:pk>/", views.contact_edit, name="contact_edit"),
    path("behandling/kontakter/<int:pk>/fjern/", views.contact_delete, name="contact_delete"),
    path("behandling/sak/<uuid:pk>/", views.case_detail, name="case_detail"),
    path("behandling/sak/<uuid:pk>/bekreft/", views.case_acknowledge, name="case_acknowledge"),
    path("behandling/sak/<uuid:pk>/melding/", views.case_message, name="case_message"),
    path("behandling/sak/<uuid:pk>/logg/", views.case_log, name="case_log"),
    path("behandling/sak/<uuid:pk>/tilgang/", views.case_grant, name="case_grant"),
    path("behandling/sak/<uuid:pk>/ikke-varslingssak/", views.case_triage, name="case_triage"),
    path("behandling/sak/<uuid:pk>/avslutt/", views.case_close, name="case_close"),
    path(
        "behandling/sak/<uuid:pk>/informer-generalsekretaer/",
        views.case_trigger,
        name="case_trigger",
    ),
    path("behandling/sak/<uuid:pk>/bistand/", views.case_help, name="case_help"),
    path("behandling/sak/<uuid:pk>/bistand/gitt/", views.case_help_answer, name="case_help_answer"),
    path("behandling/sak/<uuid:pk>/alder/", views.case_age, name="case_age"),
    path("behandling/sak/<uuid:pk>/stans-sletting/", views.case_hold, name="case_hold"),
    path(
        "behandling/sak/<uuid:pk>/vedlegg/<uuid:attachment_pk>/",
        views.case_attachment,
        name="case_attachment",
    ),
    path("behandling/sak/<uuid:pk>/politi.pdf", views.case_police_pdf, name="case_police_pdf"),
]
