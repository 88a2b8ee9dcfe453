"""gunicorn's configuration for Leap's web processes (the image's CMD loads it).

Every value can be changed from the environment; docs/deployment.md explains the choices.
"""

import os

from advisor.logs import logging_config

bind = f"0.0.0.0:{os.getenv('PORT', '8000')}"
# Sync workers: Leap's views are short and database-bound. Two per core, plus one.
workers = int(os.getenv("WEB_CONCURRENCY", str(2 * (os.cpu_count() or 1) + 1)))
# A request that takes longer than this is stuck: its worker is killed and replaced.
timeout = int(os.getenv("GUNICORN_TIMEOUT", "30"))
# On SIGTERM (a rolling deploy), requests in flight get this long to finish.
graceful_timeout = int(os.getenv("GUNICORN_GRACEFUL_TIMEOUT", "30"))
# Longer than the load balancer's idle timeout, so it never reuses a closed connection.
keepalive = int(os.getenv("GUNICORN_KEEPALIVE", "75"))
# Recycle workers now and then, so that no slow leak grows for ever.
max_requests = int(os.getenv("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10
# Trust X-Forwarded-* only from the proxy's addresses (FORWARDED_ALLOW_IPS, gunicorn's own).
forwarded_allow_ips = os.getenv("FORWARDED_ALLOW_IPS", "127.0.0.1")

# gunicorn's heartbeat files in memory, not on the container's disk (its docs advise it).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108

# One log format for gunicorn and Django: JSON lines in production (advisor/logs.py).
# The access log carries the request id that Django's own lines for the request carry.
_debug = os.getenv("DEBUG", "false").strip().lower() in ("1", "true", "yes", "on")
_level = os.getenv("LOG_LEVEL", "INFO")
logconfig_dict = logging_config(
    level=_level, json_lines=os.getenv("LOG_FORMAT", "text" if _debug else "json") == "json"
)
logconfig_dict["loggers"]["gunicorn.access"] = {
    "level": _level,  # access lines are INFO: LOG_LEVEL=WARNING leaves them out
    "handlers": ["console"],
    "propagate": False,
}
accesslog = "-" if os.getenv("ACCESS_LOG", "true").lower() in ("1", "true", "yes", "on") else None
access_log_format = "%(m)s %(U)s %(s)s %(B)sB %(M)sms request_id=%({x-request-id}o)s"
