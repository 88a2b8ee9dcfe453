"""Accounts, the language switcher, and a member's own data (export, deletion)."""

import json

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from profiles import privacy
from profiles.forms import DeleteAccountForm, SignupForm
from profiles.language import remember_language
from profiles.questionnaire_views import adopt_session_draft


@require_POST
def switch_language(request: HttpRequest) -> HttpResponse:
    """The language switcher (a plain POST form on every page)."""
    return remember_language(
        request, redirect(_safe_next(request)), request.POST.get("language", "")
    )


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("home")


@sensitive_post_parameters("password1", "password2")
@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(_safe_next(request))
    form = SignupForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            user = form.save(commit=False)
            user.language = request.LANGUAGE_CODE
            user.save()
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            adopt_session_draft(request)
            messages.success(request, _("Welcome to Leap. Your account is ready."))
            return redirect(_safe_next(request))
        return render(request, "registration/signup.html", {"form": form}, status=400)
    return render(request, "registration/signup.html", {"form": form, "next": _safe_next(request)})


class InvalidFormIsBadRequest:
    """Answer a rejected form with 400, so clients and tests can tell it from a page view."""

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response


class LoginView(InvalidFormIsBadRequest, auth_views.LoginView):
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        adopt_session_draft(self.request)
        if self.request.user.language:  # the member's own choice, from any device
            remember_language(self.request, response, self.request.user.language)
        return response


class PasswordResetView(InvalidFormIsBadRequest, auth_views.PasswordResetView):
    pass


class PasswordResetConfirmView(InvalidFormIsBadRequest, auth_views.PasswordResetConfirmView):
    pass


# --- My data --------------------------------------------------------------------


@login_required
@require_GET
@never_cache
def account_view(request: HttpRequest) -> HttpResponse:
    return render(request, "account.html", {"form": DeleteAccountForm(request.user)})


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
def delete_account(request: HttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.user, request.POST)
    if not form.is_valid():
        return render(request, "account.html", {"form": form}, status=400)
    user = request.user
    logout(request)
    privacy.delete_account(user)
    messages.success(request, _("Your account and everything in it are deleted."))
    return redirect("home")
