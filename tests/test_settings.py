"""Settings come from the environment; each case runs in a fresh interpreter."""

import json
import os
import subprocess
import sys

import pytest

from tests.services import ROOT

PRINT_SETTINGS = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps({
    "engine": settings.DATABASES["default"]["ENGINE"],
    "db_name": str(settings.DATABASES["default"]["NAME"]),
    "broker": settings.CELERY_BROKER_URL,
    "cache": settings.CACHES["default"]["BACKEND"],
    "sessions": settings.SESSION_ENGINE,
    "hosts": settings.ALLOWED_HOSTS,
    "email": settings.EMAIL_BACKEND,
    "debug": settings.DEBUG,
    "db_options": settings.DATABASES["default"].get("OPTIONS", {}),
}))
"""


# What a Celery worker process makes of the database settings (advisor.celery).
PRINT_WORKER_DATABASE = """
import json, django
django.setup()
from django.db import connection
from advisor.celery import tune_database_for_tasks
tune_database_for_tasks()
print(json.dumps({
    "health_checks": connection.settings_dict["CONN_HEALTH_CHECKS"],
    "options": connection.settings_dict["OPTIONS"].get("options"),
}))
"""


def load(script: str = PRINT_SETTINGS, **env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "advisor.settings", **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_embedded_defaults_need_no_server():
    result = load(DEBUG="true", SECRET_KEY="x")
    values = json.loads(result.stdout)
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["broker"] == "filesystem://"
    assert values["email"] == "django.core.mail.backends.console.EmailBackend"
    assert values["sessions"] == "django.contrib.sessions.backends.db"


def test_database_and_redis_urls_switch_to_postgres_and_redis():
    result = load(
        DEBUG="true",
        SECRET_KEY="x",
        DATABASE_URL="postgres://leap@db.internal:5432/leap",
        REDIS_URL="redis://cache.internal:6379/1",
    )
    values = json.loads(result.stdout)
    assert values["engine"] == "advisor.postgresql"  # Django's, with a cheaper health check
    assert values["db_name"] == "leap"
    assert values["broker"] == "redis://cache.internal:6379/1"
    assert values["cache"] == "advisor.cache.ForgivingRedisCache"
    assert values["sessions"] == "django.contrib.sessions.backends.cached_db"
    assert values["db_options"] == {"server_side_binding": True, "prepare_threshold": 5}


def test_postgres_options_keep_the_urls_own_and_prepared_statements_can_be_turned_off():
    result = load(
        DEBUG="true",
        SECRET_KEY="x",
        DATABASE_URL="postgres://leap@db.internal:5432/leap?sslmode=require",
        DB_PREPARED_STATEMENTS="false",  # for a transaction-pooling PgBouncer before 1.21
    )
    options = json.loads(result.stdout)["db_options"]
    assert options == {"server_side_binding": True, "prepare_threshold": None, "sslmode": "require"}


def test_workers_skip_health_checks_and_commit_asynchronously_on_postgres():
    postgres = {"DEBUG": "true", "SECRET_KEY": "x", "DATABASE_URL": "postgres://leap@db/leap"}
    worker = json.loads(load(PRINT_WORKER_DATABASE, **postgres).stdout)
    assert worker == {"health_checks": False, "options": "-c synchronous_commit=off"}
    synchronous = load(PRINT_WORKER_DATABASE, **postgres, WORKER_ASYNC_COMMIT="false")
    assert json.loads(synchronous.stdout) == {"health_checks": False, "options": None}
    web = json.loads(load(**postgres).stdout)["db_options"]  # web processes: untouched
    assert "options" not in web


def test_secret_key_is_required_when_debug_is_off():
    result = load(DEBUG="false", SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_allowed_hosts_come_from_the_environment():
    result = load(
        DEBUG="false", SECRET_KEY="x", ALLOWED_HOSTS="leap.example.com, www.leap.example.com"
    )
    assert json.loads(result.stdout)["hosts"] == ["leap.example.com", "www.leap.example.com"]


PRINT_CELERY = """
import json, django
from django.conf import settings
django.setup()
from advisor.celery import app
print(json.dumps({
    "transport": app.conf.broker_transport,
    "ssl": app.conf.broker_use_ssl,
    "transport_options": app.conf.broker_transport_options,
    "connect_timeout": app.conf.broker_connection_timeout,
    "cache_options": settings.CACHES["default"].get("OPTIONS", {}),
    "prefetch": app.conf.worker_prefetch_multiplier,
    "queues": list(app.amqp.queues),
    "sweep": app.conf.beat_schedule["requeue-stuck-plans"]["options"],
}))
"""


def test_every_redis_operation_gives_up_in_time_and_workers_outlive_redis_restarts():
    redis = {"DEBUG": "true", "SECRET_KEY": "x", "REDIS_URL": "redis://cache.internal:6379/1"}
    values = json.loads(load(PRINT_CELERY, **redis, REDIS_TIMEOUT="2.5").stdout)
    assert values["transport"] == "advisor.broker:Transport"
    assert values["transport_options"] == {
        "visibility_timeout": 300,
        "socket_timeout": 2.5,
        "socket_connect_timeout": 2.5,
        "queue_order_strategy": "priority",
    }
    assert values["connect_timeout"] == 2.5
    assert values["cache_options"] == {"socket_timeout": 2.5, "socket_connect_timeout": 2.5}
    assert values["ssl"] is False  # plain redis://


def test_a_broker_over_tls_checks_its_certificate():
    tls = {"DEBUG": "true", "SECRET_KEY": "x", "REDIS_URL": "rediss://cache.internal:6380/1"}
    values = json.loads(load(PRINT_CELERY, **tls).stdout)
    assert values["transport"] == "advisor.broker:Transport"
    assert values["ssl"] == {"ssl_cert_reqs": 2}  # ssl.CERT_REQUIRED


def test_sweeps_come_first_pdfs_last_and_each_worker_process_holds_one_message():
    values = json.loads(load(PRINT_CELERY, DEBUG="true", SECRET_KEY="x", CELERY_QUEUE="q").stdout)
    assert values["queues"] == ["q.sweep", "q", "q.pdf"]
    assert values["sweep"] == {"queue": "q.sweep", "expires": 5}
    assert values["prefetch"] == 1


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("WORKER_PREFETCH_MULTIPLIER", "3"),  # 60 + 3 x 90 s held, against 300
        ("PLAN_RETRY_BACKOFF_MAX", "240"),  # a retry waits 240 s, then runs up to 90
        ("BROKER_VISIBILITY_TIMEOUT", "120"),
    ],
)
def test_settings_refuse_a_message_held_longer_than_the_visibility_timeout(setting, value):
    result = load(DEBUG="true", SECRET_KEY="x", **{setting: value})
    assert result.returncode != 0
    assert "< BROKER_VISIBILITY_TIMEOUT" in result.stderr
