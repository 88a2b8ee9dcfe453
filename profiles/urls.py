from django.contrib.auth import views as auth_views
from django.urls import path

from profiles import questionnaire_views as q
from profiles import two_factor_views, views

urlpatterns = [
    path("accounts/signup/", views.signup, name="signup"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/login/code/", two_factor_views.login_verify, name="login_verify"),
    path("accounts/two-factor/", two_factor_views.two_factor_page, name="two_factor"),
    path(
        "accounts/two-factor/recovery-codes/",
        two_factor_views.recovery_codes,
        name="two_factor_recovery_codes",
    ),
    path("accounts/two-factor/off/", two_factor_views.two_factor_off, name="two_factor_off"),
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
    path("questionnaire/choose/", q.choose_draft, name="choose_draft"),
    path("questionnaire/<str:slug>/", q.step_view, name="questionnaire_step"),
    path("questionnaire/<str:slug>/check/", q.check, name="questionnaire_check"),
    path("questionnaire/<str:slug>/autosave/", q.autosave, name="questionnaire_autosave"),
    path("submissions/<uuid:submission_id>/", q.submission_view, name="submission"),
    path("submissions/<uuid:submission_id>/edit/", q.edit_submission, name="submission_edit"),
    path(
        "submissions/<uuid:submission_id>/review-consent/",
        views.review_consent,
        name="review_consent",
    ),
    path("account/", views.account_view, name="account"),
    path("account/export/", views.export_view, name="account_export"),
    path("account/delete/", views.delete_account, name="account_delete"),
    path("account/review-consent/", views.review_consent_all, name="review_consent_all"),
]
