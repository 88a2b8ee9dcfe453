"""Two-factor sign-in pages: the code after the password, setting it up, recovery codes.

The rules are in profiles/two_factor.py; `second_factor_required` guards the counsellors'
pages and the admin.
"""

from __future__ import annotations

from functools import wraps

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect
from django_otp.plugins.otp_static.models import StaticDevice

from advisor.forms import PlainWords
from profiles import two_factor
from profiles.language import remember_language
from profiles.questionnaire_views import adopt_session_draft
from profiles.redirects import safe_next


class CodeForm(PlainWords, forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=32,
        help_text=gettext_lazy(
            "The 6-digit code your authenticator app shows now, or one of your recovery codes."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )


class SetupCodeForm(CodeForm):
    """Setting it up: there are no recovery codes yet, only the app."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = gettext_lazy("The 6-digit code the app shows now.")


def welcome(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """What follows any log-in: the visitor's draft becomes the member's, and Leap speaks
    the member's own language, from any device."""
    if adopt_session_draft(request) and isinstance(response, HttpResponseRedirect):
        # The account holds other answers: which to keep is the member's choice.
        response = redirect(f"{reverse('choose_draft')}?{urlencode({'next': response.url})}")
    if request.user.language:
        remember_language(request, response, request.user.language)
    return response


def _go(request: HttpRequest, url: str) -> HttpResponse:
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def ask_for_second_factor(request: HttpRequest, next_url: str) -> HttpResponse:
    """A session with a password alone, where two factors are needed: the code, or, for
    an account without a second factor yet, setting one up."""
    if two_factor.is_enabled(request.user):
        two_factor.hold(request, request.user, next_url=next_url)
        return _go(request, reverse("login_verify"))
    messages.info(
        request,
        _("Counsellors and staff sign in with a second factor. Set it up to carry on."),
    )
    return _go(request, reverse("two_factor") + "?" + urlencode({"next": next_url}))


def second_factor_required(view):
    """The view, for a session verified with a second factor only."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs):
        if request.user.is_verified():
            return view(request, *args, **kwargs)
        return ask_for_second_factor(request, request.get_full_path())

    return wrapped


WRONG_AT_LOG_IN = gettext_lazy(
    "That code is not right. Codes change every 30 seconds: try the one your app shows now."
)
WRONG_AT_SET_UP = gettext_lazy(
    "That code is not right. Check that your phone's clock is set automatically, then type "
    "the code the app shows now."
)


def _refused(form: CodeForm, outcome, *, wrong) -> bool:
    """Put on the form why a code was not taken, if it was not (two_factor.Verdict)."""
    if isinstance(outcome, two_factor.Wait):
        minutes = outcome.minutes
        form.add_error(
            "code",
            ngettext(
                "Too many wrong codes. Try again in %(minutes)d minute.",
                "Too many wrong codes. Try again in %(minutes)d minutes.",
                minutes,
            )
            % {"minutes": minutes},
        )
    elif outcome == two_factor.Verdict.WRONG:
        form.add_error("code", str(wrong))
    else:
        return False
    return True


@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
@never_cache
def login_verify(request: HttpRequest) -> HttpResponse:
    """The second step of logging in: the code from the app, or a recovery code."""
    held = two_factor.pending(request)
    if held is None:
        messages.info(request, _("Your sign-in took too long. Please enter your password again."))
        return redirect("login")
    form = CodeForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            device = two_factor.verify(held.user, form.cleaned_data["code"])
            if not _refused(form, device, wrong=WRONG_AT_LOG_IN):
                two_factor.complete(request, held, device)
                if isinstance(device, StaticDevice):
                    _tell_codes_left(request)
                target = held.next_url or resolve_url(settings.LOGIN_REDIRECT_URL)
                return welcome(request, HttpResponseRedirect(target))
        return render(request, "registration/login_verify.html", {"form": form}, status=400)
    return render(request, "registration/login_verify.html", {"form": form})


def _tell_codes_left(request: HttpRequest) -> None:
    left = two_factor.recovery_codes_left(request.user)
    messages.warning(
        request,
        ngettext(
            "You used a recovery code. %(left)d is left: make new ones on the "
            "two-factor page if you have lost your phone.",
            "You used a recovery code. %(left)d are left: make new ones on the "
            "two-factor page if you have lost your phone.",
            left,
        )
        % {"left": left},
    )


@login_required
@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
@never_cache
def two_factor_page(request: HttpRequest) -> HttpResponse:
    """Two-factor sign-in: its state and what can be done with it, or setting it up."""
    user = request.user
    next_url = safe_next(request, default=reverse("two_factor"))
    if two_factor.is_enabled(user):
        context = {
            "codes_left": two_factor.recovery_codes_left(user),
            "required": two_factor.required_for(user),
        }
        return render(request, "registration/two_factor.html", context)
    device = two_factor.start_setup(user)
    form = SetupCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = two_factor.confirm_setup(device, form.cleaned_data["code"])
        if not _refused(form, codes, wrong=WRONG_AT_SET_UP):
            two_factor.mark_verified(request, device)
            messages.success(request, _("Two-factor sign-in is on."))
            return render(
                request, "registration/recovery_codes.html", {"codes": codes, "next": next_url}
            )
    context = {
        "form": form,
        "next": next_url,
        "qr": segno.make(device.config_url, error="m").svg_data_uri(scale=4, border=2),
        "secret": two_factor.secret_of(device),
        "issuer": settings.OTP_TOTP_ISSUER,
    }
    status = 400 if form.errors else 200
    return render(request, "registration/two_factor_setup.html", context, status=status)


@login_required
@require_POST
@never_cache
@second_factor_required
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """New recovery codes, shown once; the old ones stop working."""
    codes = two_factor.new_recovery_codes(request.user)
    messages.success(request, _("Here are your new recovery codes. The old ones no longer work."))
    context = {"codes": codes, "next": reverse("two_factor")}
    return render(request, "registration/recovery_codes.html", context)


@login_required
@require_POST
@second_factor_required
def two_factor_off(request: HttpRequest) -> HttpResponse:
    if two_factor.required_for(request.user):
        messages.error(request, _("Counsellors and staff cannot turn two-factor sign-in off."))
        return redirect("two_factor")
    two_factor.turn_off(request.user)
    messages.success(request, _("Two-factor sign-in is off. You log in with your password alone."))
    return redirect("account")
