from django.urls import path

from advisor.checkins import views

urlpatterns = [
    path("check-ins/<uuid:checkin_id>/", views.checkin_view, name="checkin"),
    path(
        "check-ins/unsubscribe/<str:token>/",
        views.unsubscribe_view,
        name="checkin_unsubscribe",
    ),
]
