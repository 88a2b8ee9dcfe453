from django.urls import path

from advisor.outcomes import views

urlpatterns = [
    path("", views.outcomes, name="outcomes"),
    path("<slug:table>.csv", views.export_csv, name="outcomes_export"),
]
