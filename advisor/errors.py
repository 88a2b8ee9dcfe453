"""Error reporting to Sentry, when SENTRY_DSN is set, with personal data scrubbed.

What a member tells Leap (health, money, where they live) and who they are must not
leave for a third party with an error report. So the SDK sends no personal data of its own
(`send_default_pii` off, no request bodies, no local variables), and `scrub` takes out
of every event what could still carry some: the request's query string, cookies and
headers other than a few harmless ones, the user beyond their id, and any email
address in any text (a log message, an exception's value, a breadcrumb).
"""

from __future__ import annotations

import re
from typing import Any

import sentry_sdk
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration

EMAIL = re.compile(r"[^\s@'\"<>(),;:]+@[^\s@'\"<>(),;:]+\.[A-Za-z]{2,}")
# Request headers worth keeping to understand an error; none names the person.
SAFE_HEADERS = {"content-type", "content-length", "accept", "accept-language", "hx-request",
                "user-agent", "x-request-id", "host"}  # fmt: skip


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return EMAIL.sub("[email]", value)
    if isinstance(value, dict):
        return {key: _clean(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(item) for item in value]
    return value


def scrub(event: dict[str, Any], hint: dict[str, Any] | None = None) -> dict[str, Any]:
    """Sentry's before_send (and before_breadcrumb): the event without personal data."""
    request = event.get("request")
    if isinstance(request, dict):
        for key in ("data", "cookies", "query_string", "env"):
            request.pop(key, None)
        headers = request.get("headers") or {}
        request["headers"] = {k: v for k, v in headers.items() if k.lower() in SAFE_HEADERS}
        if isinstance(request.get("url"), str):
            request["url"] = request["url"].split("?", 1)[0]
    user = event.get("user")
    if isinstance(user, dict):
        event["user"] = {"id": user["id"]} if "id" in user else {}
    return _clean(event)


def init_sentry(dsn: str, *, environment: str) -> None:
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        include_local_variables=False,
        max_request_body_size="never",
        before_send=scrub,
        before_breadcrumb=scrub,
        traces_sample_rate=0,
    )
