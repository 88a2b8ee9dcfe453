"""Accounts, the language switcher, and a member's own data (export, deletion, consent)."""

import json

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from advisor.members import privacy
from profiles import throttle, two_factor
from profiles.forms import (
    DeleteAccountForm,
    LoginForm,
    PasswordResetForm,
    SetPasswordForm,
    SignupForm,
)
from profiles.language import remember_language
from profiles.models import Submission
from profiles.redirects import safe_next
from profiles.two_factor_views import ask_for_second_factor, welcome


@require_POST
def switch_language(request: HttpRequest) -> HttpResponse:
    """The language switcher (a plain POST form on every page)."""
    return remember_language(
        request, HttpResponseRedirect(safe_next(request)), request.POST.get("language", "")
    )


@sensitive_post_parameters("password1", "password2")
@require_http_methods(["GET", "POST"])
@never_cache
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return HttpResponseRedirect(safe_next(request))
    form = SignupForm(request.POST or None)
    if request.method == "POST":
        if throttle.signup_over_limit(request):
            return throttle.too_many(request)
        if form.is_valid():
            user = form.save(commit=False)
            user.language = request.LANGUAGE_CODE
            user.save()
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome to Leap. Your account is ready."))
            return welcome(request, HttpResponseRedirect(safe_next(request)))
    # `next` survives a rejected form too, so the way back (to the review, say) is not lost.
    context = {"form": form, "next": safe_next(request)}
    status = 400 if request.method == "POST" else 200
    return render(request, "registration/signup.html", context, status=status)


class InvalidFormIsBadRequest:
    """Answer a rejected form with 400, so clients and tests can tell it from a page view."""

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response


class LoginView(InvalidFormIsBadRequest, auth_views.LoginView):
    """The password. An account with two-factor sign-in then waits for its code
    (profiles/two_factor_views.py); one that must have it and has not goes to set it up.
    Wrong passwords lock out the account and the address (profiles/throttle.py)."""

    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_redirect_url(self) -> str:
        return safe_next(self.request, default="")

    def form_valid(self, form):
        user = form.get_user()
        if two_factor.is_enabled(user):
            two_factor.hold(self.request, user, next_url=self.get_success_url())
            return redirect("login_verify")
        super().form_valid(form)  # logs in
        if two_factor.required_for(user):
            response = ask_for_second_factor(self.request, self.get_success_url())
        else:
            response = HttpResponseRedirect(self.get_success_url())
        return welcome(self.request, response)


class PasswordResetView(InvalidFormIsBadRequest, auth_views.PasswordResetView):
    """The email with the link is sent by a worker; asking is limited per address and per
    email address."""

    form_class = PasswordResetForm

    def post(self, request, *args, **kwargs):
        if throttle.reset_over_limit(request):
            return throttle.too_many(request)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        if not form.send_later(language=self.request.LANGUAGE_CODE):
            return render(self.request, "registration/password_reset_unsent.html", status=503)
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetConfirmView(InvalidFormIsBadRequest, auth_views.PasswordResetConfirmView):
    form_class = SetPasswordForm

    def form_valid(self, form):
        response = super().form_valid(form)
        # The way back from a lockout: whoever can reset the password owns the account.
        throttle.unlock_account(form.user.email)
        return response


# --- My data --------------------------------------------------------------------


def _render_account(request: HttpRequest, form: DeleteAccountForm, *, status: int = 200):
    submissions = Submission.objects.for_owner(request.user)
    context = {
        "form": form,
        "submissions": submissions.count(),
        "reviewable": submissions.filter(consent_review=True).count(),
        "two_factor": two_factor.is_enabled(request.user),
    }
    return render(request, "account.html", context, status=status)


@login_required
@require_GET
@never_cache
def account_view(request: HttpRequest) -> HttpResponse:
    return _render_account(request, DeleteAccountForm(request.user))


@login_required
@require_GET
@never_cache
def export_view(request: HttpRequest) -> HttpResponse:
    data = json.dumps(
        privacy.export(request.user), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2
    )
    response = HttpResponse(data, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="leap-my-data.json"'
    return response


@login_required
@require_POST
@never_cache
def delete_account(request: HttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.user, request.POST)
    if not form.is_valid():
        return _render_account(request, form, status=400)
    user = request.user
    logout(request)
    privacy.delete_account(user)
    messages.success(request, _("Your account and everything in it are deleted."))
    return redirect("home")


# --- Consent to counsellor review --------------------------------------------------


def _consent_asked(request: HttpRequest) -> bool | None:
    return {"give": True, "withdraw": False}.get(request.POST.get("review", ""))


@login_required
@require_POST
def review_consent(request: HttpRequest, submission_id) -> HttpResponse:
    """Give or withdraw consent to counsellor review for one submission: at once."""
    submission = get_object_or_404(Submission.objects.for_owner(request.user), pk=submission_id)
    consent = _consent_asked(request)
    if consent is None:
        return render(request, "400.html", status=400)
    privacy.set_review_consent(
        request.user, Submission.objects.filter(pk=submission.pk), consent=consent
    )
    messages.success(request, _CONSENT_DONE[consent])
    return redirect("submission", submission.pk)


@login_required
@require_POST
def review_consent_all(request: HttpRequest) -> HttpResponse:
    """Give or withdraw consent to counsellor review for every submission at once."""
    consent = _consent_asked(request)
    if consent is None:
        return render(request, "400.html", status=400)
    privacy.set_review_consent(
        request.user, Submission.objects.for_owner(request.user), consent=consent
    )
    messages.success(request, _CONSENT_ALL_DONE[consent])
    return redirect("account")


_CONSENT_DONE = {
    True: gettext_lazy("A counsellor may now review these answers."),
    False: gettext_lazy("Consent withdrawn: no counsellor can see these answers any more."),
}
_CONSENT_ALL_DONE = {
    True: gettext_lazy("A counsellor may now review all your submissions."),
    False: gettext_lazy(
        "Consent withdrawn: no counsellor can see any of your submissions any more."
    ),
}
