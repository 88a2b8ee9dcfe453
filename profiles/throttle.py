"""Throttling of the account forms: log-in lockouts (django-axes, in the database) and
limits on password resets and sign-ups (django-ratelimit, counted in the cache).

- Log-in: after LOGIN_FAILURE_LIMIT failures for one account from one address, that
  account is refused from that address, even with the right password; after
  LOGIN_ADDRESS_FAILURE_LIMIT failures from one address, for any accounts, that address
  is refused for all. Both last until LOGIN_LOCKOUT_MINUTES pass without a failure.
  Resetting the password unlocks the account at once. Lockouts live in the database, so
  they hold while Redis is down.
- Password reset: per client address and per email address asked for.
- Sign-up: per client address and per email address.

Counters in the cache are not kept while Redis is down (the cache forgives, and
RATELIMIT_FAIL_OPEN lets the request through): the limits lapse, nobody gets a 500.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from axes.utils import reset as reset_lockout
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_ratelimit.core import is_ratelimited

from profiles.models import normalise_email

logger = logging.getLogger(__name__)


def client_ip(request: HttpRequest) -> str:
    """The client's address. Behind our proxies (BEHIND_PROXY), the address the outermost
    of them saw: X-Forwarded-For read from the right, since a client can write anything
    at its left."""
    remote = request.META.get("REMOTE_ADDR", "")
    if settings.PROXY_COUNT:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        hops = [h for h in hops if h]
        if len(hops) >= settings.PROXY_COUNT:
            candidate = hops[-settings.PROXY_COUNT]
            try:
                return str(ipaddress.ip_address(candidate))
            except ValueError:
                logger.warning("X-Forwarded-For holds no address where expected")
    return remote


# django-axes keeps the name of each failed log-in in a column this wide. No account's
# is longer (emails stop at 254 characters), but a log-in form may be sent anything.
USERNAME_LIMIT = AccessAttempt._meta.get_field("username").max_length


def login_username(request: HttpRequest, credentials: dict | None) -> str:
    """The account a log-in is for, as stored: ALICE@example.com counts against alice's.
    Cut to the width django-axes stores (a longer name was a 500 on PostgreSQL)."""
    username = (credentials or {}).get("username") or request.POST.get("username") or ""
    return normalise_email(str(username))[:USERNAME_LIMIT]


def client_description(username, ip_address, user_agent, path_info, request) -> str:
    """How django-axes logs a client (AXES_CLIENT_STR_CALLABLE): the address, and the
    account as a short hash, so that the log shows repeated attempts on one account
    without holding its email."""
    account = hashlib.sha256(normalise_email(username or "").encode()).hexdigest()[:12]
    return f"account {account} from {ip_address} to {path_info}"


def locked_out(request: HttpRequest, response=None, credentials: dict | None = None):
    """The page a locked-out log-in gets: 429, why, and the way back."""
    username = login_username(request, credentials)
    logger.warning(
        "log-in refused, locked out: %s",
        client_description(username, client_ip(request), "", request.path, request),
    )
    context = {"minutes": int(settings.AXES_COOLOFF_TIME * 60)}
    return render(request, "registration/locked_out.html", context, status=429)


class LockoutHandler(AxesDatabaseHandler):
    """django-axes' database handler (AXES_HANDLER), with a second limit. Its own counts
    failures for one account from one address (AXES_LOCKOUT_PARAMETERS) against
    LOGIN_FAILURE_LIMIT; this also counts every failure from the address, whatever the
    account, against LOGIN_ADDRESS_FAILURE_LIMIT. django-axes has one limit for all it
    counts, and a shared address must not be locked as soon as one account is."""

    def is_locked(self, request: HttpRequest, credentials: dict | None = None) -> bool:
        return super().is_locked(request, credentials) or self._address_locked(request)

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs) -> None:
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None or request.axes_locked_out or not self._address_locked(request):
            return
        # As django-axes does at its own limit: this failure already answers the lockout.
        request.axes_locked_out = True
        request.axes_credentials = credentials
        username = login_username(request, credentials)
        user_locked_out.send("axes", request=request, username=username,
                             ip_address=request.axes_ip_address)  # fmt: skip

    def _address_locked(self, request: HttpRequest) -> bool:
        recent = AccessAttempt.objects.filter(
            ip_address=request.axes_ip_address,
            attempt_time__gte=get_cool_off_threshold(request),
        )
        failures = recent.aggregate(total=Sum("failures_since_start"))["total"] or 0
        return failures >= settings.LOGIN_ADDRESS_FAILURE_LIMIT


def unlock_account(email: str) -> None:
    """The password was reset: failures counted against this account no longer count."""
    reset_lockout(username=normalise_email(email))


def _email_key(group: str, request: HttpRequest) -> str:
    return normalise_email(request.POST.get("email", ""))


def _ip_key(group: str, request: HttpRequest) -> str:
    return client_ip(request)


def _over(request: HttpRequest, group: str, key, rate: str) -> bool:
    return is_ratelimited(request, group=group, key=key, rate=rate, method="POST", increment=True)


def reset_over_limit(request: HttpRequest) -> bool:
    """Count a password-reset request; True when its address or email asked too often."""
    by_ip = _over(request, "password-reset-ip", _ip_key, settings.RESET_RATE_PER_ADDRESS)
    by_email = _over(request, "password-reset-email", _email_key, settings.RESET_RATE_PER_EMAIL)
    return by_ip or by_email


def signup_over_limit(request: HttpRequest) -> bool:
    """Count a sign-up attempt; True when its client address, or the email address it
    names, was tried too often."""
    by_ip = _over(request, "signup-ip", _ip_key, settings.SIGNUP_RATE_PER_ADDRESS)
    by_email = _over(request, "signup-email", _email_key, settings.SIGNUP_RATE_PER_EMAIL)
    return by_ip or by_email


def too_many(request: HttpRequest) -> HttpResponse:
    """429: the limit, in plain words, and when to come back."""
    logger.warning("throttled %s from %s", request.path, client_ip(request))
    return render(request, "registration/throttled.html", status=429)
