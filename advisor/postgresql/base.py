"""Django's PostgreSQL backend, with a health check that needs no round trip.

With `CONN_HEALTH_CHECKS`, Django checks a reused connection before a request's first
query by sending it `SELECT 1`. On the hottest request, a questionnaire step save, that
was one of four round trips, and taking it off raised the step save by about seven points
of the bare view's throughput, from 35% to 42-45% on the same machine (bench/README.md,
"Questionnaire step save").

A connection that sits idle between requests has nothing to read, unless the server has
closed it: a restarting or crashing server, or `pg_terminate_backend`, sends the client
a FATAL message and closes the socket, and either makes the socket readable. So the check
asks the kernel, without waiting, whether the idle socket has anything to read. A
readable one is dropped and Django opens a new one, as it did when `SELECT 1` failed.

What it cannot see is a connection cut without a word (a network path gone silent):
`SELECT 1` would have waited on that one until the TCP timeout, so it protected no
better. Something harmless to read (a NOTICE sent on its own, which Leap never asks for)
costs a new connection, no error.
"""

import select

from django.db.backends.postgresql import base
from psycopg import pq


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        connection = self.connection
        if connection is None or connection.closed or connection.broken:
            return False
        if connection.info.transaction_status not in (
            pq.TransactionStatus.IDLE,
            pq.TransactionStatus.INTRANS,
        ):
            return False  # a failed transaction, or a connection libpq gave up on
        try:
            poller = select.poll()
            poller.register(connection.fileno(), select.POLLIN)
            return not poller.poll(0)  # readable while idle: closed by the server
        except (OSError, ValueError):
            return False
