"""Error reporting to Sentry, when SENTRY_DSN is set, with personal data scrubbed.

What a member tells Leap (health, money, where they live) and who they are must not
leave for a third party with an error report. The rule: a report carries what our code
wrote (exception types, stack frames with their code lines, log message templates) and
nothing a person wrote. So the SDK sends no personal data of its own (`send_default_pii`
off, no request bodies, no local variables), and `scrub` takes out of every event what
could still carry some: the request's query string, cookies and headers other than a few
harmless ones, the user beyond their id, exceptions' messages and log messages'
arguments (either can quote an answer), and any email address left in any text. The
request id stays, to find the full story in the operator's own logs.
"""

from __future__ import annotations

import re
from typing import Any

import sentry_sdk
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration

from advisor.logs import request_id

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
    for exception in (event.get("exception") or {}).get("values") or []:
        exception["value"] = "[removed: see the logs by request id]"
    logentry = event.get("logentry")
    if isinstance(logentry, dict):
        logentry.pop("params", None)
        logentry.pop("formatted", None)
    if "message" in event and isinstance(logentry, dict) and "message" in logentry:
        event["message"] = logentry["message"]  # the template, not the filled-in text
    event.setdefault("tags", {})["request_id"] = request_id.get()
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
        before_breadcrumb=_scrub_breadcrumb,
        traces_sample_rate=0,
    )


def _scrub_breadcrumb(crumb: dict[str, Any], hint: dict[str, Any] | None = None) -> dict[str, Any]:
    """A breadcrumb (a log line, a query) keeps its kind and template, not its values."""
    crumb.pop("data", None)
    return _clean(crumb)
