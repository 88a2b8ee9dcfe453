from django.contrib.auth import views as auth_views
from django.urls import path

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
    path("account/", views.account_view, name="account"),
    path("account/export/", views.export_view, name="account_export"),
    path("account/delete/", views.delete_account, name="account_delete"),
]
