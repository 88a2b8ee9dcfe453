"""Two-factor sign-in: a code from an authenticator app (TOTP), or a one-time recovery code.

Built on django-otp (docs/architecture.md says why): a `TOTPDevice` for the app and a
`StaticDevice` holding the recovery codes, both django-otp's, both throttled by it after
wrong codes. Counsellors and staff must use it (their pages and the admin ask for a
verified session); any member may turn it on.

Signing in with a second factor is two steps: the password, which leaves the account
*pending* in the session for a few minutes without logging it in; then the code, which
logs it in and marks the session verified.
"""

from __future__ import annotations

import time
from base64 import b32encode
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import login
from django.db import transaction
from django.http import HttpRequest
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from profiles.models import User

PENDING = "two_factor_pending"
RECOVERY_CODES = 10
APP_DEVICE = "Authenticator app"
RECOVERY_DEVICE = "Recovery codes"


class Verdict:
    """Why a code was not accepted."""

    WRONG = "wrong"
    WAIT = "wait"  # django-otp throttles a device after wrong codes


def required_for(user: User) -> bool:
    """Counsellors read health and money answers; staff reach the admin."""
    return user.is_authenticated and (user.is_staff or user.is_counsellor)


def app_device(user: User, *, confirmed: bool = True) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).first()


def is_enabled(user: User) -> bool:
    return app_device(user) is not None


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


# --- Setting it up -----------------------------------------------------------------


def start_setup(user: User) -> TOTPDevice:
    """The app device being set up: a new secret, kept unconfirmed until a code from the
    app proves the person has it."""
    device = app_device(user, confirmed=False)
    return device or TOTPDevice.objects.create(user=user, name=APP_DEVICE, confirmed=False)


def secret_of(device: TOTPDevice) -> str:
    """The secret as an app asks for it when typed by hand (base32, in groups of four)."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@transaction.atomic
def confirm_setup(device: TOTPDevice, code: str) -> list[str] | str:
    """Turn two-factor sign-in on if `code` is right: the app device confirmed, any older
    one removed, and fresh recovery codes, returned to be shown once. Else why not
    (Verdict.WAIT or Verdict.WRONG)."""
    if not device.verify_is_allowed()[0]:
        return Verdict.WAIT
    if not device.verify_token(_digits(code)):
        return Verdict.WRONG
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return new_recovery_codes(device.user)


@transaction.atomic
def new_recovery_codes(user: User) -> list[str]:
    """Ten new single-use recovery codes; the old ones stop working."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


@transaction.atomic
def turn_off(user: User) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


# --- Signing in -------------------------------------------------------------------


@dataclass(frozen=True)
class Pending:
    user: User
    backend: str
    next_url: str


def hold(request: HttpRequest, user: User, *, next_url: str) -> None:
    """The password was right: keep the account pending until its code is given."""
    request.session[PENDING] = {
        "user": user.pk,
        "backend": getattr(user, "backend", settings.AUTHENTICATION_BACKENDS[-1]),
        "next": next_url,
        "since": time.time(),
    }


def pending(request: HttpRequest) -> Pending | None:
    """The account waiting for its code in this session, if it has not waited too long."""
    held = request.session.get(PENDING)
    if not isinstance(held, dict):
        return None
    if time.time() - held.get("since", 0) > settings.TWO_FACTOR_PENDING_MINUTES * 60:
        request.session.pop(PENDING, None)
        return None
    user = User.objects.filter(pk=held.get("user"), is_active=True).first()
    if user is None:
        return None
    return Pending(user=user, backend=held["backend"], next_url=held.get("next", ""))


def verify(user: User, code: str) -> TOTPDevice | StaticDevice | str:
    """The device that accepts `code` (the app's, or a recovery code), else why not:
    Verdict.WAIT while django-otp throttles after wrong codes, or Verdict.WRONG."""
    code = code.strip().replace(" ", "").lower()
    devices = [d for d in (app_device(user), StaticDevice.objects.filter(user=user).first()) if d]
    if any(not d.verify_is_allowed()[0] for d in devices):
        return Verdict.WAIT
    with transaction.atomic():
        for device in devices:
            token = _digits(code) if isinstance(device, TOTPDevice) else code
            # Locked, so that one code cannot be used twice by two requests at once.
            locked = type(device).objects.select_for_update().get(pk=device.pk)
            if token and locked.verify_token(token):
                return locked
    return Verdict.WRONG


def complete(request: HttpRequest, held: Pending, device) -> None:
    """Log the pending account in, its session verified by `device`."""
    request.session.pop(PENDING, None)
    held.user.backend = held.backend
    held.user.otp_device = device  # django-otp keeps it in the session at log-in
    login(request, held.user, backend=held.backend)


def mark_verified(request: HttpRequest, device) -> None:
    """This session, already logged in, has just proved its second factor."""
    otp_login(request, device)


def _digits(code: str) -> str:
    code = code.strip().replace(" ", "")
    return code if code.isdigit() and len(code) in (6, 8) else ""
