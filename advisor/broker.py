"""What Leap needs of its broker beyond Celery: a worker that outlives a Redis restart,
and a look at which plan messages are still on their way to a worker.

kombu's Redis transport, with one guard:

When a worker loses Redis, Celery's consumer first collects the broken connection, which
detaches the transport from it (`transport.client = None`), then closes it. If the first
pass could not finish closing the consumer's channel (Redis was down while it drained its
pending BRPOP), the second one closes it again, and the channel tries to put its
unacknowledged messages back: it builds a new connection pool from `transport.client`,
which is now None. kombu 5.7.0 then raises `AttributeError: 'NoneType' object has no
attribute 'hostname'`, which no teardown path expects, and the worker exits for good
("Unrecoverable error"). Reproduced in tests/test_plan_worker.py.

Here that case raises a Redis ConnectionError instead: every teardown path already
ignores connection errors, so the consumer reconnects as it does after any other
outage. The messages it could not put back stay in Redis's unacknowledged set, which
kombu restores after the visibility timeout; a plan behind one of them is sent again by
the sweeper long before that (advisor/plans/lifecycle.py).

Used through `CELERY_BROKER_TRANSPORT` whenever REDIS_URL is set (advisor/settings.py).

`in_flight` tells the sweeper which plans need no sending again (docs/plans.md).
"""

import json
import logging
import time
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

import redis
from django.conf import settings
from kombu.transport import redis as kombu_redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


class Channel(kombu_redis.Channel):
    def _connparams(self, asynchronous=False):
        if self.connection.client is None:  # the connection was collected: see above
            raise RedisConnectionError("the broker connection is closed")
        return super()._connparams(asynchronous=asynchronous)


class Transport(kombu_redis.Transport):
    Channel = Channel


def in_flight(task_ids: Iterable[str], *, grace: float) -> set[str] | None:
    """Those of `task_ids` whose message the broker still holds for a worker: waiting in
    the plans' queue or the PDFs', or handed to a worker less than `grace` seconds ago (or
    due then, for a retry that waits for its time). None when the broker cannot be asked.

    A message handed to a worker longer ago than that is not counted: a live worker
    starts a message as it takes it (it prefetches one per process), so one that is
    still not started belongs to a worker that died, and only the visibility timeout
    would free it. The sweeper sends those plans again rather than wait for that.
    """
    wanted = {str(task_id) for task_id in task_ids}
    if not wanted:
        return set()
    queues = [settings.CELERY_TASK_DEFAULT_QUEUE, settings.PLAN_PDF_QUEUE]
    broker_url = settings.CELERY_BROKER_URL
    try:
        if broker_url.startswith(("redis://", "rediss://")):
            found = _redis_in_flight(broker_url, queues, time.time() - grace)
        elif broker_url == "filesystem://":
            found = set().union(*(_folder_in_flight(queue) for queue in queues))
        else:
            return None
    except (RedisError, OSError):
        logger.warning("could not look into the broker's queue", exc_info=True)
        return None
    return wanted & found


def _task_id(payload: dict) -> str:
    return payload.get("headers", {}).get("id", "")


def _redis_in_flight(url: str, queues: list[str], since: float) -> set[str]:
    # kombu's Redis transport keeps a queue as a list of JSON messages, and messages
    # handed to workers in the hash `unacked` (by delivery tag, with the message) and
    # the sorted set `unacked_index` (by delivery tag, scored by the time of delivery).
    client = redis.Redis.from_url(
        url,
        socket_timeout=settings.REDIS_TIMEOUT,
        socket_connect_timeout=settings.REDIS_TIMEOUT,
    )
    found: set[str] = set()
    with client:
        for queue in queues:
            for start in range(0, client.llen(queue), _PAGE):
                page = client.lrange(queue, start, start + _PAGE - 1)
                found.update(_task_id(json.loads(raw)) for raw in page)
        delivered = dict(client.zrange("unacked_index", 0, -1, withscores=True))
        for tag, raw in client.hgetall("unacked").items():
            payload = json.loads(raw)[0]
            eta = payload.get("headers", {}).get("eta")
            due = datetime.fromisoformat(eta).timestamp() if eta else 0.0
            if max(delivered.get(tag, 0.0), due) >= since:
                found.add(_task_id(payload))
    return found


_PAGE = 1000  # messages read from Redis at a time


def _folder_in_flight(queue: str) -> set[str]:
    # kombu's filesystem transport keeps a message as a file `<time>_<uuid>.<queue>.msg`
    # and deletes it as a worker takes it: nothing is held.
    folder = Path(settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"])
    found: set[str] = set()
    for path in folder.glob(f"*.{queue}.msg"):
        if path.name.partition(".")[2] != f"{queue}.msg":
            continue  # another queue whose name ends with this one's
        try:
            found.add(_task_id(json.loads(path.read_bytes())))
        except (FileNotFoundError, ValueError):
            continue  # taken by a worker meanwhile, or half-written
    return found
