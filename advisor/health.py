"""Health of the services Leap depends on: /livez for the load balancer, /healthz for the
operator (docs/deployment.md says which to use where)."""

import json
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse

from advisor.celery import app

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


def check_database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        log.warning("healthz: database down: %s", exc)
        return Check("database", False, type(exc).__name__)
    return Check("database", True, connection.vendor)


def check_broker() -> Check:
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=settings.HEALTHZ_PING_TIMEOUT)
            transport = conn.transport_cls
    except Exception as exc:
        log.warning("healthz: broker down: %s", exc)
        return Check("broker", False, type(exc).__name__)
    return Check("broker", True, str(transport))


def check_workers() -> Check:
    try:
        replies = app.control.ping(timeout=settings.HEALTHZ_PING_TIMEOUT) or []
    except Exception as exc:
        log.warning("healthz: worker ping failed: %s", exc)
        return Check("workers", False, type(exc).__name__)
    if not replies:
        return Check("workers", False, "no worker answered the ping")
    return Check("workers", True, f"{len(replies)} answered")


def run_checks() -> list[Check]:
    broker = check_broker()
    # Without a broker a ping can only time out; say so rather than wait for it.
    workers = check_workers() if broker.ok else Check("workers", False, "broker is down")
    return [check_database(), broker, workers]


class LivezMiddleware:
    """GET /livez: is this process alive and does it reach its database? 200 or 503.

    For the load balancer (and the image's HEALTHCHECK): a web process that answers here
    can serve pages, whatever the state of Redis or the workers, so a broker outage does
    not drain every web node at once. Answered before the host check and the HTTPS
    redirect, because probes come by the node's address over plain HTTP.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info != "/livez":
            return self.get_response(request)
        if request.method not in ("GET", "HEAD"):
            return HttpResponse(status=405, headers={"Allow": "GET, HEAD"})
        database = check_database()
        body = {"status": "ok" if database.ok else "down", "database": database.detail}
        return HttpResponse(
            json.dumps(body),
            status=200 if database.ok else 503,
            content_type="application/json",
            headers={"Cache-Control": "no-store"},
        )
