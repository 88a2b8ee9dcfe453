"""Health of the services Leap depends on, for /healthz and the operator."""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import connection

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
