from django.urls import path

from advisor.counsel import views

urlpatterns = [
    path("", views.queue, name="counsel_queue"),
    path("mine/", views.caseload, name="counsel_caseload"),
    path("export.csv", views.export_csv, name="counsel_export"),
    path("replies/", views.saved_replies, name="counsel_saved_replies"),
    path("replies/<int:reply_id>/", views.saved_reply, name="counsel_saved_reply"),
    path(
        "replies/<int:reply_id>/delete/",
        views.delete_saved_reply,
        name="counsel_delete_saved_reply",
    ),
    path("<uuid:submission_id>/", views.submission_view, name="counsel_submission"),
    path("<uuid:submission_id>/claim/", views.claim, name="counsel_claim"),
    path("<uuid:submission_id>/assign/", views.assign, name="counsel_assign"),
    path("<uuid:submission_id>/note/", views.add_note, name="counsel_note"),
    path("<uuid:submission_id>/ask/", views.ask, name="counsel_ask"),
    path("<uuid:submission_id>/override/", views.override, name="counsel_override"),
    path("<uuid:submission_id>/status/", views.set_status, name="counsel_status"),
]

# The member's side, outside the counsellors' /counsel/ (advisor/urls.py).
member_urlpatterns = [
    path("<uuid:submission_id>/", views.conversation, name="conversation"),
]
