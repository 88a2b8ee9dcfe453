"""Structured logs: every line carries its time, level, logger and request id.

In production each line is one JSON object (LOG_FORMAT=json), for a log collector to
index; with DEBUG on they are readable text. The request id comes from the proxy's
X-Request-ID when it is a sane token (so one id follows a request through proxy and app),
else a fresh one; it is sent back in the response's X-Request-ID. In a Celery worker the
id is the task's. Settings and gunicorn.conf.py both build their logging from here.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from django.core.signals import request_finished
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

request_id: ContextVar[str] = ContextVar("request_id", default="-")

# A proxy's id is kept only if it looks like one: no spaces, quotes or control characters
# that could forge a log line.
_SANE_ID = re.compile(r"[A-Za-z0-9._:-]{8,64}")


class RequestIdMiddleware:
    """Give each request an id, for its log lines and its response. The id stays set
    until the request is finished (`_forget_request_id`): Django logs an error answer
    (a 404, a 500) after the middleware has returned."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get("X-Request-ID", "")
        request_id.set(given if _SANE_ID.fullmatch(given) else uuid.uuid4().hex)
        response = self.get_response(request)
        response["X-Request-ID"] = request_id.get()
        return response


@receiver(request_finished)
def _forget_request_id(**kwargs) -> None:
    request_id.set("-")


class RequestIdFilter(logging.Filter):
    """Stamp each record with the current request's (or task's) id."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id.get()
        return True


# Attributes every LogRecord has; anything else on a record was passed in `extra`.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "request_id"}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, request id, message,
    then any `extra` fields and the exception's traceback."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", "-"),
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key in _STANDARD or key.startswith("_"):
                continue
            if isinstance(value, HttpRequest):
                # Its path only: a query string can hold what a person typed (an email).
                line[key] = f"{value.method} {value.path}"
            else:
                line[key] = value if isinstance(value, str | int | float | bool) else repr(value)
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


class AsWarning(logging.Filter):
    """Log an error as a warning (set on the loggers of `REFUSED_UNREAD`)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno > logging.WARNING:
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


# Django refuses a request it will not read (too many fields or files, a body over
# DATA_UPLOAD_MAX_MEMORY_SIZE) with a 400, and logs it as an error under django.security.
# It is a client's mistake or a fuzzer's, not ours: as an error it would wake whoever
# watches the error alerts (a fuzz of 10,000 requests once logged 200), so a warning.
REFUSED_UNREAD = ("TooManyFieldsSent", "TooManyFilesSent", "RequestDataTooBig")

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


def logging_config(*, level: str, json_lines: bool) -> dict[str, Any]:
    """Django's LOGGING (and gunicorn's logconfig_dict): one console handler for all."""
    formatter = {"()": "advisor.logs.JsonFormatter"} if json_lines else {"format": TEXT_FORMAT}
    # WeasyPrint narrates every step of every PDF at INFO; django-axes every log-in (its
    # lockouts are warnings).
    quiet = ("weasyprint", "fontTools", "axes")
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "request_id": {"()": "advisor.logs.RequestIdFilter"},
            "as_warning": {"()": "advisor.logs.AsWarning"},
        },
        "formatters": {"leap": formatter},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "leap",
                "filters": ["request_id"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            **{name: {"level": "WARNING"} for name in quiet},
            **{f"django.security.{name}": {"filters": ["as_warning"]} for name in REFUSED_UNREAD},
            # gunicorn's own loggers, when it takes this configuration (gunicorn.conf.py).
            "gunicorn.error": {"level": level, "handlers": ["console"], "propagate": False},
        },
    }
