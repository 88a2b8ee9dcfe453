"""Two-factor sign-in: a code from an authenticator app (TOTP), or a one-time recovery code.

Built on django-otp (docs/architecture.md says why): a `TOTPDevice` for the app and a
`StaticDevice` holding the recovery codes, both django-otp's. Wrong codes are throttled
here (`wait_left`), on the counts django-otp keeps: a few tries at once, then waits.
Counsellors and staff must use it (their pages and the admin ask for a verified
session); any member may turn it on.

Signing in with a second factor is two steps: the password, which leaves the account
*pending* in the session for a few minutes without logging it in; then the code, which
logs it in and marks the session verified.
"""

from __future__ import annotations

import math
import time
from base64 import b32encode
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import login
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from profiles.models import User

PENDING = "two_factor_pending"
RECOVERY_CODES = 10
APP_DEVICE = "Authenticator app"
RECOVERY_DEVICE = "Recovery codes"


class Verdict:
    """Why a code was not accepted (or `Wait`)."""

    WRONG = "wrong"


@dataclass(frozen=True)
class Wait:
    """Too many wrong codes in a row: no code is checked for this long."""

    left: timedelta

    @property
    def minutes(self) -> int:
        return max(1, math.ceil(self.left.total_seconds() / 60))


# Wrong codes in a row that can be typed again at once: a typo, or a code that changed
# while it was being typed, as people who use authenticator apps expect. After them each
# try waits, from a minute, twice as long after each further wrong code (django-otp's
# own throttle, off in settings, made even the first retry wait). Someone guessing at a
# 6-digit code (three are valid at a time) gets 15 tries in the first day, then one or
# two a day.
FREE_TRIES = 5
FIRST_WAIT = timedelta(minutes=1)


def wait_left(device: TOTPDevice | StaticDevice) -> timedelta:
    """How much longer `device` refuses to check a code (zero: it checks one now)."""
    failures = device.throttling_failure_count
    if failures < FREE_TRIES or device.throttling_failure_timestamp is None:
        return timedelta(0)
    wait = FIRST_WAIT * 2 ** (failures - FREE_TRIES)
    return max(device.throttling_failure_timestamp + wait - timezone.now(), timedelta(0))


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
def confirm_setup(device: TOTPDevice, code: str) -> list[str] | Wait | str:
    """Turn two-factor sign-in on if `code` is right: the app device confirmed, any older
    one removed, and fresh recovery codes, returned to be shown once. Else why not
    (a `Wait`, or Verdict.WRONG)."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk)  # tries in turn
    if wait := wait_left(device):
        return Wait(wait)
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


def verify(user: User, code: str) -> TOTPDevice | StaticDevice | Wait | str:
    """The device that accepts `code` (the app's, or a recovery code), else why not:
    a `Wait` after too many wrong codes in a row, or Verdict.WRONG."""
    code = code.strip().replace(" ", "").lower()
    with transaction.atomic():
        # Locked, so that one code cannot be used twice by two requests at once, and
        # tries sent at once are counted one after another.
        devices = [
            device
            for device in (
                TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first(),
                StaticDevice.objects.select_for_update().filter(user=user).first(),
            )
            if device
        ]
        if wait := max((wait_left(device) for device in devices), default=timedelta(0)):
            return Wait(wait)
        for device in devices:
            token = _digits(code) if isinstance(device, TOTPDevice) else code
            if token and device.verify_token(token):
                # The person is proven: the wrong codes the other device counted too go.
                for other in devices:
                    if other is not device and other.throttling_failure_count:
                        other.throttle_reset()
                return device
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
