from django.urls import path

from meetings.views import cases, followup, item_forms, lists, meeting, minutes

app_name = "meetings"
urlpatterns = [
    path("", lists.meeting_list, name="list"),
    path("gruppe/<int:group_pk>/plan/", lists.group_plan, name="plan"),
    path("gruppe/<int:group_pk>/plan/lag/", lists.plan_generate, name="plan_generate"),
    path("plan/<int:pk>/vedta/", lists.plan_adopt, name="plan_adopt"),
    path(
        "gruppe/<int:group_pk>/kommunestyremote/ny/",
        lists.council_meeting_create,
        name="council_meeting_create",
    ),
    path(
        "kommunestyremote/<int:pk>/endre/",
        lists.council_meeting_edit,
        name="council_meeting_edit",
    ),
    path("gruppe/<int:group_pk>/krav/", lists.request_list, name="requests"),
    path("krav/<int:pk>/signer/", lists.request_sign, name="request_sign"),
    path("gruppe/<int:group_pk>/nytt/", meeting.meeting_create, name="create"),
    path("<int:pk>/", meeting.meeting_detail, name="detail"),
    path("<int:pk>/endre/", meeting.meeting_edit, name="edit"),
    path("<int:pk>/avlys/", meeting.meeting_cancel, name="cancel"),
    path("<int:pk>/innkall/", meeting.meeting_summon, name="summon"),
    path("<int:pk>/saker/ny/", meeting.item_submit, name="item_submit"),
    path("sak/<int:pk>/behandle/", meeting.item_decide, name="item_decide"),
    path("sak/<int:pk>/avslutt/", meeting.item_close, name="item_close"),
    path("sak/<int:pk>/referat/", meeting.item_minutes, name="item_minutes"),
    path("sak/<int:pk>/protokolltilforsel/", meeting.dissent_add, name="dissent_add"),
    path("sak/<int:pk>/habilitet/", meeting.conflict_declare, name="conflict_declare"),
    path("sak/<int:pk>/skjema/<slug:kind>/", item_forms.item_form, name="item_form"),
    path("habilitet/<int:pk>/skjema/<slug:kind>/", item_forms.conflict_form, name="conflict_form"),
    path("habilitet/<int:pk>/avstemning/", meeting.conflict_vote, name="conflict_vote"),
    path("habilitet/<int:pk>/fratreden/", meeting.conflict_leave, name="conflict_leave"),
    path("<int:pk>/referat/", meeting.minutes_edit, name="minutes_edit"),
    path("<int:pk>/referat/godkjenn/", minutes.minutes_approve, name="minutes_approve"),
    path("<int:pk>/referat/apne/", meeting.minutes_reopen, name="minutes_reopen"),
    path("<int:pk>/referat/v<int:number>.pdf", minutes.minutes_pdf, name="minutes_pdf"),
    path("gruppe/<int:group_pk>/saker/", cases.case_list, name="cases"),
    path("kommunestyresak/<int:pk>/", cases.case_detail, name="case"),
    path("kommunestyresak/<int:pk>/endre/", cases.case_update, name="case_update"),
    path("kommunestyresak/<int:pk>/avvik/", cases.deviation_create, name="deviation_create"),
    path(
        "kommunestyresak/<int:pk>/avvik/registrer/", cases.deviation_record, name="deviation_record"
    ),
    path("avvik/<int:pk>/stemmeforklaring/", cases.deviation_agree, name="deviation_agree"),
    path("gruppe/<int:group_pk>/program/", followup.programme, name="programme"),
    path("program/<int:pk>/", followup.programme_update, name="programme_update"),
    path("gruppe/<int:group_pk>/testament/", followup.testament, name="testament"),
    path("kalender/", followup.calendar_settings, name="calendar"),
    path("kalender/ny-adresse/", followup.calendar_feed_new, name="calendar_feed_new"),
    path("kalender/slett-adresse/", followup.calendar_feed_revoke, name="calendar_feed_revoke"),
    path("kalender/<str:token>.ics", followup.calendar_feed, name="feed"),
]
