"""The PostgreSQL backend's health check (advisor/postgresql/base.py): no round trip for
a healthy connection, and a connection the server closed is replaced before it is used."""

import select
import tempfile
import time
from contextlib import contextmanager

import psycopg
import pytest
from django.db import connection

from profiles.models import User
from tests import services


@pytest.fixture
def postgres(transactional_db):
    services.need(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")
    connection.close()  # a new one: an older one may be past DB_CONN_MAX_AGE, and closed
    connection.ensure_connection()
    return connection


def backend_pid(conn) -> int:
    return conn.connection.info.backend_pid


def terminate(pid: int) -> None:
    """What a database restart does to a connection: the server ends it."""
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params, autocommit=True) as other:
        ended = other.execute("SELECT pg_terminate_backend(%s)", [pid]).fetchone()[0]
    assert ended


def wait_until_closed_by_the_server(conn) -> None:
    """The server's FATAL message and end of stream arrive a moment after the call."""
    poller = select.poll()
    poller.register(conn.connection.fileno(), select.POLLIN)
    deadline = time.monotonic() + 5
    while not poller.poll(50):
        assert time.monotonic() < deadline, "the server did not close the connection"


@contextmanager
def sent_to_the_server(conn):
    """libpq's trace of the messages the client sends on this connection."""
    with tempfile.TemporaryFile() as trace:
        conn.connection.pgconn.trace(trace.fileno())
        sent = []
        try:
            yield sent
        finally:
            conn.connection.pgconn.untrace()
        trace.seek(0)
        sent += [line for line in trace.read().decode().splitlines() if "\tF\t" in line]


def test_a_healthy_idle_connection_is_kept_without_a_round_trip(postgres):
    User.objects.count()
    pid = backend_pid(postgres)
    with sent_to_the_server(postgres) as sent:
        assert postgres.is_usable()
        postgres.close_if_unusable_or_obsolete()  # what every request starts with
        postgres.close_if_health_check_failed()  # what its first query does
    assert sent == []  # Django's own check sends SELECT 1 here
    assert backend_pid(postgres) == pid
    with sent_to_the_server(postgres) as sent:
        User.objects.count()
    assert len(sent) == 1  # the trace sees what is sent


def test_a_connection_the_server_closed_is_replaced_before_the_next_query(postgres):
    User.objects.create(email="kept@example.com")
    pid = backend_pid(postgres)
    terminate(pid)
    wait_until_closed_by_the_server(postgres)

    assert not postgres.is_usable()
    postgres.close_if_unusable_or_obsolete()  # a new request
    assert User.objects.filter(email="kept@example.com").exists()  # no error
    assert backend_pid(postgres) != pid


def test_a_connection_left_in_a_failed_transaction_is_not_usable(postgres):
    postgres.connection.execute("BEGIN")
    with pytest.raises(psycopg.Error):
        postgres.connection.execute("SELECT 1 / 0")
    assert not postgres.is_usable()
    postgres.connection.execute("ROLLBACK")
    assert postgres.is_usable()
