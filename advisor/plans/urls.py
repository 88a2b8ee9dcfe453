from django.urls import path

from advisor.plans import views

urlpatterns = [
    path(
        "submissions/<uuid:submission_id>/new-plan/",
        views.plan_regenerate,
        name="plan_regenerate",
    ),
    path("plans/", views.plans_view, name="plans"),
    path("plans/compare/", views.plan_compare, name="plan_compare"),
    path("plans/<uuid:plan_id>/", views.plan_view, name="plan"),
    path("plans/<uuid:plan_id>/retry/", views.plan_retry, name="plan_retry"),
    path("plans/<uuid:plan_id>/milestones/", views.plan_milestone, name="plan_milestone"),
    path("plans/<uuid:plan_id>/delete/", views.plan_delete, name="plan_delete"),
    path("plans/<uuid:plan_id>/pdf/", views.plan_pdf, name="plan_pdf"),
    path("plans/<uuid:plan_id>/milestones.ics", views.plan_ics, name="plan_ics"),
]
