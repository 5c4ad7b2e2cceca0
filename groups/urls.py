from django.urls import path

from groups import views
from groups.privacy import views as privacy_views

app_name = "groups"

urlpatterns = [
    path("", views.home, name="home"),
    path("profil/", views.profile, name="profile"),
    path("etikk/", views.ethics, name="ethics"),
    path("etikk/versjon/<int:version>/", views.ethics_version, name="ethics_version"),
    path("etikk/sekretariat/", views.ethics_admin, name="ethics_admin"),
    path("etikk/sekretariat/ny-versjon/", views.ethics_publish, name="ethics_publish"),
    path("grupper/ny/", views.group_create, name="create"),
    path("grupper/<int:pk>/", views.group_detail, name="detail"),
    path("grupper/<int:pk>/medlemmer/ny/", views.member_add, name="member_add"),
    path("grupper/<int:pk>/medlemmer/<int:mid>/", views.membership_edit, name="membership_edit"),
    path(
        "grupper/<int:pk>/medlemmer/<int:mid>/uavhengig/",
        views.membership_independent,
        name="membership_independent",
    ),
    path(
        "grupper/<int:pk>/medlemmer/<int:mid>/utmelding/",
        views.membership_leave,
        name="membership_leave",
    ),
    path("grupper/<int:pk>/overgang/", views.transfer_propose, name="transfer_propose"),
    path(
        "grupper/<int:pk>/medlemmer/<int:mid>/godkjenn/",
        views.transfer_approve,
        name="transfer_approve",
    ),
    path("grupper/<int:pk>/utvalg/ny/", views.committee_create, name="committee_create"),
    path("grupper/<int:pk>/utvalg/<int:cid>/", views.committee_detail, name="committee_detail"),
    path("grupper/<int:pk>/ny-periode/", views.period_open, name="period_open"),
    path("grupper/<int:pk>/konstituering/", views.constitution, name="constitution"),
    path(
        "grupper/<int:pk>/konstituering/plasser/",
        views.constitution_seats,
        name="constitution_seats",
    ),
    path(
        "grupper/<int:pk>/konstituering/valg/",
        views.constitution_elect,
        name="constitution_elect",
    ),
    path("grupper/<int:pk>/reglement/", views.rules, name="rules"),
    path("grupper/<int:pk>/reglement/send/", views.rules_send, name="rules_send"),
    path("grupper/<int:pk>/reglement/versjoner/", views.rules_list, name="rules_list"),
    path("grupper/<int:pk>/reglement/endre/", views.rules_propose, name="rules_propose"),
    path("grupper/<int:pk>/reglement/<int:version>/", views.rules_version, name="rules_version"),
    path("grupper/<int:pk>/reglement/<int:version>/pdf/", views.rules_pdf, name="rules_pdf"),
    path(
        "grupper/<int:pk>/reglement/<int:version>/vedtak/", views.rules_decide, name="rules_decide"
    ),
    path(
        "grupper/<int:pk>/reglement/<int:version>/bekreft/",
        views.rules_acknowledge,
        name="rules_acknowledge",
    ),
    path("drift/", views.health, name="health"),
    path("drift/live/", views.health_live, name="health_live"),
]

urlpatterns += [
    # Privacy: "Mine data", the notice, the inventory and erasure.
    path("mine-data/", privacy_views.my_data, name="my_data"),
    path("mine-data/last-ned/", privacy_views.my_data_download, name="my_data_download"),
    path("personvern/", privacy_views.privacy_notice, name="privacy"),
    path("drift/dataoversikt/", privacy_views.data_inventory, name="data_inventory"),
    path("drift/slett-person/", privacy_views.erase_person, name="erase_person"),
]
