from django.urls import path

from advisor.counsel import views

urlpatterns = [
    path("", views.queue, name="counsel_queue"),
    path("export.csv", views.export_csv, name="counsel_export"),
    path("<uuid:submission_id>/", views.submission_view, name="counsel_submission"),
    path("<uuid:submission_id>/claim/", views.claim, name="counsel_claim"),
    path("<uuid:submission_id>/assign/", views.assign, name="counsel_assign"),
    path("<uuid:submission_id>/note/", views.add_note, name="counsel_note"),
    path("<uuid:submission_id>/override/", views.override, name="counsel_override"),
    path("<uuid:submission_id>/status/", views.set_status, name="counsel_status"),
]
