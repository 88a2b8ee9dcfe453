from django.contrib.auth import views as auth_views
from django.urls import path

from profiles import plan_views as plans
from profiles import questionnaire_views as q
from profiles import views

urlpatterns = [
    path("accounts/signup/", views.signup, name="signup"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password-reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("questionnaire/", q.start, name="questionnaire_start"),
    path("questionnaire/review/", q.review, name="questionnaire_review"),
    path("questionnaire/restart/", q.restart, name="questionnaire_restart"),
    path("questionnaire/<str:slug>/", q.step_view, name="questionnaire_step"),
    path("questionnaire/<str:slug>/check/", q.check, name="questionnaire_check"),
    path("submissions/<uuid:submission_id>/", q.submission_view, name="submission"),
    path("submissions/<uuid:submission_id>/edit/", q.edit_submission, name="submission_edit"),
    path(
        "submissions/<uuid:submission_id>/new-plan/",
        plans.plan_regenerate,
        name="plan_regenerate",
    ),
    path("plans/", plans.plans_view, name="plans"),
    path("plans/compare/", plans.plan_compare, name="plan_compare"),
    path("plans/<uuid:plan_id>/", plans.plan_view, name="plan"),
    path("plans/<uuid:plan_id>/retry/", plans.plan_retry, name="plan_retry"),
    path("plans/<uuid:plan_id>/delete/", plans.plan_delete, name="plan_delete"),
    path("plans/<uuid:plan_id>/pdf/", plans.plan_pdf, name="plan_pdf"),
    path("plans/<uuid:plan_id>/milestones.ics", plans.plan_ics, name="plan_ics"),
    path("account/", plans.account_view, name="account"),
    path("account/export/", plans.export_view, name="account_export"),
    path("account/delete/", plans.delete_account, name="account_delete"),
]
